//! A case's fee ledger: the only place that decides what is owed. Charges, payments, waivers,
//! refunds and reversals are entries, never edited or deleted; a wrong entry is answered by a
//! reversal with its reason. The balance is computed from the entries, and "settled" means the
//! requester owes nothing — no other field decides it (docs/fees.md §6).
//!
//! balance = charges − waivers − payments + refunds, each net of its reversals.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::delivery::DeliveryMethod;
use crate::domain::fees::{FeeError, FeeItem, FeeSchedule, PaymentMethod, QuoteRequest, quote};
use crate::domain::kind::RequestKind;
use crate::domain::money::FeeStatus;
use crate::domain::money::Yen;
use crate::domain::regime::Regime;

/// No single entry is larger: fees are hundreds or thousands of yen, copies of a large file tens
/// of thousands. A figure beyond this is a typing mistake, not a fee.
pub const MAX_ENTRY: Yen = Yen(10_000_000);

/// Whether `value_date` can be the day money for a case arrived (or, for a refund, left): not
/// after `today`, not before the day the case was received. A day before today is allowed (the
/// post or the bank statement came late) and the caller audits it as back-dated.
pub fn check_value_date(
    value_date: NaiveDate,
    today: NaiveDate,
    received: Option<NaiveDate>,
) -> Result<(), FeeError> {
    if value_date > today {
        return Err(FeeError::ValueDateInFuture { today });
    }
    match received {
        Some(received) if value_date < received => {
            Err(FeeError::ValueDateBeforeReceipt { received })
        }
        _ => Ok(()),
    }
}

/// One entry of a case's fee ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "entry", rename_all = "snake_case")]
pub enum LedgerEntry {
    Invoice {
        amount: Yen,
        item: FeeItem,
    },
    Payment {
        amount: Yen,
        method: PaymentMethod,
        reference: String,
    },
    Refund {
        amount: Yen,
        reason: String,
    },
    Waiver {
        amount: Yen,
        reason: String,
    },
    /// Takes back (part of) earlier entries of one kind recorded in error.
    Reversal {
        of: EntryKind,
        amount: Yen,
        reason: String,
    },
}

/// The kinds of entry a reversal can take back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Invoice,
    Payment,
    Refund,
    Waiver,
}

impl EntryKind {
    pub const ALL: [EntryKind; 4] = [
        EntryKind::Invoice,
        EntryKind::Payment,
        EntryKind::Refund,
        EntryKind::Waiver,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Invoice => "invoice",
            EntryKind::Payment => "payment",
            EntryKind::Refund => "refund",
            EntryKind::Waiver => "waiver",
        }
    }
}

impl std::str::FromStr for EntryKind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        EntryKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or(())
    }
}

impl LedgerEntry {
    pub fn amount(&self) -> Yen {
        match self {
            LedgerEntry::Invoice { amount, .. }
            | LedgerEntry::Payment { amount, .. }
            | LedgerEntry::Refund { amount, .. }
            | LedgerEntry::Waiver { amount, .. }
            | LedgerEntry::Reversal { amount, .. } => *amount,
        }
    }

    /// The stored kind name (`invoice`, …, `reversal`).
    pub fn kind_name(&self) -> &'static str {
        match self {
            LedgerEntry::Invoice { .. } => "invoice",
            LedgerEntry::Payment { .. } => "payment",
            LedgerEntry::Refund { .. } => "refund",
            LedgerEntry::Waiver { .. } => "waiver",
            LedgerEntry::Reversal { .. } => "reversal",
        }
    }

    fn reason(&self) -> Option<&str> {
        match self {
            LedgerEntry::Refund { reason, .. }
            | LedgerEntry::Waiver { reason, .. }
            | LedgerEntry::Reversal { reason, .. } => Some(reason),
            _ => None,
        }
    }
}

