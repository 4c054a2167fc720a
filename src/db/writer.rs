//! SQLite's one writer, fed by a queue. Writes that arrive while another commits wait together and
//! then share one transaction: a burst of submissions costs one commit instead of one each, and
//! the connection stays on one thread instead of being handed from thread to thread. No caller
//! hears of success before the shared commit has succeeded.
//!
//! A write that fails is rare (a double click, a stale form), so writes share the transaction
//! without a savepoint each: savepoints copied every page a write touched into a journal and cost
//! the writer a tenth of its time (perf, 20,000 submissions). When one write fails, the whole
//! transaction is rolled back and every write of the batch runs again alone; that is why a write
//! is `FnMut`, and must not depend on having run before.
//!
//! Checkpoints run beside the writer (`checkpoint.rs`).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use diesel::Connection;
use diesel::r2d2::Pool;
use tokio::sync::oneshot;

use super::DbConnection;
use super::checkpoint::Checkpoints;
use super::manager::{ConnectionManager, DbError};

/// Bounds the work lost to one failed commit and the wait of the last write in a batch.
const MOST_PER_COMMIT: usize = 64;
/// Under load (the last commit carried more than one write), a batch of fewer writes than this
/// waits up to [`LINGER`] for more: every commit rewrites the last page of each index it touches,
/// so fuller commits write less per write (wrk, 16 connections: p99 about a third lower than
/// with no wait). A longer wait idles the writer while the next requests are still being read:
/// 300 µs beat 800 µs in each of five paired runs of `benches/submissions.sh` (2 cores).
const FULL_BATCH: usize = 16;
const LINGER: Duration = Duration::from_micros(300);

trait Job: Send {
    /// Runs the write in the open transaction; false when it failed.
    fn run(&mut self, conn: &mut DbConnection) -> bool;
    /// Tells the caller, once its transaction has committed or failed.
    fn finish(self: Box<Self>, committed: Result<(), String>);
}

struct Pending<T, F> {
    work: F,
    outcome: Option<Result<T, DbError>>,
    reply: oneshot::Sender<Result<T, DbError>>,
    span: tracing::Span,
}

impl<T, F> Job for Pending<T, F>
where
    T: Send,
    F: FnMut(&mut DbConnection) -> Result<T, DbError> + Send,
{
    fn run(&mut self, conn: &mut DbConnection) -> bool {
        let outcome = self.span.in_scope(|| (self.work)(conn));
        let ran = outcome.is_ok();
        self.outcome = Some(outcome);
        ran
    }

    fn finish(self: Box<Self>, committed: Result<(), String>) {
        let result = match (self.outcome, committed) {
            (Some(Err(own)), _) => Err(own),
            (Some(Ok(value)), Ok(())) => Ok(value),
            (Some(Ok(_)), Err(reason)) => Err(DbError::Unavailable(reason)),
            (None, _) => Err(DbError::Unavailable("the write was not run".into())),
        };
        // A caller that went away (its request was cancelled) needs no answer.
        let _ = self.reply.send(result);
    }
}

/// The queue into the writer thread; the thread ends when the last handle is dropped.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Box<dyn Job>>,
}

impl Writer {
    /// Starts the writer thread on `pool`, a pool of one connection.
    pub fn start(
        pool: Pool<ConnectionManager>,
        checkpoints: Checkpoints,
    ) -> Result<Writer, DbError> {
        let (jobs, queue) = mpsc::channel::<Box<dyn Job>>();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || {
                let mut last_batch = 0;
                while let Ok(first) = queue.recv() {
                    let batch = gather(&queue, first, last_batch > 1);
                    last_batch = batch.len();
                    commit_together(&pool, batch);
                    checkpoints.committed();
                }
            })
            .map_err(|e| DbError::Unavailable(format!("cannot start the writer thread: {e}")))?;
        Ok(Writer { jobs })
    }

    /// Runs `f` atomically and answers once it is committed. `f` may run more than once (see
    /// the module's note); only its last run is committed.
    pub async fn write<T, F>(&self, f: F) -> Result<T, DbError>
    where
        F: FnMut(&mut DbConnection) -> Result<T, DbError> + Send + 'static,
        T: Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Pending {
            work: f,
            outcome: None,
            reply,
            span: tracing::Span::current(),
        };
        self.jobs.send(Box::new(job)).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// The writes waiting behind `first`; under load, a short wait for more.
