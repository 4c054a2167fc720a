//! Sealing the audit log and checking it (`docs/operations.md §2`). Every instance seals every
//! [`SEAL_EVERY`] and once more when it stops; a command that writes audit records seals before it
//! exits; `madoguchi audit verify` runs [`verify`].

use std::sync::{Arc, mpsc};
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::Connection;
use diesel::connection::SimpleConnection;

use crate::clock::Clock;
use crate::db::audit::{self, Sealed};
use crate::db::audit_pages::{self, RecordPage};
use crate::db::retention;
use crate::db::{Db, DbConnection, DbError};
use crate::domain::audit_chain::{Anchor, Broken, ChainCheck, Intact};

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
/// checks the last; pages go back to be filled again, so a million records cost a handful of
/// allocations (`docs/operations.md §2`).
pub fn verify(db: &Db) -> Result<Result<Intact, Broken>, AuditLogError> {
    Ok(db.with_reader(|conn| {
        conn.transaction(|conn| {
            if let DbConnection::Postgres(pg) = conn {
                pg.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
            }
            let audit::SealChain {
                seals,
                head,
                anchor,
            } = audit::seals(conn)?;
            let check = match ChainCheck::new(seals, (head.0, &head.1), anchor) {
                Ok(check) => check,
                Err(broken) => return Ok(Err(broken)),
            };
            std::thread::scope(|scope| {
                let (full, arriving) = mpsc::sync_channel::<RecordPage>(2);
                let (empty, returned) = mpsc::channel::<RecordPage>();
                let checker = scope.spawn(move || check_pages(check, arriving, empty));
                let read = read_pages(conn, &full, &returned);
                drop(full);
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
    full: &mpsc::SyncSender<RecordPage>,
    returned: &mpsc::Receiver<RecordPage>,
) -> Result<(), DbError> {
    let mut after: Option<String> = None;
    loop {
        let mut page = returned.try_recv().unwrap_or_default();
        audit_pages::fill_page(conn, after.as_deref(), CHECK_PAGE, &mut page)?;
        let more = page.len() as i64 == CHECK_PAGE;
        after = page.last_id().map(str::to_string);
        if full.send(page).is_err() || !more {
            return Ok(());
        }
    }
}

fn check_pages(
    mut check: ChainCheck,
    arriving: mpsc::Receiver<RecordPage>,
    empty: mpsc::Sender<RecordPage>,
) -> Result<Intact, Broken> {
    for page in arriving {
        for (record, digest, seal) in page.records() {
            check.record(&record, digest, seal)?;
        }
        // The reader may have finished: then the page is simply dropped.
        let _ = empty.send(page);
    }
    check.finish()
}

/// What the pruning of old audit records did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PruneRun {
    pub records: u64,
    /// Where the kept log starts now, when anything was removed.
    pub anchor: Option<Anchor>,
}

/// Removes the audit records older than the administrator's retention setting (none while it
/// keeps every record), a seal at a time: a seal goes once it was made more than the period
/// before `now`, so every record is kept at least the period. Each step anchors the kept log at
/// the newest seal removed and records itself (`docs/operations.md §2`).
pub async fn prune(db: &Db, now: DateTime<Utc>) -> Result<PruneRun, AuditLogError> {
    let mut run = PruneRun::default();
    let Some(days) = db.read(retention::policy).await?.audit_days else {
        return Ok(run);
    };
    let sealed_before = (now - chrono::Duration::days(i64::from(days))).naive_utc();
    loop {
        match db
            .write(move |conn| audit::prune_before(conn, sealed_before, now.naive_utc()))
            .await?
        {
            Some(pruned) => {
                run.records += pruned.records;
                run.anchor = Some(pruned.anchor);
            }
            None => return Ok(run),
        }
    }
}

/// What the retention page shows of the audit log: how many records are kept, since when, and
/// where the kept log starts.
#[derive(Debug, Clone)]
pub struct Kept {
    pub records: i64,
    pub oldest: Option<chrono::NaiveDateTime>,
    pub anchor: Anchor,
}

pub async fn kept(db: &Db) -> Result<Kept, DbError> {
    db.read(|conn| {
        let (records, oldest) = audit::extent(conn)?;
        let (_, _, anchor) = audit::seals_head(conn)?;
        Ok(Kept {
            records,
            oldest,
            anchor,
        })
    })
    .await
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
