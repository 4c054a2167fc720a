//! One state machine for every request kind (docs/lifecycle.md).
//!
//! [`apply`] takes the facts of a case, an event, who fires it and when, and returns the
//! [`Transition`] (from, to, the clock change and the facts after) or a [`Refusal`] that says why
//! not. [`allowed_events`] lists what a given actor may fire now, so pages show only the buttons
//! that work. Guards:
//! - a decision is drafted and approved only with identity verified and, where the fee is paid
//!   in advance, the fee settled;
//! - the approver is never the drafter (four-eyes);
//! - one extension, of 1..=max days, decided before the unextended deadline (Art. 83(2));
//! - kinds that may not carry a fee never get one (APPI Art. 38(1), 89(1)-(2));
//! - 移送 and 特例延長 only for public bodies (Art. 84, 85).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::deadline::jst_date;
use crate::domain::delivery::DeliveryMethod;
use crate::domain::event::{Actor, Event, EventKind, StaffId};
use crate::domain::kind::RequestKind;
use crate::domain::money::Yen;
use crate::domain::outcome::Outcome;
use crate::domain::refusal::Refusal;
use crate::domain::regime::Regime;
use crate::domain::state::{CaseState, ClockPhase, PauseReason};

/// Where a case's fee stands (derive it from the ledger with [`crate::domain::fees::FeeLedger`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum FeeStatus {
    NotRequired,
    Outstanding {
        amount: Yen,
    },
    Settled,
    /// Paid beyond what is owed: the difference is to be refunded.
    Overpaid {
        amount: Yen,
    },
}

impl FeeStatus {
    /// The requester owes nothing (an overpayment included).
    pub fn is_settled(self) -> bool {
        !matches!(self, FeeStatus::Outstanding { .. })
    }

    /// Neither side owes the other.
    pub fn is_square(self) -> bool {
        matches!(self, FeeStatus::NotRequired | FeeStatus::Settled)
    }

    pub fn outstanding(self) -> Yen {
        match self {
            FeeStatus::Outstanding { amount } => amount,
            _ => Yen::ZERO,
        }
    }
}

/// Cases stored before the schedule's choice was recorded waited for their fee first.
fn fee_in_advance_by_default() -> bool {
    true
}

/// How the request came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entry {
    /// Through the portal: starts unconfirmed until the e-mail is confirmed.
    Online,
    /// Entered by staff from a letter or at the counter: starts received.
    StaffEntered,
}

/// What the machine needs to know about a case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CaseFacts {
    pub state: CaseState,
    pub kind: RequestKind,
    pub regime: Regime,
    /// The documents satisfy the identity policy (from `identity::evaluate`).
    pub identity_requirements_met: bool,
    pub identity_verified: bool,
    pub fee: FeeStatus,
    /// The schedule of the receipt day asks for the fee before the work (事前払い): no decision
    /// is drafted or approved while it is owed. Otherwise the fee is collected before delivery.
    #[serde(default = "fee_in_advance_by_default")]
    pub fee_in_advance: bool,
    /// Operator policy: the clock stops while waiting for payment.
    pub payment_wait_stops_clock: bool,
    pub drafter: Option<StaffId>,
    pub draft_outcome: Option<Outcome>,
    pub decided_outcome: Option<Outcome>,
    pub max_extension_days: u32,
    pub extension_days: Option<u32>,
    pub special_extension_rest_by: Option<NaiveDate>,
    /// `E1` of the decision deadline, from the deadline module; `None` while not determinable.
    pub unextended_deadline: Option<NaiveDate>,
    /// Reply-by date of a pending 補正.
    pub correction_reply_by: Option<NaiveDate>,
    pub delivery_method: Option<DeliveryMethod>,
    /// Last day for the requester to state a delivery method (Art. 87(3)); after it the case may
    /// be closed without delivery.
    pub delivery_choice_due: Option<NaiveDate>,
}

impl CaseFacts {
    /// A new case. Fails if the kind does not exist under the regime.
    pub fn new(
        kind: RequestKind,
        regime: Regime,
        entry: Entry,
        max_extension_days: u32,
        payment_wait_stops_clock: bool,
    ) -> Result<CaseFacts, Refusal> {
        if !kind.exists_under(regime) {
            return Err(Refusal::KindNotOffered { kind });
        }
        Ok(CaseFacts {
            state: match entry {
                Entry::Online => CaseState::Unconfirmed,
                Entry::StaffEntered => CaseState::Received,
            },
            kind,
            regime,
            identity_requirements_met: false,
            identity_verified: false,
            fee: FeeStatus::NotRequired,
            fee_in_advance: true,
            payment_wait_stops_clock,
            drafter: None,
            draft_outcome: None,
            decided_outcome: None,
            max_extension_days,
            extension_days: None,
            special_extension_rest_by: None,
            unextended_deadline: None,
            correction_reply_by: None,
            delivery_method: None,
            delivery_choice_due: None,
        })
    }

