//! The requester portal: no account; a draft kept server-side while the form is filled in, then a
//! private case link. Every page works without JavaScript.

pub mod answer;
pub mod case;
pub mod consent;
pub mod files;
pub mod link_gone;
pub mod messages;
pub mod steps;
pub mod upload;
pub mod withdraw;

use actix_governor::Governor;
use actix_session::Session;
use actix_web::middleware::Condition;
use actix_web::web;
use chrono::{DateTime, Utc};

use super::error::AppError;
use super::{AppState, RateLimit};
use crate::service::intake::draft::RequestDraft;
use crate::service::intake::submit::{self, IntakeContext, StoredDraft, Submitted};
use crate::service::portal::{self, CaseRow};

const DRAFT_KEY: &str = "draft";
/// The case the browser just submitted, so the code can be typed in that browser.
const PENDING_CASE_KEY: &str = "pending_case";

pub fn context(state: &AppState) -> IntakeContext<'_> {
    state.intake()
}

/// What this browser is working on.
pub enum Current {
    Draft(String, Box<RequestDraft>),
    /// The draft was submitted already (e.g. the second click of a double click).
    Submitted(Submitted),
}

/// The draft of this browser (or a new one), or the case it was submitted as.
pub async fn current(
    state: &web::Data<AppState>,
    session: &Session,
    now: DateTime<Utc>,
) -> Result<Current, AppError> {
    if let Ok(Some(token)) = session.get::<String>(DRAFT_KEY) {
        match submit::load_draft(&state.db, &state.master, &token, now).await? {
            Some(StoredDraft::Open(draft)) => return Ok(Current::Draft(token, draft)),
            Some(StoredDraft::Submitted(submitted)) => return Ok(Current::Submitted(submitted)),
            None => {}
        }
    }
    Ok(Current::Draft(new_draft_token(session)?, Box::default()))
}

fn new_draft_token(session: &Session) -> Result<String, AppError> {
    let token = crate::auth::token::generate();
    keep_draft_token(session, &token)?;
    Ok(token)
}

/// The token of this browser's draft from now on.
pub fn keep_draft_token(session: &Session, token: &str) -> Result<(), AppError> {
    session.insert(DRAFT_KEY, token).map_err(AppError::internal)
}

/// The draft being filled in; a browser whose draft was submitted starts a new one.
pub async fn current_draft(
    state: &web::Data<AppState>,
    session: &Session,
    now: DateTime<Utc>,
) -> Result<(String, RequestDraft), AppError> {
    match current(state, session, now).await? {
        Current::Draft(token, draft) => Ok((token, *draft)),
        Current::Submitted(_) => Ok((new_draft_token(session)?, RequestDraft::default())),
    }
}

/// The case behind a private link; 404 for an unknown (or replaced, or purged) link.
pub async fn case_by_token(state: &AppState, access_token: &str) -> Result<CaseRow, AppError> {
    portal::find_case(&context(state), access_token)
        .await?
        .ok_or(AppError::NotFound)
}

pub fn remember_pending_case(
    session: &Session,
    case_id: &str,
    access_token: &str,
) -> Result<(), AppError> {
    session
        .insert(PENDING_CASE_KEY, (case_id, access_token))
        .map_err(AppError::internal)
}

pub fn pending_case(session: &Session) -> Option<(String, String)> {
    session
        .get::<(String, String)>(PENDING_CASE_KEY)
        .ok()
        .flatten()
}

