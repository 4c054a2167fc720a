//! Staff intake: a request that came by post, e-mail or at the counter, typed in from the paper.
//! Scanned documents are added on the case page afterwards (like the requester's own uploads).

use actix_multipart::form::MultipartForm;
use actix_multipart::form::bytes::Bytes;
use actix_multipart::form::text::Text;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::actions::Failure;
use super::case::casework;
use super::roles::CaseWorker;
use crate::domain::channel::RequestChannel;
use crate::domain::deadline::jst_date;
use crate::domain::identity::{DocumentType, RequesterType};
use crate::i18n::Lang;
use crate::service::casework::{CaseworkError, for_action};
use crate::service::documents::{self, Attachment, Upload, UploadError};
use crate::service::intake::draft::{AgentDetails, RequestContent, RequestDraft};
use crate::service::intake::person::PersonDetails;
use crate::service::intake::staff_entry::{self, StaffEntry};
use crate::web::AppState;
use crate::web::csrf::{CarriesCsrf, CsrfForm, CsrfMultipart, Posted};
use crate::web::error::AppError;
use crate::web::form::{FieldErrors, TypedValues, typed_values};
use crate::web::page::{PageContext, render, see_other};

/// A request typed in from paper, as posted (kept as typed, to show again with its problems).
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct IntakeForm {
    pub channel: String,
    pub arrived_on: String,
    pub lang: String,
    pub kind: String,
    pub requester_type: String,
    pub name: String,
    pub name_kana: String,
    pub birth_date: String,
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub agent_name: String,
    pub agent_name_kana: String,
    pub agent_postal_code: String,
    pub agent_address: String,
    pub agent_phone: String,
    pub agent_email: String,
    pub data_description: String,
    pub period: String,
    pub current_content: String,
    pub correct_content: String,
    pub ground: String,
    pub action: String,
    pub prior_disclosure_on: String,
    pub prior_disclosure_number: String,
    pub delivery: String,
}

#[derive(Template)]
#[template(path = "staff/intake.html")]
struct IntakePage {
    page: PageContext,
    errors: FieldErrors,
    typed: TypedValues,
    today: String,
    channels: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    requester_types: Vec<(&'static str, &'static str)>,
    grounds: Vec<(&'static str, &'static str)>,
    actions: Vec<(&'static str, &'static str)>,
    deliveries: Vec<(&'static str, &'static str)>,
    /// Some kind offered follows a disclosure (開示前置): the fields to record it.
    asks_prior_disclosure: bool,
}

impl IntakePage {
    pub fn typed<'a>(&'a self, field: &str, default: &'a str) -> &'a str {
        self.typed.get(field).map_or(default, String::as_str)
    }
}

fn intake_page(
    state: &AppState,
    me: &CaseWorker,
    page: PageContext,
    errors: FieldErrors,
    typed: TypedValues,
) -> Result<HttpResponse, AppError> {
    let lang = page.lang;
    let profile = state.profile();
    // What the regime's table offers for the kinds this operator takes, without repeats.
    let offered: Vec<_> = profile
        .kinds_offered
        .iter()
        .filter_map(|k| profile.regime.kind_rules(*k))
        .collect();
    let mut grounds: Vec<(&'static str, &'static str)> = Vec::new();
    let mut actions: Vec<(&'static str, &'static str)> = Vec::new();
    for rules in &offered {
        for g in rules.all_grounds() {
            if !grounds.iter().any(|(v, _)| *v == g.as_str()) {
                grounds.push((g.as_str(), page.t_in("request.content.ground.", g.as_str())));
            }
        }
        for m in rules.measures.iter().filter(|_| rules.measure_is_chosen()) {
            let value = m.measure.as_str();
            if !actions.iter().any(|(v, _)| *v == value) {
                actions.push((value, page.t_in("request.content.action.", value)));
            }
        }
    }
    let asks_prior_disclosure = offered.iter().any(|r| r.prior_disclosure.is_some());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        status,
        &IntakePage {
            today: jst_date(state.now()).to_string(),
            channels: RequestChannel::ON_PAPER
                .iter()
                .map(|c| (c.as_str(), lang.t(&format!("staff.case.channel.{c}"))))
                .collect(),
            kinds: state
                .profile()
                .kinds_offered
                .iter()
                .map(|k| (k.as_str(), lang.pick(k.label_ja(), k.label_en())))
                .collect(),
            requester_types: RequesterType::ALL
                .iter()
                .map(|t| {
                    (
                        t.as_str(),
                        lang.t(&format!("request.requester_type.{}", t.as_str())),
                    )
                })
                .collect(),
            grounds,
            actions,
            asks_prior_disclosure,
            deliveries: state
                .profile()
                .delivery_methods
                .iter()
                .map(|d| (d.as_str(), lang.pick(d.label_ja(), d.label_en())))
                .collect(),
            page: page.with_staff(&me.staff.display_name),
            errors,
            typed,
        },
    )
}

pub async fn form(
    state: web::Data<AppState>,
    me: CaseWorker,
    page: PageContext,
) -> Result<HttpResponse, AppError> {
    intake_page(
        &state,
        &me,
        page,
        FieldErrors::default(),
        TypedValues::new(),
    )
}

