//! A requester's consent to how this service handles their information, and its withdrawal
//! (撤回). The PHR guideline Q&A (seed 002, Q3-7, Q3-8; docs/consent.md §2, §3) asks that what a person
//! agreed to, and when, can be shown to them, and that a withdrawal counts from the moment it is
//! made: it does not reach back to what was done before it.

use chrono::{DateTime, Utc};

use crate::domain::names::stable_names;

/// Who recorded a withdrawal: the requester on their case page, or staff who were told of it by
/// telephone, letter or at the counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WithdrawnBy {
    Requester,
    Staff,
}

stable_names!(WithdrawnBy, "withdrawn by", {
    Requester => "requester",
    Staff => "staff",
});

/// One consent as recorded: the version of the notice agreed to, when, and its withdrawal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub notice_version: String,
    pub agreed_at: DateTime<Utc>,
    pub withdrawn: Option<Withdrawal>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Withdrawal {
    pub at: DateTime<Utc>,
    pub by: WithdrawnBy,
}

/// Why a withdrawal cannot be recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WithdrawalRefused {
    /// A consent is withdrawn once; the first withdrawal's time stands.
    #[error("already withdrawn at {0}")]
    AlreadyWithdrawn(DateTime<Utc>),
    /// A clock behind the recorded agreement: nothing is recorded rather than a history whose
    /// withdrawal comes before its agreement.
    #[error("the withdrawal would precede the agreement")]
    BeforeAgreement,
}

impl WithdrawalRefused {
    /// The code of the message that says so (`field.consent.<code>`).
    pub fn code(self) -> &'static str {
        match self {
            WithdrawalRefused::AlreadyWithdrawn(_) => "already_withdrawn",
            WithdrawalRefused::BeforeAgreement => "before_agreement",
        }
    }
}

impl Consent {
    /// Whether the consent stands at `at`: given by then and not withdrawn by then. A withdrawal
    /// does not reach back: before it, the consent stood.
    pub fn stands_at(&self, at: DateTime<Utc>) -> bool {
        self.agreed_at <= at && self.withdrawn.is_none_or(|w| at < w.at)
    }

    /// The withdrawal made at `at` by `by`, if one may be recorded.
    pub fn withdraw(
        &self,
        at: DateTime<Utc>,
        by: WithdrawnBy,
    ) -> Result<Withdrawal, WithdrawalRefused> {
        if let Some(earlier) = self.withdrawn {
            return Err(WithdrawalRefused::AlreadyWithdrawn(earlier.at));
        }
        if at < self.agreed_at {
            return Err(WithdrawalRefused::BeforeAgreement);
        }
        Ok(Withdrawal { at, by })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;

    fn agreed() -> Consent {
        Consent {
            notice_version: "2026-11-21".into(),
            agreed_at: Utc.with_ymd_and_hms(2026, 11, 25, 1, 0, 0).unwrap(),
            withdrawn: None,
        }
    }

    #[test]
    fn a_consent_is_withdrawn_once_and_never_before_it_was_given() {
        let consent = agreed();
        let later = consent.agreed_at + Duration::days(3);
        let withdrawal = consent.withdraw(later, WithdrawnBy::Requester).unwrap();
        assert_eq!(withdrawal.by, WithdrawnBy::Requester);
        let withdrawn = Consent {
            withdrawn: Some(withdrawal),
            ..consent.clone()
        };
        assert_eq!(
            withdrawn.withdraw(later + Duration::days(1), WithdrawnBy::Staff),
            Err(WithdrawalRefused::AlreadyWithdrawn(later))
        );
        assert_eq!(
            consent.withdraw(consent.agreed_at - Duration::seconds(1), WithdrawnBy::Staff),
            Err(WithdrawalRefused::BeforeAgreement)
        );
        assert_eq!(WithdrawnBy::Staff.as_str(), "staff");
        assert_eq!("requester".parse(), Ok(WithdrawnBy::Requester));
    }

    proptest! {
        /// Q3-8: a withdrawal counts from its moment on, never back: the consent stood at every
        /// instant between the agreement and the withdrawal, and at none after.
        #[test]
        fn a_withdrawal_does_not_reach_back(after in 0i64..10_000_000, probe in -1_000i64..20_000_000) {
            let consent = agreed();
            let at = consent.agreed_at + Duration::seconds(after);
            let withdrawal = consent.withdraw(at, WithdrawnBy::Requester).unwrap();
            let withdrawn = Consent { withdrawn: Some(withdrawal), ..consent.clone() };
            let t = consent.agreed_at + Duration::seconds(probe);
            prop_assert_eq!(withdrawn.stands_at(t), probe >= 0 && t < at);
            prop_assert_eq!(consent.stands_at(t), probe >= 0);
        }
    }
}
