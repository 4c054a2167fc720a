//! The mail outbox. Rows are claimed with a conditional update (no `FOR UPDATE SKIP LOCKED`,
//! which SQLite lacks), so several instances never send the same message twice; a claim expires,
//! so a message claimed by an instance that crashed is retried by another.
//!
//! A claim is a lease: `claim_expires_at` is written from the claiming instance's clock at the
//! moment of the claim, renewed by its holder while a send is in flight, and ended by the same
//! statement that records the outcome ([`mark_sent`], [`mark_failed`]) or by [`release`]. Every
//! statement that ends or extends a claim names its holder (`claimed_by`), so an instance whose
//! claim was taken over can no longer touch the row; the functions say so by returning `false`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::outbox;
use super::{DbConnection, DbError};

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = outbox)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewOutboxMessage {
    pub id: String,
    pub created_at: NaiveDateTime,
    pub purpose: String,
    pub case_id: Option<String>,
    pub sealed_message: Vec<u8>,
    pub next_attempt_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct OutboxRow {
    pub id: String,
    pub created_at: NaiveDateTime,
    pub purpose: String,
    pub case_id: Option<String>,
    pub sealed_message: Vec<u8>,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub last_error: Option<String>,
}

pub fn enqueue(conn: &mut DbConnection, message: &NewOutboxMessage) -> Result<(), DbError> {
    on_backend!(conn, |c| diesel::insert_into(outbox::table)
        .values(message)
        .execute(c))?;
    Ok(())
}

/// Claims for `worker` the oldest message due at `due` (its next attempt is not later) whose
/// claim, if any, ran out before `claimed_at`, until `lease_until`; None when nothing is due.
///
/// `due` and `claimed_at` differ: tests drain as of a chosen time, while a lease is always
/// measured on the instance's clock at the moment of the claim, so that a claim taken late in a
/// long run is not already over when it is written.
pub fn claim_next(
    conn: &mut DbConnection,
    worker: &str,
    due: NaiveDateTime,
    claimed_at: NaiveDateTime,
    lease_until: NaiveDateTime,
) -> Result<Option<OutboxRow>, DbError> {
    let claimable = || {
        outbox::table
            .filter(outbox::sent_at.is_null())
            .filter(outbox::next_attempt_at.le(due))
            .filter(
                outbox::claim_expires_at
                    .is_null()
                    .or(outbox::claim_expires_at.lt(claimed_at)),
            )
    };
    // Another instance may win the race for a candidate; then try the next one.
    let candidates: Vec<String> = claimable()
        .order(outbox::next_attempt_at.asc())
        .select(outbox::id)
        .limit(8)
        .load(conn)?;
    for id in candidates {
        let won = diesel::update(claimable().filter(outbox::id.eq(&id)))
            .set((
                outbox::claimed_by.eq(worker),
                outbox::claim_expires_at.eq(Some(lease_until)),
            ))
            .execute(conn)?;
        if won == 1 {
            return Ok(Some(
                outbox::table
                    .find(&id)
                    .select(OutboxRow::as_select())
                    .get_result(conn)?,
            ));
        }
    }
    Ok(None)
}

/// Extends `worker`'s claim on message `id` until `lease_until`. False when the claim is no
/// longer `worker`'s (another instance took it over after it ran out, or it was ended).
pub fn renew(
    conn: &mut DbConnection,
    id: &str,
    worker: &str,
    lease_until: NaiveDateTime,
) -> Result<bool, DbError> {
    let renewed = diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::claimed_by.eq(worker))
            .filter(outbox::sent_at.is_null())
            .filter(outbox::claim_expires_at.is_not_null()),
    )
    .set(outbox::claim_expires_at.eq(Some(lease_until)))
    .execute(conn)?;
    Ok(renewed == 1)
}

/// Marks message `id` sent and ends `worker`'s claim, in one statement. False when the claim is
/// no longer `worker`'s: another instance took the message over and may send it too.
pub fn mark_sent(
    conn: &mut DbConnection,
    id: &str,
    worker: &str,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let marked = diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::claimed_by.eq(worker))
            .filter(outbox::sent_at.is_null()),
    )
    .set((
        outbox::sent_at.eq(Some(now)),
        outbox::attempts.eq(outbox::attempts + 1),
        outbox::claim_expires_at.eq(None::<NaiveDateTime>),
        outbox::last_error.eq(None::<String>),
    ))
    .execute(conn)?;
    Ok(marked == 1)
}

/// Records a failed attempt and when to try again, and ends `worker`'s claim; the error text
/// must hold no personal data. False when the claim is no longer `worker`'s.
pub fn mark_failed(
    conn: &mut DbConnection,
    id: &str,
    worker: &str,
    retry_at: NaiveDateTime,
    error: &str,
) -> Result<bool, DbError> {
    let marked = diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::claimed_by.eq(worker))
            .filter(outbox::sent_at.is_null()),
    )
    .set((
        outbox::attempts.eq(outbox::attempts + 1),
        outbox::next_attempt_at.eq(retry_at),
        outbox::claim_expires_at.eq(None::<NaiveDateTime>),
        outbox::last_error.eq(Some(error)),
    ))
    .execute(conn)?;
    Ok(marked == 1)
}

/// Ends every claim `worker` still holds without counting an attempt, so that another instance
/// may send those messages at once (an instance that stops with a send cut short). Returns how
/// many claims were released.
pub fn release(conn: &mut DbConnection, worker: &str) -> Result<usize, DbError> {
    Ok(diesel::update(
        outbox::table
            .filter(outbox::claimed_by.eq(worker))
            .filter(outbox::sent_at.is_null())
            .filter(outbox::claim_expires_at.is_not_null()),
    )
    .set(outbox::claim_expires_at.eq(None::<NaiveDateTime>))
    .execute(conn)?)
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<OutboxRow>, DbError> {
    Ok(outbox::table
        .find(id)
        .select(OutboxRow::as_select())
        .get_result(conn)
        .optional()?)
}

pub fn pending_count(conn: &mut DbConnection) -> Result<i64, DbError> {
    Ok(outbox::table
        .filter(outbox::sent_at.is_null())
        .count()
        .get_result(conn)?)
}

/// How many mails wait to be sent, and when the oldest of them was written (for monitoring).
pub fn unsent(conn: &mut DbConnection) -> Result<(i64, Option<NaiveDateTime>), DbError> {
    Ok(outbox::table
        .filter(outbox::sent_at.is_null())
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::min(outbox::created_at),
        ))
        .get_result(conn)?)
}
