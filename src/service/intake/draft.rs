//! A request being filled in, one step at a time. Everything typed is kept (sealed, server-side)
//! even when a step is shown again with errors; each step checks only its own fields, and the
//! review step checks them all again before submission.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::person::{FieldProblem, PersonDetails};
use crate::domain::calendar::BusinessCalendar;
use crate::domain::delivery::DeliveryMethod;
use crate::domain::identity::RequesterType;
use crate::domain::kind::RequestKind;
use crate::domain::lifecycle::CaseFacts;
use crate::domain::prior_disclosure::{
    self, PriorDisclosureProblem, PriorDisclosureRecord, PriorDisclosureSource,
};
use crate::domain::profile::OperatorProfile;
use crate::domain::regime::Regime;
use crate::domain::regime_rules::{GroundProblem, KindRules, Measure, RequestGround};

/// The form name of a profile's own field.
pub fn extra_field_name(name: &'static str) -> &'static str {
    match name {
        "line_display_name" => "extra_line_display_name",
        "line_id" => "extra_line_id",
        _ => "extra",
    }
}

/// The version of this service's privacy notice a requester agrees to (docs/data-protection.md §4).
pub const PRIVACY_NOTICE_VERSION: &str = "2026-11-21";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentDetails {
    pub name: String,
    pub name_kana: String,
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub email: String,
}

/// What is asked for. Which fields matter depends on the kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestContent {
    /// Which data (e.g. 「マイME-BYOカルテに登録した健診結果」).
    pub data_description: String,
    /// The period the data covers, free text.
    pub period: String,
    /// Correction: what the data says now, and what it should say.
    pub current_content: String,
    pub correct_content: String,
    /// Suspension, stop of provision: why (a [`RequestGround`] name).
    pub ground: String,
    /// Suspension: stop using, erase or (public bodies) stop provision; provision stop: stop
    /// provision or delete (a [`Measure`] name).
    pub action: String,
    /// The profile's own fields (`ExtraField::name` → value), e.g. the LINE account.
    #[serde(default)]
    pub extra: std::collections::BTreeMap<String, String>,
    /// 開示前置 (public-body correction and suspension): the day the person received the
    /// disclosure this request follows, as typed.
    #[serde(default)]
    pub prior_disclosure_on: String,
    /// The receipt number of that disclosure request, when it was made through this service.
    #[serde(default)]
    pub prior_disclosure_number: String,
    /// The day that disclosure was carried out, when the number matched one of this service's
    /// (set by the service, never typed).
    #[serde(default)]
    pub prior_disclosure_found_on: Option<NaiveDate>,
}

impl RequestContent {
    /// The measure asked for, when one of the known ones.
    pub fn measure(&self) -> Option<Measure> {
        self.action.parse().ok()
    }

    pub fn ground(&self) -> Option<RequestGround> {
        self.ground.parse().ok()
    }

    /// The day the disclosure was received: as typed, or as this service's record has it.
    pub fn prior_disclosure_date(&self) -> Option<NaiveDate> {
        super::person::birth_date(&self.prior_disclosure_on).or(self.prior_disclosure_found_on)
    }

    pub fn prior_disclosure_reference(&self) -> Option<String> {
        let number = self.prior_disclosure_number.trim();
        (!number.is_empty()).then(|| number.to_string())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestDraft {
    pub consent_version: Option<String>,
    pub consented_at: Option<DateTime<Utc>>,
    pub kind: Option<RequestKind>,
    pub requester_type: Option<RequesterType>,
    pub person: PersonDetails,
    pub agent: AgentDetails,
    pub content: RequestContent,
    pub delivery: Option<DeliveryMethod>,
}

/// The steps of the form, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Start,
    Person,
    Agent,
    Content,
    Delivery,
    Review,
}

impl Step {
    pub fn path(self) -> &'static str {
        match self {
            Step::Start => "/request",
            Step::Person => "/request/person",
            Step::Agent => "/request/agent",
            Step::Content => "/request/content",
            Step::Delivery => "/request/delivery",
            Step::Review => "/request/review",
        }
    }
}

impl RequestDraft {
    pub fn is_agent(&self) -> bool {
        self.requester_type.is_some_and(RequesterType::is_agent)
    }

    /// Where replies go: the agent when one applies, otherwise the person.
    pub fn contact_email(&self) -> &str {
        if self.is_agent() {
            &self.agent.email
        } else {
            &self.person.email
        }
    }