/// The totals of a ledger, each net of its reversals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FeeLedger {
    pub invoiced: Yen,
    pub paid: Yen,
    pub refunded: Yen,
    pub waived: Yen,
    /// Still owed by the requester (negative: owed to the requester).
    pub balance: Yen,
    /// What must be refunded to settle an overpayment.
    pub overpaid: Yen,
    pub status: FeeStatus,
}

impl Default for FeeLedger {
    fn default() -> Self {
        FeeLedger {
            invoiced: Yen::ZERO,
            paid: Yen::ZERO,
            refunded: Yen::ZERO,
            waived: Yen::ZERO,
            balance: Yen::ZERO,
            overpaid: Yen::ZERO,
            status: FeeStatus::NotRequired,
        }
    }
}

impl FeeLedger {
    /// Replays stored entries, each checked as it was when recorded (a payment beyond what was
    /// owed was confirmed then). An error means the history breaks a rule.
    pub fn from_entries(entries: &[LedgerEntry]) -> Result<FeeLedger, FeeError> {
        entries
            .iter()
            .try_fold(FeeLedger::default(), |ledger, entry| {
                ledger.admit(entry, true)
            })
    }

    /// The ledger after `entry`, or why it may not be recorded. `confirmed`: the clerk confirmed
    /// a payment larger than what is owed (an overpayment to be refunded).
    pub fn admit(&self, entry: &LedgerEntry, confirmed: bool) -> Result<FeeLedger, FeeError> {
        let amount = entry.amount();
        if !amount.is_positive() {
            return Err(FeeError::NonPositiveAmount);
        }
        if amount > MAX_ENTRY {
            return Err(FeeError::AmountTooLarge { max: MAX_ENTRY });
        }
        if entry.reason().is_some_and(|r| r.trim().is_empty()) {
            return Err(FeeError::ReasonRequired);
        }
        let owed = self.balance.max(Yen::ZERO);
        let mut next = *self;
        match entry {
            LedgerEntry::Invoice { .. } => next.invoiced += amount,
            LedgerEntry::Payment { .. } => {
                if amount > owed && !confirmed {
                    return Err(FeeError::BeyondOwed { owed });
                }
                next.paid += amount;
            }
            LedgerEntry::Waiver { .. } => {
                if amount > owed {
                    return Err(FeeError::WaiverExceedsOwed { owed });
                }
                next.waived += amount;
            }
            LedgerEntry::Refund { .. } => {
                if amount > self.overpaid {
                    return Err(FeeError::RefundExceedsOverpayment {
                        overpaid: self.overpaid,
                    });
                }
                next.refunded += amount;
            }
            LedgerEntry::Reversal { of, .. } => {
                let recorded = match of {
                    EntryKind::Invoice => &mut next.invoiced,
                    EntryKind::Payment => &mut next.paid,
                    EntryKind::Refund => &mut next.refunded,
                    EntryKind::Waiver => &mut next.waived,
                };
                if amount > *recorded {
                    return Err(FeeError::ReversalExceedsEntries {
                        recorded: *recorded,
                    });
                }
                *recorded -= amount;
            }
        }
        Ok(next.balanced())
    }

    fn balanced(mut self) -> FeeLedger {
        self.balance = self.invoiced - self.waived - self.paid + self.refunded;
        self.overpaid = (-self.balance).max(Yen::ZERO);
        self.status = if self.balance.is_positive() {
            FeeStatus::Outstanding {
                amount: self.balance,
            }
        } else if self.overpaid.is_positive() {
            FeeStatus::Overpaid {
                amount: self.overpaid,
            }
        } else if self.invoiced == Yen::ZERO {
            FeeStatus::NotRequired
        } else {
            FeeStatus::Settled
        };
        self
    }

    /// The requester owes nothing.
    pub fn is_settled(&self) -> bool {
        self.status.is_settled()
    }
}

