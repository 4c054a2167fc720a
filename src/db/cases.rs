//! Cases and what hangs off them. Writes that change a case's state use optimistic concurrency
//! (`version`), so two people acting at once cannot both succeed on stale information.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{
    case_contents, case_events, case_name_keys, case_parties, case_pauses, cases, consents,
    receipt_counters,
};
use super::{DbConnection, DbError};
use crate::auth::token;
use crate::domain::channel::RequestChannel;
use crate::domain::identity::RequesterType;
use crate::domain::kind::RequestKind;
use crate::domain::state::CaseState;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = cases)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct CaseRow {
    pub id: String,
    pub receipt_number: Option<String>,
    pub profile: String,
    pub kind: RequestKind,
    pub state: CaseState,
    pub channel: RequestChannel,
    pub lang: String,
    pub requester_type: RequesterType,
    pub facts: String,
    pub created_at: NaiveDateTime,
    pub received_at: Option<NaiveDateTime>,
    pub due_on: Option<NaiveDate>,
    pub assignee_id: Option<String>,
    pub email_index: String,
    pub access_token_hash: Option<String>,
    pub confirm_code_hash: Option<String>,
    pub confirm_attempts: i32,
    pub confirm_expires_at: Option<NaiveDateTime>,
    pub version: i64,
    pub updated_at: NaiveDateTime,
    /// Digest of the private case link, for links that name their case (`auth::token::case_link`).
    pub link_digest: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_events)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct CaseEventRow {
    pub id: String,
    pub case_id: String,
    pub at: NaiveDateTime,
    pub actor: String,
    pub event: String,
    pub from_state: Option<CaseState>,
    pub to_state: CaseState,
    pub sealed_note: Option<Vec<u8>>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_pauses)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct PauseRow {
    pub id: String,
    pub case_id: String,
    pub reason: String,
    pub started_on: NaiveDate,
    pub reply_by: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
}

/// When the disclosure requested under `receipt_number` was carried out (its `deliver` event),
/// provided that request was made from the same contact address (`email_index`): a receipt
/// number alone says nothing about anyone's disclosure.
pub fn disclosure_delivered_at(
    conn: &mut DbConnection,
    receipt_number: &str,
    email_index: &str,
) -> Result<Option<NaiveDateTime>, DbError> {
    let found: Option<String> = cases::table
        .filter(cases::receipt_number.eq(receipt_number))
        .filter(cases::email_index.eq(email_index))
        .filter(cases::kind.eq(RequestKind::Disclosure))
        .select(cases::id)
        .first(conn)
        .optional()?;
    let Some(case_id) = found else {
        return Ok(None);
    };
    Ok(case_events::table
        .filter(case_events::case_id.eq(case_id))
        .filter(case_events::event.eq("deliver"))
        .select(diesel::dsl::max(case_events::at))
        .first::<Option<NaiveDateTime>>(conn)?)
}

/// The next human receipt number for `year`, e.g. `2026-000123`. The counter row is updated in
/// the caller's transaction, so numbers are unique across instances and gaps appear only when a
/// transaction rolls back.
pub fn next_receipt_number(conn: &mut DbConnection, year: i32) -> Result<String, DbError> {
    let number = reserve_receipt_numbers(conn, year, 1)?;
    Ok(format_receipt_number(year, number))
}

pub fn format_receipt_number(year: i32, number: i64) -> String {
    format!("{year}-{number:06}")
}

