//! The fee ledger: one row per invoice, payment, refund, waiver or reversal.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::fee_entries;
use super::{DbConnection, DbError};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = fee_entries)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct FeeEntryRow {
    pub id: String,
    pub case_id: String,
    pub at: NaiveDateTime,
    /// `invoice`, `payment`, `refund` or `waiver`.
    pub entry: String,
    pub amount: i64,
    pub recorded_by: String,
    /// The whole `domain::ledger::LedgerEntry` (method, reference, reason), sealed.
    pub sealed_entry: Vec<u8>,
    /// The day the entry takes effect: a payment's day the money arrived, a refund's day it was
    /// paid out, any other entry's day recorded (JST). Statistics count money by it.
    pub value_date: Option<NaiveDate>,
}

pub fn insert(conn: &mut DbConnection, row: &FeeEntryRow) -> Result<(), DbError> {
    diesel::insert_into(fee_entries::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn for_case(conn: &mut DbConnection, case_id: &str) -> Result<Vec<FeeEntryRow>, DbError> {
    Ok(fee_entries::table
        .filter(fee_entries::case_id.eq(case_id))
        .order((fee_entries::at.asc(), fee_entries::id.asc()))
        .select(FeeEntryRow::as_select())
        .load(conn)?)
}
