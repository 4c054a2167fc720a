//! The staff workspace: sign-in, the queue, the case page and its actions, the audit log.

mod actions;
mod admin;
mod admin_fees;
mod admin_notices;
mod admin_profile;
mod admin_retention;
mod admin_staff;
mod audit;
mod case;
mod case_view;
mod dashboard;
mod draft;
mod intake;
mod queue;
mod register;
pub mod roles;
mod statistics;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::AppState;
use super::csrf::CsrfForm;
use super::error::AppError;
use super::form::FieldErrors;
use super::page::{PageContext, render, safe_next, see_other};
use super::session::{self, CurrentStaff};
use crate::service::accounts::{self, AccountError};

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
    CsrfForm(posted): CsrfForm<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let (form, fresh) = posted.split();
    let next = safe_next(form.next.as_deref(), "/staff");
    let mut errors = FieldErrors::default();
    if !fresh {
        errors.add_general("field.csrf_expired");
    } else {
        let audit_context = roles::audit_context(&req);
        match accounts::sign_in(
            &state.db,
            &form.email,
            form.password,
            state.now(),
            audit_context,
        )
        .await
        {
            Ok(row) => {
                session::sign_in(&session, &row, state.now())?;
                return Ok(see_other(&next));
            }
            Err(AccountError::BadCredentials) => errors.add_general("login.bad_credentials"),
            Err(AccountError::Locked(_)) => errors.add_general("login.locked"),
            Err(AccountError::Disabled) => errors.add_general("login.disabled"),
            Err(AccountError::AddressLocked) => errors.add_general("login.address_locked"),
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

/// A form with nothing but its CSRF token (a sign-out button).
#[derive(serde::Deserialize)]
pub struct NoFields {}

pub async fn logout(
    session: Session,
    CsrfForm(posted): CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    posted.fresh()?;
    session::sign_out(&session);
    Ok(see_other("/staff/login"))
}

/// Invalidates this account's sessions on every device and every instance.
pub async fn logout_everywhere(
    state: web::Data<AppState>,
    staff: CurrentStaff,
    session: Session,
    req: HttpRequest,
    CsrfForm(posted): CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    posted.fresh()?;
    accounts::sign_out_everywhere(
        &state.db,
        &staff.id,
        state.now(),
        roles::audit_context(&req),
    )
    .await?;
    session::sign_out(&session);
    Ok(see_other("/staff/login"))
}

#[derive(Template)]
#[template(path = "staff/home.html")]
struct StaffHomePage {
    page: PageContext,
    staff: CurrentStaff,
    errors: FieldErrors,
    password_changed: bool,
}

#[derive(serde::Deserialize)]
pub struct HomeQuery {
    #[serde(default)]
    changed: Option<String>,
}

pub async fn home(
    staff: CurrentStaff,
    page: PageContext,
    query: web::Query<HomeQuery>,
) -> Result<HttpResponse, AppError> {
    let page = page.with_staff(&staff.display_name);
    render(
        StatusCode::OK,
        &StaffHomePage {
            page,
            staff,
            errors: FieldErrors::default(),
            password_changed: query.changed.is_some(),
        },
    )
}

#[derive(serde::Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

/// POST /staff/password: change one's own password; every other session ends.
pub async fn change_password(
    state: web::Data<AppState>,
    staff: CurrentStaff,
    req: HttpRequest,
    session: Session,
    page: PageContext,
    CsrfForm(posted): CsrfForm<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let (form, fresh) = posted.split();
    let mut errors = FieldErrors::default();
    if !fresh {
        errors.add_general("field.csrf_expired");
    } else {
        let audit_context = roles::audit_context(&req);
        match accounts::change_password(
            &state.db,
            &staff.id,
            (form.current_password, form.new_password),
            state.password_cost,
            state.now(),
            audit_context,
        )
        .await
        {
            Ok(row) => {
                session::sign_in(&session, &row, state.now())?;
                return Ok(see_other("/staff?changed=1"));
            }
            Err(accounts::PasswordChangeError::Field(field, code)) => errors.add(field, code),
            Err(accounts::PasswordChangeError::Db(db)) => return Err(db.into()),
        }
    }
    let page = page.with_staff(&staff.display_name);
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &StaffHomePage {
            page,
            staff,
            errors,
            password_changed: false,
        },
    )
}

/// The workspace's routes; each handler's extractor states which roles may call it.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/staff/password", web::post().to(change_password))
        .route("/staff/admin/calendar", web::get().to(admin::show))
        .route("/staff/admin/calendar", web::post().to(admin::change))
        .route("/staff/admin/fees", web::get().to(admin_fees::show))
        .route("/staff/admin/fees", web::post().to(admin_fees::add))
        .route(
            "/staff/admin/fees/withdraw",
            web::post().to(admin_fees::withdraw),
        )
        .route(
            "/staff/admin/retention",
            web::get().to(admin_retention::show),
        )
        .route(
            "/staff/admin/retention",
            web::post().to(admin_retention::change),
        )
        .route("/staff/admin/notices", web::get().to(admin_notices::list))
        .route(
            "/staff/admin/notices/{outcome}",
            web::get().to(admin_notices::edit),
        )
        .route(
            "/staff/admin/notices/{outcome}",
            web::post().to(admin_notices::submit),
        )
        .route("/staff/admin/profile", web::get().to(admin_profile::show))
        .route(
            "/staff/admin/profile",
            web::post().to(admin_profile::adjust),
        )
        .route(
            "/staff/admin/profile/choose",
            web::post().to(admin_profile::choose),
        )
        .route("/staff/admin/staff", web::get().to(admin_staff::show))
        .route("/staff/admin/staff", web::post().to(admin_staff::create))
        .route(
            "/staff/admin/staff/{id}",
            web::post().to(admin_staff::change),
        )
        .route("/staff/dashboard", web::get().to(dashboard::show))
        .route("/staff/statistics", web::get().to(statistics::show))
        .route("/staff/statistics.csv", web::get().to(statistics::csv))
        .route("/staff/register", web::get().to(register::show))
        .route("/staff/register.csv", web::get().to(register::csv))
        .route("/staff/cases", web::get().to(queue::list))
        .route("/staff/intake", web::get().to(intake::form))
        .route("/staff/intake", web::post().to(intake::submit))
        .route(
            "/staff/cases/{id}/documents",
            web::post().to(intake::add_scan),
        )
        .route("/staff/cases/{id}", web::get().to(case::show))
        .route(
            "/staff/cases/{id}/requester",
            web::get().to(case::requester),
        )
        .route(
            "/staff/cases/{id}/documents/{document}",
            web::get().to(case::document),
        )
        .route(
            "/staff/cases/{id}/decisions/{decision}",
            web::get().to(case::notice),
        )
        .route("/staff/cases/{id}/draft", web::get().to(draft::show))
        .route("/staff/cases/{id}/draft", web::post().to(draft::submit))
        .route(
            "/staff/cases/{id}/draft/preview",
            web::post().to(draft::preview),
        )
        .route("/staff/cases/{id}/files", web::post().to(actions::add_file))
        // What the workspace can do to a case: one route per action; each handler's extractor
        // (`CaseWorker` or `Approver`) states who may.
        .route("/staff/cases/{id}/take", web::post().to(actions::take))
        .route("/staff/cases/{id}/assign", web::post().to(actions::assign))
        .route("/staff/cases/{id}/note", web::post().to(actions::note))
        .route(
            "/staff/cases/{id}/message",
            web::post().to(actions::message),
        )
        .route(
            "/staff/cases/{id}/start-review",
            web::post().to(actions::start_review),
        )
        .route("/staff/cases/{id}/verify", web::post().to(actions::verify))
        .route(
            "/staff/cases/{id}/review-document",
            web::post().to(actions::review_document),
        )
        .route(
            "/staff/cases/{id}/destroy-document",
            web::post().to(actions::destroy_document),
        )
        .route(
            "/staff/cases/{id}/correction",
            web::post().to(actions::correction),
        )
        .route("/staff/cases/{id}/fee", web::post().to(actions::fee))
        .route("/staff/cases/{id}/waive", web::post().to(actions::waive))
        .route("/staff/cases/{id}/extend", web::post().to(actions::extend))
        .route(
            "/staff/cases/{id}/special-extension",
            web::post().to(actions::special_extension),
        )
        .route(
            "/staff/cases/{id}/choose-delivery",
            web::post().to(actions::choose_delivery),
        )
        .route(
            "/staff/cases/{id}/deliver",
            web::post().to(actions::deliver),
        )
        .route("/staff/cases/{id}/close", web::post().to(actions::close))
        .route(
            "/staff/cases/{id}/dismiss",
            web::post().to(actions::dismiss),
        )
        .route(
            "/staff/cases/{id}/approve",
            web::post().to(actions::approve),
        )
        .route(
            "/staff/cases/{id}/return",
            web::post().to(actions::return_draft),
        )
        .route("/staff/audit", web::get().to(audit::log))
        .route("/staff/trail", web::get().to(audit::my_trail));
}