    pub fn clock(&self) -> ClockPhase {
        self.state.clock(self.payment_wait_stops_clock)
    }

    fn needs_delivery(&self) -> bool {
        self.decided_outcome.is_some_and(Outcome::needs_delivery)
    }

    /// Where the case goes once the requester has answered or the fee is settled.
    fn resume_state(&self) -> CaseState {
        if !self.identity_verified {
            CaseState::IdentityReview
        } else if self.fee_in_advance && !self.fee.is_settled() {
            CaseState::AwaitingPayment
        } else {
            CaseState::InReview
        }
    }
}

/// What the clock did in a transition; the caller records pause episodes from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ClockChange {
    pub starts: bool,
    /// A pause episode ended (the day is `B` of the episode).
    pub pause_ends: Option<PauseReason>,
    /// A pause episode began (the day is `A` of the episode).
    pub pause_begins: Option<PauseReason>,
    /// The decision deadline no longer runs (decided or ended).
    pub ends: bool,
}

impl ClockChange {
    fn between(before: ClockPhase, after: ClockPhase) -> ClockChange {
        let paused = |p: ClockPhase| match p {
            ClockPhase::Paused { reason } => Some(reason),
            _ => None,
        };
        let (was, now) = (paused(before), paused(after));
        ClockChange {
            starts: before == ClockPhase::NotStarted && after != ClockPhase::NotStarted,
            pause_ends: if was != now { was } else { None },
            pause_begins: if was != now { now } else { None },
            ends: before != ClockPhase::Ended && after == ClockPhase::Ended,
        }
    }

    pub fn stops(&self) -> bool {
        self.pause_begins.is_some()
    }

    pub fn resumes(&self) -> bool {
        self.pause_ends.is_some() && self.pause_begins.is_none() && !self.ends
    }
}

/// An accepted event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transition {
    pub event: EventKind,
    pub from: CaseState,
    pub to: CaseState,
    pub at: DateTime<Utc>,
    pub clock: ClockChange,
    /// The case's facts after the event.
    pub facts: CaseFacts,
}

