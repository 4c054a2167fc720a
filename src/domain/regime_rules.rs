//! Each regime's own procedure as data (docs/regimes.md §9): for every regime and request kind,
//! the article that gives the right, the measures and grounds a requester may name, the outcomes a
//! decision may have, the decision period with its article, the extension and the special rule
//! with their effects, 開示前置 with its 90 days, 移送, 第三者意見照会 with its wait, and the
//! warnings that apply. The lifecycle, the pages and the statistics read this table; none of them
//! asks which regime a case is under.
//!
//! Article numbers without a law name are APPI (個人情報の保護に関する法律), current numbering.

use crate::domain::explain::LegalBasis;
use crate::domain::grounds::WithholdingGround;
use crate::domain::kind::RequestKind;
use crate::domain::names::stable_names;
use crate::domain::outcome::Outcome;
use crate::domain::regime::Regime;
use crate::domain::text::Bilingual;

pub use crate::domain::measure::Measure;

/// Why the person says the measure is due: the ground a suspension or stop request rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestGround {
    /// Private, Art. 35(1): handled beyond the purpose of use without consent (Art. 18).
    BeyondPurpose,
    /// Private, Art. 35(1): used in a way that may encourage unlawful or unjust acts (Art. 19).
    ImproperUse,
    /// Private, Art. 35(1): acquired by deceit or other improper means (Art. 20).
    ImproperAcquisition,
    /// Private, Art. 35(3): provided to a third party without consent (Art. 27(1)).
    ProvidedWithoutConsent,
    /// Private, Art. 35(3): provided to a third party abroad without consent (Art. 28).
    ProvidedAbroad,
    /// Private, Art. 35(5): no longer needed for the operator's use.
    NoLongerNeeded,
    /// Private, Art. 35(5): a leak or similar event under Art. 26(1) concerns the data.
    Leak,
    /// Private, Art. 35(5): any other handling that may harm the person's rights or legitimate
    /// interests.
    OtherHarm,
    /// Public, Art. 98(1)(i): held beyond what the purpose needs (Art. 61(2)).
    HeldBeyondPurpose,
    /// Public, Art. 98(1)(i): handled in a way that may encourage unlawful acts (Art. 63).
    ImproperHandling,
    /// Public, Art. 98(1)(i): acquired by deceit or other improper means (Art. 64).
    UnlawfulAcquisition,
    /// Public, Art. 98(1)(i): used for another purpose against Art. 69(1)-(2).
    UsedBeyondPurpose,
    /// Public, Art. 98(1)(ii): provided against Art. 69(1)-(2).
    ProvidedBeyondPurpose,
    /// Public, Art. 98(1)(ii): provided to a third party abroad against Art. 71(1).
    ProvidedAbroadUnlawfully,
}

stable_names!(RequestGround, "request ground", {
    BeyondPurpose => "beyond_purpose",
    ImproperUse => "improper_use",
    ImproperAcquisition => "improper_acquisition",
    ProvidedWithoutConsent => "provided_without_consent",
    ProvidedAbroad => "provided_abroad",
    NoLongerNeeded => "no_longer_needed",
    Leak => "leak",
    OtherHarm => "other",
    HeldBeyondPurpose => "held_beyond_purpose",
    ImproperHandling => "improper_handling",
    UnlawfulAcquisition => "unlawful_acquisition",
    UsedBeyondPurpose => "used_beyond_purpose",
    ProvidedBeyondPurpose => "provided_beyond_purpose",
    ProvidedAbroadUnlawfully => "provided_abroad_unlawfully",
});

