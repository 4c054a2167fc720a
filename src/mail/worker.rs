//! Sends what the outbox holds, with retries and exponential backoff. Runs inside every server
//! instance; the claim in the database makes each message go out once.
//!
//! Exactly once, and the one exception. A message is claimed for a lease ([`LEASE`]) measured
//! from the moment of the claim on this instance's clock; while it is being sent, the lease is
//! renewed each time half of it has passed, because one SMTP exchange may take longer than a
//! lease (lettre allows each of its commands a minute). Recording the outcome ends the claim in
//! the same statement and only for the instance that holds it; if the claim was lost meanwhile
//! (the database was out of reach for a whole lease and another instance took the message over),
//! the send is abandoned when the renewal notices, and the loss is logged when the mark notices.
//! So a second instance sends a message only when the first one's lease ran out without being
//! renewed: when it stopped, crashed or lost the database. If that happens after the relay
//! accepted the message and before the mark was written, the message goes out twice; both copies
//! carry the same `Message-ID` (see [`super`]), so the relay or the mail client can fold them.
//! Leases compare one instance's clock with another's: their clocks must agree to well within a
//! lease (NTP does).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::future::{Either, select};
use lettre::AsyncTransport;
use tokio::sync::Notify;
use tracing::Instrument;

use super::{Letterhead, MailError, Transport};
use crate::clock::{Clock, SystemClock};
use crate::db::outbox::{self, OutboxRow};
use crate::db::{Db, DbError};
use crate::storage::crypto::MasterKey;

/// How long a claim lasts before another instance may retry the message, unless renewed.
pub const LEASE: Duration = Duration::from_secs(120);
/// How long a stopping instance waits for the message in flight: longer than a relay usually
/// takes, short enough to end well within the 30 s orchestrators commonly allow after SIGTERM
/// together with the web server's own drain.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
const FIRST_RETRY_SECONDS: i64 = 30;
const MAX_RETRY_SECONDS: i64 = 3600;

pub struct MailWorker {
    db: Db,
    master: Arc<MasterKey>,
    transport: Arc<Transport>,
    /// Identifies this instance in claims.
    worker_id: String,
    clock: Arc<dyn Clock>,
    lease: Duration,
    stopping: Arc<AtomicBool>,
    lost_claims: AtomicUsize,
    letterhead: Letterhead,
}

/// Delay before the attempt after `attempts` failures: 30 s, 1 min, 2 min, … capped at 1 h.
pub fn backoff_seconds(attempts: i32) -> i64 {
    let exponent = attempts.clamp(0, 16) as u32;
    (FIRST_RETRY_SECONDS.saturating_mul(1_i64 << exponent)).min(MAX_RETRY_SECONDS)
}

/// How one claimed message ended.
enum Outcome {
    Sent,
    Failed,
    /// Another instance took the claim over while this one was sending.
    Lost,
}

impl MailWorker {
    /// A worker on the system clock with the standard lease.
    pub fn new(
        db: Db,
        master: Arc<MasterKey>,
        transport: Arc<Transport>,
        worker_id: impl Into<String>,
    ) -> MailWorker {
        MailWorker {
            db,
            master,
            transport,
            worker_id: worker_id.into(),
            clock: Arc::new(SystemClock),
            lease: LEASE,
            stopping: Arc::new(AtomicBool::new(false)),
            lost_claims: AtomicUsize::new(0),
            letterhead: Letterhead::default(),
        }
    }

    /// Adds `letterhead`'s Reply-To and signature to every message it composes.
    pub fn with_letterhead(mut self, letterhead: Letterhead) -> MailWorker {
        self.letterhead = letterhead;
        self
    }