/// States in which each event may be fired, and the guards that do not depend on the event's data.
fn check(
    facts: &CaseFacts,
    event: EventKind,
    actor: &Actor,
    today: NaiveDate,
) -> Result<(), Refusal> {
    use CaseState::*;
    let state = facts.state;
    let in_state = match event {
        EventKind::ConfirmEmail | EventKind::ExpireUnconfirmed => state == Unconfirmed,
        EventKind::StartIdentityReview => state == Received,
        EventKind::VerifyIdentity => state == IdentityReview,
        EventKind::RequestCorrection => matches!(state, Received | IdentityReview | InReview),
        EventKind::RequesterAnswered => state == AwaitingRequester,
        EventKind::InvoiceFee => matches!(state, Received | IdentityReview | Decided),
        EventKind::RecordPayment | EventKind::WaiveFee => {
            matches!(state, Received | IdentityReview | AwaitingPayment | Decided)
        }
        EventKind::SubmitDraft => state == InReview,
        EventKind::ReturnDraft | EventKind::ApproveDecision => state == AwaitingApproval,
        EventKind::ExtendDeadline | EventKind::ApplySpecialExtension => {
            state.is_before_decision() && state != Unconfirmed
        }
        EventKind::ChooseDeliveryMethod | EventKind::Deliver | EventKind::Close => state == Decided,
        EventKind::Withdraw => state.is_before_decision(),
        EventKind::Dismiss => {
            matches!(
                state,
                Received | IdentityReview | AwaitingRequester | AwaitingPayment
            )
        }
        EventKind::Transfer => {
            matches!(
                state,
                Received | IdentityReview | AwaitingRequester | AwaitingPayment | InReview
            )
        }
    };
    // A case waiting for its fee cannot have a decision drafted: say so, not the state's name.
    if !in_state
        && event == EventKind::SubmitDraft
        && state == AwaitingPayment
        && event.permits(actor)
    {
        return Err(Refusal::FeeNotSettled {
            outstanding: facts.fee.outstanding(),
        });
    }
    if !in_state {
        return Err(Refusal::WrongState { event, state });
    }
    if !event.permits(actor) {
        return Err(Refusal::NotPermitted {
            event,
            actor: actor.label_en(),
        });
    }
    let decided_needs_delivery = facts.needs_delivery();
    match event {
        EventKind::VerifyIdentity if !facts.identity_requirements_met => {
            Err(Refusal::IdentityRequirementsNotMet)
        }
        EventKind::InvoiceFee if !facts.kind.may_carry_fee(facts.regime) => {
            Err(Refusal::FeeNotAllowed {
                kind: facts.kind,
                regime: facts.regime,
            })
        }
        EventKind::InvoiceFee if state == Decided && !decided_needs_delivery => {
            Err(Refusal::NoDeliveryForOutcome)
        }
        EventKind::RecordPayment | EventKind::WaiveFee if facts.fee.is_settled() => {
            Err(Refusal::NothingOutstanding)
        }
        EventKind::SubmitDraft | EventKind::ApproveDecision => decision_guards(facts, actor, event),
        EventKind::ExtendDeadline => extension_guards(facts, today),
        EventKind::ApplySpecialExtension => special_extension_guards(facts, today),
        EventKind::ChooseDeliveryMethod if !decided_needs_delivery => {
            Err(Refusal::NoDeliveryForOutcome)
        }
        EventKind::Deliver if !decided_needs_delivery => Err(Refusal::NoDeliveryForOutcome),
        EventKind::Deliver if facts.delivery_method.is_none() => {
            Err(Refusal::DeliveryMethodNotChosen)
        }
        // Delivering closes the case: neither side may owe the other (docs/fees.md §6).
        EventKind::Deliver if !facts.fee.is_square() => Err(fee_refusal(facts.fee)),
        EventKind::Close
            if decided_needs_delivery
                && facts.delivery_choice_due.is_none_or(|due| today <= due) =>
        {
            Err(Refusal::DeliveryPending)
        }
        // A case is closed only when neither side owes the other: an overpayment is refunded
        // first (docs/fees.md §6).
        EventKind::Close if !facts.fee.is_square() => Err(fee_refusal(facts.fee)),
        EventKind::Dismiss
            if *actor == Actor::System
                && (state != AwaitingRequester || facts.correction_reply_by.is_none()) =>
        {
            Err(Refusal::NotPermitted {
                event,
                actor: actor.label_en(),
            })
        }
        EventKind::Dismiss => match facts.correction_reply_by {
            Some(reply_by) if state == AwaitingRequester && today <= reply_by => {
                Err(Refusal::ReplyPeriodRunning { reply_by })
            }
            _ => Ok(()),
        },
        EventKind::Transfer if !facts.regime.may_transfer() => {
            Err(Refusal::TransferOnlyForPublicBodies)
        }
        _ => Ok(()),
    }
}

/// Why a case cannot end with its fee where it stands.
fn fee_refusal(fee: FeeStatus) -> Refusal {
    match fee {
        FeeStatus::Overpaid { amount } => Refusal::RefundDue { amount },
        other => Refusal::FeeNotSettled {
            outstanding: other.outstanding(),
        },
    }
}

fn decision_guards(facts: &CaseFacts, actor: &Actor, event: EventKind) -> Result<(), Refusal> {
    if !facts.identity_verified {
        return Err(Refusal::IdentityNotVerified);
    }
    if facts.fee_in_advance && !facts.fee.is_settled() {
        return Err(Refusal::FeeNotSettled {
            outstanding: facts.fee.outstanding(),
        });
    }
    if event == EventKind::ApproveDecision
        && let Actor::Staff { id, .. } = actor
        && facts.drafter.as_ref() == Some(id)
    {
        return Err(Refusal::ApproverIsDrafter);
    }
    Ok(())
}

fn extension_guards(facts: &CaseFacts, today: NaiveDate) -> Result<(), Refusal> {
    if facts.max_extension_days == 0 {
        return Err(Refusal::ExtensionNotAvailable);
    }
    if facts.extension_days.is_some() {
        return Err(Refusal::ExtensionAlreadyUsed);
    }
    before_unextended_deadline(facts, today)
}

fn special_extension_guards(facts: &CaseFacts, today: NaiveDate) -> Result<(), Refusal> {
    if !facts.regime.is_public_body() {
        return Err(Refusal::SpecialExtensionOnlyForPublicBodies);
    }
    if facts.special_extension_rest_by.is_some() {
        return Err(Refusal::SpecialExtensionAlreadyUsed);
    }
    // Art. 84: the notice must be sent within the Art. 83(1) period.
    before_unextended_deadline(facts, today)
}

fn before_unextended_deadline(facts: &CaseFacts, today: NaiveDate) -> Result<(), Refusal> {
    match facts.unextended_deadline {
        None => Err(Refusal::DeadlineUnknown),
        Some(deadline) if today > deadline => Err(Refusal::ExtensionTooLate {
            unextended_deadline: deadline,
        }),
        Some(_) => Ok(()),
    }
}

