//! The fee schedules as this instance last loaded them: the chosen profile's, with the ones an
//! administrator added.

use std::sync::Arc;

use super::Revisioned;
use crate::db::fee_schedules::{self as rows, ConfirmationRow, FeeScheduleRow};
use crate::db::operator_settings as settings;
use crate::db::{Db, DbError};
use crate::domain::fee_schedules::{Confirmation, merged, with_confirmations};
use crate::domain::fees::{FeeSchedule, FeeSource};
use crate::domain::profile::ProfileName;

/// Every schedule in force at some time, which of them an administrator added, and the
/// confirmations of built-in schedules (docs/fees.md §9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedules {
    /// The profile whose built-in schedules `all` holds.
    pub profile: ProfileName,
    pub all: Vec<FeeSchedule>,
    pub added: Vec<FeeSchedule>,
    pub confirmations: Vec<Confirmation>,
}

pub struct FeeScheduleCache {
    /// The ready profile whose schedules apply until an administrator chooses another.
    configured: ProfileName,
    /// Keyed by the sum of the fee and operator-settings revisions: both only grow, so the sum
    /// grows whenever either changes, and a change of the chosen profile reloads the base too.
    loaded: Revisioned<Schedules>,
}

impl FeeScheduleCache {
    pub fn new(configured: ProfileName) -> FeeScheduleCache {
        FeeScheduleCache {
            loaded: Revisioned::new(Schedules {
                profile: configured,
                all: configured.profile().fee_schedules,
                added: Vec::new(),
                confirmations: Vec::new(),
            }),
            configured,
        }
    }

    /// As last loaded (at most one refresh interval old): for quotes shown on pages.
    pub fn current(&self) -> Arc<Schedules> {
        self.loaded.current()
    }

    /// As the database has them now.
    pub async fn fresh(&self, db: &Db) -> Result<Arc<Schedules>, DbError> {
        let known = self.loaded.revision();
        let loaded = db
            .read(move |conn| {
                let revision = rows::revision(conn)? + settings::revision(conn)?;
                if revision == known {
                    return Ok(None);
                }
                let chosen = settings::current(conn)?.profile;
                Ok(Some((
                    revision,
                    chosen,
                    rows::all(conn)?,
                    rows::confirmations(conn)?,
                )))
            })
            .await?;
        Ok(match loaded {
            Some((revision, chosen, found, confirmed)) => {
                let profile = chosen
                    .and_then(|name| name.parse::<ProfileName>().ok())
                    .unwrap_or(self.configured);
                self.loaded
                    .offer(revision, build(profile, &found, &confirmed))
            }
            None => self.current(),
        })
    }
}

/// A schedule as stored (JSON written by this application), or `None`, logged, when a newer
/// version wrote it.
fn read_schedule(day: chrono::NaiveDate, json: &str) -> Option<FeeSchedule> {
    match serde_json::from_str(json) {
        Ok(schedule) => Some(schedule),
        Err(e) => {
            tracing::warn!(day = %day, error = %e, "fee schedule not understood; ignored");
            None
        }
    }
}

fn build(
    profile: ProfileName,
    found: &[FeeScheduleRow],
    confirmed: &[ConfirmationRow],
) -> Schedules {
    // Saved by an administrator: confirmed by them.
    let added: Vec<FeeSchedule> = found
        .iter()
        .filter_map(|row| {
            Some(FeeSchedule {
                source: FeeSource::ConfirmedBy {
                    staff: row.added_by.clone(),
                    at: row.added_at,
                },
                ..read_schedule(row.effective_from, &row.schedule)?
            })
        })
        .collect();
    let confirmations: Vec<Confirmation> = confirmed
        .iter()
        .filter_map(|row| {
            Some(Confirmation {
                profile: row.profile.parse().ok()?,
                schedule: read_schedule(row.effective_from, &row.schedule)?,
                by: row.confirmed_by.clone(),
                at: row.confirmed_at,
            })
        })
        .collect();
    Schedules {
        profile,
        all: merged(
            &with_confirmations(profile, &profile.profile().fee_schedules, &confirmations),
            &added,
        ),
        added,
        confirmations,
    }
}
