//! Master-key rotation (docs/operations.md §7): every value sealed under the current master key
//! is opened and sealed again under a new one, every document's data key re-wrapped, and the
//! search indexes recomputed, in batches of one transaction each. It runs while no server does
//! (servers refuse to start while it is under way, so none writes under the old key meanwhile);
//! it may be interrupted and run again, and afterwards the old key opens nothing.

use chrono::{DateTime, Duration, Utc};

use crate::auth::totp;
use crate::db::audit::{self, AuditEvent};
use crate::db::sealed_columns::{self, SealedColumn, Stored};
use crate::db::{Db, DbError, cases, instances};
use crate::service::case_record::{RecordError, SealedParty, open_json};
use crate::service::intake::submit::NOT_YET_SEARCHABLE;
use crate::storage::crypto::{Binding, MasterKey};
use crate::storage::index::IndexKey;

/// The maintenance name servers check before starting.
pub const MAINTENANCE: &str = "key_rotation";
/// A server beats every few seconds; one silent this long has stopped (or was killed).
pub const SERVER_SILENT_AFTER: Duration = Duration::seconds(30);
const BATCH: i64 = 500;

/// Every sealed column, with how its values are bound to their rows.
/// The record name a row's value is bound to, from the row's key.
type BindingOf = fn(&str) -> Bound;

const COLUMNS: &[(SealedColumn, BindingOf)] = &[
    (sealed_columns::OUTBOX, |id| Bound::value(id.to_string())),
    (sealed_columns::PARTIES, |id| {
        Bound::value(format!("party:{id}"))
    }),
    (sealed_columns::CONTENTS, |id| {
        Bound::value(format!("content:{id}"))
    }),
    (sealed_columns::DOCUMENT_KEYS, |id| Bound::document_key(id)),
    (sealed_columns::REVIEWS, |id| {
        Bound::value(format!("review:{id}"))
    }),
    (sealed_columns::MESSAGES, |id| {
        Bound::value(format!("message:{id}"))
    }),
    (sealed_columns::DRAFTS, |digest| {
        Bound::value(format!("draft:{digest}"))
    }),
    (sealed_columns::FEES, |id| Bound::value(format!("fee:{id}"))),
    (sealed_columns::DECISIONS, |id| {
        Bound::value(format!("decision:{id}"))
    }),
    (sealed_columns::LETTERS, |id| {
        Bound::value(format!("letter:{id}"))
    }),
    (sealed_columns::COMMENTS, |id| {
        Bound::value(format!("decision-comment:{id}"))
    }),
    (sealed_columns::SECOND_FACTORS, |id| {
        Bound::value(format!("totp:{id}"))
    }),
    // Never written today; listed so that a value there would be rotated, not left behind.
    (sealed_columns::EVENT_NOTES, |id| {
        Bound::value(format!("event-note:{id}"))
    }),
];

/// The record name a value is bound to, owned.
struct Bound {
    record: String,
    document_key: bool,
}

impl Bound {
    fn value(record: String) -> Bound {
        Bound {
            record,
            document_key: false,
        }
    }

    fn document_key(id: &str) -> Bound {
        Bound {
            record: id.to_string(),
            document_key: true,
        }
    }

