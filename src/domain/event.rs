//! Events that move a case, and who fires them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::consultation::{Consultation, ThirdPartyReply};
use crate::domain::delivery::DeliveryMethod;
use crate::domain::money::FeeStatus;
use crate::domain::money::Yen;
use crate::domain::names::stable_names;
use crate::domain::outcome::Outcome;
use crate::domain::prior_disclosure::PriorDisclosureRecord;
use crate::domain::role::Role;

/// A staff member's identifier as the accounts store knows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StaffId(pub String);

impl StaffId {
    pub fn new(id: impl Into<String>) -> Self {
        StaffId(id.into())
    }
}

/// Who fires an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Actor {
    /// The person (本人 or 代理人) through the portal; they have no account and no role.
    Requester,
    Staff {
        id: StaffId,
        role: Role,
    },
    /// Timers and automatic steps (expiry, portal replies, completed downloads).
    System,
}

impl Actor {
    pub fn staff(id: impl Into<String>, role: Role) -> Self {
        Actor::Staff {
            id: StaffId::new(id),
            role,
        }
    }

    pub fn label_ja(&self) -> &'static str {
        match self {
            Actor::Requester => "請求者",
            Actor::Staff { role, .. } => role.label_ja(),
            Actor::System => "システム",
        }
    }

    pub fn label_en(&self) -> &'static str {
        match self {
            Actor::Requester => "Requester",
            Actor::Staff { role, .. } => role.label_en(),
            Actor::System => "System",
        }
    }
}

/// An event with its data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The requester confirmed the e-mail address; the request is received.
    ConfirmEmail,
    /// An unconfirmed submission expired (deemed withdrawn, then purged).
    ExpireUnconfirmed,
    StartIdentityReview,
    /// Staff confirm identity; the documents must satisfy the identity policy.
    VerifyIdentity,
    /// 補正依頼 (Art. 77(3)) or a request for documents, with the requester's reply-by date.
    RequestCorrection {
        reply_by: NaiveDate,
        reason: String,
    },
    /// The requester's answer arrived; the clock resumes.
    RequesterAnswered,
    /// A request fee, or a copy fee after the page count is known.
    /// `fee_after` is where the fee stands with this entry, as the case's ledger computes it:
    /// the ledger decides, the case follows (docs/fees.md §6).
    InvoiceFee {
        amount: Yen,
        fee_after: FeeStatus,
    },
    RecordPayment {
        amount: Yen,
        fee_after: FeeStatus,
    },
    WaiveFee {
        reason: String,
        fee_after: FeeStatus,
    },
    SubmitDraft {
        outcome: Outcome,
    },
    ReturnDraft {
        comment: String,
    },
    ApproveDecision,
    /// One extension (Art. 83(2) / 94(2) / 102(2)).
    ExtendDeadline {
        days: u32,
        reason: String,
    },
    /// 特例延長 (Art. 84 / 95 / 103): the date for the remainder (Art. 84) or for the whole
    /// decision (Arts. 95 / 103).
    ApplySpecialExtension {
        rest_by: NaiveDate,
        reason: String,
    },
    /// Staff checked the disclosure a correction or suspension follows (開示前置).
    VerifyPriorDisclosure {
        record: PriorDisclosureRecord,
    },
    /// 第三者意見照会 sent (Art. 86(1)-(2)); who was consulted is sealed with the case's notes.
    ConsultThirdParty {
        consultation: Consultation,
    },
    /// The consulted third party's answer arrived.
    RecordThirdPartyReply {
        id: String,
        reply: ThirdPartyReply,
        on: NaiveDate,
    },
    ChooseDeliveryMethod {
        method: DeliveryMethod,
    },
    Deliver,
    Close,
    Withdraw,
    Dismiss {
        reason: String,
    },
    /// 移送 to another body (Art. 85 / 96), after consulting it; `own_names` are the names the
    /// transferring body goes by (a body cannot transfer to itself).
    Transfer {
        to_body: String,
        reason: String,
        consulted: bool,
        own_names: Vec<String>,
    },
}

