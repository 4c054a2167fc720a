//! The help desk's work on a case. Every action loads the case, checks that this staff member may
//! act on it and that nobody changed it since their page was drawn (`version`), lets the domain
//! decide, and writes the change, its audit record and any notice in one transaction.

pub mod actions;
pub mod decision_letters;
pub mod decisions;
pub mod delivery;
pub mod fees;
pub mod file;
pub mod procedure;
pub mod review;

use chrono::{DateTime, Utc};

use crate::db::audit::{self, AuditEvent};
use crate::db::cases::{self, CaseRow};
use crate::db::{Db, DbConnection, DbError};
use crate::domain::event::Actor;
use crate::domain::refusal::Refusal;
use crate::domain::role::Role;
use crate::domain::state::CaseState;
use crate::service::lifecycle::{ApplyError, Desk};
use crate::storage::files::BlobStore;

/// Everything casework needs from the running application.
pub struct Casework<'a> {
    pub db: &'a Db,
    pub desk: Desk<'a>,
    pub blobs: &'a BlobStore,
    pub public_url: &'a str,
    pub max_upload_bytes: usize,
    pub case_max_bytes: usize,
    /// How long a delivered file stays downloadable.
    pub download_days: i64,
    /// The schedules an administrator added (with the profile's, they price copies).
    pub fee_schedules: &'a crate::service::caches::FeeScheduleCache,
}

impl Casework<'_> {
    /// The fee schedules as the database has them now: the profile's and the added ones.
    pub async fn schedules(&self) -> Result<Vec<crate::domain::fees::FeeSchedule>, DbError> {
        let fresh = self.fee_schedules.fresh(self.db).await?;
        Ok(crate::domain::fee_schedules::merged(
            &self.desk.profile.fee_schedules,
            &fresh.added,
        ))
    }
}

/// The signed-in staff member acting, and where the request came from (for the audit log).
#[derive(Debug, Clone)]
pub struct StaffActor {
    pub id: String,
    pub role: Role,
    pub client_ip: Option<String>,
    pub request_id: Option<String>,
}

impl StaffActor {
    pub fn actor(&self) -> Actor {
        Actor::staff(self.id.clone(), self.role)
    }

    /// How the actor appears on timelines and in the audit log.
    pub fn label(&self) -> String {
        format!("staff:{}", self.id)
    }

    pub fn audit(&self, now: DateTime<Utc>, action: &str, case_id: &str) -> AuditEvent {
        AuditEvent::new(now.naive_utc(), self.label(), action)
            .role(self.role.as_str())
            .case(case_id)
            .from_request(self.client_ip.clone(), self.request_id.clone())
    }

    /// Who may open a case: approvers any case; staff the unassigned ones and their own.
    /// Administrators and auditors do not read case files.
    pub fn may_open(&self, row: &CaseRow) -> bool {
        match self.role {
            Role::Approver => true,
            Role::Staff => row.assignee_id.as_deref().is_none_or(|a| a == self.id),
            Role::Admin | Role::Auditor => false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CaseworkError {
    #[error("no such case")]
    NotFound,
    #[error("not allowed for this role or assignment")]
    Forbidden,
    /// Someone else changed the case since the page was drawn.
    #[error("the case changed meanwhile")]
    Conflict,
    /// Another fee entry was recorded since the fee form was drawn; nothing was recorded.
    #[error("the fee ledger changed meanwhile")]
    LedgerChanged,
    #[error("refused: {}", .0.code())]
    Refused(Refusal),
    /// Form input the domain never saw: field and message key.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<(&'static str, &'static str)>),
    #[error("stored data unreadable: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Db(DbError),
}

impl From<DbError> for CaseworkError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Conflict(_) => CaseworkError::Conflict,
            DbError::NotFound => CaseworkError::NotFound,
            other => CaseworkError::Db(other),
        }
    }
}

impl From<ApplyError> for CaseworkError {
    fn from(e: ApplyError) -> Self {
        match e {
            ApplyError::Refused(r) => CaseworkError::Refused(r),
            ApplyError::Corrupt(c) => CaseworkError::Corrupt(c),
            ApplyError::Db(db) => db.into(),
        }
    }
}

pub fn corrupt(e: impl std::fmt::Display) -> CaseworkError {
    CaseworkError::Corrupt(e.to_string())
}

/// Loads a case the actor may open; `NotFound` and `Forbidden` are distinct so the page can say
/// which (staff know case ids exist; the refusal itself is audited).
pub async fn open_case(
    db: &Db,
    actor: &StaffActor,
    case_id: &str,
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    let id = case_id.to_string();
    let row = db
        .read(move |conn| cases::find(conn, &id))
        .await?
        .filter(|r| r.state != CaseState::Unconfirmed)
        .ok_or(CaseworkError::NotFound)?;
    if !actor.may_open(&row) {
        let refused = actor.audit(now, "case.access_refused", case_id);
        db.write(move |conn| audit::append(conn, &refused)).await?;
        return Err(CaseworkError::Forbidden);
    }
    Ok(row)
}

/// Loads the case for an action taken on a page drawn at `version`.
pub async fn for_action(
    db: &Db,
    actor: &StaffActor,
    case_id: &str,
    version: i64,
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    let row = open_case(db, actor, case_id, now).await?;
    if row.version != version {
        return Err(CaseworkError::Conflict);
    }
    Ok(row)
}

/// Writes `row` (with version check), a timeline entry and the audit record.
pub fn save_with_audit(
    conn: &mut DbConnection,
    row: &CaseRow,
    timeline_event: &str,
    audit_event: &AuditEvent,
) -> Result<CaseRow, DbError> {
    let saved = cases::update(conn, row)?;
    crate::service::case_record::append_event(
        conn,
        &saved.id,
        audit_event.at.and_utc(),
        &audit_event.actor,
        timeline_event,
        Some(saved.state),
        saved.state,
    )?;
    audit::append(conn, audit_event)?;
    Ok(saved)
}