impl RequestGround {
    /// The provision the ground rests on, as the form and the case page cite it.
    pub fn basis(self) -> LegalBasis {
        use RequestGround::*;
        let (ja, en) = match self {
            BeyondPurpose => ("法第35条第1項・第18条", "Arts. 35(1), 18"),
            ImproperUse => ("法第35条第1項・第19条", "Arts. 35(1), 19"),
            ImproperAcquisition => ("法第35条第1項・第20条", "Arts. 35(1), 20"),
            ProvidedWithoutConsent => ("法第35条第3項・第27条第1項", "Arts. 35(3), 27(1)"),
            ProvidedAbroad => ("法第35条第3項・第28条", "Arts. 35(3), 28"),
            NoLongerNeeded | Leak | OtherHarm => ("法第35条第5項", "Art. 35(5)"),
            HeldBeyondPurpose => ("法第98条第1項第1号・第61条第2項", "Arts. 98(1)(i), 61(2)"),
            ImproperHandling => ("法第98条第1項第1号・第63条", "Arts. 98(1)(i), 63"),
            UnlawfulAcquisition => ("法第98条第1項第1号・第64条", "Arts. 98(1)(i), 64"),
            UsedBeyondPurpose => (
                "法第98条第1項第1号・第69条第1項及び第2項",
                "Arts. 98(1)(i), 69(1)-(2)",
            ),
            ProvidedBeyondPurpose => (
                "法第98条第1項第2号・第69条第1項及び第2項",
                "Arts. 98(1)(ii), 69(1)-(2)",
            ),
            ProvidedAbroadUnlawfully => {
                ("法第98条第1項第2号・第71条第1項", "Arts. 98(1)(ii), 71(1)")
            }
        };
        LegalBasis { ja, en }
    }
}

/// How long the operator has to decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionPeriod {
    /// A statutory number of days from the day after arrival; a local body's 条例 may set fewer.
    Days { days: u32, basis: LegalBasis },
    /// "遅滞なく": no number; the operator keeps an internal target.
    WithoutDelay { basis: LegalBasis },
}

impl DecisionPeriod {
    pub fn basis(self) -> LegalBasis {
        match self {
            DecisionPeriod::Days { basis, .. } | DecisionPeriod::WithoutDelay { basis } => basis,
        }
    }
}

/// The ordinary extension (Arts. 83(2), 94(2), 102(2)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extension {
    /// The most the law allows; a 条例 or the operator may allow less.
    pub max_days: u32,
    pub basis: LegalBasis,
}

/// What the special rule does to the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpecialEffect {
    /// Art. 84: a considerable part is decided within `part_days` of the request, the remainder
    /// by the date stated in the notice — two decisions, each approved and notified on its own.
    PartThenRemainder { part_days: u32 },
    /// Arts. 95 / 103: the whole decision by the date stated in the notice.
    WholeByStatedDate,
}

/// The special rule for cases that need a particularly long time (Arts. 84, 95, 103). Its notice
/// goes out within the unextended period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecialExtension {
    pub effect: SpecialEffect,
    pub basis: LegalBasis,
}

/// 開示前置: the request may only concern information the person received through a disclosure,
/// and must be made within `days` of receiving it (Arts. 90(1), (3); 98(1), (3)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriorDisclosure {
    pub days: u32,
    /// The article limiting the request to disclosed information.
    pub basis: LegalBasis,
    /// The article fixing the period.
    pub period_basis: LegalBasis,
}

/// 移送 to another body (Arts. 85, 96): the requester is told in writing; the receiving body
/// decides, and what the transferring body did counts as its own, so the period keeps running
/// from the original arrival (85(2), 96(2)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transfer {
    pub basis: LegalBasis,
    pub deemed: LegalBasis,
}

/// 第三者意見照会 (Art. 86(1)-(2)); where a consulted third party objected, at least `wait_days`
/// must lie between the disclosure decision and the disclosure (86(3)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThirdPartyConsultation {
    pub basis: LegalBasis,
    pub wait_days: u32,
    pub wait_basis: LegalBasis,
}

/// A warning the request form shows, where it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Warning {
    /// Obtaining a disclosure of a public body by deceit is punished by a 過料 of up to 10万円.
    FalseDisclosureFine,
}

stable_names!(Warning, "warning", {
    FalseDisclosureFine => "false_disclosure_fine",
});

impl Warning {
    pub fn text(self) -> Bilingual {
        match self {
            Warning::FalseDisclosureFine => Bilingual::fixed(
                "偽りその他不正の手段により開示決定に基づく保有個人情報の開示を受けた者は、10万円以下の過料に処せられます。",
                "Anyone who obtains a disclosure by deception or other improper means may be fined up to 100,000 yen (non-criminal fine).",
            ),
        }
    }

    /// The penal provision. UNVERIFIED number: the specification cites Art. 180(3) after MOFA;
    /// the current numbering puts the 過料 in Art. 185 (docs/regimes.md §9).
    pub fn basis(self) -> LegalBasis {
        match self {
            Warning::FalseDisclosureFine => LegalBasis {
                ja: "個人情報保護法第185条第3号",
                en: "APPI Art. 185(iii)",
            },
        }
    }
}

