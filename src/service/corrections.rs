//! 補正: the help desk asks the requester to correct or complete the request by a date (the
//! clock stops), and the requester's answer restarts it. Both go through the lifecycle, which
//! records the pause episode, the message and the notice in one transaction.

use chrono::{DateTime, NaiveDate, Utc};

use crate::db::Db;
use crate::db::cases::CaseRow;
use crate::domain::event::{Actor, Event};
use crate::domain::message::MessageDirection;
use crate::i18n::Lang;
use crate::service::case_record::{RecordError, contact_of, requester_audit};
use crate::service::lifecycle::{self, ApplyError, Desk, Firing, NewMessage, NoticeTo};
use crate::service::notices;

fn contact_error(e: RecordError) -> ApplyError {
    match e {
        RecordError::Db(db) => ApplyError::Db(db),
        other => ApplyError::Corrupt(other.to_string()),
    }
}

/// What a 補正 asks for, and by when.
pub struct Ask {
    pub reply_by: NaiveDate,
    pub what: String,
}

/// Staff ask for a correction: `what` tells the requester what to fix (they read it on the case
/// page; the e-mail only says that there is something to answer, and by when).
pub async fn request(
    db: &Db,
    desk: &Desk<'_>,
    row: CaseRow,
    (staff, staff_label): (Actor, String),
    ask: Ask,
    now: DateTime<Utc>,
) -> Result<CaseRow, ApplyError> {
    let Ask { reply_by, what } = ask;
    let lang = Lang::from_code(&row.lang).unwrap_or_default();
    let number = row.receipt_number.clone().unwrap_or_default();
    let to = contact_of(db, desk.master, &row.id)
        .await
        .map_err(contact_error)?;
    let firing = Firing {
        event: Event::RequestCorrection {
            reply_by,
            reason: what.clone(),
        },
        actor: staff,
        actor_label: staff_label.clone(),
        notice: Some(NoticeTo {
            to,
            notice: notices::correction_requested(lang, &number, reply_by),
            purpose: "correction_requested",
        }),
        message: Some(NewMessage {
            direction: MessageDirection::ToRequester,
            author: staff_label,
            body: what,
        }),
        letter: None,
        also: None,
    };
    Ok(lifecycle::apply(db, desk, row, firing, now).await?.0)
}

/// The requester answers; the clock restarts from the day the answer arrived.
pub async fn answer(
    db: &Db,
    desk: &Desk<'_>,
    row: CaseRow,
    body: String,
    now: DateTime<Utc>,
) -> Result<CaseRow, ApplyError> {
    let firing = Firing {
        event: Event::RequesterAnswered,
        actor: Actor::Requester,
        actor_label: "requester".into(),
        notice: None,
        message: Some(NewMessage {
            direction: MessageDirection::FromRequester,
            author: "requester".into(),
            body,
        }),
        letter: None,
        also: Some(Box::new(move |conn, saved| {
            crate::db::audit::append(
                conn,
                &requester_audit(now, "correction.answered", &saved.id),
            )
        })),
    };
    Ok(lifecycle::apply(db, desk, row, firing, now).await?.0)
}
