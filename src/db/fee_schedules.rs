//! The fee schedules an administrator added, and the revision number that tells every instance
//! when its cached schedules are out of date.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{fee_schedule_confirmations, fee_schedule_revision, fee_schedules};
use super::{DbConnection, DbError};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = fee_schedules)]
#[diesel(treat_none_as_default_value = false)]
pub struct FeeScheduleRow {
    pub effective_from: NaiveDate,
    /// `domain::fees::FeeSchedule` as JSON.
    pub schedule: String,
    pub added_by: String,
    pub added_at: NaiveDateTime,
}

pub fn all(conn: &mut DbConnection) -> Result<Vec<FeeScheduleRow>, DbError> {
    Ok(fee_schedules::table
        .order(fee_schedules::effective_from.asc())
        .select(FeeScheduleRow::as_select())
        .load(conn)?)
}

/// An administrator's confirmation of a profile's built-in schedule.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = fee_schedule_confirmations)]
#[diesel(treat_none_as_default_value = false)]
pub struct ConfirmationRow {
    pub profile: String,
    pub effective_from: NaiveDate,
    /// The confirmed `domain::fees::FeeSchedule` as JSON.
    pub schedule: String,
    pub confirmed_by: String,
    pub confirmed_at: NaiveDateTime,
}

pub fn confirmations(conn: &mut DbConnection) -> Result<Vec<ConfirmationRow>, DbError> {
    Ok(fee_schedule_confirmations::table
        .order(fee_schedule_confirmations::effective_from.asc())
        .select(ConfirmationRow::as_select())
        .load(conn)?)
}

/// Records a confirmation, replacing an older one of the same profile and day (made of amounts a
/// later release changed), and bumps the revision, in the caller's transaction.
pub fn confirm(conn: &mut DbConnection, row: &ConfirmationRow) -> Result<(), DbError> {
    diesel::delete(
        fee_schedule_confirmations::table.find((row.profile.as_str(), row.effective_from)),
    )
    .execute(conn)?;
    diesel::insert_into(fee_schedule_confirmations::table)
        .values(row)
        .execute(conn)?;
    bump(conn)
}

pub fn revision(conn: &mut DbConnection) -> Result<i64, DbError> {
    Ok(fee_schedule_revision::table
        .select(fee_schedule_revision::revision)
        .get_result(conn)
        .optional()?
        .unwrap_or(0))
}

/// Adds one schedule and bumps the revision, in the caller's transaction.
pub fn insert(conn: &mut DbConnection, row: &FeeScheduleRow) -> Result<(), DbError> {
    diesel::insert_into(fee_schedules::table)
        .values(row)
        .execute(conn)?;
    bump(conn)
}

/// Removes the schedule of `day`; returns whether there was one. Bumps the revision when there was.
pub fn remove(conn: &mut DbConnection, day: NaiveDate) -> Result<bool, DbError> {
    let removed = diesel::delete(fee_schedules::table.find(day)).execute(conn)?;
    if removed > 0 {
        bump(conn)?;
    }
    Ok(removed > 0)
}

fn bump(conn: &mut DbConnection) -> Result<(), DbError> {
    diesel::update(fee_schedule_revision::table.find(1))
        .set(fee_schedule_revision::revision.eq(fee_schedule_revision::revision + 1))
        .execute(conn)?;
    Ok(())
}
