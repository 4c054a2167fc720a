//! What a requester sees and does through their private case link: the case page's read model,
//! a fresh link by receipt number and e-mail address, and the download of disclosed files. Each
//! use case reads or writes in one call to the database, with its audit record and its mail.

use chrono::{DateTime, NaiveDate, Utc};

use crate::auth::token;
use crate::db::audit::{self, AuditEvent};
use crate::db::{
    DbError, case_links, cases, decisions, documents, messages as message_rows, outbox,
};
use crate::domain::deadline::{Deadline, jst_date};
use crate::domain::document::DocumentPurpose;
use crate::domain::event::{Actor, Event};
use crate::domain::explain::Explanation;
use crate::domain::lifecycle::CaseFacts;
use crate::domain::reminders::automatic_dismissal_on;
use crate::domain::state::CaseState;
use crate::i18n::Lang;
use crate::mail::{self, OutgoingMail};
use crate::service::case_record::{
    RecordError, append_event, contact_of, parse_facts, requester_audit,
};
use crate::service::deadlines;
use crate::service::documents::{UploadError, open_stored};
use crate::service::intake::submit::{IntakeContext, IntakeError};
use crate::service::lifecycle::{self, ApplyError, Firing, NoticeTo};
use crate::service::messages::{Shown, open_all};
use crate::service::notices;

pub use crate::db::cases::{CaseEventRow, CaseRow};
pub use crate::db::decisions::DecisionRow;
pub use crate::db::documents::DocumentRow;

/// The case behind a private link, or None for an unknown (replaced, purged) link.
pub async fn find_case(ctx: &IntakeContext<'_>, link: &str) -> Result<Option<CaseRow>, DbError> {
    let link = cases::CaseLink::of(link);
    ctx.db
        .lookup(move |conn| cases::find_by_link(conn, &link))
        .await
}

/// Everything the requester's case page shows, opened for display.
pub struct RequesterCase {
    pub row: CaseRow,
    pub facts: CaseFacts,
    /// The decision deadline with its explanation while the case waits for a decision; the same
    /// function computes the staff page's, so both show the same date and the same steps.
    pub deadline: Option<(Deadline, Explanation)>,
    pub events: Vec<CaseEventRow>,
    pub documents: Vec<DocumentRow>,
    /// The conversation the requester may read, opened.
    pub messages: Vec<Shown>,
    pub decisions: Vec<DecisionRow>,
    /// The reply-by date of an open 補正.
    pub reply_by: Option<NaiveDate>,
    /// The day an unanswered 補正 is dismissed, when the profile dismisses them.
    pub dismissal_on: Option<NaiveDate>,
    /// How many links to the case other than the case's own a look-up has mailed.
    pub other_links: i64,
    /// Every official letter sent on the case.
    pub letters: Vec<crate::service::letters::Listed>,
    /// What the requester agreed to and when, with any withdrawal (docs/consent.md §2).
    pub consents: Vec<crate::service::consents::ConsentEntry>,
}

impl RequesterCase {
    pub fn state(&self) -> CaseState {
        self.facts.state
    }
}

