//! SQLite's one writer, fed by a queue. Writes that arrive while another commits wait together and
//! then share one transaction, each in a savepoint of its own: a burst of submissions costs one
//! commit instead of one each, and the connection stays on one thread instead of being handed from
//! thread to thread. A write that fails is rolled back to its savepoint alone; no caller hears of
//! success before the shared commit has succeeded.
//!
//! Checkpoints stay SQLite's own, run by a commit once the log passes 1,000 pages: that keeps the
//! log a few megabytes long. Moving them to a thread of their own was measured (wrk, 20,000
//! submissions): the same throughput, and under constant writes the log then never starts over
//! and grows without bound, or, checkpointed past a larger size, stalls the writer for longer.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;

use diesel::Connection;
use diesel::r2d2::Pool;
use tokio::sync::oneshot;

use super::DbConnection;
use super::pool::{ConnectionManager, DbError};

/// Bounds the work lost to one failed commit and the wait of the last write in a batch.
const MOST_PER_COMMIT: usize = 64;

trait Job: Send {
    /// Runs the write in a savepoint of the open transaction.
    fn run(&mut self, conn: &mut DbConnection);
    /// Tells the caller, once the shared transaction has committed or failed.
    fn finish(self: Box<Self>, committed: Result<(), String>);
}

struct Pending<T, F> {
    work: Option<F>,
    outcome: Option<Result<T, DbError>>,
    reply: oneshot::Sender<Result<T, DbError>>,
    span: tracing::Span,
}

impl<T, F> Job for Pending<T, F>
where
    T: Send,
    F: FnOnce(&mut DbConnection) -> Result<T, DbError> + Send,
{
    fn run(&mut self, conn: &mut DbConnection) {
        if let Some(work) = self.work.take() {
            self.outcome = Some(self.span.in_scope(|| conn.transaction(work)));
        }
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
    pub fn start(pool: Pool<ConnectionManager>) -> Result<Writer, DbError> {
        let (jobs, queue) = mpsc::channel::<Box<dyn Job>>();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || {
                while let Ok(first) = queue.recv() {
                    let mut batch = vec![first];
                    while batch.len() < MOST_PER_COMMIT {
                        match queue.try_recv() {
                            Ok(job) => batch.push(job),
                            Err(_) => break,
                        }
                    }
                    commit_together(&pool, batch);
                }
            })
            .map_err(|e| DbError::Unavailable(format!("cannot start the writer thread: {e}")))?;
        Ok(Writer { jobs })
    }

    /// Runs `f` atomically (in its own savepoint) and answers once it is committed.
    pub async fn write<T, F>(&self, f: F) -> Result<T, DbError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, DbError> + Send + 'static,
        T: Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Pending {
            work: Some(f),
            outcome: None,
            reply,
            span: tracing::Span::current(),
        };
        self.jobs.send(Box::new(job)).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> DbError {
    DbError::Unavailable("the database writer has stopped".into())
}

fn commit_together(pool: &Pool<ConnectionManager>, mut batch: Vec<Box<dyn Job>>) {
    // A panicking write drops the pooled connection while unwinding, so the pool discards it
    // (`has_broken`) and the thread goes on serving the queue with a new one.
    let committed = catch_unwind(AssertUnwindSafe(|| -> Result<(), String> {
        let mut pooled = pool.get().map_err(|e| e.to_string())?;
        let conn: &mut DbConnection = &mut pooled;
        conn.transaction::<_, DbError, _>(|conn| {
            for job in batch.iter_mut() {
                job.run(conn);
            }
            Ok(())
        })
        .map_err(|e| e.to_string())
    }))
    .unwrap_or_else(|_| Err("a write failed unexpectedly".into()));
    if let Err(reason) = &committed {
        tracing::error!(writes = batch.len(), %reason, "a shared commit failed");
    }
    for job in batch {
        job.finish(committed.clone());
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

    fn insert(n: i64) -> impl FnOnce(&mut crate::db::DbConnection) -> Result<i64, DbError> {
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

    #[test]
    fn the_log_is_copied_into_the_database_file_as_it_grows() {
        let (dir, db) = database();
        db.with_reader(|conn| {
            diesel::sql_query("PRAGMA journal_mode = WAL").execute(conn)?;
            Ok(())
        })
        .expect("WAL");
        let file = dir.path().join("w.db");
        let before = std::fs::metadata(&file).expect("database file").len();
        // Some 8 MiB: past the 1,000 pages after which a commit checkpoints.
        run(join_all((0..2000).map(|n| {
            db.write(move |conn| {
                diesel::sql_query(format!(
                    "INSERT INTO numbers (n, padding) VALUES ({n}, zeroblob(4000))"
                ))
                .execute(conn)?;
                Ok(())
            })
        })));
        let after = std::fs::metadata(&file).expect("database file").len();
        assert!(
            after > before + 4_000_000,
            "not checkpointed: {before} → {after} bytes"
        );
        let log = std::fs::metadata(dir.path().join("w.db-wal"))
            .expect("log")
            .len();
        assert!(log < 8_000_000, "the log kept growing: {log} bytes");
        assert_eq!(numbers(&db), 2000);
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
