//! What an administrator may adjust in a ready operator profile, and reading it from a form.
//!
//! The statutory part of a profile (regime, decision period, extensions, how pauses count, closed
//! days) is not adjustable: it is what the law the profile names says, and changing it would move
//! every open case's deadline. What differs between operators of one regime is: their name (it
//! heads every letter), office hours, which kinds of request they take online, how they deliver,
//! and the working values of reminders, 補正 reply periods and unconfirmed submissions.

use serde::{Deserialize, Serialize};

use crate::domain::delivery::DeliveryMethod;
use crate::domain::kind::RequestKind;
use crate::domain::letters::settings::LetterAdjustments;
use crate::domain::office_settings::{self, OfficeAdjustments};
use crate::domain::profile::OperatorProfile;
use crate::domain::provenance::Sourced;
use crate::domain::regime::Regime;
use crate::domain::text::Bilingual;

pub const NAME_MAX_CHARS: usize = 100;
pub const HOURS_MAX_CHARS: usize = 200;

/// The adjustable values, whole (a saved form replaces all of them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustments {
    pub operator_name_ja: String,
    pub operator_name_en: String,
    pub office_hours_ja: String,
    pub office_hours_en: String,
    pub kinds_offered: Vec<RequestKind>,
    pub delivery_methods: Vec<DeliveryMethod>,
    pub due_soon_office_days: u32,
    pub correction_reply_days: u32,
    pub unconfirmed_expiry_hours: u32,
    /// Absent from what was saved before it existed: off, as every ready profile has it.
    #[serde(default)]
    pub auto_dismiss_office_days: u32,
    /// The letters page's values, once an administrator saved them (absent: the defaults).
    #[serde(default)]
    pub letters: Option<LetterAdjustments>,
    /// The office's contact values (absent from what was saved before they were adjustable: the
    /// profile's own values stand).
    #[serde(default)]
    pub office: Option<OfficeAdjustments>,
}

/// A whole-number setting's name and its allowed range.
pub struct NumberRule {
    pub field: &'static str,
    pub min: u32,
    pub max: u32,
}

pub const DUE_SOON: NumberRule = NumberRule {
    field: "due_soon_office_days",
    min: 1,
    max: 20,
};
/// Art. 77(3)'s "相当の期間": at least a week to gather documents, at most three months.
pub const CORRECTION_REPLY: NumberRule = NumberRule {
    field: "correction_reply_days",
    min: 7,
    max: 90,
};
pub const UNCONFIRMED_EXPIRY: NumberRule = NumberRule {
    field: "unconfirmed_expiry_hours",
    min: 1,
    max: 720,
};
/// 0 leaves every dismissal to staff; at most six weeks of office days after the reply-by date.
pub const AUTO_DISMISS: NumberRule = NumberRule {
    field: "auto_dismiss_office_days",
    min: 0,
    max: 30,
};

impl Adjustments {
    /// The values a profile has now.
    pub fn of(profile: &OperatorProfile) -> Adjustments {
        Adjustments {
            operator_name_ja: profile.label.ja.to_string(),
            operator_name_en: profile.label.en.to_string(),
            office_hours_ja: profile.office.contact.hours.value.ja.to_string(),
            office_hours_en: profile.office.contact.hours.value.en.to_string(),
            kinds_offered: profile.kinds_offered.clone(),
            delivery_methods: profile.delivery_methods.clone(),
            due_soon_office_days: profile.due_soon_office_days,
            correction_reply_days: profile.correction_reply_days,
            unconfirmed_expiry_hours: profile.unconfirmed_expiry_hours,
            auto_dismiss_office_days: profile.auto_dismiss_office_days,
            letters: LetterAdjustments::saved(&profile.letters),
            office: Some(OfficeAdjustments::of(&profile.office)),
        }
    }

