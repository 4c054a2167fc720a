//! What happened on a page of queued cases since someone last opened them: the requester's
//! latest message and document, and when each member of staff last opened each case.

use chrono::NaiveDateTime;
use diesel::dsl::max;
use diesel::prelude::*;

use super::schema::{audit_events, case_events};
use super::{DbConnection, DbError};

/// Case events that bring the help desk something new from the requester.
pub const NEWS_EVENTS: [&str; 2] = ["message_from_requester", "document_uploaded"];

/// `(case id, event, latest time)`.
pub type LatestNews = (String, String, Option<NaiveDateTime>);
/// `(case id, actor, latest time)`.
pub type LastOpened = (Option<String>, String, Option<NaiveDateTime>);

/// `(case id, event, latest time)` of each of [`NEWS_EVENTS`] on the cases `ids`.
pub fn latest_news(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<LatestNews>, DbError> {
    Ok(case_events::table
        .filter(case_events::case_id.eq_any(ids))
        .filter(case_events::event.eq_any(NEWS_EVENTS))
        .group_by((case_events::case_id, case_events::event))
        .select((
            case_events::case_id,
            case_events::event,
            max(case_events::at),
        ))
        .load(conn)?)
}

/// `(case id, actor, latest time)` each actor last opened each of the cases `ids`.
pub fn last_opened(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<LastOpened>, DbError> {
    Ok(audit_events::table
        .filter(audit_events::case_id.eq_any(ids))
        .filter(audit_events::action.eq("case.viewed"))
        .group_by((audit_events::case_id, audit_events::actor))
        .select((
            audit_events::case_id,
            audit_events::actor,
            max(audit_events::at),
        ))
        .load(conn)?)
}
