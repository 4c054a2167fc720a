//! The operator profile an administrator chose and adjusted (one row), with the revision that
//! tells every instance when its cached profile is out of date.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{cases, operator_settings};
use super::{DbConnection, DbError};

#[derive(Debug, Clone, Default, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = operator_settings)]
pub struct SettingsRow {
    /// A ready profile's name; None until an administrator saves one.
    pub profile: Option<String>,
    /// `domain::operator_settings::Adjustments` as JSON.
    pub adjustments: Option<String>,
    pub revision: i64,
    pub changed_by: Option<String>,
    pub changed_at: Option<NaiveDateTime>,
}

pub fn current(conn: &mut DbConnection) -> Result<SettingsRow, DbError> {
    Ok(operator_settings::table
        .select(SettingsRow::as_select())
        .get_result(conn)
        .optional()?
        .unwrap_or_default())
}

pub fn revision(conn: &mut DbConnection) -> Result<i64, DbError> {
    Ok(operator_settings::table
        .select(operator_settings::revision)
        .get_result(conn)
        .optional()?
        .unwrap_or(0))
}

/// Saves over revision `seen` and bumps it; false when someone saved a newer one meanwhile.
pub fn save(
    conn: &mut DbConnection,
    seen: i64,
    (profile, adjustments): (&str, &str),
    changed_by: &str,
    changed_at: NaiveDateTime,
) -> Result<bool, DbError> {
    let saved = diesel::update(
        operator_settings::table
            .filter(operator_settings::id.eq(1))
            .filter(operator_settings::revision.eq(seen)),
    )
    .set((
        operator_settings::profile.eq(profile),
        operator_settings::adjustments.eq(adjustments),
        operator_settings::revision.eq(operator_settings::revision + 1),
        operator_settings::changed_by.eq(changed_by),
        operator_settings::changed_at.eq(changed_at),
    ))
    .execute(conn)?;
    Ok(saved == 1)
}

/// Whether any request was ever received (a ready profile may only be exchanged before).
pub fn any_case(conn: &mut DbConnection) -> Result<bool, DbError> {
    Ok(diesel::select(diesel::dsl::exists(cases::table.select(cases::id))).get_result(conn)?)
}
