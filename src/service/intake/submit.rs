//! Drafts, submission and e-mail confirmation. Each step writes the case, its timeline entry and
//! the notice it causes in one transaction, so an accepted submission survives a crash and no
//! notice is lost or sent for a change that did not happen.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use lettre::message::Mailbox;
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::draft::{PRIVACY_NOTICE_VERSION, RequestDraft, Step};
use crate::auth::token;
use crate::db::audit;
use crate::db::cases::{self, CaseRow};
use crate::db::drafts::{self, DraftKey};
use crate::db::{Db, DbError, outbox};
use crate::domain::channel::RequestChannel;
use crate::domain::deadline::{compute_deadline, jst_date};
use crate::domain::event::{Actor, Event};
use crate::domain::fee_schedules::merged;
use crate::domain::fees::FeeSchedule;
use crate::domain::kind::RequestKind;
use crate::domain::lifecycle::{self, Entry};
use crate::domain::profile::OperatorProfile;
use crate::domain::state::CaseState;
use crate::i18n::Lang;
use crate::mail::{self, MailError, OutgoingMail};
use crate::service::caches::{CalendarCache, FeeScheduleCache};
use crate::service::case_record::{
    RecordError, SealedContent, SealedParty, append_event, facts_json, open_json, parse_facts,
    requester_audit, seal_json,
};
use crate::service::casework::fees::ReceiptInvoice;
use crate::service::letters;
use crate::service::notices;
use crate::storage::crypto::{CryptoError, MasterKey};
use crate::storage::index::IndexKey;

const DRAFT_HOURS: i64 = 24;
/// The search keys of a case that is not yet confirmed; no keyed hash is ever blank.
pub const NOT_YET_SEARCHABLE: &str = "";
pub const CODE_ATTEMPTS: i32 = 5;

impl From<RecordError> for IntakeError {
    fn from(e: RecordError) -> Self {
        match e {
            RecordError::Db(db) => IntakeError::Db(db),
            RecordError::Crypto(c) => IntakeError::Crypto(c),
            corrupt => IntakeError::Corrupt(corrupt),
        }
    }
}

/// What the intake use cases need from the running service.
pub struct IntakeContext<'a> {
    pub db: &'a Db,
    pub master: &'a MasterKey,
    pub index: &'a IndexKey,
    /// As last refreshed: an administrator's change applies within seconds, as the page says.
    pub profile: std::sync::Arc<OperatorProfile>,
    /// Read fresh by the steps that compute a deadline, and only by them.
    pub calendars: &'a CalendarCache,
    /// Read fresh when a case is received: its request fee is the schedule of that day.
    pub fee_schedules: &'a FeeScheduleCache,
    pub mail_from: &'a Mailbox,
    pub public_url: &'a str,
}

