//! The consents a requester gave on a case and their withdrawals (`domain::consent`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::consents;
use super::{DbConnection, DbError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = consents)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ConsentRow {
    pub id: String,
    pub case_id: String,
    pub notice_version: String,
    pub agreed_at: NaiveDateTime,
    pub withdrawn_at: Option<NaiveDateTime>,
    pub withdrawn_by: Option<String>,
}

/// A case's consents, oldest first.
pub fn of_case(conn: &mut DbConnection, case_id: &str) -> Result<Vec<ConsentRow>, DbError> {
    Ok(on_backend!(conn, |c| consents::table
        .filter(consents::case_id.eq(case_id))
        .order((consents::agreed_at.asc(), consents::id.asc()))
        .select(ConsentRow::as_select())
        .load(c))?)
}

/// Records the withdrawal of one consent of the case, unless one is recorded already (by a
/// second tab or a clerk meanwhile): then nothing changes and `Conflict` says so.
pub fn withdraw(
    conn: &mut DbConnection,
    case_id: &str,
    consent_id: &str,
    at: NaiveDateTime,
    by: &str,
) -> Result<(), DbError> {
    let changed = diesel::update(
        consents::table
            .filter(consents::case_id.eq(case_id))
            .filter(consents::id.eq(consent_id))
            .filter(consents::withdrawn_at.is_null()),
    )
    .set((
        consents::withdrawn_at.eq(Some(at)),
        consents::withdrawn_by.eq(Some(by)),
    ))
    .execute(conn)?;
    if changed != 1 {
        return Err(DbError::Conflict(format!(
            "consent {consent_id}: already withdrawn or not of this case"
        )));
    }
    Ok(())
}
