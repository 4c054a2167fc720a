//! The operator profile for administrators: the statutory rules of the ready profile in use (shown,
//! not editable), the operator's own values (editable), and, until the first request arrives, the
//! choice of another ready profile.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::roles::Admin;
use crate::domain::delivery::DeliveryMethod;
use crate::domain::kind::RequestKind;
use crate::domain::office_settings::{self, OfficeAdjustments};
use crate::domain::operator_settings::{
    self, AUTO_DISMISS, Adjustments, CORRECTION_REPLY, DUE_SOON, NumberRule, Submitted,
    UNCONFIRMED_EXPIRY,
};
use crate::domain::profile::{OperatorProfile, ProfileName};
use crate::i18n::Lang;
use crate::service::caches::Saved;
use crate::service::operator_settings::SettingsError;
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::form::{FieldErrors, TypedValues, typed_values};
use crate::web::page::{PageContext, render};

/// The adjustment form as posted. The boxes are named `kind_<RequestKind>` and
/// `delivery_<DeliveryMethod>` from the domain's lists, so they are kept by name in `ticked`.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AdjustForm {
    /// The settings revision the form was shown at.
    pub revision: String,
    pub operator_name_ja: String,
    pub operator_name_en: String,
    pub office_hours_ja: String,
    pub office_hours_en: String,
    pub due_soon_office_days: String,
    pub correction_reply_days: String,
    pub unconfirmed_expiry_hours: String,
    pub auto_dismiss_office_days: String,
    pub phone: Option<String>,
    pub freephone: Option<String>,
    pub email: Option<String>,
    pub web_form: Option<String>,
    pub postal_postcode: Option<String>,
    pub postal_ja: Option<String>,
    pub postal_en: Option<String>,
    pub originals_postcode: Option<String>,
    pub originals_ja: Option<String>,
    pub originals_en: Option<String>,
    #[serde(flatten)]
    pub ticked: BTreeMap<String, String>,
}

impl AdjustForm {
    /// The adjustments for `profile`; every problem is reported with its field. An office field
    /// the form did not carry (a form shown before it existed) keeps the profile's value.
    fn parse(
        &self,
        profile: &OperatorProfile,
    ) -> Result<Adjustments, Vec<(&'static str, operator_settings::Problem)>> {
        let regime = profile.regime;
        let current = OfficeAdjustments::of(&profile.office);
        let ticked = |prefix: &str| -> Vec<String> {
            self.ticked
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .filter_map(|(k, _)| k.strip_prefix(prefix).map(str::to_string))
                .collect()
        };
        let (kinds, delivery_methods) = (ticked("kind_"), ticked("delivery_"));
        let confirmed = ticked("confirm_");
        let field = |name: &str| -> &str {
            match name {
                "operator_name_ja" => &self.operator_name_ja,
                "operator_name_en" => &self.operator_name_en,
                "office_hours_ja" => &self.office_hours_ja,
                "office_hours_en" => &self.office_hours_en,
                "due_soon_office_days" => &self.due_soon_office_days,
                "correction_reply_days" => &self.correction_reply_days,
                "unconfirmed_expiry_hours" => &self.unconfirmed_expiry_hours,
                "auto_dismiss_office_days" => &self.auto_dismiss_office_days,
                "phone" => self.phone.as_deref().unwrap_or(current.get("phone")),
                "freephone" => self
                    .freephone
                    .as_deref()
                    .unwrap_or(current.get("freephone")),
                "email" => self.email.as_deref().unwrap_or(current.get("email")),
                "web_form" => self.web_form.as_deref().unwrap_or(current.get("web_form")),
                "postal_postcode" => self
                    .postal_postcode
                    .as_deref()
                    .unwrap_or(current.get("postal_postcode")),
                "postal_ja" => self
                    .postal_ja
                    .as_deref()
                    .unwrap_or(current.get("postal_ja")),
                "postal_en" => self
                    .postal_en
                    .as_deref()
                    .unwrap_or(current.get("postal_en")),
                "originals_postcode" => self
                    .originals_postcode
                    .as_deref()
                    .unwrap_or(current.get("originals_postcode")),
                "originals_ja" => self
                    .originals_ja
                    .as_deref()
                    .unwrap_or(current.get("originals_ja")),
                "originals_en" => self
                    .originals_en
                    .as_deref()
                    .unwrap_or(current.get("originals_en")),
                _ => "",
            }
        };
        operator_settings::parse(
            &Submitted {
                field: &field,
                kinds: &kinds,
                delivery_methods: &delivery_methods,
                confirmed: &confirmed,
            },
            regime,
        )
    }
}

/// The form exchanging the ready profile.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ChooseForm {
    pub revision: String,
    pub ready_profile: String,
}

/// The revision a form was shown at (-1, never current, when it is unreadable).
fn revision_of(raw: &str) -> i64 {
    raw.parse().unwrap_or(-1)
}

