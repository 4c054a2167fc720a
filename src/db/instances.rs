//! Running server instances and maintenance under way (docs/operations.md §7). A server
//! registers at start, beats while it runs and leaves when it stops; a command that must not run
//! beside a server (key rotation) counts the instances seen recently, on any host.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{maintenance, server_instances};
use super::{DbConnection, DbError};

/// Registers (or re-registers) an instance, and forgets instances silent for a day (killed
/// without leaving).
pub fn register(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::delete(
        server_instances::table
            .filter(server_instances::seen_at.lt(now - chrono::Duration::days(1))),
    )
    .execute(conn)?;
    diesel::insert_into(server_instances::table)
        .values((
            server_instances::id.eq(id),
            server_instances::started_at.eq(now),
            server_instances::seen_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records that the instance is alive; re-registers it if its row was removed meanwhile.
pub fn beat(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> Result<(), DbError> {
    let updated = diesel::update(server_instances::table.find(id))
        .set(server_instances::seen_at.eq(now))
        .execute(conn)?;
    if updated == 0 {
        register(conn, id, now)?;
    }
    Ok(())
}

pub fn leave(conn: &mut DbConnection, id: &str) -> Result<(), DbError> {
    diesel::delete(server_instances::table.find(id)).execute(conn)?;
    Ok(())
}

/// Instances seen at or after `since`, with when each was last seen.
pub fn seen_since(
    conn: &mut DbConnection,
    since: NaiveDateTime,
) -> Result<Vec<(String, NaiveDateTime)>, DbError> {
    Ok(server_instances::table
        .filter(server_instances::seen_at.ge(since))
        .select((server_instances::id, server_instances::seen_at))
        .order(server_instances::seen_at.desc())
        .load(conn)?)
}

/// When the named maintenance started, if it is under way.
pub fn maintenance_started(
    conn: &mut DbConnection,
    name: &str,
) -> Result<Option<NaiveDateTime>, DbError> {
    Ok(maintenance::table
        .find(name)
        .select(maintenance::started_at)
        .first(conn)
        .optional()?)
}

/// Marks the maintenance as under way; keeps the first start when resumed.
pub fn begin_maintenance(
    conn: &mut DbConnection,
    name: &str,
    now: NaiveDateTime,
) -> Result<NaiveDateTime, DbError> {
    if let Some(started) = maintenance_started(conn, name)? {
        return Ok(started);
    }
    diesel::insert_into(maintenance::table)
        .values((maintenance::name.eq(name), maintenance::started_at.eq(now)))
        .execute(conn)?;
    Ok(now)
}

pub fn end_maintenance(conn: &mut DbConnection, name: &str) -> Result<(), DbError> {
    diesel::delete(maintenance::table.find(name)).execute(conn)?;
    Ok(())
}

/// Forgets every registered instance: a restored database holds the rows of the servers that ran
/// when its snapshot was taken, and none of them runs against it.
pub fn forget_all(conn: &mut DbConnection) -> Result<(), DbError> {
    diesel::delete(server_instances::table).execute(conn)?;
    Ok(())
}