/// The case page's data for the holder of `link`, or None when the link names no case.
pub async fn case_view(
    ctx: &IntakeContext<'_>,
    link: &str,
    now: DateTime<Utc>,
) -> Result<Option<RequesterCase>, IntakeError> {
    let link = cases::CaseLink::of(link);
    let loaded = ctx
        .db
        .read_indexed(move |conn| {
            let Some(row) = cases::find_by_link(conn, &link)? else {
                return Ok(None);
            };
            let events = cases::events(conn, &row.id)?;
            let pauses = cases::pauses(conn, &row.id)?;
            let docs = documents::for_case(conn, &row.id)?;
            let conversation = message_rows::visible_to_requester(conn, &row.id)?;
            let decisions = decisions::for_case(conn, &row.id)?;
            let other_links = case_links::count(conn, &row.id)?;
            let mut letters = crate::db::letters::list_for_case(conn, &row.id)?;
            // The notice to an objecting third party names that party (Art. 86(3)).
            letters.retain(|letter| crate::service::letters::addressed_to_requester(&letter.kind));
            let consents = crate::db::consents::of_case(conn, &row.id)?;
            Ok(Some((
                row,
                events,
                pauses,
                docs,
                conversation,
                (decisions, other_links, letters, consents),
            )))
        })
        .await?;
    let Some((
        row,
        events,
        pauses,
        documents,
        conversation,
        (decisions, other_links, letters, consents),
    )) = loaded
    else {
        return Ok(None);
    };
    tracing::info!(case_id = %row.id, "requester viewed case");
    let facts = parse_facts(&row)?;
    let reply_by = pauses
        .iter()
        .rev()
        .find(|p| p.ended_on.is_none())
        .and_then(|p| p.reply_by);
    let calendar = ctx.calendars.current();
    let today = jst_date(now);
    let deadline = deadlines::of_case(
        &ctx.profile,
        &calendar,
        &row,
        &facts,
        &deadlines::pauses_of(&pauses),
        today,
    )
    .filter(|_| facts.state.is_before_decision());
    let dismissal_on = reply_by
        .and_then(|d| automatic_dismissal_on(d, ctx.profile.auto_dismiss_office_days, &calendar));
    Ok(Some(RequesterCase {
        messages: open_all(ctx.master, conversation),
        row,
        facts,
        deadline,
        events,
        documents,
        decisions,
        reply_by,
        dismissal_on,
        other_links,
        letters: crate::service::letters::listed(ctx.master, letters)
            .map_err(|e| IntakeError::Storage(e.to_string()))?,
        consents: crate::service::consents::entries(consents),
    }))
}

/// Mails a new private link when `receipt_number` and `email` name a case. The links the
/// requester already holds keep working (they end them from the case page), so someone who knows
/// a receipt number and an address cannot break a requester's link. Whether or not they match,
/// the same work is done — one read, one mail sealed, one write with its audit record — so the
/// time taken does not tell either (docs/security.md §5).
pub async fn send_case_link(
    ctx: &IntakeContext<'_>,
    receipt_number: &str,
    email: &str,
    now: DateTime<Utc>,
    audit_context: (Option<String>, Option<String>),
) -> Result<(), IntakeError> {
    let email_index = ctx.index.email(email);
    let number = receipt_number.to_string();
    let found = ctx
        .db
        .lookup(move |conn| cases::find_by_receipt_and_email(conn, &number, &email_index))
        .await?;
    // A case id of the same shape when nothing matched, so the link, the mail and the write
    // below are the same size and the same work.
    let case_id = found
        .as_ref()
        .map_or_else(|| uuid::Uuid::now_v7().to_string(), |row| row.id.clone());
    let new_token = token::case_link(&case_id);
    let lang = found
        .as_ref()
        .and_then(|row| Lang::from_code(&row.lang))
        .unwrap_or_default();
    let link = format!("{}/case/{new_token}", ctx.public_url);
    let notice = notices::case_link(lang, receipt_number, &link);
    let outgoing = mail::prepare(
        ctx.master,
        ctx.mail_from,
        &OutgoingMail {
            to: email.to_string(),
            subject: notice.subject,
            text: notice.body,
            html: None,
        },
        "case_link",
        Some(&case_id),
        now,
    )?;
    let matched = found.is_some();
    let digest = token::digest(&new_token);
    let (client_ip, request_id) = audit_context;
    let written_for = case_id.clone();
    ctx.db
        .write(move |conn| {
            let case_id = &written_for;
            let at = now.naive_utc();
            let record = if matched {
                case_links::add(conn, case_id, &digest, at)?;
                outbox::enqueue(conn, &outgoing)?;
                requester_audit(now, "case.link_resent", case_id)
            } else {
                // A probe by receipt number and address that matched nothing: recorded without a
                // case, so repeated guessing shows in the log.
                AuditEvent::new(at, "requester", "case.link_lookup_unmatched")
            };
            audit::append(
                conn,
                &record.from_request(client_ip.clone(), request_id.clone()),
            )
        })
        .await?;
    if matched {
        tracing::info!(case_id = %case_id, "case link sent again");
    }
    Ok(())
}

