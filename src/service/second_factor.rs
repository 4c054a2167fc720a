//! Staff second factor (TOTP, RFC 6238) with recovery codes: setting it up from the account page,
//! the code asked after the password, turning it off, an administrator's reset, and which roles
//! must use one. Codes count against the same failure limit as passwords, so the limit cannot be
//! dodged by alternating the two (docs/security.md §3).

use chrono::{DateTime, Duration, Utc};

use crate::auth::{token, totp};
use crate::db::audit::{self, AuditEvent};
use crate::db::staff::{self, StaffRow};
use crate::db::{Db, DbError, second_factor};
use crate::domain::role::Role;
use crate::service::accounts::{LOCK_AFTER_FAILURES, LOCK_MINUTES};
use crate::service::casework::StaffActor;
use crate::storage::crypto::MasterKey;

/// The roles that must use a second factor once an administrator turns the requirement on.
pub const DEFAULT_REQUIRED: [Role; 2] = [Role::Admin, Role::Approver];

#[derive(Debug, thiserror::Error)]
pub enum SecondFactorError {
    /// The code (or recovery code) is wrong, used already, or too old.
    #[error("the code is not valid")]
    WrongCode,
    /// Too many wrong passwords or codes in a row.
    #[error("the account is locked")]
    Locked,
    /// The account's role must use a second factor; it cannot be turned off.
    #[error("a second factor is required for this role")]
    Required,
    /// The account has changed since the step began (signed out everywhere, disabled, …).
    #[error("the sign-in is no longer valid")]
    Expired,
    #[error("the stored secret cannot be opened")]
    Sealed(#[from] crate::storage::crypto::CryptoError),
    #[error(transparent)]
    Db(#[from] DbError),
}

fn record_id(staff_id: &str) -> String {
    format!("totp:{staff_id}")
}

fn seal(master: &MasterKey, staff_id: &str, secret: &[u8]) -> Result<String, SecondFactorError> {
    Ok(totp::encode_sealed(
        &master.seal_value(&record_id(staff_id), secret)?,
    ))
}

fn open(master: &MasterKey, row: &StaffRow) -> Option<Vec<u8>> {
    let sealed = totp::decode_sealed(row.totp_secret.as_deref()?)?;
    master
        .open_value(&record_id(&row.id), &sealed)
        .ok()
        .map(|s| s.to_vec())
}

fn event(now: DateTime<Utc>, staff_id: &str, action: &str, context: &Context) -> AuditEvent {
    AuditEvent::new(now.naive_utc(), format!("staff:{staff_id}"), action)
        .from_request(context.0.clone(), context.1.clone())
}

/// The client address and request id recorded with each action.
pub type Context = (Option<String>, Option<String>);

/// The roles that must use a second factor.
pub async fn required_roles(db: &Db) -> Result<Vec<Role>, DbError> {
    let stored = db.lookup(second_factor::required_roles).await?;
    Ok(stored
        .split(',')
        .filter_map(|r| r.trim().parse::<Role>().ok())
        .collect())
}

/// Whether `row` must set up a second factor before it may do anything else.
pub async fn must_enrol(db: &Db, row: &StaffRow) -> Result<bool, DbError> {
    if row.totp_enabled_at.is_some() {
        return Ok(false);
    }
    let Ok(role) = row.role.parse::<Role>() else {
        return Ok(false);
    };
    Ok(required_roles(db).await?.contains(&role))
}

/// Sets which roles must use a second factor (an administrator's decision, audited).
pub async fn set_required_roles(
    db: &Db,
    admin: &StaffActor,
    roles: Vec<Role>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let stored = roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",");
    let admin = admin.clone();
    db.write(move |conn| {
        second_factor::set_required_roles(conn, &stored, &admin.label(), now.naive_utc())?;
        audit::append(
            conn,
            &AuditEvent::new(now.naive_utc(), admin.label(), "security.mfa_roles_changed")
                .role(admin.role.as_str())
                .target(format!("roles:{stored}"))
                .from_request(admin.client_ip.clone(), admin.request_id.clone()),
        )
    })
    .await
}

/// What the setup page shows: the QR code, the secret to type, and the secret to keep (in the
/// session) until the first code proves the app has it.
pub struct Enrolment {
    pub secret: Vec<u8>,
    pub typed: String,
    pub qr_svg: String,
}

pub fn begin_enrolment(issuer: &str, email: &str, secret: Option<Vec<u8>>) -> Enrolment {
    let secret = secret.unwrap_or_else(totp::new_secret);
    let link = totp::otpauth_link(&secret, issuer, email);
    Enrolment {
        typed: totp::typed_form(&secret),
        qr_svg: totp::qr_svg(&link),
        secret,
    }
}

/// Turns the second factor on once `code` proves the app holds `secret`; returns the recovery
/// codes to show once.
pub async fn enable(
    db: &Db,
    master: &MasterKey,
    staff_id: &str,
    secret: &[u8],
    code: &str,
    now: DateTime<Utc>,
    context: Context,
) -> Result<Vec<String>, SecondFactorError> {
    let step =
        totp::verify(secret, code, now.timestamp(), None).ok_or(SecondFactorError::WrongCode)?;
    let sealed = seal(master, staff_id, secret)?;
    let codes = totp::new_recovery_codes();
    let digests: Vec<String> = codes.iter().map(|c| token::digest(c)).collect();
    let id = staff_id.to_string();
    db.write(move |conn| {
        second_factor::enable(conn, &id, &sealed, step, &digests, now.naive_utc())?;
        audit::append(conn, &event(now, &id, "staff.mfa_enabled", &context))
    })
    .await?;
    Ok(codes)
}

/// New recovery codes (the old ones stop working), after a current code.
pub async fn renew_recovery_codes(
    db: &Db,
    master: &MasterKey,
    staff_id: &str,
    code: &str,
    now: DateTime<Utc>,
    context: Context,
) -> Result<Vec<String>, SecondFactorError> {
    check_code(db, master, staff_id, code, now).await?;
    let codes = totp::new_recovery_codes();
    let digests: Vec<String> = codes.iter().map(|c| token::digest(c)).collect();
    let id = staff_id.to_string();
    db.write(move |conn| {
        second_factor::replace_recovery_codes(conn, &id, &digests)?;
        audit::append(
            conn,
            &event(now, &id, "staff.mfa_recovery_renewed", &context),
        )
    })
    .await?;
    Ok(codes)
}

/// Turns one's own second factor off, after a current code; refused where the role requires one.
pub async fn disable(
    db: &Db,
    master: &MasterKey,
    staff_id: &str,
    code: &str,
    now: DateTime<Utc>,
    context: Context,
) -> Result<(), SecondFactorError> {
    let row = check_code(db, master, staff_id, code, now).await?;
    let role = row.role.parse::<Role>().ok();
    let required = required_roles(db).await?;
    if role.is_some_and(|r| required.contains(&r)) {
        return Err(SecondFactorError::Required);
    }
    let id = staff_id.to_string();
    db.write(move |conn| {
        second_factor::disable(conn, &id)?;
        audit::append(conn, &event(now, &id, "staff.mfa_disabled", &context))
    })
    .await?;
    Ok(())
}

/// An administrator removes an account's second factor (a lost phone and no recovery codes);
/// the account's sessions end and it sets one up again at its next sign-in where required.
pub async fn reset(
    db: &Db,
    admin: &StaffActor,
    staff_id: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let (admin, id) = (admin.clone(), staff_id.to_string());
    db.write(move |conn| {
        staff::find(conn, &id)?.ok_or(DbError::NotFound)?;
        second_factor::disable(conn, &id)?;
        staff::bump_auth_epoch(conn, &id)?;
        audit::append(
            conn,
            &AuditEvent::new(now.naive_utc(), admin.label(), "staff.mfa_reset")
                .role(admin.role.as_str())
                .target(format!("staff:{id}"))
                .from_request(admin.client_ip.clone(), admin.request_id.clone()),
        )
    })
    .await
}

/// The second step of signing in: `code` is a current TOTP code or an unused recovery code.
/// The attempt is counted before the code is checked, against the same limit as passwords.
/// `epoch` is the account's epoch when the password was accepted, and `started` when.
pub async fn complete_sign_in(
    db: &Db,
    master: &MasterKey,
    (staff_id, epoch, started): (&str, i64, DateTime<Utc>),
    code: &str,
    now: DateTime<Utc>,
    context: Context,
) -> Result<StaffRow, SecondFactorError> {
    if now - started > Duration::minutes(5) {
        return Err(SecondFactorError::Expired);
    }
    let id = staff_id.to_string();
    let row = db
        .read(move |conn| staff::find(conn, &id))
        .await?
        .filter(|r| r.auth_epoch == epoch && r.disabled_at.is_none())
        .ok_or(SecondFactorError::Expired)?;
    let id = staff_id.to_string();
    let attempt = db
        .write(move |conn| staff::count_attempt(conn, &id, now.naive_utc()))
        .await?;
    if attempt.is_none_or(|n| n > LOCK_AFTER_FAILURES) {
        let id = staff_id.to_string();
        let lock_until = (now + Duration::minutes(LOCK_MINUTES)).naive_utc();
        let counted = attempt.is_some();
        db.write(move |conn| {
            if counted {
                staff::lock(conn, &id, lock_until)?;
            }
            audit::append(conn, &event(now, &id, "staff.sign_in_locked", &context))
        })
        .await?;
        return Err(SecondFactorError::Locked);
    }
    let accepted = accept_code(db, master, &row, code, now).await?;
    let id = staff_id.to_string();
    let last_allowed = attempt == Some(LOCK_AFTER_FAILURES);
    let lock_until = (now + Duration::minutes(LOCK_MINUTES)).naive_utc();
    db.write(move |conn| {
        let action = match accepted {
            Some(_) => {
                staff::record_successful_login(conn, &id)?;
                "staff.signed_in"
            }
            None => {
                if last_allowed {
                    staff::lock(conn, &id, lock_until)?;
                }
                "staff.mfa_failed"
            }
        };
        let mut record = event(now, &id, action, &context);
        if accepted == Some(Used::RecoveryCode) {
            record = record.target("recovery-code".to_string());
        }
        audit::append(conn, &record)
    })
    .await?;
    match accepted {
        Some(_) => Ok(row),
        None => Err(SecondFactorError::WrongCode),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Used {
    AppCode,
    RecoveryCode,
}

/// Spends `code` if it is valid: a TOTP code (its step recorded, so it works once) or a recovery
/// code (marked used).
async fn accept_code(
    db: &Db,
    master: &MasterKey,
    row: &StaffRow,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Option<Used>, SecondFactorError> {
    let secret = open(master, row).ok_or(SecondFactorError::WrongCode)?;
    if let Some(step) = totp::verify(&secret, code, now.timestamp(), row.totp_last_step) {
        let id = row.id.clone();
        let counted = db
            .write(move |conn| second_factor::use_step(conn, &id, step))
            .await?;
        return Ok(counted.then_some(Used::AppCode));
    }
    let digest = token::digest(&totp::normalise_recovery_code(code));
    let id = row.id.clone();
    let spent = db
        .write(move |conn| second_factor::use_recovery_code(conn, &id, &digest, now.naive_utc()))
        .await?;
    Ok(spent.then_some(Used::RecoveryCode))
}

/// Checks a current code for an action on one's own second factor (turning it off, new
/// recovery codes); the code is spent.
async fn check_code(
    db: &Db,
    master: &MasterKey,
    staff_id: &str,
    code: &str,
    now: DateTime<Utc>,
) -> Result<StaffRow, SecondFactorError> {
    let id = staff_id.to_string();
    let row = db
        .read(move |conn| staff::find(conn, &id))
        .await?
        .ok_or(DbError::NotFound)?;
    match accept_code(db, master, &row, code, now).await? {
        Some(_) => Ok(row),
        None => Err(SecondFactorError::WrongCode),
    }
}

/// How many recovery codes are left.
pub async fn recovery_codes_left(db: &Db, staff_id: &str) -> Result<i64, DbError> {
    let id = staff_id.to_string();
    db.read(move |conn| second_factor::unused_recovery_codes(conn, &id))
        .await
}