/// The portal's URLs. Endpoints that create or confirm something are rate-limited per client
/// address (POST only), so a script cannot flood the help desk or guess codes.
pub fn routes(cfg: &mut web::ServiceConfig, limit: &Option<RateLimit>) {
    // Condition needs a middleware even when off; the unused default is never called then.
    // (`rate_limit` with a positive rate always gives a configuration.)
    let unused = super::rate_limit(1, &[]);
    let Some(config) = limit.as_ref().or(unused.as_ref()) else {
        return;
    };
    let limited = |path: &str| {
        web::resource(path.to_string()).wrap(Condition::new(limit.is_some(), Governor::new(config)))
    };
    cfg.route("/request", web::get().to(steps::start_form))
        .route("/request", web::post().to(steps::start_submit))
        .route("/request/person", web::get().to(steps::person_form))
        .route("/request/person", web::post().to(steps::person_submit))
        .route("/request/agent", web::get().to(steps::agent_form))
        .route("/request/agent", web::post().to(steps::agent_submit))
        .route("/request/content", web::get().to(steps::content_form))
        .route("/request/content", web::post().to(steps::content_submit))
        .route("/request/delivery", web::get().to(steps::delivery_form))
        .route("/request/delivery", web::post().to(steps::delivery_submit))
        .route("/request/review", web::get().to(steps::review))
        .service(limited("/request/submit").route(web::post().to(steps::submit)))
        .route("/request/sent", web::get().to(case::sent))
        .service(limited("/request/confirm-code").route(web::post().to(case::confirm_code)))
        .service(
            limited("/case")
                .route(web::get().to(case::lookup_form))
                .route(web::post().to(case::lookup_submit)),
        )
        .route("/case/{token}", web::get().to(case::show))
        .route("/case/{token}/files/{id}", web::get().to(files::download))
        .route(
            "/case/{token}/letters/{letter}",
            web::get().to(crate::web::letters::for_requester),
        )
        .route(
            "/case/{token}/letters/{letter}/pdf",
            web::get().to(crate::web::letters::pdf_for_requester),
        )
        .service(limited("/case/{token}/confirm").route(web::post().to(case::confirm_link)))
        .service(limited("/case/{token}/documents").route(web::post().to(upload::upload)))
        .service(limited("/case/{token}/messages").route(web::post().to(messages::send)))
        .service(limited("/case/{token}/answer").route(web::post().to(answer::answer)))
        .route(
            "/case/{token}/withdraw",
            web::get().to(withdraw::confirm_page),
        )
        .route("/case/{token}/withdraw", web::post().to(withdraw::withdraw))
        .route(
            "/case/{token}/consents/{consent}/withdraw",
            web::get().to(consent::confirm_page),
        )
        .route(
            "/case/{token}/consents/{consent}/withdraw",
            web::post().to(consent::withdraw),
        )
        .route(
            "/case/{token}/links/end-others",
            web::post().to(case::end_other_links),
        );
}

/// One line of the operator's help desk as the public may see it.
pub struct ContactLine {
    pub field: &'static str,
    pub label: String,
    pub value: String,
    /// A web address, shown as a link.
    pub link: bool,
}

/// The help desk from the profile's office: confirmed values only (docs/operators.md).
pub fn contact_lines(
    lang: crate::i18n::Lang,
    profile: &crate::domain::profile::OperatorProfile,
) -> Vec<ContactLine> {
    profile
        .office
        .public_contact()
        .into_iter()
        .map(|l| ContactLine {
            field: l.field,
            label: lang.pick(&l.label.ja, &l.label.en).to_string(),
            value: lang.pick(&l.value.ja, &l.value.en).to_string(),
            link: l.field == "web_form",
        })
        .collect()
}

/// The documents one requester type sends, as a page lists them.
pub struct RequirementGroup {
    pub requester_type: &'static str,
    pub who: String,
    pub items: Vec<(String, bool)>,
}

/// Every document needed under the profile's identity policy, per requester type (or for `only`),
/// with the originals to post (docs/identity.md).
pub fn requirement_groups(
    lang: crate::i18n::Lang,
    profile: &crate::domain::profile::OperatorProfile,
    today: chrono::NaiveDate,
    only: Option<crate::domain::identity::RequesterType>,
) -> Vec<RequirementGroup> {
    use crate::domain::identity::RequesterType;
    RequesterType::ALL
        .iter()
        .filter(|t| only.is_none_or(|o| o == **t))
        .map(|t| RequirementGroup {
            requester_type: t.as_str(),
            who: lang
                .t(&format!("request.requester_type.{}", t.as_str()))
                .to_string(),
            items: crate::domain::requirements::documents_needed(
                *t,
                &profile.identity_policy,
                today,
            )
            .into_iter()
            .map(|r| {
                (
                    lang.pick(&r.text.ja, &r.text.en).to_string(),
                    r.original_by_post,
                )
            })
            .collect(),
        })
        .collect()
}