/// One measure a request may ask for, with the grounds that go with it and the decisions on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeasureRule {
    pub measure: Measure,
    pub basis: LegalBasis,
    /// The grounds the requester chooses from; empty: none is needed (asked at any time).
    pub grounds: &'static [RequestGround],
    pub outcomes: &'static [Outcome],
}

/// Everything a regime says about one kind of request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindRules {
    pub kind: RequestKind,
    /// The provision that gives the right.
    pub right: LegalBasis,
    /// What may be asked for; empty for kinds without a choice (disclosure, correction).
    pub measures: &'static [MeasureRule],
    /// Every outcome a decision on the kind may have.
    pub outcomes: &'static [Outcome],
    /// The grounds on which information may be withheld (disclosure kinds).
    pub withholding: &'static [WithholdingGround],
    pub decision: DecisionPeriod,
    pub extension: Option<Extension>,
    pub special: Option<SpecialExtension>,
    pub prior_disclosure: Option<PriorDisclosure>,
    pub transfer: Option<Transfer>,
    pub consultation: Option<ThirdPartyConsultation>,
    pub warnings: &'static [Warning],
    /// Whether a fee may be charged (APPI Art. 38(1); Art. 89(1)-(2)).
    pub fee: bool,
}

impl KindRules {
    pub fn measure(&self, measure: Measure) -> Option<&'static MeasureRule> {
        self.measures.iter().find(|m| m.measure == measure)
    }

    /// Whether the requester chooses among several measures (a single one is implied).
    pub fn measure_is_chosen(&self) -> bool {
        self.measures.len() > 1
    }

    /// The measure asked for: the one chosen, or the only one there is.
    pub fn measure_asked(&self, chosen: Option<Measure>) -> Option<&'static MeasureRule> {
        match (chosen, self.measures) {
            (Some(m), _) => self.measure(m),
            (None, [only]) => Some(only),
            (None, _) => None,
        }
    }

    /// The outcomes a decision may have when `measure` was asked for (all of the kind's when it
    /// is unknown, as for cases recorded before measures were).
    pub fn outcomes_for(&self, measure: Option<Measure>) -> &'static [Outcome] {
        self.measure_asked(measure)
            .map_or(self.outcomes, |m| m.outcomes)
    }

    /// Every ground any measure of the kind offers, without repeats, in table order.
    pub fn all_grounds(&self) -> Vec<RequestGround> {
        let mut out: Vec<RequestGround> = Vec::new();
        for m in self.measures {
            for g in m.grounds {
                if !out.contains(g) {
                    out.push(*g);
                }
            }
        }
        out
    }

    /// Whether a ground is needed for `measure`, and if so whether `ground` is one of its own.
    pub fn check_ground(
        &self,
        measure: Option<Measure>,
        ground: Option<RequestGround>,
    ) -> Result<(), GroundProblem> {
        let Some(rule) = self.measure_asked(measure) else {
            return if self.measures.is_empty() {
                Ok(())
            } else {
                Err(GroundProblem::MeasureMissing)
            };
        };
        match ground {
            _ if rule.grounds.is_empty() => Ok(()),
            None => Err(GroundProblem::Missing),
            Some(g) if rule.grounds.contains(&g) => Ok(()),
            Some(_) => Err(GroundProblem::NotForMeasure),
        }
    }
}

/// Why a request's measure and ground do not fit the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroundProblem {
    MeasureMissing,
    Missing,
    NotForMeasure,
}

/// Everything one regime says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegimeRules {
    pub regime: Regime,
    pub kinds: &'static [KindRules],
    /// What the law calls the data (ja, en): 保有個人情報 (public bodies, Art. 60(1)) or
    /// 保有個人データ (businesses, Art. 16(4)).
    pub data_term: (&'static str, &'static str),
    /// Every decision carries the 教示 on 審査請求 (行政不服審査法 Art. 82(1)).
    pub appeal_instruction: bool,
    /// The decision period is fixed by statute (Arts. 83, 94, 102); otherwise the law says
    /// 「遅滞なく」 and the period shown is the operator's own target, never 「法定の期限」.
    pub statutory_period: bool,
}

