//! Which law governs an operator's requests (docs/regimes.md §1).

use crate::domain::names::stable_names;

/// The legal regime an operator answers under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Regime {
    /// 個人情報取扱事業者: APPI Ch. 4 §2, Arts. 32-39. Decisions "遅滞なく", no fixed period.
    PrivateBusiness,
    /// 行政機関 / 独立行政法人等: APPI Ch. 5 §4, Arts. 76-107. 30 days (+30).
    NationalBody,
    /// 地方公共団体の機関: APPI Arts. 76-107 plus the body's 条例 under Art. 108.
    LocalBody,
    /// A private business that is also a party under 次世代医療基盤法 (e.g. a certified producer):
    /// APPI private-sector requests plus 提供停止・削除の求め.
    MedicalDataHandler,
}

stable_names!(Regime, "regime", {
    PrivateBusiness => "private_business",
    NationalBody => "national_body",
    LocalBody => "local_body",
    MedicalDataHandler => "medical_data_handler",
});

impl Regime {
    /// Public bodies (行政機関等) answer under the public-body chapter. Inside the domain only (the
    /// wording of labels); what each regime allows is read from its table,
    /// [`Regime::rules`](crate::domain::regime_rules).
    pub fn is_public_body(self) -> bool {
        matches!(self, Regime::NationalBody | Regime::LocalBody)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Regime::PrivateBusiness => "個人情報取扱事業者",
            Regime::NationalBody => "行政機関等",
            Regime::LocalBody => "地方公共団体の機関",
            Regime::MedicalDataHandler => "次世代医療基盤法の医療情報取扱事業者等",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Regime::PrivateBusiness => "Private business",
            Regime::NationalBody => "National administrative body",
            Regime::LocalBody => "Local government body",
            Regime::MedicalDataHandler => {
                "Medical data handler (Next-Generation Medical Infrastructure Act)"
            }
        }
    }
}
