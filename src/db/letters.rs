//! Official letters as issued, and the counters that number them per series and fiscal year.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{letter_counters, letters};
use super::{DbConnection, DbError};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = letters)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct LetterRow {
    pub id: String,
    pub case_id: String,
    /// `domain::letters::LetterKind::code()`.
    pub kind: String,
    pub series: String,
    pub fiscal_year: i32,
    pub seq: i64,
    pub number: String,
    pub issued_on: NaiveDate,
    pub lang: String,
    /// `domain::letters::LetterContent` as JSON, sealed.
    pub sealed_content: Vec<u8>,
    pub issued_by: String,
    pub issued_at: NaiveDateTime,
    /// The title and date as the list shows them, in the letter's first language (no personal
    /// data); '' for letters issued before these columns existed.
    pub list_title: String,
    pub list_date: String,
}

/// A letter as a case's list shows it, read without its sealed text; `sealed_content` is read
/// only for letters issued before the list columns, which are listed from their text.
#[derive(Debug, Clone)]
pub struct ListedRow {
    pub id: String,
    /// `domain::letters::LetterKind::code()`.
    pub kind: String,
    pub number: String,
    pub issued_on: NaiveDate,
    pub list_title: String,
    pub list_date: String,
    pub sealed_content: Option<Vec<u8>>,
}

/// The next sequence number of `series` in `fiscal_year`, in the caller's transaction: the
/// counter row is created or incremented and read back while its lock is held, so concurrent
/// issuers (on any instance) take turns.
pub fn next_seq(conn: &mut DbConnection, series: &str, fiscal_year: i32) -> Result<i64, DbError> {
    use letter_counters::dsl;
    on_backend!(conn, |c| diesel::insert_into(dsl::letter_counters)
        .values((
            dsl::series.eq(series),
            dsl::fiscal_year.eq(fiscal_year),
            dsl::last_seq.eq(1i64),
        ))
        .on_conflict((dsl::series, dsl::fiscal_year))
        .do_update()
        .set(dsl::last_seq.eq(dsl::last_seq + 1i64))
        .execute(c))?;
    Ok(dsl::letter_counters
        .filter(dsl::series.eq(series))
        .filter(dsl::fiscal_year.eq(fiscal_year))
        .select(dsl::last_seq)
        .get_result(conn)?)
}

pub fn insert(conn: &mut DbConnection, row: &LetterRow) -> Result<(), DbError> {
    diesel::insert_into(letters::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The letters of a case as its list shows them, oldest first.
pub fn list_for_case(conn: &mut DbConnection, case_id: &str) -> Result<Vec<ListedRow>, DbError> {
    let found: Vec<(String, String, String, NaiveDate, String, String)> = letters::table
        .filter(letters::case_id.eq(case_id))
        .order((letters::issued_at.asc(), letters::seq.asc()))
        .select((
            letters::id,
            letters::kind,
            letters::number,
            letters::issued_on,
            letters::list_title,
            letters::list_date,
        ))
        .load(conn)?;
    found
        .into_iter()
        .map(|(id, kind, number, issued_on, list_title, list_date)| {
            let sealed_content = if list_title.is_empty() {
                Some(
                    letters::table
                        .filter(letters::id.eq(&id))
                        .select(letters::sealed_content)
                        .get_result(conn)?,
                )
            } else {
                None
            };
            Ok(ListedRow {
                id,
                kind,
                number,
                issued_on,
                list_title,
                list_date,
                sealed_content,
            })
        })
        .collect()
}

pub fn find(
    conn: &mut DbConnection,
    case_id: &str,
    id: &str,
) -> Result<Option<LetterRow>, DbError> {
    Ok(letters::table
        .filter(letters::case_id.eq(case_id))
        .filter(letters::id.eq(id))
        .select(LetterRow::as_select())
        .first(conn)
        .optional()?)
}