/// The request fee charged when a case is received: the fee of the schedule in force on the day
/// of receipt (the online rate for a request made online), as a ledger charge. `None` when the
/// kind carries no fee under the regime, the fee is 0 or no schedule is in force that day.
pub fn request_fee_at_receipt(
    regime: Regime,
    schedules: &[FeeSchedule],
    kind: RequestKind,
    online: bool,
    received_on: NaiveDate,
) -> Option<LedgerEntry> {
    let req = QuoteRequest {
        kind,
        delivery: DeliveryMethod::Counter,
        pages: Vec::new(),
        discs: 0,
        online,
        date: received_on,
        postage: None,
    };
    let quote = quote(regime, schedules, &req).ok()?;
    let amount: Yen = quote
        .lines
        .iter()
        .filter(|l| l.item == FeeItem::RequestFee)
        .map(|l| l.amount_yen)
        .sum();
    amount.is_positive().then_some(LedgerEntry::Invoice {
        amount,
        item: FeeItem::RequestFee,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn arbitrary_entry() -> impl Strategy<Value = (LedgerEntry, bool)> {
        let amount = (1i64..20_000).prop_map(Yen);
        let reason = prop_oneof![Just(String::new()), Just("理由".to_string())];
        let kind = proptest::sample::select(EntryKind::ALL.to_vec());
        (
            prop_oneof![
                amount.clone().prop_map(|amount| LedgerEntry::Invoice {
                    amount,
                    item: FeeItem::RequestFee
                }),
                amount.clone().prop_map(|amount| LedgerEntry::Payment {
                    amount,
                    method: PaymentMethod::Counter,
                    reference: String::new()
                }),
                (amount.clone(), reason.clone())
                    .prop_map(|(amount, reason)| LedgerEntry::Refund { amount, reason }),
                (amount.clone(), reason.clone())
                    .prop_map(|(amount, reason)| LedgerEntry::Waiver { amount, reason }),
                (kind, amount, reason).prop_map(|(of, amount, reason)| LedgerEntry::Reversal {
                    of,
                    amount,
                    reason
                }),
            ],
            any::<bool>(),
        )
    }

    proptest! {
        /// Whatever a clerk tries, in any order: the balance is charges − waivers − payments +
        /// refunds, each net of reversals (summed independently here); "settled" holds exactly
        /// when nothing is owed; nothing refused changes the ledger; and replaying what was
        /// recorded gives the same ledger.
        #[test]
        fn the_balance_is_the_entries_and_nothing_else(tries in proptest::collection::vec(arbitrary_entry(), 0..40)) {
            let mut ledger = FeeLedger::default();
            let mut recorded = Vec::new();
            for (entry, confirmed) in tries {
                if let Ok(next) = ledger.admit(&entry, confirmed) {
                    ledger = next;
                    recorded.push(entry);
                }
                let mut sums = std::collections::HashMap::new();
                for e in &recorded {
                    let (key, sign) = match e {
                        LedgerEntry::Reversal { of, .. } => (of.as_str(), -1),
                        other => (other.kind_name(), 1),
                    };
                    *sums.entry(key).or_insert(0i64) += sign * e.amount().0;
                }
                let sum = |k: &str| *sums.get(k).unwrap_or(&0);
                let expected = sum("invoice") - sum("waiver") - sum("payment") + sum("refund");
                prop_assert_eq!(ledger.balance.0, expected);
                prop_assert!(sum("invoice") >= 0 && sum("payment") >= 0 && sum("refund") >= 0 && sum("waiver") >= 0);
                prop_assert_eq!(ledger.is_settled(), expected <= 0);
                prop_assert_eq!(
                    matches!(ledger.status, FeeStatus::Settled | FeeStatus::NotRequired),
                    expected == 0
                );
                prop_assert_eq!(FeeLedger::from_entries(&recorded), Ok(ledger));
            }
        }
    }

    /// One step of a case's life: a ledger entry (with the clerk's confirmation), or a
    /// lifecycle event by an actor.
    #[derive(Debug, Clone)]
    enum Step {
        Money(LedgerEntry, bool),
        Case(usize),
    }

    fn arbitrary_step() -> impl Strategy<Value = Step> {
        prop_oneof![
            arbitrary_entry().prop_map(|(entry, confirmed)| Step::Money(entry, confirmed)),
            (0usize..8).prop_map(Step::Case),
        ]
    }

    proptest! {
        /// Money and the case move together as the services move them (a charge, payment or
        /// waiver is an event of the case in the same transaction; a refund or reversal only
        /// changes its fee status): the case's fee is always the ledger's, no decision is
        /// drafted or approved while money is owed where the fee is paid in advance, and no
        /// case is delivered or closed unless the ledger stands at zero.
        #[test]
        fn no_sequence_of_allowed_operations_closes_a_case_owing_money(
            steps in proptest::collection::vec(arbitrary_step(), 0..60),
            in_advance in any::<bool>(),
        ) {
            use crate::domain::delivery::DeliveryMethod;
            use crate::domain::event::{Actor, Event};
            use crate::domain::kind::RequestKind;
            use crate::domain::lifecycle::{CaseFacts, Entry, apply};
            use crate::domain::outcome::Outcome;
            use crate::domain::regime::Regime;
            use crate::domain::role::Role;
            use crate::domain::state::CaseState;

            let now = chrono::DateTime::parse_from_rfc3339("2026-12-01T01:00:00Z").unwrap().to_utc();
            let (clerk, approver) = (Actor::staff("s-1", Role::Staff), Actor::staff("a-1", Role::Approver));
            let regime = Regime::PrivateBusiness;
            let mut facts = CaseFacts::new(RequestKind::Disclosure, regime, Entry::StaffEntered, 0, true).unwrap();
            facts.identity_requirements_met = true;
            facts.fee_in_advance = in_advance;
            let outcome = Outcome::allowed(RequestKind::Disclosure, regime)[0];
            let mut ledger = FeeLedger::default();
            for step in steps {
                match step {
                    Step::Money(entry, confirmed) => {
                        let Ok(next) = ledger.admit(&entry, confirmed) else { continue };
                        let fee_after = next.status;
                        let event = match &entry {
                            LedgerEntry::Invoice { amount, .. } => Some(Event::InvoiceFee { amount: *amount, fee_after }),
                            LedgerEntry::Payment { amount, .. } => Some(Event::RecordPayment { amount: *amount, fee_after }),
                            LedgerEntry::Waiver { reason, .. } => Some(Event::WaiveFee { reason: reason.clone(), fee_after }),
                            LedgerEntry::Refund { .. } | LedgerEntry::Reversal { .. } => None,
                        };
                        let actor = if matches!(entry, LedgerEntry::Waiver { .. }) { &approver } else { &clerk };
                        match event {
                            Some(event) => match apply(&facts, &event, actor, now) {
                                Ok(t) => facts = t.facts,
                                // Refused by the case: the entry is not written either.
                                Err(_) => continue,
                            },
                            None if facts.state.is_terminal() => continue,
                            None => facts.fee = fee_after,
                        }
                        ledger = next;
                    }
                    Step::Case(which) => {
                        let (event, actor) = match which {
                            0 => (Event::StartIdentityReview, &clerk),
                            1 => (Event::VerifyIdentity, &clerk),
                            2 => (Event::SubmitDraft { outcome }, &clerk),
                            3 => (Event::ApproveDecision, &approver),
                            4 => (Event::ChooseDeliveryMethod { method: DeliveryMethod::PaperByPost }, &clerk),
                            5 => (Event::Deliver, &clerk),
                            6 => (Event::Close, &clerk),
                            _ => (Event::ReturnDraft { comment: "c".into() }, &approver),
                        };
                        let Ok(t) = apply(&facts, &event, actor, now) else { continue };
                        if in_advance && t.from != t.to && matches!(t.to, CaseState::AwaitingApproval | CaseState::Decided) {
                            prop_assert!(ledger.balance <= Yen::ZERO, "{:?} with {} owed", t.to, ledger.balance);
                        }
                        if t.to == CaseState::Closed {
                            prop_assert_eq!(ledger.balance, Yen::ZERO);
                        }
                        facts = t.facts;
                    }
                }
                prop_assert_eq!(facts.fee, ledger.status);
            }
        }
    }

    fn invoice(yen: i64) -> LedgerEntry {
        LedgerEntry::Invoice {
            amount: Yen(yen),
            item: FeeItem::RequestFee,
        }
    }

    fn pay(yen: i64) -> LedgerEntry {
        LedgerEntry::Payment {
            amount: Yen(yen),
            method: PaymentMethod::Counter,
            reference: String::new(),
        }
    }

    #[test]
    fn money_arrives_between_the_receipt_and_today() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let (today, received) = (day(10), Some(day(3)));
        assert_eq!(check_value_date(day(10), today, received), Ok(()));
        assert_eq!(check_value_date(day(3), today, received), Ok(()));
        assert_eq!(
            check_value_date(day(11), today, received),
            Err(FeeError::ValueDateInFuture { today })
        );
        assert_eq!(
            check_value_date(day(2), today, received),
            Err(FeeError::ValueDateBeforeReceipt { received: day(3) })
        );
    }

    #[test]
    fn a_partial_waiver_leaves_the_rest_owed() {
        let l = FeeLedger::from_entries(&[invoice(300)]).unwrap();
        let l = l
            .admit(
                &LedgerEntry::Waiver {
                    amount: Yen(200),
                    reason: "経済的困難".into(),
                },
                false,
            )
            .unwrap();
        assert_eq!(l.status, FeeStatus::Outstanding { amount: Yen(100) });
        assert!(!l.is_settled());
    }

    #[test]
    fn overpayments_need_a_confirmation_and_refunds_stop_at_them() {
        let l = FeeLedger::from_entries(&[invoice(300)]).unwrap();
        assert_eq!(
            l.admit(&pay(60_006_000), true),
            Err(FeeError::AmountTooLarge { max: MAX_ENTRY })
        );
        assert_eq!(
            l.admit(&pay(3000), false),
            Err(FeeError::BeyondOwed { owed: Yen(300) })
        );
        let l = l.admit(&pay(3000), true).unwrap();
        assert_eq!(l.status, FeeStatus::Overpaid { amount: Yen(2700) });
        let refund = |yen| LedgerEntry::Refund {
            amount: Yen(yen),
            reason: "過納".into(),
        };
        assert_eq!(
            l.admit(&refund(2701), false),
            Err(FeeError::RefundExceedsOverpayment {
                overpaid: Yen(2700)
            })
        );
        let l = l.admit(&refund(2700), false).unwrap();
        assert_eq!(l.status, FeeStatus::Settled);
    }

    #[test]
    fn a_wrong_payment_is_reversed_not_refunded() {
        let l = FeeLedger::from_entries(&[invoice(300), pay(300)]).unwrap();
        assert!(l.is_settled());
        let l = l
            .admit(
                &LedgerEntry::Reversal {
                    of: EntryKind::Payment,
                    amount: Yen(300),
                    reason: "別の案件の入金を誤って記録".into(),
                },
                false,
            )
            .unwrap();
        assert_eq!(l.status, FeeStatus::Outstanding { amount: Yen(300) });
        assert_eq!(
            l.admit(
                &LedgerEntry::Reversal {
                    of: EntryKind::Payment,
                    amount: Yen(1),
                    reason: "x".into(),
                },
                false
            ),
            Err(FeeError::ReversalExceedsEntries {
                recorded: Yen::ZERO
            })
        );
    }
}
