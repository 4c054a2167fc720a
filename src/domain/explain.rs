//! Explanations of computed results, in Japanese and English.
//!
//! Computations take an [`Explain`] sink. [`NoExplanation`] discards every step without building
//! it — the step is a closure that is never called — so a computation without explanation
//! allocates nothing. [`Explanation`] collects the steps.

use serde::Serialize;

use crate::domain::text::Bilingual;

/// Where a computation reports its steps.
pub trait Explain {
    /// Records one step; `step` is only called when the sink keeps steps.
    fn step(&mut self, step: impl FnOnce() -> Bilingual);
}

/// Discards steps; building them is skipped entirely.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoExplanation;

impl Explain for NoExplanation {
    #[inline(always)]
    fn step(&mut self, _step: impl FnOnce() -> Bilingual) {}
}

/// The steps of a computation, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Explanation {
    pub steps: Vec<Bilingual>,
}

impl Explain for Explanation {
    fn step(&mut self, step: impl FnOnce() -> Bilingual) {
        self.steps.push(step());
    }
}

/// A legal or policy basis quoted in explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LegalBasis {
    pub ja: &'static str,
    pub en: &'static str,
}

impl LegalBasis {
    /// Disclosure decision period of public bodies.
    pub const APPI_83: LegalBasis = LegalBasis {
        ja: "個人情報保護法第83条",
        en: "APPI Art. 83",
    };
    /// Correction decision period of public bodies.
    pub const APPI_94: LegalBasis = LegalBasis {
        ja: "個人情報保護法第94条",
        en: "APPI Art. 94",
    };
    /// Suspension decision period of public bodies.
    pub const APPI_102: LegalBasis = LegalBasis {
        ja: "個人情報保護法第102条",
        en: "APPI Art. 102",
    };
    /// Private operators: "遅滞なく"; the period is the operator's internal target (APPI Art. 39
    /// lets the person sue two weeks after arrival).
    pub const PRIVATE_WITHOUT_DELAY: LegalBasis = LegalBasis {
        ja: "個人情報保護法第32条〜第35条（遅滞なく）・事業者の内部目標",
        en: "APPI Arts. 32-35 (\"without delay\"), operator's internal target",
    };
    /// 次世代医療基盤法 provision stop: handled at once, before any further provision.
    pub const MEDICAL_PROVISION_STOP: LegalBasis = LegalBasis {
        ja: "次世代医療基盤法（提供停止の求め）・事業者の内部目標",
        en: "Next-Generation Medical Infrastructure Act (stop of provision), operator's internal target",
    };
    /// Requester states the delivery method within 30 days of the notice.
    pub const APPI_87_3: LegalBasis = LegalBasis {
        ja: "個人情報保護法第87条第3項",
        en: "APPI Art. 87(3)",
    };
    /// Reply-by date of a 補正 request.
    pub const APPI_77_3: LegalBasis = LegalBasis {
        ja: "個人情報保護法第77条第3項（補正）",
        en: "APPI Art. 77(3) (correction of a defective request)",
    };
}
