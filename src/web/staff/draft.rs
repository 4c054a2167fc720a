//! Drafting a decision: pick the outcome, start from its template, tick the grounds for anything
//! withheld, preview the letter, submit it for approval. A refused submit re-shows this page with
//! everything typed.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::actions::{Failure, refused};
use super::case::{NoticeLetter, casework};
use super::roles::CaseWorker;
use crate::domain::grounds::WithholdingGround;
use crate::domain::letters::holes::{Hole, holes};
use crate::domain::outcome::Outcome;
use crate::i18n::Lang;
use crate::service::casework::decisions::{self, Draft, ground_labels, remedy};
use crate::service::casework::{CaseworkError, file};
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::form::{FieldErrors, typed_values};
use crate::web::page::{PageContext, render, see_other};

/// The draft form (and the page's query) as posted: the grounds' boxes are named
/// `ground_<WithholdingGround>`, one per ground the regime allows, so they are collected by name.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct DraftForm {
    pub version: String,
    pub outcome: String,
    /// None when no text was sent (the page then starts from the outcome's template).
    pub text: Option<String>,
    #[serde(flatten)]
    pub ticked: BTreeMap<String, String>,
}

/// The draft as typed: outcome (checked against the case when shown or submitted), ticked
/// grounds, text if any was sent.
struct DraftInput {
    outcome: String,
    grounds: Vec<WithholdingGround>,
    text: Option<String>,
}

impl From<&DraftForm> for DraftInput {
    fn from(form: &DraftForm) -> DraftInput {
        let mut grounds: Vec<WithholdingGround> = form
            .ticked
            .keys()
            .filter_map(|k| k.strip_prefix("ground_"))
            .filter_map(|code| code.parse().ok())
            .collect();
        grounds.sort();
        DraftInput {
            outcome: form.outcome.clone(),
            grounds,
            text: form.text.clone(),
        }
    }
}

pub struct GroundChoice {
    pub code: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "staff/draft.html")]
struct DraftPage {
    page: PageContext,
    errors: FieldErrors,
    id: String,
    version: i64,
    receipt_number: String,
    outcomes: Vec<(&'static str, &'static str)>,
    outcome: String,
    /// Shown only for outcomes that withhold something.
    grounds: Vec<GroundChoice>,
    text: String,
    /// Template places still in the text, shown when a submission was refused for them.
    holes: Vec<Hole>,
    preview: Option<NoticeLetter>,
}

