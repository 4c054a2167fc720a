//! The operator's own calendar days and the revision number that tells every instance when its
//! cached calendar is out of date.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{calendar_days, calendar_revision};
use super::{DbConnection, DbError};
use crate::domain::calendar::DayOverride;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = calendar_days)]
#[diesel(treat_none_as_default_value = false)]
pub struct CalendarDayRow {
    pub day: NaiveDate,
    pub status: DayOverride,
    pub note: String,
    pub changed_by: String,
    pub changed_at: NaiveDateTime,
}

pub fn all(conn: &mut DbConnection) -> Result<Vec<CalendarDayRow>, DbError> {
    Ok(calendar_days::table
        .order(calendar_days::day.asc())
        .select(CalendarDayRow::as_select())
        .load(conn)?)
}

pub fn revision(conn: &mut DbConnection) -> Result<i64, DbError> {
    Ok(calendar_revision::table
        .select(calendar_revision::revision)
        .get_result(conn)
        .optional()?
        .unwrap_or(0))
}

/// Sets (or replaces) one day and bumps the revision, in the caller's transaction.
pub fn put(conn: &mut DbConnection, row: &CalendarDayRow) -> Result<(), DbError> {
    diesel::delete(calendar_days::table.find(row.day)).execute(conn)?;
    diesel::insert_into(calendar_days::table)
        .values(row)
        .execute(conn)?;
    bump(conn)
}

/// Removes one day; returns whether it existed. Bumps the revision when it did.
pub fn remove(conn: &mut DbConnection, day: NaiveDate) -> Result<Option<CalendarDayRow>, DbError> {
    let existing = calendar_days::table
        .find(day)
        .select(CalendarDayRow::as_select())
        .get_result(conn)
        .optional()?;
    if existing.is_some() {
        diesel::delete(calendar_days::table.find(day)).execute(conn)?;
        bump(conn)?;
    }
    Ok(existing)
}

fn bump(conn: &mut DbConnection) -> Result<(), DbError> {
    diesel::update(calendar_revision::table.find(1))
        .set(calendar_revision::revision.eq(calendar_revision::revision + 1))
        .execute(conn)?;
    Ok(())
}
