//! The decision deadline of a stored case, from its receipt, its pause episodes and its facts.
//! One function for every page and for the stored `due_on`, so they can never disagree.

use chrono::NaiveDate;

use crate::db::cases::{CaseRow, PauseRow};
use crate::domain::calendar::BusinessCalendar;
use crate::domain::deadline::{Deadline, Pause, compute_deadline_explained};
use crate::domain::explain::Explanation;
use crate::domain::lifecycle::CaseFacts;
use crate::domain::profile::OperatorProfile;
use crate::domain::state::PauseReason;

/// The stored episodes as the domain counts them. The stored reason is one of [`PauseReason`]'s
/// names; one this build does not know counts as a 補正, the statute's own pause.
pub fn pauses_of(rows: &[PauseRow]) -> Vec<Pause> {
    rows.iter()
        .map(|p| Pause {
            from: p.started_on,
            until: p.ended_on,
            reason: p.reason.parse().unwrap_or(PauseReason::Correction),
        })
        .collect()
}

/// The deadline with its explanation, or None while the case has not been received (or the
/// computation is impossible, which the domain reports for out-of-range dates only).
pub fn of_case(
    profile: &OperatorProfile,
    calendar: &BusinessCalendar,
    row: &CaseRow,
    facts: &CaseFacts,
    pauses: &[Pause],
    today: NaiveDate,
) -> Option<(Deadline, Explanation)> {
    let received = row.received_at?;
    let request = profile.decision_deadline_request(facts, received.and_utc(), pauses, Some(today));
    compute_deadline_explained(&request, calendar).ok()
}
