//! The request form, one step per page. Each POST saves what was typed before checking it, so a
//! page shown again with errors (422) keeps everything, and "back" never loses a field.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{context, current_draft, remember_pending_case};
use crate::domain::deadline::jst_date;
use crate::domain::delivery::DeliveryMethod;
use crate::domain::fees::QuoteRequest;
use crate::domain::identity::RequesterType;
use crate::domain::kind::RequestKind;
use crate::service::intake::draft::{
    AgentDetails, PRIVACY_NOTICE_VERSION, RequestContent, RequestDraft, Step,
};
use crate::service::intake::person::{FieldProblem, PersonDetails};
use crate::service::intake::submit::{self, IntakeError};
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::form::FieldErrors;
use crate::web::page::{PageContext, render, see_other};

/// Whether the step's form was sent with its "back" button (`action=back`) rather than "next".
fn pressed_back(action: &str) -> bool {
    action == "back"
}

fn trimmed(raw: String) -> String {
    raw.trim().to_string()
}

/// The start step as posted: what is requested, by whom, and the privacy notice's version when
/// its box is ticked.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StartForm {
    pub kind: String,
    pub requester_type: String,
    pub consent: String,
    pub action: String,
}

impl StartForm {
    /// Writes the choices into `draft`; consent is dated the first time it is given, at `now`.
    fn apply(self, draft: &mut RequestDraft, now: DateTime<Utc>) {
        draft.kind = self.kind.trim().parse().ok();
        draft.requester_type = self.requester_type.trim().parse().ok();
        if self.consent == PRIVACY_NOTICE_VERSION {
            if draft.consent_version.as_deref() != Some(PRIVACY_NOTICE_VERSION) {
                draft.consented_at = Some(now);
            }
            draft.consent_version = Some(PRIVACY_NOTICE_VERSION.to_string());
        } else {
            draft.consent_version = None;
            draft.consented_at = None;
        }
    }
}

/// The person step as posted (the requester, or the person an agent acts for).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PersonForm {
    pub name: String,
    pub name_kana: String,
    pub birth_date: String,
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub action: String,
}

impl From<PersonForm> for PersonDetails {
    fn from(form: PersonForm) -> PersonDetails {
        PersonDetails {
            name: trimmed(form.name),
            name_kana: trimmed(form.name_kana),
            birth_date: trimmed(form.birth_date),
            postal_code: trimmed(form.postal_code),
            address: trimmed(form.address),
            phone: trimmed(form.phone),
            email: trimmed(form.email),
        }
    }
}

/// The agent step as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AgentForm {
    pub agent_name: String,
    pub agent_name_kana: String,
    pub agent_postal_code: String,
    pub agent_address: String,
    pub agent_phone: String,
    pub agent_email: String,
    pub action: String,
}

impl From<AgentForm> for AgentDetails {
    fn from(form: AgentForm) -> AgentDetails {
        AgentDetails {
            name: trimmed(form.agent_name),
            name_kana: trimmed(form.agent_name_kana),
            postal_code: trimmed(form.agent_postal_code),
            address: trimmed(form.agent_address),
            phone: trimmed(form.agent_phone),
            email: trimmed(form.agent_email),
        }
    }
}

/// The content step as posted (`action_choice` is what is to be stopped or erased; `action` is
/// the button).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ContentForm {
    pub data_description: String,
    pub period: String,
    pub current_content: String,
    pub correct_content: String,
    pub ground: String,
    pub action_choice: String,
    pub prior_disclosure_on: String,
    pub prior_disclosure_number: String,
    pub action: String,
    /// The profile's own fields, posted as `extra_<name>`.
    #[serde(flatten)]
    pub extra: std::collections::BTreeMap<String, String>,
}

impl From<ContentForm> for RequestContent {
    fn from(form: ContentForm) -> RequestContent {
        RequestContent {
            extra: form
                .extra
                .iter()
                .filter_map(|(k, v)| {
                    k.strip_prefix("extra_")
                        .map(|name| (name.to_string(), v.trim().to_string()))
                })
                .collect(),
            data_description: trimmed(form.data_description),
            period: trimmed(form.period),
            current_content: trimmed(form.current_content),
            correct_content: trimmed(form.correct_content),
            ground: trimmed(form.ground),
            action: trimmed(form.action_choice),
            prior_disclosure_on: trimmed(form.prior_disclosure_on),
            prior_disclosure_number: trimmed(form.prior_disclosure_number),
            prior_disclosure_found_on: None,
        }
    }
}

