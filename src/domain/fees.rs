//! Fees (docs/fees.md §1-§5, §9): versioned schedules, quotes, and the fee ledger.
//!
//! The schedule in force on the receipt date applies. Kinds the law does not let the regime charge
//! for (correction, suspension, provision stop, and for public bodies anything but disclosure;
//! APPI Art. 38(1), 89(1)-(2)) always get an empty, zero quote, whatever a schedule says.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::domain::delivery::DeliveryMethod;
use crate::domain::kind::RequestKind;
use crate::domain::money::Yen;
use crate::domain::names::stable_names;
use crate::domain::regime::Regime;
use crate::domain::text::Bilingual;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaperSize {
    A4,
    A3,
}

stable_names!(PaperSize, "paper size", { A4 => "a4", A3 => "a3" });

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Colour {
    Mono,
    Colour,
}

stable_names!(Colour, "colour", { Mono => "mono", Colour => "colour" });

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentMethod {
    BankTransfer,
    /// 現金書留.
    RegisteredCash,
    /// 定額小為替.
    PostalMoneyOrder,
    /// 収入印紙 (national bodies: pasted on the form, 施行令 Art. 27).
    RevenueStamp,
    Counter,
    /// Electronic payment with an online request.
    Online,
}

stable_names!(PaymentMethod, "payment method", {
    BankTransfer => "bank_transfer",
    RegisteredCash => "registered_cash",
    PostalMoneyOrder => "postal_money_order",
    RevenueStamp => "revenue_stamp",
    Counter => "counter",
    Online => "online",
});

/// The per-request fee of one kind; `online` applies to requests made online (施行令 Art. 27(2):
/// 200円 instead of 300円 for national bodies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindFee {
    pub kind: RequestKind,
    pub standard: Yen,
    pub online: Yen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageFee {
    pub size: PaperSize,
    pub colour: Colour,
    pub per_page: Yen,
}

/// Postage for delivery by post (施行令 Art. 28: the requester bears 送付に要する費用).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "postage", rename_all = "snake_case")]
pub enum Postage {
    /// Charged at cost; `estimate` is quoted until the actual amount is known.
    AtCost { estimate: Yen },
    /// Not charged separately.
    Included,
}

/// Where a schedule's amounts come from (docs/fees.md §9). The public is shown amounts from a
/// schedule that is not confirmed only as provisional.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum FeeSource {
    /// Fixed by statute: the article.
    Statute(&'static str),
    /// Stated in the operator's published policy: the seed file and its section.
    Seed {
        document: &'static str,
        section: &'static str,
    },
    /// Saved or explicitly confirmed by an administrator (staff id, when).
    ConfirmedBy { staff: String, at: NaiveDateTime },
    /// A built-in default the operator has not confirmed.
    #[default]
    ToConfirm,
}

impl FeeSource {
    pub fn is_confirmed(&self) -> bool {
        *self != FeeSource::ToConfirm
    }

    /// Where the amounts come from, for administrators.
    pub fn text(&self) -> Bilingual {
        match self {
            FeeSource::Statute(article) => {
                Bilingual::owned(format!("法令（{article}）"), format!("Statute ({article})"))
            }
            FeeSource::Seed { document, section } => Bilingual::owned(
                format!("公表資料 {document} {section}"),
                format!("Published policy {document} {section}"),
            ),
            FeeSource::ConfirmedBy { staff, at } => Bilingual::owned(
                format!(
                    "管理者 {staff} が確認（{} UTC）",
                    at.format("%Y-%m-%d %H:%M")
                ),
                format!("Confirmed by {staff} ({} UTC)", at.format("%Y-%m-%d %H:%M")),
            ),
            FeeSource::ToConfirm => Bilingual::fixed(
                "未確認（仮の既定値）",
                "Not confirmed (a placeholder default)",
            ),
        }
    }
}

/// A fee schedule from `effective_from` until the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeSchedule {
    pub effective_from: NaiveDate,
    pub request_fees: Vec<KindFee>,
    pub page_fees: Vec<PageFee>,
    pub disc_fee: Yen,
    pub postage: Postage,
    pub payment_methods: Vec<PaymentMethod>,
    /// Paid before the work starts (J-MIMO: 事前に) rather than invoiced after the decision.
    pub prepaid: bool,
    /// Not part of the stored JSON: an added schedule's row says who saved it, and a built-in
    /// one's source is in code or in its confirmation row.
    #[serde(skip)]
    pub source: FeeSource,
}

