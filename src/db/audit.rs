//! The audit log: append-only, ids and action codes only.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::audit_events;
use super::{DbConnection, DbError};

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

pub fn append(conn: &mut DbConnection, event: &AuditEvent) -> Result<(), DbError> {
    diesel::insert_into(audit_events::table)
        .values(event)
        .execute(conn)?;
    Ok(())
}

/// What an auditor filters the log by; every field optional.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub case_id: Option<String>,
    pub action_prefix: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
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
