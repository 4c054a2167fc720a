//! Delivering a disclosure: the method, the disclosed files, the download period.

use chrono::{DateTime, Duration, Utc};

use super::actions::{fire, lang_of, notice_to};
use super::{Casework, CaseworkError, StaffActor, corrupt, for_action};
use crate::db::cases::CaseRow;
use crate::db::documents::{self, DocumentRow};
use crate::domain::delivery::DeliveryMethod;
use crate::domain::document::DocumentPurpose;
use crate::domain::event::Event;
use crate::domain::message::MessageDirection;
use crate::domain::state::CaseState;
use crate::service::lifecycle::{AlsoWrite, NewMessage};

/// Records the delivery method chosen by the requester (or on their behalf).
pub async fn choose_delivery(
    cw: &Casework<'_>,
    actor: &StaffActor,
    case: (&str, i64),
    method: DeliveryMethod,
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    let row = for_action(cw.db, actor, case.0, case.1, now).await?;
    let event = Event::ChooseDeliveryMethod { method };
    fire(
        cw,
        actor,
        row,
        event,
        "case.delivery_method",
        (None, None, None),
        now,
    )
    .await
}

/// Stores one disclosed file (encrypted like identity documents) for electronic delivery.
pub async fn add_disclosure_file(
    cw: &Casework<'_>,
    actor: &StaffActor,
    case: (&str, i64),
    plaintext: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<String, CaseworkError> {
    let row = for_action(cw.db, actor, case.0, case.1, now).await?;
    if row.state != CaseState::Decided {
        return Err(CaseworkError::Invalid(vec![("file", "not_decided")]));
    }
    let upload = crate::service::documents::Upload {
        audit: Some(actor.audit(now, "delivery.file_added", &row.id)),
        case_id: &row.id,
        case_state: row.state,
        uploaded_by: &actor.label(),
        attachment: crate::service::documents::Attachment::Disclosure,
        max_bytes: cw.max_upload_bytes,
        case_max_bytes: usize::MAX,
    };
    let id =
        crate::service::documents::store(cw.db, cw.desk.master, cw.blobs, upload, plaintext, now)
            .await
            .map_err(|e| match e {
                crate::service::documents::UploadError::Rejected(problem) => {
                    CaseworkError::Invalid(vec![("file", problem.code())])
                }
                crate::service::documents::UploadError::Db(db) => db.into(),
                other => corrupt(other),
            })?;
    Ok(id)
}

fn invalid_delivery_method() -> CaseworkError {
    CaseworkError::Invalid(vec![("delivery_method", "choose")])
}

/// Delivers: electronic files become downloadable for `download_days` and the requester is told;
/// by post or at the counter, the dispatch is recorded. The case is then closed.
pub async fn deliver(
    cw: &Casework<'_>,
    actor: &StaffActor,
    case: (&str, i64),
    dispatch_note: &str,
    now: DateTime<Utc>,
) -> Result<CaseRow, CaseworkError> {
    let mut row = for_action(cw.db, actor, case.0, case.1, now).await?;
    let mut facts = crate::service::case_record::parse_facts(&row).map_err(corrupt)?;
    if facts.delivery_method.is_none() {
        // The online form asked how the requester wants the documents; use that choice.
        let case_id = row.id.clone();
        let sealed = cw
            .db
            .read(move |conn| crate::db::cases::sealed_content(conn, &case_id))
            .await?;
        let content: crate::service::case_record::SealedContent =
            crate::service::case_record::open_json(
                cw.desk.master,
                &format!("content:{}", row.id),
                &sealed,
            )
            .map_err(corrupt)?;
        let method = content.delivery.ok_or_else(invalid_delivery_method)?;
        row = choose_delivery(cw, actor, (&row.id, row.version), method, now).await?;
        facts = crate::service::case_record::parse_facts(&row).map_err(corrupt)?;
    }
    let electronic = facts.delivery_method == Some(DeliveryMethod::ElectronicDownload);
    let case_id = row.id.clone();
    let files: Vec<DocumentRow> = cw
        .db
        .read(move |conn| documents::for_case(conn, &case_id))
        .await?
        .into_iter()
        .filter(|d| d.purpose == DocumentPurpose::Disclosure && d.destroyed_at.is_none())
        .collect();
    if electronic && files.is_empty() {
        return Err(CaseworkError::Invalid(vec![("file", "none")]));
    }
    let until = now + Duration::days(cw.download_days);
    let (headline, detail) = if electronic {
        (
            (
                "開示する文書を確認用ページからダウンロードできます。",
                "The disclosed documents can be downloaded from your request's page.",
            ),
            format!(
                "{}: {}",
                lang_of(&row).t("delivery.available_until"),
                crate::i18n::jst_minutes(until.naive_utc())
            ),
        )
    } else {
        (
            (
                "開示する文書を発送しました（または窓口でお渡しします）。",
                "The disclosed documents have been sent (or are ready at the counter).",
            ),
            dispatch_note.trim().to_string(),
        )
    };
    let notice = notice_to(cw, &row, "delivered", headline, &detail).await?;
    let ids: Vec<String> = files.iter().map(|f| f.id.clone()).collect();
    let extra: AlsoWrite = Box::new(move |conn, _| {
        for id in &ids {
            documents::make_available(conn, id, until.naive_utc())?;
        }
        Ok(())
    });
    let message = (!dispatch_note.trim().is_empty()).then(|| NewMessage {
        direction: MessageDirection::Internal,
        author: actor.label(),
        body: dispatch_note.trim().to_string(),
    });
    let parts = (Some(notice), message, Some(extra));
    fire(cw, actor, row, Event::Deliver, "case.delivered", parts, now).await
}
