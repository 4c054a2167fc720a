//! Connection attempts under way on r2d2's threads, so the process can end without one.
//!
//! When the process exits, OpenSSL frees its global state (an `atexit` handler). A PostgreSQL
//! connection still being opened on one of r2d2's threads (it refills the pool in the
//! background after a checkout) then reads freed memory: seen as SIGSEGV in `PQconnectPoll`
//! during `OPENSSL_cleanup`, in about one run in six of a CLI command that failed early.
//! [`quiesce`] refuses new attempts and waits for those under way; `main` calls it last.

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

#[derive(Default)]
struct Attempts {
    under_way: usize,
    closing: bool,
}

static ATTEMPTS: Mutex<Attempts> = Mutex::new(Attempts {
    under_way: 0,
    closing: false,
});
static FINISHED: Condvar = Condvar::new();

/// Counts one attempt while it runs, even if it panics.
struct UnderWay;

impl Drop for UnderWay {
    fn drop(&mut self) {
        let mut attempts = ATTEMPTS.lock().unwrap_or_else(|e| e.into_inner());
        attempts.under_way -= 1;
        FINISHED.notify_all();
    }
}

/// Runs `connect` unless the process is ending (then `None`).
pub fn attempt<T>(connect: impl FnOnce() -> T) -> Option<T> {
    {
        let mut attempts = ATTEMPTS.lock().unwrap_or_else(|e| e.into_inner());
        if attempts.closing {
            return None;
        }
        attempts.under_way += 1;
    }
    let _counted = UnderWay;
    Some(connect())
}

/// Refuses further attempts and waits up to `limit` for those under way; returns whether none
/// is left.
pub fn quiesce(limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    let mut attempts = ATTEMPTS.lock().unwrap_or_else(|e| e.into_inner());
    attempts.closing = true;
    while attempts.under_way > 0 {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        attempts = FINISHED
            .wait_timeout(attempts, left)
            .unwrap_or_else(|e| e.into_inner())
            .0;
    }
    true
}
