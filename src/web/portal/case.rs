//! After submission: confirming the e-mail address, the private case page, and getting a fresh
//! link by receipt number and e-mail (without revealing whether either exists).

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::link_gone::{confirmation_expired, link_unknown};
use super::{context, pending_case};
use crate::domain::deadline::{Clock, DeadlineStatus, Period, jst_date};
use crate::domain::document::DocumentStatus;
use crate::domain::identity::DocumentType;
use crate::domain::identity_review::PRE_UPLOAD_WARNINGS;
use crate::domain::lifecycle::FeeStatus;
use crate::domain::profile::OperatorProfile;
use crate::domain::state::{CaseState, PauseReason};
use crate::i18n::Lang;
use crate::service::intake::submit::{self, IntakeError};
use crate::service::portal;
use crate::web::AppState;
use crate::web::csrf::{CsrfForm, Posted};
use crate::web::error::AppError;
use crate::web::form::{FieldErrors, TokenOnly};
use crate::web::page::{PageContext, render, see_other};
use crate::web::staff::roles::audit_context;

/// The confirmation code the requester was mailed, as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CodeForm {
    pub code: String,
}

/// A receipt number and an e-mail address, to be sent a fresh link.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LookupForm {
    pub receipt_number: String,
    pub email: String,
}

/// How long a decision takes under this profile, in words.
pub fn period_text(lang: Lang, profile: &OperatorProfile) -> String {
    match (profile.decision_period, lang) {
        (
            Period::CalendarDays {
                days,
                first_day_counted: false,
            },
            Lang::Ja,
        ) => {
            format!(
                "受付日の翌日から{days}日以内に決定します（補正に要した日数を除きます。延長する場合は事前にお知らせします）。"
            )
        }
        (
            Period::CalendarDays {
                days,
                first_day_counted: true,
            },
            Lang::Ja,
        ) => {
            format!(
                "受付日を含めて{days}日以内に決定します（補正に要した日数を除きます。延長する場合は事前にお知らせします）。"
            )
        }
        (Period::CalendarDays { days, .. }, Lang::En) => format!(
            "We decide within {days} days of receipt (days spent on corrections are not counted; if we need longer, we tell you in advance)."
        ),
        (Period::OfficeDays { days }, Lang::Ja) => {
            format!("遅滞なく、目安として受付から{days}営業日以内に回答します。")
        }
        (Period::OfficeDays { days }, Lang::En) => {
            format!("We answer without delay, as a rule within {days} business days of receipt.")
        }
    }
}

/// A stored UTC time as Japan time (UTC+9 all year: Japan has no daylight saving).
fn jst(at: NaiveDateTime) -> String {
    crate::i18n::jst_minutes(at)
}

#[derive(Template)]
#[template(path = "portal/sent.html")]
struct SentPage {
    page: PageContext,
    errors: FieldErrors,
    attempts_left: Option<i32>,
    /// What happens without confirmation, with the hours the operator keeps such requests.
    no_mail: String,
}

fn no_mail(state: &AppState, page: &PageContext) -> String {
    page.t("request.sent.no_mail").replace(
        "{hours}",
        &state.profile().unconfirmed_expiry_hours.to_string(),
    )
}

pub async fn sent(
    state: web::Data<AppState>,
    session: Session,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    if pending_case(&session).is_none() {
        return Ok(see_other("/request"));
    }
    render(
        StatusCode::OK,
        &SentPage {
            no_mail: no_mail(&state, &page),
            page,
            errors: FieldErrors::default(),
            attempts_left: None,
        },
    )
}

pub async fn confirm_code(
    state: web::Data<AppState>,
    session: Session,
    page: PageContext,
    CsrfForm(posted): CsrfForm<CodeForm>,
) -> Result<HttpResponse, AppError> {
    let Some((case_id, access_token)) = pending_case(&session) else {
        return Ok(see_other("/request"));
    };
    let mut errors = FieldErrors::default();
    let Posted::Fresh(form) = posted else {
        errors.add_general("field.csrf_expired");
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SentPage {
                no_mail: no_mail(&state, &page),
                page,
                errors,
                attempts_left: None,
            },
        );
    };
    match submit::confirm_by_code(
        &context(&state),
        &case_id,
        &access_token,
        form.code.trim(),
        state.now(),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("/case/{access_token}"))),
        Err(IntakeError::WrongCode { attempts_left }) => {
            errors.add("code", "wrong");
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &SentPage {
                    no_mail: no_mail(&state, &page),
                    page,
                    errors,
                    attempts_left: Some(attempts_left),
                },
            )
        }
        Err(IntakeError::CodeExpired) => {
            errors.add("code", "expired");
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &SentPage {
                    no_mail: no_mail(&state, &page),
                    page,
                    errors,
                    attempts_left: Some(0),
                },
            )
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn confirm_link(
    state: web::Data<AppState>,
    access_token: web::Path<String>,
    page: PageContext,
    CsrfForm(posted): CsrfForm<TokenOnly>,
) -> Result<HttpResponse, AppError> {
    // A stale button shows the page again, where it can be pressed once more.
    if let Posted::Stale(_) = posted {
        return Ok(see_other(&format!("/case/{access_token}")));
    }
    match submit::confirm_by_link(&context(&state), &access_token, state.now()).await {
        Ok(_) => Ok(see_other(&format!("/case/{access_token}"))),
        Err(IntakeError::Db(crate::db::DbError::NotFound)) => link_unknown(&state, page),
        Err(IntakeError::CodeExpired) => confirmation_expired(&state, page),
        Err(other) => Err(other.into()),
    }
}

