//! Drafting a decision: pick the outcome, start from its template, preview the letter, submit it
//! for approval (the submit goes to the case's `draft` action).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Utc;

use super::case::{NoticeLetter, casework};
use super::roles::CaseWorker;
use crate::domain::outcome::Outcome;
use crate::i18n::Lang;
use crate::service::casework::decisions::{remedy, template, title};
use crate::service::casework::file;
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::page::{PageContext, render};

#[derive(serde::Deserialize)]
pub struct DraftInput {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    text: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/draft.html")]
struct DraftPage {
    page: PageContext,
    id: String,
    version: i64,
    receipt_number: String,
    outcomes: Vec<(&'static str, &'static str)>,
    outcome: String,
    text: String,
    preview: Option<NoticeLetter>,
}

async fn draft_page(
    state: &AppState,
    me: &CaseWorker,
    page: PageContext,
    case_id: &str,
    input: DraftInput,
    with_preview: bool,
) -> Result<HttpResponse, AppError> {
    let file = file::load(&casework(state).await?, &me.actor, case_id, Utc::now()).await?;
    let regime = file.facts.regime;
    let lang = page.lang;
    let letter_lang = Lang::from_code(&file.row.lang).unwrap_or_default();
    let allowed = Outcome::allowed(file.facts.kind, regime);
    let outcome = input
        .outcome
        .parse::<Outcome>()
        .ok()
        .filter(|o| allowed.contains(o));
    let text = match (&input.text, outcome) {
        (Some(text), _) => text.clone(),
        (None, Some(o)) => template(o, regime, letter_lang),
        (None, None) => String::new(),
    };
    let page = page.with_staff(&me.staff.display_name);
    let preview = match outcome {
        Some(o) if with_preview => Some(NoticeLetter {
            page: page.clone(),
            back: String::new(),
            addressee: String::new(),
            operator: letter_lang
                .pick(&state.profile.label.ja, &state.profile.label.en)
                .to_string(),
            receipt_number: file.row.receipt_number.clone().unwrap_or_default(),
            issued_on: String::new(),
            title: title(file.facts.kind, o, regime, letter_lang),
            outcome: letter_lang.pick(o.label_ja(regime), o.label_en()),
            text: text.clone(),
            remedy: remedy(regime, letter_lang),
            draft: true,
        }),
        _ => None,
    };
    render(
        StatusCode::OK,
        &DraftPage {
            id: file.row.id.clone(),
            version: file.row.version,
            receipt_number: file.row.receipt_number.clone().unwrap_or_default(),
            outcomes: allowed
                .iter()
                .map(|o| (o.as_str(), lang.pick(o.label_ja(regime), o.label_en())))
                .collect(),
            outcome: outcome.map(|o| o.as_str().to_string()).unwrap_or_default(),
            text,
            preview,
            page,
        },
    )
}

/// GET /staff/cases/{id}/draft?outcome=…
pub async fn show(
    state: web::Data<AppState>,
    me: CaseWorker,
    page: PageContext,
    case_id: web::Path<String>,
    query: web::Query<DraftInput>,
) -> Result<HttpResponse, AppError> {
    draft_page(&state, &me, page, &case_id, query.into_inner(), false).await
}

/// POST /staff/cases/{id}/draft/preview: the letter as it will look, with the text kept.
pub async fn preview(
    state: web::Data<AppState>,
    me: CaseWorker,
    page: PageContext,
    case_id: web::Path<String>,
    form: web::Form<DraftInput>,
) -> Result<HttpResponse, AppError> {
    draft_page(&state, &me, page, &case_id, form.into_inner(), true).await
}
