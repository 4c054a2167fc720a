//! What an operator decides about its letters: the number format, how dates print, whether the
//! official seal is omitted, and what the 教示 names (public bodies) or where complaints go
//! (private operators). Each value carries its provenance: the periods are fixed by statute, the
//! rest is a default the operator confirms.

use serde::Serialize;

use super::dates::DateStyle;
use super::numbering::NumberFormat;
use crate::domain::provenance::{Provenance, Sourced};
use crate::domain::regime::Regime;
use crate::domain::text::Bilingual;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LetterSettings {
    pub number_format: Sourced<NumberFormat>,
    pub date_style: Sourced<DateStyle>,
    /// Print 「（公印省略）」 under the sender (the letter goes out without the official seal).
    pub seal_omitted: Sourced<bool>,
    /// Where a 審査請求 goes (審査庁), e.g. 「神奈川県知事」. Public bodies only.
    pub review_authority: Sourced<Option<Bilingual>>,
    /// Months for a 審査請求 from the day after learning of the decision (行政不服審査法 Art. 18(1)).
    pub review_months: Sourced<u32>,
    /// Who is sued to annul a decision, e.g. 「国（訴訟において国を代表する者は法務大臣）」.
    pub lawsuit_defendant: Sourced<Option<Bilingual>>,
    /// Months for an action for annulment from learning of the decision (行政事件訴訟法 Art. 14(1)).
    pub lawsuit_months: Sourced<u32>,
    /// Where a private operator's requester may complain (its desk, or an accredited body).
    pub complaint_contact: Sourced<Option<Bilingual>>,
}

pub const REVIEW_MONTHS_ARTICLE: &str = "行政不服審査法第18条第1項";
pub const LAWSUIT_MONTHS_ARTICLE: &str = "行政事件訴訟法第14条第1項";

