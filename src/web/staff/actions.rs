//! POSTs from the staff case page: one route and one handler per action, each with the role it
//! needs in its signature. Each parses its form, calls one casework function and redirects back
//! to the case; a refusal re-shows the case with the reason and what was typed.

use std::collections::HashMap;

use actix_multipart::form::MultipartForm;
use actix_multipart::form::bytes::Bytes;
use actix_multipart::form::text::Text;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::NaiveDate;

use super::case::{CORRECTION_ITEMS, Feedback, casework, render_case};
use super::roles::{Approver, CaseWorker};
use crate::domain::delivery::DeliveryMethod;
use crate::domain::fees::PaymentMethod;
use crate::domain::identity::Holder;
use crate::domain::identity_review::MaskingFinding;
use crate::domain::money::Yen;
use crate::service::casework::review::DocumentReview;
use crate::service::casework::{CaseworkError, actions, decisions, delivery, fees, review};
use crate::service::intake::person::birth_date as parse_date;
use crate::web::AppState;
use crate::web::csrf::{CarriesCsrf, CsrfForm, CsrfMultipart, Posted};
use crate::web::error::AppError;
use crate::web::page::{PageContext, see_other};

type Fields = HashMap<String, String>;

fn field<'a>(form: &'a Fields, name: &str) -> &'a str {
    form.get(name).map_or("", |v| v.trim())
}

/// `12,000`, `１２０００円`, `¥300` → yen; None when it is not a whole number.
pub fn parse_yen(raw: &str) -> Option<Yen> {
    let cleaned: String = raw
        .chars()
        .filter_map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            '－' | 'ー' | '−' => Some('-'),
            ',' | '，' | '円' | '¥' | '￥' => None,
            c if c.is_whitespace() => None,
            c => Some(c),
        })
        .collect();
    cleaned.parse::<i64>().ok().map(Yen)
}

/// The service names a form's free-text reason `reason`; the page has several such fields.
fn as_field<T>(result: Result<T, CaseworkError>, name: &'static str) -> Result<T, CaseworkError> {
    result.map_err(|e| match e {
        CaseworkError::Invalid(list) => CaseworkError::Invalid(
            list.into_iter()
                .map(|(f, code)| (if f == "reason" { name } else { f }, code))
                .collect(),
        ),
        other => other,
    })
}

fn invalid(field: &'static str, code: &'static str) -> CaseworkError {
    CaseworkError::Invalid(vec![(field, code)])
}

fn date_field(form: &Fields, name: &'static str) -> Result<NaiveDate, CaseworkError> {
    match field(form, name) {
        "" => Err(invalid(name, "required")),
        raw => parse_date(raw).ok_or_else(|| invalid(name, "invalid")),
    }
}

fn amount_field(form: &Fields, name: &'static str) -> Result<Yen, CaseworkError> {
    match field(form, name) {
        "" => Err(invalid(name, "required")),
        raw => match parse_yen(raw) {
            None => Err(invalid(name, "invalid")),
            Some(y) if !y.is_positive() => Err(invalid(name, "positive")),
            Some(y) => Ok(y),
        },
    }
}

/// Why an action did not happen: the form was stale (decided by the CSRF extractor), or the
/// service refused.
pub enum Failure {
    StaleForm,
    Casework(CaseworkError),
}

impl From<CaseworkError> for Failure {
    fn from(e: CaseworkError) -> Self {
        Failure::Casework(e)
    }
}

/// The response to a failed action: the case again, with the reason and the typed values.
pub async fn refused(
    state: &AppState,
    me: &CaseWorker,
    page: PageContext,
    case_id: &str,
    failure: impl Into<Failure>,
    typed: Fields,
) -> Result<HttpResponse, AppError> {
    let lang = page.lang;
    let mut feedback = Feedback {
        typed,
        ..Feedback::default()
    };
    match failure.into() {
        Failure::StaleForm => {
            feedback.status = Some(StatusCode::UNPROCESSABLE_ENTITY);
            feedback.errors.add_general("field.csrf_expired");
        }
        Failure::Casework(CaseworkError::Conflict) => {
            feedback.status = Some(StatusCode::CONFLICT);
            feedback.errors.add_general("staff.case.conflict");
        }
        Failure::Casework(CaseworkError::Refused(refusal)) => {
            feedback.status = Some(StatusCode::UNPROCESSABLE_ENTITY);
            let text = refusal.text();
            feedback.refusal = Some(lang.pick(&text.ja, &text.en).to_string());
        }
        Failure::Casework(CaseworkError::Invalid(problems)) => {
            feedback.status = Some(StatusCode::UNPROCESSABLE_ENTITY);
            for (name, code) in problems {
                feedback.errors.add(name, code);
            }
        }
        Failure::Casework(other) => return Err(other.into()),
    }
    render_case(state, me, page, case_id, feedback).await
}

