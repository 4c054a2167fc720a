//! Copies SQLite's write-ahead log into the database file on a thread and connection of its own.
//!
//! A checkpoint syncs the log and then the database file to disk, 10–40 ms here. Run by the
//! writer after a commit (SQLite's default), every write queued behind it waits that long; run
//! here, beside the writer, it holds nobody up (a passive checkpoint takes no lock the writer or
//! the readers need).
//!
//! The log starts over only when a write begins after every frame was copied. Under a constant
//! stream of writes this thread never quite catches up, so the writer keeps SQLite's own
//! checkpoint at a larger size (`manager::WRITER_CHECKPOINT_PAGES`) as the bound: by then nearly all the
//! frames are copied and synced already, its checkpoint is short, and the log starts over.

use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use std::time::Duration;

use diesel::RunQueryDsl;
use diesel::r2d2::Pool;

use super::DbConnection;
use super::manager::{ConnectionManager, DbError};

/// At most one background checkpoint per this interval: each syncs twice, so back-to-back runs
/// would sync far more often than the log grows. While a checkpoint syncs, the writer's own writes
/// to the log wait on the file system, so the more a checkpoint copies the longer the commits
/// behind it stall: in six paired runs of `benches/submissions.sh` (20,000 submissions), 25 ms
/// gave a lower p99 than 100 ms in five and the same in one (9.7–19.8 ms against 18.8–28.1), and
/// 1 s gave 99–134 ms.
const PAUSE: Duration = Duration::from_millis(25);

/// Tells the checkpoint thread that something was committed.
#[derive(Clone)]
pub struct Checkpoints {
    wake: SyncSender<()>,
}

impl Checkpoints {
    /// Starts the thread on `pool`, a pool of one connection of its own; it ends when the last
    /// handle is dropped.
    pub fn start(pool: Pool<ConnectionManager>) -> Result<Checkpoints, DbError> {
        let (wake, woken) = sync_channel(1);
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || run(&pool, &woken))
            .map_err(|e| {
                DbError::Unavailable(format!("cannot start the checkpoint thread: {e}"))
            })?;
        Ok(Checkpoints { wake })
    }

    /// Called after each commit; never waits.
    pub fn committed(&self) {
        let _ = self.wake.try_send(());
    }
}

fn run(pool: &Pool<ConnectionManager>, woken: &Receiver<()>) {
    while woken.recv().is_ok() {
        loop {
            if let Err(e) = checkpoint(pool) {
                // The writer's own checkpoint still bounds the log; say why this one failed.
                tracing::warn!(error = %e, "background checkpoint failed");
            }
            std::thread::sleep(PAUSE);
            match woken.try_recv() {
                // Committed since this pass began: copy that too.
                Ok(()) => continue,
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => return,
            }
        }
    }
}

fn checkpoint(pool: &Pool<ConnectionManager>) -> Result<(), DbError> {
    let mut conn = pool.get()?;
    if let DbConnection::Sqlite(c) = &mut *conn {
        diesel::sql_query("PRAGMA wal_checkpoint(PASSIVE)").execute(c)?;
    }
    Ok(())
}
