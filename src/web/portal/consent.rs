//! The requester's consent history on their case page, and the withdrawal (撤回) of a consent,
//! with a page that says what a withdrawal changes before anything happens (docs/consent.md §3).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::domain::consent::WithdrawnBy;
use crate::i18n::{Lang, jst_minutes};
use crate::service::consents::{self, ConsentEntry, ConsentError};
use crate::service::intake::draft::PRIVACY_NOTICE_VERSION;
use crate::service::portal;
use crate::web::AppState;
use crate::web::csrf::{CsrfForm, Posted};
use crate::web::error::AppError;
use crate::web::form::{FieldErrors, TokenOnly};
use crate::web::page::{PageContext, render, see_other};

/// One line of the history: what was agreed to, when, and its withdrawal.
pub struct ConsentLine {
    pub id: String,
    pub version: String,
    /// What the notice said, when it is the version this build shows (older texts are not kept
    /// here; the version names them).
    pub said: Vec<&'static str>,
    pub agreed_at: String,
    /// When, and who recorded it.
    pub withdrawn: Option<(String, &'static str)>,
}

pub fn lines(lang: Lang, entries: &[ConsentEntry]) -> Vec<ConsentLine> {
    entries
        .iter()
        .map(|entry| {
            let consent = &entry.consent;
            ConsentLine {
                id: entry.id.clone(),
                version: consent.notice_version.clone(),
                said: if consent.notice_version == PRIVACY_NOTICE_VERSION {
                    vec![
                        lang.t("request.start.privacy_1"),
                        lang.t("request.start.privacy_2"),
                    ]
                } else {
                    Vec::new()
                },
                agreed_at: jst_minutes(consent.agreed_at.naive_utc()),
                withdrawn: consent.withdrawn.map(|w| {
                    (
                        jst_minutes(w.at.naive_utc()),
                        lang.t(match w.by {
                            WithdrawnBy::Requester => "consent.by.requester",
                            WithdrawnBy::Staff => "consent.by.staff",
                        }),
                    )
                }),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "portal/consent_withdraw.html")]
struct WithdrawConsentPage {
    page: PageContext,
    token: String,
    receipt_number: String,
    consent: ConsentLine,
    errors: FieldErrors,
}

/// The page that says what withdrawing means, with the button.
pub async fn confirm_page(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    let (access_token, consent_id) = path.into_inner();
    let Some(case) = portal::case_view(&super::context(&state), &access_token, state.now()).await?
    else {
        return Err(AppError::NotFound);
    };
    let Some(consent) = lines(page.lang, &case.consents)
        .into_iter()
        .find(|c| c.id == consent_id)
    else {
        return Err(AppError::NotFound);
    };
    if consent.withdrawn.is_some() {
        return Ok(see_other(&format!("/case/{access_token}#consents")));
    }
    render(
        StatusCode::OK,
        &WithdrawConsentPage {
            page,
            token: access_token,
            receipt_number: case.row.receipt_number.unwrap_or_default(),
            consent,
            errors: FieldErrors::default(),
        },
    )
}

pub async fn withdraw(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    page: PageContext,
    CsrfForm(posted): CsrfForm<TokenOnly>,
) -> Result<HttpResponse, AppError> {
    let (access_token, consent_id) = path.into_inner();
    let row = super::case_by_token(&state, &access_token).await?;
    let mut errors = FieldErrors::default();
    if matches!(posted, Posted::Stale(_)) {
        errors.add_general("field.csrf_expired");
    } else {
        let desk = state.desk().await?;
        match consents::withdraw_by_requester(&state.db, &desk, &row, &consent_id, state.now())
            .await
        {
            Ok(_) => return Ok(see_other(&format!("/case/{access_token}#consents"))),
            Err(ConsentError::NotFound) => return Err(AppError::NotFound),
            Err(ConsentError::Refused(refused)) => {
                errors.add_general(&format!("field.consent.{}", refused.code()))
            }
            // Withdrawn meanwhile (another tab, or staff told by telephone).
            Err(ConsentError::Db(crate::db::DbError::Conflict(_))) => {
                errors.add_general("field.consent.already_withdrawn")
            }
            Err(ConsentError::Db(db)) => return Err(db.into()),
            Err(ConsentError::Corrupt(text)) => return Err(AppError::internal(text)),
        }
    }
    // Shown again with the reason; the history says what stands now.
    let Some(case) = portal::case_view(&super::context(&state), &access_token, state.now()).await?
    else {
        return Err(AppError::NotFound);
    };
    let Some(consent) = lines(page.lang, &case.consents)
        .into_iter()
        .find(|c| c.id == consent_id)
    else {
        return Err(AppError::NotFound);
    };
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &WithdrawConsentPage {
            page,
            token: access_token,
            receipt_number: row.receipt_number.unwrap_or_default(),
            consent,
            errors,
        },
    )
}