impl FeeSchedule {
    /// Whether `other` charges exactly the same, wherever each comes from.
    pub fn same_amounts(&self, other: &FeeSchedule) -> bool {
        let unsourced = |s: &FeeSchedule| FeeSchedule {
            source: FeeSource::ToConfirm,
            ..s.clone()
        };
        unsourced(self) == unsourced(other)
    }
}

/// The schedule in force on `date`: the latest one that took effect on or before it.
pub fn schedule_in_force(schedules: &[FeeSchedule], date: NaiveDate) -> Option<&FeeSchedule> {
    schedules
        .iter()
        .filter(|s| s.effective_from <= date)
        .max_by_key(|s| s.effective_from)
}

/// A number of pages of one size and colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageCount {
    pub size: PaperSize,
    pub colour: Colour,
    pub pages: u32,
}

/// What to quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteRequest {
    pub kind: RequestKind,
    pub delivery: DeliveryMethod,
    pub pages: Vec<PageCount>,
    pub discs: u32,
    pub online: bool,
    /// The receipt date: selects the schedule.
    pub date: NaiveDate,
    /// Actual postage once known; otherwise the schedule's estimate.
    pub postage: Option<Yen>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeeItem {
    RequestFee,
    CopyPages,
    Disc,
    Postage,
}

