//! POSTs from the staff case page. Each parses its form, calls one casework function and
//! redirects back to the case; a refusal re-shows the case with the reason and what was typed.

use std::collections::HashMap;

use actix_multipart::form::MultipartForm;
use actix_multipart::form::bytes::Bytes;
use actix_multipart::form::text::Text;
use actix_session::Session;
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
use crate::web::error::AppError;
use crate::web::form::FieldErrors;
use crate::web::page::{PageContext, see_other};
use crate::web::session::csrf_matches;

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

fn amount_field(form: &Fields) -> Result<Yen, CaseworkError> {
    match field(form, "amount") {
        "" => Err(invalid("amount", "required")),
        raw => match parse_yen(raw) {
            None => Err(invalid("amount", "invalid")),
            Some(y) if !y.is_positive() => Err(invalid("amount", "positive")),
            Some(y) => Ok(y),
        },
    }
}

/// The response to a failed action: the case again, with the reason and the typed values.
pub async fn refused(
    state: &AppState,
    me: &CaseWorker,
    page: PageContext,
    case_id: &str,
    error: CaseworkError,
    typed: Fields,
) -> Result<HttpResponse, AppError> {
    let lang = page.lang;
    let mut feedback = Feedback {
        typed,
        ..Feedback::default()
    };
    match error {
        CaseworkError::Conflict => {
            feedback.status = Some(StatusCode::CONFLICT);
            feedback.errors.add_general("staff.case.conflict");
        }
        CaseworkError::StaleForm => {
            feedback.status = Some(StatusCode::UNPROCESSABLE_ENTITY);
            feedback.errors.add_general("field.csrf_expired");
        }
        CaseworkError::Refused(refusal) => {
            feedback.status = Some(StatusCode::UNPROCESSABLE_ENTITY);
            let text = refusal.text();
            feedback.refusal = Some(lang.pick(&text.ja, &text.en).to_string());
        }
        CaseworkError::Invalid(problems) => {
            feedback.status = Some(StatusCode::UNPROCESSABLE_ENTITY);
            for (name, code) in problems {
                feedback.errors.add(name, code);
            }
        }
        other => return Err(other.into()),
    }
    render_case(state, me, page, case_id, feedback).await
}