/// Where originals are posted, as the public may be told: the confirmed address, or a neutral
/// statement that the address comes with the receipt.
pub fn originals_to_text(
    lang: crate::i18n::Lang,
    profile: &crate::domain::profile::OperatorProfile,
) -> (bool, String) {
    match profile.office.public_originals_to() {
        Some(address) => (true, lang.pick(&address.ja, &address.en).to_string()),
        None => (false, lang.t("request.originals.address_later").to_string()),
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::fees::PaymentMethod;
    use crate::domain::identity::RequesterType;
    use crate::domain::prior_disclosure::PriorDisclosureSource;
    use crate::domain::regime_rules::{Measure, RequestGround};
    use crate::i18n::Lang;
    use crate::service::documents::UploadProblem;
    use crate::service::intake::person::PersonDetails;

    /// Keys built at run time (`prefix.` + a value) are not seen by the catalogue's template scan.
    #[test]
    fn every_key_built_at_run_time_exists() {
        let mut keys: Vec<String> = Vec::new();
        keys.extend(
            PaymentMethod::ALL
                .iter()
                .map(|m| format!("payment.method.{}", m.as_str())),
        );
        keys.extend(
            RequesterType::ALL
                .iter()
                .map(|t| format!("request.requester_type.{}", t.as_str())),
        );
        keys.extend(
            RequestGround::ALL
                .iter()
                .map(|g| format!("request.content.ground.{g}")),
        );
        keys.extend(
            Measure::ALL
                .iter()
                .map(|a| format!("request.content.action.{a}")),
        );
        keys.extend(
            PriorDisclosureSource::ALL
                .iter()
                .map(|s| format!("staff.case.prior_disclosure.source.{s}")),
        );
        for (field, codes) in [
            (
                "prior_disclosure_on",
                &[
                    "required",
                    "invalid",
                    "future",
                    "too_late",
                    "unknown_number",
                ][..],
            ),
            ("ground", &["required", "not_for_measure"][..]),
            ("action", &["required"][..]),
            ("disclosed_on", &["required", "invalid", "future"][..]),
            ("to_body", &["required"][..]),
            ("transfer_reason", &["required", "too_long"][..]),
            ("consulted", &["required"][..]),
            ("who", &["required", "too_long"][..]),
            ("sent_on", &["required", "invalid", "future"][..]),
            (
                "consult_reply_by",
                &["required", "invalid", "before_sent"][..],
            ),
            ("replied_on", &["required", "invalid"][..]),
            ("reply", &["choose"][..]),
        ] {
            keys.extend(codes.iter().map(|c| format!("field.{field}.{c}")));
        }
        keys.extend(
            crate::domain::document::DocumentStatus::ALL
                .iter()
                .map(|s| format!("case.documents.status.{s}")),
        );
        let problems = [
            UploadProblem::Empty,
            UploadProblem::TooLarge,
            UploadProblem::CaseLimit,
            UploadProblem::UnsupportedType,
            UploadProblem::Heic,
            UploadProblem::ActivePdf,
            UploadProblem::UnreadablePdf,
            UploadProblem::Closed,
        ];
        keys.extend(problems.iter().map(|p| format!("field.file.{}", p.code())));
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default();
        let bad = [
            PersonDetails::default(),
            PersonDetails {
                name: "x".repeat(61),
                name_kana: "abc".into(),
                birth_date: "2999-01-01".into(),
                postal_code: "1".into(),
                address: "x".repeat(201),
                phone: "1".into(),
                email: "x".into(),
            },
            PersonDetails {
                birth_date: "nonsense".into(),
                ..PersonDetails::default()
            },
        ];
        for person in bad {
            for (field, code) in person.problems(today) {
                keys.push(format!("field.{field}.{code}"));
                keys.push(format!("field.agent_{field}.{code}"));
            }
        }
        let missing: Vec<&String> = keys
            .iter()
            .filter(|k| !Lang::has(k) && !k.starts_with("field.agent_birth_date"))
            .collect();
        assert!(missing.is_empty(), "missing from messages.tsv: {missing:?}");
    }
}
