//! Applying a lifecycle event to a stored case: the domain decides, this persists the new state,
//! the timeline entry and the notice it causes, in one transaction with optimistic concurrency.

use chrono::{DateTime, Utc};

use crate::db::cases::{self, CaseRow};
use crate::db::messages::{self, MessageRow};
use crate::db::outbox;
use crate::db::{Db, DbError};
use crate::domain::deadline::jst_date;
use crate::domain::event::{Actor, Event};
use crate::domain::lifecycle::{self, Transition};
use crate::domain::refusal::Refusal;
use crate::mail::{self, OutgoingMail};
use crate::service::intake::submit::{append_event, facts_json, parse_facts};
use crate::service::notices::Notice;
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

pub struct Mailer<'a> {
    pub master: &'a MasterKey,
    pub from: &'a Mailbox,
}

/// One event to fire: who fires it, and the notice that goes with it.
pub struct Firing {
    pub event: Event,
    pub actor: Actor,
    /// How the actor appears on the timeline (`requester`, `staff:<id>`, `system`).
    pub actor_label: String,
    pub notice: Option<NoticeTo>,
    /// A message recorded with the event (e.g. what a 補正 asks for, or the requester's answer).
    pub message: Option<NewMessage>,
}

pub struct NewMessage {
    /// `to_requester`, `from_requester` or `internal`.
    pub direction: &'static str,
    pub author: String,
    pub body: String,
}

/// Fires the event on `row`; returns the updated row and the transition.
pub async fn apply(
    db: &Db,
    mailer: &Mailer<'_>,
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
    } = firing;
    let facts = parse_facts(&row).map_err(|e| ApplyError::Corrupt(e.to_string()))?;
    let transition = lifecycle::apply(&facts, &event, &actor, now).map_err(ApplyError::Refused)?;
    let mut updated = row.clone();
    updated.state = transition.to.as_str().to_string();
    updated.facts =
        facts_json(&transition.facts).map_err(|e| ApplyError::Corrupt(e.to_string()))?;
    updated.updated_at = now.naive_utc();
    let outgoing = match notice {
        Some(NoticeTo {
            to,
            notice,
            purpose,
        }) => {
            let mail = OutgoingMail {
                to,
                subject: notice.subject,
                text: notice.body,
                html: None,
            };
            Some(
                mail::prepare(
                    mailer.master,
                    mailer.from,
                    &mail,
                    purpose,
                    Some(&row.id),
                    now,
                )
                .map_err(|e| ApplyError::Corrupt(e.to_string()))?,
            )
        }
        None => None,
    };
    let (from_state, to_state, label) = (
        transition.from.as_str(),
        transition.to.as_str(),
        actor_label.to_string(),
    );
    let event_name = transition.event.as_str();
    let (clock, reply_by) = (transition.clock, transition.facts.correction_reply_by);
    let sealed_message = match message {
        Some(m) => Some(seal_message(mailer.master, m, now)?),
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
            // Every stop and restart of the clock is recorded as an episode (domain.md §4.3(2)).
            let today = jst_date(now);
            if clock.pause_ends.is_some() {
                cases::close_pause(conn, &saved.id, today)?;
            }
            if let Some(reason) = clock.pause_begins {
                cases::open_pause(conn, &saved.id, reason.as_str(), today, reply_by)?;
            }
            if let Some(sealed) = sealed_message {
                messages::insert(
                    conn,
                    &MessageRow {
                        case_id: saved.id.clone(),
                        ..sealed
                    },
                )?;
            }
            if let Some(outgoing) = outgoing {
                outbox::enqueue(conn, &outgoing)?;
            }
            Ok(saved)
        })
        .await?;
    tracing::info!(case_id = %saved.id, event = event_name, from = from_state, to = to_state, "case transition");
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
        direction: message.direction.to_string(),
        author: message.author,
        sealed_body,
    })
}
