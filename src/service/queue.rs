//! The help desk's work lists: the case queue and the audit log, each read with the names of the
//! staff they mention.

use crate::db::{Db, DbError, audit, cases, staff};

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