impl IntakeContext<'_> {
    /// The profile's fee schedules with those an administrator added, as the database has them.
    pub async fn schedules(&self) -> Result<Vec<FeeSchedule>, DbError> {
        let fresh = self.fee_schedules.fresh(self.db).await?;
        Ok(merged(&self.profile.fee_schedules, &fresh.added))
    }

    /// Whether the schedule of `received_on` asks for the fee before the work (no schedule: yes).
    pub async fn fee_in_advance(&self, received_on: NaiveDate) -> Result<bool, DbError> {
        let schedules = self.schedules().await?;
        Ok(
            crate::domain::fees::schedule_in_force(&schedules, received_on)
                .is_none_or(|s| s.prepaid),
        )
    }

    /// The request fee charged at receipt of a `kind` request on `received_on`, if any.
    pub async fn receipt_invoice(
        &self,
        case: (&str, RequestKind, bool),
        now: DateTime<Utc>,
        received_on: NaiveDate,
    ) -> Result<Option<ReceiptInvoice>, IntakeError> {
        let (case_id, kind, online) = case;
        let schedules = self.schedules().await?;
        Ok(ReceiptInvoice::prepare(
            self.master,
            &schedules,
            (self.profile.regime, kind, online),
            case_id,
            now,
            received_on,
        )?)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("the request is incomplete")]
    Incomplete,
    /// A step of the form still has a problem; the requester goes back to it.
    #[error("the request is incomplete from step {0:?}")]
    IncompleteAt(Step),
    /// The same draft was submitted twice (a double click): the first submission stands.
    #[error("this request was already submitted")]
    AlreadySubmitted,
    #[error("the code is wrong")]
    WrongCode { attempts_left: i32 },
    #[error("the code can no longer be used")]
    CodeExpired,
    #[error("the case cannot do that now: {0}")]
    Refused(String),
    /// A stored file could not be read or decrypted.
    #[error("document storage: {0}")]
    Storage(String),
    /// A stored record is unreadable (see [`RecordError::Corrupt`]).
    #[error(transparent)]
    Corrupt(RecordError),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error(transparent)]
    Mail(#[from] MailError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The record a draft is sealed for: the same before and after its token comes to name its row.
fn draft_record(key: &DraftKey) -> String {
    format!("draft:{}", key.digest)
}

pub async fn load_draft(
    db: &Db,
    master: &MasterKey,
    draft_token: &str,
    now: DateTime<Utc>,
) -> Result<Option<StoredDraft>, IntakeError> {
    let key = DraftKey::of(draft_token);
    let record = draft_record(&key);
    let stored = db
        .lookup(move |conn| drafts::load(conn, &key, now.naive_utc()))
        .await?;
    Ok(match stored {
        Some((sealed, None)) => Some(StoredDraft::Open(Box::new(open_json(
            master, &record, &sealed,
        )?))),
        Some((sealed, Some(_))) => {
            Some(StoredDraft::Submitted(open_json(master, &record, &sealed)?))
        }
        None => None,
    })
}

/// A draft as stored: still being filled in, or already submitted as a case.
pub enum StoredDraft {
    Open(Box<RequestDraft>),
    Submitted(Submitted),
}

/// Saves the draft and returns the browser's token for it from now on: on the first save, the
/// token comes to name the new row (the secret stays the same).
pub async fn save_draft(
    db: &Db,
    master: &MasterKey,
    draft_token: &str,
    draft: &RequestDraft,
    now: DateTime<Utc>,
) -> Result<String, IntakeError> {
    let key = DraftKey::of(draft_token);
    let sealed = seal_json(master, &draft_record(&key), draft)?;
    let expires = now + Duration::hours(DRAFT_HOURS);
    let new_row = db
        .write(move |conn| drafts::save(conn, &key, &sealed, now.naive_utc(), expires.naive_utc()))
        .await?;
    Ok(match new_row {
        Some(id) => token::draft_token(id, token::draft_token_parts(draft_token).1),
        None => draft_token.to_string(),
    })
}

/// Looks up the disclosure a correction or suspension names by its receipt number: when that
/// disclosure request was made here from the same contact address, the day it was carried out
/// is recorded in the draft (the requester need not type it). Anything else leaves the number
/// unmatched, and the requester is asked for the date.
pub async fn match_prior_disclosure(
    ctx: &IntakeContext<'_>,
    draft: &mut RequestDraft,
) -> Result<(), IntakeError> {
    draft.content.prior_disclosure_found_on = None;
    let needed = draft
        .rules(ctx.profile.regime)
        .is_some_and(|r| r.prior_disclosure.is_some());
    let Some(number) = draft
        .content
        .prior_disclosure_reference()
        .filter(|_| needed)
    else {
        return Ok(());
    };
    let contact = draft.contact_email().trim().to_lowercase();
    if contact.is_empty() {
        return Ok(());
    }
    let email_index = ctx.index.email(&contact);
    let delivered = ctx
        .db
        .read(move |conn| cases::disclosure_delivered_at(conn, &number, &email_index))
        .await?;
    draft.content.prior_disclosure_found_on = delivered.map(|at| jst_date(at.and_utc()));
    Ok(())
}

/// A new unconfirmed case; the requester gets a link and a code by mail.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Submitted {
    pub case_id: String,
    pub access_token: String,
}

