//! The fee schedules as this instance last loaded them: the chosen profile's, with the ones an
//! administrator added.

use std::sync::Arc;

use super::Revisioned;
use crate::db::fee_schedules::{self as rows, FeeScheduleRow};
use crate::db::operator_settings as settings;
use crate::db::{Db, DbError};
use crate::domain::fee_schedules::merged;
use crate::domain::fees::FeeSchedule;
use crate::domain::profile::ProfileName;

/// Every schedule in force at some time, and which of them an administrator added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schedules {
    pub all: Vec<FeeSchedule>,
    pub added: Vec<FeeSchedule>,
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
                all: configured.profile().fee_schedules,
                added: Vec::new(),
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
                Ok(Some((revision, chosen, rows::all(conn)?)))
            })
            .await?;
        Ok(match loaded {
            Some((revision, chosen, found)) => {
                let base = chosen
                    .and_then(|name| name.parse::<ProfileName>().ok())
                    .unwrap_or(self.configured)
                    .profile()
                    .fee_schedules;
                self.loaded.offer(revision, build(&base, &found))
            }
            None => self.current(),
        })
    }
}

fn build(base: &[FeeSchedule], found: &[FeeScheduleRow]) -> Schedules {
    let added: Vec<FeeSchedule> = found
        .iter()
        .filter_map(|row| match serde_json::from_str(&row.schedule) {
            Ok(schedule) => Some(schedule),
            Err(e) => {
                // Written by this application; unreadable means a newer version wrote it.
                tracing::warn!(day = %row.effective_from, error = %e, "fee schedule not understood; ignored");
                None
            }
        })
        .collect();
    Schedules {
        all: merged(base, &added),
        added,
    }
}