impl From<IntakeForm> for StaffEntry {
    fn from(form: IntakeForm) -> StaffEntry {
        let draft = RequestDraft {
            consent_version: None,
            consented_at: None,
            kind: form.kind.parse().ok(),
            requester_type: form.requester_type.parse().ok(),
            person: PersonDetails {
                name: form.name,
                name_kana: form.name_kana,
                birth_date: form.birth_date,
                postal_code: form.postal_code,
                address: form.address,
                phone: form.phone,
                email: form.email,
            },
            agent: AgentDetails {
                name: form.agent_name,
                name_kana: form.agent_name_kana,
                postal_code: form.agent_postal_code,
                address: form.agent_address,
                phone: form.agent_phone,
                email: form.agent_email,
            },
            content: RequestContent {
                data_description: form.data_description,
                period: form.period,
                current_content: form.current_content,
                correct_content: form.correct_content,
                ground: form.ground,
                action: form.action,
                // Staff entering a posted request write the LINE account in the description.
                extra: Default::default(),
                prior_disclosure_on: form.prior_disclosure_on,
                prior_disclosure_number: form.prior_disclosure_number,
                prior_disclosure_found_on: None,
            },
            delivery: form.delivery.parse().ok(),
        };
        StaffEntry {
            channel: form.channel.parse().ok(),
            arrived_on: form.arrived_on,
            draft,
            lang: Lang::from_code(&form.lang).unwrap_or_default(),
        }
    }
}

pub async fn submit(
    state: web::Data<AppState>,
    me: CaseWorker,
    page: PageContext,
    CsrfForm(posted): CsrfForm<IntakeForm>,
) -> Result<HttpResponse, AppError> {
    let (form, fresh) = posted.split();
    let mut errors = FieldErrors::default();
    if !fresh {
        errors.add_general("field.csrf_expired");
        return intake_page(&state, &me, page, errors, typed_values(&form));
    }
    let typed = typed_values(&form);
    let entry = StaffEntry::from(form);
    let today = jst_date(state.now());
    let problems = staff_entry::problems(&entry, &state.profile(), today, &state.calendar());
    if !problems.is_empty() {
        for (field, code) in problems {
            errors.add(field, code);
        }
        return intake_page(&state, &me, page, errors, typed);
    }
    let case_id = staff_entry::enter(
        &state.intake(),
        &me.actor.label(),
        me.staff.role.as_str(),
        entry,
        state.now(),
    )
    .await?;
    Ok(see_other(&format!("/staff/cases/{case_id}")))
}

#[derive(MultipartForm)]
pub struct ScanForm {
    csrf: Option<Text<String>>,
    version: Option<Text<i64>>,
    declared_type: Option<Text<String>>,
    file: Option<Bytes>,
}

impl CarriesCsrf for ScanForm {
    fn csrf(&self) -> &str {
        self.csrf.as_deref().map_or("", String::as_str)
    }
}

/// POST /staff/cases/{id}/documents: a scanned identity document or proof of authority.
pub async fn add_scan(
    state: web::Data<AppState>,
    me: CaseWorker,
    page: PageContext,
    case_id: web::Path<String>,
    CsrfMultipart(posted): CsrfMultipart<ScanForm>,
) -> Result<HttpResponse, AppError> {
    let now = state.now();
    let fail =
        |field: &'static str, code: &'static str| CaseworkError::Invalid(vec![(field, code)]);
    let Posted::Fresh(form) = posted else {
        return super::actions::refused(
            &state,
            &me,
            page,
            &case_id,
            Failure::StaleForm,
            TypedValues::new(),
        )
        .await;
    };
    let result: Result<(), CaseworkError> = async {
        let version = form.version.as_ref().map_or(-1, |v| **v);
        let row = for_action(&state.db, &me.actor, &case_id, version, now).await?;
        let declared: DocumentType = form
            .declared_type
            .as_ref()
            .and_then(|t| t.parse().ok())
            .ok_or_else(|| fail("declared_type", "no_type"))?;
        let bytes = form
            .file
            .as_ref()
            .map(|f| f.data.to_vec())
            .unwrap_or_default();
        let label = me.actor.label();
        let upload = Upload {
            case_id: &row.id,
            case_state: row.state,
            uploaded_by: &label,
            attachment: Attachment::Requester(declared),
            max_bytes: state.config.upload_max_bytes,
            case_max_bytes: state.config.case_upload_max_bytes,
            audit: Some(me.actor.audit(now, "document.scanned", &row.id)),
        };
        let cw = casework(&state).await?;
        documents::store(cw.db, cw.desk.master, cw.blobs, upload, bytes, now)
            .await
            .map_err(|e| match e {
                UploadError::Rejected(p) => fail("scan", p.code()),
                UploadError::Db(db) => db.into(),
                other => CaseworkError::Corrupt(other.to_string()),
            })?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Ok(see_other(&format!("/staff/cases/{case_id}#documents"))),
        Err(error) => {
            super::actions::refused(&state, &me, page, &case_id, error, TypedValues::new()).await
        }
    }
}
