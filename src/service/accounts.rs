//! Staff accounts: first-run setup, creation from the command line, sign-in.

use chrono::{DateTime, Duration, Utc};
use validator::Validate;

use crate::auth::{password, token};
use crate::db::audit::{self, AuditEvent};
use crate::db::staff::{self, NewStaff, StaffRow};
use crate::db::{Db, DbConnection, DbError, setup_links};
use crate::domain::role::Role;

/// Consecutive failures before an account is locked, and for how long.
pub const LOCK_AFTER_FAILURES: i32 = 5;
pub const LOCK_MINUTES: i64 = 15;
/// Failed sign-ins from one address within [`LOCK_MINUTES`] (any accounts, known or not) after
/// which that address is refused: guessing across many accounts is stopped too. Counted in the
/// audit log, so every instance sees the same number.
pub const ADDRESS_LOCK_AFTER_FAILURES: i64 = 20;
const FAILED: &str = "staff.sign_in_failed";
/// A sign-in refused unread because the account is locked.
const LOCKED_OUT: &str = "staff.sign_in_locked";

/// What a person types to create an account. Validated here so the browser form and the command
/// line apply the same rules.
#[derive(Debug, Clone, Default, serde::Deserialize, Validate)]
pub struct AccountInput {
    #[validate(
        email(code = "email_invalid"),
        length(max = 254, code = "email_invalid")
    )]
    pub email: String,
    #[validate(length(min = 1, max = 60, code = "name_length"))]
    pub display_name: String,
    #[validate(length(min = 12, max = 128, code = "password_length"))]
    pub password: String,
}

impl AccountInput {
    /// The field rules, then the password's strength: a password of the right length may still
    /// be one everybody tries first.
    pub fn check(&self) -> Result<(), validator::ValidationErrors> {
        self.validate()?;
        if let Some(code) = password::weakness(&self.password, &self.email) {
            let mut errors = validator::ValidationErrors::new();
            errors.add("password", validator::ValidationError::new(code));
            return Err(errors);
        }
        Ok(())
    }

    pub fn normalised(mut self) -> Self {
        self.email = self.email.trim().to_lowercase();
        self.display_name = self.display_name.trim().to_string();
        self
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("invalid input: {0}")]
    Invalid(#[from] validator::ValidationErrors),
    #[error("an account with this e-mail address already exists")]
    EmailTaken,
    #[error("the setup link is unknown, expired or already used")]
    SetupLinkInvalid,
    #[error("the e-mail address or password is wrong")]
    BadCredentials,
    #[error("the account is locked until {0}")]
    Locked(DateTime<Utc>),
    #[error("the account is disabled")]
    Disabled,
    /// Too many failed sign-ins from this address, whatever the accounts tried.
    #[error("too many failed sign-ins from this address")]
    AddressLocked,
    #[error(transparent)]
    Hash(#[from] password::HashError),
    #[error(transparent)]
    Db(DbError),
}

impl From<DbError> for AccountError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Conflict(_) => AccountError::EmailTaken,
            other => AccountError::Db(other),
        }
    }
}

/// When no administrator exists, issues a one-time setup link token (the caller prints the URL).
/// Accounts of other roles added from the command line before the first administrator do not
/// count: someone still has to be able to administer.
pub fn setup_link_if_needed(
    db: &Db,
    now: DateTime<Utc>,
    valid_for: Duration,
) -> Result<Option<String>, DbError> {
    db.with_writer(|conn| {
        if staff::active_admins(conn)? > 0 {
            return Ok(None);
        }
        let token = token::generate();
        setup_links::create(
            conn,
            &token::digest(&token),
            now.naive_utc(),
            (now + valid_for).naive_utc(),
        )?;
        Ok(Some(token))
    })
}

pub async fn setup_link_usable(db: &Db, token: &str, now: DateTime<Utc>) -> Result<bool, DbError> {
    let digest = token::digest(token);
    db.read(move |conn| setup_links::is_usable(conn, &digest, now.naive_utc()))
        .await
}

/// Whether an active administrator exists (else the setup link is how the first one is made).
pub fn administrator_exists(db: &Db) -> Result<bool, DbError> {
    db.with_writer(|conn| Ok(staff::active_admins(conn)? > 0))
}