    /// Reads claim, lease and outcome times from `clock` (tests move it to expire leases).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> MailWorker {
        self.clock = clock;
        self
    }

    /// Claims for `lease` instead of [`LEASE`] (tests use short ones, to run in seconds).
    pub fn with_lease(mut self, lease: Duration) -> MailWorker {
        self.lease = lease;
        self
    }

    /// How many claims this worker found taken over when it renewed or recorded them.
    pub fn lost_claims(&self) -> usize {
        self.lost_claims.load(Ordering::SeqCst)
    }

    fn lease(&self) -> chrono::Duration {
        // A lease too long for chrono (no caller sets one) is capped rather than refused.
        chrono::Duration::from_std(self.lease).unwrap_or(chrono::Duration::days(1))
    }

    /// Sends every message due at `now`; returns how many were sent and how many failed.
    /// `now` only decides which messages are due: claims, leases and outcomes are timed on the
    /// worker's clock, never earlier than `now`.
    pub async fn drain(&self, now: DateTime<Utc>) -> Result<(usize, usize), DbError> {
        let (mut sent, mut failed) = (0, 0);
        while !self.stopping.load(Ordering::SeqCst) {
            let worker = self.worker_id.clone();
            let clock = self.clock.clone();
            let lease = self.lease();
            let claimed = self
                .db
                .write(move |conn| {
                    // Read here, not before: the write may wait behind others in the queue.
                    let at = clock.now();
                    outbox::claim_next(
                        conn,
                        &worker,
                        now.naive_utc(),
                        at.naive_utc(),
                        (at + lease).naive_utc(),
                    )
                })
                .await?;
            let Some(row) = claimed else { break };
            let span = tracing::info_span!("mail", outbox_id = %row.id, purpose = %row.purpose, case_id = row.case_id.as_deref().unwrap_or("-"));
            match self.deliver(&row, now).instrument(span).await? {
                Outcome::Sent => sent += 1,
                Outcome::Failed => failed += 1,
                Outcome::Lost => {}
            }
        }
        Ok((sent, failed))
    }

    /// Sends one claimed message, keeping the claim while it is in flight, and records the
    /// outcome.
    async fn deliver(&self, row: &OutboxRow, now: DateTime<Utc>) -> Result<Outcome, DbError> {
        let send = std::pin::pin!(self.send(row));
        let keep = std::pin::pin!(self.keep_claim(&row.id));
        let result = match select(send, keep).await {
            Either::Left((result, _)) => result,
            Either::Right(((), _)) => {
                self.lost_claims.fetch_add(1, Ordering::SeqCst);
                tracing::warn!(
                    "mail claim taken over by another instance while sending; send abandoned"
                );
                return Ok(Outcome::Lost);
            }
        };
        // The outcome's time: the moment it is known, never before the run's `now`.
        let at = self.clock.now().max(now);
        let (id, worker) = (row.id.clone(), self.worker_id.clone());
        let (marked, outcome) = match result {
            Ok(()) => {
                let marked = self
                    .db
                    .write(move |conn| outbox::mark_sent(conn, &id, &worker, at.naive_utc()))
                    .await?;
                (marked, Outcome::Sent)
            }
            Err(reason) => {
                let retry_at = at + chrono::Duration::seconds(backoff_seconds(row.attempts));
                tracing::warn!(attempt = row.attempts + 1, %retry_at, reason = %reason, "mail not sent; will retry");
                let marked = self
                    .db
                    .write(move |conn| {
                        outbox::mark_failed(conn, &id, &worker, retry_at.naive_utc(), &reason)
                    })
                    .await?;
                (marked, Outcome::Failed)
            }
        };
        if !marked {
            // The lease ran out unrenewed (the database was out of reach) and another instance
            // took the message over: it may send it again, under the same Message-ID.
            self.lost_claims.fetch_add(1, Ordering::SeqCst);
            tracing::warn!("mail claim was taken over before its outcome was recorded");
            return Ok(Outcome::Lost);
        }
        if matches!(outcome, Outcome::Sent) {
            tracing::info!("mail sent");
        }
        Ok(outcome)
    }

    /// Renews the claim on `id` each time half the lease has passed; returns only when the
    /// claim turns out to be another instance's. A renewal that fails for want of the database
    /// is tried again at the next half: the send goes on, since the claim may well still hold.
    async fn keep_claim(&self, id: &str) {
        let every = self.lease / 2;
        loop {
            tokio::time::sleep(every).await;
            let (id, worker, clock) = (id.to_string(), self.worker_id.clone(), self.clock.clone());
            let lease = self.lease();
            let renewed = self
                .db
                .write(move |conn| {
                    outbox::renew(conn, &id, &worker, (clock.now() + lease).naive_utc())
                })
                .await;
            match renewed {
                Ok(true) => tracing::debug!("mail claim renewed"),
                Ok(false) => return,
                Err(e) => tracing::warn!(error = %e, "mail claim could not be renewed; will retry"),
            }
        }
    }

    /// The reason on failure never includes the recipient or the content.
    async fn send(&self, row: &OutboxRow) -> Result<(), String> {
        let (envelope, raw) =
            super::open(&self.master, &row.id, &row.sealed_message, &self.letterhead).map_err(
                |e| match e {
                    MailError::Address(_) => "invalid address".to_string(),
                    _ => "unreadable outbox entry".to_string(),
                },
            )?;
        match self.transport.as_ref() {
            Transport::Smtp(smtp) => smtp
                .send_raw(&envelope, &raw)
                .await
                .map(|_| ())
                .map_err(smtp_reason),
            Transport::Files(files, dir) => {
                let id = files
                    .send_raw(&envelope, &raw)
                    .await
                    .map_err(|e| format!("file transport: {e}"))?;
                // The message holds personal data: readable by the service's own user only.
                restrict_file(&dir.join(format!("{id}.eml")))
                    .map_err(|e| format!("file transport: {e}"))
            }
            Transport::Memory(memory) => memory.send(&envelope, &raw).await,
        }
    }

    /// Polls the outbox until [`MailWorkerHandle::shutdown`].
    pub fn spawn(self, every: Duration) -> MailWorkerHandle {
        let stopping = self.stopping.clone();
        let wake = Arc::new(Notify::new());
        let woken = wake.clone();
        let (db, worker_id) = (self.db.clone(), self.worker_id.clone());
        let task = tokio::spawn(async move {
            while !self.stopping.load(Ordering::SeqCst) {
                if let Err(e) = self.drain(self.clock.now()).await {
                    tracing::warn!(error = %e, "mail worker could not read the outbox");
                }
                // Woken early by a shutdown; a permit stored before the wait counts too.
                let _ = tokio::time::timeout(every, woken.notified()).await;
            }
        });
        MailWorkerHandle {
            stopping,
            wake,
            task,
            db,
            worker_id,
        }
    }
}

