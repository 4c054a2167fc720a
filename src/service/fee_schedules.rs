//! Fee schedules as every instance sees them: the chosen profile's, with the ones an administrator added
//! (cached with the database's revision, like the calendar), and adding or withdrawing one with
//! its audit record in the same transaction.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};

use crate::db::audit::{self, AuditEvent};
use crate::db::fee_schedules::{self as rows, FeeScheduleRow};
use crate::db::operator_settings as settings;
use crate::db::{Db, DbError};
use crate::domain::deadline::jst_date;
use crate::domain::fee_schedules::{ScheduleProblem, check_new, may_withdraw, merged};
use crate::domain::fees::FeeSchedule;
use crate::domain::profile::ProfileName;
use crate::service::revisioned::Revisioned;

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

#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    #[error("the schedule cannot be added")]
    Invalid(Vec<(&'static str, ScheduleProblem)>),
    #[error("no added schedule of that day can be withdrawn")]
    NotWithdrawable,
    #[error(transparent)]
    Db(#[from] DbError),
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

    /// Adds `schedule` (checked against the schedules as the database has them now).
    pub async fn add(
        &self,
        db: &Db,
        schedule: FeeSchedule,
        (actor, role): (&str, &str),
        now: DateTime<Utc>,
    ) -> Result<(), ScheduleError> {
        let known = self.fresh(db).await?;
        let problems = check_new(&schedule, &known.all, jst_date(now));
        if !problems.is_empty() {
            return Err(ScheduleError::Invalid(problems));
        }
        let row = FeeScheduleRow {
            effective_from: schedule.effective_from,
            schedule: serde_json::to_string(&schedule)
                .map_err(|e| DbError::Unavailable(e.to_string()))?,
            added_by: actor.to_string(),
            added_at: now.naive_utc(),
        };
        let event = AuditEvent::new(
            now.naive_utc(),
            format!("staff:{actor}"),
            "fees.schedule_added",
        )
        .role(role)
        .target(schedule.effective_from.to_string());
        let outcome = db
            .write(move |conn| {
                rows::insert(conn, &row)?;
                audit::append(conn, &event)
            })
            .await;
        if let Err(DbError::Conflict(_)) = outcome {
            // Another administrator added one for that day meanwhile.
            return Err(ScheduleError::Invalid(vec![(
                "effective_from",
                ScheduleProblem::DateTaken,
            )]));
        }
        outcome?;
        self.fresh(db).await?;
        Ok(())
    }

    /// Withdraws the added schedule of `day`, which must not be in force yet.
    pub async fn withdraw(
        &self,
        db: &Db,
        day: NaiveDate,
        (actor, role): (&str, &str),
        now: DateTime<Utc>,
    ) -> Result<(), ScheduleError> {
        let known = self.fresh(db).await?;
        if !may_withdraw(&known.added, day, jst_date(now)) {
            return Err(ScheduleError::NotWithdrawable);
        }
        let event = AuditEvent::new(
            now.naive_utc(),
            format!("staff:{actor}"),
            "fees.schedule_withdrawn",
        )
        .role(role)
        .target(day.to_string());
        let removed = db
            .write(move |conn| {
                let removed = rows::remove(conn, day)?;
                if removed {
                    audit::append(conn, &event)?;
                }
                Ok(removed)
            })
            .await?;
        self.fresh(db).await?;
        if removed {
            Ok(())
        } else {
            Err(ScheduleError::NotWithdrawable)
        }
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
