//! One-time links for creating the first administrator. Only a hash of the token is stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::setup_links;
use super::{DbConnection, DbError};

pub fn create(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(setup_links::table)
        .values((
            setup_links::token_hash.eq(token_hash),
            setup_links::created_at.eq(now),
            setup_links::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn is_usable(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let found: i64 = setup_links::table
        .filter(setup_links::token_hash.eq(token_hash))
        .filter(setup_links::used_at.is_null())
        .filter(setup_links::expires_at.gt(now))
        .count()
        .get_result(conn)?;
    Ok(found == 1)
}

/// Marks the link used; false when it was unknown, expired or already used. The conditional
/// update makes "works once" hold even when two instances receive the same link at once.
pub fn consume(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let updated = diesel::update(
        setup_links::table
            .filter(setup_links::token_hash.eq(token_hash))
            .filter(setup_links::used_at.is_null())
            .filter(setup_links::expires_at.gt(now)),
    )
    .set(setup_links::used_at.eq(Some(now)))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Once an administrator exists, outstanding links are worthless: spend them all.
pub fn retire_all(conn: &mut DbConnection, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(setup_links::table.filter(setup_links::used_at.is_null()))
        .set(setup_links::used_at.eq(Some(now)))
        .execute(conn)?;
    Ok(())
}
