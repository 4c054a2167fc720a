//! Receiving a document: recognised by its content, checked, encrypted with its own key, written
//! to disk only as ciphertext, and recorded with the case in one transaction.

use chrono::{DateTime, Utc};
use zeroize::Zeroize;

use crate::db::audit::{self, AuditEvent};
use crate::db::documents::{self, DocumentRow};
use crate::db::{Db, DbError};
use crate::domain::document::{DocumentPurpose, DocumentStatus};
use crate::domain::identity::DocumentType;
use crate::domain::state::CaseState;
use crate::service::case_record::append_event;
use crate::service::pdf_safety::PdfVerdict;
use crate::storage::crypto::MasterKey;
use crate::storage::files::BlobStore;
use crate::storage::sniff::{self, DocumentFormat};

/// Why an upload was not accepted; each has a message for the person (`field.file.<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UploadProblem {
    #[error("no file")]
    Empty,
    #[error("file too large")]
    TooLarge,
    #[error("case storage limit reached")]
    CaseLimit,
    #[error("case holds the most documents allowed")]
    TooMany,
    #[error("not a JPEG, PNG or PDF")]
    UnsupportedType,
    #[error("HEIC photo")]
    Heic,
    #[error("PDF with active content")]
    ActivePdf,
    #[error("PDF that cannot be read or is encrypted")]
    UnreadablePdf,
    #[error("document type not chosen")]
    NoType,
    #[error("the case does not take documents now")]
    Closed,
}

impl UploadProblem {
    pub fn code(self) -> &'static str {
        match self {
            UploadProblem::Empty => "empty",
            UploadProblem::TooLarge => "too_large",
            UploadProblem::CaseLimit => "case_limit",
            UploadProblem::TooMany => "too_many",
            UploadProblem::UnsupportedType => "unsupported",
            UploadProblem::Heic => "heic",
            UploadProblem::ActivePdf => "active_pdf",
            UploadProblem::UnreadablePdf => "unreadable_pdf",
            UploadProblem::NoType => "no_type",
            UploadProblem::Closed => "closed",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("{0}")]
    Rejected(UploadProblem),
    #[error("storage: {0}")]
    Storage(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The most identity documents and proofs of authority one case takes (sent or scanned); a
/// person needs a handful, and each is shown to staff on the case page.
pub const MAX_DOCUMENTS_PER_CASE: i64 = 20;

/// Checks what can be checked before anything is stored.
pub fn check(bytes: &[u8], max_bytes: usize) -> Result<DocumentFormat, UploadProblem> {
    if bytes.is_empty() {
        return Err(UploadProblem::Empty);
    }
    if bytes.len() > max_bytes {
        return Err(UploadProblem::TooLarge);
    }
    match sniff::recognise(bytes) {
        None => Err(UploadProblem::UnsupportedType),
        Some(DocumentFormat::Heif) => Err(UploadProblem::Heic),
        // Staff open these documents: a PDF that would act when opened is refused, and one that
        // cannot be inspected (damaged, encrypted) too.
        Some(DocumentFormat::Pdf) => match super::pdf_safety::inspect(bytes) {
            PdfVerdict::Inert => Ok(DocumentFormat::Pdf),
            PdfVerdict::Active(_) => Err(UploadProblem::ActivePdf),
            PdfVerdict::Unreadable => Err(UploadProblem::UnreadablePdf),
        },
        Some(format) => Ok(format),
    }
}

/// What a stored file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attachment {
    /// An identity document or a proof of authority sent by the requester.
    Requester(DocumentType),
    /// A file disclosed to the requester by the help desk.
    Disclosure,
}

pub struct Upload<'a> {
    pub case_id: &'a str,
    /// The case's state, recorded with the timeline entry (an upload does not change it).
    pub case_state: CaseState,
    pub uploaded_by: &'a str,
    pub attachment: Attachment,
    pub max_bytes: usize,
    pub case_max_bytes: usize,
    /// The audit record of this upload, written in the same transaction as the document (its
    /// target becomes the new document's id).
    pub audit: Option<AuditEvent>,
}