    fn binding(&self) -> Binding<'_> {
        if self.document_key {
            Binding::DocumentKey(&self.record)
        } else {
            Binding::Value(&self.record)
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RotationError {
    #[error(
        "{count} server instance(s) ran in the last {seconds} s (last seen {last} UTC): stop every instance, then run this again"
    )]
    ServersRunning {
        count: usize,
        seconds: i64,
        last: chrono::NaiveDateTime,
    },
    #[error("the new key is the current key (fingerprint {0}): nothing would change")]
    SameKey(String),
    #[error(
        "{table}.{column} row {key} opens with neither the current key ({current}) nor the new key ({new}): the current key is wrong, or the value is damaged; nothing more was changed"
    )]
    WrongKey {
        table: &'static str,
        column: &'static str,
        key: String,
        current: String,
        new: String,
    },
    #[error("a case's party record cannot be read: {0}")]
    Record(#[from] RecordError),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl RotationError {
    /// Exit code of the command: 2 for what the operator must fix, 1 for a failure.
    pub fn exit_code(&self) -> i32 {
        match self {
            RotationError::ServersRunning { .. }
            | RotationError::SameKey(_)
            | RotationError::WrongKey { .. } => 2,
            RotationError::Record(_) | RotationError::Db(_) => 1,
        }
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Rotated {
    /// Values sealed again under the new key by this run.
    pub resealed: usize,
    /// Values already under the new key (an interrupted run did them).
    pub already_new: usize,
    pub cases_reindexed: usize,
}

pub struct Rotation<'a> {
    pub db: &'a Db,
    pub current: &'a MasterKey,
    pub new: &'a MasterKey,
}

/// Servers seen recently; an error if any.
pub fn refuse_if_servers_run(db: &Db, now: DateTime<Utc>) -> Result<(), RotationError> {
    let since = (now - SERVER_SILENT_AFTER).naive_utc();
    let running = db.with_reader(|conn| instances::seen_since(conn, since))?;
    match running.first() {
        None => Ok(()),
        Some((_, last)) => Err(RotationError::ServersRunning {
            count: running.len(),
            seconds: SERVER_SILENT_AFTER.num_seconds(),
            last: *last,
        }),
    }
}

/// Refuses a current key that opens nothing (a wrong key given), before anything is marked or
/// changed. A sample record may already be under the new key when a rotation resumes.
pub fn check_keys(db: &Db, current: &MasterKey, new: &MasterKey) -> Result<(), RotationError> {
    let Some((case_id, sealed)) = db.with_reader(cases::any_sealed_party)? else {
        return Ok(());
    };
    let record = format!("party:{case_id}");
    if current.opens(Binding::Value(&record), &sealed)
        || new.opens(Binding::Value(&record), &sealed)
    {
        return Ok(());
    }
    Err(RotationError::WrongKey {
        table: "case_parties",
        column: "sealed",
        key: case_id,
        current: current.fingerprint(),
        new: new.fingerprint(),
    })
}

/// Marks the rotation as under way (servers then refuse to start), after checking that none
/// runs. Resuming keeps the first start.
pub fn begin(
    db: &Db,
    current: &MasterKey,
    new: &MasterKey,
    now: DateTime<Utc>,
) -> Result<(), RotationError> {
    refuse_if_servers_run(db, now)?;
    db.with_writer(|conn| {
        let started = instances::begin_maintenance(conn, MAINTENANCE, now.naive_utc())?;
        if started == now.naive_utc() {
            let event = AuditEvent::new(now.naive_utc(), "system", "keys.rotation_started").target(
                format!("from:{} to:{}", current.fingerprint(), new.fingerprint()),
            );
            audit::append(conn, &event)?;
        }
        Ok(())
    })?;
    Ok(())
}

/// Whether a rotation is under way (interrupted, or running now).
pub fn under_way(db: &Db) -> Result<bool, DbError> {
    db.with_reader(|conn| instances::maintenance_started(conn, MAINTENANCE))
        .map(|started| started.is_some())
}

/// Ends the rotation (servers may start again) with its audit record.
pub fn finish(
    db: &Db,
    new: &MasterKey,
    rotated: &Rotated,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    db.with_writer(|conn| {
        instances::end_maintenance(conn, MAINTENANCE)?;
        let event = AuditEvent::new(now.naive_utc(), "system", "keys.rotated").target(format!(
            "key:{} resealed:{} already:{} reindexed:{}",
            new.fingerprint(),
            rotated.resealed,
            rotated.already_new,
            rotated.cases_reindexed
        ));
        audit::append(conn, &event)
    })
}

impl Rotation<'_> {
    /// Moves every sealed value and search key to the new key. Values already under it are
    /// left alone, so a second run after an interruption finishes the work.
    pub fn run(&self) -> Result<Rotated, RotationError> {
        let mut rotated = Rotated::default();
        for (column, bound) in COLUMNS {
            self.rotate_column(column, *bound, &mut rotated)?;
        }
        rotated.cases_reindexed = self.reindex()?;
        Ok(rotated)
    }

    fn rotate_column(
        &self,
        column: &SealedColumn,
        bound: BindingOf,
        rotated: &mut Rotated,
    ) -> Result<(), RotationError> {
        let mut after = String::new();
        loop {
            let batch = self
                .db
                .with_reader(|conn| sealed_columns::batch(conn, column, &after, BATCH))?;
            let Some((last, _)) = batch.last() else {
                return Ok(());
            };
            after = last.clone();
            let mut changes = Vec::new();
            for (key, stored) in batch {
                let bytes = match &stored {
                    Stored::Bytes(bytes) => bytes.clone(),
                    // An undecodable secret is not sealed by us: it is left as it is.
                    Stored::Text(text) => match totp::decode_sealed(text) {
                        Some(bytes) => bytes,
                        None => continue,
                    },
                };
                let bound = bound(&key);
                if self.new.opens(bound.binding(), &bytes) {
                    rotated.already_new += 1;
                    continue;
                }
                let resealed = self
                    .current
                    .reseal(self.new, bound.binding(), &bytes)
                    .map_err(|_| RotationError::WrongKey {
                        table: column.table,
                        column: column.column,
                        key: key.clone(),
                        current: self.current.fingerprint(),
                        new: self.new.fingerprint(),
                    })?;
                let value = match stored {
                    Stored::Bytes(_) => Stored::Bytes(resealed),
                    Stored::Text(_) => Stored::Text(totp::encode_sealed(&resealed)),
                };
                changes.push((key, value));
            }
            rotated.resealed += changes.len();
            self.db.with_writer(|conn| {
                for (key, value) in &changes {
                    sealed_columns::replace(conn, column, key, value)?;
                }
                Ok(())
            })?;
        }
    }

    /// Recomputes the keyed hashes staff search by (they derive from the master key).
    fn reindex(&self) -> Result<usize, RotationError> {
        let index = IndexKey::derive(self.new.bytes());
        let mut after = String::new();
        let mut done = 0;
        loop {
            let ids = self.db.with_reader(|conn| {
                cases::searchable_after(conn, &after, BATCH, NOT_YET_SEARCHABLE)
            })?;
            let Some(last) = ids.last() else {
                return Ok(done);
            };
            after = last.clone();
            let mut keys = Vec::with_capacity(ids.len());
            for id in ids {
                let sealed = self.db.with_reader(|conn| cases::sealed_party(conn, &id))?;
                let party: SealedParty = open_json(self.new, &format!("party:{id}"), &sealed)?;
                keys.push((id, party.search_keys(&index)));
            }
            done += keys.len();
            self.db.with_writer(|conn| {
                for (id, keys) in &keys {
                    cases::make_searchable(conn, id, &keys.email, &keys.names)?;
                }
                Ok(())
            })?;
        }
    }
}

/// Records a step of changing the session key (`docs/operations.md §8`); the key itself is never
/// written anywhere but its file.
pub fn record_session_key_step(
    db: &Db,
    step: &crate::secrets::SessionKeyStep,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let action = match step {
        crate::secrets::SessionKeyStep::Prepared => "keys.session_key_prepared",
        crate::secrets::SessionKeyStep::Promoted => "keys.session_key_promoted",
    };
    db.with_writer(|conn| audit::append(conn, &AuditEvent::new(now.naive_utc(), "cli", action)))
}