    /// `profile` with these values; a kind its regime does not know is left out (saved under
    /// another profile, say), so a stored value can never offer what the law does not provide.
    pub fn apply(&self, mut profile: OperatorProfile) -> OperatorProfile {
        profile.label =
            Bilingual::owned(self.operator_name_ja.clone(), self.operator_name_en.clone());
        let hours = Bilingual::owned(self.office_hours_ja.clone(), self.office_hours_en.clone());
        let confirm_hours = self
            .office
            .as_ref()
            .is_some_and(|o| o.confirmed.iter().any(|f| f == "hours"));
        if hours != profile.office.contact.hours.value || confirm_hours {
            profile.office.contact.hours = Sourced::confirmed(hours);
        }
        if let Some(office) = &self.office {
            office.apply(&mut profile.office);
        }
        let kinds: Vec<RequestKind> = self
            .kinds_offered
            .iter()
            .copied()
            .filter(|k| k.exists_under(profile.regime))
            .collect();
        if !kinds.is_empty() {
            profile.kinds_offered = kinds;
        }
        if !self.delivery_methods.is_empty() {
            profile.delivery_methods = self.delivery_methods.clone();
        }
        profile.due_soon_office_days = self.due_soon_office_days;
        profile.correction_reply_days = self.correction_reply_days;
        profile.unconfirmed_expiry_hours = self.unconfirmed_expiry_hours;
        profile.auto_dismiss_office_days = self.auto_dismiss_office_days;
        if let Some(letters) = &self.letters {
            letters.apply(&mut profile.letters);
        }
        profile
    }

    /// The names of the values that differ from `before`, for the audit log.
    pub fn changed_from(&self, before: &Adjustments) -> Vec<&'static str> {
        let mut changed = Vec::new();
        let mut note = |differs: bool, name: &'static str| {
            if differs {
                changed.push(name);
            }
        };
        note(
            self.operator_name_ja != before.operator_name_ja,
            "operator_name_ja",
        );
        note(
            self.operator_name_en != before.operator_name_en,
            "operator_name_en",
        );
        note(
            self.office_hours_ja != before.office_hours_ja,
            "office_hours_ja",
        );
        note(
            self.office_hours_en != before.office_hours_en,
            "office_hours_en",
        );
        note(self.kinds_offered != before.kinds_offered, "kinds_offered");
        note(
            self.delivery_methods != before.delivery_methods,
            "delivery_methods",
        );
        note(
            self.due_soon_office_days != before.due_soon_office_days,
            DUE_SOON.field,
        );
        note(
            self.correction_reply_days != before.correction_reply_days,
            CORRECTION_REPLY.field,
        );
        note(
            self.unconfirmed_expiry_hours != before.unconfirmed_expiry_hours,
            UNCONFIRMED_EXPIRY.field,
        );
        note(
            self.auto_dismiss_office_days != before.auto_dismiss_office_days,
            AUTO_DISMISS.field,
        );
        note(self.letters != before.letters, "letters");
        let office = |a: &Adjustments| a.office.clone().unwrap_or_default();
        let (now, then) = (office(self), office(before));
        for field in office_settings::TEXT_FIELDS {
            note(now.get(field) != then.get(field), field);
        }
        note(!now.confirmed.is_empty(), "office_confirmed");
        changed
    }
}

/// What is wrong with one field; its code names the message (`field.<name>.<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Required,
    TooLong,
    NotANumber,
    OutOfRange,
    NoneChosen,
    NotOffered,
    /// A typed office value in the wrong form: its code (`not_an_email`, …).
    Office(&'static str),
}

impl Problem {
    pub fn code(self) -> &'static str {
        match self {
            Problem::Required => "required",
            Problem::TooLong => "too_long",
            Problem::NotANumber => "not_a_number",
            Problem::OutOfRange => "out_of_range",
            Problem::NoneChosen => "none_chosen",
            Problem::NotOffered => "not_offered",
            Problem::Office(code) => code,
        }
    }
}

/// The adjustment form as submitted: single fields by name, and the ticked boxes.
pub struct Submitted<'a> {
    pub field: &'a dyn Fn(&str) -> &'a str,
    pub kinds: &'a [String],
    pub delivery_methods: &'a [String],
    /// The office values ticked "confirmed as they stand".
    pub confirmed: &'a [String],
}

