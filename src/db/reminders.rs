//! Reminders already sent. The key names the reminder (case, kind, the date it is about); the
//! insert is the claim, so two instances sweeping at once send each reminder once.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::reminders;
use super::{DbConnection, DbError};
use crate::domain::state::CaseState;

/// Claims `key` in the caller's transaction: true if this call inserted it (send the reminder),
/// false if it was already there (someone sent it).
pub fn claim(
    conn: &mut DbConnection,
    key: &str,
    case_id: &str,
    kind: &str,
    about_on: NaiveDate,
    at: NaiveDateTime,
    instance: &str,
) -> Result<bool, DbError> {
    let row = (
        reminders::key.eq(key),
        reminders::case_id.eq(case_id),
        reminders::kind.eq(kind),
        reminders::about_on.eq(about_on),
        reminders::sent_at.eq(at),
        reminders::instance.eq(instance),
    );
    // ON CONFLICT is not in the multi-backend query builder; both backends spell it the same.
    let insert = diesel::insert_into(reminders::table)
        .values(row)
        .on_conflict_do_nothing();
    let inserted = match conn {
        DbConnection::Sqlite(c) => insert.execute(c)?,
        DbConnection::Postgres(c) => insert.execute(c)?,
    };
    Ok(inserted == 1)
}

/// Every key claimed about a day from `earliest` on (the sweep skips them without a write).
pub fn claimed_about_since(
    conn: &mut DbConnection,
    earliest: NaiveDate,
) -> Result<Vec<String>, DbError> {
    Ok(reminders::table
        .filter(reminders::about_on.ge(earliest))
        .select(reminders::key)
        .load(conn)?)
}

pub fn count_for_case(conn: &mut DbConnection, case_id: &str) -> Result<i64, DbError> {
    Ok(reminders::table
        .filter(reminders::case_id.eq(case_id))
        .count()
        .get_result(conn)?)
}

/// What the sweep reads of a case.
#[derive(Debug, Clone, Queryable)]
pub struct SweepRow {
    pub id: String,
    pub receipt_number: Option<String>,
    pub state: CaseState,
    pub due_on: Option<chrono::NaiveDate>,
    pub assignee_id: Option<String>,
    pub lang: String,
}

/// An overdue case whose escalation for its current deadline was already sent. Diesel's DSL has
/// no correlated subquery; the SQL is the same on both backends.
const ESCALATED: &str = "EXISTS (SELECT 1 FROM reminders WHERE reminders.case_id = cases.id \
     AND reminders.kind = 'overdue' AND reminders.about_on = cases.due_on)";

/// The only cases a reminder can be due for: cases whose clock runs (`running` states) due from
/// today to `horizon`, or overdue and not yet escalated for that deadline; and every case
/// waiting for the requester or a payment (`waiting` states), whatever its deadline. Overdue
/// cases already escalated are the bulk of a neglected database; leaving them out in the query
/// keeps a sweep's work proportional to what may be due, not to the backlog.
pub fn sweep_candidates(
    conn: &mut DbConnection,
    running: &[&str],
    waiting: &[&str],
    today: NaiveDate,
    horizon: NaiveDate,
) -> Result<Vec<SweepRow>, DbError> {
    use super::schema::cases;
    use diesel::dsl::{not, sql};
    use diesel::sql_types::Bool;
    let columns = (
        cases::id,
        cases::receipt_number,
        cases::state,
        cases::due_on,
        cases::assignee_id,
        cases::lang,
    );
    let mut rows: Vec<SweepRow> = cases::table
        .filter(cases::state.eq_any(running))
        .filter(cases::due_on.ge(today))
        .filter(cases::due_on.le(horizon))
        .select(columns)
        .load(conn)?;
    rows.extend(
        cases::table
            .filter(cases::state.eq_any(running))
            .filter(cases::due_on.lt(today))
            .filter(not(sql::<Bool>(ESCALATED)))
            .select(columns)
            .load::<SweepRow>(conn)?,
    );
    rows.extend(
        cases::table
            .filter(cases::state.eq_any(waiting))
            .select(columns)
            .load::<SweepRow>(conn)?,
    );
    Ok(rows)
}

/// Open pauses (clock stopped): case id, reason and reply-by date.
pub fn open_pauses(
    conn: &mut DbConnection,
) -> Result<Vec<(String, String, Option<chrono::NaiveDate>)>, DbError> {
    use super::schema::case_pauses;
    Ok(case_pauses::table
        .filter(case_pauses::ended_on.is_null())
        .select((
            case_pauses::case_id,
            case_pauses::reason,
            case_pauses::reply_by,
        ))
        .load(conn)?)
}

/// When each case in `case_ids` last entered `state`.
pub fn entered(
    conn: &mut DbConnection,
    case_ids: &[String],
    state: CaseState,
) -> Result<Vec<(String, NaiveDateTime)>, DbError> {
    use super::schema::case_events;
    use std::collections::HashMap;
    let mut last: HashMap<String, NaiveDateTime> = HashMap::new();
    for chunk in case_ids.chunks(500) {
        // By case id alone, the state checked here: with `to_state` in the query the planner may
        // walk every event that entered the state (the statistics' index) instead of a few per case.
        let found: Vec<(String, CaseState, NaiveDateTime)> = case_events::table
            .filter(case_events::case_id.eq_any(chunk))
            .select((case_events::case_id, case_events::to_state, case_events::at))
            .load(conn)?;
        for (id, to_state, at) in found {
            if to_state == state {
                let entry = last.entry(id).or_insert(at);
                *entry = (*entry).max(at);
            }
        }
    }
    Ok(last.into_iter().collect())
}
