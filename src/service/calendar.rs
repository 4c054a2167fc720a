//! The operator's business calendar as every instance sees it, and changes to it.
//!
//! Each instance keeps the calendar in a [`CalendarCache`]. Changing a day recomputes, in the same transaction, every open deadline the change moves,
//! records each move in the audit log and tells the assignee.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use lettre::message::Mailbox;

use crate::db::audit::{self, AuditEvent};
use crate::db::calendar::{self as days};
use crate::db::{Db, DbConnection, DbError, cases, outbox, staff};
use crate::domain::calendar::{BusinessCalendar, DayOverride};
use crate::domain::deadline::jst_date;
use crate::domain::profile::OperatorProfile;
use crate::domain::role::Role;
use crate::domain::state::CaseState;
use crate::mail::{self, OutgoingMail};
use crate::service::caches::CalendarCache;
use crate::service::case_record::{facts_json, parse_facts};
use crate::service::{deadlines, notices};
use crate::storage::crypto::MasterKey;

/// One change an administrator makes to a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayChange {
    Close { day: NaiveDate, note: String },
    Open { day: NaiveDate, note: String },
    Reset { day: NaiveDate },
}

impl DayChange {
    pub fn day(&self) -> NaiveDate {
        match self {
            DayChange::Close { day, .. }
            | DayChange::Open { day, .. }
            | DayChange::Reset { day } => *day,
        }
    }
}

/// A deadline the change moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovedDeadline {
    pub case_id: String,
    pub receipt_number: String,
    pub from: Option<NaiveDate>,
    pub to: NaiveDate,
}

pub struct CalendarDesk<'a> {
    pub profile: &'a OperatorProfile,
    pub cache: &'a CalendarCache,
    pub master: &'a Arc<MasterKey>,
    pub from: &'a Mailbox,
}

pub use crate::db::calendar::CalendarDayRow;

/// Every day an administrator opened or closed, as stored.
pub async fn changed_days(db: &Db) -> Result<Vec<CalendarDayRow>, DbError> {
    db.read(crate::db::calendar::all).await
}

/// Applies `change`, recomputes the open deadlines it moves and tells their assignees (or the
/// approvers, for unassigned cases). All in one transaction: the calendar and the deadlines
/// never disagree.
pub async fn change_day(
    db: &Db,
    desk: &CalendarDesk<'_>,
    change: DayChange,
    actor: (&str, &str),
    now: DateTime<Utc>,
) -> Result<Vec<MovedDeadline>, DbError> {
    let (actor_id, actor_role) = (actor.0.to_string(), actor.1.to_string());
    let today = jst_date(now);
    let before_decision: Vec<&'static str> = CaseState::ALL
        .iter()
        .filter(|s| s.awaits_decision())
        .map(|s| s.as_str())
        .collect();
    let base = desk.cache.base().clone();
    let profile = desk.profile.clone();
    let (master, from) = (desk.master.clone(), desk.from.clone());
    let moved = db
        .write(move |conn| {
            let day = change.day();
            let label = format!("staff:{actor_id}");
            let old_rows = days::all(conn)?;
            let previous = old_rows.iter().find(|r| r.day == day).cloned();
            match &change {
                DayChange::Close { note, .. } | DayChange::Open { note, .. } => {
                    let status = if matches!(change, DayChange::Close { .. }) {
                        DayOverride::Closed
                    } else {
                        DayOverride::Open
                    };
                    days::put(
                        conn,
                        &CalendarDayRow {
                            day,
                            status,
                            note: note.clone(),
                            changed_by: actor_id.clone(),
                            changed_at: now.naive_utc(),
                        },
                    )?;
                }
                DayChange::Reset { .. } => {
                    days::remove(conn, day)?;
                }
            }
            let new_rows = days::all(conn)?;
            let calendar_of = |rows: &[CalendarDayRow]| {
                let with = |status: DayOverride| {
                    rows.iter()
                        .filter(|r| r.status == status)
                        .map(|r| r.day)
                        .collect::<Vec<_>>()
                };
                base.with_operator_days(with(DayOverride::Closed), with(DayOverride::Open))
            };
            let (old_calendar, new_calendar) = (calendar_of(&old_rows), calendar_of(&new_rows));
            let audit_row = AuditEvent::new(now.naive_utc(), label.clone(), "calendar.changed")
                .role(&actor_role)
                .target(format!(
                    "{day} {}→{}",
                    previous.as_ref().map_or("rule", |r| r.status.as_str()),
                    match &change {
                        DayChange::Close { .. } => "closed",
                        DayChange::Open { .. } => "open",
                        DayChange::Reset { .. } => "rule",
                    }
                ));
            audit::append(conn, &audit_row)?;
            let moved = recompute(
                conn,
                &profile,
                (&old_calendar, &new_calendar),
                &before_decision,
                day,
                today,
                now,
                (&label, &actor_role),
            )?;
            tell_assignees(conn, &master, &from, &moved, now)?;
            Ok(moved)
        })
        .await?;
    desk.cache.fresh(db).await?;
    Ok(moved)
}