impl RegimeRules {
    pub fn kind(&self, kind: RequestKind) -> Option<&'static KindRules> {
        self.kinds.iter().find(|k| k.kind == kind)
    }

    /// Every outcome any kind of the regime may have, in [`Outcome::ALL`] order.
    pub fn outcomes(&self) -> Vec<Outcome> {
        Outcome::ALL
            .iter()
            .copied()
            .filter(|o| self.kinds.iter().any(|k| k.outcomes.contains(o)))
            .collect()
    }

    /// Whether any kind of the regime can be transferred.
    pub fn transfers(&self) -> bool {
        self.kinds.iter().any(|k| k.transfer.is_some())
    }
}

const fn basis(ja: &'static str, en: &'static str) -> LegalBasis {
    LegalBasis { ja, en }
}

const NO_WITHHOLDING: &[WithholdingGround] = &[];

const PRIVATE_WITHHOLDING: &[WithholdingGround] = &[
    WithholdingGround::PrivateHarm,
    WithholdingGround::PrivateBusiness,
    WithholdingGround::PrivateOtherLaw,
];

const PUBLIC_WITHHOLDING: &[WithholdingGround] = &[
    WithholdingGround::PublicRequesterHarm,
    WithholdingGround::PublicThirdPerson,
    WithholdingGround::PublicCorporation,
    WithholdingGround::PublicNationalSecurity,
    WithholdingGround::PublicSafety,
    WithholdingGround::PublicDeliberation,
    WithholdingGround::PublicAffairs,
];

const SUSPEND: &[Outcome] = &[Outcome::Suspend, Outcome::NotSuspend];
const STOP: &[Outcome] = &[Outcome::StopProvision, Outcome::NotStopProvision];
const DELETE: &[Outcome] = &[Outcome::Delete, Outcome::NotDelete];

// ---- Private businesses (APPI Ch. 4 §2, Arts. 32-39) ------------------------------------------

const PRIVATE_SUSPENSION_GROUNDS: &[RequestGround] = &[
    RequestGround::BeyondPurpose,
    RequestGround::ImproperUse,
    RequestGround::ImproperAcquisition,
    RequestGround::NoLongerNeeded,
    RequestGround::Leak,
    RequestGround::OtherHarm,
];

const PRIVATE_STOP_GROUNDS: &[RequestGround] = &[
    RequestGround::ProvidedWithoutConsent,
    RequestGround::ProvidedAbroad,
    RequestGround::NoLongerNeeded,
    RequestGround::Leak,
    RequestGround::OtherHarm,
];

const fn private_kind(
    kind: RequestKind,
    right: LegalBasis,
    decision: LegalBasis,
    outcomes: &'static [Outcome],
    measures: &'static [MeasureRule],
    withholding: &'static [WithholdingGround],
    fee: bool,
) -> KindRules {
    KindRules {
        kind,
        right,
        measures,
        outcomes,
        withholding,
        decision: DecisionPeriod::WithoutDelay { basis: decision },
        extension: None,
        special: None,
        prior_disclosure: None,
        transfer: None,
        consultation: None,
        warnings: &[],
        fee,
    }
}

const PRIVATE_PURPOSE: KindRules = private_kind(
    RequestKind::PurposeNotice,
    basis("個人情報保護法第32条第2項", "APPI Art. 32(2)"),
    basis(
        "個人情報保護法第32条第2項・第3項（遅滞なく）",
        "APPI Art. 32(2)-(3) (without delay)",
    ),
    &[Outcome::Notify, Outcome::NotNotify],
    &[],
    NO_WITHHOLDING,
    true,
);

const PRIVATE_DISCLOSURE_OUTCOMES: &[Outcome] = &[
    Outcome::FullDisclosure,
    Outcome::PartialDisclosure,
    Outcome::NonDisclosure,
    Outcome::NotHeld,
];

const PRIVATE_DISCLOSURE: KindRules = private_kind(
    RequestKind::Disclosure,
    basis("個人情報保護法第33条第1項", "APPI Art. 33(1)"),
    basis(
        "個人情報保護法第33条第2項・第3項（遅滞なく）",
        "APPI Art. 33(2)-(3) (without delay)",
    ),
    PRIVATE_DISCLOSURE_OUTCOMES,
    &[],
    PRIVATE_WITHHOLDING,
    true,
);