fn gather(
    queue: &mpsc::Receiver<Box<dyn Job>>,
    first: Box<dyn Job>,
    under_load: bool,
) -> Vec<Box<dyn Job>> {
    let mut batch = vec![first];
    let linger_until = Instant::now() + LINGER;
    while batch.len() < MOST_PER_COMMIT {
        let next = match queue.try_recv() {
            Ok(job) => Ok(job),
            Err(_) if under_load && batch.len() < FULL_BATCH => {
                queue.recv_timeout(linger_until.saturating_duration_since(Instant::now()))
            }
            Err(_) => break,
        };
        match next {
            Ok(job) => batch.push(job),
            Err(_) => break,
        }
    }
    batch
}

fn stopped() -> DbError {
    DbError::Unavailable("the database writer has stopped".into())
}

enum Shared {
    Committed,
    /// A write failed; the transaction was rolled back.
    OneFailed,
    Failed(String),
}

fn commit_together(pool: &Pool<ConnectionManager>, mut batch: Vec<Box<dyn Job>>) {
    // A panicking write drops the pooled connection while unwinding, so the pool discards it
    // (`has_broken`), its transaction with it, and the thread goes on serving the queue.
    let shared = catch_unwind(AssertUnwindSafe(|| run_together(pool, &mut batch)))
        .unwrap_or_else(|_| Shared::Failed("a write failed unexpectedly".into()));
    match shared {
        Shared::Committed => batch.into_iter().for_each(|job| job.finish(Ok(()))),
        Shared::OneFailed => {
            for mut job in batch {
                let committed = catch_unwind(AssertUnwindSafe(|| run_alone(pool, job.as_mut())))
                    .unwrap_or_else(|_| Err("a write failed unexpectedly".into()));
                job.finish(committed);
            }
        }
        Shared::Failed(reason) => {
            tracing::error!(writes = batch.len(), %reason, "a shared commit failed");
            batch
                .into_iter()
                .for_each(|job| job.finish(Err(reason.clone())));
        }
    }
}

fn run_together(pool: &Pool<ConnectionManager>, batch: &mut [Box<dyn Job>]) -> Shared {
    let mut pooled = match pool.get() {
        Ok(pooled) => pooled,
        Err(e) => return Shared::Failed(e.to_string()),
    };
    let conn: &mut DbConnection = &mut pooled;
    let mut one_failed = false;
    let result = conn.transaction::<_, DbError, _>(|conn| {
        for job in batch.iter_mut() {
            if !job.run(conn) {
                one_failed = true;
                return Err(DbError::Conflict("rolled back for a failed write".into()));
            }
        }
        Ok(())
    });
    match result {
        Ok(()) => Shared::Committed,
        Err(_) if one_failed => Shared::OneFailed,
        Err(e) => Shared::Failed(e.to_string()),
    }
}