impl LetterSettings {
    /// The defaults for an operator under `regime`: statutory periods as statute, everything
    /// else to confirm. `defendant` is the state or public entity a public body belongs to
    /// (行政事件訴訟法 Art. 11(1)); for a national body it is the state, fixed by that article.
    pub fn defaults(regime: Regime, defendant: Option<Bilingual>) -> LetterSettings {
        let public = regime.is_public_body();
        let lawsuit_defendant = match regime {
            Regime::NationalBody => Sourced::statute(
                Some(Bilingual::fixed(
                    "国（訴訟において国を代表する者は法務大臣となります。）",
                    "the State (represented in court by the Minister of Justice)",
                )),
                "行政事件訴訟法第11条第1項、法務大臣権限法第1条",
            ),
            _ => Sourced::to_confirm(defendant),
        };
        LetterSettings {
            number_format: Sourced::to_confirm(if public {
                NumberFormat::standard()
            } else {
                NumberFormat::parse("{fy}-{seq:04}").unwrap_or_else(|_| NumberFormat::standard())
            }),
            date_style: Sourced::to_confirm(DateStyle::Japanese),
            seal_omitted: Sourced::to_confirm(public),
            review_authority: Sourced::to_confirm(None),
            review_months: Sourced::statute(3, REVIEW_MONTHS_ARTICLE),
            lawsuit_defendant,
            lawsuit_months: Sourced::statute(6, LAWSUIT_MONTHS_ARTICLE),
            complaint_contact: Sourced::to_confirm(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_statute_and_the_rest_waits_for_the_operator() {
        let national = LetterSettings::defaults(Regime::NationalBody, None);
        assert_eq!(national.review_months.public(), Some(&3));
        assert_eq!(national.lawsuit_months.public(), Some(&6));
        assert!(national.lawsuit_defendant.is_confirmed());
        assert!(!national.review_authority.is_confirmed());
        let local = LetterSettings::defaults(
            Regime::LocalBody,
            Some(Bilingual::fixed("神奈川県", "Kanagawa Prefecture")),
        );
        assert_eq!(local.lawsuit_defendant.public(), None);
        assert_eq!(local.date_style.value, DateStyle::Japanese);
        let private = LetterSettings::defaults(Regime::PrivateBusiness, None);
        assert!(!private.seal_omitted.value);
    }
}

/// What an administrator sets on the letters page, whole (a saved form replaces all of it).
/// Saved values are the operator's own: each is then confirmed and printed as it stands.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, Serialize)]
pub struct LetterAdjustments {
    pub number_format: NumberFormat,
    pub date_style: DateStyle,
    pub seal_omitted: bool,
    pub review_authority_ja: String,
    pub review_authority_en: String,
    pub lawsuit_defendant_ja: String,
    pub lawsuit_defendant_en: String,
    pub complaint_contact_ja: String,
    pub complaint_contact_en: String,
}

pub const TEXT_MAX_CHARS: usize = 200;

fn text_of(value: &Option<Bilingual>) -> (String, String) {
    value
        .as_ref()
        .map(|b| (b.ja.to_string(), b.en.to_string()))
        .unwrap_or_default()
}

fn bilingual(ja: &str, en: &str) -> Option<Bilingual> {
    (!ja.is_empty()).then(|| {
        let en = if en.is_empty() { ja } else { en };
        Bilingual::owned(ja.to_string(), en.to_string())
    })
}

impl LetterAdjustments {
    /// The values the settings hold now (the form's starting values).
    pub fn current(settings: &LetterSettings) -> LetterAdjustments {
        let (review_authority_ja, review_authority_en) = text_of(&settings.review_authority.value);
        let (lawsuit_defendant_ja, lawsuit_defendant_en) =
            text_of(&settings.lawsuit_defendant.value);
        let (complaint_contact_ja, complaint_contact_en) =
            text_of(&settings.complaint_contact.value);
        LetterAdjustments {
            number_format: settings.number_format.value.clone(),
            date_style: settings.date_style.value,
            seal_omitted: settings.seal_omitted.value,
            review_authority_ja,
            review_authority_en,
            lawsuit_defendant_ja,
            lawsuit_defendant_en,
            complaint_contact_ja,
            complaint_contact_en,
        }
    }

    /// What an administrator saved, if anything (saved settings are confirmed by the operator).
    pub fn saved(settings: &LetterSettings) -> Option<LetterAdjustments> {
        (settings.number_format.provenance == Provenance::ConfirmedByOperator)
            .then(|| LetterAdjustments::current(settings))
    }

    /// The settings with these values, each confirmed by the operator; the statutory periods
    /// stay as the statute fixes them.
    pub fn apply(&self, settings: &mut LetterSettings) {
        settings.number_format = Sourced {
            value: self.number_format.clone(),
            provenance: Provenance::ConfirmedByOperator,
        };
        settings.date_style = Sourced {
            value: self.date_style,
            provenance: Provenance::ConfirmedByOperator,
        };
        settings.seal_omitted = Sourced {
            value: self.seal_omitted,
            provenance: Provenance::ConfirmedByOperator,
        };
        settings.review_authority = Sourced {
            value: bilingual(&self.review_authority_ja, &self.review_authority_en),
            provenance: Provenance::ConfirmedByOperator,
        };
        settings.lawsuit_defendant = Sourced {
            value: bilingual(&self.lawsuit_defendant_ja, &self.lawsuit_defendant_en),
            provenance: Provenance::ConfirmedByOperator,
        };
        settings.complaint_contact = Sourced {
            value: bilingual(&self.complaint_contact_ja, &self.complaint_contact_en),
            provenance: Provenance::ConfirmedByOperator,
        };
    }

    /// Reads the letters form; every problem is reported with its field and message code.
    pub fn parse(
        field: &dyn Fn(&str) -> String,
    ) -> Result<LetterAdjustments, Vec<(&'static str, &'static str)>> {
        let mut problems = Vec::new();
        let number_format = match NumberFormat::parse(&field("number_format")) {
            Ok(format) => Some(format),
            Err(problem) => {
                problems.push(("number_format", problem.code()));
                None
            }
        };
        let date_style = match field("date_style").as_str() {
            "japanese" => DateStyle::Japanese,
            "gregorian" => DateStyle::Gregorian,
            _ => {
                problems.push(("date_style", "choose"));
                DateStyle::Japanese
            }
        };
        let mut text = |name: &'static str| -> String {
            let value = field(name).split_whitespace().collect::<Vec<_>>().join(" ");
            if value.chars().count() > TEXT_MAX_CHARS {
                problems.push((name, "too_long"));
            }
            value
        };
        // An English text left empty is the Japanese one, as the letter prints it.
        let pair = |ja: String, en: String| {
            let en = if en.is_empty() { ja.clone() } else { en };
            (ja, en)
        };
        let (review_ja, review_en) = pair(text("review_authority_ja"), text("review_authority_en"));
        let (defendant_ja, defendant_en) =
            pair(text("lawsuit_defendant_ja"), text("lawsuit_defendant_en"));
        let (contact_ja, contact_en) =
            pair(text("complaint_contact_ja"), text("complaint_contact_en"));
        let adjusted = LetterAdjustments {
            number_format: number_format.clone().unwrap_or_else(NumberFormat::standard),
            date_style,
            seal_omitted: !field("seal_omitted").is_empty(),
            review_authority_ja: review_ja,
            review_authority_en: review_en,
            lawsuit_defendant_ja: defendant_ja,
            lawsuit_defendant_en: defendant_en,
            complaint_contact_ja: contact_ja,
            complaint_contact_en: contact_en,
        };
        if problems.is_empty() {
            Ok(adjusted)
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod adjustment_tests {
    use super::*;
    use std::collections::HashMap;

    fn form(
        pairs: &[(&str, &str)],
    ) -> Result<LetterAdjustments, Vec<(&'static str, &'static str)>> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        LetterAdjustments::parse(&|name| map.get(name).cloned().unwrap_or_default())
    }

    #[test]
    fn an_empty_or_sequenceless_number_format_is_refused_and_nothing_saved_half() {
        assert_eq!(
            form(&[("number_format", ""), ("date_style", "japanese")]),
            Err(vec![("number_format", "required")])
        );
        assert_eq!(
            form(&[("number_format", "個情第号"), ("date_style", "era")]),
            Err(vec![
                ("number_format", "no_sequence"),
                ("date_style", "choose")
            ])
        );
    }

    #[test]
    fn saved_values_are_confirmed_and_printed() {
        let read = form(&[
            ("number_format", "{era_fy}県個第{seq}号"),
            ("date_style", "gregorian"),
            ("seal_omitted", "on"),
            ("review_authority_ja", "神奈川県知事"),
        ])
        .unwrap();
        let mut settings = LetterSettings::defaults(Regime::LocalBody, None);
        assert_eq!(LetterAdjustments::saved(&settings), None);
        read.apply(&mut settings);
        assert_eq!(
            settings.review_authority.public(),
            Some(&Some(Bilingual::fixed("神奈川県知事", "神奈川県知事")))
        );
        assert_eq!(settings.lawsuit_defendant.public(), Some(&None));
        assert_eq!(settings.review_months.public(), Some(&3));
        assert_eq!(LetterAdjustments::saved(&settings), Some(read));
    }
}
