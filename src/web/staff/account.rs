//! Signing in (password, then a code where the account has a second factor), signing out, and
//! the account page with its password change. Every failed sign-in gets the same message, so
//! the page does not tell which addresses have accounts or which are locked.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::roles;
use crate::service::accounts::{self, AccountError};
use crate::service::second_factor::{self, SecondFactorError};
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::form::FieldErrors;
use crate::web::page::{PageContext, render, safe_next, see_other};
use crate::web::session::{self, AccountHolder, CurrentStaff, Obligation, PendingSecondStep};

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
            Ok(row) if row.totp_enabled_at.is_some() => {
                session::await_second_step(
                    &session,
                    &PendingSecondStep {
                        staff_id: row.id,
                        auth_epoch: row.auth_epoch,
                        started: state.now().timestamp(),
                        next,
                    },
                )?;
                return Ok(see_other("/staff/login/code"));
            }
            Ok(row) => {
                session::sign_in(&state, &session, &row).await?;
                return Ok(see_other(&next));
            }
            // One message for every refusal: wrong address, wrong password, locked, disabled.
            Err(
                AccountError::BadCredentials
                | AccountError::Locked(_)
                | AccountError::Disabled
                | AccountError::AddressLocked,
            ) => errors.add_general("login.failed"),
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

#[derive(Template)]
#[template(path = "staff/login_code.html")]
struct CodePage {
    page: PageContext,
    errors: FieldErrors,
}

pub async fn code_form(session: Session, page: PageContext) -> Result<HttpResponse, AppError> {
    if session::pending_second_step(&session).is_none() {
        return Ok(see_other("/staff/login"));
    }
    render(
        StatusCode::OK,
        &CodePage {
            page,
            errors: FieldErrors::default(),
        },
    )
}

#[derive(serde::Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// The second step: a code from the authenticator app or a recovery code.
pub async fn code_submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    page: PageContext,
    CsrfForm(posted): CsrfForm<CodeForm>,
) -> Result<HttpResponse, AppError> {
    let Some(pending) = session::pending_second_step(&session) else {
        return Ok(see_other("/staff/login"));
    };
    let (form, fresh) = posted.split();
    let mut errors = FieldErrors::default();
    if !fresh {
        errors.add_general("field.csrf_expired");
    } else if form.code.trim().is_empty() {
        errors.add("code", "required");
    } else {
        let started = chrono::DateTime::from_timestamp(pending.started, 0).unwrap_or_default();
        match second_factor::complete_sign_in(
            &state.db,
            &state.master,
            (&pending.staff_id, pending.auth_epoch, started),
            &form.code,
            state.now(),
            roles::audit_context(&req),
        )
        .await
        {
            Ok(row) => {
                session::forget_second_step(&session);
                session::sign_in(&state, &session, &row).await?;
                return Ok(see_other(&pending.next));
            }
            Err(SecondFactorError::WrongCode) => errors.add("code", "mfa_code_wrong"),
            Err(SecondFactorError::Locked | SecondFactorError::Expired) => {
                session::forget_second_step(&session);
                let mut errors = FieldErrors::default();
                errors.add_general("login.failed");
                return render(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &LoginPage {
                        page,
                        email: String::new(),
                        next: pending.next,
                        errors,
                    },
                );
            }
            Err(other) => return Err(AppError::internal(other)),
        }
    }
    render(StatusCode::UNPROCESSABLE_ENTITY, &CodePage { page, errors })
}

/// A form with nothing but its CSRF token (a sign-out button).
#[derive(serde::Deserialize)]
pub struct NoFields {}

/// Ends this browser's session on the server, so a saved copy of the cookie opens nothing.
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    holder: Option<AccountHolder>,
    CsrfForm(posted): CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    posted.fresh()?;
    let staff_id = holder.map(|h| h.staff.id);
    session::sign_out(
        &state,
        &session,
        staff_id.as_deref(),
        roles::audit_context(&req),
    )
    .await?;
    Ok(see_other("/staff/login"))
}

/// Invalidates this account's sessions on every device and every instance.
pub async fn logout_everywhere(
    state: web::Data<AppState>,
    holder: AccountHolder,
    session: Session,
    req: HttpRequest,
    CsrfForm(posted): CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    posted.fresh()?;
    accounts::sign_out_everywhere(
        &state.db,
        &holder.staff.id,
        state.now(),
        roles::audit_context(&req),
    )
    .await?;
    session::sign_out(&state, &session, None, (None, None)).await?;
    Ok(see_other("/staff/login"))
}

#[derive(Template)]
#[template(path = "staff/home.html")]
struct StaffHomePage {
    page: PageContext,
    staff: CurrentStaff,
    errors: FieldErrors,
    password_changed: bool,
    owes_password: bool,
}

#[derive(serde::Deserialize)]
pub struct HomeQuery {
    #[serde(default)]
    changed: Option<String>,
}

pub async fn home(
    holder: AccountHolder,
    page: PageContext,
    query: web::Query<HomeQuery>,
) -> Result<HttpResponse, AppError> {
    // A second factor still to set up is done on its own page.
    if holder.owes == Some(Obligation::SetUpSecondFactor) {
        return Ok(see_other(Obligation::SetUpSecondFactor.page()));
    }
    let page = page.with_staff(&holder.staff.display_name);
    render(
        StatusCode::OK,
        &StaffHomePage {
            page,
            owes_password: holder.owes == Some(Obligation::ChangePassword),
            staff: holder.staff,
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
    holder: AccountHolder,
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
            &holder.staff.id,
            (form.current_password, form.new_password),
            state.password_cost,
            state.now(),
            audit_context,
        )
        .await
        {
            Ok(row) => {
                session::sign_in(&state, &session, &row).await?;
                return Ok(see_other("/staff?changed=1"));
            }
            Err(accounts::PasswordChangeError::Field(field, code)) => errors.add(field, code),
            Err(accounts::PasswordChangeError::Db(db)) => return Err(db.into()),
        }
    }
    let page = page.with_staff(&holder.staff.display_name);
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &StaffHomePage {
            page,
            owes_password: holder.owes == Some(Obligation::ChangePassword),
            staff: holder.staff,
            errors,
            password_changed: false,
        },
    )
}