/// What the workspace can do to a case through its page (the route table lists one route each).
#[derive(Debug, Clone, Copy)]
pub enum CaseAction {
    Take,
    Assign,
    Note,
    Message,
    StartReview,
    Verify,
    ReviewDocument,
    DestroyDocument,
    Correction,
    Fee,
    Waive,
    Extend,
    SpecialExtension,
    ChooseDelivery,
    Deliver,
    Close,
    Dismiss,
    Approve,
    Return,
}

fn version_of(form: &Fields) -> Result<i64, CaseworkError> {
    field(form, "version")
        .parse()
        .map_err(|_| CaseworkError::Conflict)
}

/// A ledger entry from the fee form (`amount`, `fee_reason`) or the waiver form (`waive_amount`,
/// `waive_reason`).
fn fee_entry(form: &Fields, kind: &str) -> Result<crate::domain::fees::LedgerEntry, CaseworkError> {
    let (amount_name, reason_name) = if kind == "waiver" {
        ("waive_amount", "waive_reason")
    } else {
        ("amount", "fee_reason")
    };
    let amount = amount_field(form, amount_name)?;
    let method = match field(form, "method") {
        "" => None,
        raw => Some(
            raw.parse::<PaymentMethod>()
                .map_err(|_| invalid("method", "choose"))?,
        ),
    };
    let entry = fees::ledger_entry(
        kind,
        amount,
        method,
        field(form, "reference"),
        field(form, reason_name),
    );
    as_field(entry, reason_name)
}

async fn perform(
    state: &AppState,
    me: &CaseWorker,
    case_id: &str,
    action: CaseAction,
    form: &Fields,
) -> Result<(), CaseworkError> {
    let cw = casework(state).await?;
    let actor = &me.actor;
    let now = state.now();
    let case = (case_id, version_of(form)?);
    match action {
        CaseAction::Take => actions::assign(&cw, actor, case, &me.staff.id, now).await?,
        CaseAction::Assign => {
            actions::assign(&cw, actor, case, field(form, "assignee"), now).await?
        }
        CaseAction::Note => {
            actions::write(&cw, actor, case, false, field(form, "note"), now).await?
        }
        CaseAction::Message => {
            actions::write(&cw, actor, case, true, field(form, "message"), now).await?
        }
        CaseAction::StartReview => actions::start_review(&cw, actor, case, now).await?,
        CaseAction::Verify => actions::verify_identity(&cw, actor, case, now).await?,
        CaseAction::ReviewDocument => {
            let verdict = field(form, "verdict");
            if !matches!(verdict, "accept" | "reject") {
                return Err(invalid("verdict", "choose"));
            }
            let optional_date = |name: &'static str| match field(form, name) {
                "" => Ok(None),
                raw => parse_date(raw)
                    .map(Some)
                    .ok_or_else(|| invalid(name, "invalid")),
            };
            let review = DocumentReview {
                accepted: verdict == "accept",
                holder: if field(form, "holder") == "agent" {
                    Holder::Agent
                } else {
                    Holder::Principal
                },
                issued_on: optional_date("issued_on")?,
                expires_on: optional_date("expires_on")?,
                original: !field(form, "original").is_empty(),
                checked: form
                    .keys()
                    .filter_map(|k| k.strip_prefix("check_").map(str::to_string))
                    .collect(),
                reason: field(form, "reason").to_string(),
                finding: None,
            };
            review::review_document(&cw, actor, case, field(form, "document"), review, now).await?
        }
        CaseAction::DestroyDocument => {
            let finding: MaskingFinding = field(form, "finding")
                .parse()
                .map_err(|_| invalid("finding", "choose"))?;
            review::destroy_document(&cw, actor, case, field(form, "document"), finding, now)
                .await?
        }
        CaseAction::Correction => {
            let items: Vec<&str> = CORRECTION_ITEMS
                .iter()
                .copied()
                .filter(|i| !field(form, &format!("item_{i}")).is_empty())
                .collect();
            if items.is_empty() && field(form, "text").is_empty() {
                return Err(invalid("text", "required"));
            }
            let reply_by = date_field(form, "reply_by")?;
            actions::request_correction(
                &cw,
                actor,
                case,
                &items,
                field(form, "text"),
                reply_by,
                now,
            )
            .await?
        }
        CaseAction::Fee => {
            // A waiver has its own route, for approvers.
            let kind = match field(form, "entry") {
                "waiver" => return Err(invalid("entry", "choose")),
                kind => kind,
            };
            let entry = fee_entry(form, kind)?;
            let confirmed = field(form, "confirm_beyond_owed") == "1";
            fees::record_fee(&cw, actor, case, entry, confirmed, now).await?
        }
        CaseAction::Waive => {
            let entry = fee_entry(form, "waiver")?;
            fees::record_fee(&cw, actor, case, entry, false, now).await?
        }
        CaseAction::Extend => {
            let days: u32 = field(form, "days")
                .parse()
                .map_err(|_| invalid("days", "invalid"))?;
            let reason = field(form, "extend_reason");
            as_field(
                actions::extend(&cw, actor, case, days, reason, now).await,
                "extend_reason",
            )?
        }
        CaseAction::SpecialExtension => {
            let rest_by = date_field(form, "rest_by")?;
            let reason = field(form, "special_reason");
            let done = actions::special_extension(&cw, actor, case, rest_by, reason, now).await;
            as_field(done, "special_reason")?
        }
        CaseAction::ChooseDelivery => {
            let method: DeliveryMethod = field(form, "method")
                .parse()
                .map_err(|_| invalid("delivery_method", "choose"))?;
            delivery::choose_delivery(&cw, actor, case, method, now).await?
        }
        CaseAction::Deliver => {
            delivery::deliver(&cw, actor, case, field(form, "dispatch_note"), now).await?
        }
        CaseAction::Close => actions::close(&cw, actor, case, now).await?,
        CaseAction::Dismiss => {
            let reason = field(form, "dismiss_reason");
            as_field(
                actions::dismiss(&cw, actor, case, reason, now).await,
                "dismiss_reason",
            )?
        }
        CaseAction::Approve => decisions::approve(&cw, actor, case, now).await?,
        CaseAction::Return => {
            decisions::return_draft(&cw, actor, case, field(form, "comment"), now).await?
        }
    };
    Ok(())
}