/// Reserves `count` consecutive receipt numbers of `year` and returns the first.
pub fn reserve_receipt_numbers(
    conn: &mut DbConnection,
    year: i32,
    count: i64,
) -> Result<i64, DbError> {
    for _ in 0..3 {
        let bumped: Option<i64> = diesel::update(receipt_counters::table.find(year))
            .set(receipt_counters::last_number.eq(receipt_counters::last_number + count))
            .returning(receipt_counters::last_number)
            .get_result(conn)
            .optional()?;
        if let Some(last) = bumped {
            return Ok(last - count + 1);
        }
        let inserted = diesel::insert_into(receipt_counters::table)
            .values((
                receipt_counters::year.eq(year),
                receipt_counters::last_number.eq(count),
            ))
            .execute(conn);
        match inserted {
            Ok(_) => return Ok(1),
            // Another instance created this year's counter first: bump theirs.
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(DbError::Conflict("receipt counter".into()))
}

pub fn insert(
    conn: &mut DbConnection,
    row: &CaseRow,
    sealed_party: &[u8],
    sealed_content: &[u8],
) -> Result<(), DbError> {
    on_backend!(conn, |c| {
        diesel::insert_into(cases::table).values(row).execute(c)?;
        diesel::insert_into(case_parties::table)
            .values((
                case_parties::case_id.eq(&row.id),
                case_parties::sealed.eq(sealed_party),
            ))
            .execute(c)?;
        diesel::insert_into(case_contents::table)
            .values((
                case_contents::case_id.eq(&row.id),
                case_contents::sealed.eq(sealed_content),
            ))
            .execute(c)?;
    });
    Ok(())
}

/// Many cases in one statement per table (seeding); `sealed` holds each case's party and content
/// in the order of `rows`.
pub fn insert_many(
    conn: &mut DbConnection,
    rows: &[CaseRow],
    sealed: &[(Vec<u8>, Vec<u8>)],
) -> Result<(), DbError> {
    insert_batch!(conn, cases::table, rows);
    let parties: Vec<_> = rows
        .iter()
        .zip(sealed)
        .map(|(row, (party, _))| {
            (
                case_parties::case_id.eq(&row.id),
                case_parties::sealed.eq(party),
            )
        })
        .collect();
    insert_batch!(conn, case_parties::table, &parties);
    let contents: Vec<_> = rows
        .iter()
        .zip(sealed)
        .map(|(row, (_, content))| {
            (
                case_contents::case_id.eq(&row.id),
                case_contents::sealed.eq(content),
            )
        })
        .collect();
    insert_batch!(conn, case_contents::table, &contents);
    Ok(())
}

pub fn record_consent(
    conn: &mut DbConnection,
    case_id: &str,
    notice_version: &str,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    let id = uuid::Uuid::now_v7().to_string();
    on_backend!(conn, |c| diesel::insert_into(consents::table)
        .values((
            consents::id.eq(&id),
            consents::case_id.eq(case_id),
            consents::notice_version.eq(notice_version),
            consents::agreed_at.eq(at),
        ))
        .execute(c))?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<CaseRow>, DbError> {
    Ok(on_backend!(conn, |c| cases::table
        .find(id)
        .select(CaseRow::as_select())
        .get_result(c)
        .optional())?)
}

/// How a private case link finds its case: by the case id it names, then its digest; a link
/// issued before links named their case, by its digest's index.
#[derive(Debug, Clone)]
pub enum CaseLink {
    Named { case_id: String, digest: String },
    Older { digest: String },
}

impl CaseLink {
    pub fn of(link: &str) -> CaseLink {
        let digest = token::digest(link);
        match token::case_named_by(link) {
            Some(case_id) => CaseLink::Named {
                case_id: case_id.to_string(),
                digest,
            },
            None => CaseLink::Older { digest },
        }
    }
}

pub fn find_by_link(conn: &mut DbConnection, link: &CaseLink) -> Result<Option<CaseRow>, DbError> {
    Ok(match link {
        CaseLink::Named { case_id, digest } => {
            let own = on_backend!(conn, |c| cases::table
                .find(case_id)
                .filter(cases::link_digest.eq(digest))
                .select(CaseRow::as_select())
                .get_result(c)
                .optional())?;
            match own {
                Some(row) => Some(row),
                // A link added by a later look-up (`case_links`).
                None if super::case_links::holds(conn, case_id, digest)? => cases::table
                    .find(case_id)
                    .select(CaseRow::as_select())
                    .get_result(conn)
                    .optional()?,
                None => None,
            }
        }
        CaseLink::Older { digest } => on_backend!(conn, |c| cases::table
            .filter(cases::access_token_hash.eq(digest))
            .select(CaseRow::as_select())
            .get_result(c)
            .optional())?,
    })
}

pub fn find_by_receipt_and_email(
    conn: &mut DbConnection,
    receipt_number: &str,
    email_index: &str,
) -> Result<Option<CaseRow>, DbError> {
    Ok(cases::table
        .filter(cases::receipt_number.eq(receipt_number))
        .filter(cases::email_index.eq(email_index))
        .select(CaseRow::as_select())
        .get_result(conn)
        .optional()?)
}

pub fn sealed_party(conn: &mut DbConnection, case_id: &str) -> Result<Vec<u8>, DbError> {
    Ok(case_parties::table
        .find(case_id)
        .select(case_parties::sealed)
        .get_result(conn)?)
}

pub fn sealed_content(conn: &mut DbConnection, case_id: &str) -> Result<Vec<u8>, DbError> {
    Ok(case_contents::table
        .find(case_id)
        .select(case_contents::sealed)
        .get_result(conn)?)
}

/// Writes the changed row if nobody else changed the case since it was read.
pub fn update(conn: &mut DbConnection, row: &CaseRow) -> Result<CaseRow, DbError> {
    let changed = diesel::update(
        cases::table
            .find(&row.id)
            .filter(cases::version.eq(row.version)),
    )
    .set((
        cases::receipt_number.eq(&row.receipt_number),
        cases::state.eq(&row.state),
        cases::facts.eq(&row.facts),
        cases::received_at.eq(row.received_at),
        cases::due_on.eq(row.due_on),
        cases::assignee_id.eq(&row.assignee_id),
        cases::access_token_hash.eq(&row.access_token_hash),
        cases::link_digest.eq(&row.link_digest),
        cases::confirm_code_hash.eq(&row.confirm_code_hash),
        cases::confirm_attempts.eq(row.confirm_attempts),
        cases::confirm_expires_at.eq(row.confirm_expires_at),
        cases::version.eq(row.version + 1),
        cases::updated_at.eq(row.updated_at),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Err(DbError::Conflict(format!(
            "case {} changed meanwhile",
            row.id
        )));
    }
    Ok(CaseRow {
        version: row.version + 1,
        ..row.clone()
    })
}

/// Writes the keyed hashes by which staff find a case (see `intake::submit::NOT_YET_SEARCHABLE`):
/// its contact's e-mail address, and every name it carries, replacing any it had.
pub fn make_searchable(
    conn: &mut DbConnection,
    case_id: &str,
    email_index: &str,
    name_keys: &[String],
) -> Result<(), DbError> {
    diesel::update(cases::table.find(case_id))
        .set(cases::email_index.eq(email_index))
        .execute(conn)?;
    replace_name_keys(conn, case_id, name_keys)
}

/// Replaces the keyed hashes of the names a case is found by.
pub fn replace_name_keys(
    conn: &mut DbConnection,
    case_id: &str,
    name_keys: &[String],
) -> Result<(), DbError> {
    diesel::delete(case_name_keys::table.filter(case_name_keys::case_id.eq(case_id)))
        .execute(conn)?;
    insert_name_keys(conn, case_id, name_keys)
}

/// Adds name keys to a case that has none of them yet (a new case).
pub fn insert_name_keys(
    conn: &mut DbConnection,
    case_id: &str,
    name_keys: &[String],
) -> Result<(), DbError> {
    let pairs: Vec<(String, String)> = name_keys
        .iter()
        .map(|key| (key.clone(), case_id.to_string()))
        .collect();
    insert_name_keys_of_many(conn, &pairs)
}

/// Adds (name key, case id) pairs, many cases at once (seeding). A pair already there is left
/// as it is: two servers starting together may both give an old case its keys.
pub fn insert_name_keys_of_many(
    conn: &mut DbConnection,
    pairs: &[(String, String)],
) -> Result<(), DbError> {
    let rows: Vec<_> = pairs
        .iter()
        .map(|(key, case_id)| {
            (
                case_name_keys::name_key.eq(key.as_str()),
                case_name_keys::case_id.eq(case_id.as_str()),
            )
        })
        .collect();
    match conn {
        DbConnection::Postgres(pg) => {
            // PostgreSQL binds at most 65,535 values a statement; two a row.
            for chunk in rows.chunks(10_000) {
                diesel::insert_into(case_name_keys::table)
                    .values(chunk)
                    .on_conflict_do_nothing()
                    .execute(pg)?;
            }
        }
        DbConnection::Sqlite(lite) => {
            for row in &rows {
                diesel::insert_into(case_name_keys::table)
                    .values(row)
                    .on_conflict_do_nothing()
                    .execute(lite)?;
            }
        }
    }
    Ok(())
}

/// Up to `limit` searchable cases after `after` (in id order) without any name key: cases made
/// before names had a table of their own, to be given theirs (`service::search_keys::backfill`).
pub fn without_name_keys(
    conn: &mut DbConnection,
    after: &str,
    limit: i64,
    not_yet_searchable: &str,
) -> Result<Vec<String>, DbError> {
    use diesel::dsl::{exists, not};
    Ok(cases::table
        .filter(cases::id.gt(after))
        .filter(cases::email_index.ne(not_yet_searchable))
        .filter(not(exists(
            case_name_keys::table.filter(case_name_keys::case_id.eq(cases::id)),
        )))
        .order(cases::id)
        .select(cases::id)
        .limit(limit)
        .load(conn)?)
}

pub fn append_event(conn: &mut DbConnection, event: &CaseEventRow) -> Result<(), DbError> {
    on_backend!(conn, |c| diesel::insert_into(case_events::table)
        .values(event)
        .execute(c))?;
    Ok(())
}

pub fn append_events(conn: &mut DbConnection, events: &[CaseEventRow]) -> Result<(), DbError> {
    insert_batch!(conn, case_events::table, events);
    Ok(())
}

pub fn insert_pauses(conn: &mut DbConnection, pauses: &[PauseRow]) -> Result<(), DbError> {
    insert_batch!(conn, case_pauses::table, pauses);
    Ok(())
}

pub fn events(conn: &mut DbConnection, case_id: &str) -> Result<Vec<CaseEventRow>, DbError> {
    Ok(on_backend!(conn, |c| case_events::table
        .filter(case_events::case_id.eq(case_id))
        .order((case_events::at.asc(), case_events::id.asc()))
        .select(CaseEventRow::as_select())
        .load(c))?)
}

pub fn pauses(conn: &mut DbConnection, case_id: &str) -> Result<Vec<PauseRow>, DbError> {
    Ok(on_backend!(conn, |c| case_pauses::table
        .filter(case_pauses::case_id.eq(case_id))
        .order(case_pauses::started_on.asc())
        .select(PauseRow::as_select())
        .load(c))?)
}

/// Removes unconfirmed submissions created before `before`, with everything attached to them.
pub fn purge_unconfirmed(conn: &mut DbConnection, before: NaiveDateTime) -> Result<usize, DbError> {
    Ok(diesel::delete(
        cases::table
            .filter(cases::state.eq("unconfirmed"))
            .filter(cases::created_at.lt(before)),
    )
    .execute(conn)?)
}

/// Starts a pause episode (補正 or payment): the clock stops from `started_on` (`A`).
pub fn open_pause(
    conn: &mut DbConnection,
    case_id: &str,
    reason: &str,
    started_on: NaiveDate,
    reply_by: Option<NaiveDate>,
) -> Result<(), DbError> {
    diesel::insert_into(case_pauses::table)
        .values(&PauseRow {
            id: uuid::Uuid::now_v7().to_string(),
            case_id: case_id.to_string(),
            reason: reason.to_string(),
            started_on,
            reply_by,
            ended_on: None,
        })
        .execute(conn)?;
    Ok(())
}

/// Ends the open pause episode on `ended_on` (`B`, the day the answer arrived).
pub fn close_pause(
    conn: &mut DbConnection,
    case_id: &str,
    ended_on: NaiveDate,
) -> Result<(), DbError> {
    diesel::update(
        case_pauses::table
            .filter(case_pauses::case_id.eq(case_id))
            .filter(case_pauses::ended_on.is_null()),
    )
    .set(case_pauses::ended_on.eq(Some(ended_on)))
    .execute(conn)?;
    Ok(())
}

/// What the help desk filters the queue by; every field optional.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub kind: Option<RequestKind>,
    pub state: Option<CaseState>,
    /// `Some(None)`: unassigned cases only.
    pub assignee: Option<Option<String>>,
    pub clock_stopped: bool,
    pub receipt_number: Option<String>,
    pub email_index: Option<String>,
    /// A name's keyed hash: the person's or the agent's name, or its kana reading.
    pub name_key: Option<String>,
    /// Restricts to cases this staff member may open: unassigned or assigned to them.
    pub visible_to: Option<String>,
    /// Decision due on or after / on or before these days (clock running).
    pub due_from: Option<NaiveDate>,
    pub due_by: Option<NaiveDate>,
}

/// The domain's [`CaseState::LEAVES_QUEUE`], as stored.
pub const FINISHED_STATES: [&str; 5] = names_of(CaseState::LEAVES_QUEUE);
/// The domain's [`CaseState::WAITS_ON_REQUESTER`], as stored.
pub const STOPPED_STATES: [&str; 2] = names_of(CaseState::WAITS_ON_REQUESTER);

const fn names_of<const N: usize>(states: [CaseState; N]) -> [&'static str; N] {
    let mut names = [""; N];
    let mut i = 0;
    while i < N {
        names[i] = states[i].as_str();
        i += 1;
    }
    names
}

type Filtered<'a> = cases::BoxedQuery<'a, super::MultiBackend>;

/// Received cases: the condition of the indexes that leave unconfirmed submissions out. Implied
/// by "not finished", but a planner uses such an index only when the query states it.
pub fn received() -> diesel::dsl::IsNotNull<cases::received_at> {
    cases::received_at.is_not_null()
}

/// The open cases matching `filter`, unordered.
fn filtered(filter: &QueueFilter) -> Filtered<'static> {
    let mut query = cases::table
        .filter(cases::state.ne_all(FINISHED_STATES))
        .filter(received())
        .into_boxed();
    if let Some(kind) = filter.kind {
        query = query.filter(cases::kind.eq(kind));
    }
    if let Some(state) = filter.state {
        query = query.filter(cases::state.eq(state));
    }
    match &filter.assignee {
        Some(Some(id)) => query = query.filter(cases::assignee_id.eq(id.clone())),
        Some(None) => query = query.filter(cases::assignee_id.is_null()),
        None => {}
    }
    if filter.clock_stopped {
        query = query.filter(cases::state.eq_any(STOPPED_STATES));
    }
    if let Some(id) = &filter.visible_to {
        query = query.filter(
            cases::assignee_id
                .is_null()
                .or(cases::assignee_id.eq(id.clone())),
        );
    }
    if let Some(number) = &filter.receipt_number {
        query = query.filter(cases::receipt_number.eq(number.clone()));
    }
    if filter.due_from.is_some() || filter.due_by.is_some() {
        query = query.filter(cases::state.ne_all(STOPPED_STATES));
    }
    if let Some(from) = filter.due_from {
        query = query.filter(cases::due_on.ge(from));
    }
    if let Some(by) = filter.due_by {
        query = query.filter(cases::due_on.le(by));
    }
    if let Some(index) = &filter.email_index {
        query = query.filter(cases::email_index.eq(index.clone()));
    }
    if let Some(key) = &filter.name_key {
        query = query.filter(
            cases::id.eq_any(
                case_name_keys::table
                    .filter(case_name_keys::name_key.eq(key.clone()))
                    .select(case_name_keys::case_id),
            ),
        );
    }
    query
}

/// Open cases, most urgent first: by decision due date (overdue first), then those without one
/// (decided, awaiting delivery) by receipt. Two index-ordered queries instead of one sort over
/// every open case, so the first page costs the same with a hundred cases or a million.
pub fn queue(
    conn: &mut DbConnection,
    filter: &QueueFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<CaseRow>, DbError> {
    let mut rows: Vec<CaseRow> = filtered(filter)
        .filter(cases::due_on.is_not_null())
        .order((
            cases::due_on.asc(),
            cases::received_at.asc(),
            cases::id.asc(),
        ))
        .limit(limit)
        .offset(offset)
        .select(CaseRow::as_select())
        .load(conn)?;
    let missing = limit - rows.len() as i64;
    if missing == 0 {
        return Ok(rows);
    }
    let dated_total = if rows.is_empty() && offset > 0 {
        filtered(filter)
            .filter(cases::due_on.is_not_null())
            .count()
            .get_result::<i64>(conn)?
    } else {
        offset + rows.len() as i64
    };
    rows.extend(
        filtered(filter)
            .filter(cases::due_on.is_null())
            .order((cases::received_at.asc(), cases::id.asc()))
            .limit(missing)
            .offset((offset - dated_total).max(0))
            .select(CaseRow::as_select())
            .load(conn)?,
    );
    Ok(rows)
}

/// Finds a case by its receipt number, in any state.
pub fn find_by_receipt_number(
    conn: &mut DbConnection,
    number: &str,
) -> Result<Option<CaseRow>, DbError> {
    Ok(cases::table
        .filter(cases::receipt_number.eq(number))
        .select(CaseRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Received cases still waiting for a decision whose stored deadline is on or after `day` (or
/// not stored): a change of the calendar can move no others (the caller picks `day`).
pub fn deadline_candidates(
    conn: &mut DbConnection,
    states: &[&str],
    day: NaiveDate,
) -> Result<Vec<CaseRow>, DbError> {
    Ok(cases::table
        .filter(cases::state.eq_any(states))
        .filter(cases::received_at.is_not_null())
        .filter(cases::due_on.ge(day).or(cases::due_on.is_null()))
        .select(CaseRow::as_select())
        .load(conn)?)
}

/// The pause episodes of many cases at once.
pub fn pauses_of_cases(
    conn: &mut DbConnection,
    case_ids: &[String],
) -> Result<Vec<PauseRow>, DbError> {
    let mut rows = Vec::new();
    for chunk in case_ids.chunks(500) {
        rows.extend(
            case_pauses::table
                .filter(case_pauses::case_id.eq_any(chunk))
                .order((case_pauses::case_id.asc(), case_pauses::started_on.asc()))
                .select(PauseRow::as_select())
                .load(conn)?,
        );
    }
    Ok(rows)
}

/// The assignee of each case in `case_ids`.
pub fn assignees_of(
    conn: &mut DbConnection,
    case_ids: &[String],
) -> Result<Vec<(String, Option<String>)>, DbError> {
    let mut rows = Vec::new();
    for chunk in case_ids.chunks(500) {
        rows.extend(
            cases::table
                .filter(cases::id.eq_any(chunk))
                .select((cases::id, cases::assignee_id))
                .load(conn)?,
        );
    }
    Ok(rows)
}

/// Up to `limit` cases after `after` (in id order) that are in the search indexes, for
/// rewriting their keyed hashes under a new key.
pub fn searchable_after(
    conn: &mut DbConnection,
    after: &str,
    limit: i64,
    not_yet_searchable: &str,
) -> Result<Vec<String>, DbError> {
    Ok(cases::table
        .filter(cases::id.gt(after))
        .filter(cases::email_index.ne(not_yet_searchable))
        .order(cases::id)
        .select(cases::id)
        .limit(limit)
        .load(conn)?)
}

/// Any one case's sealed party record, to check at start that the master key opens the data.
pub fn any_sealed_party(conn: &mut DbConnection) -> Result<Option<(String, Vec<u8>)>, DbError> {
    Ok(case_parties::table
        .select((case_parties::case_id, case_parties::sealed))
        .first(conn)
        .optional()?)
}