/// The delivery step as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeliveryForm {
    pub delivery: String,
    pub action: String,
}

/// The final submit: `irreversible=yes` when a request that deletes data was acknowledged.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SubmitForm {
    pub irreversible: String,
}

fn errors_from(problems: &[FieldProblem]) -> FieldErrors {
    let mut errors = FieldErrors::default();
    for (field, code) in problems {
        errors.add(field, code);
    }
    errors
}

/// One offered kind with what it costs, for the start page.
pub struct KindOption {
    pub kind: RequestKind,
    pub selected: bool,
    pub label: &'static str,
    pub fee_yen: Option<i64>,
}

fn kind_options(
    page: &PageContext,
    state: &AppState,
    chosen: Option<RequestKind>,
) -> Vec<KindOption> {
    let profile = &state.profile();
    let today = jst_date(state.now());
    profile
        .kinds_offered
        .iter()
        .copied()
        .filter(|k| profile.offers(*k))
        .map(|kind| {
            let delivery = profile
                .delivery_methods
                .first()
                .copied()
                .unwrap_or(DeliveryMethod::ElectronicDownload);
            let request = QuoteRequest {
                kind,
                delivery,
                pages: Vec::new(),
                discs: 0,
                online: true,
                date: today,
                postage: Some(Default::default()),
            };
            let fee_yen = state
                .quote(&request)
                .ok()
                .map(|q| q.total_yen.0)
                .filter(|y| *y > 0);
            KindOption {
                kind,
                selected: chosen == Some(kind),
                label: page.lang.pick(kind.label_ja(), kind.label_en()),
                fee_yen,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "portal/start.html")]
struct StartPage {
    page: PageContext,
    draft: RequestDraft,
    errors: FieldErrors,
    kinds: Vec<KindOption>,
    requester_types: Vec<(RequesterType, &'static str, bool)>,
    period_text: String,
    contact: Vec<super::ContactLine>,
    requirements: Vec<super::RequirementGroup>,
    any_original: bool,
    originals_to: String,
    privacy_expiry: String,
    notice_version: &'static str,
    /// The quoted amounts come from a schedule nobody has confirmed: shown as provisional
    /// (docs/fees.md §9).
    fees_provisional: bool,
}

fn start_page(
    state: &AppState,
    page: PageContext,
    draft: RequestDraft,
    errors: FieldErrors,
) -> StartPage {
    let profile = &state.profile();
    let lang = page.lang;
    let requester_types = RequesterType::ALL
        .iter()
        .map(|t| {
            (
                *t,
                lang.t(&format!("request.requester_type.{}", t.as_str())),
                draft.requester_type == Some(*t),
            )
        })
        .collect();
    let period_text = super::case::period_text(lang, profile);
    let requirements = super::requirement_groups(lang, profile, jst_date(state.now()), None);
    let any_original = requirements
        .iter()
        .any(|g| g.items.iter().any(|(_, original)| *original));
    StartPage {
        kinds: kind_options(&page, state, draft.kind),
        requester_types,
        period_text,
        contact: super::contact_lines(lang, profile),
        requirements,
        any_original,
        originals_to: super::originals_to_text(lang, profile).1,
        privacy_expiry: lang
            .t("request.start.privacy_3")
            .replace("{hours}", &profile.unconfirmed_expiry_hours.to_string()),
        notice_version: PRIVACY_NOTICE_VERSION,
        fees_provisional: state.fees_provisional_on(jst_date(state.now())),
        page,
        draft,
        errors,
    }
}

pub async fn start_form(
    state: web::Data<AppState>,
    session: Session,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    show_step(&state, &session, page, Step::Start).await
}

pub async fn start_submit(
    state: web::Data<AppState>,
    session: Session,
    page: PageContext,
    CsrfForm(posted): CsrfForm<StartForm>,
) -> Result<HttpResponse, AppError> {
    let now = state.now();
    let (form, fresh) = posted.split();
    let (token, mut draft) = current_draft(&state, &session, now).await?;
    let sent = (fresh, pressed_back(&form.action));
    form.apply(&mut draft, now);
    finish_step(&state, &session, page, sent, token, draft, Step::Start).await
}

/// Saves the draft, then either moves on (back, when `back` was pressed) or shows the same step
/// again with its problems. A stale form (an old tab, `fresh` false) saves nothing: the step is
/// shown again with what was typed.
async fn finish_step(
    state: &web::Data<AppState>,
    session: &Session,
    page: PageContext,
    (fresh, back): (bool, bool),
    token: String,
    draft: RequestDraft,
    step: Step,
) -> Result<HttpResponse, AppError> {
    let now = state.now();
    if !fresh {
        let mut errors = FieldErrors::default();
        errors.add_general("field.csrf_expired");
        return step_page(state, page, draft, errors, step);
    }
    let saved_as = submit::save_draft(&state.db, &state.master, &token, &draft, now).await?;
    if saved_as != token {
        super::keep_draft_token(session, &saved_as)?;
    }
    let profile = &state.profile();
    if back {
        return Ok(see_other(draft.previous_step(step, profile).path()));
    }
    let today = jst_date(now);
    let problems = match step {
        Step::Start => draft.start_problems(profile),
        Step::Person => draft.person_problems(today),
        Step::Agent => draft.agent_problems(today),
        Step::Content => {
            let mut all = draft.content_problems(profile.regime, today, &state.calendar());
            all.extend(draft.extra_problems(profile));
            all
        }
        Step::Delivery => draft.delivery_problems(profile),
        Step::Review => Vec::new(),
    };
    let errors = errors_from(&problems);
    if problems.is_empty() {
        return Ok(see_other(draft.next_step(step, profile).path()));
    }
    if step == Step::Review {
        return Ok(see_other(Step::Review.path()));
    }
    step_page(state, page, draft, errors, step)
}

/// Any step's page, for a GET: or a redirect to an earlier step that still needs something, or
/// past a step this draft does not have.
async fn show_step(
    state: &web::Data<AppState>,
    session: &Session,
    page: PageContext,
    step: Step,
) -> Result<HttpResponse, AppError> {
    let (_, draft) = current_draft(state, session, state.now()).await?;
    if let Some(redirect) = guard(state, &draft, step) {
        return Ok(redirect);
    }
    match step {
        Step::Agent if !draft.is_agent() => Ok(see_other(Step::Content.path())),
        Step::Delivery if !draft.needs_delivery_step(&state.profile()) => {
            Ok(see_other(Step::Review.path()))
        }
        _ => step_page(state, page, draft, FieldErrors::default(), step),
    }
}

/// The page of `step` for this draft; 422 when it shows problems.
fn step_page(
    state: &AppState,
    page: PageContext,
    draft: RequestDraft,
    errors: FieldErrors,
    step: Step,
) -> Result<HttpResponse, AppError> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    match step {
        Step::Start => render(status, &start_page(state, page, draft, errors)),
        Step::Person => render(
            status,
            &PersonPage {
                page,
                draft,
                errors,
            },
        ),
        Step::Agent => render(
            status,
            &AgentPage {
                page,
                draft,
                errors,
            },
        ),
        Step::Content => render(status, &content_page(state, page, draft, errors)),
        Step::Delivery => render(status, &delivery_page(state, page, draft, errors)),
        Step::Review => render(status, &review_page(state, page, draft, errors)),
    }
}

/// Sends people who skip ahead to the first step that still needs something.
fn guard(state: &AppState, draft: &RequestDraft, step: Step) -> Option<HttpResponse> {
    let profile = &state.profile();
    let order = [
        Step::Start,
        Step::Person,
        Step::Agent,
        Step::Content,
        Step::Delivery,
        Step::Review,
    ];
    let first = draft.first_incomplete_step(profile, jst_date(state.now()), &state.calendar())?;
    let position = |s: Step| order.iter().position(|o| *o == s);
    (position(first) < position(step)).then(|| see_other(first.path()))
}

#[derive(Template)]
#[template(path = "portal/person.html")]
struct PersonPage {
    page: PageContext,
    draft: RequestDraft,
    errors: FieldErrors,
}

pub async fn person_form(
    state: web::Data<AppState>,
    session: Session,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    show_step(&state, &session, page, Step::Person).await
}

pub async fn person_submit(
    state: web::Data<AppState>,
    session: Session,
    page: PageContext,
    CsrfForm(posted): CsrfForm<PersonForm>,
) -> Result<HttpResponse, AppError> {
    let (form, fresh) = posted.split();
    let (token, mut draft) = current_draft(&state, &session, state.now()).await?;
    let sent = (fresh, pressed_back(&form.action));
    draft.person = PersonDetails::from(form).normalised();
    finish_step(&state, &session, page, sent, token, draft, Step::Person).await
}

#[derive(Template)]
#[template(path = "portal/agent.html")]
struct AgentPage {
    page: PageContext,
    draft: RequestDraft,
    errors: FieldErrors,
}

pub async fn agent_form(
    state: web::Data<AppState>,
    session: Session,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    show_step(&state, &session, page, Step::Agent).await
}

pub async fn agent_submit(
    state: web::Data<AppState>,
    session: Session,
    page: PageContext,
    CsrfForm(posted): CsrfForm<AgentForm>,
) -> Result<HttpResponse, AppError> {
    let (form, fresh) = posted.split();
    let (token, mut draft) = current_draft(&state, &session, state.now()).await?;
    let sent = (fresh, pressed_back(&form.action));
    draft.agent = AgentDetails::from(form);
    finish_step(&state, &session, page, sent, token, draft, Step::Agent).await
}

#[derive(Template)]
#[template(path = "portal/content.html")]
struct ContentPage {
    page: PageContext,
    draft: RequestDraft,
    errors: FieldErrors,
    kind: &'static str,
    /// What may be asked for, when the requester chooses (suspension, provision stop).
    measures: Vec<Choice>,
    /// The grounds, grouped by the measures they go with (one group where all share them).
    ground_groups: Vec<GroundGroup>,
    /// Whether a measure that deletes data is offered (the irreversibility note).
    offers_deletion: bool,
    /// 開示前置: the explanation with the articles, when the regime requires it.
    prior_disclosure: Option<String>,
    example: &'static str,
    /// The profile's own fields for this kind: (form name, label, hint, value, required).
    extra_fields: Vec<(&'static str, String, String, String, bool)>,
}

/// One radio button: its value, its label and whether it is selected.
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// Grounds that go with one or more measures, under a heading naming them and the provision.
pub struct GroundGroup {
    pub heading: String,
    pub grounds: Vec<Choice>,
}

/// The content step, as the regime's table has it for the chosen kind.
fn content_page(
    state: &AppState,
    page: PageContext,
    draft: RequestDraft,
    errors: FieldErrors,
) -> ContentPage {
    let profile = state.profile();
    let regime = profile.regime;
    // Each operator's own example: a J-MIMO requester must not read of another body's service.
    let example = page.t(&format!(
        "request.content.example.{}",
        profile.name.as_str()
    ));
    let lang = page.lang;
    let extra_fields = draft
        .kind
        .map(|kind| {
            profile
                .extra_fields
                .iter()
                .filter(|f| f.applies_to(kind))
                .map(|f| {
                    (
                        crate::service::intake::draft::extra_field_name(f.name),
                        lang.pick(&f.label.ja, &f.label.en).to_string(),
                        lang.pick(&f.hint.ja, &f.hint.en).to_string(),
                        draft.content.extra.get(f.name).cloned().unwrap_or_default(),
                        f.required,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let kind = draft.kind.map(RequestKind::as_str).unwrap_or_default();
    let rules = draft.rules(regime);
    let choice = |prefix: &str, value: &'static str, current: &str| Choice {
        value,
        label: page.t_in(prefix, value),
        selected: value == current,
    };
    let measures = rules
        .filter(|r| r.measure_is_chosen())
        .map(|r| {
            r.measures
                .iter()
                .map(|m| {
                    choice(
                        "request.content.action.",
                        m.measure.as_str(),
                        &draft.content.action,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let mut ground_groups: Vec<GroundGroup> = Vec::new();
    let mut seen: Vec<&'static [crate::domain::regime_rules::RequestGround]> = Vec::new();
    if let Some(r) = rules {
        let several = r
            .measures
            .iter()
            .any(|m| !std::ptr::eq(m.grounds, r.measures[0].grounds));
        for m in r.measures.iter().filter(|m| !m.grounds.is_empty()) {
            if seen.iter().any(|g| std::ptr::eq(*g, m.grounds)) {
                continue;
            }
            seen.push(m.grounds);
            let names: Vec<&str> = r
                .measures
                .iter()
                .filter(|other| std::ptr::eq(other.grounds, m.grounds))
                .map(|other| page.t_in("request.content.action.", other.measure.as_str()))
                .collect();
            let heading = if several {
                lang.t("request.content.ground_group")
                    .replace("{measures}", &names.join("・"))
                    .replace("{article}", lang.pick(m.basis.ja, m.basis.en))
            } else {
                String::new()
            };
            ground_groups.push(GroundGroup {
                heading,
                grounds: m
                    .grounds
                    .iter()
                    .map(|g| choice("request.content.ground.", g.as_str(), &draft.content.ground))
                    .collect(),
            });
        }
    }
    let offers_deletion =
        rules.is_some_and(|r| r.measures.iter().any(|m| m.measure.deletes_data()));
    let prior_disclosure = rules.and_then(|r| r.prior_disclosure).map(|p| {
        lang.t("request.content.prior_disclosure_hint")
            .replace("{days}", &p.days.to_string())
            .replace("{article}", lang.pick(p.period_basis.ja, p.period_basis.en))
            .replace("{basis}", lang.pick(p.basis.ja, p.basis.en))
    });
    ContentPage {
        page,
        draft,
        errors,
        kind,
        measures,
        ground_groups,
        offers_deletion,
        prior_disclosure,
        example,
        extra_fields,
    }
}

pub async fn content_form(
    state: web::Data<AppState>,
    session: Session,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    show_step(&state, &session, page, Step::Content).await
}

pub async fn content_submit(
    state: web::Data<AppState>,
    session: Session,
    page: PageContext,
    CsrfForm(posted): CsrfForm<ContentForm>,
) -> Result<HttpResponse, AppError> {
    let (form, fresh) = posted.split();
    let (token, mut draft) = current_draft(&state, &session, state.now()).await?;
    let sent = (fresh, pressed_back(&form.action));
    draft.content = RequestContent::from(form);
    // A receipt number of a disclosure made here stands for its date (開示前置).
    submit::match_prior_disclosure(&context(&state), &mut draft).await?;
    finish_step(&state, &session, page, sent, token, draft, Step::Content).await
}

pub struct DeliveryOption {
    pub method: DeliveryMethod,
    pub selected: bool,
    pub label: &'static str,
    pub fee_lines: Vec<(String, i64)>,
    pub total_yen: i64,
    /// Charged later by the count (the domain's quote per unit): label and yen a unit.
    pub per_unit: Vec<(String, i64)>,
}

/// The quote on the review page.
pub struct FeeSummary {
    pub lines: Vec<(String, i64)>,
    pub total_yen: i64,
    pub per_unit: Vec<(String, i64)>,
}

/// What `delivery` adds per page or disc, as the domain's quote prices it (the same lines as the
/// command line's `fee quote`).
fn per_unit(
    state: &AppState,
    lang: crate::i18n::Lang,
    kind: RequestKind,
    delivery: DeliveryMethod,
    today: chrono::NaiveDate,
) -> Vec<(String, i64)> {
    let profile = state.profile();
    let schedules = state.schedule_on(today).into_iter().collect::<Vec<_>>();
    crate::domain::fees::unit_rates(profile.regime, &schedules, kind, delivery, today)
        .unwrap_or_default()
        .iter()
        .map(|l| {
            (
                lang.pick(&l.label.ja, &l.label.en).to_string(),
                l.unit_yen.0,
            )
        })
        .collect()
}

#[derive(Template)]
#[template(path = "portal/delivery.html")]
struct DeliveryPage {
    page: PageContext,
    errors: FieldErrors,
    options: Vec<DeliveryOption>,
    /// The quoted amounts come from a schedule nobody has confirmed: shown as provisional
    /// (docs/fees.md §9).
    fees_provisional: bool,
}

fn delivery_page(
    state: &AppState,
    page: PageContext,
    draft: RequestDraft,
    errors: FieldErrors,
) -> DeliveryPage {
    let today = jst_date(state.now());
    let lang = page.lang;
    let options = match draft.kind {
        Some(kind) => state
            .profile()
            .delivery_methods
            .iter()
            .map(|method| {
                let request = QuoteRequest {
                    kind,
                    delivery: *method,
                    pages: Vec::new(),
                    discs: 0,
                    online: true,
                    date: today,
                    postage: None,
                };
                let quote = state.quote(&request).ok();
                DeliveryOption {
                    method: *method,
                    selected: draft.delivery == Some(*method),
                    label: lang.pick(method.label_ja(), method.label_en()),
                    fee_lines: quote
                        .as_ref()
                        .map(|q| {
                            q.lines
                                .iter()
                                .map(|l| {
                                    (
                                        lang.pick(&l.label.ja, &l.label.en).to_string(),
                                        l.amount_yen.0,
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                    total_yen: quote.map(|q| q.total_yen.0).unwrap_or_default(),
                    per_unit: per_unit(state, lang, kind, *method, today),
                }
            })
            .collect(),
        None => Vec::new(),
    };
    DeliveryPage {
        page,
        errors,
        options,
        fees_provisional: state.fees_provisional_on(today),
    }
}

pub async fn delivery_form(
    state: web::Data<AppState>,
    session: Session,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    show_step(&state, &session, page, Step::Delivery).await
}

pub async fn delivery_submit(
    state: web::Data<AppState>,
    session: Session,
    page: PageContext,
    CsrfForm(posted): CsrfForm<DeliveryForm>,
) -> Result<HttpResponse, AppError> {
    let (form, fresh) = posted.split();
    let (token, mut draft) = current_draft(&state, &session, state.now()).await?;
    draft.delivery = form.delivery.trim().parse().ok();
    let sent = (fresh, pressed_back(&form.action));
    finish_step(&state, &session, page, sent, token, draft, Step::Delivery).await
}

#[derive(Template)]
#[template(path = "portal/review.html")]
struct ReviewPage {
    page: PageContext,
    draft: RequestDraft,
    errors: FieldErrors,
    kind_label: &'static str,
    requester_type_label: &'static str,
    delivery_label: Option<&'static str>,
    fee: Option<FeeSummary>,
    /// What this requester type sends, the originals to post, and where.
    requirements: Vec<super::RequirementGroup>,
    any_original: bool,
    originals_to: String,
    /// The warnings the regime's table attaches to this kind (the public-body 過料, say).
    warnings: Vec<String>,
    /// 開示前置: the disclosure the request follows, as it will be recorded.
    prior_disclosure: Option<String>,
    /// The quoted amounts come from a schedule nobody has confirmed: shown as provisional
    /// (docs/fees.md §9).
    fees_provisional: bool,
}

fn review_page(
    state: &AppState,
    page: PageContext,
    draft: RequestDraft,
    errors: FieldErrors,
) -> ReviewPage {
    let lang = page.lang;
    let kind_label = draft
        .kind
        .map(|k| lang.pick(k.label_ja(), k.label_en()))
        .unwrap_or_default();
    let requester_type_label = draft
        .requester_type
        .map(|t| lang.t(&format!("request.requester_type.{}", t.as_str())))
        .unwrap_or_default();
    let delivery_label = draft
        .delivery
        .map(|d| lang.pick(d.label_ja(), d.label_en()));
    // The domain's itemised quote: each line, the total, and what is charged later per unit.
    let fee = draft.kind.and_then(|kind| {
        let delivery = draft
            .delivery
            .or_else(|| state.profile().delivery_methods.first().copied())?;
        let today = jst_date(state.now());
        let request = QuoteRequest {
            kind,
            delivery,
            pages: Vec::new(),
            discs: 0,
            online: true,
            date: today,
            postage: None,
        };
        let quote = state.quote(&request).ok()?;
        let per_unit = per_unit(state, lang, kind, delivery, today);
        let lines = quote
            .lines
            .iter()
            .map(|l| {
                (
                    lang.pick(&l.label.ja, &l.label.en).to_string(),
                    l.amount_yen.0,
                )
            })
            .collect::<Vec<_>>();
        (!lines.is_empty() || !per_unit.is_empty()).then_some(FeeSummary {
            lines,
            total_yen: quote.total_yen.0,
            per_unit,
        })
    });
    let profile = state.profile();
    let requirements = match draft.requester_type {
        Some(t) => super::requirement_groups(page.lang, &profile, jst_date(state.now()), Some(t)),
        None => Vec::new(),
    };
    let any_original = requirements
        .iter()
        .any(|g| g.items.iter().any(|(_, original)| *original));
    let originals_to = super::originals_to_text(page.lang, &profile).1;
    let rules = draft.rules(state.profile().regime);
    let warnings = rules
        .map(|r| {
            r.warnings
                .iter()
                .map(|w| {
                    let text = w.text();
                    lang.pick(&text.ja, &text.en).to_string()
                })
                .collect()
        })
        .unwrap_or_default();
    let prior_disclosure = rules
        .and_then(|r| r.prior_disclosure)
        .and_then(|_| draft.content.prior_disclosure_date())
        .map(|on| match draft.content.prior_disclosure_reference() {
            Some(number) => format!("{} ({number})", on),
            None => on.to_string(),
        });
    ReviewPage {
        fees_provisional: state.fees_provisional_on(jst_date(state.now())),
        page,
        draft,
        errors,
        kind_label,
        requester_type_label,
        delivery_label,
        fee,
        requirements,
        any_original,
        originals_to,
        warnings,
        prior_disclosure,
    }
}

pub async fn review(
    state: web::Data<AppState>,
    session: Session,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    show_step(&state, &session, page, Step::Review).await
}

pub async fn submit(
    state: web::Data<AppState>,
    session: Session,
    page: PageContext,
    CsrfForm(posted): CsrfForm<SubmitForm>,
) -> Result<HttpResponse, AppError> {
    let now = state.now();
    let (token, draft) = match super::current(&state, &session, now).await? {
        super::Current::Draft(token, draft) => (token, *draft),
        super::Current::Submitted(submitted) => {
            // The second click of a double click: show the first submission, make no second case.
            remember_pending_case(&session, &submitted.case_id, &submitted.access_token)?;
            return Ok(see_other("/request/sent"));
        }
    };
    let mut errors = FieldErrors::default();
    let (form, fresh) = posted.split();
    if !fresh {
        errors.add_general("field.csrf_expired");
    }
    if draft.deletes_data() && form.irreversible != "yes" {
        errors.add("irreversible", "required");
    }
    if !errors.is_empty() {
        // A step still incomplete is where the requester goes first; the service checks the
        // whole draft again when it is submitted.
        if let Some(redirect) = guard(&state, &draft, Step::Review) {
            return Ok(redirect);
        }
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &review_page(&state, page, draft, errors),
        );
    }
    match submit::submit(&context(&state), &token, draft, page.lang, now).await {
        Ok(submitted) => {
            remember_pending_case(&session, &submitted.case_id, &submitted.access_token)?;
            Ok(see_other("/request/sent"))
        }
        Err(IntakeError::IncompleteAt(step)) => Ok(see_other(step.path())),
        Err(IntakeError::AlreadySubmitted) => match super::current(&state, &session, now).await? {
            super::Current::Submitted(submitted) => {
                remember_pending_case(&session, &submitted.case_id, &submitted.access_token)?;
                Ok(see_other("/request/sent"))
            }
            super::Current::Draft(..) => Ok(see_other(Step::Start.path())),
        },
        Err(other) => Err(other.into()),
    }
}
