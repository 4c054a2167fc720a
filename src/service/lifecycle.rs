//! Applying a lifecycle event to a stored case: the domain decides, this persists the new state,
//! the timeline entry and the notice it causes, in one transaction with optimistic concurrency.

use chrono::{DateTime, Utc};

use crate::db::cases::{self, CaseRow};
use crate::db::messages::{self, MessageRow};
use crate::db::outbox;
use crate::db::{Db, DbConnection, DbError};
use crate::domain::calendar::BusinessCalendar;
use crate::domain::deadline::Pause;
use crate::domain::deadline::jst_date;
use crate::domain::event::{Actor, Event};
use crate::domain::lifecycle::{self, Transition};
use crate::domain::message::MessageDirection;
use crate::domain::profile::OperatorProfile;
use crate::domain::refusal::Refusal;
use crate::i18n::Lang;
use crate::mail::{self, OutgoingMail};
use crate::service::case_record::{append_event, facts_json, parse_facts};
use crate::service::deadlines;
use crate::service::letters::{self, Issuer, Stage};
use crate::service::notices::{self, Notice};
use crate::storage::crypto::MasterKey;
use lettre::message::Mailbox;

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The domain refused: the message says why, in both languages.
    #[error("refused: {}", .0.code())]
    Refused(Refusal),
    #[error("the case data is unreadable: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A notice to send with the transition.
pub struct NoticeTo {
    pub to: String,
    pub notice: Notice,
    pub purpose: &'static str,
}

/// What applying an event needs besides the database: keys and sender for the notice, and the
/// rules that recompute the deadline.
pub struct Desk<'a> {
    pub master: &'a MasterKey,
    pub from: &'a Mailbox,
    /// Where people reach the service (`MADOGUCHI_PUBLIC_URL`): a mail that names a letter links
    /// to it.
    pub public_url: &'a str,
    pub profile: std::sync::Arc<OperatorProfile>,
    pub calendar: std::sync::Arc<BusinessCalendar>,
}

/// Further rows written in the event's transaction (a ledger entry, a decision, an audit record).
pub type AlsoWrite = Box<dyn FnMut(&mut DbConnection, &CaseRow) -> Result<(), DbError> + Send>;

/// One event to fire: who fires it, and the notice that goes with it.
pub struct Firing {
    pub event: Event,
    pub actor: Actor,
    /// How the actor appears on the timeline (`requester`, `staff:<id>`, `system`).
    pub actor_label: String,
    pub notice: Option<NoticeTo>,
    /// A message recorded with the event (e.g. what a 補正 asks for, or the requester's answer).
    pub message: Option<NewMessage>,
    /// The official letter the step issues (docs/notices.md §5); the notice's mail then names it
    /// and links to it.
    pub letter: Option<LetterToIssue>,
    pub also: Option<AlsoWrite>,
}

/// A letter issued in the step's transaction, worded from the case as the step left it.
pub struct LetterToIssue {
    pub issuer: Issuer,
    pub stage: Box<dyn Fn(&CaseRow) -> Stage + Send>,
}

pub struct NewMessage {
    pub direction: MessageDirection,
    pub author: String,
    pub body: String,
}

