//! The audit log: append-only, ids and action codes only; each record written with its digest and
//! later bound into a seal (`docs/operations.md §2`, `domain::audit_chain`).

use chrono::{NaiveDateTime, SubsecRound};
use diesel::prelude::*;

use super::schema::{audit_events, audit_seal_head, audit_seals};
use super::{DbConnection, DbError};
use crate::domain::audit_chain::{self, Record, SealHasher, SealHeader};

#[derive(Debug, Clone, Insertable, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct AuditEvent {
    pub id: String,
    pub at: NaiveDateTime,
    /// `staff:<id>`, `requester:<case id>`, `system` or `cli`.
    pub actor: String,
    /// A stable code such as `staff.created` or `staff.signed_in`.
    pub action: String,
    pub target: Option<String>,
    pub client_ip: Option<String>,
    pub request_id: Option<String>,
    /// The actor's role when the actor is staff.
    pub role: Option<String>,
    pub case_id: Option<String>,
}

impl AuditEvent {
    pub fn new(at: NaiveDateTime, actor: impl Into<String>, action: &str) -> AuditEvent {
        AuditEvent {
            id: uuid::Uuid::now_v7().to_string(),
            at,
            actor: actor.into(),
            action: action.to_string(),
            target: None,
            client_ip: None,
            request_id: None,
            role: None,
            case_id: None,
        }
    }

    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    pub fn role(mut self, role: &str) -> Self {
        self.role = Some(role.to_string());
        self
    }

    pub fn case(mut self, case_id: impl Into<String>) -> Self {
        self.case_id = Some(case_id.into());
        self
    }

    pub fn from_request(mut self, client_ip: Option<String>, request_id: Option<String>) -> Self {
        self.client_ip = client_ip;
        self.request_id = request_id;
        self
    }
}

impl AuditEvent {
    pub fn as_record(&self) -> Record<'_> {
        Record {
            id: &self.id,
            at: self.at,
            actor: &self.actor,
            action: &self.action,
            target: self.target.as_deref(),
            client_ip: self.client_ip.as_deref(),
            request_id: self.request_id.as_deref(),
            role: self.role.as_deref(),
            case_id: self.case_id.as_deref(),
        }
    }
}

/// Writes `event` with the digest of its content. The time is kept at microseconds, as
/// PostgreSQL keeps it, so the digest reads back the same from either database.
pub fn append(conn: &mut DbConnection, event: &AuditEvent) -> Result<(), DbError> {
    let mut event = event.clone();
    event.at = event.at.trunc_subsecs(6);
    let digest = audit_chain::hex(&audit_chain::record_digest(&event.as_record()));
    diesel::insert_into(audit_events::table)
        .values((&event, audit_events::digest.eq(digest)))
        .execute(conn)?;
    Ok(())
}

/// How many records one seal covers at most: a backlog is sealed in several turns, each a short
/// transaction with its records in memory.
pub const MOST_PER_SEAL: i64 = 20_000;

/// A seal just made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub number: i64,
    pub records: i64,
    pub digest: String,
}

/// Seals up to [`MOST_PER_SEAL`] of the records not yet sealed, oldest ids first; None when there
/// were none. Run in a transaction of its own: the head row's update is the lock that makes
/// concurrent sealers (other instances, a CLI command) take turns, while writers of records never
/// wait for it. A record whose transaction commits after this one began waits for the next seal.
pub fn seal_pending(
    conn: &mut DbConnection,
    now: NaiveDateTime,
) -> Result<Option<Sealed>, DbError> {
    let any = audit_events::table
        .filter(audit_events::seal.is_null())
        .select(audit_events::id)
        .first::<String>(conn)
        .optional()?;
    if any.is_none() {
        return Ok(None);
    }
    let (number, previous): (i64, String) = diesel::update(audit_seal_head::table.find(1))
        .set(audit_seal_head::number.eq(audit_seal_head::number + 1))
        .returning((audit_seal_head::number, audit_seal_head::digest))
        .get_result(conn)?;
    // The batch ends at the MOST_PER_SEAL-th pending id; records committed meanwhile with ids
    // inside it join it (RETURNING says exactly which rows this seal took).
    let boundary: Option<String> = audit_events::table
        .filter(audit_events::seal.is_null())
        .order(audit_events::id)
        .offset(MOST_PER_SEAL - 1)
        .select(audit_events::id)
        .first(conn)
        .optional()?;
    let mut records: Vec<AuditEvent> = match boundary {
        Some(boundary) => on_backend!(conn, |c| diesel::update(
            audit_events::table
                .filter(audit_events::seal.is_null())
                .filter(audit_events::id.le(&boundary))
        )
        .set(audit_events::seal.eq(number))
        .returning(AuditEvent::as_returning())
        .get_results(c)?),
        None => on_backend!(conn, |c| diesel::update(
            audit_events::table.filter(audit_events::seal.is_null())
        )
        .set(audit_events::seal.eq(number))
        .returning(AuditEvent::as_returning())
        .get_results(c)?),
    };
    let (Some(first), Some(last)) = (
        records.iter().map(|r| r.id.clone()).min(),
        records.iter().map(|r| r.id.clone()).max(),
    ) else {
        // Another sealer took them between the look and the lock; roll back the number.
        return Err(DbError::Conflict("sealed meanwhile".into()));
    };
    records.sort_by(|a, b| a.id.cmp(&b.id));
    let count = records.len() as i64;
    let mut hasher = SealHasher::new(number, &previous, count);
    for record in &records {
        hasher.push(&audit_chain::record_digest(&record.as_record()));
    }
    let digest = hasher.finish();
    diesel::insert_into(audit_seals::table)
        .values((
            audit_seals::number.eq(number),
            audit_seals::sealed_at.eq(now),
            audit_seals::records.eq(count),
            audit_seals::first_id.eq(first),
            audit_seals::last_id.eq(last),
            audit_seals::previous_digest.eq(previous),
            audit_seals::digest.eq(&digest),
        ))
        .execute(conn)?;
    diesel::update(audit_seal_head::table.find(1))
        .set(audit_seal_head::digest.eq(&digest))
        .execute(conn)?;
    Ok(Some(Sealed {
        number,
        records: count,
        digest,
    }))
}

