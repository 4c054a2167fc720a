//! Decision-notice starting texts an administrator wrote, one per outcome and language.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::notice_templates;
use super::{DbConnection, DbError};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = notice_templates)]
#[diesel(treat_none_as_default_value = false)]
pub struct NoticeTemplateRow {
    /// `domain::outcome::Outcome`'s stable name.
    pub outcome: String,
    /// `ja` or `en`.
    pub lang: String,
    pub body: String,
    pub changed_by: String,
    pub changed_at: NaiveDateTime,
}

pub fn find(
    conn: &mut DbConnection,
    outcome: &str,
    lang: &str,
) -> Result<Option<NoticeTemplateRow>, DbError> {
    Ok(notice_templates::table
        .find((outcome, lang))
        .select(NoticeTemplateRow::as_select())
        .get_result(conn)
        .optional()?)
}

pub fn all(conn: &mut DbConnection) -> Result<Vec<NoticeTemplateRow>, DbError> {
    Ok(notice_templates::table
        .select(NoticeTemplateRow::as_select())
        .load(conn)?)
}

/// Replaces the text of (outcome, lang), in the caller's transaction.
pub fn put(conn: &mut DbConnection, row: &NoticeTemplateRow) -> Result<(), DbError> {
    remove(conn, &row.outcome, &row.lang)?;
    diesel::insert_into(notice_templates::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Returns to the built-in text; whether there was an administrator's text.
pub fn remove(conn: &mut DbConnection, outcome: &str, lang: &str) -> Result<bool, DbError> {
    Ok(diesel::delete(notice_templates::table.find((outcome, lang))).execute(conn)? > 0)
}