/// The event's name without data: what a button fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    ConfirmEmail,
    ExpireUnconfirmed,
    StartIdentityReview,
    VerifyIdentity,
    RequestCorrection,
    RequesterAnswered,
    InvoiceFee,
    RecordPayment,
    WaiveFee,
    SubmitDraft,
    ReturnDraft,
    ApproveDecision,
    ExtendDeadline,
    ApplySpecialExtension,
    VerifyPriorDisclosure,
    ConsultThirdParty,
    RecordThirdPartyReply,
    ChooseDeliveryMethod,
    Deliver,
    Close,
    Withdraw,
    Dismiss,
    Transfer,
}

stable_names!(EventKind, "event", {
    ConfirmEmail => "confirm_email",
    ExpireUnconfirmed => "expire_unconfirmed",
    StartIdentityReview => "start_identity_review",
    VerifyIdentity => "verify_identity",
    RequestCorrection => "request_correction",
    RequesterAnswered => "requester_answered",
    InvoiceFee => "invoice_fee",
    RecordPayment => "record_payment",
    WaiveFee => "waive_fee",
    SubmitDraft => "submit_draft",
    ReturnDraft => "return_draft",
    ApproveDecision => "approve_decision",
    ExtendDeadline => "extend_deadline",
    ApplySpecialExtension => "apply_special_extension",
    VerifyPriorDisclosure => "verify_prior_disclosure",
    ConsultThirdParty => "consult_third_party",
    RecordThirdPartyReply => "record_third_party_reply",
    ChooseDeliveryMethod => "choose_delivery_method",
    Deliver => "deliver",
    Close => "close",
    Withdraw => "withdraw",
    Dismiss => "dismiss",
    Transfer => "transfer",
});

impl Event {
    pub fn kind(&self) -> EventKind {
        match self {
            Event::ConfirmEmail => EventKind::ConfirmEmail,
            Event::ExpireUnconfirmed => EventKind::ExpireUnconfirmed,
            Event::StartIdentityReview => EventKind::StartIdentityReview,
            Event::VerifyIdentity => EventKind::VerifyIdentity,
            Event::RequestCorrection { .. } => EventKind::RequestCorrection,
            Event::RequesterAnswered => EventKind::RequesterAnswered,
            Event::InvoiceFee { .. } => EventKind::InvoiceFee,
            Event::RecordPayment { .. } => EventKind::RecordPayment,
            Event::WaiveFee { .. } => EventKind::WaiveFee,
            Event::SubmitDraft { .. } => EventKind::SubmitDraft,
            Event::ReturnDraft { .. } => EventKind::ReturnDraft,
            Event::ApproveDecision => EventKind::ApproveDecision,
            Event::ExtendDeadline { .. } => EventKind::ExtendDeadline,
            Event::ApplySpecialExtension { .. } => EventKind::ApplySpecialExtension,
            Event::VerifyPriorDisclosure { .. } => EventKind::VerifyPriorDisclosure,
            Event::ConsultThirdParty { .. } => EventKind::ConsultThirdParty,
            Event::RecordThirdPartyReply { .. } => EventKind::RecordThirdPartyReply,
            Event::ChooseDeliveryMethod { .. } => EventKind::ChooseDeliveryMethod,
            Event::Deliver => EventKind::Deliver,
            Event::Close => EventKind::Close,
            Event::Withdraw => EventKind::Withdraw,
            Event::Dismiss { .. } => EventKind::Dismiss,
            Event::Transfer { .. } => EventKind::Transfer,
        }
    }
}

