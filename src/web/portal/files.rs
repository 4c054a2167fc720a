//! After the decision: the notice on the requester's page, and the disclosed files they download
//! through their private link until the date shown (each download recorded).

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use chrono::NaiveDateTime;

use crate::domain::document::DecisionStatus;
use crate::domain::grounds::WithholdingGround;
use crate::domain::lifecycle::CaseFacts;
use crate::i18n::{Lang, jst_minutes};
use crate::service::casework::decisions::{ground_labels, remedy, title};
use crate::service::portal::{self, DecisionRow, DocumentRow, downloadable};
use crate::storage::crypto::MasterKey;
use crate::web::AppState;
use crate::web::error::AppError;

/// An issued decision notice as the requester reads it.
pub struct IssuedNotice {
    pub title: String,
    pub issued_on: String,
    pub outcome: &'static str,
    pub text: String,
    pub grounds: Vec<&'static str>,
    pub remedy: String,
}

pub fn issued_notices(
    master: &MasterKey,
    (facts, settings): (
        &CaseFacts,
        &crate::domain::letters::settings::LetterSettings,
    ),
    lang: Lang,
    rows: &[DecisionRow],
) -> Vec<IssuedNotice> {
    rows.iter()
        .filter(|d| d.status == DecisionStatus::Approved)
        .filter_map(|d| {
            let outcome = d.outcome;
            let text = master
                .open_value(&format!("decision:{}", d.id), &d.sealed_text)
                .ok()?;
            Some(IssuedNotice {
                title: title(facts.kind, outcome, facts.regime, lang),
                issued_on: d.issued_on.map(|x| x.to_string()).unwrap_or_default(),
                outcome: lang.pick(outcome.label_ja(facts.regime), outcome.label_en()),
                text: String::from_utf8_lossy(&text).into_owned(),
                grounds: ground_labels(&WithholdingGround::split(&d.grounds).ok()?, lang),
                remedy: remedy(
                    facts.regime,
                    settings,
                    lang,
                    crate::domain::letters::remedy::Audience::Requester,
                ),
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
    page: crate::web::page::PageContext,
) -> Result<HttpResponse, AppError> {
    let (access_token, document_id) = path.into_inner();
    let found = portal::download(
        &super::context(&state),
        &state.blobs,
        &access_token,
        &document_id,
        state.now(),
    )
    .await?;
    let Some(file) = found else {
        return super::link_gone::download_gone(page, &access_token);
    };
    let extension = match file.mime.as_str() {
        "application/pdf" => "pdf",
        "image/png" => "png",
        _ => "jpg",
    };
    let number = file.receipt_number;
    Ok(HttpResponse::Ok()
        .content_type(file.mime.as_str())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"disclosure-{number}.{extension}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(file.bytes.to_vec()))
}