const PRIVATE_PROVISION_RECORDS: KindRules = private_kind(
    RequestKind::ProvisionRecords,
    basis("個人情報保護法第33条第5項", "APPI Art. 33(5)"),
    basis(
        "個人情報保護法第33条第5項・第3項（遅滞なく）",
        "APPI Art. 33(5), (3) (without delay)",
    ),
    PRIVATE_DISCLOSURE_OUTCOMES,
    &[],
    PRIVATE_WITHHOLDING,
    true,
);

const PRIVATE_CORRECTION: KindRules = private_kind(
    RequestKind::Correction,
    basis("個人情報保護法第34条第1項", "APPI Art. 34(1)"),
    basis(
        "個人情報保護法第34条第2項・第3項（遅滞なく）",
        "APPI Art. 34(2)-(3) (without delay)",
    ),
    &[Outcome::Correct, Outcome::NotCorrect],
    &[],
    NO_WITHHOLDING,
    false,
);

const PRIVATE_SUSPENSION: KindRules = private_kind(
    RequestKind::Suspension,
    basis("個人情報保護法第35条第1項・第5項", "APPI Art. 35(1), (5)"),
    basis(
        "個人情報保護法第35条第2項・第6項・第7項（遅滞なく）",
        "APPI Art. 35(2), (6)-(7) (without delay)",
    ),
    SUSPEND,
    &[
        MeasureRule {
            measure: Measure::StopUse,
            basis: basis("個人情報保護法第35条第1項・第5項", "APPI Art. 35(1), (5)"),
            grounds: PRIVATE_SUSPENSION_GROUNDS,
            outcomes: SUSPEND,
        },
        MeasureRule {
            measure: Measure::Erase,
            basis: basis("個人情報保護法第35条第1項・第5項", "APPI Art. 35(1), (5)"),
            grounds: PRIVATE_SUSPENSION_GROUNDS,
            outcomes: SUSPEND,
        },
    ],
    NO_WITHHOLDING,
    false,
);

const PRIVATE_THIRD_PARTY_STOP: KindRules = private_kind(
    RequestKind::ThirdPartyStop,
    basis("個人情報保護法第35条第3項・第5項", "APPI Art. 35(3), (5)"),
    basis(
        "個人情報保護法第35条第4項・第6項・第7項（遅滞なく）",
        "APPI Art. 35(4), (6)-(7) (without delay)",
    ),
    STOP,
    &[MeasureRule {
        measure: Measure::StopProvision,
        basis: basis("個人情報保護法第35条第3項・第5項", "APPI Art. 35(3), (5)"),
        grounds: PRIVATE_STOP_GROUNDS,
        outcomes: STOP,
    }],
    NO_WITHHOLDING,
    false,
);

static PRIVATE_KINDS: [KindRules; 6] = [
    PRIVATE_PURPOSE,
    PRIVATE_DISCLOSURE,
    PRIVATE_PROVISION_RECORDS,
    PRIVATE_CORRECTION,
    PRIVATE_SUSPENSION,
    PRIVATE_THIRD_PARTY_STOP,
];

// ---- 次世代医療基盤法 ---------------------------------------------------------------------------

/// 提供停止・削除の求め. The stop of provision is the act's (旧法 Art. 30(1); the current article
/// number is UNVERIFIED); the deletion request is the certified producer's published procedure
/// (seed 004), with APPI Art. 35 as the fallback basis — its own outcomes, not a provision stop's.
const MEDICAL_PROVISION_STOP: KindRules = KindRules {
    kind: RequestKind::ProvisionStop,
    right: basis(
        "次世代医療基盤法（医療情報の提供停止・削除の求め）",
        "Next-Generation Medical Infrastructure Act (stop of provision, deletion)",
    ),
    measures: &[
        MeasureRule {
            measure: Measure::StopProvision,
            basis: basis(
                "次世代医療基盤法（提供停止の求め）",
                "Next-Generation Medical Infrastructure Act (stop of provision)",
            ),
            grounds: &[],
            outcomes: STOP,
        },
        MeasureRule {
            measure: Measure::Delete,
            basis: basis(
                "次世代医療基盤法に基づく削除の求め（事業者の公表する手続）",
                "Deletion request under the Next-Generation Medical Infrastructure Act scheme (the producer's published procedure)",
            ),
            grounds: &[],
            outcomes: DELETE,
        },
    ],
    outcomes: &[
        Outcome::StopProvision,
        Outcome::NotStopProvision,
        Outcome::Delete,
        Outcome::NotDelete,
    ],
    withholding: NO_WITHHOLDING,
    decision: DecisionPeriod::WithoutDelay {
        basis: LegalBasis::MEDICAL_PROVISION_STOP,
    },
    extension: None,
    special: None,
    prior_disclosure: None,
    transfer: None,
    consultation: None,
    warnings: &[],
    fee: false,
};

