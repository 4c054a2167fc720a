//! Staff accounts for administrators: the list, a form to add someone (their one-time password is
//! shown once, to hand over), and per account a role change, disable / re-enable and a password reset.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::roles::Admin;
use crate::domain::role::Role;
use crate::i18n::jst_minutes;
use crate::service::staff_admin::{self, AccountChange, NewAccount, StaffAdminError};
use crate::service::staff_directory;
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::form::{FieldErrors, TypedValues, typed_values};
use crate::web::page::{PageContext, render};

/// The form adding an account, as posted.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct NewStaffForm {
    pub display_name: String,
    pub email: String,
    pub role: String,
}

impl NewStaffForm {
    /// The account and its role; the service checks the name and address.
    fn parse(&self) -> Result<(NewAccount, Role), FieldErrors> {
        let Ok(role) = self.role.parse::<Role>() else {
            let mut errors = FieldErrors::default();
            errors.add("role", "choose");
            return Err(errors);
        };
        let account = NewAccount {
            email: self.email.clone(),
            display_name: self.display_name.clone(),
        };
        Ok((account, role))
    }
}

/// A change to one account: `change` is `role` (with the new `role`), `disable`, `enable` or
/// `reset`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AccountChangeForm {
    pub change: String,
    pub role: String,
}

impl AccountChangeForm {
    fn parse(&self) -> Option<AccountChange> {
        match self.change.trim() {
            "role" => self
                .role
                .trim()
                .parse::<Role>()
                .ok()
                .map(AccountChange::Role),
            "disable" => Some(AccountChange::Disable),
            "enable" => Some(AccountChange::Enable),
            "reset" => Some(AccountChange::ResetPassword),
            _ => None,
        }
    }
}

pub struct AccountLine {
    pub id: String,
    pub display_name: String,
    pub email: String,
    pub role: &'static str,
    pub role_label: &'static str,
    pub active: bool,
    pub locked: bool,
    /// The account signs in with a second factor (which an administrator can reset).
    pub second_factor: bool,
    pub created: String,
    pub me: bool,
}

