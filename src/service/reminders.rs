//! The reminder and escalation sweep, run by every instance. Which reminders are due is the
//! domain's answer; sending one means claiming its key, queueing its mail and writing its audit
//! record in one transaction, so a crash sends nothing or everything, and two instances sweeping
//! at once send each reminder once (the second insert of a key inserts nothing).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use lettre::message::Mailbox;

use crate::db::audit::{self, AuditEvent};
use crate::db::reminders::{self, SweepRow};
use crate::db::{Db, DbError, outbox, staff};
use crate::domain::deadline::jst_date;
use crate::domain::reminders::{
    ClockView, ReminderKind, ReminderPolicy, automatic_dismissal_on, due,
};
use crate::domain::role::Role;
use crate::domain::state::CaseState;
use crate::i18n::Lang;
use crate::mail::{self, OutgoingMail};
use crate::service::caches::CalendarCache;
use crate::service::caches::ProfileCache;
use crate::service::case_record::contact_of;
use crate::service::dismissals::{Dismissal, dismiss_lapsed};
use crate::service::lifecycle::Desk;
use crate::service::notices;
use crate::storage::crypto::MasterKey;

/// Reminders claimed per transaction: bounds a transaction's size on a first sweep over a large,
/// long-neglected database.
const BATCH: usize = 500;
/// The requester is reminded this many office days before a 補正 answer is due.
const REPLY_REMINDER_DAYS: u32 = 3;
/// An unpaid fee is recalled after this many office days.
const PAYMENT_REMINDER_DAYS: u32 = 10;

pub struct Sweeper {
    pub db: Db,
    pub calendars: Arc<CalendarCache>,
    /// For the operator's automatic dismissal of unanswered 補正 requests.
    pub profiles: Arc<ProfileCache>,
    pub master: Arc<MasterKey>,
    pub from: Mailbox,
    pub public_url: String,
    pub deadline_days: Vec<u32>,
    pub instance: String,
    /// Where the sweep's duration is reported for monitoring.
    pub metrics: Arc<crate::service::metrics::Metrics>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub cases_considered: usize,
    pub reminders_sent: usize,
    /// Requests dismissed without staff, as the operator configured.
    pub dismissed: usize,
}

struct Pending {
    case: SweepRow,
    kind: ReminderKind,
    key: String,
    /// The requester's address, for reminders to them (opened before the transaction).
    requester: Option<String>,
    /// When an unanswered 補正 will be dismissed without staff (told to the assignee).
    dismiss_on: Option<chrono::NaiveDate>,
}

