//! 本人確認: the reviewer's verdict on each document, and what the accepted documents together
//! prove. A document showing a My Number is destroyed (its key forgotten), keeping a record.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{Casework, CaseworkError, StaffActor, corrupt, for_action, save_with_audit};
use crate::db::cases::CaseRow;
use crate::db::documents::{self, DocumentRow};
use crate::db::messages::{self, MessageRow};
use crate::domain::document::DocumentStatus;
use crate::domain::identity::{
    AcceptedDocument, DocumentType, Holder, IdentityEvaluation, RequesterType, evaluate,
};
use crate::domain::identity_review::{CheckItem, MaskingAction, MaskingFinding, checklist};
use crate::domain::message::MessageDirection;
use crate::domain::profile::OperatorProfile;
use crate::i18n::Lang;
use crate::service::case_record::{facts_json, parse_facts};
use crate::storage::crypto::MasterKey;

/// What the reviewer recorded (sealed: the reason is written to the requester and may be personal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentReview {
    pub accepted: bool,
    pub holder: Holder,
    pub issued_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub original: bool,
    /// Checklist items ticked (`CheckItem` names).
    pub checked: Vec<String>,
    /// Checklist items the reviewer marked "not applicable" to this document.
    #[serde(default)]
    pub not_applicable: Vec<String>,
    /// Set aside as more than the rule needs: no request to the requester.
    #[serde(default)]
    pub not_needed: bool,
    pub reason: String,
    /// Set when the document was destroyed for what it showed.
    pub finding: Option<MaskingFinding>,
}

pub struct ReviewedDocument {
    pub row: DocumentRow,
    pub doc_type: Option<DocumentType>,
    pub review: Option<DocumentReview>,
}

fn review_key(document_id: &str) -> String {
    format!("review:{document_id}")
}

pub fn open(master: &MasterKey, row: &DocumentRow) -> Result<ReviewedDocument, CaseworkError> {
    let review = match &row.sealed_review {
        Some(sealed) => {
            let plain = master
                .open_value(&review_key(&row.id), sealed)
                .map_err(corrupt)?;
            Some(serde_json::from_slice(&plain).map_err(corrupt)?)
        }
        None => None,
    };
    Ok(ReviewedDocument {
        doc_type: row.declared_type.parse().ok(),
        row: row.clone(),
        review,
    })
}

/// Whether the accepted documents satisfy the operator's identity rule for this requester.
pub fn evaluate_documents(
    profile: &OperatorProfile,
    row: &CaseRow,
    documents: &[ReviewedDocument],
    today: NaiveDate,
) -> Result<IdentityEvaluation, CaseworkError> {
    let requester: RequesterType = row.requester_type;
    let accepted: Vec<AcceptedDocument> = documents
        .iter()
        .filter(|d| d.row.destroyed_at.is_none() && d.row.status == DocumentStatus::Accepted)
        .filter_map(|d| {
            let review = d.review.as_ref()?;
            Some(AcceptedDocument {
                doc_type: d.doc_type?,
                holder: review.holder,
                issued_on: review.issued_on,
                expires_on: review.expires_on,
                original: review.original,
            })
        })
        .collect();
    Ok(evaluate(
        requester,
        row.channel.documents_arrive(),
        &accepted,
        &profile.identity_policy,
        today,
    ))
}

async fn load_documents(
    cw: &Casework<'_>,
    case_id: &str,
) -> Result<Vec<ReviewedDocument>, CaseworkError> {
    let id = case_id.to_string();
    let rows = cw
        .db
        .read(move |conn| documents::for_case(conn, &id))
        .await?;
    rows.iter().map(|r| open(cw.desk.master, r)).collect()
}

