//! 第三者意見照会 (docs/regimes.md §9.6): before deciding on information about a third party, a
//! public body may — and in the cases of Art. 86(2) must — give that party the chance to submit
//! an opinion (Art. 86(1)-(2)). Where a consulted party objected and the body decides to disclose
//! anyway, at least two weeks must lie between the decision and the disclosure, and the party is
//! told at once of the decision, its reason and the disclosure date (Art. 86(3)).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::calendar::add_days;
use crate::domain::names::stable_names;

/// What the third party answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ThirdPartyReply {
    /// No objection to the disclosure.
    Agrees,
    /// An opinion opposing the disclosure (反対意見書).
    Objects,
}

stable_names!(ThirdPartyReply, "third-party reply", {
    Agrees => "agrees",
    Objects => "objects",
});

impl ThirdPartyReply {
    pub fn label_ja(self) -> &'static str {
        match self {
            ThirdPartyReply::Agrees => "開示に反対しない",
            ThirdPartyReply::Objects => "開示に反対（反対意見書）",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ThirdPartyReply::Agrees => "Does not object",
            ThirdPartyReply::Objects => "Objects to the disclosure",
        }
    }
}

/// One consultation as the case records it. Who was consulted is personal data: it is kept
/// sealed with the case's notes, under the same id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Consultation {
    pub id: String,
    pub sent_on: NaiveDate,
    pub reply_by: NaiveDate,
    pub reply: Option<ThirdPartyReply>,
    pub replied_on: Option<NaiveDate>,
}

/// The first day a disclosure may be carried out after a decision of `decided_on` over an
/// objection: `wait_days` full days must lie between the two (Art. 86(3): 「少なくとも二週間を
/// 置かなければならない」), so a decision of 4 April allows disclosure from 19 April.
pub fn disclosure_allowed_from(decided_on: NaiveDate, wait_days: u32) -> NaiveDate {
    add_days(decided_on, i64::from(wait_days) + 1)
}

/// Whether any consulted party objected.
pub fn any_objection(consultations: &[Consultation]) -> bool {
    consultations
        .iter()
        .any(|c| c.reply == Some(ThirdPartyReply::Objects))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_full_weeks_lie_between_decision_and_disclosure() {
        let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
        assert_eq!(disclosure_allowed_from(d(4, 4), 14), d(4, 19));
        assert_eq!(disclosure_allowed_from(d(4, 1), 14), d(4, 16));
    }
}
