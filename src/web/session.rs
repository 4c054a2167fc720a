//! The session cookie (encrypted, shared by every instance that has the same key) and the staff
//! extractor. The cookie holds only a session token and the CSRF token; the session itself is a
//! row on the server (`service::sessions`), so signing out, an idle time-out, a role change or a
//! disabled account end it on every instance at once, and a copy of the cookie saved before
//! opens nothing afterwards.

use std::future::Future;
use std::pin::Pin;

use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use chrono::Duration;

use super::error::AppError;
use crate::domain::role::Role;
use crate::service::second_factor;
use crate::service::sessions::{self, SessionLimits};
use crate::service::staff_directory::StaffRow;
use crate::web::AppState;

/// The session token; its digest names the session's row on the server.
const STAFF_SESSION: &str = "staff_session";

fn limits(state: &AppState) -> SessionLimits {
    SessionLimits {
        idle: Duration::minutes(state.config.session_idle_minutes),
        absolute: Duration::hours(state.config.session_max_hours),
    }
}

/// Starts a server-side session for an account that has just proved who it is, in a new cookie.
pub async fn sign_in(state: &AppState, session: &Session, row: &StaffRow) -> Result<(), AppError> {
    let token = sessions::start(&state.db, row, state.now(), limits(state)).await?;
    session.renew();
    session
        .insert(STAFF_SESSION, token)
        .map_err(AppError::internal)?;
    // A new token with the new session: forms drawn before signing in are stale.
    super::csrf::renew(session)?;
    Ok(())
}

/// Ends this browser's session on the server (a saved copy of the cookie opens nothing after)
/// and empties the cookie.
pub async fn sign_out(
    state: &AppState,
    session: &Session,
    staff_id: Option<&str>,
    audit_context: (Option<String>, Option<String>),
) -> Result<(), AppError> {
    if let (Ok(Some(token)), Some(staff_id)) = (session.get::<String>(STAFF_SESSION), staff_id) {
        sessions::end(&state.db, &token, staff_id, state.now(), audit_context).await?;
    }
    session.purge();
    Ok(())
}

/// A signed-in staff member with nothing left to do before working: checked against the
/// database on every request. An account that must first change a one-time password or set up
/// a second factor is sent to its account page.
#[derive(Debug, Clone)]
pub struct CurrentStaff {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
}

/// A signed-in staff member who may still owe a step (a new password, a second factor): what the
/// account page, the password change, the second-factor setup and signing out take.
#[derive(Debug, Clone)]
pub struct AccountHolder {
    pub staff: CurrentStaff,
    pub owes: Option<Obligation>,
}

/// What an account must do before it may work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Obligation {
    /// The password is one an administrator (or the command line) chose.
    ChangePassword,
    /// The role must sign in with a second factor and the account has none yet.
    SetUpSecondFactor,
}

impl Obligation {
    /// Where the account is sent to do it.
    pub fn page(self) -> &'static str {
        match self {
            Obligation::ChangePassword => "/staff?owes=password",
            Obligation::SetUpSecondFactor => "/staff/security",
        }
    }
}

impl FromRequest for CurrentStaff {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<CurrentStaff, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let holder = load(&req).await?;
            match holder.owes {
                Some(step) => Err(AppError::Owes(step.page())),
                None => Ok(holder.staff),
            }
        })
    }
}

impl FromRequest for AccountHolder {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<AccountHolder, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { load(&req).await })
    }
}

async fn load(req: &HttpRequest) -> Result<AccountHolder, AppError> {
    let session = req.get_session();
    let next = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let required = || AppError::SignInRequired { next: next.clone() };
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::internal("no app state"))?;
    let Some(token) = session.get::<String>(STAFF_SESSION).ok().flatten() else {
        return Err(required());
    };
    let Some(row) = sessions::current(&state.db, &token, state.now(), limits(state)).await? else {
        session.purge();
        return Err(required());
    };
    let role = row.role.parse::<Role>().map_err(AppError::internal)?;
    crate::web::page::RoleSlot::of(req).set(role);
    let owes = if row.must_change_password != 0 {
        Some(Obligation::ChangePassword)
    } else if second_factor::must_enrol(&state.db, &row).await? {
        Some(Obligation::SetUpSecondFactor)
    } else {
        None
    };
    Ok(AccountHolder {
        staff: CurrentStaff {
            id: row.id,
            email: row.email,
            display_name: row.display_name,
            role,
        },
        owes,
    })
}

/// The cookie's record of a sign-in waiting for its second step: who, in which epoch, since when.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct PendingSecondStep {
    pub staff_id: String,
    pub auth_epoch: i64,
    pub started: i64,
    pub next: String,
}

const PENDING: &str = "second_step";

pub fn await_second_step(session: &Session, pending: &PendingSecondStep) -> Result<(), AppError> {
    session.renew();
    session
        .insert(PENDING, pending)
        .map_err(AppError::internal)?;
    super::csrf::renew(session)
}

pub fn pending_second_step(session: &Session) -> Option<PendingSecondStep> {
    session.get::<PendingSecondStep>(PENDING).ok().flatten()
}

pub fn forget_second_step(session: &Session) {
    session.remove(PENDING);
}