impl Sweeper {
    pub async fn sweep(&self, now: DateTime<Utc>) -> Result<Swept, DbError> {
        let today = jst_date(now);
        let calendar = self.calendars.fresh(&self.db).await?;
        let profile = self.profiles.fresh(&self.db).await?;
        let policy = ReminderPolicy {
            deadline_days: &self.deadline_days,
            reply_days: REPLY_REMINDER_DAYS,
            payment_days: PAYMENT_REMINDER_DAYS,
        };
        let horizon =
            calendar.add_office_days(today, self.deadline_days.iter().copied().max().unwrap_or(0));
        let waiting = [CaseState::AwaitingRequester, CaseState::AwaitingPayment];
        let running: Vec<&'static str> = CaseState::ALL
            .iter()
            .filter(|s| s.awaits_decision())
            .filter(|s| !waiting.contains(s))
            .map(|s| s.as_str())
            .collect();
        let waiting = waiting.map(CaseState::as_str);
        let (rows, pauses, paid_asked) = self
            .db
            .read(move |conn| {
                let rows = reminders::sweep_candidates(conn, &running, &waiting, today, horizon)?;
                let unpaid: Vec<String> = rows
                    .iter()
                    .filter(|r| r.state == CaseState::AwaitingPayment)
                    .map(|r| r.id.clone())
                    .collect();
                Ok((
                    rows,
                    reminders::open_pauses(conn)?,
                    reminders::entered(conn, &unpaid, CaseState::AwaitingPayment)?,
                ))
            })
            .await?;
        let stopped: HashSet<&str> = pauses.iter().map(|(id, _, _)| id.as_str()).collect();
        let reply_by: HashMap<&str, chrono::NaiveDate> = pauses
            .iter()
            .filter(|(_, reason, _)| reason == "correction")
            .filter_map(|(id, _, by)| Some((id.as_str(), (*by)?)))
            .collect();
        let asked: HashMap<&str, chrono::NaiveDate> = paid_asked
            .iter()
            .map(|(id, at)| (id.as_str(), jst_date(at.and_utc())))
            .collect();
        let mut pending = Vec::new();
        let mut to_dismiss = Vec::new();
        for row in &rows {
            let view = ClockView {
                case_id: row.id.clone(),
                due_on: row.due_on,
                clock_stopped: stopped.contains(row.id.as_str()),
                reply_by: (row.state == CaseState::AwaitingRequester)
                    .then(|| reply_by.get(row.id.as_str()).copied())
                    .flatten(),
                payment_asked_on: asked.get(row.id.as_str()).copied(),
            };
            let dismiss_on = view.reply_by.and_then(|reply_by| {
                automatic_dismissal_on(reply_by, profile.auto_dismiss_office_days, &calendar)
            });
            if let (Some(on), Some(reply_by)) = (dismiss_on, view.reply_by)
                && on <= today
            {
                to_dismiss.push((row.id.clone(), reply_by));
            }
            for kind in due(&view, today, &calendar, &policy) {
                pending.push(Pending {
                    key: kind.key(&row.id),
                    case: row.clone(),
                    kind,
                    requester: None,
                    dismiss_on,
                });
            }
        }
        // No reminder from this sweep's view for a case dismissed now or changed meanwhile; one
        // that could not be read is left to staff, so its reminders go out.
        let mut dismissed = HashSet::new();
        let mut settled = HashSet::new();
        if !to_dismiss.is_empty() {
            let desk = Desk {
                master: &self.master,
                from: &self.from,
                public_url: &self.public_url,
                profile: profile.clone(),
                calendar: calendar.clone(),
            };
            for (case_id, reply_by) in &to_dismiss {
                let done = dismiss_lapsed(&self.db, &desk, (case_id, *reply_by), now).await?;
                if done == Dismissal::Dismissed {
                    dismissed.insert(case_id.as_str());
                }
                if done != Dismissal::Unreadable {
                    settled.insert(case_id.as_str());
                }
            }
            pending.retain(|p| !settled.contains(p.case.id.as_str()));
        }
        // One range read of what was claimed about these days, rather than a probe per key:
        // at a million cases the probes alone took seconds on PostgreSQL.
        if let Some(earliest) = pending.iter().map(|p| p.kind.about_on()).min() {
            let sent: HashSet<String> = self
                .db
                .read(move |conn| reminders::claimed_about_since(conn, earliest))
                .await?
                .into_iter()
                .collect();
            pending.retain(|p| !sent.contains(&p.key));
        }
        for p in pending.iter_mut().filter(|p| p.kind.to_requester()) {
            // A paper request may have no address; its reminders go by post, outside this sweep.
            p.requester = contact_of(&self.db, &self.master, &p.case.id)
                .await
                .ok()
                .filter(|to| !to.trim().is_empty());
        }
        let mut swept = Swept {
            cases_considered: rows.len(),
            reminders_sent: 0,
            dismissed: dismissed.len(),
        };
        while !pending.is_empty() {
            let batch: Vec<Pending> = pending.drain(..pending.len().min(BATCH)).collect();
            swept.reminders_sent += self.send(batch, now).await?;
        }
        Ok(swept)
    }

