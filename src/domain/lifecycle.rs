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
//! - what each regime allows comes from its table ([`crate::domain::regime_rules`]): the
//!   extension and the special rule with their effects (Art. 84 decides a part, then the
//!   remainder as a decision of its own; Arts. 95/103 the whole by a stated date), 移送, 開示前置
//!   for granting a correction or suspension, and the wait after a third party's objection.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::consultation::{self, Consultation};
use crate::domain::deadline::jst_date;
use crate::domain::delivery::DeliveryMethod;
use crate::domain::event::{Actor, Event, EventKind, StaffId};
use crate::domain::kind::RequestKind;
use crate::domain::names::stable_names;
use crate::domain::outcome::Outcome;
use crate::domain::prior_disclosure::PriorDisclosureRecord;
use crate::domain::refusal::Refusal;
use crate::domain::regime::Regime;
use crate::domain::regime_rules::{KindRules, Measure, SpecialEffect};
use crate::domain::state::{CaseState, ClockPhase, PauseReason};
use crate::domain::transfer::{self, TransferRecord};

pub use crate::domain::money::FeeStatus;

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
    /// The measure asked for (suspension-type kinds), as the request named it.
    #[serde(default)]
    pub measure: Option<Measure>,
    /// The Asia/Tokyo date the request arrived (`R`), once received.
    #[serde(default)]
    pub received_on: Option<NaiveDate>,
    /// 開示前置: the disclosure the request follows, as stated and as staff verified it.
    #[serde(default)]
    pub prior_disclosure: Option<PriorDisclosureRecord>,
    /// Art. 84: the outcome of the decision on a considerable part, once approved. The remainder
    /// is then decided as a decision of its own ([`CaseFacts::decided_outcome`]).
    #[serde(default)]
    pub part_outcome: Option<Outcome>,
    /// The date of the latest approved decision (the remainder's under Art. 84).
    #[serde(default)]
    pub decided_on: Option<NaiveDate>,
    /// 移送: where the request went and when.
    #[serde(default)]
    pub transfer: Option<TransferRecord>,
    /// 第三者意見照会: each consultation with its reply.
    #[serde(default)]
    pub consultations: Vec<Consultation>,
}

/// Which decision a draft is: the only one, or under Art. 84 the part's or the remainder's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecisionScope {
    Whole,
    /// 相当の部分 (Art. 84), decided within 60 days.
    Part,
    /// 残りの部分 (Art. 84), decided by the date the notice stated.
    Remainder,
}

stable_names!(DecisionScope, "decision scope", {
    Whole => "whole",
    Part => "part",
    Remainder => "remainder",
});

