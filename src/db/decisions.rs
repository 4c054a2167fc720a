//! Decision drafts and the approved decision notice.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::decisions;
use super::{DbConnection, DbError};
use crate::domain::document::DecisionStatus;
use crate::domain::lifecycle::DecisionScope;
use crate::domain::outcome::Outcome;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = decisions)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct DecisionRow {
    pub id: String,
    pub case_id: String,
    pub outcome: Outcome,
    /// The notice's text (grounds, the content of a correction, …), sealed.
    pub sealed_text: Vec<u8>,
    pub drafted_by: String,
    pub drafted_at: NaiveDateTime,
    pub status: DecisionStatus,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub sealed_comment: Option<Vec<u8>>,
    /// The date on the notice (JST), set on approval.
    pub issued_on: Option<NaiveDate>,
    /// The case's deadline when the decision was issued (set on approval).
    pub due_on: Option<NaiveDate>,
    /// Withholding grounds, as `WithholdingGround::join` writes them.
    pub grounds: String,
    /// Calendar days from the receipt (JST day) to `issued_on`, set on approval.
    pub days_to_decision: Option<i32>,
    /// Which decision this is: the only one, or under Art. 84 the part's or the remainder's.
    pub scope: DecisionScope,
}

pub fn insert(conn: &mut DbConnection, row: &DecisionRow) -> Result<(), DbError> {
    diesel::insert_into(decisions::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn insert_many(conn: &mut DbConnection, rows: &[DecisionRow]) -> Result<(), DbError> {
    insert_batch!(conn, decisions::table, rows);
    Ok(())
}

pub fn for_case(conn: &mut DbConnection, case_id: &str) -> Result<Vec<DecisionRow>, DbError> {
    Ok(on_backend!(conn, |c| decisions::table
        .filter(decisions::case_id.eq(case_id))
        .order((decisions::drafted_at.asc(), decisions::id.asc()))
        .select(DecisionRow::as_select())
        .load(c))?)
}

/// When an approved decision was issued, and the deadline it was issued against.
#[derive(Debug, Clone, Copy)]
pub struct Issued {
    pub on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    /// Calendar days from the receipt (JST day) to `on`.
    pub days_to_decision: Option<i32>,
}

/// Closes the pending draft of a case as `approved` or `returned`. Fails with `NotFound` when
/// there is no pending draft (someone else reviewed it meanwhile).
pub fn review_pending(
    conn: &mut DbConnection,
    case_id: &str,
    status: DecisionStatus,
    reviewer: &str,
    at: NaiveDateTime,
    sealed_comment: Option<&[u8]>,
    issued: Option<Issued>,
) -> Result<(), DbError> {
    let changed = diesel::update(
        decisions::table
            .filter(decisions::case_id.eq(case_id))
            .filter(decisions::status.eq(DecisionStatus::Pending)),
    )
    .set((
        decisions::status.eq(status),
        decisions::reviewed_by.eq(Some(reviewer)),
        decisions::reviewed_at.eq(Some(at)),
        decisions::sealed_comment.eq(sealed_comment),
        decisions::issued_on.eq(issued.map(|i| i.on)),
        decisions::due_on.eq(issued.and_then(|i| i.due_on)),
        decisions::days_to_decision.eq(issued.and_then(|i| i.days_to_decision)),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}