/// A tick box: its form name, label and whether it is ticked.
pub struct Choice {
    pub name: String,
    pub label: &'static str,
    pub checked: bool,
}

/// A whole-number field with its hint (the allowed range).
pub struct NumberField {
    pub name: &'static str,
    pub label: &'static str,
    pub hint: String,
    pub value: String,
}

/// One office value for administrators: where it comes from, and a box to confirm it while it is
/// a placeholder.
pub struct OfficeRow {
    pub field: &'static str,
    pub label: String,
    pub value: String,
    pub source: String,
    pub confirmed: bool,
    pub ticked: bool,
}

/// A ready profile that may be chosen instead.
pub struct ReadyProfile {
    pub name: &'static str,
    pub label: String,
    pub regime: &'static str,
    pub period: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "staff/admin_profile.html")]
struct ProfilePage {
    page: PageContext,
    profile_label: String,
    ready_name: &'static str,
    regime: &'static str,
    period: String,
    max_extension_days: u32,
    saved: Saved,
    typed: TypedValues,
    kinds: Vec<Choice>,
    deliveries: Vec<Choice>,
    numbers: Vec<NumberField>,
    office_rows: Vec<OfficeRow>,
    office_fields: Vec<(&'static str, &'static str)>,
    may_exchange: bool,
    ready: Vec<ReadyProfile>,
    errors: FieldErrors,
    outcome: Option<&'static str>,
}

impl ProfilePage {
    pub fn value<'a>(&'a self, field: &str) -> &'a str {
        self.typed.get(field).map_or("", String::as_str)
    }
}

fn regime_label(lang: Lang, profile: &OperatorProfile) -> &'static str {
    lang.pick(profile.regime.label_ja(), profile.regime.label_en())
}

/// The form's fields as the profile has them now.
fn fields_of(profile: &OperatorProfile) -> TypedValues {
    let values = Adjustments::of(profile);
    let mut fields = TypedValues::from([
        ("operator_name_ja".into(), values.operator_name_ja),
        ("operator_name_en".into(), values.operator_name_en),
        ("office_hours_ja".into(), values.office_hours_ja),
        ("office_hours_en".into(), values.office_hours_en),
        (
            DUE_SOON.field.into(),
            values.due_soon_office_days.to_string(),
        ),
        (
            CORRECTION_REPLY.field.into(),
            values.correction_reply_days.to_string(),
        ),
        (
            UNCONFIRMED_EXPIRY.field.into(),
            values.unconfirmed_expiry_hours.to_string(),
        ),
        (
            AUTO_DISMISS.field.into(),
            values.auto_dismiss_office_days.to_string(),
        ),
    ]);
    if let Some(office) = &values.office {
        for name in office_settings::TEXT_FIELDS {
            fields.insert(name.into(), office.get(name).to_string());
        }
    }
    for kind in &values.kinds_offered {
        fields.insert(format!("kind_{kind}"), "on".into());
    }
    for method in &values.delivery_methods {
        fields.insert(format!("delivery_{method}"), "on".into());
    }
    fields
}

