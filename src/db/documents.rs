//! Identity documents and proofs of authority: metadata and the wrapped data key. The encrypted
//! content lives in the blob store under the document's id.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::documents;
use super::{DbConnection, DbError};
use crate::domain::document::{DocumentPurpose, DocumentStatus};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = documents)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct DocumentRow {
    pub id: String,
    pub case_id: String,
    pub uploaded_at: NaiveDateTime,
    pub uploaded_by: String,
    pub purpose: DocumentPurpose,
    pub declared_type: String,
    pub mime: String,
    pub size_bytes: i64,
    pub wrapped_key: Option<Vec<u8>>,
    pub status: DocumentStatus,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub sealed_review: Option<Vec<u8>>,
    pub destroyed_at: Option<NaiveDateTime>,
    /// For a delivered (disclosed) file: the requester may download it until then.
    pub available_until: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &DocumentRow) -> Result<(), DbError> {
    diesel::insert_into(documents::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn for_case(conn: &mut DbConnection, case_id: &str) -> Result<Vec<DocumentRow>, DbError> {
    Ok(on_backend!(conn, |c| documents::table
        .filter(documents::case_id.eq(case_id))
        .order(documents::uploaded_at.asc())
        .select(DocumentRow::as_select())
        .load(c))?)
}

/// Bytes stored for a case, destroyed documents excluded.
pub fn stored_bytes(conn: &mut DbConnection, case_id: &str) -> Result<i64, DbError> {
    let sizes: Vec<i64> = documents::table
        .filter(documents::case_id.eq(case_id))
        .filter(documents::destroyed_at.is_null())
        .select(documents::size_bytes)
        .load(conn)?;
    Ok(sizes.iter().sum())
}

/// How many documents a case holds that a person sent or staff scanned (not yet destroyed).
pub fn sent_count(conn: &mut DbConnection, case_id: &str) -> Result<i64, DbError> {
    Ok(documents::table
        .filter(documents::case_id.eq(case_id))
        .filter(documents::destroyed_at.is_null())
        .filter(documents::purpose.ne(DocumentPurpose::Disclosure))
        .count()
        .get_result(conn)?)
}

/// Holds the case's row until the transaction ends, so that two uploads to one case check its
/// quota one after the other. SQLite's single writer already does; PostgreSQL needs the lock.
pub fn lock_case(conn: &mut DbConnection, case_id: &str) -> Result<(), DbError> {
    if let DbConnection::Postgres(pg) = conn {
        use super::schema::cases;
        cases::table
            .find(case_id)
            .select(cases::id)
            .for_update()
            .first::<String>(pg)?;
    }
    Ok(())
}

pub fn find(
    conn: &mut DbConnection,
    case_id: &str,
    document_id: &str,
) -> Result<Option<DocumentRow>, DbError> {
    Ok(documents::table
        .filter(documents::case_id.eq(case_id))
        .filter(documents::id.eq(document_id))
        .select(DocumentRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Records a reviewer's verdict (accepted or rejected) unless the document was destroyed.
pub fn record_review(
    conn: &mut DbConnection,
    document_id: &str,
    status: DocumentStatus,
    reviewer: &str,
    at: NaiveDateTime,
    sealed_review: &[u8],
) -> Result<(), DbError> {
    let changed = diesel::update(
        documents::table
            .find(document_id)
            .filter(documents::destroyed_at.is_null()),
    )
    .set((
        documents::status.eq(status),
        documents::reviewed_by.eq(Some(reviewer)),
        documents::reviewed_at.eq(Some(at)),
        documents::sealed_review.eq(Some(sealed_review)),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Forgets the document's data key: the encrypted file can never be read again. The row stays
/// as the record that a document existed and was destroyed, and why (in `sealed_review`).
pub fn destroy(
    conn: &mut DbConnection,
    document_id: &str,
    reviewer: &str,
    at: NaiveDateTime,
    sealed_review: &[u8],
) -> Result<(), DbError> {
    diesel::update(documents::table.find(document_id))
        .set((
            documents::status.eq(DocumentStatus::Destroyed),
            documents::wrapped_key.eq(None::<Vec<u8>>),
            documents::destroyed_at.eq(Some(at)),
            documents::reviewed_by.eq(Some(reviewer)),
            documents::reviewed_at.eq(Some(at)),
            documents::sealed_review.eq(Some(sealed_review)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Makes a disclosed file downloadable by the requester until `until`.
pub fn make_available(
    conn: &mut DbConnection,
    document_id: &str,
    until: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(documents::table.find(document_id))
        .set(documents::available_until.eq(Some(until)))
        .execute(conn)?;
    Ok(())
}
