//! Withdrawing a request (取下げ), with a page that says what it means before anything happens.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::service::lifecycle::ApplyError;
use crate::service::portal::{self, CaseRow};
use crate::web::AppState;
use crate::web::csrf::{CsrfForm, Posted};
use crate::web::error::AppError;
use crate::web::form::{FieldErrors, TokenOnly};
use crate::web::page::{PageContext, render, see_other};

#[derive(Template)]
#[template(path = "portal/withdraw.html")]
struct WithdrawPage {
    page: PageContext,
    token: String,
    receipt_number: String,
    errors: FieldErrors,
}

fn withdrawable(row: &CaseRow) -> bool {
    row.state.awaits_decision()
}

pub async fn confirm_page(
    state: web::Data<AppState>,
    access_token: web::Path<String>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    let row = super::case_by_token(&state, &access_token).await?;
    if !withdrawable(&row) {
        return Ok(see_other(&format!("/case/{access_token}")));
    }
    let receipt_number = row.receipt_number.unwrap_or_default();
    render(
        StatusCode::OK,
        &WithdrawPage {
            page,
            token: access_token.into_inner(),
            receipt_number,
            errors: FieldErrors::default(),
        },
    )
}

pub async fn withdraw(
    state: web::Data<AppState>,
    access_token: web::Path<String>,
    page: PageContext,
    CsrfForm(posted): CsrfForm<TokenOnly>,
) -> Result<HttpResponse, AppError> {
    let row = super::case_by_token(&state, &access_token).await?;
    let receipt_number = row.receipt_number.clone().unwrap_or_default();
    if matches!(posted, Posted::Stale(_)) {
        let mut errors = FieldErrors::default();
        errors.add_general("field.csrf_expired");
        let token = access_token.into_inner();
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &WithdrawPage {
                page,
                token,
                receipt_number,
                errors,
            },
        );
    }
    if !withdrawable(&row) {
        return Ok(see_other(&format!("/case/{access_token}")));
    }
    let desk = state.desk().await?;
    match portal::withdraw(&state.db, &desk, row, state.now()).await {
        Ok(_) => Ok(see_other(&format!("/case/{access_token}"))),
        Err(ApplyError::Db(db)) => Err(db.into()),
        Err(other) => Err(AppError::internal(other)),
    }
}
