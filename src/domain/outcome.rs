//! Decision outcomes per kind and regime (docs/regimes.md §3).

use crate::domain::kind::RequestKind;
use crate::domain::measure::Measure;
use crate::domain::names::stable_names;
use crate::domain::regime::Regime;

/// What a decision says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// 通知する — APPI Art. 32(2).
    Notify,
    /// 通知しない — APPI Art. 32(3).
    NotNotify,
    /// 全部開示 — Art. 33(1) / 82(1).
    FullDisclosure,
    /// 一部開示 — Art. 33(2) / 82(1)+79.
    PartialDisclosure,
    /// 不開示 — Art. 33(2)-(3) / 82(2).
    NonDisclosure,
    /// 存否応答拒否 — Art. 81 (public bodies only; private operators have no counterpart because such
    /// data are not 保有個人データ, Art. 16(4)).
    NeitherConfirmNorDeny,
    /// 不存在 — the data are not held (Art. 33(3) / 82(2)).
    NotHeld,
    /// 訂正する / 訂正等を行う — Art. 34(3) / 93.
    Correct,
    /// 訂正しない / 訂正等を行わない.
    NotCorrect,
    /// 利用停止等を行う / 利用停止する — Art. 35(7) / 101.
    Suspend,
    /// 利用停止等を行わない / 利用停止しない.
    NotSuspend,
    /// 提供停止する — Art. 35(7); 次世代医療基盤法.
    StopProvision,
    /// 提供停止しない.
    NotStopProvision,
    /// 削除する — 次世代医療基盤法's 削除の求め (the certified producer's procedure).
    Delete,
    /// 削除しない.
    NotDelete,
}

stable_names!(Outcome, "outcome", {
    Notify => "notify",
    NotNotify => "not_notify",
    FullDisclosure => "full_disclosure",
    PartialDisclosure => "partial_disclosure",
    NonDisclosure => "non_disclosure",
    NeitherConfirmNorDeny => "neither_confirm_nor_deny",
    NotHeld => "not_held",
    Correct => "correct",
    NotCorrect => "not_correct",
    Suspend => "suspend",
    NotSuspend => "not_suspend",
    StopProvision => "stop_provision",
    NotStopProvision => "not_stop_provision",
    Delete => "delete",
    NotDelete => "not_delete",
});

