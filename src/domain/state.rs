//! Case states (docs/lifecycle.md §2, §4). Due-soon and overdue are computed from deadlines,
//! never states.

use serde::Serialize;

use crate::domain::names::stable_names;

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseState {
    /// Submitted online, e-mail not yet confirmed; no legal clock.
    Unconfirmed,
    /// 受付: arrival recorded; the clock runs from the Asia/Tokyo date of arrival.
    Received,
    /// 本人確認中.
    IdentityReview,
    /// 補正・追加書類待ち: the clock is stopped until the requester answers.
    AwaitingRequester,
    /// 手数料納付待ち: the clock stops if the operator's policy says so.
    AwaitingPayment,
    /// 審査中: identity verified, fee settled, decision being drafted.
    InReview,
    /// 決裁待ち.
    AwaitingApproval,
    /// 決定通知済: for disclosures, delivery follows before closing.
    Decided,
    /// 完了.
    Closed,
    /// 取下げ (also: an unconfirmed submission that expired).
    Withdrawn,
    /// 却下.
    Dismissed,
    /// 移送 (public bodies only, APPI Art. 85 / 96).
    Transferred,
}

stable_names!(CaseState, "case state", {
    Unconfirmed => "unconfirmed",
    Received => "received",
    IdentityReview => "identity_review",
    AwaitingRequester => "awaiting_requester",
    AwaitingPayment => "awaiting_payment",
    InReview => "in_review",
    AwaitingApproval => "awaiting_approval",
    Decided => "decided",
    Closed => "closed",
    Withdrawn => "withdrawn",
    Dismissed => "dismissed",
    Transferred => "transferred",
});

/// Why the clock is stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PauseReason {
    /// 補正 or missing documents (Art. 83(1) proviso for public bodies; operator policy otherwise).
    Correction,
    /// Waiting for the fee, where the operator's policy stops the clock.
    Payment,
}

stable_names!(PauseReason, "pause reason", {
    Correction => "correction",
    Payment => "payment",
});

/// The legal clock in a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "clock", rename_all = "snake_case")]
pub enum ClockPhase {
    NotStarted,
    Running,
    Paused { reason: PauseReason },
    Ended,
}

impl CaseState {
    /// No event leaves a terminal state.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            CaseState::Closed
                | CaseState::Withdrawn
                | CaseState::Dismissed
                | CaseState::Transferred
        )
    }

    /// Before the decision notice: withdrawal, extension and the decision clock apply.
    pub fn is_before_decision(self) -> bool {
        !self.is_terminal() && self != CaseState::Decided
    }

    /// Received (confirmed) and not yet decided: a decision deadline runs or is stopped, and the
    /// requester may still withdraw.
    pub fn awaits_decision(self) -> bool {
        self.is_before_decision() && self != CaseState::Unconfirmed
    }

    /// Identity documents are still taken, from the requester or scanned by the help desk: from
    /// receipt until the identity is verified, including while a 補正 is open.
    pub fn takes_documents(self) -> bool {
        matches!(
            self,
            CaseState::Received | CaseState::IdentityReview | CaseState::AwaitingRequester
        )
    }

    /// States in which a case is not in the help desk's queue: not yet confirmed, or finished
    /// (a decided case stays until it is delivered and closed).
    pub const LEAVES_QUEUE: [CaseState; 5] = [
        CaseState::Unconfirmed,
        CaseState::Closed,
        CaseState::Withdrawn,
        CaseState::Dismissed,
        CaseState::Transferred,
    ];

    pub fn leaves_queue(self) -> bool {
        Self::LEAVES_QUEUE.contains(&self)
    }

    /// States in which the case waits on the requester (a 補正 answer or a payment), as the
    /// queue and the dashboard group them.
    pub const WAITS_ON_REQUESTER: [CaseState; 2] =
        [CaseState::AwaitingRequester, CaseState::AwaitingPayment];

    pub fn waits_on_requester(self) -> bool {
        Self::WAITS_ON_REQUESTER.contains(&self)
    }

    /// The clock in this state; `payment_wait_stops_clock` is the operator's policy.
    pub fn clock(self, payment_wait_stops_clock: bool) -> ClockPhase {
        match self {
            CaseState::Unconfirmed => ClockPhase::NotStarted,
            CaseState::Received
            | CaseState::IdentityReview
            | CaseState::InReview
            | CaseState::AwaitingApproval => ClockPhase::Running,
            CaseState::AwaitingRequester => ClockPhase::Paused {
                reason: PauseReason::Correction,
            },
            CaseState::AwaitingPayment if payment_wait_stops_clock => ClockPhase::Paused {
                reason: PauseReason::Payment,
            },
            CaseState::AwaitingPayment => ClockPhase::Running,
            CaseState::Decided
            | CaseState::Closed
            | CaseState::Withdrawn
            | CaseState::Dismissed
            | CaseState::Transferred => ClockPhase::Ended,
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            CaseState::Unconfirmed => "メール未確認",
            CaseState::Received => "受付",
            CaseState::IdentityReview => "本人確認中",
            CaseState::AwaitingRequester => "補正・追加書類待ち",
            CaseState::AwaitingPayment => "手数料納付待ち",
            CaseState::InReview => "審査中",
            CaseState::AwaitingApproval => "決裁待ち",
            CaseState::Decided => "決定通知済",
            CaseState::Closed => "完了",
            CaseState::Withdrawn => "取下げ",
            CaseState::Dismissed => "却下",
            CaseState::Transferred => "移送",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            CaseState::Unconfirmed => "E-mail not confirmed",
            CaseState::Received => "Received",
            CaseState::IdentityReview => "Identity review",
            CaseState::AwaitingRequester => "Waiting for the requester",
            CaseState::AwaitingPayment => "Waiting for payment",
            CaseState::InReview => "In review",
            CaseState::AwaitingApproval => "Awaiting approval",
            CaseState::Decided => "Decided",
            CaseState::Closed => "Closed",
            CaseState::Withdrawn => "Withdrawn",
            CaseState::Dismissed => "Dismissed",
            CaseState::Transferred => "Transferred",
        }
    }
}
