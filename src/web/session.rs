//! The session cookie (encrypted, shared by every instance that has the same key) and the staff
//! extractors. The cookie holds only ids, times and the CSRF token; `auth_epoch` is compared with
//! the database on each request so "sign out everywhere" and disabling an account take effect at
//! once although cookies cannot be revoked.

use std::future::Future;
use std::pin::Pin;

use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use chrono::{DateTime, Utc};

use super::error::AppError;
use crate::domain::role::Role;
use crate::service::staff_directory::{self, StaffRow};
use crate::web::AppState;

const STAFF_ID: &str = "staff_id";
const AUTH_EPOCH: &str = "auth_epoch";
const SIGNED_IN_AT: &str = "signed_in_at";
const SEEN_AT: &str = "seen_at";

pub fn sign_in(session: &Session, row: &StaffRow, now: DateTime<Utc>) -> Result<(), AppError> {
    let now = now.timestamp();
    session.renew();
    session
        .insert(STAFF_ID, &row.id)
        .map_err(AppError::internal)?;
    session
        .insert(AUTH_EPOCH, row.auth_epoch)
        .map_err(AppError::internal)?;
    session
        .insert(SIGNED_IN_AT, now)
        .map_err(AppError::internal)?;
    session.insert(SEEN_AT, now).map_err(AppError::internal)?;
    // A new token with the new session: forms drawn before signing in are stale.
    super::csrf::renew(session)?;
    Ok(())
}

pub fn sign_out(session: &Session) {
    session.purge();
}

/// A signed-in staff member, checked against the database on every request.
#[derive(Debug, Clone)]
pub struct CurrentStaff {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
}

impl FromRequest for CurrentStaff {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<CurrentStaff, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { load(&req).await })
    }
}

async fn load(req: &HttpRequest) -> Result<CurrentStaff, AppError> {
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
    let (Some(id), Some(epoch), Some(signed_in_at), Some(seen_at)) = (
        session.get::<String>(STAFF_ID).ok().flatten(),
        session.get::<i64>(AUTH_EPOCH).ok().flatten(),
        session.get::<i64>(SIGNED_IN_AT).ok().flatten(),
        session.get::<i64>(SEEN_AT).ok().flatten(),
    ) else {
        return Err(required());
    };
    let now = state.now().timestamp();
    let idle_limit = state.config.session_idle_minutes * 60;
    let absolute_limit = state.config.session_max_hours * 3600;
    if now - seen_at > idle_limit || now - signed_in_at > absolute_limit {
        session.purge();
        return Err(required());
    }
    let row = staff_directory::find(&state.db, &id).await?;
    let Some(row) = row.filter(|r| r.auth_epoch == epoch && r.disabled_at.is_none()) else {
        session.purge();
        return Err(required());
    };
    let role = row.role.parse::<Role>().map_err(AppError::internal)?;
    // Refreshing at most once a minute keeps the cookie from being rewritten on every request.
    if now - seen_at >= 60 {
        let _ = session.insert(SEEN_AT, now);
    }
    Ok(CurrentStaff {
        id: row.id,
        email: row.email,
        display_name: row.display_name,
        role,
    })
}