async fn profile_page(
    state: &AppState,
    me: &Admin,
    page: PageContext,
    (errors, typed, outcome): (FieldErrors, Option<TypedValues>, Option<&'static str>),
) -> Result<HttpResponse, AppError> {
    let profile = state.fresh_profile().await?;
    let saved = state.profiles.saved(&state.db).await?;
    let may_exchange = state.profiles.may_exchange(&state.db).await?;
    let lang = page.lang;
    let typed = typed.unwrap_or_else(|| fields_of(&profile));
    let ticked = |name: &str| typed.get(name).is_some_and(|v| !v.is_empty());
    let kinds = RequestKind::ALL
        .iter()
        .filter(|k| k.exists_under(profile.regime))
        .map(|k| Choice {
            name: format!("kind_{k}"),
            label: lang.pick(k.label_ja(), k.label_en()),
            checked: ticked(&format!("kind_{k}")),
        })
        .collect();
    let deliveries = DeliveryMethod::ALL
        .iter()
        .map(|m| Choice {
            name: format!("delivery_{m}"),
            label: lang.pick(m.label_ja(), m.label_en()),
            checked: ticked(&format!("delivery_{m}")),
        })
        .collect();
    let number = |rule: &NumberRule| NumberField {
        name: rule.field,
        label: page.t(&format!("admin.profile.{}", rule.field)),
        hint: format!(
            "{} {}–{}{}",
            page.t("admin.profile.range"),
            rule.min,
            rule.max,
            if rule.field == AUTO_DISMISS.field {
                page.t("admin.profile.auto_dismiss_hint")
            } else {
                ""
            }
        ),
        value: typed.get(rule.field).cloned().unwrap_or_default(),
    };
    let numbers = vec![
        number(&DUE_SOON),
        number(&CORRECTION_REPLY),
        number(&UNCONFIRMED_EXPIRY),
        number(&AUTO_DISMISS),
    ];
    let office_rows = profile
        .office
        .lines()
        .into_iter()
        .map(|l| OfficeRow {
            field: l.field,
            label: lang.pick(&l.label.ja, &l.label.en).to_string(),
            value: lang.pick(&l.value.ja, &l.value.en).to_string(),
            source: lang.pick(&l.source.ja, &l.source.en).to_string(),
            confirmed: l.confirmed,
            ticked: ticked(&format!("confirm_{}", l.field)),
        })
        .collect();
    let office_fields = office_settings::TEXT_FIELDS
        .iter()
        .map(|name| (*name, page.t(&format!("admin.profile.office.{name}"))))
        .collect();
    let ready = ProfileName::ALL
        .iter()
        .map(|name| {
            let p = name.profile();
            ReadyProfile {
                name: name.as_str(),
                label: lang.pick(&p.label.ja, &p.label.en).to_string(),
                regime: regime_label(lang, &p),
                period: crate::web::portal::case::period_text(lang, &p),
                current: *name == profile.name,
            }
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        status,
        &ProfilePage {
            profile_label: lang.pick(&profile.label.ja, &profile.label.en).to_string(),
            ready_name: profile.name.as_str(),
            regime: regime_label(lang, &profile),
            period: crate::web::portal::case::period_text(lang, &profile),
            max_extension_days: profile.max_extension_days,
            saved,
            typed,
            kinds,
            deliveries,
            numbers,
            office_rows,
            office_fields,
            may_exchange,
            ready,
            errors,
            outcome,
            page: page.with_staff(&me.staff.display_name),
        },
    )
}

pub async fn show(
    state: web::Data<AppState>,
    me: Admin,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    profile_page(&state, &me, page, (FieldErrors::default(), None, None)).await
}

/// Saves the operator's own values; every problem is shown next to its field with what was typed.
pub async fn adjust(
    state: web::Data<AppState>,
    me: Admin,
    page: PageContext,
    CsrfForm(posted): CsrfForm<AdjustForm>,
) -> Result<HttpResponse, AppError> {
    let (form, fresh) = posted.split();
    let typed = typed_values(&form);
    let mut errors = FieldErrors::default();
    if !fresh {
        errors.add_general("field.csrf_expired");
        return profile_page(&state, &me, page, (errors, Some(typed), None)).await;
    }
    let profile = state.fresh_profile().await?;
    let adjustments = match form.parse(&profile) {
        Ok(adjustments) => adjustments,
        Err(problems) => {
            for (name, problem) in problems {
                errors.add(name, problem.code());
            }
            return profile_page(&state, &me, page, (errors, Some(typed), None)).await;
        }
    };
    let actor = (me.staff.id.as_str(), me.staff.role.as_str());
    let outcome = state
        .profiles
        .adjust(
            &state.db,
            revision_of(&form.revision),
            adjustments,
            actor,
            state.now(),
        )
        .await;
    settle(&state, &me, page, typed, outcome, "admin.profile.adjusted").await
}

/// Exchanges the ready profile (only before the first request).
pub async fn choose(
    state: web::Data<AppState>,
    me: Admin,
    page: PageContext,
    CsrfForm(posted): CsrfForm<ChooseForm>,
) -> Result<HttpResponse, AppError> {
    let (form, fresh) = posted.split();
    let mut errors = FieldErrors::default();
    if !fresh {
        errors.add_general("field.csrf_expired");
        return profile_page(&state, &me, page, (errors, None, None)).await;
    }
    let Ok(name) = form.ready_profile.parse::<ProfileName>() else {
        errors.add("ready_profile", "required");
        return profile_page(&state, &me, page, (errors, None, None)).await;
    };
    let actor = (me.staff.id.as_str(), me.staff.role.as_str());
    let outcome = state
        .profiles
        .choose(
            &state.db,
            revision_of(&form.revision),
            name,
            actor,
            state.now(),
        )
        .await;
    if outcome.is_ok() {
        tracing::info!(profile = %name, "operator profile chosen");
    }
    settle(
        &state,
        &me,
        page,
        TypedValues::new(),
        outcome,
        "admin.profile.chosen",
    )
    .await
}

async fn settle(
    state: &AppState,
    me: &Admin,
    page: PageContext,
    typed: TypedValues,
    outcome: Result<(), SettingsError>,
    done: &'static str,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::default();
    match outcome {
        Ok(()) => return profile_page(state, me, page, (errors, None, Some(done))).await,
        Err(SettingsError::Invalid(problems)) => {
            for (name, problem) in problems {
                errors.add(name, problem.code());
            }
        }
        Err(SettingsError::CasesExist) => errors.add("ready_profile", "cases_exist"),
        Err(SettingsError::Stale) => errors.add_general("admin.profile.stale"),
        Err(SettingsError::Db(e)) => return Err(e.into()),
    }
    let typed = (!typed.is_empty()).then_some(typed);
    profile_page(state, me, page, (errors, typed, None)).await
}
