//! The document retention policy and the documents it applies to.

use chrono::NaiveDateTime;
use diesel::dsl::max;
use diesel::prelude::*;

use super::schema::{case_events, cases, documents, retention_policy};
use super::{DbConnection, DbError};
use crate::domain::document::DocumentStatus;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = retention_policy)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct PolicyRow {
    pub document_days: i32,
    pub changed_by: String,
    pub changed_at: NaiveDateTime,
    /// How long audit records are kept; None keeps every record (docs/operations.md §2).
    pub audit_days: Option<i32>,
    pub audit_changed_by: Option<String>,
    pub audit_changed_at: Option<NaiveDateTime>,
}

pub fn policy(conn: &mut DbConnection) -> Result<PolicyRow, DbError> {
    Ok(retention_policy::table
        .find(1)
        .select(PolicyRow::as_select())
        .get_result(conn)?)
}

pub fn set_policy(
    conn: &mut DbConnection,
    document_days: i32,
    changed_by: &str,
    changed_at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(retention_policy::table.find(1))
        .set((
            retention_policy::document_days.eq(document_days),
            retention_policy::changed_by.eq(changed_by),
            retention_policy::changed_at.eq(changed_at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_audit_days(
    conn: &mut DbConnection,
    audit_days: Option<i32>,
    changed_by: &str,
    changed_at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(retention_policy::table.find(1))
        .set((
            retention_policy::audit_days.eq(audit_days),
            retention_policy::audit_changed_by.eq(changed_by),
            retention_policy::audit_changed_at.eq(changed_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// A document not yet destroyed whose case has ended.
#[derive(Debug, Clone, Queryable)]
pub struct KeptDocument {
    pub document_id: String,
    pub case_id: String,
    pub case_state: crate::domain::state::CaseState,
}

pub fn kept_documents_of_ended_cases(
    conn: &mut DbConnection,
    ended_states: &[&str],
) -> Result<Vec<KeptDocument>, DbError> {
    Ok(documents::table
        .inner_join(cases::table)
        .filter(documents::destroyed_at.is_null())
        .filter(cases::state.eq_any(ended_states))
        .select((documents::id, documents::case_id, cases::state))
        .order((documents::case_id.asc(), documents::id.asc()))
        .load(conn)?)
}

/// When each case last entered one of `ended_states`.
pub fn ended_at(
    conn: &mut DbConnection,
    case_ids: &[String],
    ended_states: &[&str],
) -> Result<Vec<(String, Option<NaiveDateTime>)>, DbError> {
    Ok(case_events::table
        .filter(case_events::case_id.eq_any(case_ids))
        .filter(case_events::to_state.eq_any(ended_states))
        .group_by(case_events::case_id)
        .select((case_events::case_id, max(case_events::at)))
        .load(conn)?)
}

/// Forgets the data key of a document kept past its period. Its review (who checked it, the
/// verdict) stays. Returns whether this call destroyed it, so that of several instances running
/// the same sweep exactly one records it.
pub fn destroy_expired(
    conn: &mut DbConnection,
    document_id: &str,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        documents::table
            .find(document_id)
            .filter(documents::destroyed_at.is_null()),
    )
    .set((
        documents::wrapped_key.eq(None::<Vec<u8>>),
        documents::destroyed_at.eq(Some(at)),
        documents::available_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Documents destroyed at the end of their retention period (a document destroyed for what it
/// showed has the status `destroyed`).
pub fn destroyed_after_retention(conn: &mut DbConnection) -> Result<i64, DbError> {
    Ok(documents::table
        .filter(documents::destroyed_at.is_not_null())
        .filter(documents::status.ne(DocumentStatus::Destroyed))
        .count()
        .get_result(conn)?)
}
