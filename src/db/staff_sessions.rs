//! Staff sessions, one row per signed-in browser. The cookie holds a random token; only its digest
//! is stored, so a database leak hands out no session.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{staff, staff_sessions};
use super::staff::StaffRow;
use super::{DbConnection, DbError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = staff_sessions)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct SessionRow {
    pub token_digest: String,
    pub staff_id: String,
    pub auth_epoch: i64,
    pub created_at: NaiveDateTime,
    pub seen_at: NaiveDateTime,
    pub ended_at: Option<NaiveDateTime>,
}

pub fn start(
    conn: &mut DbConnection,
    token_digest: &str,
    account: &StaffRow,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(staff_sessions::table)
        .values((
            staff_sessions::token_digest.eq(token_digest),
            staff_sessions::staff_id.eq(&account.id),
            staff_sessions::auth_epoch.eq(account.auth_epoch),
            staff_sessions::created_at.eq(now),
            staff_sessions::seen_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// The session with this digest and its account, whether or not it is still valid (the caller
/// decides, with the clock and the limits).
pub fn find(
    conn: &mut DbConnection,
    token_digest: &str,
) -> Result<Option<(SessionRow, StaffRow)>, DbError> {
    Ok(staff_sessions::table
        .inner_join(staff::table)
        .filter(staff_sessions::token_digest.eq(token_digest))
        .select((SessionRow::as_select(), StaffRow::as_select()))
        .get_result(conn)
        .optional()?)
}

/// Records activity (the idle time-out counts from here).
pub fn touch(
    conn: &mut DbConnection,
    token_digest: &str,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(staff_sessions::table.find(token_digest))
        .set(staff_sessions::seen_at.eq(now))
        .execute(conn)?;
    Ok(())
}

/// Ends one session; false when it had already ended.
pub fn end(
    conn: &mut DbConnection,
    token_digest: &str,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let ended = diesel::update(
        staff_sessions::table
            .find(token_digest)
            .filter(staff_sessions::ended_at.is_null()),
    )
    .set(staff_sessions::ended_at.eq(Some(now)))
    .execute(conn)?;
    Ok(ended == 1)
}

/// Forgets an account's sessions that ended or began before `begun_before` (sessions cannot
/// outlive their absolute limit, so older rows only take space).
pub fn forget_old(
    conn: &mut DbConnection,
    staff_id: &str,
    begun_before: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::delete(
        staff_sessions::table
            .filter(staff_sessions::staff_id.eq(staff_id))
            .filter(
                staff_sessions::ended_at
                    .is_not_null()
                    .or(staff_sessions::created_at.lt(begun_before)),
            ),
    )
    .execute(conn)?;
    Ok(())
}
