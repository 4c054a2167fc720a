//! The mail outbox. Rows are claimed with a conditional update (no `FOR UPDATE SKIP LOCKED`,
//! which SQLite lacks), so several instances never send the same message twice; a claim expires,
//! so a message claimed by an instance that crashed is retried by another.

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

/// Claims the oldest due message for `worker` until `lease_until`; None when nothing is due.
pub fn claim_next(
    conn: &mut DbConnection,
    worker: &str,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
) -> Result<Option<OutboxRow>, DbError> {
    let claimable = || {
        outbox::table
            .filter(outbox::sent_at.is_null())
            .filter(outbox::next_attempt_at.le(now))
            .filter(
                outbox::claim_expires_at
                    .is_null()
                    .or(outbox::claim_expires_at.lt(now)),
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

pub fn mark_sent(
    conn: &mut DbConnection,
    id: &str,
    worker: &str,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(outbox::table.find(id).filter(outbox::claimed_by.eq(worker)))
        .set((
            outbox::sent_at.eq(Some(now)),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::claim_expires_at.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records a failed attempt and when to try again; the error text must hold no personal data.
pub fn mark_failed(
    conn: &mut DbConnection,
    id: &str,
    worker: &str,
    retry_at: NaiveDateTime,
    error: &str,
) -> Result<(), DbError> {
    diesel::update(outbox::table.find(id).filter(outbox::claimed_by.eq(worker)))
        .set((
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::next_attempt_at.eq(retry_at),
            outbox::claim_expires_at.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(Some(error)),
        ))
        .execute(conn)?;
    Ok(())
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
