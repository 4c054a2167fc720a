//! Identity documents and proofs of authority: metadata and the wrapped data key. The encrypted
//! content lives in the blob store under the document's id.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::documents;
use super::{DbConnection, DbError};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = documents)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct DocumentRow {
    pub id: String,
    pub case_id: String,
    pub uploaded_at: NaiveDateTime,
    pub uploaded_by: String,
    pub purpose: String,
    pub declared_type: String,
    pub mime: String,
    pub size_bytes: i64,
    pub wrapped_key: Option<Vec<u8>>,
    pub status: String,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub sealed_review: Option<Vec<u8>>,
    pub destroyed_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &DocumentRow) -> Result<(), DbError> {
    diesel::insert_into(documents::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn for_case(conn: &mut DbConnection, case_id: &str) -> Result<Vec<DocumentRow>, DbError> {
    Ok(documents::table
        .filter(documents::case_id.eq(case_id))
        .order(documents::uploaded_at.asc())
        .select(DocumentRow::as_select())
        .load(conn)?)
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