/// Ends every link to the case except `link` (the one the requester is using), audited.
pub async fn end_other_links(
    ctx: &IntakeContext<'_>,
    link: &str,
    now: DateTime<Utc>,
    audit_context: (Option<String>, Option<String>),
) -> Result<bool, IntakeError> {
    let Some(row) = find_case(ctx, link).await? else {
        return Ok(false);
    };
    let digest = token::digest(link);
    let (client_ip, request_id) = audit_context;
    let case_id = row.id.clone();
    ctx.db
        .write(move |conn| {
            case_links::keep_only(conn, &case_id, &digest)?;
            audit::append(
                conn,
                &requester_audit(now, "case.other_links_ended", &case_id)
                    .from_request(client_ip.clone(), request_id.clone()),
            )
        })
        .await?;
    Ok(true)
}

/// A disclosed file, decrypted for its download.
pub struct Download {
    pub bytes: zeroize::Zeroizing<Vec<u8>>,
    pub mime: String,
    pub receipt_number: String,
}

/// Whether the requester may download `doc` at `now`.
pub fn downloadable(doc: &DocumentRow, now: chrono::NaiveDateTime) -> bool {
    doc.purpose == DocumentPurpose::Disclosure
        && doc.wrapped_key.is_some()
        && doc.available_until.is_some_and(|until| now < until)
}

/// Opens a disclosed file for the holder of `link`, recording the download (audit record and
/// timeline entry in one write); None when the link, the file or its period does not hold.
pub async fn download(
    ctx: &IntakeContext<'_>,
    blobs: &crate::storage::files::BlobStore,
    link: &str,
    document_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<Download>, IntakeError> {
    let Some(row) = find_case(ctx, link).await? else {
        return Ok(None);
    };
    let (case_id, doc_id) = (row.id.clone(), document_id.to_string());
    let Some(doc) = ctx
        .db
        .lookup(move |conn| documents::find(conn, &case_id, &doc_id))
        .await?
        .filter(|d| downloadable(d, now.naive_utc()))
    else {
        return Ok(None);
    };
    let Some(bytes) = open_stored(ctx.master, blobs, &doc)
        .await
        .map_err(|e| match e {
            UploadError::Db(db) => IntakeError::Db(db),
            other => IntakeError::Storage(other.to_string()),
        })?
    else {
        return Ok(None);
    };
    let audit_row = requester_audit(now, "delivery.downloaded", &row.id).target(&doc.id);
    let (case_id, case_state) = (row.id.clone(), row.state);
    ctx.db
        .write(move |conn| {
            audit::append(conn, &audit_row)?;
            append_event(
                conn,
                &case_id,
                now,
                "requester",
                "file_downloaded",
                Some(case_state),
                case_state,
            )
        })
        .await?;
    Ok(Some(Download {
        bytes,
        mime: doc.mime,
        receipt_number: row.receipt_number.unwrap_or_default(),
    }))
}

/// The requester withdraws the case (取下げ); they are told by mail. A case that can no longer be
/// withdrawn (decided meanwhile) is left as it is: `Ok(false)`.
pub async fn withdraw(
    db: &crate::db::Db,
    desk: &crate::service::lifecycle::Desk<'_>,
    row: CaseRow,
    now: DateTime<Utc>,
) -> Result<bool, ApplyError> {
    let lang = Lang::from_code(&row.lang).unwrap_or_default();
    let receipt_number = row.receipt_number.clone().unwrap_or_default();
    let to = contact_of(db, desk.master, &row.id)
        .await
        .map_err(|e| match e {
            RecordError::Db(db) => ApplyError::Db(db),
            other => ApplyError::Corrupt(other.to_string()),
        })?;
    let firing = Firing {
        event: Event::Withdraw,
        actor: Actor::Requester,
        actor_label: "requester".into(),
        notice: Some(NoticeTo {
            to,
            notice: notices::withdrawn(lang, &receipt_number),
            purpose: "withdrawn",
        }),
        message: None,
        letter: None,
        also: Some(Box::new(move |conn, saved| {
            audit::append(conn, &requester_audit(now, "case.withdrawn", &saved.id))
        })),
    };
    match lifecycle::apply(db, desk, row, firing, now).await {
        Ok(_) => Ok(true),
        Err(ApplyError::Refused(_)) => Ok(false),
        Err(other) => Err(other),
    }
}