pub async fn submit(
    ctx: &IntakeContext<'_>,
    draft_token: &str,
    draft: RequestDraft,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<Submitted, IntakeError> {
    let calendar = ctx.calendars.fresh(ctx.db).await?;
    if let Some(step) = draft.first_incomplete_step(&ctx.profile, jst_date(now), &calendar) {
        return Err(IntakeError::IncompleteAt(step));
    }
    let (Some(kind), Some(requester_type)) = (draft.kind, draft.requester_type) else {
        return Err(IntakeError::IncompleteAt(Step::Start));
    };
    let mut facts = ctx
        .profile
        .new_case(kind, Entry::Online)
        .map_err(|r| IntakeError::Refused(r.code().to_string()))?;
    draft.record_on(&mut facts, &calendar);
    let case_id = uuid::Uuid::now_v7().to_string();
    let access_token = token::case_link(&case_id);
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000));
    // The code and the link last as long as the unconfirmed request is kept (one rule, so the
    // mail and the pages can state it): after that it is purged.
    let keep_hours = i64::from(ctx.profile.unconfirmed_expiry_hours);
    let person = draft.person.normalised();
    let agent = draft.is_agent().then(|| draft.agent.clone());
    let contact = if draft.is_agent() {
        draft.agent.email.trim().to_lowercase()
    } else {
        person.email.clone()
    };
    let party = SealedParty {
        requester_type,
        person: person.clone(),
        agent,
    };
    let content = SealedContent {
        kind,
        content: draft.content.clone(),
        delivery: draft.delivery,
    };
    let row = CaseRow {
        id: case_id.clone(),
        receipt_number: None,
        profile: ctx.profile.name.as_str().to_string(),
        kind,
        state: facts.state,
        channel: RequestChannel::Online,
        lang: lang.code().into(),
        requester_type,
        facts: facts_json(&facts)?,
        created_at: now.naive_utc(),
        received_at: None,
        due_on: None,
        assignee_id: None,
        // Staff search and the returning-requester lookup never see an unconfirmed case, and its
        // address is not yet proven; its search keys are written when it is confirmed, when it
        // enters the search indexes (they hold received cases only).
        email_index: NOT_YET_SEARCHABLE.to_string(),
        access_token_hash: None,
        confirm_code_hash: Some(token::digest(&format!("{case_id}:{code}"))),
        confirm_attempts: 0,
        confirm_expires_at: Some((now + Duration::hours(keep_hours)).naive_utc()),
        version: 0,
        updated_at: now.naive_utc(),
        link_digest: Some(token::digest(&access_token)),
    };
    let sealed_party = seal_json(ctx.master, &format!("party:{case_id}"), &party)?;
    let sealed_content = seal_json(ctx.master, &format!("content:{case_id}"), &content)?;
    let notice = notices::confirm_email(
        lang,
        &code,
        &format!("{}/case/{access_token}", ctx.public_url),
        keep_hours,
        kind,
    );
    let mail = OutgoingMail {
        to: contact,
        subject: notice.subject,
        text: notice.body,
        html: None,
    };
    let draft_key = DraftKey::of(draft_token);
    let submitted = Submitted {
        case_id: case_id.clone(),
        access_token: access_token.clone(),
    };
    let sealed_submission = seal_json(ctx.master, &draft_record(&draft_key), &submitted)?;
    let consented_at = draft.consented_at.unwrap_or(now);
    let outgoing = mail::prepare(
        ctx.master,
        ctx.mail_from,
        &mail,
        "confirm_email",
        Some(&case_id),
        now,
    )?;
    ctx.db
        .write(move |conn| {
            // Spending the draft first makes a second, simultaneous submit of it fail as a whole.
            if !drafts::mark_submitted(conn, &draft_key, &row.id, &sealed_submission)? {
                return Err(DbError::Conflict("draft already submitted".into()));
            }
            cases::insert(conn, &row, &sealed_party, &sealed_content)?;
            audit::append(conn, &requester_audit(now, "request.submitted", &row.id))?;
            cases::record_consent(
                conn,
                &row.id,
                PRIVACY_NOTICE_VERSION,
                consented_at.naive_utc(),
            )?;
            append_event(
                conn,
                &row.id,
                now,
                "requester",
                "submitted",
                None,
                CaseState::Unconfirmed,
            )?;
            outbox::enqueue(conn, &outgoing)?;
            Ok(())
        })
        .await
        .map_err(|e| match e {
            DbError::Conflict(_) => IntakeError::AlreadySubmitted,
            other => IntakeError::Db(other),
        })?;
    tracing::info!(case_id = %case_id, kind = kind.as_str(), "request submitted, awaiting e-mail confirmation");
    Ok(submitted)
}

