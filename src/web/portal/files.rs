//! After the decision: the notice on the requester's page, and the disclosed files they download
//! through their private link until the date shown (each download recorded).

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use chrono::{NaiveDateTime, Utc};

use crate::db::audit::{self, AuditEvent};
use crate::db::decisions::DecisionRow;
use crate::db::documents::{self, DocumentRow};
use crate::domain::grounds::WithholdingGround;
use crate::domain::lifecycle::CaseFacts;
use crate::i18n::{Lang, jst_minutes};
use crate::service::casework::decisions::{ground_labels, remedy, title};
use crate::service::intake::submit::append_event;
use crate::storage::crypto::MasterKey;
use crate::web::AppState;
use crate::web::error::AppError;

/// An issued decision notice as the requester reads it.
pub struct IssuedNotice {
    pub title: &'static str,
    pub issued_on: String,
    pub outcome: &'static str,
    pub text: String,
    pub grounds: Vec<&'static str>,
    pub remedy: &'static str,
}

pub fn issued_notices(
    master: &MasterKey,
    facts: &CaseFacts,
    lang: Lang,
    rows: &[DecisionRow],
) -> Vec<IssuedNotice> {
    rows.iter()
        .filter(|d| d.status == "approved")
        .filter_map(|d| {
            let outcome = d.outcome.parse().ok()?;
            let text = master
                .open_value(&format!("decision:{}", d.id), &d.sealed_text)
                .ok()?;
            Some(IssuedNotice {
                title: title(facts.kind, outcome, facts.regime, lang),
                issued_on: d
                    .issued_on
                    .map(|x| x.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                outcome: lang.pick(outcome.label_ja(facts.regime), outcome.label_en()),
                text: String::from_utf8_lossy(&text).into_owned(),
                grounds: ground_labels(&WithholdingGround::split(&d.grounds).ok()?, lang),
                remedy: remedy(facts.regime, lang),
            })
        })
        .collect()
}

pub struct DownloadEntry {
    pub id: String,
    pub number: usize,
    pub size_kb: i64,
    pub until: String,
}

fn downloadable(doc: &DocumentRow, now: NaiveDateTime) -> bool {
    doc.purpose == "disclosure"
        && doc.wrapped_key.is_some()
        && doc.available_until.is_some_and(|until| now < until)
}

pub fn downloads(docs: &[DocumentRow], now: NaiveDateTime) -> Vec<DownloadEntry> {
    docs.iter()
        .filter(|d| downloadable(d, now))
        .enumerate()
        .map(|(i, d)| DownloadEntry {
            id: d.id.clone(),
            number: i + 1,
            size_kb: (d.size_bytes + 1023) / 1024,
            until: d.available_until.map(jst_minutes).unwrap_or_default(),
        })
        .collect()
}

/// GET /case/{token}/files/{id}
pub async fn download(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (access_token, document_id) = path.into_inner();
    let row = super::case_by_token(&state, &access_token).await?;
    let now = Utc::now();
    let (case_id, doc_id) = (row.id.clone(), document_id.clone());
    let doc = state
        .db
        .lookup(move |conn| documents::find(conn, &case_id, &doc_id))
        .await?
        .filter(|d| downloadable(d, now.naive_utc()))
        .ok_or(AppError::NotFound)?;
    let plaintext = crate::service::documents::open_stored(&state.master, &state.blobs, &doc)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    let audit_row = AuditEvent::new(
        now.naive_utc(),
        format!("requester:{}", row.id),
        "delivery.downloaded",
    )
    .case(&row.id)
    .target(&doc.id);
    let case_state = row.state.clone();
    let case_id = row.id.clone();
    state
        .db
        .write(move |conn| {
            audit::append(conn, &audit_row)?;
            append_event(
                conn,
                &case_id,
                now,
                "requester",
                "file_downloaded",
                Some(&case_state),
                &case_state,
            )
        })
        .await?;
    let extension = match doc.mime.as_str() {
        "application/pdf" => "pdf",
        "image/png" => "png",
        _ => "jpg",
    };
    let number = row.receipt_number.unwrap_or_default();
    Ok(HttpResponse::Ok()
        .content_type(doc.mime.as_str())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"disclosure-{number}.{extension}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(plaintext.to_vec()))
}
