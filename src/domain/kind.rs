//! Request kinds and which regime knows them (docs/regimes.md §2).

use crate::domain::names::stable_names;
use crate::domain::regime::Regime;

/// What the person asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// 利用目的の通知の求め — APPI Art. 32(2) (private only).
    PurposeNotice,
    /// 開示請求 — APPI Art. 33(1) (private) / Art. 76 (public bodies).
    Disclosure,
    /// 第三者提供記録の開示 — APPI Art. 33(5) (private only).
    ProvisionRecords,
    /// 訂正等請求 — APPI Art. 34 (private) / Art. 90 (public bodies).
    Correction,
    /// 利用停止等請求 — APPI Art. 35(1),(5) (private) / Art. 98 (public bodies, which also covers
    /// 提供の停止 under Art. 98(1)(ii)).
    Suspension,
    /// 第三者提供の停止請求 — APPI Art. 35(3),(5) (private only; public bodies use [`Suspension`]).
    ///
    /// [`Suspension`]: RequestKind::Suspension
    ThirdPartyStop,
    /// 提供停止・削除の求め under 次世代医療基盤法 (旧法 Art. 30(1); current article number UNVERIFIED,
    /// docs/regimes.md §7). Deletion is modelled as operator policy with APPI Art. 35 as fallback.
    ProvisionStop,
}

stable_names!(RequestKind, "request kind", {
    PurposeNotice => "purpose_notice",
    Disclosure => "disclosure",
    ProvisionRecords => "provision_records",
    Correction => "correction",
    Suspension => "suspension",
    ThirdPartyStop => "third_party_stop",
    ProvisionStop => "provision_stop",
});

impl RequestKind {
    /// Whether the law lets `regime` receive this kind of request at all (the regime table).
    pub fn exists_under(self, regime: Regime) -> bool {
        regime.kind_rules(self).is_some()
    }

    /// Whether the law allows a fee for this kind under `regime`. Private: purpose notice and
    /// disclosure incl. provision records (APPI Art. 38(1)); public bodies: disclosure only
    /// (Art. 89(1)-(2)); never for correction, suspension or provision stop.
    pub fn may_carry_fee(self, regime: Regime) -> bool {
        regime.kind_rules(self).is_some_and(|rules| rules.fee)
    }

    /// Disclosure kinds end with a delivery (Art. 33(1)-(2) private; Art. 87 public bodies).
    pub fn is_disclosure(self) -> bool {
        matches!(
            self,
            RequestKind::Disclosure | RequestKind::ProvisionRecords
        )
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            RequestKind::PurposeNotice => "利用目的の通知の求め",
            RequestKind::Disclosure => "開示請求",
            RequestKind::ProvisionRecords => "第三者提供記録の開示請求",
            RequestKind::Correction => "訂正等請求",
            RequestKind::Suspension => "利用停止等請求",
            RequestKind::ThirdPartyStop => "第三者提供の停止請求",
            RequestKind::ProvisionStop => "提供停止・削除の求め（次世代医療基盤法）",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            RequestKind::PurposeNotice => "Notification of the purpose of use",
            RequestKind::Disclosure => "Disclosure",
            RequestKind::ProvisionRecords => "Disclosure of third-party provision records",
            RequestKind::Correction => "Correction, addition or deletion",
            RequestKind::Suspension => "Suspension of use or erasure",
            RequestKind::ThirdPartyStop => "Stop of provision to third parties",
            RequestKind::ProvisionStop => {
                "Stop of provision / deletion (Next-Generation Medical Infrastructure Act)"
            }
        }
    }

    /// The article that gives the right, for notices and explanations.
    pub fn article(self, regime: Regime) -> &'static str {
        regime
            .kind_rules(self)
            .map_or("個人情報保護法", |rules| rules.right.ja)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_names_including_kebab_case() {
        for kind in RequestKind::ALL {
            assert_eq!(kind.as_str().parse::<RequestKind>(), Ok(*kind));
            let kebab = kind.as_str().replace('_', "-");
            assert_eq!(kebab.parse::<RequestKind>(), Ok(*kind));
            assert_eq!(
                serde_json::to_string(kind).unwrap(),
                format!("\"{}\"", kind.as_str())
            );
        }
        let err = "refund".parse::<RequestKind>().unwrap_err();
        assert!(err.to_string().contains("purpose_notice"));
    }

    #[test]
    fn no_fee_for_correction_suspension_or_stops_anywhere() {
        for regime in Regime::ALL {
            for kind in [
                RequestKind::Correction,
                RequestKind::Suspension,
                RequestKind::ThirdPartyStop,
                RequestKind::ProvisionStop,
            ] {
                assert!(!kind.may_carry_fee(*regime), "{kind} under {regime}");
            }
        }
    }

    #[test]
    fn public_bodies_charge_only_for_disclosure() {
        for kind in RequestKind::ALL {
            assert_eq!(
                kind.may_carry_fee(Regime::NationalBody),
                *kind == RequestKind::Disclosure
            );
        }
        assert!(RequestKind::PurposeNotice.may_carry_fee(Regime::PrivateBusiness));
        assert!(!RequestKind::PurposeNotice.exists_under(Regime::LocalBody));
        assert!(RequestKind::ProvisionStop.exists_under(Regime::MedicalDataHandler));
        assert!(!RequestKind::ProvisionStop.exists_under(Regime::PrivateBusiness));
    }
}