impl Outcome {
    /// The outcomes a decision on `kind` may have under `regime` (the regime table,
    /// [`crate::domain::regime_rules`]); empty if the kind does not exist under that regime.
    pub fn allowed(kind: RequestKind, regime: Regime) -> &'static [Outcome] {
        regime.kind_rules(kind).map_or(&[], |rules| rules.outcomes)
    }

    /// The outcomes when `measure` was asked for (stop of provision or deletion, say).
    pub fn allowed_for(
        kind: RequestKind,
        regime: Regime,
        measure: Option<Measure>,
    ) -> &'static [Outcome] {
        regime
            .kind_rules(kind)
            .map_or(&[], |rules| rules.outcomes_for(measure))
    }

    pub fn is_allowed(self, kind: RequestKind, regime: Regime) -> bool {
        Outcome::allowed(kind, regime).contains(&self)
    }

    /// Full and partial disclosure are followed by a delivery (method, copy fee, delivery).
    pub fn needs_delivery(self) -> bool {
        matches!(self, Outcome::FullDisclosure | Outcome::PartialDisclosure)
    }

    /// Whether the decision grants a measure that changes the data or its use (correction,
    /// suspension, stop of provision, deletion). Under a public body such a decision needs the
    /// disclosure it follows (開示前置, Arts. 90(1), 98(1)).
    pub fn grants_change(self) -> bool {
        matches!(
            self,
            Outcome::Correct | Outcome::Suspend | Outcome::StopProvision | Outcome::Delete
        )
    }

    /// Whether the decision refuses what was asked in whole or part; refusals must state reasons
    /// (APPI Art. 36, effort duty, for private operators; practice for public bodies).
    pub fn refuses(self) -> bool {
        !matches!(
            self,
            Outcome::Notify
                | Outcome::FullDisclosure
                | Outcome::Correct
                | Outcome::Suspend
                | Outcome::StopProvision
                | Outcome::Delete
        )
    }

    pub fn label_ja(self, regime: Regime) -> &'static str {
        let public = regime.is_public_body();
        match self {
            Outcome::Notify => "通知する",
            Outcome::NotNotify => "通知しない",
            Outcome::FullDisclosure => "全部開示",
            Outcome::PartialDisclosure => "一部開示",
            Outcome::NonDisclosure => "不開示",
            Outcome::NeitherConfirmNorDeny => "存否応答拒否",
            Outcome::NotHeld => "不存在",
            Outcome::Correct if public => "訂正する",
            Outcome::Correct => "訂正等を行う",
            Outcome::NotCorrect if public => "訂正しない",
            Outcome::NotCorrect => "訂正等を行わない",
            Outcome::Suspend if public => "利用停止する",
            Outcome::Suspend => "利用停止等を行う",
            Outcome::NotSuspend if public => "利用停止しない",
            Outcome::NotSuspend => "利用停止等を行わない",
            Outcome::StopProvision => "提供停止する",
            Outcome::NotStopProvision => "提供停止しない",
            Outcome::Delete => "削除する",
            Outcome::NotDelete => "削除しない",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Outcome::Notify => "Notify the purpose of use",
            Outcome::NotNotify => "Do not notify",
            Outcome::FullDisclosure => "Full disclosure",
            Outcome::PartialDisclosure => "Partial disclosure",
            Outcome::NonDisclosure => "Non-disclosure",
            Outcome::NeitherConfirmNorDeny => "Neither confirm nor deny existence",
            Outcome::NotHeld => "Not held",
            Outcome::Correct => "Correct",
            Outcome::NotCorrect => "Do not correct",
            Outcome::Suspend => "Suspend use / erase",
            Outcome::NotSuspend => "Do not suspend",
            Outcome::StopProvision => "Stop provision",
            Outcome::NotStopProvision => "Do not stop provision",
            Outcome::Delete => "Delete",
            Outcome::NotDelete => "Do not delete",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neither_confirm_nor_deny_only_for_public_bodies() {
        assert!(
            Outcome::NeitherConfirmNorDeny
                .is_allowed(RequestKind::Disclosure, Regime::NationalBody)
        );
        assert!(
            Outcome::NeitherConfirmNorDeny.is_allowed(RequestKind::Disclosure, Regime::LocalBody)
        );
        assert!(
            !Outcome::NeitherConfirmNorDeny
                .is_allowed(RequestKind::Disclosure, Regime::PrivateBusiness)
        );
        assert!(
            !Outcome::NeitherConfirmNorDeny
                .is_allowed(RequestKind::ProvisionRecords, Regime::MedicalDataHandler)
        );
    }

    #[test]
    fn each_kind_has_its_own_outcomes() {
        let p = Regime::PrivateBusiness;
        assert_eq!(
            Outcome::allowed(RequestKind::PurposeNotice, p),
            &[Outcome::Notify, Outcome::NotNotify]
        );
        assert!(Outcome::NotHeld.is_allowed(RequestKind::ProvisionRecords, p));
        assert!(!Outcome::Correct.is_allowed(RequestKind::Disclosure, p));
        assert!(Outcome::allowed(RequestKind::PurposeNotice, Regime::NationalBody).is_empty());
        assert_eq!(Outcome::Correct.label_ja(Regime::NationalBody), "訂正する");
        assert_eq!(Outcome::Correct.label_ja(p), "訂正等を行う");
        assert!(Outcome::PartialDisclosure.needs_delivery());
        assert!(!Outcome::NotHeld.needs_delivery());
        assert!(Outcome::PartialDisclosure.refuses());
    }
}
