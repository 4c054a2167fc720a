//! POST /staff/cases/{id}/redact-number: a clerk replaces an Individual Number (マイナンバー)
//! that a stored message holds with asterisks; the service must not keep one (番号法 Art. 20,
//! docs/security.md §6). Audited as `message.number_redacted`.

use actix_web::{HttpResponse, web};

use super::roles::CaseWorker;
use crate::service::messages;
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::page::see_other;

#[derive(serde::Deserialize)]
pub struct RedactForm {
    #[serde(default)]
    message: String,
}

pub async fn redact_number(
    state: web::Data<AppState>,
    me: CaseWorker,
    case_id: web::Path<String>,
    CsrfForm(posted): CsrfForm<RedactForm>,
) -> Result<HttpResponse, AppError> {
    let form = posted.fresh()?;
    let redacted = messages::redact_individual_numbers(
        &state.db,
        &state.master,
        &me.actor,
        (&case_id, &form.message),
        state.now(),
    )
    .await
    .map_err(|e| match e {
        messages::MessageError::Db(db) => AppError::from(db),
        other => AppError::internal(other),
    })?;
    if !redacted {
        return Err(AppError::NotFound);
    }
    Ok(see_other(&format!("/staff/cases/{case_id}#messages")))
}