/// Reads the form for a profile of `regime`; every problem is reported, each with its field.
pub fn parse(
    form: &Submitted<'_>,
    regime: Regime,
) -> Result<Adjustments, Vec<(&'static str, Problem)>> {
    let mut problems = Vec::new();
    let mut text = |name: &'static str, max: usize| -> String {
        let value = squeeze((form.field)(name));
        if value.is_empty() {
            problems.push((name, Problem::Required));
        } else if value.chars().count() > max {
            problems.push((name, Problem::TooLong));
        }
        value
    };
    let operator_name_ja = text("operator_name_ja", NAME_MAX_CHARS);
    let operator_name_en = text("operator_name_en", NAME_MAX_CHARS);
    let office_hours_ja = text("office_hours_ja", HOURS_MAX_CHARS);
    let office_hours_en = text("office_hours_en", HOURS_MAX_CHARS);

    let mut kinds_offered = Vec::new();
    for given in form.kinds {
        match given.parse::<RequestKind>() {
            Ok(kind) if kind.exists_under(regime) => {
                if !kinds_offered.contains(&kind) {
                    kinds_offered.push(kind);
                }
            }
            _ => problems.push(("kinds_offered", Problem::NotOffered)),
        }
    }
    if form.kinds.is_empty() {
        problems.push(("kinds_offered", Problem::NoneChosen));
    }
    // Stored in the regime's order, so that pages list kinds alike whatever was ticked first.
    kinds_offered.sort_by_key(|k| RequestKind::ALL.iter().position(|a| a == k));

    let mut delivery_methods = Vec::new();
    for given in form.delivery_methods {
        match given.parse::<DeliveryMethod>() {
            Ok(method) => {
                if !delivery_methods.contains(&method) {
                    delivery_methods.push(method);
                }
            }
            Err(_) => problems.push(("delivery_methods", Problem::NotOffered)),
        }
    }
    if form.delivery_methods.is_empty() {
        problems.push(("delivery_methods", Problem::NoneChosen));
    }
    delivery_methods.sort_by_key(|m| DeliveryMethod::ALL.iter().position(|a| a == m));

    let mut number = |rule: &NumberRule| -> u32 {
        match parse_number((form.field)(rule.field)) {
            Ok(n) if (rule.min..=rule.max).contains(&n) => n,
            Ok(_) => {
                problems.push((rule.field, Problem::OutOfRange));
                0
            }
            Err(problem) => {
                problems.push((rule.field, problem));
                0
            }
        }
    };
    let due_soon_office_days = number(&DUE_SOON);
    let correction_reply_days = number(&CORRECTION_REPLY);
    let unconfirmed_expiry_hours = number(&UNCONFIRMED_EXPIRY);
    let auto_dismiss_office_days = number(&AUTO_DISMISS);

    let mut office = OfficeAdjustments {
        confirmed: form.confirmed.to_vec(),
        ..OfficeAdjustments::default()
    };
    for name in office_settings::TEXT_FIELDS {
        let value = squeeze((form.field)(name));
        if let Some(code) = office_settings::problem(name, &value) {
            problems.push((name, Problem::Office(code)));
        }
        let slot = match name {
            "phone" => &mut office.phone,
            "freephone" => &mut office.freephone,
            "email" => &mut office.email,
            "web_form" => &mut office.web_form,
            "postal_postcode" => &mut office.postal_postcode,
            "postal_ja" => &mut office.postal_ja,
            "postal_en" => &mut office.postal_en,
            "originals_postcode" => &mut office.originals_postcode,
            "originals_ja" => &mut office.originals_ja,
            _ => &mut office.originals_en,
        };
        *slot = value;
    }

    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Adjustments {
        operator_name_ja,
        operator_name_en,
        office_hours_ja,
        office_hours_en,
        kinds_offered,
        delivery_methods,
        due_soon_office_days,
        correction_reply_days,
        unconfirmed_expiry_hours,
        auto_dismiss_office_days,
        // The letters page saves these; the profile form leaves them as they are.
        letters: None,
        office: Some(office),
    })
}