async fn dispatch(
    state: &AppState,
    me: &CaseWorker,
    case_id: &str,
    action: &str,
    form: &Fields,
) -> Result<(), CaseworkError> {
    let cw = casework(state).await?;
    let actor = &me.actor;
    let now = state.now();
    let version: i64 = field(form, "version")
        .parse()
        .map_err(|_| CaseworkError::Conflict)?;
    let case = (case_id, version);
    match action {
        "take" => actions::assign(&cw, actor, case, &me.staff.id, now).await?,
        "assign" => actions::assign(&cw, actor, case, field(form, "assignee"), now).await?,
        "note" => actions::write(&cw, actor, case, false, field(form, "note"), now).await?,
        "message" => actions::write(&cw, actor, case, true, field(form, "message"), now).await?,
        "start-review" => actions::start_review(&cw, actor, case, now).await?,
        "verify" => actions::verify_identity(&cw, actor, case, now).await?,
        "review-document" => {
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
        "destroy-document" => {
            let finding: MaskingFinding = field(form, "finding")
                .parse()
                .map_err(|_| invalid("finding", "choose"))?;
            review::destroy_document(&cw, actor, case, field(form, "document"), finding, now)
                .await?
        }
        "correction" => {
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
        "fee" => {
            let amount = amount_field(form)?;
            let method = match field(form, "method") {
                "" => None,
                raw => Some(
                    raw.parse::<PaymentMethod>()
                        .map_err(|_| invalid("method", "choose"))?,
                ),
            };
            let entry = fees::ledger_entry(
                field(form, "entry"),
                amount,
                method,
                field(form, "reference"),
                field(form, "fee_reason"),
            );
            let entry = as_field(entry, "fee_reason")?;
            fees::record_fee(&cw, actor, case, entry, now).await?
        }
        "extend" => {
            let days: u32 = field(form, "days")
                .parse()
                .map_err(|_| invalid("days", "invalid"))?;
            let reason = field(form, "extend_reason");
            as_field(
                actions::extend(&cw, actor, case, days, reason, now).await,
                "extend_reason",
            )?
        }
        "special-extension" => {
            let rest_by = date_field(form, "rest_by")?;
            let reason = field(form, "special_reason");
            let done = actions::special_extension(&cw, actor, case, rest_by, reason, now).await;
            as_field(done, "special_reason")?
        }
        "choose-delivery" => {
            let method: DeliveryMethod = field(form, "method")
                .parse()
                .map_err(|_| invalid("delivery_method", "choose"))?;
            delivery::choose_delivery(&cw, actor, case, method, now).await?
        }
        "deliver" => delivery::deliver(&cw, actor, case, field(form, "dispatch_note"), now).await?,
        "close" => actions::close(&cw, actor, case, now).await?,
        "dismiss" => {
            let reason = field(form, "dismiss_reason");
            as_field(
                actions::dismiss(&cw, actor, case, reason, now).await,
                "dismiss_reason",
            )?
        }
        _ => return Err(CaseworkError::NotFound),
    };
    Ok(())
}

/// POST /staff/cases/{id}/{action}
pub async fn act(
    state: web::Data<AppState>,
    me: CaseWorker,
    page: PageContext,
    session: Session,
    path: web::Path<(String, String)>,
    form: web::Form<Fields>,
) -> Result<HttpResponse, AppError> {
    let (case_id, action) = path.into_inner();
    let form = form.into_inner();
    if !csrf_matches(&session, field(&form, "csrf")) {
        let mut errors = FieldErrors::default();
        errors.add_general("field.csrf_expired");
        let feedback = Feedback {
            status: Some(StatusCode::UNPROCESSABLE_ENTITY),
            errors,
            typed: form,
            ..Feedback::default()
        };
        return render_case(&state, &me, page, &case_id, feedback).await;
    }
    match dispatch(&state, &me, &case_id, &action, &form).await {
        Ok(()) => Ok(see_other(&format!("/staff/cases/{case_id}"))),
        Err(error) => refused(&state, &me, page, &case_id, error, form).await,
    }
}

/// POST /staff/cases/{id}/approve and /return: approvers only.
pub async fn review_draft(
    state: web::Data<AppState>,
    approver: Approver,
    page: PageContext,
    session: Session,
    path: web::Path<(String, String)>,
    form: web::Form<Fields>,
) -> Result<HttpResponse, AppError> {
    let (case_id, action) = path.into_inner();
    let form = form.into_inner();
    let me = CaseWorker {
        staff: approver.staff,
        actor: approver.actor,
    };
    let cw = casework(&state).await?;
    let result = if !csrf_matches(&session, field(&form, "csrf")) {
        Err(CaseworkError::StaleForm)
    } else {
        let version: i64 = field(&form, "version").parse().unwrap_or(-1);
        let case = (case_id.as_str(), version);
        match action.as_str() {
            "approve" => decisions::approve(&cw, &me.actor, case, state.now()).await,
            _ => {
                decisions::return_draft(&cw, &me.actor, case, field(&form, "comment"), state.now())
                    .await
            }
        }
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/staff/cases/{case_id}"))),
        Err(error) => refused(&state, &me, page, &case_id, error, form).await,
    }
}

#[derive(MultipartForm)]
pub struct FileForm {
    csrf: Option<Text<String>>,
    version: Option<Text<i64>>,
    file: Option<Bytes>,
}

/// POST /staff/cases/{id}/files: one disclosed file, encrypted before it touches disk.
pub async fn add_file(
    state: web::Data<AppState>,
    me: CaseWorker,
    page: PageContext,
    session: Session,
    case_id: web::Path<String>,
    MultipartForm(form): MultipartForm<FileForm>,
) -> Result<HttpResponse, AppError> {
    let result = if !form
        .csrf
        .as_ref()
        .is_some_and(|t| csrf_matches(&session, t))
    {
        Err(CaseworkError::StaleForm)
    } else {
        let version = form.version.map_or(-1, |v| v.into_inner());
        let bytes = form.file.map(|f| f.data.to_vec()).unwrap_or_default();
        let cw = casework(&state).await?;
        delivery::add_disclosure_file(&cw, &me.actor, (&case_id, version), bytes, state.now())
            .await
            .map(|_| ())
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/staff/cases/{case_id}"))),
        Err(error) => refused(&state, &me, page, &case_id, error, Fields::new()).await,
    }
}