/// Creates the first administrator through a setup link. The link works once, and only while no
/// administrator exists.
pub async fn complete_setup(
    db: &Db,
    token: &str,
    input: AccountInput,
    now: DateTime<Utc>,
    cost: password::Cost,
) -> Result<StaffRow, AccountError> {
    let input = input.normalised();
    input.check()?;
    let password_hash = hash_off_thread(input.password.clone(), cost).await?;
    let digest = token::digest(token);
    let created = db
        .write(move |conn| {
            let at = now.naive_utc();
            if !setup_links::consume(conn, &digest, at)? || staff::active_admins(conn)? > 0 {
                return Ok(None);
            }
            let row = insert_staff(conn, &input, Role::Admin, &password_hash, now, false)?;
            setup_links::retire_all(conn, at)?;
            audit::append(
                conn,
                &AuditEvent::new(at, "setup-link", "staff.created")
                    .target(format!("staff:{}", row.id)),
            )?;
            Ok(Some(row))
        })
        .await?;
    created.ok_or(AccountError::SetupLinkInvalid)
}

/// Creates an account from the command line. `one_time` when the password was generated for
/// someone else to use once: the account must change it at its first sign-in.
pub fn add_staff(
    db: &Db,
    input: AccountInput,
    (role, one_time): (Role, bool),
    now: DateTime<Utc>,
    cost: password::Cost,
) -> Result<StaffRow, AccountError> {
    let input = input.normalised();
    input.check()?;
    let password_hash = password::hash(&input.password, cost)?;
    let row = db.with_writer(|conn| {
        let row = insert_staff(conn, &input, role, &password_hash, now, one_time)?;
        audit::append(
            conn,
            &AuditEvent::new(now.naive_utc(), "cli", "staff.created")
                .target(format!("staff:{}", row.id)),
        )?;
        Ok(row)
    })?;
    Ok(row)
}

fn insert_staff(
    conn: &mut DbConnection,
    input: &AccountInput,
    role: Role,
    password_hash: &str,
    now: DateTime<Utc>,
    one_time: bool,
) -> Result<StaffRow, DbError> {
    let id = uuid::Uuid::now_v7().to_string();
    staff::insert(
        conn,
        &NewStaff {
            id: &id,
            email: &input.email,
            display_name: &input.display_name,
            role: role.as_str(),
            password_hash,
            created_at: now.naive_utc(),
            must_change_password: i32::from(one_time),
        },
    )?;
    staff::find(conn, &id)?.ok_or(DbError::NotFound)
}

/// Checks a staff member's credentials, counting failures and locking the account after
/// [`LOCK_AFTER_FAILURES`] in a row. Unknown addresses cost the same time as known ones.
pub async fn sign_in(
    db: &Db,
    email: &str,
    password_given: String,
    now: DateTime<Utc>,
    audit_context: (Option<String>, Option<String>),
) -> Result<StaffRow, AccountError> {
    let email = email.trim().to_lowercase();
    let (client_ip, request_id) = audit_context;
    let address = client_ip.clone();
    let since = (now - Duration::minutes(LOCK_MINUTES)).naive_utc();
    let (found, failures_from_address) = db
        .read(move |conn| {
            let failures = match &address {
                Some(ip) => audit::count_from_address(conn, FAILED, ip, since)?,
                None => 0,
            };
            Ok((staff::find_by_email(conn, &email)?, failures))
        })
        .await?;
    if failures_from_address >= ADDRESS_LOCK_AFTER_FAILURES {
        return Err(AccountError::AddressLocked);
    }
    let Some(row) = found else {
        let _ = verify_off_thread(password_given, password::decoy_hash().to_string()).await;
        let failed =
            AuditEvent::new(now.naive_utc(), "unknown", FAILED).from_request(client_ip, request_id);
        db.write(move |conn| audit::append(conn, &failed)).await?;
        return Err(AccountError::BadCredentials);
    };
    if row.disabled_at.is_some() {
        return Err(AccountError::Disabled);
    }
    // The attempt is counted before its password is checked: of any number of parallel
    // attempts, at most LOCK_AFTER_FAILURES have their password evaluated.
    let id = row.id.clone();
    let lock_until = now + Duration::minutes(LOCK_MINUTES);
    let attempt = db
        .write(move |conn| staff::count_attempt(conn, &id, now.naive_utc()))
        .await?;
    let refused = match attempt {
        None => true,
        Some(n) => n > LOCK_AFTER_FAILURES,
    };
    if refused {
        let id = row.id.clone();
        let locked = attempt.is_some();
        let (ip, request) = (client_ip.clone(), request_id.clone());
        db.write(move |conn| {
            if locked {
                staff::lock(conn, &id, lock_until.naive_utc())?;
            }
            audit::append(
                conn,
                &AuditEvent::new(now.naive_utc(), format!("staff:{id}"), LOCKED_OUT)
                    .from_request(ip.clone(), request.clone()),
            )
        })
        .await?;
        // Locked by this attempt, or earlier (by another instance, perhaps, since `row` was read).
        let until = match (locked, row.locked_until) {
            (false, Some(earlier)) if earlier.and_utc() > now => earlier.and_utc(),
            _ => lock_until,
        };
        return Err(AccountError::Locked(until));
    }
    let ok = verify_off_thread(password_given, row.password_hash.clone()).await;
    let id = row.id.clone();
    let last_allowed = attempt == Some(LOCK_AFTER_FAILURES);
    let second_factor = row.totp_enabled_at.is_some();
    db.write(move |conn| {
        let at = now.naive_utc();
        let action = if ok && second_factor {
            // The right password neither counts as a failure nor clears the failures: only the
            // second step does, so an attacker who has the password gets no fresh tries at the
            // code by typing it again.
            staff::uncount_attempt(conn, &id)?;
            "staff.password_accepted"
        } else if ok {
            staff::record_successful_login(conn, &id)?;
            "staff.signed_in"
        } else {
            if last_allowed {
                staff::lock(conn, &id, lock_until.naive_utc())?;
            }
            FAILED
        };
        audit::append(
            conn,
            &AuditEvent::new(at, format!("staff:{id}"), action)
                .from_request(client_ip.clone(), request_id.clone()),
        )
    })
    .await?;
    if ok {
        Ok(row)
    } else {
        Err(AccountError::BadCredentials)
    }
}

