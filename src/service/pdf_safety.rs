//! Whether an uploaded PDF could act when opened. Staff open these documents, so a PDF that runs
//! scripts, launches programs, carries embedded files, submits forms or opens addresses is
//! refused with a message. The file is parsed as a viewer would (lopdf: cross-reference table,
//! object streams decompressed, `#xx` escapes in names decoded); every object is inspected, and
//! the raw bytes are scanned too, with name escapes decoded, for objects the table leaves out
//! that a forgiving viewer would still find. A PDF that cannot be parsed, or is encrypted (its
//! objects cannot be inspected), is refused as unreadable. docs/security.md §4.

use lopdf::{Dictionary, Document, Object};

/// Keys whose mere presence means active content.
const ACTIVE_KEYS: [&[u8]; 9] = [
    b"JS",
    b"JavaScript",
    b"EmbeddedFile",
    b"EmbeddedFiles",
    b"RichMedia",
    b"XFA",
    b"AA",
    b"Launch",
    b"URI",
];

/// Action types (`/S`) and object types (`/Type`) that act or carry content to run.
const ACTIVE_NAMES: [&[u8]; 11] = [
    b"JavaScript",
    b"Launch",
    b"SubmitForm",
    b"ImportData",
    b"URI",
    b"GoToE",
    b"GoToR",
    b"RichMediaExecute",
    b"Rendition",
    b"EmbeddedFile",
    b"Sound",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PdfVerdict {
    Inert,
    /// It would act when opened (what was found, for the log).
    Active(&'static str),
    /// It cannot be parsed, or it is encrypted.
    Unreadable,
}

pub fn inspect(bytes: &[u8]) -> PdfVerdict {
    if let Some(found) = raw_markers(bytes) {
        return PdfVerdict::Active(found);
    }
    let Ok(document) = Document::load_mem(bytes) else {
        return PdfVerdict::Unreadable;
    };
    if document.is_encrypted() {
        return PdfVerdict::Unreadable;
    }
    for object in document.objects.values() {
        if let Some(found) = active_in(object) {
            return PdfVerdict::Active(found);
        }
    }
    PdfVerdict::Inert
}

fn active_in(object: &Object) -> Option<&'static str> {
    match object {
        Object::Dictionary(dict) => active_in_dict(dict),
        Object::Stream(stream) => active_in_dict(&stream.dict),
        Object::Array(items) => items.iter().find_map(active_in),
        _ => None,
    }
}

fn active_in_dict(dict: &Dictionary) -> Option<&'static str> {
    for (key, value) in dict.iter() {
        if let Some(found) = ACTIVE_KEYS.iter().find(|k| **k == key.as_slice()) {
            return Some(name_of(found));
        }
        if matches!(key.as_slice(), b"S" | b"Type" | b"Subtype")
            && let Object::Name(name) = value
            && let Some(found) = ACTIVE_NAMES.iter().find(|n| **n == name.as_slice())
        {
            return Some(name_of(found));
        }
        if let Some(found) = active_in(value) {
            return Some(found);
        }
    }
    None
}

fn name_of(marker: &'static [u8]) -> &'static str {
    std::str::from_utf8(marker).unwrap_or("active content")
}

/// The raw bytes with `#xx` escapes decoded, searched for active names as whole tokens.
fn raw_markers(bytes: &[u8]) -> Option<&'static str> {
    let decoded = decode_name_escapes(bytes);
    const RAW: [&[u8]; 8] = [
        b"JavaScript",
        b"JS",
        b"Launch",
        b"EmbeddedFile",
        b"SubmitForm",
        b"ImportData",
        b"RichMedia",
        b"XFA",
    ];
    RAW.iter()
        .find(|marker| contains_name(&decoded, marker))
        .map(|m| name_of(m))
}

/// Whether `/name` occurs followed by a delimiter (so `/JS` does not match `/JSFont`).
fn contains_name(haystack: &[u8], name: &[u8]) -> bool {
    let mut at = 0;
    while let Some(found) = haystack[at..].iter().position(|b| *b == b'/') {
        let start = at + found + 1;
        let end = start + name.len();
        if haystack.get(start..end) == Some(name)
            && haystack
                .get(end)
                .is_none_or(|b| b.is_ascii_whitespace() || b"/<>[]()%{}".contains(b))
        {
            return true;
        }
        at = start;
    }
    false
}

