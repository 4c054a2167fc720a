//! The account's second factor: setting it up (QR code, the secret to type, a first code), the
//! recovery codes shown once, turning it off where the role allows; and the administrator's
//! choice of roles that must use one, and reset for a lost phone.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::roles::{self, Admin};
use crate::domain::role::Role;
use crate::service::second_factor::{self, SecondFactorError};
use crate::service::staff_directory;
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::form::FieldErrors;
use crate::web::page::{PageContext, render, see_other};
use crate::web::session::{AccountHolder, Obligation};

/// The secret being set up, kept in the (encrypted) session cookie until a first code proves
/// the app holds it.
const ENROLLING: &str = "enrolling_totp";

#[derive(Template)]
#[template(path = "staff/security.html")]
struct SecurityPage {
    page: PageContext,
    enabled: bool,
    required: bool,
    owes: bool,
    qr_svg: String,
    typed_secret: String,
    recovery_codes: Vec<String>,
    codes_left: i64,
    errors: FieldErrors,
    done: &'static str,
}

#[derive(serde::Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

#[derive(serde::Deserialize)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
}

async fn page_for(
    state: &AppState,
    session: &Session,
    holder: &AccountHolder,
    page: PageContext,
) -> Result<SecurityPage, AppError> {
    let row = staff_directory::find(&state.db, &holder.staff.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let enabled = row.totp_enabled_at.is_some();
    let required = second_factor::required_roles(&state.db)
        .await?
        .contains(&holder.staff.role);
    let (qr_svg, typed_secret) = if enabled {
        (String::new(), String::new())
    } else {
        let kept = session
            .get::<String>(ENROLLING)
            .ok()
            .flatten()
            .and_then(|s| STANDARD.decode(s).ok());
        let issuer = state.profile().label.ja.to_string();
        let enrolment = second_factor::begin_enrolment(&issuer, &row.email, kept);
        session
            .insert(ENROLLING, STANDARD.encode(&enrolment.secret))
            .map_err(AppError::internal)?;
        (enrolment.qr_svg, enrolment.typed)
    };
    let codes_left = if enabled {
        second_factor::recovery_codes_left(&state.db, &row.id).await?
    } else {
        0
    };
    Ok(SecurityPage {
        page: page.with_staff(&holder.staff.display_name),
        enabled,
        required,
        owes: holder.owes == Some(Obligation::SetUpSecondFactor),
        qr_svg,
        typed_secret,
        recovery_codes: Vec::new(),
        codes_left,
        errors: FieldErrors::default(),
        done: "",
    })
}

pub async fn show(
    state: web::Data<AppState>,
    session: Session,
    holder: AccountHolder,
    page: PageContext,
    query: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    let mut shown = page_for(&state, &session, &holder, page).await?;
    shown.done = match query.done.as_deref() {
        Some("disabled") => "security.disabled",
        _ => "",
    };
    render(StatusCode::OK, &shown)
}

fn refused(mut shown: SecurityPage, field: &str, code: &str) -> Result<HttpResponse, AppError> {
    if field.is_empty() {
        shown.errors.add_general(code);
    } else {
        shown.errors.add(field, code);
    }
    render(StatusCode::UNPROCESSABLE_ENTITY, &shown)
}

/// The page with new recovery codes, shown once, and what was done.
fn with_codes(
    mut shown: SecurityPage,
    codes: Vec<String>,
    done: &'static str,
) -> Result<HttpResponse, AppError> {
    shown.codes_left = codes.len() as i64;
    shown.recovery_codes = codes;
    shown.done = done;
    render(StatusCode::OK, &shown)
}

fn code_problem(error: SecondFactorError) -> Result<&'static str, AppError> {
    match error {
        SecondFactorError::WrongCode => Ok("mfa_code_wrong"),
        SecondFactorError::Required => Ok("mfa_required"),
        other => Err(AppError::internal(other)),
    }
}

pub async fn enable(
    state: web::Data<AppState>,
    session: Session,
    holder: AccountHolder,
    req: HttpRequest,
    page: PageContext,
    CsrfForm(posted): CsrfForm<CodeForm>,
) -> Result<HttpResponse, AppError> {
    let (form, fresh) = posted.split();
    let mut shown = page_for(&state, &session, &holder, page).await?;
    if !fresh {
        return refused(shown, "", "field.csrf_expired");
    }
    if shown.enabled {
        return Ok(see_other("/staff/security"));
    }
    let secret = session
        .get::<String>(ENROLLING)
        .ok()
        .flatten()
        .and_then(|s| STANDARD.decode(s).ok())
        .unwrap_or_default();
    match second_factor::enable(
        &state.db,
        &state.master,
        &holder.staff.id,
        &secret,
        &form.code,
        state.now(),
        roles::audit_context(&req),
    )
    .await
    {
        Ok(codes) => {
            session.remove(ENROLLING);
            shown.enabled = true;
            shown.owes = false;
            with_codes(shown, codes, "security.enabled")
        }
        Err(e) => refused(shown, "code", code_problem(e)?),
    }
}