fn requester_message(
    cw: &Casework<'_>,
    actor: &StaffActor,
    case_id: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<MessageRow, CaseworkError> {
    let id = uuid::Uuid::now_v7().to_string();
    let sealed_body = cw
        .desk
        .master
        .seal_value(&format!("message:{id}"), body.as_bytes())
        .map_err(corrupt)?;
    Ok(MessageRow {
        id,
        case_id: case_id.to_string(),
        at: now.naive_utc(),
        direction: MessageDirection::ToRequester,
        author: actor.label(),
        sealed_body,
    })
}

fn verdict_status(review: &DocumentReview) -> DocumentStatus {
    if review.not_needed {
        DocumentStatus::NotNeeded
    } else {
        DocumentStatus::of_verdict(review.accepted)
    }
}

/// Records the verdict on one document and whether the documents now satisfy the rule. A
/// rejection's reason is written to the requester.
pub async fn review_document(
    cw: &Casework<'_>,
    actor: &StaffActor,
    (case_id, version): (&str, i64),
    document_id: &str,
    review: DocumentReview,
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    if !review.accepted && !review.not_needed && review.reason.trim().is_empty() {
        return Err(CaseworkError::Invalid(vec![("reason", "required")]));
    }
    let mut row = for_action(cw.db, actor, case_id, version, now).await?;
    if !row.state.takes_documents() {
        return Err(CaseworkError::Invalid(vec![("document", "not_now")]));
    }
    let mut docs = load_documents(cw, &row.id).await?;
    let Some(doc) = docs
        .iter_mut()
        .find(|d| d.row.id == document_id && d.row.destroyed_at.is_none())
    else {
        return Err(CaseworkError::NotFound);
    };
    // Accepting takes every item of the document's checklist ticked or marked not applicable:
    // a document accepted with nothing looked at proves nothing.
    if review.accepted
        && let Some(doc_type) = doc.doc_type
    {
        let settled = |item: &CheckItem| {
            let name = item.as_str();
            review.checked.iter().any(|c| c == name)
                || review.not_applicable.iter().any(|c| c == name)
        };
        if !checklist(doc_type).iter().all(settled) {
            return Err(CaseworkError::Invalid(vec![("checklist", "incomplete")]));
        }
    }
    let status = verdict_status(&review);
    doc.row.status = status;
    doc.review = Some(review.clone());
    let today = crate::domain::deadline::jst_date(now);
    let met = evaluate_documents(&cw.desk.profile, &row, &docs, today)?.is_satisfied();
    let mut facts = parse_facts(&row).map_err(corrupt)?;
    facts.identity_requirements_met = met;
    row.facts = facts_json(&facts).map_err(corrupt)?;
    row.updated_at = now.naive_utc();
    let sealed = cw
        .desk
        .master
        .seal_value(
            &review_key(document_id),
            &serde_json::to_vec(&review).map_err(corrupt)?,
        )
        .map_err(corrupt)?;
    let lang = Lang::from_code(&row.lang).unwrap_or_default();
    let message = if review.accepted || review.not_needed {
        None
    } else {
        let body = format!(
            "{}\n{}",
            lang.t("review.rejected_message"),
            review.reason.trim()
        );
        Some(requester_message(cw, actor, &row.id, &body, now)?)
    };
    let audit_row = actor
        .audit(now, &format!("document.{status}"), &row.id)
        .target(document_id);
    let (reviewer, doc_id) = (actor.label(), document_id.to_string());
    Ok(cw
        .db
        .write(move |conn| {
            documents::record_review(conn, &doc_id, status, &reviewer, now.naive_utc(), &sealed)?;
            if let Some(message) = &message {
                messages::insert(conn, message)?;
            }
            save_with_audit(conn, &row, "document_reviewed", &audit_row)
        })
        .await?)
}

/// Destroys a document that must not be kept (a My Number): the data key is forgotten and the
/// file deleted; the row remains as the record of what was found and done.
pub async fn destroy_document(
    cw: &Casework<'_>,
    actor: &StaffActor,
    (case_id, version): (&str, i64),
    document_id: &str,
    finding: MaskingFinding,
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    if finding.required_action() != MaskingAction::DestroyAndRecord {
        return Err(CaseworkError::Invalid(vec![("finding", "not_destroy")]));
    }
    let mut row = for_action(cw.db, actor, case_id, version, now).await?;
    let docs = load_documents(cw, &row.id).await?;
    let Some(doc) = docs
        .iter()
        .find(|d| d.row.id == document_id && d.row.destroyed_at.is_none())
    else {
        return Err(CaseworkError::NotFound);
    };
    let record = DocumentReview {
        accepted: false,
        holder: doc.review.as_ref().map_or(Holder::Principal, |r| r.holder),
        issued_on: None,
        expires_on: None,
        original: false,
        checked: Vec::new(),
        not_applicable: Vec::new(),
        not_needed: false,
        reason: String::new(),
        finding: Some(finding),
    };
    let sealed = cw
        .desk
        .master
        .seal_value(
            &review_key(document_id),
            &serde_json::to_vec(&record).map_err(corrupt)?,
        )
        .map_err(corrupt)?;
    let lang = Lang::from_code(&row.lang).unwrap_or_default();
    let message = requester_message(cw, actor, &row.id, lang.t("review.destroyed_message"), now)?;
    let remaining: Vec<ReviewedDocument> = docs
        .into_iter()
        .filter(|d| d.row.id != document_id)
        .collect();
    let today = crate::domain::deadline::jst_date(now);
    let met = evaluate_documents(&cw.desk.profile, &row, &remaining, today)?.is_satisfied();
    let mut facts = parse_facts(&row).map_err(corrupt)?;
    facts.identity_requirements_met = met;
    row.facts = facts_json(&facts).map_err(corrupt)?;
    row.updated_at = now.naive_utc();
    let audit_row = actor
        .audit(
            now,
            &format!("document.destroyed.{}", finding.as_str()),
            &row.id,
        )
        .target(document_id);
    let (reviewer, doc_id) = (actor.label(), document_id.to_string());
    let saved = cw
        .db
        .write(move |conn| {
            documents::destroy(conn, &doc_id, &reviewer, now.naive_utc(), &sealed)?;
            messages::insert(conn, &message)?;
            save_with_audit(conn, &row, "document_destroyed", &audit_row)
        })
        .await?;
    // The key is gone, so the ciphertext is already unreadable; deleting the file is tidiness.
    if let Err(e) = cw.blobs.delete(document_id) {
        tracing::warn!(case_id = %saved.id, document_id, error = %e, "destroyed document's file not deleted");
    }
    Ok(saved)
}
