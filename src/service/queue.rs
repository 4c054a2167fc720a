//! The help desk's work lists: the case queue and the audit log, each read with the names of the
//! staff they mention.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use crate::db::{Db, DbError, audit, cases, queue_news, staff};

pub use crate::db::audit::{AuditEvent, AuditFilter};
pub use crate::db::cases::{CaseRow, QueueFilter};
pub use crate::db::staff::StaffRow;

/// Up to `limit` cases of the queue from `offset`, with the active staff (for assignee names).
pub async fn cases_page(
    db: &Db,
    filter: QueueFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<CaseRow>, Vec<StaffRow>), DbError> {
    db.read(move |conn| {
        Ok((
            cases::queue(conn, &filter, limit, offset)?,
            staff::active(conn)?,
        ))
    })
    .await
}

/// Up to `limit` audit records matching `filter`, newest first, with the active staff.
pub async fn audit_records(
    db: &Db,
    filter: AuditFilter,
    limit: i64,
) -> Result<(Vec<AuditEvent>, Vec<StaffRow>), DbError> {
    db.read(move |conn| Ok((audit::search(conn, &filter, limit)?, staff::active(conn)?)))
        .await
}

/// Up to `limit` audit records matching `filter`, newest first (one page of an export).
pub async fn audit_page(
    db: &Db,
    filter: AuditFilter,
    limit: i64,
) -> Result<Vec<AuditEvent>, DbError> {
    db.read(move |conn| audit::search(conn, &filter, limit))
        .await
}

/// Records that an auditor exported the log, with the filter used.
pub async fn record_audit_export(
    db: &Db,
    actor: &crate::service::casework::StaffActor,
    described: String,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), DbError> {
    let record = AuditEvent::new(now.naive_utc(), actor.label(), "audit.exported")
        .role(actor.role.as_str())
        .target(described)
        .from_request(actor.client_ip.clone(), actor.request_id.clone());
    db.write(move |conn| audit::append(conn, &record)).await
}

/// What arrived on a case since the person who works on it last opened it: the assignee, or for
/// an unassigned case anyone at the help desk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CaseNews {
    /// The requester wrote.
    pub message: bool,
    /// The requester sent a document.
    pub document: bool,
}

/// [`CaseNews`] for each of `rows` (a page of the queue), by case id.
pub async fn news(db: &Db, rows: &[CaseRow]) -> Result<HashMap<String, CaseNews>, DbError> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let (latest, opened) = db
        .read(move |conn| {
            Ok((
                queue_news::latest_news(conn, &ids)?,
                queue_news::last_opened(conn, &ids)?,
            ))
        })
        .await?;
    let mut news = HashMap::new();
    for row in rows {
        let looker = row.assignee_id.as_ref().map(|id| format!("staff:{id}"));
        let last_look: Option<NaiveDateTime> = opened
            .iter()
            .filter(|(case, actor, _)| {
                case.as_deref() == Some(row.id.as_str())
                    && looker.as_ref().is_none_or(|l| l == actor)
            })
            .filter_map(|(_, _, at)| *at)
            .max();
        let newer = |event: &str| {
            latest.iter().any(|(case, e, at)| {
                case == &row.id
                    && e == event
                    && at.is_some_and(|at| last_look.is_none_or(|seen| at > seen))
            })
        };
        let found = CaseNews {
            message: newer(queue_news::NEWS_EVENTS[0]),
            document: newer(queue_news::NEWS_EVENTS[1]),
        };
        if found != CaseNews::default() {
            news.insert(row.id.clone(), found);
        }
    }
    Ok(news)
}