/// What the page reports after a change: a message key, and a one-time password to hand over.
#[derive(Default)]
pub struct Outcome {
    pub message: Option<&'static str>,
    pub who: String,
    pub one_time_password: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/admin_staff.html")]
struct StaffPage {
    page: PageContext,
    accounts: Vec<AccountLine>,
    roles: Vec<(&'static str, &'static str)>,
    errors: FieldErrors,
    typed: TypedValues,
    outcome: Outcome,
}

impl StaffPage {
    pub fn typed<'a>(&'a self, field: &str, default: &'a str) -> &'a str {
        self.typed.get(field).map_or(default, String::as_str)
    }
}

async fn staff_page(
    state: &AppState,
    me: &Admin,
    page: PageContext,
    (errors, typed, outcome): (FieldErrors, TypedValues, Outcome),
) -> Result<HttpResponse, AppError> {
    let lang = page.lang;
    let now = state.now().naive_utc();
    let rows = staff_directory::all(&state.db).await?;
    let accounts = rows
        .into_iter()
        .map(|r| {
            let role = r.known_role().unwrap_or(Role::Staff);
            AccountLine {
                me: r.id == me.staff.id,
                role: role.as_str(),
                role_label: lang.pick(role.label_ja(), role.label_en()),
                active: r.disabled_at.is_none(),
                locked: r.locked_until.is_some_and(|until| until > now),
                second_factor: r.totp_enabled_at.is_some(),
                created: jst_minutes(r.created_at),
                id: r.id,
                display_name: r.display_name,
                email: r.email,
            }
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    // The page may carry a one-time password: never keep it in a cache.
    let mut response = render(
        status,
        &StaffPage {
            accounts,
            roles: Role::ALL
                .iter()
                .map(|r| (r.as_str(), lang.pick(r.label_ja(), r.label_en())))
                .collect(),
            errors,
            typed,
            outcome,
            page: page.with_staff(&me.staff.display_name),
        },
    )?;
    response.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

#[derive(Deserialize)]
pub struct ShowQuery {
    #[serde(default)]
    mfa_reset: Option<String>,
}

/// GET /staff/admin/staff (`?mfa_reset=1` after a second factor was reset)
pub async fn show(
    state: web::Data<AppState>,
    me: Admin,
    page: PageContext,
    query: web::Query<ShowQuery>,
) -> Result<HttpResponse, AppError> {
    let shown = (
        FieldErrors::default(),
        TypedValues::new(),
        Outcome {
            message: query
                .mfa_reset
                .is_some()
                .then_some("admin.staff.second_factor_reset"),
            ..Outcome::default()
        },
    );
    staff_page(&state, &me, page, shown).await
}

fn csrf_error() -> FieldErrors {
    let mut errors = FieldErrors::default();
    errors.add_general("field.csrf_expired");
    errors
}

/// POST /staff/admin/staff: adds an account.
pub async fn create(
    state: web::Data<AppState>,
    me: Admin,
    page: PageContext,
    CsrfForm(posted): CsrfForm<NewStaffForm>,
) -> Result<HttpResponse, AppError> {
    let (form, fresh) = posted.split();
    let typed = typed_values(&form);
    if !fresh {
        return staff_page(&state, &me, page, (csrf_error(), typed, Outcome::default())).await;
    }
    let (input, role) = match form.parse() {
        Ok(parsed) => parsed,
        Err(errors) => {
            return staff_page(&state, &me, page, (errors, typed, Outcome::default())).await;
        }
    };
    let created = staff_admin::create(
        &state.db,
        &me.actor,
        (input, role),
        state.now(),
        state.password_cost,
    )
    .await;
    let mut errors = FieldErrors::default();
    match created {
        Ok((row, password)) => {
            let outcome = Outcome {
                message: Some("admin.staff.created"),
                who: row.display_name,
                one_time_password: Some(password),
            };
            staff_page(&state, &me, page, (errors, TypedValues::new(), outcome)).await
        }
        Err(StaffAdminError::Invalid(problems)) => {
            let errors = FieldErrors::from_validation(&problems);
            staff_page(&state, &me, page, (errors, typed, Outcome::default())).await
        }
        Err(StaffAdminError::EmailTaken) => {
            errors.add("email", "email_taken");
            staff_page(&state, &me, page, (errors, typed, Outcome::default())).await
        }
        Err(other) => Err(admin_error(other)),
    }
}

fn admin_error(error: StaffAdminError) -> AppError {
    error.into()
}

/// POST /staff/admin/staff/{id}: changes one account (`change` = role, disable, enable, reset).
pub async fn change(
    state: web::Data<AppState>,
    me: Admin,
    page: PageContext,
    id: web::Path<String>,
    CsrfForm(posted): CsrfForm<AccountChangeForm>,
) -> Result<HttpResponse, AppError> {
    let (form, fresh) = posted.split();
    if !fresh {
        return staff_page(
            &state,
            &me,
            page,
            (csrf_error(), TypedValues::new(), Outcome::default()),
        )
        .await;
    }
    let Some(requested) = form.parse() else {
        let mut errors = FieldErrors::default();
        errors.add_general("admin.staff.choose_change");
        return staff_page(
            &state,
            &me,
            page,
            (errors, TypedValues::new(), Outcome::default()),
        )
        .await;
    };
    let target = staff_directory::find(&state.db, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let done = staff_admin::change(
        &state.db,
        &me.actor,
        &id,
        requested,
        state.now(),
        state.password_cost,
    )
    .await;
    match done {
        Ok(one_time_password) => {
            let message = match requested {
                AccountChange::Role(_) => "admin.staff.role_changed",
                AccountChange::Disable => "admin.staff.disabled",
                AccountChange::Enable => "admin.staff.enabled",
                AccountChange::ResetPassword => "admin.staff.password_reset",
            };
            tracing::info!(staff = %id, message, "staff account changed");
            let outcome = Outcome {
                message: Some(message),
                who: target.display_name,
                one_time_password,
            };
            staff_page(
                &state,
                &me,
                page,
                (FieldErrors::default(), TypedValues::new(), outcome),
            )
            .await
        }
        Err(StaffAdminError::LastAdmin) => {
            let mut errors = FieldErrors::default();
            errors.add_general("admin.staff.last_admin");
            staff_page(
                &state,
                &me,
                page,
                (errors, TypedValues::new(), Outcome::default()),
            )
            .await
        }
        Err(other) => Err(admin_error(other)),
    }
}
