//! Staff accounts as an administrator manages them: create with a one-time password, change a
//! role, disable or re-enable, reset a password. Every change ends the account's sessions on every
//! instance (the auth epoch moves on) and is written to the audit log in the same transaction.
//! The last active administrator cannot be demoted or disabled, so the operator never locks itself out.

use chrono::{DateTime, Utc};
use validator::Validate;

use crate::auth::password;
use crate::db::audit::{self, AuditEvent};
use crate::db::staff::{self, NewStaff, StaffRow};
use crate::db::{Db, DbConnection, DbError};
use crate::domain::role::Role;
use crate::service::casework::StaffActor;

#[derive(Debug, Clone, Default, serde::Deserialize, Validate)]
pub struct NewAccount {
    #[validate(
        email(code = "email_invalid"),
        length(max = 254, code = "email_invalid")
    )]
    pub email: String,
    #[validate(length(min = 1, max = 60, code = "name_length"))]
    pub display_name: String,
}

/// What an administrator does to an existing account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange {
    Role(Role),
    Disable,
    Enable,
    ResetPassword,
}

#[derive(Debug, thiserror::Error)]
pub enum StaffAdminError {
    #[error("invalid input: {0}")]
    Invalid(#[from] validator::ValidationErrors),
    #[error("an account with this e-mail address already exists")]
    EmailTaken,
    #[error("no such account")]
    NotFound,
    /// The change would leave no active administrator.
    #[error("the last active administrator must stay one")]
    LastAdmin,
    #[error(transparent)]
    Hash(#[from] password::HashError),
    #[error(transparent)]
    Db(DbError),
}

impl From<DbError> for StaffAdminError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Conflict(_) => StaffAdminError::EmailTaken,
            DbError::NotFound => StaffAdminError::NotFound,
            other => StaffAdminError::Db(other),
        }
    }
}

fn record(admin: &StaffActor, now: DateTime<Utc>, action: &str, target: &str) -> AuditEvent {
    AuditEvent::new(now.naive_utc(), admin.label(), action)
        .role(admin.role.as_str())
        .target(format!("staff:{target}"))
        .from_request(admin.client_ip.clone(), admin.request_id.clone())
}

async fn hash(password_given: String, cost: password::Cost) -> Result<String, StaffAdminError> {
    tokio::task::spawn_blocking(move || password::hash(&password_given, cost))
        .await
        .map_err(|e| StaffAdminError::Db(DbError::Unavailable(e.to_string())))?
        .map_err(StaffAdminError::from)
}

/// Creates an account; returns it with its one-time password (shown once, never stored in clear).
pub async fn create(
    db: &Db,
    admin: &StaffActor,
    (input, role): (NewAccount, Role),
    now: DateTime<Utc>,
    cost: password::Cost,
) -> Result<(StaffRow, String), StaffAdminError> {
    let input = NewAccount {
        email: input.email.trim().to_lowercase(),
        display_name: input.display_name.trim().to_string(),
    };
    input.validate()?;
    let one_time = password::generate();
    let password_hash = hash(one_time.clone(), cost).await?;
    let audit_with = admin.clone();
    let row = db
        .write(move |conn| {
            let id = uuid::Uuid::now_v7().to_string();
            staff::insert(
                conn,
                &NewStaff {
                    id: &id,
                    email: &input.email,
                    display_name: &input.display_name,
                    role: role.as_str(),
                    password_hash: &password_hash,
                    created_at: now.naive_utc(),
                    // The administrator saw this password: the person changes it first.
                    must_change_password: 1,
                },
            )?;
            audit::append(conn, &record(&audit_with, now, "staff.created", &id))?;
            staff::find(conn, &id)?.ok_or(DbError::NotFound)
        })
        .await?;
    Ok((row, one_time))
}

/// Whether `change` would take away the last active administrator.
fn leaves_no_admin(
    conn: &mut DbConnection,
    target: &StaffRow,
    change: AccountChange,
) -> Result<bool, DbError> {
    let removes_admin = matches!(change, AccountChange::Disable)
        || matches!(change, AccountChange::Role(r) if r != Role::Admin);
    if target.known_role() != Some(Role::Admin) || target.disabled_at.is_some() || !removes_admin {
        return Ok(false);
    }
    Ok(staff::other_active_admins(conn, &target.id)? == 0)
}

/// Applies `change` to the account `id`. For a password reset, returns the new one-time password.
pub async fn change(
    db: &Db,
    admin: &StaffActor,
    id: &str,
    change: AccountChange,
    now: DateTime<Utc>,
    cost: password::Cost,
) -> Result<Option<String>, StaffAdminError> {
    let one_time = match change {
        AccountChange::ResetPassword => {
            let fresh = password::generate();
            Some((fresh.clone(), hash(fresh, cost).await?))
        }
        _ => None,
    };
    let (admin, id) = (admin.clone(), id.to_string());
    let new_hash = one_time.as_ref().map(|(_, h)| h.clone());
    db.write(move |conn| {
        let target = staff::find(conn, &id)?.ok_or(DbError::NotFound)?;
        if leaves_no_admin(conn, &target, change)? {
            return Ok(Err(StaffAdminError::LastAdmin));
        }
        let action = match change {
            AccountChange::Role(role) => {
                staff::set_role(conn, &id, role.as_str())?;
                "staff.role_changed"
            }
            AccountChange::Disable => {
                staff::set_disabled(conn, &id, Some(now.naive_utc()))?;
                "staff.disabled"
            }
            AccountChange::Enable => {
                staff::set_disabled(conn, &id, None)?;
                "staff.enabled"
            }
            AccountChange::ResetPassword => {
                staff::set_password(conn, &id, new_hash.as_deref().unwrap_or_default(), true)?;
                "staff.password_reset"
            }
        };
        let mut event = record(&admin, now, action, &id);
        if let AccountChange::Role(role) = change {
            event = event.target(format!("staff:{id} {}→{}", target.role, role.as_str()));
        }
        audit::append(conn, &event)?;
        Ok(Ok(()))
    })
    .await??;
    Ok(one_time.map(|(password, _)| password))
}
