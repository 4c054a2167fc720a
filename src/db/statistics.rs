//! The raw rows behind the yearly statistics, each one query over a period. Aggregation (means,
//! medians) happens in the service; these only select.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::{count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::Bool;

use super::schema::{case_events, case_pauses, cases, decisions, fee_entries};
use super::{DbConnection, DbError};
use crate::domain::document::DecisionStatus;

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

/// Decisions issued in the period that share an outcome, grounds and days to decision.
#[derive(Debug, Clone, Queryable)]
pub struct DecisionGroup {
    pub outcome: String,
    /// Withholding grounds as stored (comma-separated codes).
    pub grounds: String,
    pub days_to_decision: Option<i32>,
    /// `whole`, or under Art. 84 `part` / `remainder`.
    pub scope: String,
    pub count: i64,
}

/// Approved decisions issued in the period (a macro: diesel's boxed queries cannot group).
macro_rules! issued_in {
    ($p:expr) => {
        decisions::table
            .filter(decisions::status.eq(DecisionStatus::Approved))
            .filter(decisions::issued_on.ge($p.first))
            .filter(decisions::issued_on.le($p.last))
    };
}

/// The decisions of the period, counted per outcome, grounds and days to decision: a few hundred
/// groups for a year of any size, read from one index.
pub fn decision_groups(conn: &mut DbConnection, p: Period) -> Result<Vec<DecisionGroup>, DbError> {
    Ok(issued_in!(p)
        .group_by((
            decisions::outcome,
            decisions::grounds,
            decisions::days_to_decision,
            decisions::scope,
        ))
        .select((
            decisions::outcome,
            decisions::grounds,
            decisions::days_to_decision,
            decisions::scope,
            count_star(),
        ))
        .load(conn)?)
}

/// Decisions of the period issued by the deadline in force, and those with no fixed period.
pub fn timeliness(conn: &mut DbConnection, p: Period) -> Result<(i64, i64), DbError> {
    let within = issued_in!(p)
        .filter(decisions::issued_on.le(decisions::due_on))
        .count()
        .get_result(conn)?;
    let no_period = issued_in!(p)
        .filter(decisions::due_on.is_null())
        .count()
        .get_result(conn)?;
    Ok((within, no_period))
}

/// What the yearly figures count among case events: cases that ended without a decision
/// (withdrawn, dismissed, transferred) and extensions. Two partial indexes hold these events only
/// (migration 000019), so that the events every submission and confirmation write enter no index
/// but the table's own; SQLite uses a partial index only for a query that states its condition
/// word for word, hence literal SQL rather than bound parameters.
const COUNTED_STATES: &str = "to_state IN ('withdrawn', 'dismissed', 'transferred')";
const COUNTED_EVENTS: &str = "event IN ('extend_deadline', 'apply_special_extension')";

/// Cases that entered a state counted by the figures during the period, by state.
pub fn entered_states(conn: &mut DbConnection, p: Period) -> Result<Vec<(String, i64)>, DbError> {
    Ok(case_events::table
        .filter(sql::<Bool>(COUNTED_STATES))
        .filter(case_events::at.ge(p.from))
        .filter(case_events::at.lt(p.until))
        .group_by(case_events::to_state)
        .select((case_events::to_state, count_star()))
        .load(conn)?)
}

/// Extensions made during the period, by event name.
pub fn extensions(conn: &mut DbConnection, p: Period) -> Result<Vec<(String, i64)>, DbError> {
    Ok(case_events::table
        .filter(sql::<Bool>(COUNTED_EVENTS))
        .filter(case_events::at.ge(p.from))
        .filter(case_events::at.lt(p.until))
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

/// Payments, refunds and waivers of the period, and their reversals (kind, amount in yen), by
/// the day each took effect: a payment counts on the day the money arrived, not the day typed.
pub fn fee_movements(conn: &mut DbConnection, p: Period) -> Result<Vec<(String, i64)>, DbError> {
    Ok(fee_entries::table
        .filter(fee_entries::value_date.ge(p.first))
        .filter(fee_entries::value_date.le(p.last))
        .filter(fee_entries::entry.eq_any([
            "payment",
            "refund",
            "waiver",
            "reversal_payment",
            "reversal_refund",
            "reversal_waiver",
        ]))
        .select((fee_entries::entry, fee_entries::amount))
        .load(conn)?)
}
