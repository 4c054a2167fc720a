//! Staff sign-in and the workspace entry page.

use actix_session::Session;
use actix_web::HttpMessage;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Utc;
use tracing_actix_web::RequestId;

use super::AppState;
use super::error::AppError;
use super::form::FieldErrors;
use super::page::{PageContext, render, safe_next, see_other};
use super::session::{self, CurrentStaff};
use crate::db::staff as staff_repo;
use crate::service::accounts::{self, AccountError};

pub fn login_url(next: &str) -> String {
    let encoded: String = next
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect();
    format!("/staff/login?next={encoded}")
}

#[derive(Template)]
#[template(path = "staff/login.html")]
struct LoginPage {
    page: PageContext,
    email: String,
    next: String,
    errors: FieldErrors,
}

#[derive(serde::Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn login_form(
    page: PageContext,
    query: web::Query<LoginQuery>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(query.next.as_deref(), "/staff");
    render(
        StatusCode::OK,
        &LoginPage {
            page,
            email: String::new(),
            next,
            errors: FieldErrors::default(),
        },
    )
}

pub async fn login_submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    page: PageContext,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref(), "/staff");
    let mut errors = FieldErrors::default();
    if !session::csrf_matches(&session, &form.csrf) {
        errors.add_general("field.csrf_expired");
    } else {
        let audit_context = (
            req.peer_addr().map(|a| a.ip().to_string()),
            req.extensions().get::<RequestId>().map(ToString::to_string),
        );
        match accounts::sign_in(
            &state.db,
            &form.email,
            form.password,
            Utc::now(),
            audit_context,
        )
        .await
        {
            Ok(row) => {
                session::sign_in(&session, &row)?;
                return Ok(see_other(&next));
            }
            Err(AccountError::BadCredentials) => errors.add_general("login.bad_credentials"),
            Err(AccountError::Locked(_)) => errors.add_general("login.locked"),
            Err(AccountError::Disabled) => errors.add_general("login.disabled"),
            Err(other) => return Err(other.into()),
        }
    }
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &LoginPage {
            page,
            email: form.email,
            next,
            errors,
        },
    )
}

#[derive(serde::Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(session: Session, form: web::Form<CsrfOnly>) -> Result<HttpResponse, AppError> {
    if !session::csrf_matches(&session, &form.csrf) {
        return Err(AppError::BadRequest);
    }
    session::sign_out(&session);
    Ok(see_other("/staff/login"))
}

/// Invalidates this account's sessions on every device and every instance.
pub async fn logout_everywhere(
    state: web::Data<AppState>,
    staff: CurrentStaff,
    session: Session,
    form: web::Form<CsrfOnly>,
) -> Result<HttpResponse, AppError> {
    if !session::csrf_matches(&session, &form.csrf) {
        return Err(AppError::BadRequest);
    }
    let id = staff.id.clone();
    state
        .db
        .write(move |conn| staff_repo::bump_auth_epoch(conn, &id))
        .await?;
    session::sign_out(&session);
    Ok(see_other("/staff/login"))
}

#[derive(Template)]
#[template(path = "staff/home.html")]
struct StaffHomePage {
    page: PageContext,
    staff: CurrentStaff,
}

pub async fn home(staff: CurrentStaff, page: PageContext) -> Result<HttpResponse, AppError> {
    let page = page.with_staff(&staff.display_name);
    render(StatusCode::OK, &StaffHomePage { page, staff })
}