/// Every seal, and the head (newest number and digest).
pub fn seals(conn: &mut DbConnection) -> Result<(Vec<SealHeader>, (i64, String)), DbError> {
    let rows: Vec<(i64, i64, String, String, String, String)> = audit_seals::table
        .order(audit_seals::number)
        .select((
            audit_seals::number,
            audit_seals::records,
            audit_seals::first_id,
            audit_seals::last_id,
            audit_seals::previous_digest,
            audit_seals::digest,
        ))
        .load(conn)?;
    let head = audit_seal_head::table
        .find(1)
        .select((audit_seal_head::number, audit_seal_head::digest))
        .first(conn)?;
    let seals = rows
        .into_iter()
        .map(
            |(number, records, first_id, last_id, previous_digest, digest)| SealHeader {
                number,
                records,
                first_id,
                last_id,
                previous_digest,
                digest,
            },
        )
        .collect();
    Ok((seals, head))
}

/// A record as the auditor's check reads it: content, the digest written with it, its seal.
pub type StoredRecord = (AuditEvent, Option<String>, Option<i64>);

/// Up to `limit` records after `after` in id order (keyset paging through the primary key).
pub fn page_after(
    conn: &mut DbConnection,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<StoredRecord>, DbError> {
    match conn {
        DbConnection::Postgres(pg) => {
            let mut query = audit_events::table
                .select((
                    AuditEvent::as_select(),
                    audit_events::digest,
                    audit_events::seal,
                ))
                .order(audit_events::id)
                .limit(limit)
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(audit_events::id.gt(after.to_string()));
            }
            Ok(query.load(pg)?)
        }
        DbConnection::Sqlite(lite) => sqlite_page_after(lite, after, limit),
    }
}

/// A record as SQLite stores it, the time as the text written.
type SqliteRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
);

/// [`page_after`] on SQLite, reading the time as text and parsing it with [`stored_time`]:
/// diesel's own parser tries chrono's format strings one by one, which was a large share of
/// `audit verify`'s time over a million records.
fn sqlite_page_after(
    conn: &mut diesel::SqliteConnection,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<StoredRecord>, DbError> {
    use diesel::dsl::sql;
    use diesel::sql_types::Text;
    let mut query = audit_events::table
        .select((
            audit_events::id,
            sql::<Text>("at"),
            audit_events::actor,
            audit_events::action,
            audit_events::target,
            audit_events::client_ip,
            audit_events::request_id,
            audit_events::role,
            audit_events::case_id,
            audit_events::digest,
            audit_events::seal,
        ))
        .order(audit_events::id)
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(audit_events::id.gt(after.to_string()));
    }
    let rows: Vec<SqliteRow> = query.load(conn)?;
    rows.into_iter()
        .map(
            |(id, at, actor, action, target, client_ip, request_id, role, case_id, digest, seal)| {
                let at = stored_time(&at).ok_or_else(|| {
                    DbError::Query(diesel::result::Error::DeserializationError(
                        format!("audit record {id}: its time {at:?} is not one the service writes")
                            .into(),
                    ))
                })?;
                Ok((
                    AuditEvent {
                        id,
                        at,
                        actor,
                        action,
                        target,
                        client_ip,
                        request_id,
                        role,
                        case_id,
                    },
                    digest,
                    seal,
                ))
            },
        )
        .collect()
}