fn mail_to_db(e: MailError) -> DbError {
    match e {
        MailError::Db(db) => db,
        other => DbError::Conflict(other.to_string()),
    }
}

/// Confirms the e-mail address of the case behind `access_token` (the link in the mail was
/// followed and the button pressed).
pub async fn confirm_by_link(
    ctx: &IntakeContext<'_>,
    access_token: &str,
    now: DateTime<Utc>,
) -> Result<CaseRow, IntakeError> {
    let link = cases::CaseLink::of(access_token);
    let row = ctx
        .db
        .read(move |conn| cases::find_by_link(conn, &link))
        .await?
        .ok_or(DbError::NotFound)?;
    if row.state == CaseState::Unconfirmed
        && row.confirm_expires_at.is_some_and(|t| t <= now.naive_utc())
    {
        return Err(IntakeError::CodeExpired);
    }
    confirm(ctx, row, access_token, now).await
}

/// Confirms with the 6-digit code typed in the browser that submitted the request.
pub async fn confirm_by_code(
    ctx: &IntakeContext<'_>,
    case_id: &str,
    access_token: &str,
    code: &str,
    now: DateTime<Utc>,
) -> Result<CaseRow, IntakeError> {
    let id = case_id.to_string();
    let row = ctx
        .db
        .read(move |conn| cases::find(conn, &id))
        .await?
        .ok_or(DbError::NotFound)?;
    if row.state != CaseState::Unconfirmed {
        return Ok(row);
    }
    let usable = row.confirm_attempts < CODE_ATTEMPTS
        && row.confirm_expires_at.is_some_and(|t| t > now.naive_utc())
        && row.confirm_code_hash.is_some();
    if !usable {
        return Err(IntakeError::CodeExpired);
    }
    let typed: String = code.chars().filter(char::is_ascii_digit).collect();
    if row.confirm_code_hash.as_deref()
        != Some(token::digest(&format!("{case_id}:{typed}")).as_str())
    {
        let mut failed = row.clone();
        failed.confirm_attempts += 1;
        failed.updated_at = now.naive_utc();
        let attempts_left = CODE_ATTEMPTS - failed.confirm_attempts;
        ctx.db
            .write(move |conn| {
                cases::update(conn, &failed)?;
                audit::append(
                    conn,
                    &requester_audit(now, "request.confirmation_code_wrong", &failed.id),
                )
            })
            .await?;
        return Err(if attempts_left > 0 {
            IntakeError::WrongCode { attempts_left }
        } else {
            IntakeError::CodeExpired
        });
    }
    confirm(ctx, row, access_token, now).await
}

