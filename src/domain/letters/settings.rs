//! What an operator decides about its letters: the number format, how dates print, whether the
//! official seal is omitted, and what the 教示 names (public bodies) or where complaints go
//! (private operators). Each value carries its provenance: the periods are fixed by statute, the
//! rest is a default the operator confirms.

use serde::Serialize;

use super::dates::DateStyle;
use super::numbering::NumberFormat;
use crate::domain::provenance::Sourced;
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