/// Runs `action` on a fresh form and redirects to the case; a stale form or a refusal shows the
/// case again with the reason and what was typed.
async fn run(
    state: &AppState,
    me: &CaseWorker,
    page: PageContext,
    case_id: &str,
    posted: Posted<Fields>,
    action: CaseAction,
) -> Result<HttpResponse, AppError> {
    let form = match posted {
        Posted::Fresh(form) => form,
        Posted::Stale(form) => {
            return refused(state, me, page, case_id, Failure::StaleForm, form).await;
        }
    };
    match perform(state, me, case_id, action, &form).await {
        Ok(()) => Ok(see_other(&format!("/staff/cases/{case_id}"))),
        Err(error) => refused(state, me, page, case_id, error, form).await,
    }
}

/// One handler per action: `POST /staff/cases/{id}/<action>`, with the role it needs.
macro_rules! case_actions {
    ($($(#[$doc:meta])* $name:ident: $role:ident => $action:ident;)+) => {$(
        $(#[$doc])*
        pub async fn $name(
            state: web::Data<AppState>,
            me: $role,
            page: PageContext,
            case_id: web::Path<String>,
            CsrfForm(posted): CsrfForm<Fields>,
        ) -> Result<HttpResponse, AppError> {
            let me = CaseWorker::from(me);
            run(&state, &me, page, &case_id, posted, CaseAction::$action).await
        }
    )+};
}

case_actions! {
    /// Assign the case to oneself.
    take: CaseWorker => Take;
    /// Assign the case to someone else.
    assign: Approver => Assign;
    note: CaseWorker => Note;
    message: CaseWorker => Message;
    start_review: CaseWorker => StartReview;
    verify: CaseWorker => Verify;
    review_document: CaseWorker => ReviewDocument;
    destroy_document: CaseWorker => DestroyDocument;
    correction: CaseWorker => Correction;
    /// Invoice, payment or refund.
    fee: CaseWorker => Fee;
    /// Waive a fee (減免).
    waive: Approver => Waive;
    extend: CaseWorker => Extend;
    special_extension: CaseWorker => SpecialExtension;
    choose_delivery: CaseWorker => ChooseDelivery;
    deliver: CaseWorker => Deliver;
    close: CaseWorker => Close;
    dismiss: CaseWorker => Dismiss;
    /// Approve the drafted decision (someone other than its drafter).
    approve: Approver => Approve;
    /// Return the draft to its drafter with a comment.
    return_draft: Approver => Return;
}

impl From<Approver> for CaseWorker {
    fn from(approver: Approver) -> Self {
        CaseWorker {
            staff: approver.staff,
            actor: approver.actor,
        }
    }
}

#[derive(MultipartForm)]
pub struct FileForm {
    csrf: Option<Text<String>>,
    version: Option<Text<i64>>,
    file: Option<Bytes>,
}

impl CarriesCsrf for FileForm {
    fn csrf(&self) -> &str {
        self.csrf.as_deref().map_or("", String::as_str)
    }
}

/// POST /staff/cases/{id}/files: one disclosed file, encrypted before it touches disk.
pub async fn add_file(
    state: web::Data<AppState>,
    me: CaseWorker,
    page: PageContext,
    case_id: web::Path<String>,
    CsrfMultipart(posted): CsrfMultipart<FileForm>,
) -> Result<HttpResponse, AppError> {
    let result = match posted {
        Posted::Stale(_) => Err(Failure::StaleForm),
        Posted::Fresh(form) => {
            let version = form.version.map_or(-1, |v| v.into_inner());
            let bytes = form.file.map(|f| f.data.to_vec()).unwrap_or_default();
            let cw = casework(&state).await?;
            delivery::add_disclosure_file(&cw, &me.actor, (&case_id, version), bytes, state.now())
                .await
                .map(|_| ())
                .map_err(Failure::from)
        }
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/staff/cases/{case_id}"))),
        Err(failure) => refused(&state, &me, page, &case_id, failure, Fields::new()).await,
    }
}
