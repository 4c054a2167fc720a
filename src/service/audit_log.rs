//! Sealing the audit log and checking it (`docs/operations.md §2`). Every instance seals every
//! [`SEAL_EVERY`] and once more when it stops; a command that writes audit records seals before it
//! exits; `madoguchi audit verify` runs [`verify`].

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::Connection;
use diesel::connection::SimpleConnection;

use crate::clock::Clock;
use crate::db::audit::{self, Sealed};
use crate::db::{Db, DbConnection, DbError};
use crate::domain::audit_chain::{Broken, ChainCheck, Intact};

/// How often each instance seals: well within the minute the log promises, and often enough that
/// one seal's records (a few thousand a second at full intake) fit in memory.
pub const SEAL_EVERY: Duration = Duration::from_secs(20);

/// Records read per query while checking.
const CHECK_PAGE: i64 = 20_000;

#[derive(Debug, thiserror::Error)]
pub enum AuditLogError {
    #[error(transparent)]
    Db(#[from] DbError),
}

/// What one round of sealing did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SealRun {
    pub seals: u64,
    pub records: u64,
    /// The newest seal made, if any.
    pub latest: Option<Sealed>,
}

impl SealRun {
    fn add(&mut self, sealed: Sealed) {
        self.seals += 1;
        self.records += sealed.records as u64;
        self.latest = Some(sealed);
    }
}

/// Seals every record not yet sealed, in as many seals as it takes.
pub async fn seal(db: &Db, now: DateTime<Utc>) -> Result<SealRun, AuditLogError> {
    let mut run = SealRun::default();
    loop {
        match db
            .write(move |conn| audit::seal_pending(conn, now.naive_utc()))
            .await
        {
            Ok(Some(sealed)) => run.add(sealed),
            // None left, or another instance sealed them first.
            Ok(None) | Err(DbError::Conflict(_)) => return Ok(run),
            Err(e) => return Err(e.into()),
        }
    }
}

/// [`seal`] for command-line tools, which run no async writer. Beside a running server on SQLite
/// a seal can find the database busy (its read turned stale while the server committed); it is
/// tried again a few times before the command gives up.
pub fn seal_blocking(db: &Db, now: DateTime<Utc>) -> Result<SealRun, AuditLogError> {
    let mut run = SealRun::default();
    let mut tries_left = 5;
    loop {
        match db.with_writer(|conn| audit::seal_pending(conn, now.naive_utc())) {
            Ok(Some(sealed)) => run.add(sealed),
            Ok(None) | Err(DbError::Conflict(_)) => return Ok(run),
            Err(_) if tries_left > 0 => {
                tries_left -= 1;
                std::thread::sleep(Duration::from_millis(200));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Checks every record and every seal in one snapshot of the database: the seals' chain, each
/// record against the digest written with it, each seal against its records, and that nothing
/// unsealed predates what is sealed. Outer error: the database failed; inner: the log is broken.
pub fn verify(db: &Db) -> Result<Result<Intact, Broken>, AuditLogError> {
    Ok(db.with_reader(|conn| {
        conn.transaction(|conn| {
            if let DbConnection::Postgres(pg) = conn {
                pg.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
            }
            let (seals, head) = audit::seals(conn)?;
            let mut check = match ChainCheck::new(seals, (head.0, &head.1)) {
                Ok(check) => check,
                Err(broken) => return Ok(Err(broken)),
            };
            let mut after: Option<String> = None;
            loop {
                let page = audit::page_after(conn, after.as_deref(), CHECK_PAGE)?;
                for (event, digest, seal) in &page {
                    if let Err(broken) = check.record(&event.as_record(), digest.as_deref(), *seal)
                    {
                        return Ok(Err(broken));
                    }
                }
                match page.last() {
                    Some((event, _, _)) if page.len() as i64 == CHECK_PAGE => {
                        after = Some(event.id.clone());
                    }
                    _ => break,
                }
            }
            Ok(check.finish())
        })
    })?)
}

/// Seals every `every` in this instance (several instances take turns on the head row).
pub fn spawn_sealer(db: Db, clock: Arc<dyn Clock>, every: Duration) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            if let Err(e) = seal(&db, clock.now()).await {
                tracing::warn!(error = %e, "sealing the audit log failed; will retry");
            }
        }
    });
}
