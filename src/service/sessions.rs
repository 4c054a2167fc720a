//! Staff sessions kept on the server. A session is valid while its row has not ended, its account
//! is enabled and still in the epoch the session began in (a password or role change, "sign out
//! everywhere" and disabling move the epoch on), and neither the idle nor the absolute limit has
//! passed. Every instance reads the same rows, so ending a session ends it everywhere.

use chrono::{DateTime, Duration, Utc};

use crate::auth::token;
use crate::db::audit::{self, AuditEvent};
use crate::db::staff::StaffRow;
use crate::db::{Db, DbError, staff_sessions};

/// How long a session lasts without a request, and at most.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    pub idle: Duration,
    pub absolute: Duration,
}

/// Activity is written at most this often per session, not on every request.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// Starts a session for an account that has just proved who it is; returns the cookie's token.
pub async fn start(
    db: &Db,
    account: &StaffRow,
    now: DateTime<Utc>,
    limits: SessionLimits,
) -> Result<String, DbError> {
    let session_token = token::generate();
    let digest = token::digest(&session_token);
    let account = account.clone();
    let begun_before = (now - limits.absolute).naive_utc();
    db.write(move |conn| {
        staff_sessions::forget_old(conn, &account.id, begun_before)?;
        staff_sessions::start(conn, &digest, &account, now.naive_utc())
    })
    .await?;
    Ok(session_token)
}

/// The account behind a session token, or None when the session is unknown, ended or expired.
pub async fn current(
    db: &Db,
    session_token: &str,
    now: DateTime<Utc>,
    limits: SessionLimits,
) -> Result<Option<StaffRow>, DbError> {
    let digest = token::digest(session_token);
    let lookup = digest.clone();
    let Some((session, account)) = db
        .lookup(move |conn| staff_sessions::find(conn, &lookup))
        .await?
    else {
        return Ok(None);
    };
    let at = now.naive_utc();
    let valid = session.ended_at.is_none()
        && account.disabled_at.is_none()
        && account.auth_epoch == session.auth_epoch
        && at - session.seen_at <= limits.idle
        && at - session.created_at <= limits.absolute;
    if !valid {
        return Ok(None);
    }
    if (at - session.seen_at).num_seconds() >= TOUCH_EVERY_SECONDS {
        db.write(move |conn| staff_sessions::touch(conn, &digest, at))
            .await?;
    }
    Ok(Some(account))
}

/// Ends this session (signing out), with its audit record in the same write.
pub async fn end(
    db: &Db,
    session_token: &str,
    staff_id: &str,
    now: DateTime<Utc>,
    audit_context: (Option<String>, Option<String>),
) -> Result<(), DbError> {
    let digest = token::digest(session_token);
    let (client_ip, request_id) = audit_context;
    let staff_id = staff_id.to_string();
    db.write(move |conn| {
        if staff_sessions::end(conn, &digest, now.naive_utc())? {
            audit::append(
                conn,
                &AuditEvent::new(
                    now.naive_utc(),
                    format!("staff:{staff_id}"),
                    "staff.signed_out",
                )
                .from_request(client_ip.clone(), request_id.clone()),
            )?;
        }
        Ok(())
    })
    .await
}
