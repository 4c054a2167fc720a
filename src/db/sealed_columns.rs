//! Every column that holds a value sealed under the master key, read and rewritten in key order
//! by key rotation (`service::key_rotation`). The statements name tables and columns from the
//! fixed list below, never from input.

use diesel::prelude::*;
use diesel::sql_types::{Binary, Text};

use super::{DbConnection, DbError};

/// A sealed column: its table, the column that identifies a row (and orders the walk), and
/// whether the sealed bytes are stored as text (the second-factor secret).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SealedColumn {
    pub table: &'static str,
    pub key: &'static str,
    pub column: &'static str,
    pub stored_as_text: bool,
}

impl SealedColumn {
    const fn binary(table: &'static str, key: &'static str, column: &'static str) -> Self {
        SealedColumn {
            table,
            key,
            column,
            stored_as_text: false,
        }
    }
}

pub const OUTBOX: SealedColumn = SealedColumn::binary("outbox", "id", "sealed_message");
pub const PARTIES: SealedColumn = SealedColumn::binary("case_parties", "case_id", "sealed");
pub const CONTENTS: SealedColumn = SealedColumn::binary("case_contents", "case_id", "sealed");
pub const EVENT_NOTES: SealedColumn = SealedColumn::binary("case_events", "id", "sealed_note");
pub const DOCUMENT_KEYS: SealedColumn = SealedColumn::binary("documents", "id", "wrapped_key");
pub const REVIEWS: SealedColumn = SealedColumn::binary("documents", "id", "sealed_review");
pub const MESSAGES: SealedColumn = SealedColumn::binary("messages", "id", "sealed_body");
pub const DRAFTS: SealedColumn = SealedColumn::binary("drafts", "token_hash", "sealed");
pub const FEES: SealedColumn = SealedColumn::binary("fee_entries", "id", "sealed_entry");
pub const DECISIONS: SealedColumn = SealedColumn::binary("decisions", "id", "sealed_text");
pub const LETTERS: SealedColumn = SealedColumn::binary("letters", "id", "sealed_content");
pub const COMMENTS: SealedColumn = SealedColumn::binary("decisions", "id", "sealed_comment");
pub const SECOND_FACTORS: SealedColumn = SealedColumn {
    table: "staff",
    key: "id",
    column: "totp_secret",
    stored_as_text: true,
};

#[derive(QueryableByName)]
struct BinaryRow {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = Binary)]
    sealed: Vec<u8>,
}

#[derive(QueryableByName)]
struct TextRow {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = Text)]
    sealed: String,
}

/// A sealed value as stored: bytes, or text for a column stored as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    Bytes(Vec<u8>),
    Text(String),
}

fn select_sql(column: &SealedColumn, postgres: bool) -> String {
    let (after, limit) = if postgres { ("$1", "$2") } else { ("?", "?") };
    format!(
        "SELECT {key} AS key, {col} AS sealed FROM {table} WHERE {key} > {after} AND {col} IS NOT NULL ORDER BY {key} LIMIT {limit}",
        key = column.key,
        col = column.column,
        table = column.table,
    )
}

/// Up to `limit` non-null values whose row key sorts after `after`, in key order.
pub fn batch(
    conn: &mut DbConnection,
    column: &SealedColumn,
    after: &str,
    limit: i64,
) -> Result<Vec<(String, Stored)>, DbError> {
    let postgres = matches!(conn, DbConnection::Postgres(_));
    let query = diesel::sql_query(select_sql(column, postgres))
        .bind::<Text, _>(after)
        .bind::<diesel::sql_types::BigInt, _>(limit);
    Ok(if column.stored_as_text {
        on_backend!(conn, |c| query.load::<TextRow>(c))?
            .into_iter()
            .map(|r| (r.key, Stored::Text(r.sealed)))
            .collect()
    } else {
        on_backend!(conn, |c| query.load::<BinaryRow>(c))?
            .into_iter()
            .map(|r| (r.key, Stored::Bytes(r.sealed)))
            .collect()
    })
}

/// Replaces one row's sealed value.
pub fn replace(
    conn: &mut DbConnection,
    column: &SealedColumn,
    key: &str,
    value: &Stored,
) -> Result<(), DbError> {
    let postgres = matches!(conn, DbConnection::Postgres(_));
    let (value_at, key_at) = if postgres { ("$1", "$2") } else { ("?", "?") };
    let sql = format!(
        "UPDATE {table} SET {col} = {value_at} WHERE {key} = {key_at}",
        table = column.table,
        col = column.column,
        key = column.key,
    );
    let changed = match value {
        Stored::Bytes(bytes) => on_backend!(conn, |c| diesel::sql_query(&sql)
            .bind::<Binary, _>(bytes)
            .bind::<Text, _>(key)
            .execute(c))?,
        Stored::Text(text) => on_backend!(conn, |c| diesel::sql_query(&sql)
            .bind::<Text, _>(text)
            .bind::<Text, _>(key)
            .execute(c))?,
    };
    if changed != 1 {
        return Err(DbError::Conflict(format!(
            "{}.{} row {key}: {changed} rows changed",
            column.table, column.column
        )));
    }
    Ok(())
}