async fn draft_page(
    state: &AppState,
    me: &CaseWorker,
    page: PageContext,
    case_id: &str,
    input: DraftInput,
    (with_preview, errors, status): (bool, FieldErrors, StatusCode),
) -> Result<HttpResponse, AppError> {
    let file = file::load(&casework(state).await?, &me.actor, case_id, state.now()).await?;
    let regime = file.facts.regime;
    let lang = page.lang;
    let letter_lang = Lang::from_code(&file.row.lang).unwrap_or_default();
    let allowed = file.facts.outcomes();
    let outcome = input
        .outcome
        .parse::<Outcome>()
        .ok()
        .filter(|o| allowed.contains(o));
    let text = match (&input.text, outcome) {
        (Some(text), _) => text.clone(),
        (None, Some(o)) => {
            crate::service::notice_templates::starting_text(&state.db, o, regime, letter_lang)
                .await?
        }
        (None, None) => String::new(),
    };
    let page = page.with_staff(&me.staff.display_name);
    let preview = match outcome {
        Some(o) if with_preview => Some(NoticeLetter {
            page: page.clone(),
            back: String::new(),
            addressee: String::new(),
            operator: letter_lang
                .pick(&state.profile().label.ja, &state.profile().label.en)
                .to_string(),
            receipt_number: file.row.receipt_number.clone().unwrap_or_default(),
            // The day it would carry if approved today, written as the letter will write it.
            issued_on: crate::domain::letters::letter_date(
                crate::domain::deadline::jst_date(state.now()),
                state.profile().letters.date_style.value,
                letter_lang == Lang::En,
            ),
            // Under Art. 84, the title of the part's or the remainder's letter.
            title: decisions::letter_title(
                crate::domain::letters::LetterKind::decision(o, file.facts.next_decision_scope()),
                file.facts.kind,
                regime,
                letter_lang,
            ),
            outcome: letter_lang.pick(o.label_ja(regime), o.label_en()),
            text: text.clone(),
            grounds: ground_labels(&input.grounds, letter_lang),
            remedy: remedy(
                regime,
                &state.profile().letters,
                letter_lang,
                crate::domain::letters::remedy::Audience::StaffPreview,
            ),
            draft: true,
        }),
        _ => None,
    };
    let grounds = match outcome {
        Some(o) if WithholdingGround::required_for(o) => WithholdingGround::allowed(regime)
            .iter()
            .map(|g| GroundChoice {
                code: g.as_str(),
                label: lang.pick(g.label_ja(), g.label_en()),
                checked: input.grounds.contains(g),
            })
            .collect(),
        _ => Vec::new(),
    };
    let hole_list = if errors.get(&lang, "decision_text").is_some() {
        holes(&text)
    } else {
        Vec::new()
    };
    render(
        status,
        &DraftPage {
            errors,
            id: file.row.id.clone(),
            version: file.row.version,
            receipt_number: file.row.receipt_number.clone().unwrap_or_default(),
            outcomes: allowed
                .iter()
                .map(|o| (o.as_str(), lang.pick(o.label_ja(regime), o.label_en())))
                .collect(),
            outcome: outcome.map(|o| o.as_str().to_string()).unwrap_or_default(),
            grounds,
            holes: hole_list,
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
    query: web::Query<DraftForm>,
) -> Result<HttpResponse, AppError> {
    let input = DraftInput::from(&*query);
    let shown = (false, FieldErrors::default(), StatusCode::OK);
    draft_page(&state, &me, page, &case_id, input, shown).await
}

/// POST /staff/cases/{id}/draft/preview: the letter as it will look, with the text kept.
pub async fn preview(
    state: web::Data<AppState>,
    me: CaseWorker,
    page: PageContext,
    case_id: web::Path<String>,
    CsrfForm(posted): CsrfForm<DraftForm>,
) -> Result<HttpResponse, AppError> {
    // A preview changes nothing, so a stale form is previewed too.
    let input = DraftInput::from(posted.form());
    let shown = (true, FieldErrors::default(), StatusCode::OK);
    draft_page(&state, &me, page, &case_id, input, shown).await
}

/// POST /staff/cases/{id}/draft: submits the draft for approval; a refusal that the drafter can
/// fix here (text, grounds, a stale form) re-shows this page with what was typed.
pub async fn submit(
    state: web::Data<AppState>,
    me: CaseWorker,
    page: PageContext,
    case_id: web::Path<String>,
    CsrfForm(posted): CsrfForm<DraftForm>,
) -> Result<HttpResponse, AppError> {
    let (form, fresh) = posted.split();
    let input = DraftInput::from(&form);
    let mut errors = FieldErrors::default();
    let result: Result<_, Failure> = if !fresh {
        Err(Failure::StaleForm)
    } else {
        match input.outcome.parse::<Outcome>() {
            Err(_) => Err(CaseworkError::Invalid(vec![("outcome", "choose")]).into()),
            Ok(outcome) => {
                let version = form.version.trim().parse().unwrap_or(-1);
                let cw = casework(&state).await?;
                let draft = Draft {
                    outcome,
                    grounds: &input.grounds,
                    text: input.text.as_deref().unwrap_or(""),
                };
                decisions::submit(&cw, &me.actor, (&case_id, version), draft, state.now())
                    .await
                    .map_err(Failure::from)
            }
        }
    };
    let status = match result {
        Ok(_) => return Ok(see_other(&format!("/staff/cases/{case_id}"))),
        Err(Failure::Casework(CaseworkError::Invalid(problems))) => {
            for (name, code) in problems {
                errors.add(name, code);
            }
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(Failure::StaleForm) => {
            errors.add_general("field.csrf_expired");
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(Failure::Casework(CaseworkError::Conflict)) => {
            errors.add_general("staff.case.conflict");
            StatusCode::CONFLICT
        }
        Err(other) => {
            return refused(&state, &me, page, &case_id, other, typed_values(&form)).await;
        }
    };
    draft_page(&state, &me, page, &case_id, input, (false, errors, status)).await
}
