//! The figures on the manager's dashboard, each one query over the open cases.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::{count_star, min};
use diesel::prelude::*;

use super::cases::{FINISHED_STATES, STOPPED_STATES, received};
use super::schema::{case_pauses, cases};
use super::{DbConnection, DbError};
use crate::domain::document::DecisionStatus;

/// Open cases by a text column's value (state, kind or assignee).
pub fn open_by_state(conn: &mut DbConnection) -> Result<Vec<(String, i64)>, DbError> {
    Ok(cases::table
        .filter(cases::state.ne_all(FINISHED_STATES))
        .group_by(cases::state)
        .select((cases::state, count_star()))
        .load(conn)?)
}

pub fn open_by_kind(conn: &mut DbConnection) -> Result<Vec<(String, i64)>, DbError> {
    Ok(cases::table
        .filter(cases::state.ne_all(FINISHED_STATES))
        .group_by(cases::kind)
        .select((cases::kind, count_star()))
        .load(conn)?)
}

/// Open cases per assignee (None: unassigned), and how many of them are overdue on `today`.
pub fn open_by_assignee(
    conn: &mut DbConnection,
    today: NaiveDate,
) -> Result<Vec<(Option<String>, i64, i64)>, DbError> {
    let open: Vec<(Option<String>, i64)> = cases::table
        .filter(cases::state.ne_all(FINISHED_STATES))
        .group_by(cases::assignee_id)
        .select((cases::assignee_id, count_star()))
        .load(conn)?;
    let overdue: Vec<(Option<String>, i64)> = cases::table
        .filter(cases::state.ne_all(FINISHED_STATES))
        .filter(cases::state.ne_all(STOPPED_STATES))
        .filter(received())
        .filter(cases::due_on.lt(today))
        .group_by(cases::assignee_id)
        .select((cases::assignee_id, count_star()))
        .load(conn)?;
    Ok(open
        .into_iter()
        .map(|(who, n)| {
            let late = overdue
                .iter()
                .find(|(w, _)| *w == who)
                .map_or(0, |(_, n)| *n);
            (who, n, late)
        })
        .collect())
}

type Boxed<'a> = cases::BoxedQuery<'a, super::MultiBackend>;

/// Open cases whose decision clock is running.
fn running(query: Boxed<'_>) -> Boxed<'_> {
    query
        .filter(cases::state.ne_all(FINISHED_STATES))
        .filter(cases::state.ne_all(STOPPED_STATES))
        .filter(received())
        .filter(cases::due_on.is_not_null())
}

/// Running cases due on or before `last_day` (and, with `from`, on or after it).
pub fn due_between(
    conn: &mut DbConnection,
    from: Option<NaiveDate>,
    last_day: NaiveDate,
) -> Result<i64, DbError> {
    let mut query = running(cases::table.into_boxed()).filter(cases::due_on.le(last_day));
    if let Some(from) = from {
        query = query.filter(cases::due_on.ge(from));
    }
    Ok(query.count().get_result(conn)?)
}

/// Cases waiting on the requester, and the day the longest wait began.
pub fn stopped(conn: &mut DbConnection) -> Result<(i64, Option<NaiveDate>), DbError> {
    let count = cases::table
        .filter(cases::state.eq_any(STOPPED_STATES))
        .count()
        .get_result(conn)?;
    let oldest: Option<NaiveDate> = case_pauses::table
        .inner_join(cases::table)
        .filter(case_pauses::ended_on.is_null())
        .filter(cases::state.eq_any(STOPPED_STATES))
        .select(min(case_pauses::started_on))
        .get_result(conn)?;
    Ok((count, oldest))
}

/// Receipt instants since `since` (the weekly chart buckets them by JST week).
pub fn received_since(
    conn: &mut DbConnection,
    since: NaiveDateTime,
) -> Result<Vec<NaiveDateTime>, DbError> {
    Ok(cases::table
        .filter(cases::received_at.ge(since))
        .select(cases::received_at.assume_not_null())
        .load(conn)?)
}

/// Issue dates of approved decisions since `since`, each with the deadline it was issued against.
pub fn decided_since(
    conn: &mut DbConnection,
    since: NaiveDate,
) -> Result<Vec<(NaiveDate, Option<NaiveDate>)>, DbError> {
    use super::schema::decisions;
    Ok(decisions::table
        .filter(decisions::status.eq(DecisionStatus::Approved))
        .filter(decisions::issued_on.ge(since))
        .select((decisions::issued_on.assume_not_null(), decisions::due_on))
        .load(conn)?)
}
