//! A requester's consent history and the recording of a withdrawal (撤回), by the requester on
//! their case page or by staff who were told of it (docs/consent.md §3, §4). A withdrawal is
//! written with its timeline entry, its audit record and the mail that tells the requester, in
//! one transaction.

use chrono::{DateTime, Utc};

use crate::db::audit::{self, AuditEvent};
use crate::db::cases::CaseRow;
use crate::db::consents::{self, ConsentRow};
use crate::db::{Db, DbError, outbox};
use crate::domain::consent::{Consent, Withdrawal, WithdrawalRefused, WithdrawnBy};
use crate::i18n::Lang;
use crate::mail::OutgoingMail;
use crate::service::case_record::{RecordError, append_event, contact_of, requester_audit};
use crate::service::casework::{Casework, CaseworkError, StaffActor, for_action};
use crate::service::lifecycle::Desk;
use crate::service::notices;

/// One consent of a case, as the domain sees it, with the id a withdrawal names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentEntry {
    pub id: String,
    pub consent: Consent,
}

#[derive(Debug, thiserror::Error)]
pub enum ConsentError {
    /// No such consent on this case.
    #[error("no such consent")]
    NotFound,
    #[error("refused: {0}")]
    Refused(WithdrawalRefused),
    #[error("stored data unreadable: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<RecordError> for ConsentError {
    fn from(e: RecordError) -> Self {
        match e {
            RecordError::Db(db) => ConsentError::Db(db),
            other => ConsentError::Corrupt(other.to_string()),
        }
    }
}

/// The stored rows as the domain's consents; a `withdrawn_by` this build does not know is
/// taken as staff's (a withdrawal stands whoever recorded it).
pub fn entries(rows: Vec<ConsentRow>) -> Vec<ConsentEntry> {
    rows.into_iter()
        .map(|row| ConsentEntry {
            consent: Consent {
                notice_version: row.notice_version,
                agreed_at: row.agreed_at.and_utc(),
                withdrawn: row.withdrawn_at.map(|at| Withdrawal {
                    at: at.and_utc(),
                    by: row
                        .withdrawn_by
                        .as_deref()
                        .and_then(|by| by.parse().ok())
                        .unwrap_or(WithdrawnBy::Staff),
                }),
            },
            id: row.id,
        })
        .collect()
}

/// Who withdraws, as the timeline and the audit log name them.
enum Recorder<'a> {
    Requester,
    Staff(&'a StaffActor),
}

impl Recorder<'_> {
    fn by(&self) -> WithdrawnBy {
        match self {
            Recorder::Requester => WithdrawnBy::Requester,
            Recorder::Staff(_) => WithdrawnBy::Staff,
        }
    }

    fn label(&self) -> String {
        match self {
            Recorder::Requester => "requester".into(),
            Recorder::Staff(actor) => actor.label(),
        }
    }

    fn audit(&self, now: DateTime<Utc>, case_id: &str, consent_id: &str) -> AuditEvent {
        match self {
            Recorder::Requester => requester_audit(now, "consent.withdrawn", case_id),
            Recorder::Staff(actor) => actor.audit(now, "consent.withdrawn", case_id),
        }
        .target(format!("consent:{consent_id}"))
    }
}

/// The requester withdraws one of their consents on their case page.
pub async fn withdraw_by_requester(
    db: &Db,
    desk: &Desk<'_>,
    row: &CaseRow,
    consent_id: &str,
    now: DateTime<Utc>,
) -> Result<Withdrawal, ConsentError> {
    record(db, desk, row, consent_id, Recorder::Requester, now).await
}

/// Staff record a withdrawal the requester told them of (telephone, letter, counter), on the
/// case at the version their page showed; returns the case as it stands.
pub async fn withdraw_by_staff(
    cw: &Casework<'_>,
    actor: &StaffActor,
    (case_id, version): (&str, i64),
    consent_id: &str,
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    let row = for_action(cw.db, actor, case_id, version, now).await?;
    record(
        cw.db,
        &cw.desk,
        &row,
        consent_id,
        Recorder::Staff(actor),
        now,
    )
    .await
    .map(|_| row)
    .map_err(|e| match e {
        ConsentError::NotFound => CaseworkError::Invalid(vec![("consent", "not_found")]),
        ConsentError::Refused(refused) => CaseworkError::Invalid(vec![("consent", refused.code())]),
        ConsentError::Corrupt(text) => CaseworkError::Corrupt(text),
        ConsentError::Db(DbError::Conflict(_)) => CaseworkError::Conflict,
        ConsentError::Db(db) => CaseworkError::Db(db),
    })
}

async fn record(
    db: &Db,
    desk: &Desk<'_>,
    row: &CaseRow,
    consent_id: &str,
    recorder: Recorder<'_>,
    now: DateTime<Utc>,
) -> Result<Withdrawal, ConsentError> {
    let case_id = row.id.clone();
    let id = case_id.clone();
    let history = entries(db.read(move |conn| consents::of_case(conn, &id)).await?);
    let entry = history
        .iter()
        .find(|e| e.id == consent_id)
        .ok_or(ConsentError::NotFound)?;
    let withdrawal = entry
        .consent
        .withdraw(now, recorder.by())
        .map_err(ConsentError::Refused)?;
    let to = contact_of(db, desk.master, &case_id).await?;
    let outgoing = if to.trim().is_empty() {
        // A request made on paper without an e-mail address: the history on paper is the
        // operator's to send; nothing is mailed.
        None
    } else {
        let lang = Lang::from_code(&row.lang).unwrap_or_default();
        let notice = notices::consent_withdrawn(
            lang,
            row.receipt_number.as_deref().unwrap_or_default(),
            &entry.consent.notice_version,
            now,
            recorder.by() == WithdrawnBy::Staff,
        );
        let mail = OutgoingMail {
            to,
            subject: notice.subject,
            text: notice.body,
            html: None,
        };
        Some(
            crate::mail::prepare(
                desk.master,
                desk.from,
                &mail,
                "consent_withdrawn",
                Some(&case_id),
                now,
            )
            .map_err(|e| ConsentError::Corrupt(e.to_string()))?,
        )
    };
    let (label, audit_row) = (recorder.label(), recorder.audit(now, &case_id, consent_id));
    let (consent_id, by, state) = (consent_id.to_string(), recorder.by(), row.state);
    db.write(move |conn| {
        consents::withdraw(conn, &case_id, &consent_id, now.naive_utc(), by.as_str())?;
        append_event(
            conn,
            &case_id,
            now,
            &label,
            "consent_withdrawn",
            Some(state),
            state,
        )?;
        audit::append(conn, &audit_row)?;
        if let Some(outgoing) = &outgoing {
            outbox::enqueue(conn, outgoing)?;
        }
        Ok(())
    })
    .await?;
    tracing::info!(case_id = %row.id, by = by.as_str(), "consent withdrawn");
    Ok(withdrawal)
}
