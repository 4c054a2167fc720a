//! Why an event was refused, in words a person can read (ja / en).

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use crate::domain::event::EventKind;
use crate::domain::kind::RequestKind;
use crate::domain::money::Yen;
use crate::domain::outcome::Outcome;
use crate::domain::regime::Regime;
use crate::domain::state::CaseState;
use crate::domain::text::Bilingual;

/// A refused event. `Display` gives the English message; [`Refusal::text`] both languages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("`{event}` is not possible while the case is `{state}`")]
    WrongState { event: EventKind, state: CaseState },
    #[error("{actor} may not fire `{event}`")]
    NotPermitted {
        event: EventKind,
        actor: &'static str,
    },
    #[error("this kind of request is not offered by the operator: {kind}")]
    KindNotOffered { kind: RequestKind },
    #[error("the documents received do not yet satisfy the identity requirements")]
    IdentityRequirementsNotMet,
    #[error("identity has not been verified")]
    IdentityNotVerified,
    #[error("the fee is not settled ({outstanding} outstanding)")]
    FeeNotSettled { outstanding: Yen },
    #[error("{amount} overpaid is to be refunded before the case closes")]
    RefundDue { amount: Yen },
    #[error("no fee may be charged for a {kind} request under this regime ({regime})")]
    FeeNotAllowed { kind: RequestKind, regime: Regime },
    #[error("there is no outstanding fee")]
    NothingOutstanding,
    #[error("the amount must be more than 0 yen")]
    AmountNotPositive,
    #[error(
        "the approver drafted this decision; another approver must approve it (four-eyes rule)"
    )]
    ApproverIsDrafter,
    #[error("the deadline has already been extended once")]
    ExtensionAlreadyUsed,
    #[error("this operator's profile allows no extension")]
    ExtensionNotAvailable,
    #[error("an extension must be between 1 and {max} days (asked: {requested})")]
    ExtensionOutOfRange { requested: u32, max: u32 },
    #[error("an extension must be decided before the unextended deadline ({unextended_deadline})")]
    ExtensionTooLate { unextended_deadline: NaiveDate },
    #[error("the unextended deadline is not known (clock stopped or not computed)")]
    DeadlineUnknown,
    #[error("there is no special extension for a {kind} request under this regime ({regime})")]
    SpecialExtensionNotAvailable { kind: RequestKind, regime: Regime },
    #[error("the date stated under the special rule must be {earliest} or later")]
    SpecialDateTooEarly { earliest: NaiveDate },
    #[error("the special extension has already been applied")]
    SpecialExtensionAlreadyUsed,
    #[error("`{outcome}` is not a possible decision on a {kind} request ({regime})")]
    OutcomeNotAllowed {
        outcome: Outcome,
        kind: RequestKind,
        regime: Regime,
    },
    #[error("this decision involves no delivery")]
    NoDeliveryForOutcome,
    #[error("the delivery method has not been chosen")]
    DeliveryMethodNotChosen,
    #[error(
        "the disclosure has not been delivered and the requester's time to choose a method has not run out"
    )]
    DeliveryPending,
    #[error("`{event}` does not exist for a {kind} request under this regime ({regime})")]
    NotUnderRegime {
        event: EventKind,
        kind: RequestKind,
        regime: Regime,
    },
    #[error("name the body the request is transferred to")]
    TransferBodyRequired,
    #[error("a request cannot be transferred to the body that holds it")]
    TransferToSelf,
    #[error("a transfer needs the receiving body's agreement first (Art. 85(1) / 96(1))")]
    TransferNotConsulted,
    #[error(
        "a decision on part of the request has been made (Art. 84): the remainder is decided, not dismissed or transferred"
    )]
    PartAlreadyDecided,
    #[error(
        "a correction or suspension is granted only after the prior disclosure has been verified (Art. 90(1), 98(1))"
    )]
    PriorDisclosureNotVerified,
    #[error("the disclosure ({disclosed_on}) is dated after the request")]
    PriorDisclosureAfterRequest { disclosed_on: NaiveDate },
    #[error(
        "the request came after the 90 days from the disclosure (last day {last_day}; Art. 90(3), 98(3))"
    )]
    PriorDisclosureTooLate { last_day: NaiveDate },
    #[error("no consultation is waiting for a reply")]
    NoConsultationAwaitingReply,
    #[error("the consultation is not valid")]
    InvalidConsultation,
    #[error("a third party objected: the disclosure may be carried out from {from} (Art. 86(3))")]
    ThirdPartyWait { from: NaiveDate },
    #[error("the date {date} is in the future")]
    DateInFuture { date: NaiveDate },
    #[error("the requester has until {reply_by} to answer; dismissal must wait")]
    ReplyPeriodRunning { reply_by: NaiveDate },
    #[error("the reply-by date {reply_by} is before today ({today})")]
    ReplyByInPast {
        reply_by: NaiveDate,
        today: NaiveDate,
    },
    #[error("a reason is required")]
    ReasonRequired,
}

