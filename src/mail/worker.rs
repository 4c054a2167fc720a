//! Sends what the outbox holds, with retries and exponential backoff. Runs inside every server
//! instance; the claim in the database makes each message go out once.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use lettre::AsyncTransport;

use super::{MailError, Transport};
use crate::db::outbox::{self, OutboxRow};
use crate::db::{Db, DbError};
use crate::storage::crypto::MasterKey;

/// How long a claim lasts before another instance may retry the message.
const LEASE_SECONDS: i64 = 120;
const FIRST_RETRY_SECONDS: i64 = 30;
const MAX_RETRY_SECONDS: i64 = 3600;

pub struct MailWorker {
    pub db: Db,
    pub master: Arc<MasterKey>,
    pub transport: Arc<Transport>,
    /// Identifies this instance in claims.
    pub worker_id: String,
}

/// Delay before the attempt after `attempts` failures: 30 s, 1 min, 2 min, … capped at 1 h.
pub fn backoff_seconds(attempts: i32) -> i64 {
    let exponent = attempts.clamp(0, 16) as u32;
    (FIRST_RETRY_SECONDS.saturating_mul(1_i64 << exponent)).min(MAX_RETRY_SECONDS)
}

impl MailWorker {
    /// Sends every message due at `now`; returns how many were sent and how many failed.
    pub async fn drain(&self, now: DateTime<Utc>) -> Result<(usize, usize), DbError> {
        let (mut sent, mut failed) = (0, 0);
        loop {
            let worker = self.worker_id.clone();
            let lease = now + chrono::Duration::seconds(LEASE_SECONDS);
            let claimed = self
                .db
                .write(move |conn| {
                    outbox::claim_next(conn, &worker, now.naive_utc(), lease.naive_utc())
                })
                .await?;
            let Some(row) = claimed else { break };
            let span = tracing::info_span!("mail", outbox_id = %row.id, purpose = %row.purpose, case_id = row.case_id.as_deref().unwrap_or("-"));
            let _entered = span.enter();
            let id = row.id.clone();
            let worker = self.worker_id.clone();
            match self.send(&row).await {
                Ok(()) => {
                    self.db
                        .write(move |conn| outbox::mark_sent(conn, &id, &worker, now.naive_utc()))
                        .await?;
                    tracing::info!("mail sent");
                    sent += 1;
                }
                Err(reason) => {
                    let retry_at = now + chrono::Duration::seconds(backoff_seconds(row.attempts));
                    tracing::warn!(attempt = row.attempts + 1, %retry_at, reason = %reason, "mail not sent; will retry");
                    self.db
                        .write(move |conn| {
                            outbox::mark_failed(conn, &id, &worker, retry_at.naive_utc(), &reason)
                        })
                        .await?;
                    failed += 1;
                }
            }
        }
        Ok((sent, failed))
    }

    /// The reason on failure never includes the recipient or the content.
    async fn send(&self, row: &OutboxRow) -> Result<(), String> {
        let (envelope, raw) =
            super::open(&self.master, &row.id, &row.sealed_message).map_err(|e| match e {
                MailError::Address(_) => "invalid address".to_string(),
                _ => "unreadable outbox entry".to_string(),
            })?;
        match self.transport.as_ref() {
            Transport::Smtp(smtp) => smtp
                .send_raw(&envelope, &raw)
                .await
                .map(|_| ())
                .map_err(smtp_reason),
            Transport::Files(files, _) => files
                .send_raw(&envelope, &raw)
                .await
                .map(|_| ())
                .map_err(|e| format!("file transport: {e}")),
        }
    }

    /// Polls the outbox until the process ends.
    pub fn spawn(self, every: Duration) {
        tokio::spawn(async move {
            loop {
                if let Err(e) = self.drain(Utc::now()).await {
                    tracing::warn!(error = %e, "mail worker could not read the outbox");
                }
                tokio::time::sleep(every).await;
            }
        });
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
