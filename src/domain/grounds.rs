//! Grounds for withholding information in a disclosure decision (docs/regimes.md §4): a private
//! operator may refuse under APPI Art. 33(2)(i)-(iii), a public body under the 不開示情報 of
//! Art. 78(1). The drafter picks them from this list so the yearly figures can count 不開示 "and
//! its grounds"; the notice's text still states them in words, as Art. 36 / 82 require.

use crate::domain::names::{UnknownName, stable_names};
use crate::domain::outcome::Outcome;
use crate::domain::regime::Regime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WithholdingGround {
    /// Art. 33(2)(i): harm to the life, body, property or other rights of the person or a third party.
    PrivateHarm,
    /// Art. 33(2)(ii): serious hindrance to the proper conduct of the operator's business.
    PrivateBusiness,
    /// Art. 33(2)(iii): disclosure would violate another law.
    PrivateOtherLaw,
    /// Art. 78(1)(i): would harm the requester's life, health, livelihood or property.
    PublicRequesterHarm,
    /// Art. 78(1)(ii): information about an individual other than the requester.
    PublicThirdPerson,
    /// Art. 78(1)(iii): information about a corporation or other business.
    PublicCorporation,
    /// Art. 78(1)(iv): national security or relations with other countries.
    PublicNationalSecurity,
    /// Art. 78(1)(v): public safety and order.
    PublicSafety,
    /// Art. 78(1)(vi): deliberation and consultation inside public bodies.
    PublicDeliberation,
    /// Art. 78(1)(vii): the proper conduct of a public body's affairs or business.
    PublicAffairs,
}

stable_names!(WithholdingGround, "withholding ground", {
    PrivateHarm => "art33_2_1",
    PrivateBusiness => "art33_2_2",
    PrivateOtherLaw => "art33_2_3",
    PublicRequesterHarm => "art78_1_1",
    PublicThirdPerson => "art78_1_2",
    PublicCorporation => "art78_1_3",
    PublicNationalSecurity => "art78_1_4",
    PublicSafety => "art78_1_5",
    PublicDeliberation => "art78_1_6",
    PublicAffairs => "art78_1_7",
});

impl WithholdingGround {
    /// The grounds a decision under `regime` may rest on: those of its disclosure rules in the
    /// regime table (Art. 33(2) for businesses, Art. 78(1) for public bodies).
    pub fn allowed(regime: Regime) -> &'static [WithholdingGround] {
        regime
            .kind_rules(crate::domain::kind::RequestKind::Disclosure)
            .map_or(&[], |rules| rules.withholding)
    }

    pub fn label_ja(self) -> &'static str {
        use WithholdingGround::*;
        match self {
            PrivateHarm => {
                "法第33条第2項第1号（本人又は第三者の生命・身体・財産その他の権利利益を害するおそれ）"
            }
            PrivateBusiness => "法第33条第2項第2号（業務の適正な実施に著しい支障を及ぼすおそれ）",
            PrivateOtherLaw => "法第33条第2項第3号（他の法令に違反することとなる場合）",
            PublicRequesterHarm => {
                "法第78条第1項第1号（開示請求者の生命、健康、生活又は財産を害するおそれ）"
            }
            PublicThirdPerson => "法第78条第1項第2号（開示請求者以外の個人に関する情報）",
            PublicCorporation => "法第78条第1項第3号（法人等に関する情報）",
            PublicNationalSecurity => "法第78条第1項第4号（国の安全等に関する情報）",
            PublicSafety => "法第78条第1項第5号（公共の安全等に関する情報）",
            PublicDeliberation => "法第78条第1項第6号（審議・検討等に関する情報）",
            PublicAffairs => "法第78条第1項第7号（事務又は事業に関する情報）",
        }
    }

    pub fn label_en(self) -> &'static str {
        use WithholdingGround::*;
        match self {
            PrivateHarm => {
                "Art. 33(2)(i): harm to the life, body, property or rights of the person or others"
            }
            PrivateBusiness => {
                "Art. 33(2)(ii): serious hindrance to the proper conduct of business"
            }
            PrivateOtherLaw => "Art. 33(2)(iii): would violate another law",
            PublicRequesterHarm => {
                "Art. 78(1)(i): harm to the requester's life, health, livelihood or property"
            }
            PublicThirdPerson => "Art. 78(1)(ii): information about another individual",
            PublicCorporation => "Art. 78(1)(iii): information about a corporation",
            PublicNationalSecurity => "Art. 78(1)(iv): national security",
            PublicSafety => "Art. 78(1)(v): public safety and order",
            PublicDeliberation => "Art. 78(1)(vi): deliberation within public bodies",
            PublicAffairs => "Art. 78(1)(vii): conduct of public affairs",
        }
    }

    /// Outcomes that withhold something and so must name at least one ground.
    pub fn required_for(outcome: Outcome) -> bool {
        matches!(
            outcome,
            Outcome::PartialDisclosure | Outcome::NonDisclosure | Outcome::NeitherConfirmNorDeny
        )
    }

    /// Stored form: codes in declaration order, comma-separated, no duplicates.
    pub fn join(grounds: &[WithholdingGround]) -> String {
        let mut sorted = grounds.to_vec();
        sorted.sort();
        sorted.dedup();
        sorted
            .iter()
            .map(|g| g.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Reads the stored form back; an empty string is no grounds.
    pub fn split(stored: &str) -> Result<Vec<WithholdingGround>, UnknownName> {
        stored
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::parse)
            .collect()
    }
}

