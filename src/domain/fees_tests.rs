use super::*;
use crate::domain::ledger::{FeeLedger, LedgerEntry, request_fee_at_receipt};
use crate::domain::lifecycle::FeeStatus;
use crate::domain::profile::ProfileName;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn request(kind: RequestKind) -> QuoteRequest {
    QuoteRequest {
        kind,
        delivery: DeliveryMethod::ElectronicDownload,
        pages: Vec::new(),
        discs: 0,
        online: false,
        date: d(2025, 6, 2),
        postage: None,
    }
}

fn a4_mono(pages: u32) -> Vec<PageCount> {
    vec![PageCount {
        size: PaperSize::A4,
        colour: Colour::Mono,
        pages,
    }]
}

#[test]
fn national_bodies_charge_300_or_200_online_for_disclosure_only() {
    let p = ProfileName::National.profile();
    assert_eq!(
        p.quote(&request(RequestKind::Disclosure))
            .unwrap()
            .total_yen,
        Yen(300)
    );
    let online = QuoteRequest {
        online: true,
        ..request(RequestKind::Disclosure)
    };
    assert_eq!(p.quote(&online).unwrap().total_yen, Yen(200));
    for kind in [RequestKind::Correction, RequestKind::Suspension] {
        let q = p.quote(&request(kind)).unwrap();
        assert_eq!(q.total_yen, Yen::ZERO);
        assert!(q.lines.is_empty());
        assert_eq!(q.notes.len(), 1);
    }
    // Postage at cost for copies by post (施行令 Art. 28).
    let by_post = QuoteRequest {
        delivery: DeliveryMethod::PaperByPost,
        ..request(RequestKind::Disclosure)
    };
    assert_eq!(p.quote(&by_post).unwrap().total_yen, Yen(410));
}

#[test]
fn jmimo_schedule_from_its_published_procedure() {
    let p = ProfileName::Jmimo.profile();
    let q = p
        .quote(&QuoteRequest {
            delivery: DeliveryMethod::PaperByPost,
            pages: a4_mono(12),
            discs: 1,
            ..request(RequestKind::Disclosure)
        })
        .unwrap();
    // 4,000 + 12 × 50 + 1 × 1,500; postage not charged separately.
    assert_eq!(q.total_yen, Yen(6100));
    let items: Vec<_> = q
        .lines
        .iter()
        .map(|l| (l.item, l.unit_yen, l.quantity, l.amount_yen))
        .collect();
    assert_eq!(
        items,
        vec![
            (FeeItem::RequestFee, Yen(4000), 1, Yen(4000)),
            (FeeItem::CopyPages, Yen(50), 12, Yen(600)),
            (FeeItem::Disc, Yen(1500), 1, Yen(1500)),
        ]
    );
    assert_eq!(
        p.quote(&request(RequestKind::PurposeNotice))
            .unwrap()
            .total_yen,
        Yen(4000)
    );
    for kind in [
        RequestKind::Correction,
        RequestKind::Suspension,
        RequestKind::ThirdPartyStop,
        RequestKind::ProvisionStop,
    ] {
        let q = p
            .quote(&QuoteRequest {
                pages: a4_mono(10),
                discs: 2,
                ..request(kind)
            })
            .unwrap();
        assert_eq!(q.total_yen, Yen::ZERO, "{kind}");
    }
    // No colour rate in J-MIMO's schedule.
    let colour = QuoteRequest {
        pages: vec![PageCount {
            size: PaperSize::A4,
            colour: Colour::Colour,
            pages: 1,
        }],
        ..request(RequestKind::Disclosure)
    };
    assert_eq!(
        p.quote(&colour),
        Err(FeeError::NoPageRate {
            size: PaperSize::A4,
            colour: Colour::Colour
        })
    );
}

#[test]
fn a_schedule_that_wrongly_lists_a_free_kind_still_quotes_zero() {
    let mut schedules = ProfileName::Private.profile().fee_schedules;
    schedules[0].request_fees.push(KindFee {
        kind: RequestKind::Correction,
        standard: Yen(500),
        online: Yen(500),
    });
    let q = quote(
        Regime::PrivateBusiness,
        &schedules,
        &request(RequestKind::Correction),
    )
    .unwrap();
    assert_eq!(q.total_yen, Yen::ZERO);
}

#[test]
fn the_schedule_of_the_receipt_date_applies() {
    let mut schedules = ProfileName::Private.profile().fee_schedules;
    let mut newer = schedules[0].clone();
    newer.effective_from = d(2026, 4, 1);
    newer.request_fees[1].standard = Yen(1200);
    schedules.push(newer);
    let on = |date| {
        quote(
            Regime::PrivateBusiness,
            &schedules,
            &QuoteRequest {
                date,
                ..request(RequestKind::Disclosure)
            },
        )
    };
    assert_eq!(on(d(2026, 3, 31)).unwrap().total_yen, Yen(1000));
    assert_eq!(on(d(2026, 4, 1)).unwrap().total_yen, Yen(1200));
    assert_eq!(
        on(d(2020, 1, 1)),
        Err(FeeError::NoScheduleInForce {
            date: d(2020, 1, 1)
        })
    );
}

#[test]
fn copy_fee_after_the_page_count_is_known() {
    let p = ProfileName::Kanagawa.profile();
    let req = QuoteRequest {
        delivery: DeliveryMethod::PaperByPost,
        pages: vec![
            PageCount {
                size: PaperSize::A4,
                colour: Colour::Mono,
                pages: 30,
            },
            PageCount {
                size: PaperSize::A4,
                colour: Colour::Colour,
                pages: 2,
            },
        ],
        postage: Some(Yen(250)),
        ..request(RequestKind::Disclosure)
    };
    let q = quote_copies(p.regime, &p.fee_schedules, &req).unwrap();
    assert_eq!(q.total_yen, Yen(300 + 40 + 250));
    assert!(q.lines.iter().all(|l| l.item != FeeItem::RequestFee));
}