static MEDICAL_KINDS: [KindRules; 7] = [
    PRIVATE_PURPOSE,
    PRIVATE_DISCLOSURE,
    PRIVATE_PROVISION_RECORDS,
    PRIVATE_CORRECTION,
    PRIVATE_SUSPENSION,
    PRIVATE_THIRD_PARTY_STOP,
    MEDICAL_PROVISION_STOP,
];

// ---- Public bodies (APPI Ch. 5 §4, Arts. 76-107; local bodies since 2023-04-01) ---------------

const PUBLIC_SUSPENSION_USE_GROUNDS: &[RequestGround] = &[
    RequestGround::HeldBeyondPurpose,
    RequestGround::ImproperHandling,
    RequestGround::UnlawfulAcquisition,
    RequestGround::UsedBeyondPurpose,
];

const PUBLIC_SUSPENSION_PROVISION_GROUNDS: &[RequestGround] = &[
    RequestGround::ProvidedBeyondPurpose,
    RequestGround::ProvidedAbroadUnlawfully,
];

const PUBLIC_DISCLOSURE: KindRules = KindRules {
    kind: RequestKind::Disclosure,
    right: basis("個人情報保護法第76条第1項", "APPI Art. 76(1)"),
    measures: &[],
    outcomes: &[
        Outcome::FullDisclosure,
        Outcome::PartialDisclosure,
        Outcome::NonDisclosure,
        Outcome::NeitherConfirmNorDeny,
        Outcome::NotHeld,
    ],
    withholding: PUBLIC_WITHHOLDING,
    decision: DecisionPeriod::Days {
        days: 30,
        basis: LegalBasis::APPI_83,
    },
    extension: Some(Extension {
        max_days: 30,
        basis: basis("個人情報保護法第83条第2項", "APPI Art. 83(2)"),
    }),
    special: Some(SpecialExtension {
        effect: SpecialEffect::PartThenRemainder { part_days: 60 },
        basis: basis("個人情報保護法第84条", "APPI Art. 84"),
    }),
    prior_disclosure: None,
    transfer: Some(Transfer {
        basis: basis("個人情報保護法第85条第1項", "APPI Art. 85(1)"),
        deemed: basis("個人情報保護法第85条第2項", "APPI Art. 85(2)"),
    }),
    consultation: Some(ThirdPartyConsultation {
        basis: basis("個人情報保護法第86条第1項・第2項", "APPI Art. 86(1)-(2)"),
        wait_days: 14,
        wait_basis: basis("個人情報保護法第86条第3項", "APPI Art. 86(3)"),
    }),
    warnings: &[Warning::FalseDisclosureFine],
    fee: true,
};

const PUBLIC_CORRECTION: KindRules = KindRules {
    kind: RequestKind::Correction,
    right: basis("個人情報保護法第90条第1項", "APPI Art. 90(1)"),
    measures: &[],
    outcomes: &[Outcome::Correct, Outcome::NotCorrect],
    withholding: NO_WITHHOLDING,
    decision: DecisionPeriod::Days {
        days: 30,
        basis: LegalBasis::APPI_94,
    },
    extension: Some(Extension {
        max_days: 30,
        basis: basis("個人情報保護法第94条第2項", "APPI Art. 94(2)"),
    }),
    special: Some(SpecialExtension {
        effect: SpecialEffect::WholeByStatedDate,
        basis: basis("個人情報保護法第95条", "APPI Art. 95"),
    }),
    prior_disclosure: Some(PriorDisclosure {
        days: 90,
        basis: basis("個人情報保護法第90条第1項", "APPI Art. 90(1)"),
        period_basis: basis("個人情報保護法第90条第3項", "APPI Art. 90(3)"),
    }),
    transfer: Some(Transfer {
        basis: basis("個人情報保護法第96条第1項", "APPI Art. 96(1)"),
        deemed: basis("個人情報保護法第96条第2項", "APPI Art. 96(2)"),
    }),
    consultation: None,
    warnings: &[],
    fee: false,
};

