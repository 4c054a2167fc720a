//! Staff accounts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::staff;
use super::{DbConnection, DbError};
use crate::domain::role::Role;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = staff)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct StaffRow {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
    pub auth_epoch: i64,
    pub failed_logins: i32,
    pub locked_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub disabled_at: Option<NaiveDateTime>,
    /// 1 while the password is one someone else chose (to be changed at the next sign-in).
    pub must_change_password: i32,
    /// The TOTP secret, sealed under the master key.
    pub totp_secret: Option<String>,
    pub totp_enabled_at: Option<NaiveDateTime>,
    pub totp_last_step: Option<i64>,
}

impl StaffRow {
    /// The stored role, parsed; None for a role this version does not know (written by a newer
    /// one), which then grants nothing.
    pub fn known_role(&self) -> Option<Role> {
        self.role.parse().ok()
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = staff)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewStaff<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: &'a str,
    pub password_hash: &'a str,
    pub created_at: NaiveDateTime,
    /// 1 when someone else chose the password (it must be changed at the first sign-in).
    pub must_change_password: i32,
}

pub fn count(conn: &mut DbConnection) -> Result<i64, DbError> {
    Ok(staff::table.count().get_result(conn)?)
}

pub fn insert(conn: &mut DbConnection, new: &NewStaff<'_>) -> Result<(), DbError> {
    diesel::insert_into(staff::table)
        .values(new)
        .execute(conn)?;
    Ok(())
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<StaffRow>, DbError> {
    Ok(staff::table
        .filter(staff::email.eq(email))
        .select(StaffRow::as_select())
        .get_result(conn)
        .optional()?)
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<StaffRow>, DbError> {
    Ok(staff::table
        .find(id)
        .select(StaffRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Counts a sign-in attempt before its password is checked, in one statement, so parallel
/// attempts each get their own number: the attempts in a row so far, this one included. None
/// while the account is locked at `now`.
pub fn count_attempt(
    conn: &mut DbConnection,
    id: &str,
    now: NaiveDateTime,
) -> Result<Option<i32>, DbError> {
    Ok(diesel::update(
        staff::table.find(id).filter(
            staff::locked_until
                .is_null()
                .or(staff::locked_until.le(now)),
        ),
    )
    .set(staff::failed_logins.eq(staff::failed_logins + 1))
    .returning(staff::failed_logins)
    .get_result(conn)
    .optional()?)
}

/// Locks the account until `until`; the count starts again after it.
pub fn lock(conn: &mut DbConnection, id: &str, until: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(staff::table.find(id))
        .set((
            staff::locked_until.eq(Some(until)),
            staff::failed_logins.eq(0),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn record_successful_login(conn: &mut DbConnection, id: &str) -> Result<(), DbError> {
    diesel::update(staff::table.find(id))
        .set((
            staff::failed_logins.eq(0),
            staff::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Takes back one counted attempt (a right password before a second step).
pub fn uncount_attempt(conn: &mut DbConnection, id: &str) -> Result<(), DbError> {
    diesel::update(staff::table.find(id).filter(staff::failed_logins.gt(0)))
        .set(staff::failed_logins.eq(staff::failed_logins - 1))
        .execute(conn)?;
    Ok(())
}

/// Invalidates every session of this account on every instance ("sign out everywhere").
pub fn bump_auth_epoch(conn: &mut DbConnection, id: &str) -> Result<(), DbError> {
    diesel::update(staff::table.find(id))
        .set(staff::auth_epoch.eq(staff::auth_epoch + 1))
        .execute(conn)?;
    Ok(())
}

/// Active accounts, by display name (for assignment lists).
pub fn active(conn: &mut DbConnection) -> Result<Vec<StaffRow>, DbError> {
    Ok(staff::table
        .filter(staff::disabled_at.is_null())
        .order(staff::display_name.asc())
        .select(StaffRow::as_select())
        .load(conn)?)
}

/// Replaces the password hash and ends every other session (the epoch moves on). `one_time`
/// when an administrator chose it: the account must change it at its next sign-in.
pub fn set_password(
    conn: &mut DbConnection,
    id: &str,
    password_hash: &str,
    one_time: bool,
) -> Result<(), DbError> {
    diesel::update(staff::table.find(id))
        .set((
            staff::password_hash.eq(password_hash),
            staff::auth_epoch.eq(staff::auth_epoch + 1),
            staff::must_change_password.eq(i32::from(one_time)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Every account, active ones first, then by display name (for the administrator's list).
pub fn all(conn: &mut DbConnection) -> Result<Vec<StaffRow>, DbError> {
    Ok(staff::table
        .order((staff::disabled_at.is_not_null(), staff::display_name.asc()))
        .select(StaffRow::as_select())
        .load(conn)?)
}

/// Active administrators.
pub fn active_admins(conn: &mut DbConnection) -> Result<i64, DbError> {
    Ok(staff::table
        .filter(staff::role.eq("admin"))
        .filter(staff::disabled_at.is_null())
        .count()
        .get_result(conn)?)
}

/// Active administrators other than `except`.
pub fn other_active_admins(conn: &mut DbConnection, except: &str) -> Result<i64, DbError> {
    Ok(staff::table
        .filter(staff::role.eq("admin"))
        .filter(staff::disabled_at.is_null())
        .filter(staff::id.ne(except))
        .count()
        .get_result(conn)?)
}

/// Sets the role and ends the account's sessions, so the new role applies at the next sign-in.
pub fn set_role(conn: &mut DbConnection, id: &str, role: &str) -> Result<(), DbError> {
    diesel::update(staff::table.find(id))
        .set((
            staff::role.eq(role),
            staff::auth_epoch.eq(staff::auth_epoch + 1),
        ))
        .execute(conn)?;
    Ok(())
}

/// Disables (with the instant) or re-enables an account; either way its sessions end.
pub fn set_disabled(
    conn: &mut DbConnection,
    id: &str,
    disabled_at: Option<NaiveDateTime>,
) -> Result<(), DbError> {
    diesel::update(staff::table.find(id))
        .set((
            staff::disabled_at.eq(disabled_at),
            staff::failed_logins.eq(0),
            staff::locked_until.eq(None::<NaiveDateTime>),
            staff::auth_epoch.eq(staff::auth_epoch + 1),
        ))
        .execute(conn)?;
    Ok(())
}
