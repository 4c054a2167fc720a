//! Requests being filled in. The browser holds a random token; the row holds the sealed draft.

use chrono::NaiveDateTime;
use diesel::backend::Backend;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{Binary, HasSqlType, Text};

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
    let mark = MarkSubmitted {
        token_hash,
        case_id,
        sealed: sealed_submission,
    };
    let updated = on_backend!(conn, |c| mark.execute(c))?;
    Ok(updated == 1)
}

/// `mark_submitted`'s UPDATE, written out: diesel prepares every UPDATE it builds anew on each
/// run (a SET list may skip `None`s, so it never caches one), and this one runs inside every
/// submission's commit on the one writer. Its text never changes, so it is prepared once per
/// connection like an INSERT.
struct MarkSubmitted<'a> {
    token_hash: &'a str,
    case_id: &'a str,
    sealed: &'a [u8],
}

impl QueryId for MarkSubmitted<'_> {
    type QueryId = MarkSubmitted<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<DB> QueryFragment<DB> for MarkSubmitted<'_>
where
    DB: Backend + HasSqlType<Text> + HasSqlType<Binary>,
    str: ToSql<Text, DB>,
    [u8]: ToSql<Binary, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("UPDATE drafts SET submitted_case_id = ");
        out.push_bind_param::<Text, _>(self.case_id)?;
        out.push_sql(", sealed = ");
        out.push_bind_param::<Binary, _>(self.sealed)?;
        out.push_sql(" WHERE token_hash = ");
        out.push_bind_param::<Text, _>(self.token_hash)?;
        out.push_sql(" AND submitted_case_id IS NULL");
        Ok(())
    }
}

impl<Conn> RunQueryDsl<Conn> for MarkSubmitted<'_> {}

pub fn purge_expired(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, DbError> {
    Ok(diesel::delete(drafts::table.filter(drafts::expires_at.le(now))).execute(conn)?)
}