/// Stops a spawned [`MailWorker`].
pub struct MailWorkerHandle {
    stopping: Arc<AtomicBool>,
    wake: Arc<Notify>,
    task: tokio::task::JoinHandle<()>,
    db: Db,
    worker_id: String,
}

impl MailWorkerHandle {
    /// Stops claiming and waits up to `grace` for the message in flight to be sent and recorded.
    /// A send still running then is cut short and its claim released, so that another instance
    /// sends it at once rather than after the lease (a relay that had already accepted it gets
    /// it twice, under one Message-ID).
    pub async fn shutdown(self, grace: Duration) {
        self.stopping.store(true, Ordering::SeqCst);
        self.wake.notify_one();
        let MailWorkerHandle {
            mut task,
            db,
            worker_id,
            ..
        } = self;
        if tokio::time::timeout(grace, &mut task).await.is_ok() {
            tracing::info!("mail worker stopped");
            return;
        }
        task.abort();
        // Aborted: wait until the task is gone (its send dropped) before releasing its claim.
        let _ = task.await;
        match db
            .write(move |conn| outbox::release(conn, &worker_id))
            .await
        {
            Ok(released) => {
                tracing::warn!(
                    released,
                    "mail worker stopped with a send cut short; claim released"
                )
            }
            Err(e) => {
                tracing::warn!(error = %e, "mail worker stopped; its claim runs out by itself")
            }
        }
    }
}

/// SMTP errors can quote the server's reply, which may echo the recipient: keep only the kind.
fn smtp_reason(e: lettre::transport::smtp::Error) -> String {
    let kind = if e.is_transient() {
        "transient"
    } else if e.is_permanent() {
        "permanent"
    } else if e.is_timeout() {
        "timeout"
    } else {
        "connection"
    };
    match e.status() {
        Some(code) => format!("smtp {kind} error {code}"),
        None => format!("smtp {kind} error"),
    }
}

/// Owner-only permissions on a file the file transport wrote.
fn restrict_file(path: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::backoff_seconds;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff_seconds(0), 30);
        assert_eq!(backoff_seconds(1), 60);
        assert_eq!(backoff_seconds(3), 240);
        assert_eq!(backoff_seconds(10), 3600);
        assert_eq!(backoff_seconds(i32::MAX), 3600);
    }
}
