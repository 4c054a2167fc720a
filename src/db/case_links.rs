//! Private links to a case beyond the one stored on the case itself. A returning requester who
//! asks for a link by receipt number and address gets one more; the links they hold keep working
//! until they end them from the case page. Only digests are stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{case_links, cases};
use super::{DbConnection, DbError};

pub fn add(
    conn: &mut DbConnection,
    case_id: &str,
    digest: &str,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(case_links::table)
        .values((
            case_links::case_id.eq(case_id),
            case_links::link_digest.eq(digest),
            case_links::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether `digest` is one of the case's added links.
pub fn holds(conn: &mut DbConnection, case_id: &str, digest: &str) -> Result<bool, DbError> {
    let found: i64 = case_links::table
        .filter(case_links::case_id.eq(case_id))
        .filter(case_links::link_digest.eq(digest))
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}

/// Links to the case other than the one stored on it.
pub fn count(conn: &mut DbConnection, case_id: &str) -> Result<i64, DbError> {
    Ok(case_links::table
        .filter(case_links::case_id.eq(case_id))
        .count()
        .get_result(conn)?)
}

/// Leaves `keep` as the case's only link: it becomes the case's own, every other link ends.
pub fn keep_only(conn: &mut DbConnection, case_id: &str, keep: &str) -> Result<(), DbError> {
    diesel::update(cases::table.find(case_id))
        .set((
            cases::link_digest.eq(Some(keep)),
            cases::access_token_hash.eq(None::<String>),
        ))
        .execute(conn)?;
    diesel::delete(case_links::table.filter(case_links::case_id.eq(case_id))).execute(conn)?;
    Ok(())
}
