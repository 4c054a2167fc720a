//! The last figures counted for a view, kept so that an instance which has none yet shows them
//! at once while it counts afresh (`service::caches`).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::upsert::excluded;

use super::schema::figure_snapshots;
use super::{DbConnection, DbError};

/// The figures (as stored) of `name` for `day` and when they were counted.
pub fn load(
    conn: &mut DbConnection,
    name: &str,
    day: NaiveDate,
) -> Result<Option<(String, NaiveDateTime)>, DbError> {
    Ok(figure_snapshots::table
        .find((name, day))
        .select((figure_snapshots::figures, figure_snapshots::counted_at))
        .get_result(conn)
        .optional()?)
}

/// Replaces the figures of `name` for `day` (the last instance to count wins: each shows when
/// its figures were counted) and removes those of earlier days.
pub fn save(
    conn: &mut DbConnection,
    name: &str,
    day: NaiveDate,
    counted_at: NaiveDateTime,
    figures: &str,
) -> Result<(), DbError> {
    on_backend!(conn, |c| diesel::insert_into(figure_snapshots::table)
        .values((
            figure_snapshots::name.eq(name),
            figure_snapshots::day.eq(day),
            figure_snapshots::counted_at.eq(counted_at),
            figure_snapshots::figures.eq(figures),
        ))
        .on_conflict((figure_snapshots::name, figure_snapshots::day))
        .do_update()
        .set((
            figure_snapshots::counted_at.eq(excluded(figure_snapshots::counted_at)),
            figure_snapshots::figures.eq(excluded(figure_snapshots::figures)),
        ))
        .execute(c))?;
    diesel::delete(
        figure_snapshots::table
            .filter(figure_snapshots::name.eq(name))
            .filter(figure_snapshots::day.lt(day)),
    )
    .execute(conn)?;
    Ok(())
}
