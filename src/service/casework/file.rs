//! The case file as the help desk sees it: everything about a case, opened for display. Loading
//! it is audited; the requester's own details are opened separately (and audited separately).

use chrono::{DateTime, Utc};

use super::decisions::{self, DecisionView};
use super::review::{self, ReviewedDocument};
use super::{Casework, CaseworkError, StaffActor, corrupt, open_case};
use crate::db::audit;
use crate::db::cases::{self, CaseEventRow, CaseRow, PauseRow};
use crate::db::fees::{self, FeeEntryRow};
use crate::db::{decisions as decision_rows, documents, messages};
use crate::domain::deadline::{Deadline, jst_date};
use crate::domain::event::EventKind;
use crate::domain::explain::Explanation;
use crate::domain::identity::IdentityEvaluation;
use crate::domain::ledger::{FeeLedger, LedgerEntry};
use crate::domain::lifecycle::{self, CaseFacts};
use crate::service::case_record::{SealedContent, SealedParty, open_json};
use crate::service::deadlines;
use crate::service::messages::{Shown, open_all};
use crate::storage::crypto::MasterKey;
use crate::storage::files::BlobStore;

pub use crate::db::cases::CaseEventRow as TimelineRow;

pub struct LedgerLine {
    pub at: chrono::NaiveDateTime,
    /// The day the entry took effect (a payment: the day the money arrived).
    pub value_date: Option<chrono::NaiveDate>,
    pub recorded_by: String,
    pub entry: LedgerEntry,
}

pub struct CaseFile {
    pub row: CaseRow,
    pub facts: CaseFacts,
    pub events: Vec<CaseEventRow>,
    pub pauses: Vec<PauseRow>,
    pub documents: Vec<ReviewedDocument>,
    pub identity: IdentityEvaluation,
    pub messages: Vec<Shown>,
    pub ledger_lines: Vec<LedgerLine>,
    pub ledger: Option<FeeLedger>,
    pub decisions: Vec<DecisionView>,
    pub deadline: Option<(Deadline, Explanation)>,
    /// What this actor may do now, by the domain's rules.
    pub allowed: Vec<EventKind>,
    pub content: SealedContent,
    /// The official letters sent on the case, oldest first.
    pub letters: Vec<crate::service::letters::Listed>,
    /// The requester's consents and their withdrawals (docs/consent.md §4).
    pub consents: Vec<crate::service::consents::ConsentEntry>,
}

pub fn open_ledger(
    cw: &Casework<'_>,
    rows: &[FeeEntryRow],
) -> Result<Vec<LedgerEntry>, CaseworkError> {
    rows.iter()
        .map(|r| {
            let plain = cw
                .desk
                .master
                .open_value(&format!("fee:{}", r.id), &r.sealed_entry)
                .map_err(corrupt)?;
            serde_json::from_slice(&plain).map_err(corrupt)
        })
        .collect()
}