/// Changes a staff member's own password after checking the current one. Other sessions end;
/// the caller signs the current one in again with the returned row.
pub async fn change_password(
    db: &Db,
    id: &str,
    (current, new): (String, String),
    cost: password::Cost,
    now: DateTime<Utc>,
    audit_context: (Option<String>, Option<String>),
) -> Result<StaffRow, PasswordChangeError> {
    let new_length = new.chars().count();
    if !(12..=128).contains(&new_length) {
        return Err(PasswordChangeError::Field(
            "new_password",
            "password_length",
        ));
    }
    if new == current {
        return Err(PasswordChangeError::Field("new_password", "same"));
    }
    let staff_id = id.to_string();
    let row = db
        .read(move |conn| staff::find(conn, &staff_id))
        .await?
        .ok_or(DbError::NotFound)?;
    if let Some(code) = password::weakness(&new, &row.email) {
        return Err(PasswordChangeError::Field("new_password", code));
    }
    if !verify_off_thread(current, row.password_hash.clone()).await {
        return Err(PasswordChangeError::Field("current_password", "wrong"));
    }
    let hash = hash_off_thread(new, cost)
        .await
        .map_err(|e| PasswordChangeError::Db(DbError::Unavailable(e.to_string())))?;
    let (client_ip, request_id) = audit_context;
    let staff_id = id.to_string();
    let updated = db
        .write(move |conn| {
            staff::set_password(conn, &staff_id, &hash, false)?;
            audit::append(
                conn,
                &AuditEvent::new(
                    now.naive_utc(),
                    format!("staff:{staff_id}"),
                    "staff.password_changed",
                )
                .from_request(client_ip.clone(), request_id.clone()),
            )?;
            staff::find(conn, &staff_id)?.ok_or(DbError::NotFound)
        })
        .await?;
    Ok(updated)
}

/// Ends every session of this account, on every device and every instance (their cookies carry
/// the old epoch), and records it in the audit log in the same write.
pub async fn sign_out_everywhere(
    db: &Db,
    id: &str,
    now: DateTime<Utc>,
    audit_context: (Option<String>, Option<String>),
) -> Result<(), DbError> {
    let (client_ip, request_id) = audit_context;
    let staff_id = id.to_string();
    db.write(move |conn| {
        staff::bump_auth_epoch(conn, &staff_id)?;
        audit::append(
            conn,
            &AuditEvent::new(
                now.naive_utc(),
                format!("staff:{staff_id}"),
                "staff.signed_out_everywhere",
            )
            .from_request(client_ip.clone(), request_id.clone()),
        )
    })
    .await?;
    tracing::info!(staff_id = %id, "signed out everywhere");
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordChangeError {
    /// The form field and the message code.
    #[error("{0}: {1}")]
    Field(&'static str, &'static str),
    #[error(transparent)]
    Db(#[from] DbError),
}

async fn hash_off_thread(
    password_given: String,
    cost: password::Cost,
) -> Result<String, AccountError> {
    tokio::task::spawn_blocking(move || password::hash(&password_given, cost))
        .await
        .map_err(|e| AccountError::Db(DbError::Unavailable(e.to_string())))?
        .map_err(AccountError::from)
}

async fn verify_off_thread(password_given: String, stored: String) -> bool {
    tokio::task::spawn_blocking(move || password::verify(&password_given, &stored))
        .await
        .unwrap_or(false)
}
