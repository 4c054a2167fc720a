//! The manager's dashboard figures: counted in the database once every few seconds per instance
//! (see [`DashboardCache`]), kept so a new instance shows the last count at once, and recounted
//! behind it.

use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use crate::db::dashboard as figures;
use crate::db::figure_snapshots as snapshots;
use crate::db::{Db, DbError};
use crate::domain::calendar::BusinessCalendar;
use crate::domain::deadline::jst_date;
use crate::service::caches::FigureCache;

/// The dashboard's counts for a given JST day (see [`FigureCache`]).
pub type DashboardCache = FigureCache<NaiveDate, Counted>;

/// Weeks the chart shows, the current one last.
pub const WEEKS: i64 = 12;

/// The Monday starting the JST week of `day`.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// The first week the chart shows on `today`.
pub fn first_week(today: NaiveDate) -> NaiveDate {
    week_start(today) - Duration::weeks(WEEKS - 1)
}

/// What the dashboard counts in the database; the rest is arithmetic on it.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Counted {
    /// Open cases by state and by kind (stored names).
    pub states: Vec<(String, i64)>,
    pub kinds: Vec<(String, i64)>,
    /// Per assignee (None: unassigned): open cases and overdue ones.
    pub assignees: Vec<(Option<String>, i64, i64)>,
    pub overdue: i64,
    pub due_3: i64,
    pub due_7: i64,
    /// Cases whose clock the requester stopped, and the oldest stop.
    pub stopped: (i64, Option<NaiveDate>),
    /// Per week from the oldest: received, decided, decided late.
    pub weeks: Vec<(i64, i64, i64)>,
}

const SNAPSHOT: &str = "dashboard";

/// Keeps the figures for an instance that has none yet (see `DashboardCache`); a failure only costs
/// that instance a count of its own.
async fn remember(db: &Db, day: NaiveDate, now: DateTime<Utc>, counted: &Counted) {
    let Ok(json) = serde_json::to_string(counted) else {
        return;
    };
    let stored = db
        .write(move |conn| snapshots::save(conn, SNAPSHOT, day, now.naive_utc(), &json))
        .await;
    if let Err(error) = stored {
        tracing::warn!(%error, "dashboard figures not kept");
    }
}

async fn recall(db: Db, day: NaiveDate) -> Option<(Counted, DateTime<Utc>)> {
    let (json, counted_at) = db
        .read(move |conn| snapshots::load(conn, SNAPSHOT, day))
        .await
        .ok()??;
    let counted = serde_json::from_str(&json).ok()?;
    Some((counted, counted_at.and_utc()))
}

/// Buckets receipts and decisions by JST week (counted once per recount, not per view).
fn weekly(
    first_week: NaiveDate,
    received: &[chrono::NaiveDateTime],
    decided: &[(NaiveDate, Option<NaiveDate>)],
) -> Vec<(i64, i64, i64)> {
    let mut weeks = vec![(0, 0, 0); WEEKS as usize];
    let index_of = |day: NaiveDate| ((week_start(day) - first_week).num_days() / 7) as usize;
    for at in received {
        if let Some(w) = weeks.get_mut(index_of(jst_date(at.and_utc()))) {
            w.0 += 1;
        }
    }
    for (day, due_on) in decided {
        if let Some(w) = weeks.get_mut(index_of(*day)) {
            w.1 += 1;
            w.2 += i64::from(due_on.is_some_and(|due| *day > due));
        }
    }
    weeks
}

/// The figures for the JST day of `now`, with when they were counted.
pub async fn figures(
    db: &Db,
    cache: &Arc<DashboardCache>,
    calendar: &BusinessCalendar,
    now: DateTime<Utc>,
) -> Result<(Arc<Counted>, DateTime<Utc>), DbError> {
    let today = jst_date(now);
    let in_3 = calendar.add_office_days(today, 3);
    let in_7 = calendar.add_office_days(today, 7);
    let yesterday = today - Duration::days(1);
    let first_week = first_week(today);
    let since = (first_week.and_hms_opt(0, 0, 0).unwrap_or_default()) - Duration::hours(9);
    let db_count = db.clone();
    let recall_from = db.clone();
    cache
        .get(
            today,
            now,
            move || async move {
                let counted = db_count
                    .read(move |conn| {
                        Ok(Counted {
                            states: figures::open_by_state(conn)?,
                            kinds: figures::open_by_kind(conn)?,
                            assignees: figures::open_by_assignee(conn, today)?,
                            overdue: figures::due_between(conn, None, yesterday)?,
                            due_3: figures::due_between(conn, Some(today), in_3)?,
                            due_7: figures::due_between(conn, Some(today), in_7)?,
                            stopped: figures::stopped(conn)?,
                            weeks: weekly(
                                first_week,
                                &figures::received_since(conn, since)?,
                                &figures::decided_since(conn, first_week)?,
                            ),
                        })
                    })
                    .await?;
                remember(&db_count, today, now, &counted).await;
                Ok(counted)
            },
            move || recall(recall_from, today),
        )
        .await
}
