//! A server's presence (docs/operations.md §7): before it serves, it checks that no key rotation
//! is under way and that its master key opens the data; then it registers, beats while it runs,
//! and leaves when it stops, so that maintenance commands can tell whether any server runs.

use chrono::{DateTime, Utc};

use crate::db::{Db, DbError, cases, instances};
use crate::service::key_rotation::MAINTENANCE;
use crate::storage::crypto::{Binding, MasterKey};

pub const BEAT_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum PresenceError {
    #[error(
        "a master-key rotation started at {0} UTC is not finished: run `madoguchi keys rotate` to finish it, then start the server"
    )]
    RotationUnderWay(chrono::NaiveDateTime),
    #[error(
        "the document key (fingerprint {0}) does not open this database's records: wrong MADOGUCHI_DOCUMENT_KEY or document.key? After a key rotation every instance needs the new key"
    )]
    WrongKey(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A registered server instance.
#[derive(Clone)]
pub struct Presence {
    db: Db,
    id: String,
}

/// Checks that the server may start with this key, and registers it.
pub fn announce(
    db: &Db,
    master: &MasterKey,
    now: DateTime<Utc>,
) -> Result<Presence, PresenceError> {
    if let Some(started) =
        db.with_reader(|conn| instances::maintenance_started(conn, MAINTENANCE))?
    {
        return Err(PresenceError::RotationUnderWay(started));
    }
    if let Some((case_id, sealed)) = db.with_reader(cases::any_sealed_party)? {
        let record = format!("party:{case_id}");
        if !master.opens(Binding::Value(&record), &sealed) {
            return Err(PresenceError::WrongKey(master.fingerprint()));
        }
    }
    let id = uuid::Uuid::now_v7().to_string();
    db.with_writer(|conn| instances::register(conn, &id, now.naive_utc()))?;
    Ok(Presence { db: db.clone(), id })
}

impl Presence {
    /// Beats every [`BEAT_EVERY`] until the process ends; a failed beat is logged and retried.
    pub fn spawn_heartbeat(&self) {
        let presence = self.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(BEAT_EVERY);
            loop {
                ticks.tick().await;
                let id = presence.id.clone();
                let beat = presence
                    .db
                    .write(move |conn| instances::beat(conn, &id, Utc::now().naive_utc()))
                    .await;
                if let Err(e) = beat {
                    tracing::warn!(error = %e, "could not record that this instance runs");
                }
            }
        });
    }

    /// Removes the instance's row on a clean stop.
    pub async fn leave(&self) {
        let id = self.id.clone();
        if let Err(e) = self.db.write(move |conn| instances::leave(conn, &id)).await {
            tracing::warn!(error = %e, "could not record that this instance stopped");
        }
    }
}