/// Stores one document. The plaintext buffer is wiped before returning, whatever the outcome.
pub async fn store(
    db: &Db,
    master: &MasterKey,
    blobs: &BlobStore,
    upload: Upload<'_>,
    mut plaintext: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<String, UploadError> {
    let result = store_inner(db, master, blobs, &upload, &plaintext, now).await;
    plaintext.zeroize();
    result
}

async fn store_inner(
    db: &Db,
    master: &MasterKey,
    blobs: &BlobStore,
    upload: &Upload<'_>,
    plaintext: &[u8],
    now: DateTime<Utc>,
) -> Result<String, UploadError> {
    let format = check(plaintext, upload.max_bytes).map_err(UploadError::Rejected)?;
    let size = i64::try_from(plaintext.len()).unwrap_or(i64::MAX);
    let case_max = i64::try_from(upload.case_max_bytes).unwrap_or(i64::MAX);
    let id = uuid::Uuid::now_v7().to_string();
    let sealed = master
        .seal_document(&id, plaintext)
        .map_err(|e| UploadError::Storage(e.to_string()))?;
    let store = blobs.clone();
    let (blob_id, blob) = (id.clone(), sealed.blob);
    tokio::task::spawn_blocking(move || store.write(&blob_id, &blob))
        .await
        .map_err(|e| UploadError::Storage(e.to_string()))?
        .map_err(|e| UploadError::Storage(e.to_string()))?;
    let state = upload.case_state;
    let upload_kind = upload.attachment;
    let audit_row = upload.audit.clone().map(|a| a.target(&id));
    let row = DocumentRow {
        id: id.clone(),
        case_id: upload.case_id.to_string(),
        uploaded_at: now.naive_utc(),
        uploaded_by: upload.uploaded_by.to_string(),
        purpose: match upload.attachment {
            Attachment::Requester(t) if t.is_identity_document() => DocumentPurpose::Identity,
            Attachment::Requester(_) => DocumentPurpose::Authority,
            Attachment::Disclosure => DocumentPurpose::Disclosure,
        },
        declared_type: match upload.attachment {
            Attachment::Requester(t) => t.as_str(),
            Attachment::Disclosure => "disclosure",
        }
        .to_string(),
        mime: format.mime().to_string(),
        size_bytes: size,
        wrapped_key: Some(sealed.wrapped_key),
        status: DocumentStatus::Submitted,
        reviewed_by: None,
        reviewed_at: None,
        sealed_review: None,
        destroyed_at: None,
        available_until: None,
    };
    let counted = matches!(upload_kind, Attachment::Requester(_));
    // The quota and the count are checked in the transaction that stores the row, with the case
    // locked: parallel uploads cannot all pass a check made before any of them was stored.
    let recorded = db
        .write(move |conn| {
            documents::lock_case(conn, &row.case_id)?;
            if documents::stored_bytes(conn, &row.case_id)?.saturating_add(row.size_bytes)
                > case_max
            {
                return Ok(Err(UploadProblem::CaseLimit));
            }
            if counted && documents::sent_count(conn, &row.case_id)? >= MAX_DOCUMENTS_PER_CASE {
                return Ok(Err(UploadProblem::TooMany));
            }
            documents::insert(conn, &row)?;
            if let Some(audit_row) = &audit_row {
                audit::append(conn, audit_row)?;
            }
            append_event(
                conn,
                &row.case_id,
                now,
                &row.uploaded_by,
                match upload_kind {
                    Attachment::Requester(_) => "document_uploaded",
                    Attachment::Disclosure => "disclosure_file_added",
                },
                Some(state),
                state,
            )?;
            Ok(Ok(()))
        })
        .await;
    let recorded = match recorded {
        Ok(Err(problem)) => {
            let _ = blobs.delete(&id);
            return Err(UploadError::Rejected(problem));
        }
        Ok(Ok(())) => Ok(()),
        Err(e) => Err(e),
    };
    if let Err(e) = recorded {
        // Without its row (and key) the blob is unreadable anyway; remove it so nothing lingers.
        let _ = blobs.delete(&id);
        return Err(e.into());
    }
    tracing::info!(case_id = %upload.case_id, document_id = %id, mime = format.mime(), size, "document stored");
    Ok(id)
}

/// Reads and decrypts a stored document; None once it has been destroyed (its key is gone).
pub async fn open_stored(
    master: &MasterKey,
    blobs: &BlobStore,
    row: &crate::db::documents::DocumentRow,
) -> Result<Option<zeroize::Zeroizing<Vec<u8>>>, UploadError> {
    let Some(wrapped_key) = row.wrapped_key.as_deref() else {
        return Ok(None);
    };
    let store = blobs.clone();
    let blob_id = row.id.clone();
    let blob = tokio::task::spawn_blocking(move || store.read(&blob_id))
        .await
        .map_err(|e| UploadError::Storage(e.to_string()))?
        .map_err(|e| UploadError::Storage(e.to_string()))?;
    master
        .open_document(&row.id, wrapped_key, &blob)
        .map(Some)
        .map_err(|e| UploadError::Storage(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_files_are_refused_with_a_reason() {
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0, 1,
        ];
        assert_eq!(check(&jpeg, 1024), Ok(DocumentFormat::Jpeg));
        assert_eq!(check(&[], 1024), Err(UploadProblem::Empty));
        assert_eq!(check(&jpeg, 4), Err(UploadProblem::TooLarge));
        assert_eq!(
            check(b"MZ\x90\x00 renamed.jpg", 1024),
            Err(UploadProblem::UnsupportedType)
        );
        assert_eq!(
            check(
                b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
                1024
            ),
            Err(UploadProblem::ActivePdf)
        );
        assert_eq!(
            check(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj", 1024),
            Err(UploadProblem::UnreadablePdf),
            "no cross-reference table, no pages: nothing a viewer could show"
        );
        assert_eq!(
            check(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", 1024),
            Err(UploadProblem::Heic)
        );
    }
}