#[allow(clippy::too_many_arguments)]
fn recompute(
    conn: &mut DbConnection,
    profile: &OperatorProfile,
    (old_calendar, new_calendar): (&BusinessCalendar, &BusinessCalendar),
    states: &[&str],
    day: NaiveDate,
    today: NaiveDate,
    now: DateTime<Utc>,
    (label, role): (&str, &str),
) -> Result<Vec<MovedDeadline>, DbError> {
    // A stored deadline on an office day before `day` can still depend on it (the last office
    // day before a closed last day), so the search starts at the office day before `day` under
    // either calendar.
    let day_before = day.pred_opt().unwrap_or(day);
    let from = old_calendar
        .prev_office_day_on_or_before(day_before)
        .min(new_calendar.prev_office_day_on_or_before(day_before));
    let candidates = cases::deadline_candidates(conn, states, from)?;
    let ids: Vec<String> = candidates.iter().map(|c| c.id.clone()).collect();
    let mut pauses: BTreeMap<String, Vec<cases::PauseRow>> = BTreeMap::new();
    for row in cases::pauses_of_cases(conn, &ids)? {
        pauses.entry(row.case_id.clone()).or_default().push(row);
    }
    let mut moved = Vec::new();
    for row in candidates {
        let Ok(mut facts) = parse_facts(&row) else {
            tracing::warn!(case_id = %row.id, "unreadable facts; deadline not recomputed");
            continue;
        };
        let episodes = deadlines::pauses_of(pauses.get(&row.id).map_or(&[][..], Vec::as_slice));
        if episodes.iter().any(|p| p.until.is_none()) {
            // A stopped clock has no deadline yet: restarting it recomputes the deadline with
            // the calendar in force then.
            continue;
        }
        let deadline_by = |calendar| {
            deadlines::of_case(profile, calendar, &row, &facts, &episodes, today)
                .map(|(d, _)| (d.due_office_day, d.unextended_last_day))
        };
        let (Some(old), Some(new)) = (deadline_by(old_calendar), deadline_by(new_calendar)) else {
            continue;
        };
        if old == new {
            continue;
        }
        facts.unextended_deadline = Some(new.1);
        let mut updated = row.clone();
        updated.due_on = Some(new.0);
        let Ok(json) = facts_json(&facts) else {
            tracing::warn!(case_id = %row.id, "facts not serialisable; deadline not recomputed");
            continue;
        };
        updated.facts = json;
        updated.updated_at = now.naive_utc();
        cases::update(conn, &updated)?;
        if old.0 == new.0 {
            // Only the unextended deadline (kept for an extension's limit) moved: stored, but
            // the case's deadline is the same, so nobody needs telling.
            continue;
        }
        let event = AuditEvent::new(now.naive_utc(), label, "case.deadline_moved")
            .role(role)
            .case(row.id.clone())
            .target(format!(
                "{}→{}",
                row.due_on.map_or("-".into(), |d| d.to_string()),
                new.0
            ));
        audit::append(conn, &event)?;
        moved.push(MovedDeadline {
            case_id: row.id.clone(),
            receipt_number: row.receipt_number.clone().unwrap_or_default(),
            from: row.due_on,
            to: new.0,
        });
    }
    Ok(moved)
}

/// One mail per person: the assignee for their cases, every approver for unassigned ones.
fn tell_assignees(
    conn: &mut DbConnection,
    master: &MasterKey,
    from: &Mailbox,
    moved: &[MovedDeadline],
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    if moved.is_empty() {
        return Ok(());
    }
    let people = staff::active(conn)?;
    let approvers: Vec<&str> = people
        .iter()
        .filter(|s| s.known_role() == Some(Role::Approver))
        .map(|s| s.email.as_str())
        .collect();
    let mut lines: BTreeMap<String, Vec<notices::MovedDeadlineLine>> = BTreeMap::new();
    let ids: Vec<String> = moved.iter().map(|m| m.case_id.clone()).collect();
    let assignees = cases::assignees_of(conn, &ids)?;
    for m in moved {
        let line = notices::MovedDeadlineLine {
            number: m.receipt_number.clone(),
            from: m.from,
            to: m.to,
        };
        let assignee = assignees
            .iter()
            .find(|(id, _)| *id == m.case_id)
            .and_then(|(_, who)| who.as_ref())
            .and_then(|who| people.iter().find(|s| &s.id == who));
        match assignee {
            Some(person) => lines.entry(person.email.clone()).or_default().push(line),
            None => {
                for email in &approvers {
                    lines
                        .entry((*email).to_string())
                        .or_default()
                        .push(line.clone());
                }
            }
        }
    }
    for (to, list) in lines {
        let notice = notices::deadlines_moved(&list);
        let mail = OutgoingMail {
            to,
            subject: notice.subject,
            text: notice.body,
            html: None,
        };
        // A staff address that no longer parses must not undo the calendar change; the moves
        // are in the audit log and on the dashboard either way.
        match mail::prepare(master, from, &mail, "staff.deadline_moved", None, now) {
            Ok(prepared) => outbox::enqueue(conn, &prepared)?,
            Err(_) => tracing::warn!("deadline-moved notice not queued: bad staff address"),
        }
    }
    Ok(())
}