/// The events a requester's timeline shows, each with a requester-facing `case.event.*` label.
pub const REQUESTER_EVENTS: [&str; 26] = [
    "submitted",
    "entered",
    "confirm_email",
    "document_uploaded",
    "document_destroyed",
    "documents_retention_destroyed",
    "verify_identity",
    "request_correction",
    "requester_answered",
    "invoice_fee",
    "record_payment",
    "waive_fee",
    "fee_refunded",
    "approve_decision",
    "extend_deadline",
    "apply_special_extension",
    "choose_delivery_method",
    "deliver",
    "file_downloaded",
    "message_to_requester",
    "message_from_requester",
    "close",
    "withdraw",
    "dismiss",
    "transfer",
    "consent_withdrawn",
];

pub struct TimelineEntry {
    pub at: String,
    pub label: &'static str,
}

pub struct MessageEntry {
    pub at: String,
    pub from: &'static str,
    pub body: String,
}

pub struct DocumentEntry {
    pub kind: &'static str,
    pub uploaded: String,
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "portal/case.html")]
struct CasePage {
    page: PageContext,
    errors: FieldErrors,
    token: String,
    unconfirmed: bool,
    receipt_number: String,
    kind_label: &'static str,
    state_label: &'static str,
    received: Option<String>,
    due: Option<String>,
    statutory_due: Option<String>,
    /// The catalogue key saying what a stopped clock waits for: the requester's 補正 or the fee.
    clock_stopped: Option<&'static str>,
    /// The clock is stopped for the fee: the fee panel says so, and that it is not a 補正.
    waiting_for_fee: bool,
    overdue: bool,
    explanation: Vec<String>,
    timeline: Vec<TimelineEntry>,
    closed: bool,
    accepts_documents: bool,
    messages: Vec<MessageEntry>,
    typed_message: String,
    /// A pending 補正: the date to answer by, and what the help desk asked.
    /// The reply-by date, what the desk asked, and when no answer means dismissal (if configured).
    correction: Option<(String, String, Option<String>)>,
    /// A fee to pay: the amount, the ways to pay it and the confirmed places to pay.
    fee_due: Option<(i64, Vec<&'static str>, Vec<String>)>,
    withdrawable: bool,
    /// Links to this case other than the one in use (mailed by look-ups), which the requester
    /// may end.
    other_links: i64,
    document_types: Vec<(&'static str, &'static str)>,
    documents: Vec<DocumentEntry>,
    warnings: Vec<&'static str>,
    notices: Vec<super::files::IssuedNotice>,
    downloads: Vec<super::files::DownloadEntry>,
    letters: Vec<crate::service::letters::Listed>,
    contact: Vec<super::ContactLine>,
    /// The labels of the due date and its last day: a public body's are statutory; a private
    /// business's 「遅滞なく」 is its own target, never called 「法定の期限」.
    due_label: &'static str,
    statutory_label: &'static str,
    /// 「これからの流れ」 for the state the case is in.
    next_step: &'static str,
    /// What the requester agreed to and when, with any withdrawal.
    consents: Vec<super::consent::ConsentLine>,
}

pub async fn show(
    state: web::Data<AppState>,
    access_token: web::Path<String>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    let view = portal::case_view(&context(&state), &access_token, state.now()).await?;
    if view.is_none() {
        return link_unknown(&state, page);
    }
    case_page(&state, &access_token, page, FieldErrors::default()).await
}

/// The case page; shown with 422 when an action on it (an upload) had problems.
pub async fn case_page(
    state: &AppState,
    access_token: &str,
    page: PageContext,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    case_page_typed(state, access_token, page, errors, String::new()).await
}

/// The case page with a message the requester typed but could not send yet.
pub async fn case_page_typed(
    state: &AppState,
    access_token: &str,
    page: PageContext,
    errors: FieldErrors,
    typed_message: String,
) -> Result<HttpResponse, AppError> {
    let now = state.now();
    let Some(case) = portal::case_view(&context(state), access_token, now).await? else {
        return Err(AppError::NotFound);
    };
    let lang = page.lang;
    let case_state = case.state();
    let kind = case.facts.kind;
    let today = jst_date(now);
    let portal::RequesterCase {
        row,
        facts,
        deadline,
        events,
        documents: docs,
        messages: conversation,
        decisions,
        reply_by: open_reply_by,
        dismissal_on,
        other_links,
        letters,
        consents,
    } = case;
    // Only what the requester did or was told: internal steps (assignment, notes, each document
    // review, drafts sent back) are the help desk's, not the requester's history.
    let timeline = events
        .iter()
        .filter(|e| REQUESTER_EVENTS.contains(&e.event.as_str()))
        .map(|e| TimelineEntry {
            at: jst(e.at),
            label: lang.t(&format!("case.event.{}", e.event)),
        })
        .collect();
    let notices = super::files::issued_notices(
        &state.master,
        (&facts, &state.profile().letters),
        lang,
        &decisions,
    );
    let downloads = super::files::downloads(&docs, now.naive_utc());
    let documents = docs
        .iter()
        .filter(|d| d.purpose.from_requester())
        .map(|d| DocumentEntry {
            kind: d
                .declared_type
                .parse::<DocumentType>()
                .map(|t| lang.pick(t.label_ja(), t.label_en()))
                .unwrap_or("…"),
            uploaded: jst(d.uploaded_at),
            // Destroyed at the end of the retention period, the verdict stays on the row.
            status: page.t_in(
                "case.documents.status.",
                if d.destroyed_at.is_some() {
                    DocumentStatus::Destroyed.as_str()
                } else {
                    d.status.as_str()
                },
            ),
        })
        .collect();
    let conversation: Vec<MessageEntry> = conversation
        .into_iter()
        .map(|m| MessageEntry {
            at: jst(m.at),
            from: if m.from_requester {
                lang.t("case.messages.from_you")
            } else {
                lang.t("case.messages.from_desk")
            },
            body: m.body,
        })
        .collect();
    let fee_due = match facts.fee {
        FeeStatus::Outstanding { amount } if !case_state.is_terminal() => {
            let on = row
                .received_at
                .map(|r| jst_date(r.and_utc()))
                .unwrap_or(today);
            let methods = state
                .payment_methods_on(on)
                .map(|methods| {
                    methods
                        .iter()
                        .map(|m| lang.t(&format!("payment.method.{}", m.as_str())))
                        .collect()
                })
                .unwrap_or_default();
            let destinations =
                crate::domain::payment_to::where_to_pay(&state.profile().office.payment)
                    .iter()
                    .map(|line| lang.pick(&line.ja, &line.en).to_string())
                    .collect();
            Some((amount.0, methods, destinations))
        }
        _ => None,
    };
    let correction = (case_state == CaseState::AwaitingRequester).then(|| {
        let dismissal = dismissal_on.map(|on| {
            lang.t("case.correction.dismissal")
                .replace("{date}", &on.to_string())
        });
        let reply_by = open_reply_by.map(|d| d.to_string()).unwrap_or_default();
        let asked = conversation
            .iter()
            .rev()
            .find(|m| m.from == lang.t("case.messages.from_desk"))
            .map(|m| m.body.clone())
            .unwrap_or_default();
        (reply_by, asked, dismissal)
    });
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        status,
        &CasePage {
            errors,
            token: access_token.to_string(),
            unconfirmed: case_state == CaseState::Unconfirmed,
            receipt_number: row.receipt_number.clone().unwrap_or_default(),
            kind_label: lang.pick(kind.label_ja(), kind.label_en()),
            state_label: lang.pick(case_state.label_ja(), case_state.label_en()),
            received: row.received_at.map(jst),
            due: deadline.as_ref().map(|(d, _)| d.due_office_day.to_string()),
            statutory_due: deadline
                .as_ref()
                .map(|(d, _)| d.statutory_last_day.to_string()),
            clock_stopped: deadline.as_ref().and_then(|(d, _)| match d.clock {
                Clock::Stopped {
                    reason: PauseReason::Correction,
                    ..
                } => Some("case.clock_stopped"),
                Clock::Stopped {
                    reason: PauseReason::Payment,
                    ..
                } => Some("case.clock_stopped_payment"),
                Clock::Running => None,
            }),
            waiting_for_fee: deadline.as_ref().is_some_and(|(d, _)| {
                matches!(
                    d.clock,
                    Clock::Stopped {
                        reason: PauseReason::Payment,
                        ..
                    }
                )
            }),
            overdue: deadline
                .as_ref()
                .is_some_and(|(d, _)| d.status == Some(DeadlineStatus::Overdue)),
            explanation: deadline
                .map(|(_, e)| {
                    e.steps
                        .iter()
                        .map(|s| lang.pick(&s.ja, &s.en).to_string())
                        .collect()
                })
                .unwrap_or_default(),
            timeline,
            closed: case_state.is_terminal(),
            accepts_documents: case_state.takes_documents(),
            correction,
            fee_due,
            messages: conversation,
            typed_message,
            withdrawable: case_state.awaits_decision(),
            other_links,
            document_types: DocumentType::ALL
                .iter()
                .map(|t| (t.as_str(), lang.pick(t.label_ja(), t.label_en())))
                .collect(),
            documents,
            warnings: PRE_UPLOAD_WARNINGS
                .iter()
                .map(|w| lang.pick(&w.ja, &w.en))
                .collect(),
            notices,
            letters,
            downloads,
            contact: super::contact_lines(lang, &state.profile()),
            due_label: if facts.regime.rules().statutory_period {
                lang.t("case.due")
            } else {
                lang.t("case.due_target")
            },
            statutory_label: if facts.regime.rules().statutory_period {
                lang.t("case.statutory_due")
            } else {
                lang.t("case.target_last_day")
            },
            next_step: lang.t(&format!("case.next.{}", case_state.as_str())),
            consents: super::consent::lines(lang, &consents),
            page,
        },
    )
}

