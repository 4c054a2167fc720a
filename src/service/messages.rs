//! Messages from the requester to the help desk.

use chrono::{DateTime, Utc};

use crate::db::messages::{self, MessageRow};
use crate::db::{Db, DbError};
use crate::service::case_record::append_event;
use crate::storage::crypto::MasterKey;

pub const MAX_CHARS: usize = 2000;

#[derive(Debug, thiserror::Error)]
pub enum MessageError {
    #[error("empty message")]
    Empty,
    #[error("message too long")]
    TooLong,
    #[error("sealing failed: {0}")]
    Seal(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A message as shown: who wrote it, when, and what it says.
pub struct Shown {
    pub id: String,
    pub at: chrono::NaiveDateTime,
    pub from_requester: bool,
    /// `to_requester`, `from_requester` or `internal`.
    pub direction: String,
    pub author: String,
    pub body: String,
}

pub async fn from_requester(
    db: &Db,
    master: &MasterKey,
    case_id: &str,
    case_state: crate::domain::state::CaseState,
    body: &str,
    now: DateTime<Utc>,
) -> Result<(), MessageError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(MessageError::Empty);
    }
    if body.chars().count() > MAX_CHARS {
        return Err(MessageError::TooLong);
    }
    let id = uuid::Uuid::now_v7().to_string();
    let sealed_body = master
        .seal_value(&format!("message:{id}"), body.as_bytes())
        .map_err(|e| MessageError::Seal(e.to_string()))?;
    let row = MessageRow {
        id,
        case_id: case_id.to_string(),
        at: now.naive_utc(),
        direction: "from_requester".into(),
        author: "requester".into(),
        sealed_body,
    };
    let state = case_state;
    db.write(move |conn| {
        messages::insert(conn, &row)?;
        append_event(
            conn,
            &row.case_id,
            now,
            "requester",
            "message_from_requester",
            Some(state),
            state,
        )
    })
    .await?;
    Ok(())
}

/// Replaces every Individual Number in a stored message with asterisks (a number someone wrote
/// before the forms refused them, or in a letter scanned into a note), audited with who and when.
/// False when the message holds none or is not the case's.
pub async fn redact_individual_numbers(
    db: &Db,
    master: &MasterKey,
    actor: &crate::service::casework::StaffActor,
    (case_id, message_id): (&str, &str),
    now: DateTime<Utc>,
) -> Result<bool, MessageError> {
    let (case, id) = (case_id.to_string(), message_id.to_string());
    let Some(row) = db
        .read(move |conn| messages::find(conn, &case, &id))
        .await?
    else {
        return Ok(false);
    };
    let record = format!("message:{}", row.id);
    let body = master
        .open_value(&record, &row.sealed_body)
        .ok()
        .and_then(|plain| String::from_utf8(plain.to_vec()).ok())
        .ok_or_else(|| MessageError::Seal("message cannot be opened".into()))?;
    if !crate::domain::text::contains_individual_number(&body) {
        return Ok(false);
    }
    let redacted = crate::domain::text::redact_individual_numbers(&body);
    let sealed = master
        .seal_value(&record, redacted.as_bytes())
        .map_err(|e| MessageError::Seal(e.to_string()))?;
    let audit = actor
        .audit(now, "message.number_redacted", case_id)
        .target(message_id);
    let (case, id) = (case_id.to_string(), message_id.to_string());
    Ok(db
        .write(move |conn| {
            let replaced = messages::replace_body(conn, &case, &id, &sealed)?;
            if replaced {
                crate::db::audit::append(conn, &audit)?;
            }
            Ok(replaced)
        })
        .await?)
}

/// Messages opened for display. A message that cannot be opened is shown as such rather than
/// failing the whole page.
pub fn open_all(master: &MasterKey, rows: Vec<MessageRow>) -> Vec<Shown> {
    rows.into_iter()
        .map(|row| Shown {
            id: row.id.clone(),
            at: row.at,
            from_requester: row.direction == "from_requester",
            direction: row.direction.clone(),
            author: row.author.clone(),
            body: master
                .open_value(&format!("message:{}", row.id), &row.sealed_body)
                .ok()
                .and_then(|plain| String::from_utf8(plain.to_vec()).ok())
                .unwrap_or_else(|| "…".into()),
        })
        .collect()
}