stable_names!(FeeItem, "fee item", {
    RequestFee => "request_fee",
    CopyPages => "copy_pages",
    Disc => "disc",
    Postage => "postage",
});

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuoteLine {
    pub item: FeeItem,
    pub label: Bilingual,
    pub unit_yen: Yen,
    pub quantity: u32,
    pub amount_yen: Yen,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    pub kind: RequestKind,
    pub schedule_effective_from: Option<NaiveDate>,
    pub lines: Vec<QuoteLine>,
    pub total_yen: Yen,
    pub notes: Vec<Bilingual>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeeError {
    #[error("no fee schedule is in force on {date}")]
    NoScheduleInForce { date: NaiveDate },
    #[error("the schedule has no rate for {size} {colour} pages")]
    NoPageRate { size: PaperSize, colour: Colour },
    #[error("amounts must be more than 0 yen")]
    NonPositiveAmount,
    #[error("a waiver, refund or reversal needs a reason")]
    ReasonRequired,
    #[error("an entry of more than {max} is not a fee")]
    AmountTooLarge { max: Yen },
    #[error("the payment is more than the {owed} owed; confirm to record it")]
    BeyondOwed { owed: Yen },
    #[error("a waiver may not exceed the {owed} owed")]
    WaiverExceedsOwed { owed: Yen },
    #[error("a refund may not exceed the {overpaid} overpaid")]
    RefundExceedsOverpayment { overpaid: Yen },
    #[error("a reversal may not exceed the {recorded} recorded")]
    ReversalExceedsEntries { recorded: Yen },
    #[error("money cannot arrive after today ({today})")]
    ValueDateInFuture { today: NaiveDate },
    #[error("money for this case cannot arrive before the case was received ({received})")]
    ValueDateBeforeReceipt { received: NaiveDate },
    #[error("another fee entry was recorded since the form was drawn")]
    LedgerChanged,
}

const NO_FEE_NOTE: Bilingual = Bilingual::fixed(
    "この請求には手数料はかかりません（法令上、手数料を求めることができない請求です）。",
    "No fee: the law does not allow a fee for this kind of request.",
);

/// Quotes the request fee plus any copies, discs and postage.
pub fn quote(
    regime: Regime,
    schedules: &[FeeSchedule],
    req: &QuoteRequest,
) -> Result<Quote, FeeError> {
    build_quote(regime, schedules, req, true)
}

/// Quotes only the copies, discs and postage, once the page count is known (the request fee was
/// charged at receipt).
pub fn quote_copies(
    regime: Regime,
    schedules: &[FeeSchedule],
    req: &QuoteRequest,
) -> Result<Quote, FeeError> {
    build_quote(regime, schedules, req, false)
}

fn build_quote(
    regime: Regime,
    schedules: &[FeeSchedule],
    req: &QuoteRequest,
    with_request_fee: bool,
) -> Result<Quote, FeeError> {
    if !req.kind.may_carry_fee(regime) {
        return Ok(Quote {
            kind: req.kind,
            schedule_effective_from: None,
            lines: Vec::new(),
            total_yen: Yen::ZERO,
            notes: vec![NO_FEE_NOTE],
        });
    }
    let schedule = schedule_in_force(schedules, req.date)
        .ok_or(FeeError::NoScheduleInForce { date: req.date })?;
    let mut lines = Vec::new();
    let mut push = |item, label: Bilingual, unit: Yen, quantity: u32| {
        let amount = unit.times(quantity);
        if amount.is_positive() {
            lines.push(QuoteLine {
                item,
                label,
                unit_yen: unit,
                quantity,
                amount_yen: amount,
            });
        }
    };
    if with_request_fee {
        let fee = schedule
            .request_fees
            .iter()
            .find(|f| f.kind == req.kind)
            .map_or(
                Yen::ZERO,
                |f| if req.online { f.online } else { f.standard },
            );
        let label = if req.online {
            Bilingual::fixed("手数料（オンライン請求）", "Request fee (online request)")
        } else {
            Bilingual::fixed("手数料", "Request fee")
        };
        push(FeeItem::RequestFee, label, fee, 1);
    }
    // Copies, discs and postage only arise when something is handed over: disclosure kinds.
    if req.kind.is_disclosure() {
        for count in &req.pages {
            let rate = schedule
                .page_fees
                .iter()
                .find(|p| p.size == count.size && p.colour == count.colour)
                .ok_or(FeeError::NoPageRate {
                    size: count.size,
                    colour: count.colour,
                })?;
            let label = page_label(count.size, count.colour);
            push(FeeItem::CopyPages, label, rate.per_page, count.pages);
        }
        push(
            FeeItem::Disc,
            Bilingual::fixed("光ディスク（CD-R等）", "Optical disc (CD-R etc.)"),
            schedule.disc_fee,
            req.discs,
        );
        if req.delivery.is_by_post()
            && let Postage::AtCost { estimate } = schedule.postage
        {
            let (amount, label) = match req.postage {
                Some(actual) => (
                    actual,
                    Bilingual::fixed("郵送料（実費）", "Postage (actual)"),
                ),
                None => (
                    estimate,
                    Bilingual::fixed("郵送料（実費・見込み）", "Postage (at cost, estimate)"),
                ),
            };
            push(FeeItem::Postage, label, amount, 1);
        }
    }
    let total = lines.iter().map(|l| l.amount_yen).sum();
    Ok(Quote {
        kind: req.kind,
        schedule_effective_from: Some(schedule.effective_from),
        lines,
        total_yen: total,
        notes: Vec::new(),
    })
}

/// What a way of delivery adds per unit to the request fee, priced by the same quote as the
/// copies charged later (and as the command line's `fee quote --pages --discs`): one page of
/// each rate the schedule has for paper or counter copies, one disc for a disc. The quote shown
/// before submitting lists these beside the request fee; their total is known once the pages
/// are counted. Postage is not repeated here: the quote itself carries its estimate.
pub fn unit_rates(
    regime: Regime,
    schedules: &[FeeSchedule],
    kind: RequestKind,
    delivery: DeliveryMethod,
    date: NaiveDate,
) -> Result<Vec<QuoteLine>, FeeError> {
    let Some(schedule) = schedule_in_force(schedules, date) else {
        return Ok(Vec::new());
    };
    let pages = match delivery {
        DeliveryMethod::PaperByPost | DeliveryMethod::Counter => schedule
            .page_fees
            .iter()
            .map(|rate| PageCount {
                size: rate.size,
                colour: rate.colour,
                pages: 1,
            })
            .collect(),
        DeliveryMethod::DiscByPost | DeliveryMethod::ElectronicDownload => Vec::new(),
    };
    let req = QuoteRequest {
        kind,
        // At the counter: postage, if any, is already in the request's own quote.
        delivery: DeliveryMethod::Counter,
        pages,
        discs: u32::from(delivery == DeliveryMethod::DiscByPost),
        online: true,
        date,
        postage: None,
    };
    Ok(quote_copies(regime, schedules, &req)?.lines)
}

pub fn page_label(size: PaperSize, colour: Colour) -> Bilingual {
    let (s_ja, s_en) = match size {
        PaperSize::A4 => ("A4", "A4"),
        PaperSize::A3 => ("A3", "A3"),
    };
    let (c_ja, c_en) = match colour {
        Colour::Mono => ("白黒", "black and white"),
        Colour::Colour => ("カラー", "colour"),
    };
    Bilingual::owned(
        format!("写し（{s_ja}・{c_ja}）"),
        format!("Copies ({s_en}, {c_en})"),
    )
}

#[cfg(test)]
#[path = "fees_tests.rs"]
mod tests;