    /// Claims and sends one batch in one transaction; returns how many this instance sent.
    async fn send(&self, batch: Vec<Pending>, now: DateTime<Utc>) -> Result<usize, DbError> {
        let master = self.master.clone();
        let from = self.from.clone();
        let instance = self.instance.clone();
        let public_url = self.public_url.trim_end_matches('/').to_string();
        self.db
            .write(move |conn| {
                let people = staff::active(conn)?;
                let approvers: Vec<&str> = people
                    .iter()
                    .filter(|s| s.known_role() == Some(Role::Approver))
                    .map(|s| s.email.as_str())
                    .collect();
                let mut digests: BTreeMap<String, Vec<notices::StaffReminder>> = BTreeMap::new();
                let mut sent = 0;
                for p in &batch {
                    let kind = p.kind.as_str();
                    if !reminders::claim(
                        conn,
                        &p.key,
                        &p.case.id,
                        kind,
                        p.kind.about_on(),
                        now.naive_utc(),
                        &instance,
                    )? {
                        continue;
                    }
                    sent += 1;
                    let event = AuditEvent::new(now.naive_utc(), "system", "reminder.sent")
                        .case(p.case.id.clone())
                        .target(kind);
                    audit::append(conn, &event)?;
                    let number = p.case.receipt_number.clone().unwrap_or_default();
                    if p.kind.to_requester() {
                        if let Some(to) = p.requester.clone() {
                            let notice = requester_notice(&p.case, p.kind, &number);
                            let mail = OutgoingMail {
                                to,
                                subject: notice.subject,
                                text: notice.body,
                                html: None,
                            };
                            queue(conn, &master, &from, &mail, kind, Some(&p.case.id), now)?;
                        }
                        continue;
                    }
                    let line = notices::StaffReminder {
                        number,
                        kind: p.kind,
                        dismiss_on: p.dismiss_on,
                        link: format!("{public_url}/staff/cases/{}", p.case.id),
                    };
                    let assignee = p
                        .case
                        .assignee_id
                        .as_ref()
                        .and_then(|id| people.iter().find(|s| &s.id == id))
                        .map(|s| s.email.as_str());
                    let mut to: Vec<&str> = match (p.kind, assignee) {
                        (ReminderKind::Overdue { .. }, Some(a)) => {
                            approvers.iter().copied().chain([a]).collect()
                        }
                        (_, Some(a)) => vec![a],
                        (_, None) => approvers.clone(),
                    };
                    to.sort_unstable();
                    to.dedup();
                    for email in to {
                        digests
                            .entry(email.to_string())
                            .or_default()
                            .push(line.clone());
                    }
                }
                for (to, lines) in digests {
                    let notice = notices::staff_reminders(&lines);
                    let mail = OutgoingMail {
                        to,
                        subject: notice.subject,
                        text: notice.body,
                        html: None,
                    };
                    queue(conn, &master, &from, &mail, "staff.reminder", None, now)?;
                }
                Ok(sent)
            })
            .await
    }

    /// Sweeps every `every` until the process ends. Errors are logged and retried next time.
    pub fn spawn(self, every: Duration) {
        tokio::spawn(async move {
            loop {
                let started = std::time::Instant::now();
                let swept = self.sweep(Utc::now()).await;
                self.metrics.observe_sweep(started.elapsed());
                match swept {
                    Ok(s) if s.reminders_sent > 0 || s.dismissed > 0 => {
                        tracing::info!(
                            sent = s.reminders_sent,
                            dismissed = s.dismissed,
                            "reminders sent"
                        );
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "reminder sweep failed; will retry"),
                }
                tokio::time::sleep(every).await;
            }
        });
    }
}

fn queue(
    conn: &mut crate::db::DbConnection,
    master: &MasterKey,
    from: &Mailbox,
    mail: &OutgoingMail,
    purpose: &str,
    case_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    // An address that no longer parses must not block every other reminder; the claim and the
    // audit record stay, so the sweep does not retry it forever.
    match mail::prepare(master, from, mail, purpose, case_id, now) {
        Ok(prepared) => outbox::enqueue(conn, &prepared),
        Err(_) => {
            tracing::warn!(purpose, "reminder not queued: the address does not parse");
            Ok(())
        }
    }
}

fn requester_notice(case: &SweepRow, kind: ReminderKind, number: &str) -> notices::Notice {
    let lang = Lang::from_code(&case.lang).unwrap_or_default();
    match kind {
        ReminderKind::Reply { reply_by } => notices::case_update(
            lang,
            number,
            (
                "補正の回答期限が近づいています",
                "Your answer to our request is due soon",
            ),
            &lang
                .pick(
                    "回答期限: {date}。案件のページから回答してください。",
                    "Please answer on your case page by {date}.",
                )
                .replace("{date}", &reply_by.to_string()),
        ),
        _ => notices::case_update(
            lang,
            number,
            (
                "手数料のお支払いをお待ちしています",
                "We are waiting for the fee",
            ),
            lang.pick(
                "お支払い方法は案件のページをご覧ください。お支払いを確認してから手続を進めます。",
                "See your case page for how to pay. We continue once the payment arrives.",
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_assignee_learns_whether_a_lapsed_reply_is_dismissed_automatically() {
        let reply_by = chrono::NaiveDate::from_ymd_opt(2026, 12, 28).unwrap();
        let lapsed = |dismiss_on| {
            notices::staff_reminders(&[notices::StaffReminder {
                number: "2026-000001".into(),
                kind: ReminderKind::ReplyLapsed { reply_by },
                dismiss_on,
                link: "https://x.example/staff/cases/c".into(),
            }])
            .body
        };
        let by_staff = lapsed(None);
        assert!(
            by_staff.contains("却下するか確認してください"),
            "{by_staff}"
        );
        let on = chrono::NaiveDate::from_ymd_opt(2027, 1, 8).unwrap();
        let automatic = lapsed(Some(on));
        assert!(
            automatic.contains("2027-01-08 に自動で却下します"),
            "{automatic}"
        );
    }
}