fn decode_name_escapes(bytes: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'#'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Stream, dictionary};

    /// A one-page PDF whose catalog gets `extra` entries, saved by lopdf (so its structure is
    /// real), optionally with its objects packed into compressed object streams.
    pub fn pdf_with(extra: Vec<(&str, Object)>, packed: bool) -> Vec<u8> {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let content = doc.add_object(Stream::new(dictionary! {}, b"BT ET".to_vec()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content,
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => vec![page.into()],
                "Count" => 1,
            }),
        );
        let mut catalog = dictionary! { "Type" => "Catalog", "Pages" => pages_id };
        for (key, value) in extra {
            catalog.set(key, value);
        }
        let catalog_id = doc.add_object(catalog);
        doc.trailer.set("Root", catalog_id);
        let mut out = Vec::new();
        if packed {
            doc.save_modern(&mut out).expect("save with object streams");
        } else {
            doc.save_to(&mut out).expect("save");
        }
        out
    }

    fn action(kind: &str, extra: Vec<(&str, Object)>) -> Object {
        let mut dict = dictionary! { "S" => Object::Name(kind.as_bytes().to_vec()) };
        for (k, v) in extra {
            dict.set(k, v);
        }
        Object::Dictionary(dict)
    }

    #[test]
    fn a_plain_pdf_is_inert() {
        let by_hand = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\nxref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \ntrailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n186\n%%EOF\n";
        assert_eq!(inspect(by_hand), PdfVerdict::Inert);
        assert_eq!(inspect(&pdf_with(vec![], false)), PdfVerdict::Inert);
        assert_eq!(inspect(&pdf_with(vec![], true)), PdfVerdict::Inert);
    }

    #[test]
    fn actions_are_found_plain_escaped_and_inside_object_streams() {
        let script = action(
            "JavaScript",
            vec![("JS", Object::string_literal("app.alert(1)"))],
        );
        for packed in [false, true] {
            for open in [
                script.clone(),
                action("URI", vec![("URI", Object::string_literal("https://x"))]),
                action(
                    "SubmitForm",
                    vec![("F", Object::string_literal("https://x"))],
                ),
                action("Launch", vec![("F", Object::string_literal("cmd.exe"))]),
            ] {
                let pdf = pdf_with(vec![("OpenAction", open)], packed);
                assert!(
                    matches!(inspect(&pdf), PdfVerdict::Active(_)),
                    "packed {packed}: {}",
                    String::from_utf8_lossy(&pdf)
                );
            }
        }
        // The name written with an escape (#61 is "a"), which a byte search misses.
        let escaped = String::from_utf8_lossy(&pdf_with(vec![("OpenAction", script)], false))
            .replace("/JavaScript", "/J#61vaScript")
            .replace("/JS", "/J#53");
        assert!(matches!(inspect(escaped.as_bytes()), PdfVerdict::Active(_)));
    }

    #[test]
    fn javascript_hidden_in_a_compressed_object_stream_is_found() {
        let pdf = pdf_with(
            vec![(
                "Names",
                Object::Dictionary(dictionary! {
                    "JavaScript" => Object::Dictionary(dictionary! {
                        "Names" => vec![
                            Object::string_literal("x"),
                            Object::Dictionary(dictionary! {
                                "S" => "JavaScript",
                                "JS" => Object::string_literal("app.alert(1)"),
                            }),
                        ],
                    }),
                }),
            )],
            true,
        );
        // Compressed: the bytes on disk do not spell it.
        assert!(!contains_name(&pdf, b"JavaScript"), "the test hides it");
        assert!(matches!(inspect(&pdf), PdfVerdict::Active(_)));
    }

    #[test]
    fn garbage_and_look_alike_names_are_told_apart() {
        assert_eq!(inspect(b"%PDF-1.4\nnot really"), PdfVerdict::Unreadable);
        assert!(!contains_name(b"/JSFont 12 Tf", b"JS"));
        assert!(contains_name(b"<</JS (x)>>", b"JS"));
        assert_eq!(decode_name_escapes(b"/J#61va"), b"/Java");
    }
}