    pub fn needs_delivery_step(&self, profile: &OperatorProfile) -> bool {
        self.kind.is_some_and(RequestKind::is_disclosure) && !profile.delivery_methods.is_empty()
    }

    /// The step after `step` for this draft.
    pub fn next_step(&self, step: Step, profile: &OperatorProfile) -> Step {
        match step {
            Step::Start => Step::Person,
            Step::Person if self.is_agent() => Step::Agent,
            Step::Person | Step::Agent => Step::Content,
            Step::Content if self.needs_delivery_step(profile) => Step::Delivery,
            Step::Content | Step::Delivery | Step::Review => Step::Review,
        }
    }

    pub fn previous_step(&self, step: Step, profile: &OperatorProfile) -> Step {
        match step {
            Step::Start | Step::Person => Step::Start,
            Step::Agent => Step::Person,
            Step::Content if self.is_agent() => Step::Agent,
            Step::Content => Step::Person,
            Step::Delivery => Step::Content,
            Step::Review if self.needs_delivery_step(profile) => Step::Delivery,
            Step::Review => Step::Content,
        }
    }

    pub fn start_problems(&self, profile: &OperatorProfile) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        match self.kind {
            None => out.push(("kind", "required")),
            Some(kind) if !profile.offers(kind) => out.push(("kind", "required")),
            Some(_) => {}
        }
        if self.requester_type.is_none() {
            out.push(("requester_type", "required"));
        }
        if self.consent_version.as_deref() != Some(PRIVACY_NOTICE_VERSION) {
            out.push(("consent", "required"));
        }
        out
    }

    /// The person's own contact details are required only when they apply themselves.
    pub fn person_problems(&self, today: NaiveDate) -> Vec<FieldProblem> {
        let mut problems = self.person.problems(today);
        if self.is_agent() {
            let blank = |v: &str| v.trim().is_empty();
            problems.retain(|(field, code)| {
                !((*field == "phone" && blank(&self.person.phone))
                    || (*field == "email" && blank(&self.person.email)))
                    || *code != "required"
            });
        }
        problems
    }

    pub fn agent_problems(&self, today: NaiveDate) -> Vec<FieldProblem> {
        if !self.is_agent() {
            return Vec::new();
        }
        let as_person = PersonDetails {
            name: self.agent.name.clone(),
            name_kana: self.agent.name_kana.clone(),
            birth_date: "1970-01-01".into(),
            postal_code: self.agent.postal_code.clone(),
            address: self.agent.address.clone(),
            phone: self.agent.phone.clone(),
            email: self.agent.email.clone(),
        };
        as_person
            .problems(today)
            .into_iter()
            .map(|(field, code)| (agent_field(field), code))
            .collect()
    }

    /// The profile's own fields for this kind: each problem named `extra_<name>`.
    pub fn extra_problems(&self, profile: &OperatorProfile) -> Vec<FieldProblem> {
        let Some(kind) = self.kind else {
            return Vec::new();
        };
        profile
            .extra_fields
            .iter()
            .filter(|f| f.applies_to(kind))
            .filter_map(|f| {
                let value = self.content.extra.get(f.name).map_or("", String::as_str);
                f.problem(value)
                    .map(|code| (extra_field_name(f.name), code))
            })
            .collect()
    }

    /// What the regime says about the chosen kind (None before a kind is chosen, or for a kind
    /// the regime does not know).
    pub fn rules(&self, regime: Regime) -> Option<&'static KindRules> {
        regime.kind_rules(self.kind?)
    }

    /// The content step's problems under `regime`: the measures and grounds its table offers
    /// for the kind, and 開示前置 where the regime requires it (a request made `today`; the
    /// 90 days end on an office day of `cal`).
    pub fn content_problems(
        &self,
        regime: Regime,
        today: NaiveDate,
        cal: &BusinessCalendar,
    ) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        let c = &self.content;
        let blank = |v: &str| v.trim().is_empty();
        let too_long = |v: &str| v.chars().count() > 2000;
        for (field, value) in [
            ("data_description", &c.data_description),
            ("period", &c.period),
            ("current_content", &c.current_content),
            ("correct_content", &c.correct_content),
            ("ground", &c.ground),
        ] {
            if too_long(value) {
                out.push((field, "too_long"));
            }
        }
        let Some(kind) = self.kind else { return out };
        let Some(rules) = regime.kind_rules(kind) else {
            return out;
        };
        let needs_description = kind != RequestKind::ProvisionStop;
        if needs_description && blank(&c.data_description) {
            out.push(("data_description", "required"));
        }
        if kind == RequestKind::Correction {
            if blank(&c.current_content) {
                out.push(("current_content", "required"));
            }
            if blank(&c.correct_content) {
                out.push(("correct_content", "required"));
            }
        }
        // A measure named that this kind does not offer is as good as none.
        let measure = c.measure().filter(|m| rules.measure(*m).is_some());
        match rules.check_ground(measure, c.ground()) {
            Ok(()) => {}
            Err(GroundProblem::MeasureMissing) => {
                out.push(("action", "required"));
                let grounds = rules.all_grounds();
                if !grounds.is_empty() && !c.ground().is_some_and(|g| grounds.contains(&g)) {
                    out.push(("ground", "required"));
                }
            }
            Err(GroundProblem::Missing) => out.push(("ground", "required")),
            Err(GroundProblem::NotForMeasure) => out.push(("ground", "not_for_measure")),
        }
        if let Some(rule) = rules.prior_disclosure {
            if !blank(&c.prior_disclosure_on)
                && super::person::birth_date(&c.prior_disclosure_on).is_none()
            {
                out.push(("prior_disclosure_on", "invalid"));
            } else {
                let problem =
                    prior_disclosure::assess(&rule, c.prior_disclosure_date(), today, cal);
                match problem {
                    Ok(_) => {}
                    Err(PriorDisclosureProblem::Missing) if !blank(&c.prior_disclosure_number) => {
                        out.push(("prior_disclosure_on", "unknown_number"))
                    }
                    Err(PriorDisclosureProblem::Missing) => {
                        out.push(("prior_disclosure_on", "required"))
                    }
                    Err(PriorDisclosureProblem::NotYetDisclosed) => {
                        out.push(("prior_disclosure_on", "future"))
                    }
                    Err(PriorDisclosureProblem::TooLate { .. }) => {
                        out.push(("prior_disclosure_on", "too_late"))
                    }
                }
            }
        }
        out
    }

    pub fn delivery_problems(&self, profile: &OperatorProfile) -> Vec<FieldProblem> {
        match self.delivery {
            _ if !self.needs_delivery_step(profile) => Vec::new(),
            Some(method) if profile.delivery_methods.contains(&method) => Vec::new(),
            _ => vec![("delivery", "required")],
        }
    }

    /// Every problem, with the step that shows it first.
    pub fn first_incomplete_step(
        &self,
        profile: &OperatorProfile,
        today: NaiveDate,
        cal: &BusinessCalendar,
    ) -> Option<Step> {
        if !self.start_problems(profile).is_empty() {
            Some(Step::Start)
        } else if !self.person_problems(today).is_empty() {
            Some(Step::Person)
        } else if !self.agent_problems(today).is_empty() {
            Some(Step::Agent)
        } else if !self.content_problems(profile.regime, today, cal).is_empty()
            || !self.extra_problems(profile).is_empty()
        {
            Some(Step::Content)
        } else if !self.delivery_problems(profile).is_empty() {
            Some(Step::Delivery)
        } else {
            None
        }
    }

    /// Whether the request deletes data that cannot be restored (PHR guideline Q&A Q3-11).
    pub fn deletes_data(&self) -> bool {
        self.content.measure().is_some_and(Measure::deletes_data)
    }
}

impl RequestDraft {
    /// Writes what the request itself says into a new case's facts: the measure asked for and
    /// the disclosure it follows (as stated; staff verify it), with the last day of its period.
    pub fn record_on(&self, facts: &mut CaseFacts, cal: &BusinessCalendar) {
        facts.measure = self.content.measure();
        let rule = facts.rules().and_then(|r| r.prior_disclosure);
        if let (Some(rule), Some(disclosed_on)) = (rule, self.content.prior_disclosure_date()) {
            let typed = super::person::birth_date(&self.content.prior_disclosure_on).is_some();
            facts.prior_disclosure = Some(PriorDisclosureRecord {
                disclosed_on,
                last_day: prior_disclosure::last_day(&rule, disclosed_on, cal),
                reference: self.content.prior_disclosure_reference(),
                source: if typed {
                    PriorDisclosureSource::Stated
                } else {
                    PriorDisclosureSource::Record
                },
                verified: false,
            });
        }
    }
}

fn agent_field(field: &'static str) -> &'static str {
    match field {
        "name" => "agent_name",
        "name_kana" => "agent_name_kana",
        "postal_code" => "agent_postal_code",
        "address" => "agent_address",
        "phone" => "agent_phone",
        "email" => "agent_email",
        other => other,
    }
}
