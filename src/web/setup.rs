//! First run: the one-time link printed on the console lets the first administrator create their
//! account in the browser.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::AppState;
use super::csrf::CsrfForm;
use super::error::AppError;
use super::form::FieldErrors;
use super::page::{PageContext, render, see_other};
use super::session;
use crate::service::accounts::{self, AccountError, AccountInput};

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    page: PageContext,
    token: String,
    email: String,
    display_name: String,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "setup_invalid.html")]
struct SetupInvalidPage {
    page: PageContext,
}

#[derive(serde::Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

pub async fn show(
    state: web::Data<AppState>,
    token: web::Path<String>,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    if !accounts::setup_link_usable(&state.db, &token, state.now()).await? {
        return render(StatusCode::NOT_FOUND, &SetupInvalidPage { page });
    }
    render(
        StatusCode::OK,
        &SetupPage {
            page,
            token: token.into_inner(),
            email: String::new(),
            display_name: String::new(),
            errors: FieldErrors::default(),
        },
    )
}

pub async fn submit(
    state: web::Data<AppState>,
    token: web::Path<String>,
    session: Session,
    page: PageContext,
    CsrfForm(posted): CsrfForm<SetupForm>,
) -> Result<HttpResponse, AppError> {
    let (form, fresh) = posted.split();
    let input = AccountInput {
        email: form.email,
        display_name: form.display_name,
        password: form.password,
    }
    .normalised();
    let mut errors = match input.check() {
        Ok(()) => FieldErrors::default(),
        Err(e) => FieldErrors::from_validation(&e),
    };
    if input.password != form.password_confirm {
        errors.add("password_confirm", "password_mismatch");
    }
    if !fresh {
        errors.add_general("field.csrf_expired");
    }
    if errors.is_empty() {
        match accounts::complete_setup(
            &state.db,
            &token,
            input.clone(),
            state.now(),
            state.password_cost,
        )
        .await
        {
            Ok(row) => {
                session::sign_in(&state, &session, &row).await?;
                return Ok(see_other("/staff"));
            }
            Err(AccountError::SetupLinkInvalid) => {
                return render(StatusCode::NOT_FOUND, &SetupInvalidPage { page });
            }
            Err(AccountError::EmailTaken) => errors.add("email", "email_taken"),
            Err(AccountError::Invalid(e)) => errors = FieldErrors::from_validation(&e),
            Err(other) => return Err(other.into()),
        }
    }
    // Passwords are never sent back to the browser; everything else is kept as typed.
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &SetupPage {
            page,
            token: token.into_inner(),
            email: input.email,
            display_name: input.display_name,
            errors,
        },
    )
}
