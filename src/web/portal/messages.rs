//! The requester writes to the help desk from the case page.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::domain::state::CaseState;
use crate::service::messages::{self, MessageError};
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::form::FieldErrors;
use crate::web::page::{PageContext, see_other};

/// A message to the help desk, as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MessageForm {
    pub message: String,
}

pub async fn send(
    state: web::Data<AppState>,
    access_token: web::Path<String>,
    page: PageContext,
    CsrfForm(posted): CsrfForm<MessageForm>,
) -> Result<HttpResponse, AppError> {
    let (form, fresh) = posted.split();
    let row = super::case_by_token(&state, &access_token).await?;
    let body = form.message;
    let mut errors = FieldErrors::default();
    if !fresh {
        errors.add_general("field.csrf_expired");
    } else if row.state == CaseState::Unconfirmed {
        return Ok(see_other(&format!("/case/{access_token}")));
    } else {
        match messages::from_requester(
            &state.db,
            &state.master,
            &row.id,
            row.state,
            &body,
            state.now(),
        )
        .await
        {
            Ok(()) => return Ok(see_other(&format!("/case/{access_token}#messages"))),
            Err(MessageError::Empty) => errors.add("message", "required"),
            Err(MessageError::TooLong) => errors.add("message", "too_long"),
            Err(MessageError::Db(db)) => return Err(db.into()),
            Err(other) => return Err(AppError::internal(other)),
        }
    }
    case_page_with_draft(&state, &access_token, page, errors, body).await
}

/// The case page again, with the message as typed so nothing is lost.
async fn case_page_with_draft(
    state: &AppState,
    access_token: &str,
    page: PageContext,
    errors: FieldErrors,
    body: String,
) -> Result<HttpResponse, AppError> {
    super::case::case_page_typed(state, access_token, page, errors, body).await
}
