//! The stored case record, read and written the same way by every use case: its facts (plain
//! JSON), the sealed party and content records, its timeline entries, and where its notices go.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::db::cases::{self, CaseEventRow, CaseRow};
use crate::db::{Db, DbConnection, DbError};
use crate::domain::delivery::DeliveryMethod;
use crate::domain::identity::RequesterType;
use crate::domain::kind::RequestKind;
use crate::domain::lifecycle::CaseFacts;
use crate::domain::state::CaseState;
use crate::service::intake::draft::{AgentDetails, RequestContent};
use crate::service::intake::person::PersonDetails;
use crate::storage::crypto::{CryptoError, MasterKey};
use crate::storage::index::IndexKey;

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// A record does not (de)serialise. Only serde's category and position are kept: its message
    /// could quote the personal data a sealed record holds, and errors reach the log.
    #[error("stored record unreadable ({category} at line {line}, column {column})")]
    Corrupt {
        category: &'static str,
        line: usize,
        column: usize,
    },
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<serde_json::Error> for RecordError {
    fn from(e: serde_json::Error) -> Self {
        use serde_json::error::Category;
        RecordError::Corrupt {
            category: match e.classify() {
                Category::Io => "io",
                Category::Syntax => "syntax",
                Category::Data => "data",
                Category::Eof => "eof",
            },
            line: e.line(),
            column: e.column(),
        }
    }
}

/// The requester's identity data, sealed apart from the request content.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SealedParty {
    pub requester_type: RequesterType,
    pub person: PersonDetails,
    pub agent: Option<AgentDetails>,
}

impl SealedParty {
    /// Where notices for the case go: the agent when one applies, otherwise the person.
    pub fn contact(&self) -> String {
        match &self.agent {
            Some(agent) => agent.email.trim().to_lowercase(),
            None => self.person.email.clone(),
        }
    }

    /// The keyed hashes staff find the case by: the contact's e-mail address, and the person's
    /// and the agent's names and kana readings (each once; a blank one is no key).
    pub fn search_keys(&self, index: &IndexKey) -> SearchKeys {
        let agent = self.agent.as_ref();
        let names = [
            Some(&self.person.name),
            Some(&self.person.name_kana),
            agent.map(|a| &a.name),
            agent.map(|a| &a.name_kana),
        ];
        let mut name_keys: Vec<String> = names
            .into_iter()
            .flatten()
            .filter(|name| !crate::storage::index::normalise_name(name).is_empty())
            .map(|name| index.name(name))
            .collect();
        name_keys.sort();
        name_keys.dedup();
        SearchKeys {
            email: index.email(&self.contact()),
            names: name_keys,
        }
    }
}

/// The keyed hashes a case is found by (`storage::index`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchKeys {
    pub email: String,
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SealedContent {
    pub kind: RequestKind,
    pub content: RequestContent,
    pub delivery: Option<DeliveryMethod>,
}

pub fn seal_json<T: Serialize>(
    master: &MasterKey,
    record: &str,
    value: &T,
) -> Result<Vec<u8>, RecordError> {
    let json = serde_json::to_vec(value)?;
    Ok(master.seal_value(record, &json)?)
}

pub fn open_json<T: for<'de> Deserialize<'de>>(
    master: &MasterKey,
    record: &str,
    sealed: &[u8],
) -> Result<T, RecordError> {
    let json = master.open_value(record, sealed)?;
    Ok(serde_json::from_slice(&json)?)
}

/// Where notices for a case go: the agent when one applies, otherwise the person.
pub async fn contact_of(db: &Db, master: &MasterKey, case_id: &str) -> Result<String, RecordError> {
    let id = case_id.to_string();
    let sealed = db.read(move |conn| cases::sealed_party(conn, &id)).await?;
    let party: SealedParty = open_json(master, &format!("party:{case_id}"), &sealed)?;
    Ok(party.contact())
}

pub fn facts_json(facts: &CaseFacts) -> Result<String, RecordError> {
    Ok(serde_json::to_string(facts)?)
}

pub fn parse_facts(row: &CaseRow) -> Result<CaseFacts, RecordError> {
    Ok(serde_json::from_str(&row.facts)?)
}

/// One timeline entry of a case, on the caller's transaction.
/// The audit record of something a requester did on their case: the case is the only identity a
/// requester has here, so it is the actor (`docs/data-protection.md §2`). Written in the same
/// transaction as the change it records.
pub fn requester_audit(
    now: DateTime<Utc>,
    action: &str,
    case_id: &str,
) -> crate::db::audit::AuditEvent {
    crate::db::audit::AuditEvent::new(now.naive_utc(), format!("requester:{case_id}"), action)
        .case(case_id)
}

pub fn append_event(
    conn: &mut DbConnection,
    case_id: &str,
    at: DateTime<Utc>,
    actor: &str,
    event: &str,
    from_state: Option<CaseState>,
    to_state: CaseState,
) -> Result<(), DbError> {
    cases::append_event(
        conn,
        &CaseEventRow {
            id: uuid::Uuid::now_v7().to_string(),
            case_id: case_id.to_string(),
            at: at.naive_utc(),
            actor: actor.to_string(),
            event: event.to_string(),
            from_state,
            to_state,
            sealed_note: None,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_corrupt_record_is_reported_without_its_content() {
        let e: RecordError = serde_json::from_str::<CaseFacts>("{\"state\": \"山田 花子\"}")
            .map_err(RecordError::from)
            .expect_err("not facts");
        let text = e.to_string();
        assert!(text.starts_with("stored record unreadable (data"), "{text}");
        assert!(!text.contains("山田"), "no value quoted: {text}");
    }
}
