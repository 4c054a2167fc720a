//! The requester answers a 補正 from the case page; the clock restarts from that day.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::case::case_page_typed;
use crate::domain::state::CaseState;
use crate::service::corrections;
use crate::service::lifecycle::ApplyError;
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::form::FieldErrors;
use crate::web::page::{PageContext, see_other};

/// The answer to a 補正, as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    pub answer: String,
}

pub async fn answer(
    state: web::Data<AppState>,
    access_token: web::Path<String>,
    page: PageContext,
    CsrfForm(posted): CsrfForm<AnswerForm>,
) -> Result<HttpResponse, AppError> {
    let (form, fresh) = posted.split();
    let row = super::case_by_token(&state, &access_token).await?;
    let body = form.answer.trim().to_string();
    let mut errors = FieldErrors::default();
    if !fresh {
        errors.add_general("field.csrf_expired");
    } else if row.state != CaseState::AwaitingRequester {
        return Ok(see_other(&format!("/case/{access_token}")));
    } else if body.is_empty() {
        errors.add("answer", "required");
    } else if body.chars().count() > crate::service::messages::MAX_CHARS {
        errors.add("answer", "too_long");
    } else {
        let desk = state.desk().await?;
        return match corrections::answer(&state.db, &desk, row, body, state.now()).await {
            Ok(_) | Err(ApplyError::Refused(_)) => Ok(see_other(&format!("/case/{access_token}"))),
            Err(ApplyError::Db(db)) => Err(db.into()),
            Err(other) => Err(AppError::internal(other)),
        };
    }
    case_page_typed(&state, &access_token, page, errors, body).await
}