/// Why a set of chosen grounds cannot go with a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroundsProblem {
    /// The outcome withholds information but no ground was chosen.
    Missing,
    /// A ground that does not apply under the regime (a public body citing Art. 33(2), say).
    NotUnderRegime(WithholdingGround),
    /// Grounds given for an outcome that withholds nothing.
    NotWithheld,
}

/// Checks the grounds chosen for a decision with `outcome` under `regime`.
pub fn check(
    outcome: Outcome,
    regime: Regime,
    grounds: &[WithholdingGround],
) -> Result<(), GroundsProblem> {
    if !WithholdingGround::required_for(outcome) {
        return if grounds.is_empty() {
            Ok(())
        } else {
            Err(GroundsProblem::NotWithheld)
        };
    }
    if let Some(g) = grounds
        .iter()
        .find(|g| !WithholdingGround::allowed(regime).contains(g))
    {
        return Err(GroundsProblem::NotUnderRegime(*g));
    }
    if grounds.is_empty() {
        return Err(GroundsProblem::Missing);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn each_regime_has_its_own_grounds() {
        for regime in Regime::ALL {
            let allowed = WithholdingGround::allowed(*regime);
            assert!(!allowed.is_empty());
            let prefix = if regime.is_public_body() {
                "art78"
            } else {
                "art33"
            };
            assert!(allowed.iter().all(|g| g.as_str().starts_with(prefix)));
        }
    }

    #[test]
    fn withholding_outcomes_need_a_ground_of_their_regime() {
        use WithholdingGround::*;
        let public = Regime::NationalBody;
        let private = Regime::PrivateBusiness;
        assert_eq!(
            check(Outcome::NonDisclosure, public, &[]),
            Err(GroundsProblem::Missing)
        );
        assert_eq!(
            check(Outcome::NonDisclosure, public, &[PrivateHarm]),
            Err(GroundsProblem::NotUnderRegime(PrivateHarm))
        );
        assert_eq!(
            check(Outcome::PartialDisclosure, public, &[PublicThirdPerson]),
            Ok(())
        );
        assert_eq!(
            check(Outcome::NonDisclosure, private, &[PrivateBusiness]),
            Ok(())
        );
        assert_eq!(
            check(Outcome::FullDisclosure, private, &[PrivateBusiness]),
            Err(GroundsProblem::NotWithheld)
        );
        assert_eq!(check(Outcome::NotHeld, public, &[]), Ok(()));
    }

    proptest! {
        #[test]
        fn stored_form_reads_back_sorted_without_duplicates(
            picks in proptest::collection::vec(0..WithholdingGround::ALL.len(), 0..12)
        ) {
            let grounds: Vec<_> = picks.iter().map(|i| WithholdingGround::ALL[*i]).collect();
            let back = WithholdingGround::split(&WithholdingGround::join(&grounds)).unwrap();
            let mut expected = grounds.clone();
            expected.sort();
            expected.dedup();
            prop_assert_eq!(back, expected);
        }
    }
}
