//! Sealing the audit log and checking it (`docs/operations.md §2`). Every instance seals every
//! [`SEAL_EVERY`] and once more when it stops; a command that writes audit records seals before it
//! exits; `madoguchi audit verify` runs [`verify`].

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::Connection;
use diesel::connection::SimpleConnection;

use crate::clock::Clock;
use crate::db::audit::{self, Sealed, StoredRecord};
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
///
/// Reading and hashing take turns on two threads: this one reads the next page while the other
/// checks the last (each is about half the work; `docs/operations.md §2`).
pub fn verify(db: &Db) -> Result<Result<Intact, Broken>, AuditLogError> {
    Ok(db.with_reader(|conn| {
        conn.transaction(|conn| {
            if let DbConnection::Postgres(pg) = conn {
                pg.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
            }
            let (seals, head) = audit::seals(conn)?;
            let check = match ChainCheck::new(seals, (head.0, &head.1)) {
                Ok(check) => check,
                Err(broken) => return Ok(Err(broken)),
            };
            std::thread::scope(|scope| {
                let (pages, arriving) = std::sync::mpsc::sync_channel::<Vec<StoredRecord>>(2);
                let checker = scope.spawn(move || check_pages(check, arriving));
                let read = read_pages(conn, &pages);
                drop(pages);
                let verdict = checker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                read.map(|()| verdict)
            })
        })
    })?)
}

/// Sends every record in id order, a page at a time, until the end or until the checker stops
/// taking them (it found the log broken).
fn read_pages(
    conn: &mut DbConnection,
    pages: &std::sync::mpsc::SyncSender<Vec<StoredRecord>>,
) -> Result<(), DbError> {
    let mut after: Option<String> = None;
    loop {
        let page = audit::page_after(conn, after.as_deref(), CHECK_PAGE)?;
        let full = page.len() as i64 == CHECK_PAGE;
        after = page.last().map(|(event, _, _)| event.id.clone());
        if pages.send(page).is_err() || !full {
            return Ok(());
        }
    }
}

fn check_pages(
    mut check: ChainCheck,
    arriving: std::sync::mpsc::Receiver<Vec<StoredRecord>>,
) -> Result<Intact, Broken> {
    for page in arriving {
        for (event, digest, seal) in &page {
            check.record(&event.as_record(), digest.as_deref(), *seal)?;
        }
    }
    check.finish()
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
