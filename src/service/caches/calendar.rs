//! The business calendar as this instance last loaded it. Writes that compute a deadline ask for
//! a `fresh` calendar (one tiny query compares revisions); pages that only display days left use
//! the `current` one, which a background task refreshes every few seconds.

use std::sync::Arc;

use super::Revisioned;
use crate::db::calendar::{self as days, CalendarDayRow};
use crate::db::{Db, DbError};
use crate::domain::calendar::{BusinessCalendar, DayOverride};

pub struct CalendarCache {
    /// The profile's rules with no operator days; every refresh starts from it.
    base: BusinessCalendar,
    loaded: Revisioned<BusinessCalendar>,
}

impl CalendarCache {
    pub fn new(base: BusinessCalendar) -> CalendarCache {
        CalendarCache {
            loaded: Revisioned::new(base.clone()),
            base,
        }
    }

    /// The calendar as last loaded (at most one refresh interval old).
    pub fn current(&self) -> Arc<BusinessCalendar> {
        self.loaded.current()
    }

    /// The calendar as the database has it now.
    pub async fn fresh(&self, db: &Db) -> Result<Arc<BusinessCalendar>, DbError> {
        let known = self.loaded.revision();
        let loaded = db
            .read(move |conn| {
                let revision = days::revision(conn)?;
                if revision == known {
                    return Ok(None);
                }
                Ok(Some((revision, days::all(conn)?)))
            })
            .await?;
        Ok(match loaded {
            Some((revision, rows)) => self.loaded.offer(revision, self.build(&rows)),
            None => self.current(),
        })
    }

    /// The profile's rules with no operator days.
    pub fn base(&self) -> &BusinessCalendar {
        &self.base
    }

    pub fn build(&self, rows: &[CalendarDayRow]) -> BusinessCalendar {
        let with = |status: DayOverride| {
            rows.iter()
                .filter(|r| r.status == status)
                .map(|r| r.day)
                .collect::<Vec<_>>()
        };
        self.base
            .with_operator_days(with(DayOverride::Closed), with(DayOverride::Open))
    }
}