/// A time as diesel writes it into SQLite (`%F %T%.f`: `2026-12-05 10:00:00`, with a fraction of
/// 1 to 9 digits when it is not zero), read digit by digit; any other text through chrono with
/// that same format. None when neither reads it.
pub fn stored_time(text: &str) -> Option<NaiveDateTime> {
    fast_stored_time(text.as_bytes())
        .or_else(|| NaiveDateTime::parse_from_str(text, "%F %T%.f").ok())
}

fn fast_stored_time(bytes: &[u8]) -> Option<NaiveDateTime> {
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        bytes.get(range)?.iter().try_fold(0u32, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    let separators = [(4, b'-'), (7, b'-'), (10, b' '), (13, b':'), (16, b':')];
    if separators.iter().any(|(at, c)| bytes.get(*at) != Some(c)) {
        return None;
    }
    let nanos = match bytes.get(19..) {
        Some([]) => 0,
        Some([b'.', digits @ ..]) if (1..=9).contains(&digits.len()) => {
            number(20..bytes.len())? * 10u32.pow(9 - digits.len() as u32)
        }
        _ => return None,
    };
    chrono::NaiveDate::from_ymd_opt(number(0..4)? as i32, number(5..7)?, number(8..10)?)?
        .and_hms_nano_opt(number(11..13)?, number(14..16)?, number(17..19)?, nanos)
}

/// What an auditor filters the log by; every field optional.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub case_id: Option<String>,
    pub action_prefix: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
    /// Keyset paging: only records older than this (time, id), in the newest-first order.
    pub older_than: Option<(NaiveDateTime, String)>,
}

/// The newest `limit` entries matching `filter`, newest first.
pub fn search(
    conn: &mut DbConnection,
    filter: &AuditFilter,
    limit: i64,
) -> Result<Vec<AuditEvent>, DbError> {
    let mut query = audit_events::table.into_boxed();
    if let Some(actor) = &filter.actor {
        query = query.filter(audit_events::actor.eq(actor.clone()));
    }
    if let Some(case_id) = &filter.case_id {
        query = query.filter(audit_events::case_id.eq(case_id.clone()));
    }
    if let Some(prefix) = &filter.action_prefix {
        query = query.filter(audit_events::action.like(format!("{}%", prefix.replace('%', ""))));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_events::at.ge(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_events::at.lt(until));
    }
    if let Some((at, id)) = &filter.older_than {
        query = query.filter(
            audit_events::at.lt(*at).or(audit_events::at
                .eq(*at)
                .and(audit_events::id.lt(id.clone()))),
        );
    }
    Ok(query
        .order((audit_events::at.desc(), audit_events::id.desc()))
        .limit(limit)
        .select(AuditEvent::as_select())
        .load(conn)?)
}

/// How many `action` entries came from `client_ip` since `since` (failed sign-ins per address).
pub fn count_from_address(
    conn: &mut DbConnection,
    action: &str,
    client_ip: &str,
    since: NaiveDateTime,
) -> Result<i64, DbError> {
    Ok(audit_events::table
        .filter(audit_events::client_ip.eq(client_ip))
        .filter(audit_events::action.eq(action))
        .filter(audit_events::at.ge(since))
        .count()
        .get_result(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn stored_times_read_back_as_chrono_reads_them(
            seconds in 0i64..253_402_300_799,
            nanos in prop_oneof![Just(0u32), 0u32..1_000_000_000, (0u32..1000).prop_map(|m| m * 1_000_000), (0u32..1_000_000).prop_map(|u| u * 1000)],
        ) {
            let at = chrono::DateTime::from_timestamp(seconds, nanos).unwrap().naive_utc();
            let text = at.format("%F %T%.f").to_string();
            prop_assert_eq!(fast_stored_time(text.as_bytes()), Some(at));
            prop_assert_eq!(stored_time(&text), NaiveDateTime::parse_from_str(&text, "%F %T%.f").ok());
        }
    }

    #[test]
    fn other_texts_go_the_slow_way_or_nowhere() {
        for text in ["2026-12-05T10:00:00", "2026-12-05 10:00", "2026-02-30 10:00:00", "", "2026-12-05 10:00:00.", "2026-12-05 10:00:00.1234567890"] {
            assert_eq!(fast_stored_time(text.as_bytes()), None, "{text}");
            assert_eq!(stored_time(text), NaiveDateTime::parse_from_str(text, "%F %T%.f").ok(), "{text}");
        }
        assert_eq!(
            stored_time("2026-12-05 10:00:00.5"),
            chrono::NaiveDate::from_ymd_opt(2026, 12, 5).and_then(|d| d.and_hms_milli_opt(10, 0, 0, 500))
        );
    }
}
