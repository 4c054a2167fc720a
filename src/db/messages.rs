//! Messages between the requester and the help desk. Bodies are sealed; messages are never
//! edited or deleted.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::messages;
use super::{DbConnection, DbError};
use crate::domain::message::MessageDirection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = messages)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct MessageRow {
    pub id: String,
    pub case_id: String,
    pub at: NaiveDateTime,
    /// `to_requester`, `from_requester` or `internal` (staff notes the requester never sees).
    pub direction: MessageDirection,
    pub author: String,
    pub sealed_body: Vec<u8>,
}

/// Replaces a message's sealed body (a redaction); false when the case holds no such message.
pub fn replace_body(
    conn: &mut DbConnection,
    case_id: &str,
    id: &str,
    sealed_body: &[u8],
) -> Result<bool, DbError> {
    let updated = diesel::update(
        messages::table
            .filter(messages::id.eq(id))
            .filter(messages::case_id.eq(case_id)),
    )
    .set(messages::sealed_body.eq(sealed_body))
    .execute(conn)?;
    Ok(updated == 1)
}

pub fn find(
    conn: &mut DbConnection,
    case_id: &str,
    id: &str,
) -> Result<Option<MessageRow>, DbError> {
    Ok(messages::table
        .filter(messages::id.eq(id))
        .filter(messages::case_id.eq(case_id))
        .select(MessageRow::as_select())
        .get_result(conn)
        .optional()?)
}

pub fn insert(conn: &mut DbConnection, row: &MessageRow) -> Result<(), DbError> {
    diesel::insert_into(messages::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The conversation the requester sees: internal notes excluded.
pub fn visible_to_requester(
    conn: &mut DbConnection,
    case_id: &str,
) -> Result<Vec<MessageRow>, DbError> {
    Ok(on_backend!(conn, |c| messages::table
        .filter(messages::case_id.eq(case_id))
        .filter(messages::direction.ne(MessageDirection::Internal))
        .order((messages::at.asc(), messages::id.asc()))
        .select(MessageRow::as_select())
        .load(c))?)
}

/// Every message of a case, internal notes included (the help desk's view).
pub fn for_case(conn: &mut DbConnection, case_id: &str) -> Result<Vec<MessageRow>, DbError> {
    Ok(messages::table
        .filter(messages::case_id.eq(case_id))
        .order((messages::at.asc(), messages::id.asc()))
        .select(MessageRow::as_select())
        .load(conn)?)
}