impl Refusal {
    /// A stable code for logs and tests.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::WrongState { .. } => "wrong_state",
            Refusal::NotPermitted { .. } => "not_permitted",
            Refusal::KindNotOffered { .. } => "kind_not_offered",
            Refusal::IdentityRequirementsNotMet => "identity_requirements_not_met",
            Refusal::IdentityNotVerified => "identity_not_verified",
            Refusal::FeeNotSettled { .. } => "fee_not_settled",
            Refusal::RefundDue { .. } => "refund_due",
            Refusal::FeeNotAllowed { .. } => "fee_not_allowed",
            Refusal::NothingOutstanding => "nothing_outstanding",
            Refusal::AmountNotPositive => "amount_not_positive",
            Refusal::ApproverIsDrafter => "approver_is_drafter",
            Refusal::ExtensionAlreadyUsed => "extension_already_used",
            Refusal::ExtensionNotAvailable => "extension_not_available",
            Refusal::ExtensionOutOfRange { .. } => "extension_out_of_range",
            Refusal::ExtensionTooLate { .. } => "extension_too_late",
            Refusal::DeadlineUnknown => "deadline_unknown",
            Refusal::SpecialExtensionNotAvailable { .. } => "special_extension_not_available",
            Refusal::SpecialDateTooEarly { .. } => "special_date_too_early",
            Refusal::SpecialExtensionAlreadyUsed => "special_extension_already_used",
            Refusal::OutcomeNotAllowed { .. } => "outcome_not_allowed",
            Refusal::NoDeliveryForOutcome => "no_delivery_for_outcome",
            Refusal::DeliveryMethodNotChosen => "delivery_method_not_chosen",
            Refusal::DeliveryPending => "delivery_pending",
            Refusal::NotUnderRegime { .. } => "not_under_regime",
            Refusal::TransferBodyRequired => "transfer_body_required",
            Refusal::TransferToSelf => "transfer_to_self",
            Refusal::TransferNotConsulted => "transfer_not_consulted",
            Refusal::PartAlreadyDecided => "part_already_decided",
            Refusal::PriorDisclosureNotVerified => "prior_disclosure_not_verified",
            Refusal::PriorDisclosureAfterRequest { .. } => "prior_disclosure_after_request",
            Refusal::PriorDisclosureTooLate { .. } => "prior_disclosure_too_late",
            Refusal::NoConsultationAwaitingReply => "no_consultation_awaiting_reply",
            Refusal::InvalidConsultation => "invalid_consultation",
            Refusal::ThirdPartyWait { .. } => "third_party_wait",
            Refusal::DateInFuture { .. } => "date_in_future",
            Refusal::ReplyPeriodRunning { .. } => "reply_period_running",
            Refusal::ReplyByInPast { .. } => "reply_by_in_past",
            Refusal::ReasonRequired => "reason_required",
        }
    }

    pub fn message_ja(&self) -> String {
        match self {
            Refusal::WrongState { event, state } => format!(
                "「{}」の状態では「{}」はできません。",
                state.label_ja(),
                event.label_ja()
            ),
            Refusal::NotPermitted { event, actor } => {
                format!("{actor}は「{}」を行えません。", event.label_ja())
            }
            Refusal::KindNotOffered { kind } => {
                format!("「{}」はこの窓口では受け付けていません。", kind.label_ja())
            }
            Refusal::IdentityRequirementsNotMet => {
                "提出書類が本人確認の要件をまだ満たしていません。".into()
            }
            Refusal::IdentityNotVerified => "本人確認が完了していません。".into(),
            Refusal::FeeNotSettled { outstanding } => {
                format!("手数料が納付されていません（未納{outstanding}）。")
            }
            Refusal::RefundDue { amount } => {
                format!("過納の{amount}を還付してから完了してください。")
            }
            Refusal::FeeNotAllowed { kind, regime } => format!(
                "{}には手数料を課すことができません（{}）。",
                kind.label_ja(),
                regime.label_ja()
            ),
            Refusal::NothingOutstanding => "未納の手数料はありません。".into(),
            Refusal::AmountNotPositive => "金額は1円以上で入力してください。".into(),
            Refusal::ApproverIsDrafter => {
                "起案者は自分の決定案を決裁できません（別の決裁者が必要です）。".into()
            }
            Refusal::ExtensionAlreadyUsed => "期限の延長は既に1回行われています。".into(),
            Refusal::ExtensionNotAvailable => "この窓口の設定では期限を延長できません。".into(),
            Refusal::ExtensionOutOfRange { requested, max } => {
                format!("延長日数は1日以上{max}日以内です（指定：{requested}日）。")
            }
            Refusal::ExtensionTooLate {
                unextended_deadline,
            } => format!("延長は延長前の期限（{unextended_deadline}）までに行う必要があります。"),
            Refusal::DeadlineUnknown => {
                "延長前の期限が確定していません（期限停止中または未計算）。".into()
            }
            Refusal::SpecialExtensionNotAvailable { kind, regime } => format!(
                "{}（{}）には期限の特例がありません。",
                kind.label_ja(),
                regime.label_ja()
            ),
            Refusal::SpecialDateTooEarly { earliest } => {
                format!("特例による期限は{earliest}以降の日付にしてください。")
            }
            Refusal::SpecialExtensionAlreadyUsed => "特例延長は既に適用されています。".into(),
            Refusal::OutcomeNotAllowed {
                outcome,
                kind,
                regime,
            } => format!(
                "{}に対して「{}」の決定はできません。",
                kind.label_ja(),
                outcome.label_ja(*regime)
            ),
            Refusal::NoDeliveryForOutcome => "この決定には開示の実施がありません。".into(),
            Refusal::DeliveryMethodNotChosen => "開示の実施方法が選択されていません。".into(),
            Refusal::DeliveryPending => {
                "開示が実施されておらず、実施方法の申出期間も経過していません。".into()
            }
            Refusal::NotUnderRegime {
                event,
                kind,
                regime,
            } => format!(
                "{}（{}）では「{}」は行えません。",
                kind.label_ja(),
                regime.label_ja(),
                event.label_ja()
            ),
            Refusal::TransferBodyRequired => "移送先の機関を入力してください。".into(),
            Refusal::TransferToSelf => {
                "移送先が当機関自身です。他の行政機関等を入力してください。".into()
            }
            Refusal::TransferNotConsulted => {
                "移送の前に移送先と協議してください（第85条第1項・第96条第1項）。".into()
            }
            Refusal::PartAlreadyDecided => {
                "相当の部分について決定済みです（第84条）。残りの部分について決定してください。"
                    .into()
            }
            Refusal::PriorDisclosureNotVerified => {
                "開示前置（開示を受けた日から90日以内）が確認されていないため、訂正・利用停止をする決定はできません（第90条第1項・第98条第1項）。"
                    .into()
            }
            Refusal::PriorDisclosureAfterRequest { disclosed_on } => {
                format!("開示を受けた日（{disclosed_on}）が請求の日より後です。")
            }
            Refusal::PriorDisclosureTooLate { last_day } => format!(
                "開示を受けた日から90日以内（{last_day}まで）に請求されていません（第90条第3項・第98条第3項）。"
            ),
            Refusal::NoConsultationAwaitingReply => "回答待ちの意見照会はありません。".into(),
            Refusal::InvalidConsultation => "意見照会の内容が正しくありません。".into(),
            Refusal::ThirdPartyWait { from } => format!(
                "第三者から反対意見書が提出されているため、開示の実施は{from}以降になります（第86条第3項）。"
            ),
            Refusal::DateInFuture { date } => format!("{date}は未来の日付です。"),
            Refusal::ReplyPeriodRunning { reply_by } => {
                format!("補正の期限（{reply_by}）が経過するまで却下できません。")
            }
            Refusal::ReplyByInPast { reply_by, today } => {
                format!("回答期限（{reply_by}）が本日（{today}）より前です。")
            }
            Refusal::ReasonRequired => "理由を入力してください。".into(),
        }
    }

    pub fn message_en(&self) -> String {
        let mut message = self.to_string();
        if let Some(first) = message.get(0..1) {
            let upper = first.to_ascii_uppercase();
            message.replace_range(0..1, &upper);
        }
        message.push('.');
        message
    }

    pub fn text(&self) -> Bilingual {
        Bilingual::owned(self.message_ja(), self.message_en())
    }
}

impl Serialize for Refusal {
    /// `{"code": ..., "ja": ..., "en": ...}`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shape<'a> {
            code: &'a str,
            ja: String,
            en: String,
        }
        Shape {
            code: self.code(),
            ja: self.message_ja(),
            en: self.message_en(),
        }
        .serialize(serializer)
    }
}