/// Trims and collapses runs of white space (full-width included) to one space.
fn squeeze(raw: &str) -> String {
    raw.split(|c: char| c.is_whitespace())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Units people write after the number, longest first so `開庁日` is not read as `日`.
const UNITS: [&str; 8] = [
    "開庁日",
    "営業日",
    "時間",
    "hours",
    "hour",
    "days",
    "day",
    "日",
];

/// A whole number as people type it: `5`, `５`, `5日`, `72時間`, ` 14 days`.
fn parse_number(raw: &str) -> Result<u32, Problem> {
    let trimmed = raw.trim();
    let lower = trimmed.to_ascii_lowercase();
    let unit = UNITS
        .iter()
        .find(|unit| lower.ends_with(*unit))
        .map_or(0, |unit| unit.len());
    let digits: String = trimmed[..trimmed.len() - unit]
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c,
        })
        .collect();
    if digits.is_empty() {
        return Err(Problem::Required);
    }
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(Problem::NotANumber);
    }
    Ok(digits.parse::<u32>().unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::profile::ProfileName;
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn submitted(
        fields: &HashMap<&str, &str>,
        kinds: &[&str],
        methods: &[&str],
    ) -> Result<Adjustments, Vec<(&'static str, Problem)>> {
        let kinds: Vec<String> = kinds.iter().map(|s| s.to_string()).collect();
        let methods: Vec<String> = methods.iter().map(|s| s.to_string()).collect();
        let get = |name: &str| fields.get(name).copied().unwrap_or("");
        parse(
            &Submitted {
                field: &get,
                kinds: &kinds,
                delivery_methods: &methods,
                confirmed: &[],
            },
            Regime::LocalBody,
        )
    }

    fn good() -> HashMap<&'static str, &'static str> {
        HashMap::from([
            ("operator_name_ja", "  神奈川県　くらし安全防災局  "),
            ("operator_name_en", "Kanagawa Prefecture"),
            ("office_hours_ja", "平日 8:30〜17:15"),
            ("office_hours_en", "Weekdays 8:30-17:15"),
            ("due_soon_office_days", "３"),
            ("correction_reply_days", "21日"),
            ("unconfirmed_expiry_hours", "48 hours"),
            ("auto_dismiss_office_days", "０"),
        ])
    }

    #[test]
    fn a_form_typed_as_people_type_is_read() {
        let read = submitted(
            &good(),
            &["correction", "disclosure", "correction"],
            &["paper_by_post", "counter"],
        )
        .unwrap();
        assert_eq!(read.operator_name_ja, "神奈川県 くらし安全防災局");
        assert_eq!(
            read.kinds_offered,
            vec![RequestKind::Disclosure, RequestKind::Correction]
        );
        assert_eq!(
            read.delivery_methods,
            vec![DeliveryMethod::PaperByPost, DeliveryMethod::Counter]
        );
        assert_eq!(
            (
                read.due_soon_office_days,
                read.correction_reply_days,
                read.unconfirmed_expiry_hours,
                read.auto_dismiss_office_days
            ),
            (3, 21, 48, 0)
        );
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let mut fields = good();
        fields.insert("operator_name_ja", " 　");
        let long = "あ".repeat(HOURS_MAX_CHARS + 1);
        fields.insert("office_hours_ja", &long);
        fields.insert("correction_reply_days", "二週間");
        fields.insert("due_soon_office_days", "0開庁日");
        fields.insert("unconfirmed_expiry_hours", "");
        fields.insert("auto_dismiss_office_days", "31営業日");
        let problems = submitted(&fields, &["purpose_notice"], &[]).unwrap_err();
        assert_eq!(
            problems,
            vec![
                ("operator_name_ja", Problem::Required),
                ("office_hours_ja", Problem::TooLong),
                // 利用目的の通知 is not a request a local body's regime provides.
                ("kinds_offered", Problem::NotOffered),
                ("delivery_methods", Problem::NoneChosen),
                ("due_soon_office_days", Problem::OutOfRange),
                ("correction_reply_days", Problem::NotANumber),
                ("unconfirmed_expiry_hours", Problem::Required),
                ("auto_dismiss_office_days", Problem::OutOfRange),
            ]
        );
        let none = submitted(&good(), &[], &["counter"]).unwrap_err();
        assert_eq!(none, vec![("kinds_offered", Problem::NoneChosen)]);
    }

    #[test]
    fn a_ready_profile_applied_to_its_own_values_is_unchanged() {
        for name in ProfileName::ALL {
            let ready = name.profile();
            assert_eq!(Adjustments::of(&ready).apply(ready.clone()), ready);
        }
    }

    #[test]
    fn kinds_unknown_to_the_regime_are_never_offered() {
        let mut adjusted = Adjustments::of(&ProfileName::Jmimo.profile());
        adjusted.kinds_offered = RequestKind::ALL.to_vec();
        let applied = adjusted.apply(ProfileName::Kanagawa.profile());
        assert!(
            applied
                .kinds_offered
                .iter()
                .all(|k| k.exists_under(Regime::LocalBody))
        );
        assert_eq!(
            adjusted.changed_from(&Adjustments::of(&ProfileName::Jmimo.profile())),
            Vec::<&str>::new()
        );
    }

    proptest! {
        #[test]
        fn numbers_in_range_are_accepted_and_others_refused(n in 0u32..2000, wide in any::<bool>()) {
            let typed = if wide {
                n.to_string().chars().map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap()).collect()
            } else {
                format!("{n}日")
            };
            let mut fields = good();
            fields.insert("correction_reply_days", &typed);
            let read = submitted(&fields, &["disclosure"], &["counter"]);
            if (CORRECTION_REPLY.min..=CORRECTION_REPLY.max).contains(&n) {
                prop_assert_eq!(read.unwrap().correction_reply_days, n);
            } else {
                prop_assert_eq!(read.unwrap_err(), vec![("correction_reply_days", Problem::OutOfRange)]);
            }
        }
    }
}
