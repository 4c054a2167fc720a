//! Dismissal without staff of a request whose 補正 went unanswered, where the operator configured
//! it (`auto_dismiss_office_days`). The sweep decides which cases are due; this fires the
//! lifecycle's own `Dismiss` as the system, so the state, the clock, the requester's notice and
//! message and the audit record change in one transaction, exactly as when staff dismiss.

use chrono::{DateTime, NaiveDate, Utc};

use crate::db::audit::{self, AuditEvent};
use crate::db::{Db, DbError, cases};
use crate::domain::event::{Actor, Event};
use crate::domain::message::MessageDirection;
use crate::i18n::Lang;
use crate::service::case_record::contact_of;
use crate::service::lifecycle::{
    self, ApplyError, Desk, Firing, LetterToIssue, NewMessage, NoticeTo,
};
use crate::service::notices;

/// What happened to one case the sweep found due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dismissal {
    Dismissed,
    /// Answered, withdrawn or dismissed meanwhile (by staff or another instance): nothing done.
    NoLongerDue,
    /// The requester's contact or the case's data could not be read: left to staff, who still
    /// get the lapsed-reply reminder.
    Unreadable,
}

/// The reason the requester reads on their page and in the mail, in their language.
pub fn reason(lang: Lang, reply_by: NaiveDate) -> String {
    lang.pick(
        "補正の求めに対し、回答期限（{date}）までにご回答がありませんでしたので、ご請求を却下しました。改めて請求していただくことができます。",
        "We asked you to complete your request and received no answer by {date}, so the request has been dismissed. You may make a new request.",
    )
    .replace("{date}", &reply_by.to_string())
}

/// Dismisses `case_id` as the system. The lifecycle refuses unless the case still waits for a
/// 補正 answer whose date has passed, so a late sweep or a second instance changes nothing.
pub async fn dismiss_lapsed(
    db: &Db,
    desk: &Desk<'_>,
    (case_id, reply_by): (&str, NaiveDate),
    now: DateTime<Utc>,
) -> Result<Dismissal, DbError> {
    let id = case_id.to_string();
    let Some(row) = db.read(move |conn| cases::find(conn, &id)).await? else {
        return Ok(Dismissal::NoLongerDue);
    };
    // A paper request may have no address: its notice goes by post (the message stays on file).
    let Ok(to) = contact_of(db, desk.master, &row.id).await else {
        tracing::warn!(case_id = %row.id, "automatic dismissal skipped: contact unreadable");
        return Ok(Dismissal::Unreadable);
    };
    let lang = Lang::from_code(&row.lang).unwrap_or_default();
    let why = reason(lang, reply_by);
    let number = row.receipt_number.clone().unwrap_or_default();
    let notice = NoticeTo {
        to,
        notice: notices::case_update(
            lang,
            &number,
            ("ご請求を却下しました。", "Your request has been dismissed."),
            &why,
        ),
        purpose: "dismissed",
    };
    let audit_row = AuditEvent::new(now.naive_utc(), "system", "case.dismissed")
        .case(row.id.clone())
        .target("automatic");
    let issuer =
        crate::service::letters::Issuer::new(desk.master, desk.profile.clone(), "system".into());
    let stage = crate::service::letters::dismissal_stage(
        desk.profile.regime.rules().appeal_instruction,
        &why,
    );
    let firing = Firing {
        event: Event::Dismiss {
            reason: why.clone(),
        },
        actor: Actor::System,
        actor_label: "system".into(),
        notice: Some(notice),
        message: Some(NewMessage {
            direction: MessageDirection::ToRequester,
            author: "system".into(),
            body: why,
        }),
        letter: Some(LetterToIssue {
            issuer,
            stage: Box::new(move |_| stage.clone()),
        }),
        also: Some(Box::new(move |conn, _| audit::append(conn, &audit_row))),
    };
    match lifecycle::apply(db, desk, row, firing, now).await {
        Ok(_) => Ok(Dismissal::Dismissed),
        Err(ApplyError::Refused(_) | ApplyError::Db(DbError::Conflict(_))) => {
            Ok(Dismissal::NoLongerDue)
        }
        Err(ApplyError::Db(e)) => Err(e),
        // One unreadable case must not stop every sweep's reminders: left to staff.
        Err(ApplyError::Corrupt(_)) => {
            tracing::warn!(case_id, "automatic dismissal skipped: case data unreadable");
            Ok(Dismissal::Unreadable)
        }
    }
}