#[test]
fn ledger_balance_waiver_and_refund() {
    let pay = |amount| LedgerEntry::Payment {
        amount: Yen(amount),
        method: PaymentMethod::BankTransfer,
        reference: "R1".into(),
    };
    let invoice = |amount| LedgerEntry::Invoice {
        amount: Yen(amount),
        item: FeeItem::RequestFee,
    };
    let l = FeeLedger::from_entries(&[]).unwrap();
    assert_eq!(l.status, FeeStatus::NotRequired);
    let l = FeeLedger::from_entries(&[invoice(4000), pay(3000)]).unwrap();
    assert_eq!(l.status, FeeStatus::Outstanding { amount: Yen(1000) });
    let l = FeeLedger::from_entries(&[invoice(4000), pay(5000)]).unwrap();
    assert_eq!(
        (l.balance, l.overpaid, l.status),
        (
            Yen(-1000),
            Yen(1000),
            FeeStatus::Overpaid { amount: Yen(1000) }
        )
    );
    let refund = LedgerEntry::Refund {
        amount: Yen(1000),
        reason: "過納".into(),
    };
    let l = FeeLedger::from_entries(&[invoice(4000), pay(5000), refund]).unwrap();
    assert_eq!((l.balance, l.overpaid), (Yen::ZERO, Yen::ZERO));
    let waiver = LedgerEntry::Waiver {
        amount: Yen(300),
        reason: "経済的困難".into(),
    };
    assert!(
        FeeLedger::from_entries(&[invoice(300), waiver])
            .unwrap()
            .is_settled()
    );
    assert_eq!(
        FeeLedger::from_entries(&[
            invoice(300),
            LedgerEntry::Waiver {
                amount: Yen(300),
                reason: "".into()
            }
        ]),
        Err(FeeError::ReasonRequired)
    );
    assert_eq!(
        FeeLedger::from_entries(&[invoice(0)]),
        Err(FeeError::NonPositiveAmount)
    );
    assert!(matches!(
        FeeLedger::from_entries(&[
            invoice(300),
            LedgerEntry::Refund {
                amount: Yen(1),
                reason: "x".into()
            }
        ]),
        Err(FeeError::RefundExceedsOverpayment { .. })
    ));
}

#[test]
fn the_request_fee_of_the_receipt_day_is_invoiced_at_receipt() {
    let national = ProfileName::National.profile();
    let at = |online| {
        request_fee_at_receipt(
            national.regime,
            &national.fee_schedules,
            RequestKind::Disclosure,
            online,
            d(2026, 12, 1),
        )
    };
    assert_eq!(at(false).map(|e| e.amount()), Some(Yen(300)));
    assert_eq!(at(true).map(|e| e.amount()), Some(Yen(200)));
    // A free kind, a day before any schedule, a local body's free request: nothing invoiced.
    let none = |p: &crate::domain::profile::OperatorProfile, kind, day| {
        request_fee_at_receipt(p.regime, &p.fee_schedules, kind, false, day)
    };
    assert_eq!(
        none(&national, RequestKind::Correction, d(2026, 12, 1)),
        None
    );
    assert_eq!(
        none(&national, RequestKind::Disclosure, d(2020, 1, 1)),
        None
    );
    let kanagawa = ProfileName::Kanagawa.profile();
    assert_eq!(
        none(&kanagawa, RequestKind::Disclosure, d(2026, 12, 1)),
        None
    );
    let jmimo = ProfileName::Jmimo.profile();
    assert_eq!(
        none(&jmimo, RequestKind::PurposeNotice, d(2026, 12, 1)),
        Some(LedgerEntry::Invoice {
            amount: Yen(4000),
            item: FeeItem::RequestFee
        })
    );
}

#[test]
fn the_web_quote_lists_the_lines_the_command_line_quotes() {
    let p = ProfileName::Jmimo.profile();
    let day = d(2025, 6, 2);
    let paper = unit_rates(
        p.regime,
        &p.fee_schedules,
        RequestKind::Disclosure,
        DeliveryMethod::PaperByPost,
        day,
    )
    .unwrap();
    let disc = unit_rates(
        p.regime,
        &p.fee_schedules,
        RequestKind::Disclosure,
        DeliveryMethod::DiscByPost,
        day,
    )
    .unwrap();
    assert_eq!(
        paper
            .iter()
            .map(|l| (l.item, l.unit_yen))
            .collect::<Vec<_>>(),
        [(FeeItem::CopyPages, Yen(50))]
    );
    assert_eq!(
        disc.iter()
            .map(|l| (l.item, l.unit_yen))
            .collect::<Vec<_>>(),
        [(FeeItem::Disc, Yen(1500))]
    );
    // The command line's `fee quote --pages 12 --discs 1` has the same lines at the same rates.
    let cli = p
        .quote(&QuoteRequest {
            kind: RequestKind::Disclosure,
            delivery: DeliveryMethod::PaperByPost,
            pages: a4_mono(12),
            discs: 1,
            online: false,
            date: day,
            postage: None,
        })
        .unwrap();
    for line in paper.iter().chain(&disc) {
        assert!(
            cli.lines.iter().any(|c| c.item == line.item
                && c.label == line.label
                && c.unit_yen == line.unit_yen),
            "{line:?}"
        );
    }
    assert!(
        unit_rates(
            p.regime,
            &p.fee_schedules,
            RequestKind::ProvisionStop,
            DeliveryMethod::PaperByPost,
            day
        )
        .unwrap()
        .is_empty()
    );
}
