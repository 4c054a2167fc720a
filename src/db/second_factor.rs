//! Staff second factors: the sealed TOTP secret on the account, its recovery codes (digests only)
//! and which roles must use one.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{security_settings, staff, staff_recovery_codes};
use super::{DbConnection, DbError};

/// Turns the second factor on with a verified secret and replaces the recovery codes.
pub fn enable(
    conn: &mut DbConnection,
    staff_id: &str,
    sealed_secret: &str,
    verified_step: i64,
    recovery_digests: &[String],
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(staff::table.find(staff_id))
        .set((
            staff::totp_secret.eq(Some(sealed_secret)),
            staff::totp_enabled_at.eq(Some(now)),
            staff::totp_last_step.eq(Some(verified_step)),
        ))
        .execute(conn)?;
    replace_recovery_codes(conn, staff_id, recovery_digests)
}

pub fn replace_recovery_codes(
    conn: &mut DbConnection,
    staff_id: &str,
    digests: &[String],
) -> Result<(), DbError> {
    diesel::delete(staff_recovery_codes::table.filter(staff_recovery_codes::staff_id.eq(staff_id)))
        .execute(conn)?;
    for digest in digests {
        diesel::insert_into(staff_recovery_codes::table)
            .values((
                staff_recovery_codes::staff_id.eq(staff_id),
                staff_recovery_codes::code_digest.eq(digest),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Turns the second factor off (the account's own choice, or an administrator's reset).
pub fn disable(conn: &mut DbConnection, staff_id: &str) -> Result<(), DbError> {
    diesel::update(staff::table.find(staff_id))
        .set((
            staff::totp_secret.eq(None::<String>),
            staff::totp_enabled_at.eq(None::<NaiveDateTime>),
            staff::totp_last_step.eq(None::<i64>),
        ))
        .execute(conn)?;
    diesel::delete(staff_recovery_codes::table.filter(staff_recovery_codes::staff_id.eq(staff_id)))
        .execute(conn)?;
    Ok(())
}

/// Records a code's step as used, unless a later or equal one already was (two instances taking
/// the same code at once: only one wins). True when this use counts.
pub fn use_step(conn: &mut DbConnection, staff_id: &str, step: i64) -> Result<bool, DbError> {
    let updated = diesel::update(
        staff::table.find(staff_id).filter(
            staff::totp_last_step
                .is_null()
                .or(staff::totp_last_step.lt(step)),
        ),
    )
    .set(staff::totp_last_step.eq(Some(step)))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Spends a recovery code; false when it is unknown or already used.
pub fn use_recovery_code(
    conn: &mut DbConnection,
    staff_id: &str,
    digest: &str,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let updated = diesel::update(
        staff_recovery_codes::table
            .filter(staff_recovery_codes::staff_id.eq(staff_id))
            .filter(staff_recovery_codes::code_digest.eq(digest))
            .filter(staff_recovery_codes::used_at.is_null()),
    )
    .set(staff_recovery_codes::used_at.eq(Some(now)))
    .execute(conn)?;
    Ok(updated == 1)
}

pub fn unused_recovery_codes(conn: &mut DbConnection, staff_id: &str) -> Result<i64, DbError> {
    Ok(staff_recovery_codes::table
        .filter(staff_recovery_codes::staff_id.eq(staff_id))
        .filter(staff_recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)?)
}

/// The roles that must sign in with a second factor, as stored (comma-separated; none when unset).
pub fn required_roles(conn: &mut DbConnection) -> Result<String, DbError> {
    Ok(security_settings::table
        .find(1)
        .select(security_settings::mfa_roles)
        .get_result(conn)
        .optional()?
        .unwrap_or_default())
}

pub fn set_required_roles(
    conn: &mut DbConnection,
    roles: &str,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let updated = diesel::update(security_settings::table.find(1))
        .set((
            security_settings::mfa_roles.eq(roles),
            security_settings::changed_by.eq(Some(changed_by)),
            security_settings::changed_at.eq(Some(now)),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(security_settings::table)
            .values((
                security_settings::id.eq(1),
                security_settings::mfa_roles.eq(roles),
                security_settings::changed_by.eq(Some(changed_by)),
                security_settings::changed_at.eq(Some(now)),
            ))
            .execute(conn)?;
    }
    Ok(())
}