/// Commits one write in a transaction of its own; a write that fails reports its own error.
fn run_alone(pool: &Pool<ConnectionManager>, job: &mut dyn Job) -> Result<(), String> {
    let mut pooled = pool.get().map_err(|e| e.to_string())?;
    let conn: &mut DbConnection = &mut pooled;
    let mut failed = false;
    let result = conn.transaction::<_, DbError, _>(|conn| {
        failed = !job.run(conn);
        if failed {
            Err(DbError::Conflict("rolled back for a failed write".into()))
        } else {
            Ok(())
        }
    });
    match result {
        Ok(()) => Ok(()),
        // The job holds its own error, which is what its caller hears.
        Err(_) if failed => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use diesel::RunQueryDsl;
    use diesel::sql_types::BigInt;
    use futures_util::future::join_all;

    use crate::db::{DatabaseUrl, Db, DbError};

    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    fn numbers(db: &Db) -> i64 {
        db.with_reader(|conn| {
            Ok(diesel::sql_query("SELECT COUNT(*) AS n FROM numbers").get_result::<Count>(conn)?)
        })
        .expect("count")
        .n
    }

    fn run<T>(future: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(future)
    }

    fn database() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = Db::connect(&DatabaseUrl::Sqlite(dir.path().join("w.db")), 2).expect("connect");
        db.with_writer(|conn| {
            diesel::sql_query("CREATE TABLE numbers (n INTEGER PRIMARY KEY, padding BLOB)")
                .execute(conn)?;
            Ok(())
        })
        .expect("table");
        (dir, db)
    }

    fn insert(n: i64) -> impl FnMut(&mut crate::db::DbConnection) -> Result<i64, DbError> {
        move |conn| {
            diesel::sql_query(format!("INSERT INTO numbers (n) VALUES ({n})")).execute(conn)?;
            Ok(n)
        }
    }

    #[test]
    fn each_write_stands_or_falls_alone_however_the_writes_are_grouped() {
        let (_dir, db) = database();
        // Sent at once, these mostly share commits; every fifth fails after its insert, and a
        // duplicate key fails inside the database.
        let answers = run(join_all((0..50).map(|n| {
            let db = db.clone();
            async move {
                if n % 5 == 4 {
                    db.write(move |conn| {
                        insert(n)(conn)?;
                        Err::<i64, _>(DbError::Conflict("refused by the caller".into()))
                    })
                    .await
                } else if n == 7 {
                    db.write(insert(3)).await
                } else {
                    db.write(insert(n)).await
                }
            }
        })));
        for (n, answer) in answers.iter().enumerate() {
            match (n % 5, n) {
                (4, _) => assert!(
                    matches!(answer, Err(DbError::Conflict(m)) if m == "refused by the caller")
                ),
                (_, 7) => assert!(matches!(answer, Err(DbError::Conflict(_))), "{answer:?}"),
                _ => assert_eq!(answer.as_ref().ok(), Some(&(n as i64))),
            }
        }
        // 40 succeed, less the duplicate of 3.
        assert_eq!(numbers(&db), 39);
        let failed_rows = db
            .with_reader(|conn| {
                Ok(
                    diesel::sql_query("SELECT COUNT(*) AS n FROM numbers WHERE n % 5 = 4")
                        .get_result::<Count>(conn)?,
                )
            })
            .expect("count");
        assert_eq!(failed_rows.n, 0, "a failed write left its row");
    }

    #[derive(diesel::QueryableByName)]
    struct Log {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        log: i32,
    }

    #[test]
    fn the_log_is_copied_beside_the_writer_and_starts_over_once_writes_pause() {
        let (dir, db) = database();
        let file = dir.path().join("w.db");
        let before = std::fs::metadata(&file).expect("database file").len();
        // Some 8 MiB of log, more than the background thread copies in one go.
        run(join_all((0..2000).map(|n| {
            db.write(move |conn| {
                diesel::sql_query(format!(
                    "INSERT INTO numbers (n, padding) VALUES ({n}, zeroblob(4000))"
                ))
                .execute(conn)?;
                Ok(())
            })
        })));
        let copied = || std::fs::metadata(&file).expect("database file").len() > before + 8_000_000;
        let waited = std::time::Instant::now();
        while !copied() && waited.elapsed() < std::time::Duration::from_secs(20) {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert!(copied(), "the log was not copied into the database file");
        // The first write after everything was copied starts the log over.
        let (mut frames, mut written) = (i32::MAX, 0);
        for n in 2000..2200 {
            assert_eq!(run(db.write(insert(n))).ok(), Some(n));
            written += 1;
            frames = db
                .with_reader(|conn| {
                    Ok(diesel::sql_query("PRAGMA wal_checkpoint(PASSIVE)")
                        .get_result::<Log>(conn)?
                        .log)
                })
                .expect("log size");
            if frames < 100 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        assert!(frames < 100, "the log did not start over: {frames} frames");
        assert_eq!(numbers(&db), 2000 + written);
    }

    #[test]
    fn a_write_that_panics_is_reported_and_the_writer_goes_on() {
        let (_dir, db) = database();
        let answers = run(join_all([
            Box::pin(db.write(insert(1)))
                as std::pin::Pin<Box<dyn std::future::Future<Output = _>>>,
            Box::pin(db.write(|_conn| -> Result<i64, DbError> { panic!("a bug in a write") })),
        ]));
        assert!(
            matches!(answers[1], Err(DbError::Unavailable(_))),
            "{answers:?}"
        );
        // Whether or not the other write shared the failed commit, its caller was told the truth.
        let kept = i64::from(answers[0].is_ok());
        assert_eq!(numbers(&db), kept);
        assert_eq!(run(db.write(insert(2))).ok(), Some(2));
        assert_eq!(numbers(&db), kept + 1);
    }
}