impl EventKind {
    /// Whether `actor` may fire this event at all (before looking at the case).
    /// Casework is done by staff and approvers; approvals, returns and fee waivers by approvers
    /// only; administrators configure and auditors read, neither acts on cases.
    pub fn permits(self, actor: &Actor) -> bool {
        let casework = matches!(
            actor,
            Actor::Staff {
                role: Role::Staff | Role::Approver,
                ..
            }
        );
        let approver = matches!(
            actor,
            Actor::Staff {
                role: Role::Approver,
                ..
            }
        );
        let requester = matches!(actor, Actor::Requester);
        let system = matches!(actor, Actor::System);
        let may_waive = matches!(actor, Actor::Staff { role, .. } if role.may_waive_fees());
        match self {
            EventKind::ConfirmEmail => requester,
            EventKind::ExpireUnconfirmed => system,
            EventKind::StartIdentityReview
            | EventKind::VerifyIdentity
            | EventKind::RequestCorrection
            | EventKind::RecordPayment
            | EventKind::SubmitDraft
            | EventKind::ExtendDeadline
            | EventKind::ApplySpecialExtension
            | EventKind::VerifyPriorDisclosure
            | EventKind::ConsultThirdParty
            | EventKind::RecordThirdPartyReply
            | EventKind::Close
            | EventKind::Transfer => casework,
            // The system only where the operator configured it, and only for a lapsed 補正
            // (the lifecycle's guard): the one ground a date alone proves.
            EventKind::Dismiss => casework || system,
            EventKind::WaiveFee => may_waive,
            EventKind::ReturnDraft | EventKind::ApproveDecision => approver,
            EventKind::RequesterAnswered | EventKind::Deliver => requester || casework || system,
            EventKind::InvoiceFee => casework || system,
            EventKind::ChooseDeliveryMethod | EventKind::Withdraw => requester || casework,
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            EventKind::ConfirmEmail => "メールアドレスの確認",
            EventKind::ExpireUnconfirmed => "未確認のまま期限切れ",
            EventKind::StartIdentityReview => "本人確認を開始",
            EventKind::VerifyIdentity => "本人確認済みとする",
            EventKind::RequestCorrection => "補正・追加書類を依頼",
            EventKind::RequesterAnswered => "補正・回答の到達",
            EventKind::InvoiceFee => "手数料を請求",
            EventKind::RecordPayment => "入金を記録",
            EventKind::WaiveFee => "手数料を免除",
            EventKind::SubmitDraft => "決定案を決裁に回す",
            EventKind::ReturnDraft => "決定案を差し戻す",
            EventKind::ApproveDecision => "決裁する",
            EventKind::ExtendDeadline => "期限を延長",
            EventKind::ApplySpecialExtension => "特例延長",
            EventKind::VerifyPriorDisclosure => "開示前置を確認",
            EventKind::ConsultThirdParty => "第三者に意見照会",
            EventKind::RecordThirdPartyReply => "第三者の意見を記録",
            EventKind::ChooseDeliveryMethod => "開示の実施方法を選択",
            EventKind::Deliver => "開示を実施",
            EventKind::Close => "完了とする",
            EventKind::Withdraw => "取り下げる",
            EventKind::Dismiss => "却下する",
            EventKind::Transfer => "移送する",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            EventKind::ConfirmEmail => "Confirm e-mail address",
            EventKind::ExpireUnconfirmed => "Expire unconfirmed submission",
            EventKind::StartIdentityReview => "Start identity review",
            EventKind::VerifyIdentity => "Mark identity as verified",
            EventKind::RequestCorrection => "Ask for a correction or documents",
            EventKind::RequesterAnswered => "Requester's answer arrived",
            EventKind::InvoiceFee => "Invoice a fee",
            EventKind::RecordPayment => "Record a payment",
            EventKind::WaiveFee => "Waive the fee",
            EventKind::SubmitDraft => "Submit draft decision for approval",
            EventKind::ReturnDraft => "Send the draft back",
            EventKind::ApproveDecision => "Approve the decision",
            EventKind::ExtendDeadline => "Extend the deadline",
            EventKind::ApplySpecialExtension => "Apply the special extension",
            EventKind::VerifyPriorDisclosure => "Verify the prior disclosure",
            EventKind::ConsultThirdParty => "Consult a third party",
            EventKind::RecordThirdPartyReply => "Record a third party's opinion",
            EventKind::ChooseDeliveryMethod => "Choose how to receive the disclosure",
            EventKind::Deliver => "Deliver the disclosure",
            EventKind::Close => "Close the case",
            EventKind::Withdraw => "Withdraw the request",
            EventKind::Dismiss => "Dismiss the request",
            EventKind::Transfer => "Transfer to another body",
        }
    }
}
