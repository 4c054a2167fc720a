//! The audit log: append-only, ids and action codes only; each record written with its digest and
//! later bound into a seal (`docs/operations.md §2`, `domain::audit_chain`).

use chrono::{NaiveDateTime, SubsecRound};
use diesel::prelude::*;

use super::schema::{audit_events, audit_seal_head, audit_seals};
use super::{DbConnection, DbError};
use crate::domain::audit_chain::{self, Anchor, Record, SealHasher, SealHeader};

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

/// The seals as stored, for checking.
pub struct SealChain {
    pub seals: Vec<SealHeader>,
    /// The newest seal's number and digest, kept apart.
    pub head: (i64, String),
    /// Where the kept log starts.
    pub anchor: Anchor,
}

/// Every seal, the head (newest number and digest) and where the kept log starts.
pub fn seals(conn: &mut DbConnection) -> Result<SealChain, DbError> {
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
    let (number, digest, anchor) = seals_head(conn)?;
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
    Ok(SealChain {
        seals,
        head: (number, digest),
        anchor,
    })
}

/// The head row: the newest seal's number and digest, and where the kept log starts.
pub fn seals_head(conn: &mut DbConnection) -> Result<(i64, String, Anchor), DbError> {
    let (number, digest, anchor_number, anchor_digest) = audit_seal_head::table
        .find(1)
        .select((
            audit_seal_head::number,
            audit_seal_head::digest,
            audit_seal_head::anchor_number,
            audit_seal_head::anchor_digest,
        ))
        .first(conn)?;
    let anchor = Anchor {
        number: anchor_number,
        digest: anchor_digest,
    };
    Ok((number, digest, anchor))
}

/// How many records the log keeps, and the time of the oldest.
pub fn extent(conn: &mut DbConnection) -> Result<(i64, Option<NaiveDateTime>), DbError> {
    Ok((
        audit_events::table.count().get_result(conn)?,
        audit_events::table
            .select(diesel::dsl::min(audit_events::at))
            .first(conn)?,
    ))
}

/// Seals removed by one prune at most: each prune is one transaction, a million records at most.
pub const MOST_SEALS_PER_PRUNE: i64 = 50;

/// What one prune removed, and where the kept log starts now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pruned {
    pub anchor: Anchor,
    pub records: u64,
}

/// Removes the records of the oldest seals made before `sealed_before` (at most
/// [`MOST_SEALS_PER_PRUNE`]), with the seals, and anchors the kept log at the newest seal removed:
/// the head row keeps its number and digest, and the record of the prune, written in the same
/// transaction, names it (`docs/operations.md §2`). None when no seal is due. Refused, changing
/// nothing, when the records found are not as many as the seals counted: the log was tampered
/// with, and `audit verify` must see it before anything is removed.
pub fn prune_before(
    conn: &mut DbConnection,
    sealed_before: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<Option<Pruned>, DbError> {
    // The head row's update is the lock sealers take first: no seal is made meanwhile.
    let anchor_number: i64 = diesel::update(audit_seal_head::table.find(1))
        .set(audit_seal_head::number.eq(audit_seal_head::number))
        .returning(audit_seal_head::anchor_number)
        .get_result(conn)?;
    let newest_due: Option<i64> = audit_seals::table
        .filter(audit_seals::sealed_at.lt(sealed_before))
        .filter(audit_seals::number.le(anchor_number + MOST_SEALS_PER_PRUNE))
        .select(diesel::dsl::max(audit_seals::number))
        .first(conn)?;
    let Some(through) = newest_due.filter(|n| *n > anchor_number) else {
        return Ok(None);
    };
    let digest: String = audit_seals::table
        .find(through)
        .select(audit_seals::digest)
        .first(conn)?;
    let removing: Vec<(String, i64)> = audit_seals::table
        .filter(audit_seals::number.le(through))
        .select((audit_seals::last_id, audit_seals::records))
        .load(conn)?;
    let last_id = removing
        .iter()
        .map(|(id, _)| id.as_str())
        .max()
        .unwrap_or_default();
    let counted: i64 = removing.iter().map(|(_, records)| records).sum();
    // Every record of these seals has an id up to the newest last id among them: the range
    // scan on the primary key reaches them without reading the whole log.
    let removed = diesel::delete(
        audit_events::table
            .filter(audit_events::id.le(last_id))
            .filter(audit_events::seal.le(through)),
    )
    .execute(conn)? as u64;
    if removed as i64 != counted {
        return Err(DbError::Conflict(format!(
            "seals up to {through} count {counted} records but {removed} were found: run `madoguchi audit verify`"
        )));
    }
    diesel::delete(audit_seals::table.filter(audit_seals::number.le(through))).execute(conn)?;
    let anchor = Anchor {
        number: through,
        digest,
    };
    diesel::update(audit_seal_head::table.find(1))
        .set((
            audit_seal_head::anchor_number.eq(anchor.number),
            audit_seal_head::anchor_digest.eq(&anchor.digest),
        ))
        .execute(conn)?;
    append(
        conn,
        &AuditEvent::new(now, "system", audit_chain::PRUNED).target(anchor.target(removed)),
    )?;
    Ok(Some(Pruned {
        anchor,
        records: removed,
    }))
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
