//! The letters settings for administrators: the document-number format, 和暦 or 西暦, 公印省略,
//! and what the 教示 names (public bodies) or where complaints go (private operators). The
//! statutory periods are shown, not edited.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::roles::Admin;
use crate::domain::letters::dates::DateStyle;
use crate::domain::letters::settings::LetterAdjustments;
use crate::service::caches::Saved;
use crate::service::operator_settings::SettingsError;
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::form::{FieldErrors, TypedValues, typed_values};
use crate::web::page::{PageContext, render};

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct LettersForm {
    pub revision: String,
    pub number_format: String,
    pub date_style: String,
    pub seal_omitted: String,
    pub review_authority_ja: String,
    pub review_authority_en: String,
    pub lawsuit_defendant_ja: String,
    pub lawsuit_defendant_en: String,
    pub complaint_contact_ja: String,
    pub complaint_contact_en: String,
}

#[derive(Template)]
#[template(path = "staff/admin_letters.html")]
struct LettersPage {
    page: PageContext,
    saved: Saved,
    typed: TypedValues,
    public_body: bool,
    confirmed: bool,
    review_months: u32,
    lawsuit_months: u32,
    errors: FieldErrors,
    outcome: Option<&'static str>,
}

impl LettersPage {
    pub fn value<'a>(&'a self, field: &str) -> &'a str {
        self.typed.get(field).map_or("", String::as_str)
    }
}

fn fields_of(values: &LetterAdjustments) -> TypedValues {
    TypedValues::from([
        ("number_format".into(), values.number_format.as_str().into()),
        (
            "date_style".into(),
            match values.date_style {
                DateStyle::Japanese => "japanese",
                DateStyle::Gregorian => "gregorian",
            }
            .into(),
        ),
        (
            "seal_omitted".into(),
            if values.seal_omitted { "on" } else { "" }.into(),
        ),
        (
            "review_authority_ja".into(),
            values.review_authority_ja.clone(),
        ),
        (
            "review_authority_en".into(),
            values.review_authority_en.clone(),
        ),
        (
            "lawsuit_defendant_ja".into(),
            values.lawsuit_defendant_ja.clone(),
        ),
        (
            "lawsuit_defendant_en".into(),
            values.lawsuit_defendant_en.clone(),
        ),
        (
            "complaint_contact_ja".into(),
            values.complaint_contact_ja.clone(),
        ),
        (
            "complaint_contact_en".into(),
            values.complaint_contact_en.clone(),
        ),
    ])
}

async fn letters_page(
    state: &AppState,
    me: &Admin,
    page: PageContext,
    (errors, typed, outcome): (FieldErrors, Option<TypedValues>, Option<&'static str>),
) -> Result<HttpResponse, AppError> {
    let profile = state.fresh_profile().await?;
    let saved = state.profiles.saved(&state.db).await?;
    let settings = &profile.letters;
    let typed = typed.unwrap_or_else(|| fields_of(&LetterAdjustments::current(settings)));
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        status,
        &LettersPage {
            saved,
            typed,
            public_body: profile.regime.rules().appeal_instruction,
            confirmed: LetterAdjustments::saved(settings).is_some(),
            review_months: settings.review_months.value,
            lawsuit_months: settings.lawsuit_months.value,
            errors,
            outcome,
            page: page.with_staff(&me.staff.display_name),
        },
    )
}

/// GET /staff/admin/letters
pub async fn show(
    state: web::Data<AppState>,
    me: Admin,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    letters_page(&state, &me, page, (FieldErrors::default(), None, None)).await
}

/// POST /staff/admin/letters: every problem is shown next to its field with what was typed;
/// nothing is saved unless all of it is.
pub async fn save(
    state: web::Data<AppState>,
    me: Admin,
    page: PageContext,
    CsrfForm(posted): CsrfForm<LettersForm>,
) -> Result<HttpResponse, AppError> {
    let (form, fresh) = posted.split();
    let typed = typed_values(&form);
    let mut errors = FieldErrors::default();
    if !fresh {
        errors.add_general("field.csrf_expired");
        return letters_page(&state, &me, page, (errors, Some(typed), None)).await;
    }
    let field = |name: &str| typed.get(name).cloned().unwrap_or_default();
    let letters = match LetterAdjustments::parse(&field) {
        Ok(letters) => letters,
        Err(problems) => {
            for (name, code) in problems {
                errors.add(name, code);
            }
            return letters_page(&state, &me, page, (errors, Some(typed), None)).await;
        }
    };
    let revision = form.revision.parse().unwrap_or(-1);
    let actor = (me.staff.id.as_str(), me.staff.role.as_str());
    match state
        .profiles
        .adjust_letters(&state.db, revision, letters, actor, state.now())
        .await
    {
        Ok(()) => {
            letters_page(
                &state,
                &me,
                page,
                (errors, None, Some("admin.letters.saved")),
            )
            .await
        }
        Err(SettingsError::Stale) => {
            errors.add_general("admin.profile.stale");
            letters_page(&state, &me, page, (errors, Some(typed), None)).await
        }
        Err(SettingsError::Db(e)) => Err(e.into()),
        Err(other) => Err(AppError::internal(other)),
    }
}