#[derive(Template)]
#[template(path = "portal/lookup.html")]
struct LookupPage {
    page: PageContext,
    receipt_number: String,
    email: String,
    errors: FieldErrors,
    sent: bool,
}

pub async fn lookup_form(page: PageContext) -> Result<HttpResponse, AppError> {
    render(
        StatusCode::OK,
        &LookupPage {
            page,
            receipt_number: String::new(),
            email: String::new(),
            errors: FieldErrors::default(),
            sent: false,
        },
    )
}

/// Mails a fresh private link when the receipt number and e-mail match a case. The answer is the
/// same whether they match or not, so the form reveals nothing about who has made a request.
pub async fn lookup_submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    page: PageContext,
    CsrfForm(posted): CsrfForm<LookupForm>,
) -> Result<HttpResponse, AppError> {
    let form = posted.form();
    let receipt_number = form.receipt_number.trim().replace('－', "-");
    let email = form.email.trim().to_string();
    let mut errors = FieldErrors::default();
    if let Posted::Stale(_) = posted {
        errors.add_general("field.csrf_expired");
    }
    if receipt_number.is_empty() {
        errors.add("receipt_number", "required");
    }
    if email.is_empty() {
        errors.add("email", "required");
    }
    if !errors.is_empty() {
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &LookupPage {
                page,
                receipt_number,
                email,
                errors,
                sent: false,
            },
        );
    }
    // The look-up runs after the answer has gone: a match seals and queues a mail that a miss
    // does not, and the answer must take the same time either way (docs/security.md §5). The
    // requester who gets no mail (a fault logged here) asks again.
    let (task_state, context_of_request, now) = (state.clone(), audit_context(&req), state.now());
    let (number, address) = (receipt_number.clone(), email.clone());
    actix_web::rt::spawn(async move {
        let sent = portal::send_case_link(
            &context(&task_state),
            &number,
            &address,
            now,
            context_of_request,
        )
        .await;
        if let Err(error) = sent {
            tracing::error!(error = %error, "case link look-up failed");
        }
    });
    render(
        StatusCode::OK,
        &LookupPage {
            page,
            receipt_number,
            email,
            errors,
            sent: true,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_japan_time() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 3, 31)
            .unwrap()
            .and_hms_opt(15, 0, 5)
            .unwrap();
        assert_eq!(jst(at), "2026-04-01 00:00");
    }
}

#[derive(serde::Deserialize)]
pub struct NoFields {}

/// POST /case/{token}/links/end-others: every link to the case except this one stops working.
pub async fn end_other_links(
    state: web::Data<AppState>,
    access_token: web::Path<String>,
    req: HttpRequest,
    CsrfForm(posted): CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    posted.fresh()?;
    let ended = portal::end_other_links(
        &context(&state),
        &access_token,
        state.now(),
        audit_context(&req),
    )
    .await?;
    if !ended {
        return Err(AppError::NotFound);
    }
    Ok(see_other(&format!("/case/{access_token}")))
}