pub async fn renew_codes(
    state: web::Data<AppState>,
    session: Session,
    holder: AccountHolder,
    req: HttpRequest,
    page: PageContext,
    CsrfForm(posted): CsrfForm<CodeForm>,
) -> Result<HttpResponse, AppError> {
    let (form, fresh) = posted.split();
    let shown = page_for(&state, &session, &holder, page).await?;
    if !fresh {
        return refused(shown, "", "field.csrf_expired");
    }
    match second_factor::renew_recovery_codes(
        &state.db,
        &state.master,
        &holder.staff.id,
        &form.code,
        state.now(),
        roles::audit_context(&req),
    )
    .await
    {
        Ok(codes) => with_codes(shown, codes, "security.codes_renewed"),
        Err(e) => refused(shown, "renew_code", code_problem(e)?),
    }
}

pub async fn disable(
    state: web::Data<AppState>,
    session: Session,
    holder: AccountHolder,
    req: HttpRequest,
    page: PageContext,
    CsrfForm(posted): CsrfForm<CodeForm>,
) -> Result<HttpResponse, AppError> {
    let (form, fresh) = posted.split();
    if !fresh {
        let shown = page_for(&state, &session, &holder, page).await?;
        return refused(shown, "", "field.csrf_expired");
    }
    match second_factor::disable(
        &state.db,
        &state.master,
        &holder.staff.id,
        &form.code,
        state.now(),
        roles::audit_context(&req),
    )
    .await
    {
        Ok(()) => Ok(see_other("/staff/security?done=disabled")),
        Err(e) => {
            let shown = page_for(&state, &session, &holder, page).await?;
            refused(shown, "disable_code", code_problem(e)?)
        }
    }
}

#[derive(Template)]
#[template(path = "staff/admin_security.html")]
struct AdminSecurityPage {
    page: PageContext,
    roles: Vec<(Role, bool)>,
    saved: bool,
    errors: FieldErrors,
}

#[derive(serde::Deserialize)]
pub struct Saved {
    #[serde(default)]
    saved: Option<String>,
}

pub async fn admin_show(
    state: web::Data<AppState>,
    admin: Admin,
    page: PageContext,
    query: web::Query<Saved>,
) -> Result<HttpResponse, AppError> {
    let required = second_factor::required_roles(&state.db).await?;
    render(
        StatusCode::OK,
        &AdminSecurityPage {
            page: page.with_staff(&admin.staff.display_name),
            roles: Role::ALL
                .iter()
                .map(|r| (*r, required.contains(r)))
                .collect(),
            saved: query.saved.is_some(),
            errors: FieldErrors::default(),
        },
    )
}

/// POST /staff/admin/security: which roles must use a second factor. The form posts one
/// `role` pair per ticked box.
pub async fn admin_change(
    state: web::Data<AppState>,
    admin: Admin,
    page: PageContext,
    CsrfForm(posted): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let (pairs, fresh) = posted.split();
    let chosen: Vec<Role> = Role::ALL
        .into_iter()
        .filter(|r| pairs.iter().any(|(k, v)| k == "role" && v == r.as_str()))
        .collect();
    if !fresh {
        let mut errors = FieldErrors::default();
        errors.add_general("field.csrf_expired");
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &AdminSecurityPage {
                page: page.with_staff(&admin.staff.display_name),
                roles: Role::ALL.iter().map(|r| (*r, chosen.contains(r))).collect(),
                saved: false,
                errors,
            },
        );
    }
    second_factor::set_required_roles(&state.db, &admin.actor, chosen, state.now()).await?;
    Ok(see_other("/staff/admin/security?saved=1"))
}

#[derive(serde::Deserialize)]
pub struct NoFields {}

/// POST /staff/admin/staff/{id}/second-factor: removes an account's second factor (a lost
/// phone); its sessions end.
pub async fn admin_reset(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<String>,
    CsrfForm(posted): CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    posted.fresh()?;
    second_factor::reset(&state.db, &admin.actor, &path, state.now()).await?;
    Ok(see_other("/staff/admin/staff?mfa_reset=1"))
}
