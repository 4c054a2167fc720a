//! The audit log: append-only, ids and action codes only.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::audit_events;
use super::{DbConnection, DbError};

#[derive(Debug, Clone, Insertable, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
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
        }
    }

    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
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