impl DecisionScope {
    pub fn label_ja(self) -> &'static str {
        match self {
            DecisionScope::Whole => "決定",
            DecisionScope::Part => "相当の部分についての決定（第84条）",
            DecisionScope::Remainder => "残りの部分についての決定（第84条）",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            DecisionScope::Whole => "Decision",
            DecisionScope::Part => "Decision on a considerable part (Art. 84)",
            DecisionScope::Remainder => "Decision on the remainder (Art. 84)",
        }
    }
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
            measure: None,
            received_on: None,
            prior_disclosure: None,
            part_outcome: None,
            decided_on: None,
            transfer: None,
            consultations: Vec::new(),
        })
    }

    /// What the case's regime says about its kind (None only for a record this version cannot
    /// place, which every guard then refuses).
    pub fn rules(&self) -> Option<&'static KindRules> {
        self.regime.kind_rules(self.kind)
    }

    /// The outcomes a decision on this case may have (its measure narrows them).
    pub fn outcomes(&self) -> &'static [Outcome] {
        Outcome::allowed_for(self.kind, self.regime, self.measure)
    }

    /// The most days the case's deadline may be extended: the law's maximum, or less where the
    /// operator allows less; 0 where the regime has no extension.
    pub fn extension_limit(&self) -> u32 {
        self.rules()
            .and_then(|r| r.extension)
            .map_or(0, |e| e.max_days.min(self.max_extension_days))
    }

    /// The special rule's effect, once applied.
    pub fn special_effect(&self) -> Option<SpecialEffect> {
        self.special_extension_rest_by?;
        self.rules()?.special.map(|s| s.effect)
    }

    /// Which decision the next draft is.
    pub fn next_decision_scope(&self) -> DecisionScope {
        match self.special_effect() {
            Some(SpecialEffect::PartThenRemainder { .. }) if self.part_outcome.is_none() => {
                DecisionScope::Part
            }
            Some(SpecialEffect::PartThenRemainder { .. }) => DecisionScope::Remainder,
            _ => DecisionScope::Whole,
        }
    }

    /// Whether an Art. 84 remainder is still to be decided.
    pub fn remainder_pending(&self) -> bool {
        matches!(
            self.special_effect(),
            Some(SpecialEffect::PartThenRemainder { .. })
        ) && self.decided_outcome.is_none()
    }

    /// The first day a disclosure may be carried out when a consulted third party objected
    /// (Art. 86(3)); None when nothing holds it back.
    pub fn disclosure_held_until(&self) -> Option<NaiveDate> {
        let wait = self.rules()?.consultation?.wait_days;
        if !consultation::any_objection(&self.consultations) {
            return None;
        }
        Some(consultation::disclosure_allowed_from(
            self.decided_on?,
            wait,
        ))
    }

    /// Whether 開示前置 is satisfied: not needed under the regime, or verified by staff.
    pub fn prior_disclosure_settled(&self) -> bool {
        let needed = self.rules().is_some_and(|r| r.prior_disclosure.is_some());
        !needed || self.prior_disclosure.as_ref().is_some_and(|p| p.verified)
    }

    pub fn clock(&self) -> ClockPhase {
        self.state.clock(self.payment_wait_stops_clock)
    }

    /// Whether a decision made so far is followed by a delivery.
    pub fn needs_delivery(&self) -> bool {
        self.decided_outcome.is_some_and(Outcome::needs_delivery)
            || self.part_outcome.is_some_and(Outcome::needs_delivery)
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
        EventKind::ExtendDeadline
        | EventKind::ApplySpecialExtension
        | EventKind::VerifyPriorDisclosure
        | EventKind::ConsultThirdParty => state.awaits_decision(),
        EventKind::RecordThirdPartyReply => !state.is_terminal() && state != Unconfirmed,
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
    let Some(rules) = facts.rules() else {
        return Err(Refusal::KindNotOffered { kind: facts.kind });
    };
    let not_here = Refusal::NotUnderRegime {
        event,
        kind: facts.kind,
        regime: facts.regime,
    };
    let decided_needs_delivery = facts.needs_delivery();
    match event {
        EventKind::VerifyIdentity if !facts.identity_requirements_met => {
            Err(Refusal::IdentityRequirementsNotMet)
        }
        EventKind::InvoiceFee if !rules.fee => Err(Refusal::FeeNotAllowed {
            kind: facts.kind,
            regime: facts.regime,
        }),
        EventKind::InvoiceFee if state == Decided && !decided_needs_delivery => {
            Err(Refusal::NoDeliveryForOutcome)
        }
        EventKind::RecordPayment | EventKind::WaiveFee if facts.fee.is_settled() => {
            Err(Refusal::NothingOutstanding)
        }
        EventKind::SubmitDraft | EventKind::ApproveDecision => decision_guards(facts, actor, event),
        EventKind::ExtendDeadline => extension_guards(facts, today),
        EventKind::ApplySpecialExtension => special_extension_guards(facts, rules, today),
        EventKind::VerifyPriorDisclosure if rules.prior_disclosure.is_none() => Err(not_here),
        EventKind::ConsultThirdParty | EventKind::RecordThirdPartyReply
            if rules.consultation.is_none() =>
        {
            Err(not_here)
        }
        EventKind::RecordThirdPartyReply
            if facts.consultations.iter().all(|c| c.reply.is_some()) =>
        {
            Err(Refusal::NoConsultationAwaitingReply)
        }
        EventKind::ChooseDeliveryMethod if !decided_needs_delivery => {
            Err(Refusal::NoDeliveryForOutcome)
        }
        EventKind::Deliver if !decided_needs_delivery => Err(Refusal::NoDeliveryForOutcome),
        EventKind::Deliver if facts.delivery_method.is_none() => {
            Err(Refusal::DeliveryMethodNotChosen)
        }
        // Delivering closes the case: neither side may owe the other (docs/fees.md §6).
        EventKind::Deliver if !facts.fee.is_square() => Err(fee_refusal(facts.fee)),
        // Art. 86(3): after a third party's objection, two full weeks lie between the decision
        // and the disclosure.
        EventKind::Deliver => match facts.disclosure_held_until() {
            Some(from) if today < from => Err(Refusal::ThirdPartyWait { from }),
            _ => Ok(()),
        },
        EventKind::Close
            if decided_needs_delivery
                && facts.delivery_choice_due.is_none_or(|due| today <= due) =>
        {
            Err(Refusal::DeliveryPending)
        }
        // A case is closed only when neither side owes the other: an overpayment is refunded
        // first (docs/fees.md §6).
        EventKind::Close if !facts.fee.is_square() => Err(fee_refusal(facts.fee)),
        EventKind::Dismiss | EventKind::Transfer if facts.part_outcome.is_some() => {
            Err(Refusal::PartAlreadyDecided)
        }
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
        EventKind::Transfer if rules.transfer.is_none() => Err(not_here),
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
    if facts.extension_limit() == 0 {
        return Err(Refusal::ExtensionNotAvailable);
    }
    if facts.extension_days.is_some() {
        return Err(Refusal::ExtensionAlreadyUsed);
    }
    // The special rule replaces the ordinary period ("前条の規定にかかわらず").
    if facts.special_extension_rest_by.is_some() {
        return Err(Refusal::SpecialExtensionAlreadyUsed);
    }
    before_unextended_deadline(facts, today)
}

fn special_extension_guards(
    facts: &CaseFacts,
    rules: &KindRules,
    today: NaiveDate,
) -> Result<(), Refusal> {
    if rules.special.is_none() {
        return Err(Refusal::SpecialExtensionNotAvailable {
            kind: facts.kind,
            regime: facts.regime,
        });
    }
    if facts.special_extension_rest_by.is_some() {
        return Err(Refusal::SpecialExtensionAlreadyUsed);
    }
    // Arts. 84/95/103: the notice must be sent within the ordinary period.
    before_unextended_deadline(facts, today)
}

/// The earliest date the special rule may name for what is left: under Art. 84 the day the
/// part is due (`R` + 60), under Arts. 95/103 the day after the ordinary (extended) deadline.
fn special_rest_earliest(facts: &CaseFacts, effect: SpecialEffect, today: NaiveDate) -> NaiveDate {
    let after_today = crate::domain::calendar::add_days(today, 1);
    let floor = match effect {
        SpecialEffect::PartThenRemainder { part_days } => facts
            .received_on
            .map(|r| crate::domain::calendar::add_days(r, i64::from(part_days))),
        SpecialEffect::WholeByStatedDate => facts.unextended_deadline.map(|e1| {
            crate::domain::calendar::add_days(e1, i64::from(facts.extension_days.unwrap_or(0)) + 1)
        }),
    };
    floor.map_or(after_today, |f| f.max(after_today))
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
        Event::ConfirmEmail => {
            next.state = CaseState::Received;
            next.received_on = Some(today);
        }
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
            if !facts.outcomes().contains(outcome) {
                return Err(Refusal::OutcomeNotAllowed {
                    outcome: *outcome,
                    kind: facts.kind,
                    regime: facts.regime,
                });
            }
            // 開示前置: a correction or suspension is granted only on information the person
            // received through a disclosure, within its period (Arts. 90(1), (3); 98(1), (3)).
            if outcome.grants_change() && !facts.prior_disclosure_settled() {
                return Err(Refusal::PriorDisclosureNotVerified);
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
            next.decided_on = Some(today);
            if facts.next_decision_scope() == DecisionScope::Part {
                // Art. 84: the part is decided; the remainder is still to be decided, by the
                // date the notice stated, as a decision of its own.
                next.part_outcome = facts.draft_outcome;
                next.draft_outcome = None;
                next.drafter = None;
                next.state = CaseState::InReview;
            } else {
                next.decided_outcome = facts.draft_outcome;
                next.state = CaseState::Decided;
            }
        }
        Event::ExtendDeadline { days, reason } => {
            let max = facts.extension_limit();
            if *days == 0 || *days > max {
                return Err(Refusal::ExtensionOutOfRange {
                    requested: *days,
                    max,
                });
            }
            require_reason(reason)?;
            next.extension_days = Some(*days);
        }
        Event::ApplySpecialExtension { rest_by, reason } => {
            require_reason(reason)?;
            let effect = facts
                .rules()
                .and_then(|r| r.special)
                .map(|s| s.effect)
                .ok_or(Refusal::SpecialExtensionNotAvailable {
                    kind: facts.kind,
                    regime: facts.regime,
                })?;
            let earliest = special_rest_earliest(facts, effect, today);
            if *rest_by < earliest {
                return Err(Refusal::SpecialDateTooEarly { earliest });
            }
            next.special_extension_rest_by = Some(*rest_by);
        }
        Event::VerifyPriorDisclosure { record } => {
            let received = facts.received_on.unwrap_or(today);
            if record.disclosed_on > received {
                return Err(Refusal::PriorDisclosureAfterRequest {
                    disclosed_on: record.disclosed_on,
                });
            }
            if !record.covers(received) {
                return Err(Refusal::PriorDisclosureTooLate {
                    last_day: record.last_day,
                });
            }
            next.prior_disclosure = Some(PriorDisclosureRecord {
                verified: true,
                ..record.clone()
            });
        }
        Event::ConsultThirdParty { consultation } => {
            if consultation.id.trim().is_empty()
                || facts.consultations.iter().any(|c| c.id == consultation.id)
            {
                return Err(Refusal::InvalidConsultation);
            }
            if consultation.reply_by < consultation.sent_on {
                return Err(Refusal::ReplyByInPast {
                    reply_by: consultation.reply_by,
                    today: consultation.sent_on,
                });
            }
            if consultation.sent_on > today {
                return Err(Refusal::DateInFuture {
                    date: consultation.sent_on,
                });
            }
            next.consultations.push(Consultation {
                reply: None,
                replied_on: None,
                ..consultation.clone()
            });
        }
        Event::RecordThirdPartyReply { id, reply, on } => {
            if *on > today {
                return Err(Refusal::DateInFuture { date: *on });
            }
            let Some(found) = next
                .consultations
                .iter_mut()
                .find(|c| c.id == *id && c.reply.is_none())
            else {
                return Err(Refusal::NoConsultationAwaitingReply);
            };
            if *on < found.sent_on {
                return Err(Refusal::DateInFuture {
                    date: found.sent_on,
                });
            }
            found.reply = Some(*reply);
            found.replied_on = Some(*on);
        }
        Event::ChooseDeliveryMethod { method } => next.delivery_method = Some(*method),
        Event::Deliver | Event::Close => next.state = CaseState::Closed,
        Event::Dismiss { reason } => {
            require_reason(reason)?;
            next.state = CaseState::Dismissed;
        }
        Event::Transfer {
            to_body,
            reason,
            consulted,
            own_names,
        } => {
            let to_body = to_body.trim();
            if to_body.is_empty() {
                return Err(Refusal::TransferBodyRequired);
            }
            require_reason(reason)?;
            if transfer::is_same_body(to_body, own_names) {
                return Err(Refusal::TransferToSelf);
            }
            // Art. 85(1) / 96(1): only after consulting (協議) the receiving body.
            if !consulted {
                return Err(Refusal::TransferNotConsulted);
            }
            next.transfer = Some(TransferRecord {
                to_body: to_body.to_string(),
                on: today,
                // The period runs on for the receiving body (Art. 85(2) / 96(2)).
                deadline: facts.special_extension_rest_by.or_else(|| {
                    facts.unextended_deadline.map(|e1| {
                        crate::domain::calendar::add_days(
                            e1,
                            i64::from(facts.extension_days.unwrap_or(0)),
                        )
                    })
                }),
            });
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