/// Loads and opens the case file; records that `actor` viewed it.
pub async fn load(
    cw: &Casework<'_>,
    actor: &StaffActor,
    case_id: &str,
    now: DateTime<Utc>,
) -> Result<CaseFile, CaseworkError> {
    let row = open_case(cw.db, actor, case_id, now).await?;
    let viewed = actor.audit(now, "case.viewed", &row.id);
    let id = row.id.clone();
    let (events, pauses, docs, conversation, fee_rows, decision_rows, sealed_content, consents) =
        cw.db
            .write(move |conn| {
                audit::append(conn, &viewed)?;
                Ok((
                    cases::events(conn, &id)?,
                    cases::pauses(conn, &id)?,
                    documents::for_case(conn, &id)?,
                    messages::for_case(conn, &id)?,
                    fees::for_case(conn, &id)?,
                    decision_rows::for_case(conn, &id)?,
                    cases::sealed_content(conn, &id)?,
                    crate::db::consents::of_case(conn, &id)?,
                ))
            })
            .await?;
    let facts = crate::service::case_record::parse_facts(&row).map_err(corrupt)?;
    let today = jst_date(now);
    let deadline = deadlines::of_case(
        &cw.desk.profile,
        &cw.desk.calendar,
        &row,
        &facts,
        &deadlines::pauses_of(&pauses),
        today,
    );
    let documents = docs
        .iter()
        .map(|d| review::open(cw.desk.master, d))
        .collect::<Result<Vec<_>, _>>()?;
    let identity = review::evaluate_documents(&cw.desk.profile, &row, &documents, today)?;
    let entries = open_ledger(cw, &fee_rows)?;
    let ledger = if entries.is_empty() {
        None
    } else {
        FeeLedger::from_entries(&entries).ok()
    };
    let ledger_lines = fee_rows
        .iter()
        .zip(entries)
        .map(|(r, entry)| LedgerLine {
            at: r.at,
            value_date: r.value_date,
            recorded_by: r.recorded_by.clone(),
            entry,
        })
        .collect();
    let decisions = decision_rows
        .iter()
        .map(|d| decisions::open(cw, d))
        .collect::<Result<Vec<_>, _>>()?;
    let content: SealedContent = open_json(
        cw.desk.master,
        &format!("content:{}", row.id),
        &sealed_content,
    )
    .map_err(corrupt)?;
    let allowed = lifecycle::allowed_events(&facts, &actor.actor(), now);
    let letters = crate::service::letters::list(cw.db, cw.desk.master, &row.id)
        .await
        .map_err(corrupt)?;
    Ok(CaseFile {
        facts,
        events,
        pauses,
        documents,
        identity,
        messages: open_all(cw.desk.master, conversation),
        ledger_lines,
        ledger,
        decisions,
        deadline,
        allowed,
        content,
        letters,
        consents: crate::service::consents::entries(consents),
        row,
    })
}

/// Opens the requester's (and agent's) details; each opening is audited.
pub async fn party(
    cw: &Casework<'_>,
    actor: &StaffActor,
    case_id: &str,
    now: DateTime<Utc>,
) -> Result<(CaseRow, SealedParty), CaseworkError> {
    let row = open_case(cw.db, actor, case_id, now).await?;
    let viewed = actor.audit(now, "case.party_viewed", &row.id);
    let id = row.id.clone();
    let sealed = cw
        .db
        .write(move |conn| {
            audit::append(conn, &viewed)?;
            cases::sealed_party(conn, &id)
        })
        .await?;
    let party =
        open_json(cw.desk.master, &format!("party:{}", row.id), &sealed).map_err(corrupt)?;
    Ok((row, party))
}

/// A stored document of a case, decrypted for viewing.
pub struct OpenedDocument {
    pub mime: String,
    pub bytes: zeroize::Zeroizing<Vec<u8>>,
}

/// Opens one document of a case the actor may open, and records the view in the audit log.
/// `NotFound` for a document of another case or one already destroyed.
pub async fn open_document(
    (db, master, blobs): (&crate::db::Db, &MasterKey, &BlobStore),
    actor: &StaffActor,
    (case_id, document_id): (&str, &str),
    now: DateTime<Utc>,
) -> Result<OpenedDocument, CaseworkError> {
    let row = open_case(db, actor, case_id, now).await?;
    let (id, doc_id) = (row.id.clone(), document_id.to_string());
    let doc = db
        .read(move |conn| documents::find(conn, &id, &doc_id))
        .await?
        .ok_or(CaseworkError::NotFound)?;
    let bytes = crate::service::documents::open_stored(master, blobs, &doc)
        .await
        .map_err(corrupt)?
        .ok_or(CaseworkError::NotFound)?;
    let viewed = actor.audit(now, "document.viewed", &row.id).target(&doc.id);
    db.write(move |conn| audit::append(conn, &viewed)).await?;
    Ok(OpenedDocument {
        mime: doc.mime,
        bytes,
    })
}
