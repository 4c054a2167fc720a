//! Requests being filled in. The browser holds a random token; the row holds the sealed draft.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::drafts;
use super::{DbConnection, DbError};

pub fn save(
    conn: &mut DbConnection,
    token_hash: &str,
    sealed: &[u8],
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<(), DbError> {
    on_backend!(conn, |c| {
        let updated = diesel::update(drafts::table.find(token_hash))
            .set((drafts::sealed.eq(sealed), drafts::expires_at.eq(expires_at)))
            .execute(c)?;
        if updated == 0 {
            diesel::insert_into(drafts::table)
                .values((
                    drafts::token_hash.eq(token_hash),
                    drafts::created_at.eq(now),
                    drafts::expires_at.eq(expires_at),
                    drafts::sealed.eq(sealed),
                ))
                .execute(c)?;
        }
    });
    Ok(())
}

/// The sealed content and, once submitted, the id of the case it became.
pub type StoredDraftRow = (Vec<u8>, Option<String>);

/// The sealed content and, once submitted, the case it became.
pub fn load(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<StoredDraftRow>, DbError> {
    Ok(on_backend!(conn, |c| drafts::table
        .find(token_hash)
        .filter(drafts::expires_at.gt(now))
        .select((drafts::sealed, drafts::submitted_case_id))
        .get_result(c)
        .optional())?)
}

/// Marks the draft submitted, replacing its content with `sealed_submission` (what a second
/// submit needs to find the case). False when it was already submitted or is gone.
pub fn mark_submitted(
    conn: &mut DbConnection,
    token_hash: &str,
    case_id: &str,
    sealed_submission: &[u8],
) -> Result<bool, DbError> {
    let updated = on_backend!(conn, |c| diesel::update(
        drafts::table
            .find(token_hash)
            .filter(drafts::submitted_case_id.is_null()),
    )
    .set((
        drafts::submitted_case_id.eq(Some(case_id)),
        drafts::sealed.eq(sealed_submission),
    ))
    .execute(c))?;
    Ok(updated == 1)
}

pub fn purge_expired(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, DbError> {
    Ok(diesel::delete(drafts::table.filter(drafts::expires_at.le(now))).execute(conn)?)
}