async fn confirm(
    ctx: &IntakeContext<'_>,
    row: CaseRow,
    access_token: &str,
    now: DateTime<Utc>,
) -> Result<CaseRow, IntakeError> {
    if row.state != CaseState::Unconfirmed {
        return Ok(row);
    }
    let facts = parse_facts(&row)?;
    let transition = lifecycle::apply(&facts, &Event::ConfirmEmail, &Actor::Requester, now)
        .map_err(|r| IntakeError::Refused(r.code().to_string()))?;
    let kind = facts.kind;
    let lang = Lang::from_code(&row.lang).unwrap_or_default();
    let received_date = jst_date(now);
    let calendar = ctx.calendars.fresh(ctx.db).await?;
    let deadline = compute_deadline(
        &ctx.profile
            .decision_deadline_request(&facts, now, &[], None),
        &calendar,
    )
    .ok();
    let mut after = transition.facts.clone();
    after.unextended_deadline = deadline.as_ref().map(|d| d.unextended_last_day);
    // The request fee is charged by the receipt itself (docs/fees.md §6).
    let invoice = ctx
        .receipt_invoice((&row.id, kind, true), now, received_date)
        .await?;
    if let Some(invoice) = &invoice {
        after.fee = invoice.status;
    }
    after.fee_in_advance = ctx.fee_in_advance(received_date).await?;
    let fee_text = invoice.as_ref().map_or_else(String::new, |i| {
        notices::fee_due(lang, i.amount, &i.methods, &ctx.profile.office.payment)
    });
    let mut updated = row.clone();
    updated.state = transition.to;
    updated.facts = facts_json(&after)?;
    updated.received_at = Some(now.naive_utc());
    updated.due_on = deadline.as_ref().map(|d| d.last_office_day);
    updated.confirm_code_hash = None;
    updated.confirm_expires_at = None;
    updated.updated_at = now.naive_utc();
    let link = format!("{}/case/{access_token}", ctx.public_url);
    let (master, from) = (ctx.master.clone_key(), ctx.mail_from.clone());
    let (from_state, to_state) = (row.state, updated.state);
    let party: SealedParty = {
        let id = row.id.clone();
        let sealed = ctx
            .db
            .read(move |conn| cases::sealed_party(conn, &id))
            .await?;
        open_json(ctx.master, &format!("party:{}", row.id), &sealed)?
    };
    let contact = party.contact();
    let keys = party.search_keys(ctx.index);
    let profile = ctx.profile.clone();
    let issuer = letters::Issuer::new(ctx.master, profile.clone(), "system".to_string());
    let saved = ctx
        .db
        .write(move |conn| {
            let number = cases::next_receipt_number(conn, received_date.year())?;
            updated.receipt_number = Some(number.clone());
            let mut saved = cases::update(conn, &updated)?;
            cases::make_searchable(conn, &saved.id, &keys.email, &keys.names)?;
            audit::append(conn, &requester_audit(now, "request.confirmed", &saved.id))?;
            saved.email_index.clone_from(&keys.email);
            append_event(
                conn,
                &saved.id,
                now,
                "requester",
                "confirm_email",
                Some(from_state),
                to_state,
            )?;
            if let Some(invoice) = &invoice {
                invoice.write(conn, to_state)?;
            }
            let receipt = letters::receipt_stage(
                &profile,
                &number,
                received_date,
                deadline.as_ref().map(|d| d.last_office_day),
            );
            let issued = letters::issue(conn, &issuer, &saved, &receipt, now)?;
            let mut notice = notices::receipt(
                lang,
                &number,
                kind,
                received_date,
                deadline.as_ref(),
                &link,
                &fee_text,
            );
            let letter_link = format!("{link}/letters/{}", issued.id);
            notice
                .body
                .push_str(&notices::letter_issued(lang, &issued, &letter_link));
            let mail = OutgoingMail {
                to: contact.clone(),
                subject: notice.subject,
                text: notice.body,
                html: None,
            };
            mail::enqueue(conn, &master, &from, &mail, "receipt", Some(&saved.id), now)
                .map_err(mail_to_db)?;
            Ok(saved)
        })
        .await?;
    tracing::info!(case_id = %saved.id, "request received");
    Ok(saved)
}
