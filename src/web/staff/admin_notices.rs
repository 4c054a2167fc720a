//! Decision-notice templates for administrators: for each outcome the operator can decide, the
//! text a draft starts from in Japanese and English, previewed as the letter the requester gets.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::case::NoticeLetter;
use super::roles::Admin;
use crate::domain::deadline::jst_date;
use crate::domain::outcome::Outcome;
use crate::domain::profile::OperatorProfile;
use crate::i18n::Lang;
use crate::service::casework::decisions::{remedy, title};
use crate::service::notice_templates::{self, LANGS, TemplateError, Written};
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::form::FieldErrors;
use crate::web::page::{PageContext, render};

/// The template form as posted: both texts, and which button (`save`, `reset`, or preview).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NoticeTextForm {
    pub body_ja: String,
    pub body_en: String,
    pub action: String,
}

/// One outcome in the list: its label and, per language, when an administrator last wrote it.
pub struct OutcomeRow {
    pub code: &'static str,
    pub label: &'static str,
    pub ja: Option<String>,
    pub en: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/admin_notices.html")]
struct ListPage {
    page: PageContext,
    rows: Vec<OutcomeRow>,
}

#[derive(Template)]
#[template(path = "staff/admin_notice.html")]
struct EditPage {
    page: PageContext,
    code: &'static str,
    label: &'static str,
    body_ja: String,
    body_en: String,
    previews: Vec<NoticeLetter>,
    errors: FieldErrors,
    outcome: Option<&'static str>,
}

/// The outcomes some offered kind can be decided with, in the order outcomes are declared.
fn decidable(profile: &OperatorProfile) -> Vec<Outcome> {
    Outcome::ALL
        .iter()
        .copied()
        .filter(|o| {
            profile
                .kinds_offered
                .iter()
                .any(|k| Outcome::allowed(*k, profile.regime).contains(o))
        })
        .collect()
}

fn when(written: &[Written], outcome: Outcome, lang: Lang) -> Option<String> {
    written
        .iter()
        .find(|w| w.outcome == outcome.as_str() && w.lang == lang.code())
        .map(|w| format!("{} UTC", w.changed_at.format("%Y-%m-%d %H:%M")))
}

pub async fn list(
    state: web::Data<AppState>,
    me: Admin,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    let profile = state.profile();
    let written = notice_templates::written(&state.db).await?;
    let lang = page.lang;
    let rows = decidable(&profile)
        .into_iter()
        .map(|o| OutcomeRow {
            code: o.as_str(),
            label: lang.pick(o.label_ja(profile.regime), o.label_en()),
            ja: when(&written, o, Lang::Ja),
            en: when(&written, o, Lang::En),
        })
        .collect();
    render(
        StatusCode::OK,
        &ListPage {
            rows,
            page: page.with_staff(&me.staff.display_name),
        },
    )
}

/// The outcome named in the path, if the operator can decide it.
fn outcome_of(profile: &OperatorProfile, code: &str) -> Result<Outcome, AppError> {
    code.parse::<Outcome>()
        .ok()
        .filter(|o| decidable(profile).contains(o))
        .ok_or(AppError::NotFound)
}

/// The letter a requester would get with `text`, for a kind that can have `outcome`.
fn sample_letter(
    page: &PageContext,
    profile: &OperatorProfile,
    (outcome, lang): (Outcome, Lang),
    text: &str,
    today: chrono::NaiveDate,
) -> Option<NoticeLetter> {
    let regime = profile.regime;
    let kind = profile
        .kinds_offered
        .iter()
        .copied()
        .find(|k| Outcome::allowed(*k, regime).contains(&outcome))?;
    Some(NoticeLetter {
        page: page.clone(),
        back: String::new(),
        addressee: String::new(),
        operator: lang.pick(&profile.label.ja, &profile.label.en).to_string(),
        receipt_number: format!("{}-000123", today.format("%Y")),
        issued_on: today.to_string(),
        title: title(kind, outcome, regime, lang),
        outcome: lang.pick(outcome.label_ja(regime), outcome.label_en()),
        text: text.to_string(),
        grounds: Vec::new(),
        remedy: remedy(
            regime,
            &profile.letters,
            lang,
            crate::domain::letters::remedy::Audience::StaffPreview,
        ),
        draft: true,
    })
}

async fn edit_page(
    state: &AppState,
    me: &Admin,
    page: PageContext,
    (outcome, typed): (Outcome, Option<[String; 2]>),
    (errors, preview, done): (FieldErrors, bool, Option<&'static str>),
) -> Result<HttpResponse, AppError> {
    let profile = state.profile();
    let [body_ja, body_en] = match typed {
        Some(typed) => typed,
        None => {
            let mut texts = Vec::new();
            for lang in LANGS {
                texts.push(
                    notice_templates::starting_text(&state.db, outcome, profile.regime, lang)
                        .await?,
                );
            }
            let en = texts.pop().unwrap_or_default();
            [texts.pop().unwrap_or_default(), en]
        }
    };
    let page = page.with_staff(&me.staff.display_name);
    let today = jst_date(state.now());
    let previews = if preview {
        [(Lang::Ja, &body_ja), (Lang::En, &body_en)]
            .into_iter()
            .filter_map(|(lang, text)| sample_letter(&page, &profile, (outcome, lang), text, today))
            .collect()
    } else {
        Vec::new()
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        status,
        &EditPage {
            code: outcome.as_str(),
            label: page
                .lang
                .pick(outcome.label_ja(profile.regime), outcome.label_en()),
            body_ja,
            body_en,
            previews,
            errors,
            outcome: done,
            page,
        },
    )
}

pub async fn edit(
    state: web::Data<AppState>,
    me: Admin,
    page: PageContext,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let outcome = outcome_of(&state.profile(), &code)?;
    let shown = (FieldErrors::default(), true, None);
    edit_page(&state, &me, page, (outcome, None), shown).await
}

/// Preview (nothing saved), save, or return to the built-in texts.
pub async fn submit(
    state: web::Data<AppState>,
    me: Admin,
    page: PageContext,
    code: web::Path<String>,
    CsrfForm(posted): CsrfForm<NoticeTextForm>,
) -> Result<HttpResponse, AppError> {
    let profile = state.fresh_profile().await?;
    let outcome = outcome_of(&profile, &code)?;
    let (form, fresh) = posted.split();
    let action = form.action;
    let typed = [form.body_ja, form.body_en];
    let mut errors = FieldErrors::default();
    if !fresh {
        errors.add_general("field.csrf_expired");
        let shown = (errors, false, None);
        return edit_page(&state, &me, page, (outcome, Some(typed)), shown).await;
    }
    let actor = (me.staff.id.as_str(), me.staff.role.as_str());
    match action.as_str() {
        "save" => {
            let saved = notice_templates::save(
                &state.db,
                (outcome, profile.regime),
                [(Lang::Ja, &typed[0]), (Lang::En, &typed[1])],
                actor,
                state.now(),
            )
            .await;
            match saved {
                Ok(_) => {
                    let shown = (errors, true, Some("admin.notices.saved"));
                    edit_page(&state, &me, page, (outcome, None), shown).await
                }
                Err(TemplateError::Invalid(problems)) => {
                    for (lang, problem) in problems {
                        errors.add(&format!("body_{}", lang.code()), problem.code());
                    }
                    let shown = (errors, false, None);
                    edit_page(&state, &me, page, (outcome, Some(typed)), shown).await
                }
                Err(TemplateError::Db(e)) => Err(e.into()),
            }
        }
        "reset" => {
            notice_templates::reset(&state.db, outcome, actor, state.now()).await?;
            let shown = (errors, true, Some("admin.notices.reset_done"));
            edit_page(&state, &me, page, (outcome, None), shown).await
        }
        _ => {
            let shown = (errors, true, None);
            edit_page(&state, &me, page, (outcome, Some(typed)), shown).await
        }
    }
}
