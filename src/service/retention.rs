//! Destroys the documents of ended cases once the retention period has passed, and lets an
//! administrator change that period. Every instance runs the sweep; a document is destroyed by
//! whichever gets to it first, and only that one records it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::db::audit::{self, AuditEvent};
use crate::db::retention::{self as rows, KeptDocument};
use crate::db::{Db, DbError};
use crate::domain::deadline::jst_date;
use crate::domain::retention::{DaysProblem, ENDED, is_due, parse_audit_days, parse_days};
use crate::service::case_record::append_event;
use crate::storage::files::BlobStore;

/// Cases whose end times are read in one query.
const CHUNK: usize = 500;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Destroyed {
    pub documents: usize,
    pub cases: usize,
}

fn ended_states() -> Vec<&'static str> {
    ENDED.iter().map(|s| s.as_str()).collect()
}

/// The documents of one ended case that are due for destruction.
#[derive(Debug)]
pub struct DueCase {
    pub case_id: String,
    pub state: crate::domain::state::CaseState,
    pub documents: Vec<String>,
}

/// Every ended case with documents kept past the retention period on `now`'s day (Japan time).
pub async fn due(db: &Db, now: DateTime<Utc>) -> Result<Vec<DueCase>, DbError> {
    let states = ended_states();
    let (policy, kept) = db
        .read(move |conn| {
            Ok((
                rows::policy(conn)?,
                rows::kept_documents_of_ended_cases(conn, &states)?,
            ))
        })
        .await?;
    let days = u32::try_from(policy.document_days).unwrap_or(crate::domain::retention::MAX_DAYS);
    let today = jst_date(now);
    let mut by_case: Vec<DueCase> = Vec::new();
    for KeptDocument {
        document_id,
        case_id,
        case_state,
    } in kept
    {
        match by_case.last_mut() {
            Some(last) if last.case_id == case_id => last.documents.push(document_id),
            _ => by_case.push(DueCase {
                case_id,
                state: case_state,
                documents: vec![document_id],
            }),
        }
    }
    let mut due = Vec::new();
    for chunk in by_case.chunks(CHUNK) {
        let ids: Vec<String> = chunk.iter().map(|c| c.case_id.clone()).collect();
        let states = ended_states();
        let ended: HashMap<String, DateTime<Utc>> = db
            .read(move |conn| rows::ended_at(conn, &ids, &states))
            .await?
            .into_iter()
            .filter_map(|(id, at)| Some((id, at?.and_utc())))
            .collect();
        due.extend(
            chunk
                .iter()
                .filter(|c| {
                    ended
                        .get(&c.case_id)
                        .is_some_and(|at| is_due(jst_date(*at), days, today))
                })
                .map(|c| DueCase {
                    case_id: c.case_id.clone(),
                    state: c.state,
                    documents: c.documents.clone(),
                }),
        );
    }
    Ok(due)
}

/// Destroys the documents [`due`] finds: the data key is forgotten in the database first, then
/// the file is deleted.
pub async fn destroy_expired(
    db: &Db,
    blobs: &BlobStore,
    now: DateTime<Utc>,
) -> Result<Destroyed, DbError> {
    let mut destroyed = Destroyed::default();
    for case in due(db, now).await? {
        let gone = destroy_case_documents(db, &case, now).await?;
        for id in &gone {
            // The key is gone, so the file can no longer be read; deleting it is tidiness.
            if let Err(e) = blobs.delete(id) {
                tracing::warn!(case_id = %case.case_id, document_id = %id, error = %e, "expired document's file not deleted");
            }
        }
        if !gone.is_empty() {
            destroyed.documents += gone.len();
            destroyed.cases += 1;
        }
    }
    Ok(destroyed)
}