/// The events `actor` may fire now; each passes every guard that does not depend on the event's
/// data (amounts, reasons and dates are checked by [`apply`]).
pub fn allowed_events(facts: &CaseFacts, actor: &Actor, now: DateTime<Utc>) -> Vec<EventKind> {
    let today = jst_date(now);
    EventKind::ALL
        .iter()
        .copied()
        .filter(|kind| check(facts, *kind, actor, today).is_ok())
        .collect()
}

fn require_reason(text: &str) -> Result<(), Refusal> {
    if text.trim().is_empty() {
        Err(Refusal::ReasonRequired)
    } else {
        Ok(())
    }
}

/// Applies `event`, fired by `actor` at `now`, to a case.
pub fn apply(
    facts: &CaseFacts,
    event: &Event,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Transition, Refusal> {
    let today = jst_date(now);
    let kind = event.kind();
    check(facts, kind, actor, today)?;
    let mut next = facts.clone();
    match event {
        Event::ConfirmEmail => next.state = CaseState::Received,
        Event::ExpireUnconfirmed | Event::Withdraw => next.state = CaseState::Withdrawn,
        Event::StartIdentityReview => next.state = CaseState::IdentityReview,
        Event::VerifyIdentity => {
            next.identity_verified = true;
            next.state = next.resume_state();
        }
        Event::RequestCorrection { reply_by, reason } => {
            require_reason(reason)?;
            if *reply_by < today {
                return Err(Refusal::ReplyByInPast {
                    reply_by: *reply_by,
                    today,
                });
            }
            next.correction_reply_by = Some(*reply_by);
            next.state = CaseState::AwaitingRequester;
        }
        Event::RequesterAnswered => {
            next.correction_reply_by = None;
            next.state = next.resume_state();
        }
        // The fee follows the ledger: each entry brings the status the ledger computed.
        Event::InvoiceFee { amount, fee_after } => {
            if !amount.is_positive() {
                return Err(Refusal::AmountNotPositive);
            }
            next.fee = *fee_after;
        }
        Event::RecordPayment { amount, fee_after } => {
            if !amount.is_positive() {
                return Err(Refusal::AmountNotPositive);
            }
            next.fee = *fee_after;
            if facts.state == CaseState::AwaitingPayment {
                next.state = next.resume_state();
            }
        }
        Event::WaiveFee { reason, fee_after } => {
            require_reason(reason)?;
            next.fee = *fee_after;
            if facts.state == CaseState::AwaitingPayment {
                next.state = next.resume_state();
            }
        }
        Event::SubmitDraft { outcome } => {
            if !outcome.is_allowed(facts.kind, facts.regime) {
                return Err(Refusal::OutcomeNotAllowed {
                    outcome: *outcome,
                    kind: facts.kind,
                    regime: facts.regime,
                });
            }
            if let Actor::Staff { id, .. } = actor {
                next.drafter = Some(id.clone());
            }
            next.draft_outcome = Some(*outcome);
            next.state = CaseState::AwaitingApproval;
        }
        Event::ReturnDraft { comment } => {
            require_reason(comment)?;
            next.state = CaseState::InReview;
        }
        Event::ApproveDecision => {
            next.decided_outcome = facts.draft_outcome;
            next.state = CaseState::Decided;
        }
        Event::ExtendDeadline { days, reason } => {
            if *days == 0 || *days > facts.max_extension_days {
                return Err(Refusal::ExtensionOutOfRange {
                    requested: *days,
                    max: facts.max_extension_days,
                });
            }
            require_reason(reason)?;
            next.extension_days = Some(*days);
        }
        Event::ApplySpecialExtension { rest_by, reason } => {
            require_reason(reason)?;
            next.special_extension_rest_by = Some(*rest_by);
        }
        Event::ChooseDeliveryMethod { method } => next.delivery_method = Some(*method),
        Event::Deliver | Event::Close => next.state = CaseState::Closed,
        Event::Dismiss { reason } => {
            require_reason(reason)?;
            next.state = CaseState::Dismissed;
        }
        Event::Transfer { to_body } => {
            require_reason(to_body)?;
            next.state = CaseState::Transferred;
        }
    }
    Ok(Transition {
        event: kind,
        from: facts.state,
        to: next.state,
        at: now,
        clock: ClockChange::between(facts.clock(), next.clock()),
        facts: next,
    })
}

#[cfg(test)]
#[path = "lifecycle_tests.rs"]
mod tests;
