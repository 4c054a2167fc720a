//! Periodic clean-up inside every instance. Each step is idempotent and claims its rows in the
//! database, so running it on several instances at once is harmless.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::db::audit::{self, AuditEvent};
use crate::db::{Db, DbError, cases, drafts};
use crate::service::caches::ProfileCache;
use crate::storage::files::BlobStore;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub unconfirmed_cases: usize,
    pub drafts: usize,
}

/// Deletes submissions never confirmed within `unconfirmed_hours` (with everything attached)
/// and drafts past their expiry.
pub async fn purge(db: &Db, now: DateTime<Utc>, unconfirmed_hours: u32) -> Result<Purged, DbError> {
    let before = (now - chrono::Duration::hours(i64::from(unconfirmed_hours))).naive_utc();
    db.write(move |conn| {
        let purged = Purged {
            unconfirmed_cases: cases::purge_unconfirmed(conn, before)?,
            drafts: drafts::purge_expired(conn, now.naive_utc())?,
        };
        if purged.unconfirmed_cases > 0 {
            let event = AuditEvent::new(now.naive_utc(), "system", "cases.purged_unconfirmed")
                .target(format!("count:{}", purged.unconfirmed_cases));
            audit::append(conn, &event)?;
        }
        Ok(purged)
    })
    .await
}

/// Every `every`: purges expired submissions and drafts, destroys documents kept past their
/// retention period, and prunes audit records older than theirs.
pub fn spawn(
    db: Db,
    blobs: BlobStore,
    (profiles, clock): (Arc<ProfileCache>, Arc<dyn crate::clock::Clock>),
    every: Duration,
) {
    tokio::spawn(async move {
        loop {
            match crate::service::retention::destroy_expired(&db, &blobs, Utc::now()).await {
                Ok(d) if d.documents > 0 => {
                    tracing::info!(
                        documents = d.documents,
                        cases = d.cases,
                        "destroyed documents kept past their retention period"
                    );
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "retention sweep failed; will retry"),
            }
            // The administrator may have changed how long a submission waits for confirmation.
            let unconfirmed_hours = match profiles.fresh(&db).await {
                Ok(profile) => profile.unconfirmed_expiry_hours,
                Err(_) => profiles.current().unconfirmed_expiry_hours,
            };
            match purge(&db, Utc::now(), unconfirmed_hours).await {
                Ok(p) if p != Purged::default() => {
                    tracing::info!(
                        unconfirmed = p.unconfirmed_cases,
                        drafts = p.drafts,
                        "purged expired submissions"
                    );
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "housekeeping failed; will retry"),
            }
            match crate::service::audit_log::prune(&db, clock.now()).await {
                Ok(run) if run.records > 0 => {
                    tracing::info!(
                        records = run.records,
                        "pruned audit records older than the retention setting"
                    );
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "pruning the audit log failed; will retry"),
            }
            tokio::time::sleep(every).await;
        }
    });
}