async fn destroy_case_documents(
    db: &Db,
    case: &DueCase,
    now: DateTime<Utc>,
) -> Result<Vec<String>, DbError> {
    let (case_id, state, documents) = (case.case_id.clone(), case.state, case.documents.clone());
    db.write(move |conn| {
        let mut gone = Vec::new();
        for id in &documents {
            if rows::destroy_expired(conn, id, now.naive_utc())? {
                let event =
                    AuditEvent::new(now.naive_utc(), "system", "document.destroyed.retention")
                        .case(&case_id)
                        .target(id);
                audit::append(conn, &event)?;
                gone.push(id.clone());
            }
        }
        if !gone.is_empty() {
            append_event(
                conn,
                &case_id,
                now,
                "system",
                "documents_retention_destroyed",
                Some(state),
                state,
            )?;
        }
        Ok(gone)
    })
    .await
}

pub use crate::db::retention::PolicyRow;

pub async fn policy(db: &Db) -> Result<PolicyRow, DbError> {
    db.read(rows::policy).await
}

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("invalid number of days: {}", .0.code())]
    Invalid(DaysProblem),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Sets the retention period from what the administrator typed; audited with the old and new
/// periods in the same transaction.
pub async fn change_policy(
    db: &Db,
    typed_days: &str,
    (actor, role): (&str, &str),
    now: DateTime<Utc>,
) -> Result<u32, PolicyError> {
    let days = parse_days(typed_days).map_err(PolicyError::Invalid)?;
    let stored = i32::try_from(days).map_err(|_| PolicyError::Invalid(DaysProblem::TooLong))?;
    let (actor, role) = (actor.to_string(), role.to_string());
    db.write(move |conn| {
        let old = rows::policy(conn)?.document_days;
        rows::set_policy(conn, stored, &actor, now.naive_utc())?;
        let event = AuditEvent::new(
            now.naive_utc(),
            format!("staff:{actor}"),
            "retention.changed",
        )
        .role(&role)
        .target(format!("documents:{old}->{stored}"));
        audit::append(conn, &event)
    })
    .await?;
    Ok(days)
}

/// Sets how long audit records are kept (empty: every record) from what the administrator
/// typed; audited with the old and new settings in the same transaction. The next prune
/// (`service::audit_log::prune`) removes what is older.
pub async fn change_audit_policy(
    db: &Db,
    typed_days: &str,
    (actor, role): (&str, &str),
    now: DateTime<Utc>,
) -> Result<Option<u32>, PolicyError> {
    let days = parse_audit_days(typed_days).map_err(PolicyError::Invalid)?;
    let stored = days
        .map(i32::try_from)
        .transpose()
        .map_err(|_| PolicyError::Invalid(DaysProblem::TooLong))?;
    let (actor, role) = (actor.to_string(), role.to_string());
    let shown = |days: Option<i32>| days.map_or_else(|| "all".to_string(), |d| d.to_string());
    db.write(move |conn| {
        let old = rows::policy(conn)?.audit_days;
        rows::set_audit_days(conn, stored, &actor, now.naive_utc())?;
        let event = AuditEvent::new(
            now.naive_utc(),
            format!("staff:{actor}"),
            "retention.audit_changed",
        )
        .role(&role)
        .target(format!("audit:{}->{}", shown(old), shown(stored)));
        audit::append(conn, &event)
    })
    .await?;
    Ok(days)
}

/// What the administration page shows beside the period.
#[derive(Debug, Default)]
pub struct Overview {
    pub kept_of_ended_cases: usize,
    pub due_now: usize,
    pub destroyed_after_retention: i64,
}

pub async fn overview(db: &Db, now: DateTime<Utc>) -> Result<Overview, DbError> {
    let states = ended_states();
    let (kept_of_ended_cases, destroyed_after_retention) = db
        .read(move |conn| {
            Ok((
                rows::kept_documents_of_ended_cases(conn, &states)?.len(),
                rows::destroyed_after_retention(conn)?,
            ))
        })
        .await?;
    let due_now = due(db, now).await?.iter().map(|c| c.documents.len()).sum();
    Ok(Overview {
        kept_of_ended_cases,
        due_now,
        destroyed_after_retention,
    })
}