/// Fires the event on `row`; returns the updated row and the transition.
pub async fn apply(
    db: &Db,
    desk: &Desk<'_>,
    row: CaseRow,
    firing: Firing,
    now: DateTime<Utc>,
) -> Result<(CaseRow, Transition), ApplyError> {
    let Firing {
        event,
        actor,
        actor_label,
        notice,
        message,
        letter,
        mut also,
    } = firing;
    let facts = parse_facts(&row).map_err(|e| ApplyError::Corrupt(e.to_string()))?;
    let transition = lifecycle::apply(&facts, &event, &actor, now).map_err(ApplyError::Refused)?;
    let mut updated = row.clone();
    updated.state = transition.to;
    let mut after = transition.facts.clone();
    let today = jst_date(now);
    let case_id = row.id.clone();
    let mut pauses =
        deadlines::pauses_of(&db.read(move |conn| cases::pauses(conn, &case_id)).await?);
    if transition.clock.pause_ends.is_some()
        && let Some(open) = pauses.iter_mut().rev().find(|p| p.until.is_none())
    {
        open.until = Some(today);
    }
    if let Some(reason) = transition.clock.pause_begins {
        pauses.push(Pause {
            from: today,
            until: None,
            reason,
        });
    }
    let deadline = deadlines::of_case(
        &desk.profile,
        &desk.calendar,
        &updated,
        &after,
        &pauses,
        today,
    );
    if let Some((deadline, _)) = &deadline {
        after.unextended_deadline = Some(deadline.unextended_last_day);
    }
    updated.due_on = deadline
        .filter(|_| transition.to.is_before_decision())
        .map(|(d, _)| d.due_office_day);
    updated.facts = facts_json(&after).map_err(|e| ApplyError::Corrupt(e.to_string()))?;
    updated.updated_at = now.naive_utc();
    // A request made on paper may have no e-mail address: its notices go by post instead.
    let notice = notice.filter(|n| !n.to.trim().is_empty());
    if let Some(n) = &notice {
        mail::parse_mailbox(&n.to).map_err(|e| ApplyError::Corrupt(e.to_string()))?;
    }
    let lang = Lang::from_code(&row.lang).unwrap_or_default();
    let (master, from) = (desk.master.clone_key(), desk.from.clone());
    let public_url = desk.public_url.trim_end_matches('/').to_string();
    let (from_state, to_state, label) = (transition.from, transition.to, actor_label.to_string());
    let event_name = transition.event.as_str();
    let (clock, reply_by) = (transition.clock, transition.facts.correction_reply_by);
    let sealed_message = match message {
        Some(m) => Some(seal_message(desk.master, m, now)?),
        None => None,
    };
    let saved = db
        .write(move |conn| {
            let saved = cases::update(conn, &updated)?;
            append_event(
                conn,
                &saved.id,
                now,
                &label,
                event_name,
                Some(from_state),
                to_state,
            )?;
            // Every stop and restart of the clock is recorded as an episode (docs/deadlines.md §3).
            if clock.pause_ends.is_some() {
                cases::close_pause(conn, &saved.id, today)?;
            }
            if let Some(reason) = clock.pause_begins {
                cases::open_pause(conn, &saved.id, reason.as_str(), today, reply_by)?;
            }
            if let Some(sealed) = &sealed_message {
                messages::insert(
                    conn,
                    &MessageRow {
                        case_id: saved.id.clone(),
                        ..sealed.clone()
                    },
                )?;
            }
            let issued = match &letter {
                Some(l) => Some(letters::issue(
                    conn,
                    &l.issuer,
                    &saved,
                    &(l.stage)(&saved),
                    now,
                )?),
                None => None,
            };
            if let Some(n) = &notice {
                let mut text = n.notice.body.clone();
                if let Some(issued) = &issued {
                    let link = letters::private_link(conn, &saved.id, &public_url, issued, now)?;
                    text.push_str(&notices::letter_issued(lang, issued, &link));
                }
                let mail = OutgoingMail {
                    to: n.to.clone(),
                    subject: n.notice.subject.clone(),
                    text,
                    html: None,
                };
                let outgoing =
                    mail::prepare(&master, &from, &mail, n.purpose, Some(&saved.id), now)
                        .map_err(|e| DbError::Unavailable(format!("notice not sealed: {e}")))?;
                outbox::enqueue(conn, &outgoing)?;
            }
            if let Some(also) = also.as_mut() {
                also(conn, &saved)?;
            }
            Ok(saved)
        })
        .await?;
    tracing::info!(case_id = %saved.id, event = event_name, from = from_state.as_str(), to = to_state.as_str(), "case transition");
    Ok((saved, transition))
}

fn seal_message(
    master: &MasterKey,
    message: NewMessage,
    now: DateTime<Utc>,
) -> Result<MessageRow, ApplyError> {
    let id = uuid::Uuid::now_v7().to_string();
    let sealed_body = master
        .seal_value(&format!("message:{id}"), message.body.as_bytes())
        .map_err(|e| ApplyError::Corrupt(e.to_string()))?;
    Ok(MessageRow {
        id,
        case_id: String::new(),
        at: now.naive_utc(),
        direction: message.direction,
        author: message.author,
        sealed_body,
    })
}