/// Art. 98: 利用の停止又は消去 under (1)(i), 提供の停止 under (1)(ii) — one request kind, as
/// public bodies count it. The Act has no transfer article for it (Arts. 98-103).
const PUBLIC_SUSPENSION: KindRules = KindRules {
    kind: RequestKind::Suspension,
    right: basis("個人情報保護法第98条第1項", "APPI Art. 98(1)"),
    measures: &[
        MeasureRule {
            measure: Measure::StopUse,
            basis: basis("個人情報保護法第98条第1項第1号", "APPI Art. 98(1)(i)"),
            grounds: PUBLIC_SUSPENSION_USE_GROUNDS,
            outcomes: SUSPEND,
        },
        MeasureRule {
            measure: Measure::Erase,
            basis: basis("個人情報保護法第98条第1項第1号", "APPI Art. 98(1)(i)"),
            grounds: PUBLIC_SUSPENSION_USE_GROUNDS,
            outcomes: SUSPEND,
        },
        MeasureRule {
            measure: Measure::StopProvision,
            basis: basis("個人情報保護法第98条第1項第2号", "APPI Art. 98(1)(ii)"),
            grounds: PUBLIC_SUSPENSION_PROVISION_GROUNDS,
            outcomes: SUSPEND,
        },
    ],
    outcomes: SUSPEND,
    withholding: NO_WITHHOLDING,
    decision: DecisionPeriod::Days {
        days: 30,
        basis: LegalBasis::APPI_102,
    },
    extension: Some(Extension {
        max_days: 30,
        basis: basis("個人情報保護法第102条第2項", "APPI Art. 102(2)"),
    }),
    special: Some(SpecialExtension {
        effect: SpecialEffect::WholeByStatedDate,
        basis: basis("個人情報保護法第103条", "APPI Art. 103"),
    }),
    prior_disclosure: Some(PriorDisclosure {
        days: 90,
        basis: basis("個人情報保護法第98条第1項", "APPI Art. 98(1)"),
        period_basis: basis("個人情報保護法第98条第3項", "APPI Art. 98(3)"),
    }),
    transfer: None,
    consultation: None,
    warnings: &[],
    fee: false,
};

static PUBLIC_KINDS: [KindRules; 3] = [PUBLIC_DISCLOSURE, PUBLIC_CORRECTION, PUBLIC_SUSPENSION];

static PRIVATE: RegimeRules = RegimeRules {
    regime: Regime::PrivateBusiness,
    kinds: &PRIVATE_KINDS,
    data_term: ("保有個人データ", "retained personal data"),
    appeal_instruction: false,
    statutory_period: false,
};

static MEDICAL: RegimeRules = RegimeRules {
    regime: Regime::MedicalDataHandler,
    kinds: &MEDICAL_KINDS,
    data_term: ("保有個人データ", "retained personal data"),
    appeal_instruction: false,
    statutory_period: false,
};

static NATIONAL: RegimeRules = RegimeRules {
    regime: Regime::NationalBody,
    kinds: &PUBLIC_KINDS,
    data_term: ("保有個人情報", "retained personal information"),
    appeal_instruction: true,
    statutory_period: true,
};

static LOCAL: RegimeRules = RegimeRules {
    regime: Regime::LocalBody,
    kinds: &PUBLIC_KINDS,
    data_term: ("保有個人情報", "retained personal information"),
    appeal_instruction: true,
    statutory_period: true,
};

impl Regime {
    /// The regime's procedure as data.
    pub fn rules(self) -> &'static RegimeRules {
        match self {
            Regime::PrivateBusiness => &PRIVATE,
            Regime::MedicalDataHandler => &MEDICAL,
            Regime::NationalBody => &NATIONAL,
            Regime::LocalBody => &LOCAL,
        }
    }

    /// What the regime says about `kind`; None if the kind does not exist under it.
    pub fn kind_rules(self, kind: RequestKind) -> Option<&'static KindRules> {
        self.rules().kind(kind)
    }
}

#[cfg(test)]
#[path = "regime_rules_tests.rs"]
mod tests;
