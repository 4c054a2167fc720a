//! Adding, withdrawing or confirming a fee schedule, with its audit record in the same transaction. Every
//! instance reads the schedules (the chosen profile's and the ones an administrator added)
//! through its [`FeeScheduleCache`].

use chrono::{DateTime, NaiveDate, Utc};

use crate::db::audit::{self, AuditEvent};
use crate::db::fee_schedules::{self as rows, ConfirmationRow, FeeScheduleRow};
use crate::db::{Db, DbError};
use crate::domain::deadline::jst_date;
use crate::domain::fee_schedules::{ScheduleProblem, check_new, confirmable, may_withdraw};
use crate::domain::fees::FeeSchedule;
use crate::service::caches::FeeScheduleCache;

#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    #[error("the schedule cannot be added")]
    Invalid(Vec<(&'static str, ScheduleProblem)>),
    #[error("no added schedule of that day can be withdrawn")]
    NotWithdrawable,
    #[error("no unconfirmed schedule of that day")]
    NotConfirmable,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl FeeScheduleCache {
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

    /// Confirms the profile's built-in schedule of `day` with the amounts it has now
    /// (docs/fees.md §9): from then on the public sees them without the provisional mark.
    pub async fn confirm(
        &self,
        db: &Db,
        day: NaiveDate,
        (actor, role): (&str, &str),
        now: DateTime<Utc>,
    ) -> Result<(), ScheduleError> {
        let known = self.fresh(db).await?;
        let Some(schedule) = confirmable(&known.all, day) else {
            return Err(ScheduleError::NotConfirmable);
        };
        let row = ConfirmationRow {
            profile: known.profile.as_str().to_string(),
            effective_from: day,
            schedule: serde_json::to_string(schedule)
                .map_err(|e| DbError::Unavailable(e.to_string()))?,
            confirmed_by: actor.to_string(),
            confirmed_at: now.naive_utc(),
        };
        let event = AuditEvent::new(
            now.naive_utc(),
            format!("staff:{actor}"),
            "fees.schedule_confirmed",
        )
        .role(role)
        .target(format!("{}:{day}", known.profile.as_str()));
        db.write(move |conn| {
            rows::confirm(conn, &row)?;
            audit::append(conn, &event)
        })
        .await?;
        self.fresh(db).await?;
        Ok(())
    }
}
