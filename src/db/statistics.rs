//! The raw rows behind the yearly statistics, each one query over a period. Aggregation (means,
//! medians) happens in the service; these only select.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::schema::{case_events, case_pauses, cases, decisions, fee_entries};
use super::{DbConnection, DbError};

/// A period as UTC instants `[from, until)` for timestamps and JST dates `[first, last]`.
#[derive(Debug, Clone, Copy)]
pub struct Period {
    pub from: NaiveDateTime,
    pub until: NaiveDateTime,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

/// Requests received in the period, per kind.
pub fn received(conn: &mut DbConnection, p: Period) -> Result<Vec<(String, i64)>, DbError> {
    Ok(cases::table
        .filter(cases::received_at.ge(p.from))
        .filter(cases::received_at.lt(p.until))
        .group_by(cases::kind)
        .select((cases::kind, count_star()))
        .load(conn)?)
}

/// A decision issued in the period.
#[derive(Debug, Clone, Queryable)]
pub struct IssuedDecision {
    pub outcome: String,
    pub kind: String,
    pub received_at: Option<NaiveDateTime>,
    pub issued_on: Option<NaiveDate>,
    /// The deadline in force when it was issued (none for a request with no fixed period).
    pub due_on: Option<NaiveDate>,
    /// Withholding grounds as stored (comma-separated codes).
    pub grounds: String,
}

pub fn decisions(conn: &mut DbConnection, p: Period) -> Result<Vec<IssuedDecision>, DbError> {
    Ok(decisions::table
        .inner_join(cases::table)
        .filter(decisions::status.eq("approved"))
        .filter(decisions::issued_on.ge(p.first))
        .filter(decisions::issued_on.le(p.last))
        .select((
            decisions::outcome,
            cases::kind,
            cases::received_at,
            decisions::issued_on,
            decisions::due_on,
            decisions::grounds,
        ))
        .load(conn)?)
}

/// Cases that entered one of `states` during the period (withdrawn, dismissed, transferred).
pub fn entered_states(
    conn: &mut DbConnection,
    p: Period,
    states: &[&str],
) -> Result<Vec<(String, i64)>, DbError> {
    Ok(case_events::table
        .filter(case_events::at.ge(p.from))
        .filter(case_events::at.lt(p.until))
        .filter(case_events::to_state.eq_any(states))
        .group_by(case_events::to_state)
        .select((case_events::to_state, count_star()))
        .load(conn)?)
}

/// Events of the given names during the period (extensions, special extensions).
pub fn events(
    conn: &mut DbConnection,
    p: Period,
    names: &[&str],
) -> Result<Vec<(String, i64)>, DbError> {
    Ok(case_events::table
        .filter(case_events::at.ge(p.from))
        .filter(case_events::at.lt(p.until))
        .filter(case_events::event.eq_any(names))
        .group_by(case_events::event)
        .select((case_events::event, count_star()))
        .load(conn)?)
}

/// 補正 requests made in the period: when each stopped the clock and when it restarted.
pub fn corrections(
    conn: &mut DbConnection,
    p: Period,
) -> Result<Vec<(NaiveDate, Option<NaiveDate>)>, DbError> {
    Ok(case_pauses::table
        .filter(case_pauses::reason.eq("correction"))
        .filter(case_pauses::started_on.ge(p.first))
        .filter(case_pauses::started_on.le(p.last))
        .select((case_pauses::started_on, case_pauses::ended_on))
        .load(conn)?)
}

/// Payments and refunds recorded in the period (kind, amount in yen).
pub fn fee_movements(conn: &mut DbConnection, p: Period) -> Result<Vec<(String, i64)>, DbError> {
    Ok(fee_entries::table
        .filter(fee_entries::at.ge(p.from))
        .filter(fee_entries::at.lt(p.until))
        .filter(fee_entries::entry.eq_any(["payment", "refund"]))
        .select((fee_entries::entry, fee_entries::amount))
        .load(conn)?)
}
