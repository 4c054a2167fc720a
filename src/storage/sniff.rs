//! What a file is, judged by its content and never by its name or the browser's claim.

/// File types accepted for identity documents and proofs of authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentFormat {
    Jpeg,
    Png,
    Pdf,
    Heif,
}

impl DocumentFormat {
    pub fn mime(self) -> &'static str {
        match self {
            DocumentFormat::Jpeg => "image/jpeg",
            DocumentFormat::Png => "image/png",
            DocumentFormat::Pdf => "application/pdf",
            DocumentFormat::Heif => "image/heif",
        }
    }

    pub fn from_mime(mime: &str) -> Option<DocumentFormat> {
        [
            DocumentFormat::Jpeg,
            DocumentFormat::Png,
            DocumentFormat::Pdf,
            DocumentFormat::Heif,
        ]
        .into_iter()
        .find(|f| f.mime() == mime)
    }

    /// Browsers show these inline; HEIF is offered as a download.
    pub fn viewable_inline(self) -> bool {
        !matches!(self, DocumentFormat::Heif)
    }
}

pub fn recognise(bytes: &[u8]) -> Option<DocumentFormat> {
    let kind = infer::get(bytes)?;
    match kind.mime_type() {
        "image/jpeg" => Some(DocumentFormat::Jpeg),
        "image/png" => Some(DocumentFormat::Png),
        "application/pdf" => Some(DocumentFormat::Pdf),
        "image/heif" | "image/heic" => Some(DocumentFormat::Heif),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_recognised_by_their_magic_bytes() {
        assert_eq!(
            recognise(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F']),
            Some(DocumentFormat::Jpeg)
        );
        assert_eq!(
            recognise(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(DocumentFormat::Png)
        );
        assert_eq!(
            recognise(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
            Some(DocumentFormat::Pdf)
        );
        assert_eq!(
            recognise(b"GIF89a\x01\x00\x01\x00"),
            None,
            "GIF is not accepted"
        );
        assert_eq!(recognise(b"MZ\x90\x00 an executable"), None);
        assert_eq!(recognise(b"plain text named scan.pdf"), None);
        assert_eq!(recognise(b""), None);
    }
}
