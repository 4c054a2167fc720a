//! Name search keys for cases that have none: those received before a case's names (the
//! person's and the agent's, and their kana readings) had keys of their own
//! (migration `2026-12-06-400001_name_search_keys`). A migration cannot compute them (they are
//! keyed by the master key): it leaves a maintenance row, and the first server to start gives
//! such cases their keys before it serves, then removes the row, so later starts cost one
//! look-up. The keys are written as `keys rotate` would write them, and a second server doing the
//! same at once changes nothing (docs/operations.md §7).

use crate::db::{Db, cases, instances};
use crate::service::case_record::{RecordError, SealedParty, open_json};
use crate::service::intake::submit::NOT_YET_SEARCHABLE;
use crate::storage::crypto::MasterKey;
use crate::storage::index::IndexKey;

const BATCH: i64 = 500;
/// The maintenance row the migration leaves while older cases wait for their name keys.
pub const PENDING: &str = "name_search_keys";

/// While the migration's row is there, writes the name keys of every searchable case that has
/// none, then removes the row; returns how many cases got theirs. Nothing is logged about a case
/// but its count.
pub fn backfill(db: &Db, master: &MasterKey, index: &IndexKey) -> Result<usize, RecordError> {
    if db
        .with_reader(|conn| instances::maintenance_started(conn, PENDING))?
        .is_none()
    {
        return Ok(0);
    }
    let done = write_missing(db, master, index)?;
    db.with_writer(|conn| instances::end_maintenance(conn, PENDING))?;
    Ok(done)
}

fn write_missing(db: &Db, master: &MasterKey, index: &IndexKey) -> Result<usize, RecordError> {
    let mut after = String::new();
    let mut done = 0;
    loop {
        let ids = db.with_reader(|conn| {
            cases::without_name_keys(conn, &after, BATCH, NOT_YET_SEARCHABLE)
        })?;
        let Some(last) = ids.last() else {
            return Ok(done);
        };
        after = last.clone();
        let mut pairs = Vec::with_capacity(ids.len() * 2);
        for id in ids {
            let sealed = db.with_reader(|conn| cases::sealed_party(conn, &id))?;
            let party: SealedParty = open_json(master, &format!("party:{id}"), &sealed)?;
            done += 1;
            pairs.extend(
                party
                    .search_keys(index)
                    .names
                    .into_iter()
                    .map(|key| (key, id.clone())),
            );
        }
        db.with_writer(|conn| cases::insert_name_keys_of_many(conn, &pairs))?;
    }
}
