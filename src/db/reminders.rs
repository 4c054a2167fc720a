//! Reminders already sent. The key names the reminder (case, kind, the date it is about); the
//! insert is the claim, so two instances sweeping at once send each reminder once.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::reminders;
use super::{DbConnection, DbError};

/// Claims `key` in the caller's transaction: true if this call inserted it (send the reminder),
/// false if it was already there (someone sent it).
pub fn claim(
    conn: &mut DbConnection,
    key: &str,
    case_id: &str,
    kind: &str,
    at: NaiveDateTime,
    instance: &str,
) -> Result<bool, DbError> {
    let row = (
        reminders::key.eq(key),
        reminders::case_id.eq(case_id),
        reminders::kind.eq(kind),
        reminders::sent_at.eq(at),
        reminders::instance.eq(instance),
    );
    // ON CONFLICT is not in the multi-backend query builder; both backends spell it the same.
    let insert = diesel::insert_into(reminders::table)
        .values(row)
        .on_conflict_do_nothing();
    let inserted = match conn {
        DbConnection::Sqlite(c) => insert.execute(c)?,
        DbConnection::Postgres(c) => insert.execute(c)?,
    };
    Ok(inserted == 1)
}

/// Which of `keys` are already claimed (to skip them without a write).
pub fn existing(conn: &mut DbConnection, keys: &[String]) -> Result<Vec<String>, DbError> {
    let mut found = Vec::new();
    for chunk in keys.chunks(500) {
        found.extend(
            reminders::table
                .filter(reminders::key.eq_any(chunk))
                .select(reminders::key)
                .load::<String>(conn)?,
        );
    }
    Ok(found)
}

pub fn count_for_case(conn: &mut DbConnection, case_id: &str) -> Result<i64, DbError> {
    Ok(reminders::table
        .filter(reminders::case_id.eq(case_id))
        .count()
        .get_result(conn)?)
}
