//! Requests being filled in. The browser holds a random token; the row holds the sealed draft.

use chrono::NaiveDateTime;
use diesel::backend::Backend;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{Binary, HasSqlType, Integer, Text};

use super::schema::drafts;
use super::{DbConnection, DbError};
use crate::auth::token;

/// How a browser's draft token finds its row: by the row id it names and the digest of its
/// secret; a token naming no row (before the first save, or issued before tokens named rows) by
/// the digest's index.
#[derive(Debug, Clone)]
pub struct DraftKey {
    pub id: Option<i32>,
    /// Of the token's secret, which stays the same when the token comes to name its row.
    pub digest: String,
}

impl DraftKey {
    pub fn of(token: &str) -> DraftKey {
        let (id, secret) = token::draft_token_parts(token);
        DraftKey {
            id,
            digest: token::digest(secret),
        }
    }
}

/// Saves the draft; `Some(id)` when it made a new row, which the browser's token must now name.
pub fn save(
    conn: &mut DbConnection,
    key: &DraftKey,
    sealed: &[u8],
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<Option<i32>, DbError> {
    Ok(on_backend!(conn, |c| {
        let changes = (drafts::sealed.eq(sealed), drafts::expires_at.eq(expires_at));
        let updated = match key.id {
            Some(id) => diesel::update(
                drafts::table
                    .find(id)
                    .filter(drafts::token_hash.eq(&key.digest)),
            )
            .set(changes)
            .execute(c)?,
            None => diesel::update(drafts::table.filter(drafts::token_hash.eq(&key.digest)))
                .set(changes)
                .execute(c)?,
        };
        if updated == 0 {
            let id = diesel::insert_into(drafts::table)
                .values((
                    drafts::token_hash.eq(&key.digest),
                    drafts::created_at.eq(now),
                    drafts::expires_at.eq(expires_at),
                    drafts::sealed.eq(sealed),
                ))
                .returning(drafts::id)
                .get_result(c)?;
            Some(id)
        } else {
            None
        }
    }))
}

/// The sealed content and, once submitted, the id of the case it became.
pub type StoredDraftRow = (Vec<u8>, Option<String>);

/// The sealed content and, once submitted, the case it became.
pub fn load(
    conn: &mut DbConnection,
    key: &DraftKey,
    now: NaiveDateTime,
) -> Result<Option<StoredDraftRow>, DbError> {
    let columns = (drafts::sealed, drafts::submitted_case_id);
    Ok(match key.id {
        Some(id) => on_backend!(conn, |c| drafts::table
            .find(id)
            .filter(drafts::token_hash.eq(&key.digest))
            .filter(drafts::expires_at.gt(now))
            .select(columns)
            .get_result(c)
            .optional())?,
        None => on_backend!(conn, |c| drafts::table
            .filter(drafts::token_hash.eq(&key.digest))
            .filter(drafts::expires_at.gt(now))
            .select(columns)
            .get_result(c)
            .optional())?,
    })
}

/// Marks the draft submitted, replacing its content with `sealed_submission` (what a second
/// submit needs to find the case). False when it was already submitted or is gone.
pub fn mark_submitted(
    conn: &mut DbConnection,
    key: &DraftKey,
    case_id: &str,
    sealed_submission: &[u8],
) -> Result<bool, DbError> {
    let updated = match key.id {
        Some(id) => {
            let mark = MarkSubmitted::<true> {
                id,
                token_hash: &key.digest,
                case_id,
                sealed: sealed_submission,
            };
            on_backend!(conn, |c| mark.execute(c))?
        }
        None => {
            let mark = MarkSubmitted::<false> {
                id: 0,
                token_hash: &key.digest,
                case_id,
                sealed: sealed_submission,
            };
            on_backend!(conn, |c| mark.execute(c))?
        }
    };
    Ok(updated == 1)
}

/// `mark_submitted`'s UPDATE, written out: diesel prepares every UPDATE it builds anew on each
/// run (a SET list may skip `None`s, so it never caches one), and this one runs inside every
/// submission's commit on the one writer. Its text never changes, so it is prepared once per
/// connection like an INSERT; `BY_ID` makes the two texts two types, which the statement cache
/// tells apart.
struct MarkSubmitted<'a, const BY_ID: bool> {
    id: i32,
    token_hash: &'a str,
    case_id: &'a str,
    sealed: &'a [u8],
}

impl<const BY_ID: bool> QueryId for MarkSubmitted<'_, BY_ID> {
    type QueryId = MarkSubmitted<'static, BY_ID>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<DB, const BY_ID: bool> QueryFragment<DB> for MarkSubmitted<'_, BY_ID>
where
    DB: Backend + HasSqlType<Text> + HasSqlType<Binary> + HasSqlType<Integer>,
    str: ToSql<Text, DB>,
    [u8]: ToSql<Binary, DB>,
    i32: ToSql<Integer, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("UPDATE drafts SET submitted_case_id = ");
        out.push_bind_param::<Text, _>(self.case_id)?;
        out.push_sql(", sealed = ");
        out.push_bind_param::<Binary, _>(self.sealed)?;
        out.push_sql(" WHERE ");
        if BY_ID {
            out.push_sql("id = ");
            out.push_bind_param::<Integer, _>(&self.id)?;
            out.push_sql(" AND ");
        }
        out.push_sql("token_hash = ");
        out.push_bind_param::<Text, _>(self.token_hash)?;
        out.push_sql(" AND submitted_case_id IS NULL");
        Ok(())
    }
}

impl<Conn, const BY_ID: bool> RunQueryDsl<Conn> for MarkSubmitted<'_, BY_ID> {}

pub fn purge_expired(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, DbError> {
    Ok(diesel::delete(drafts::table.filter(drafts::expires_at.le(now))).execute(conn)?)
}
