//! Cases worked out by hand from docs/deadlines.md (dates checked against a wall calendar).

use super::*;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::state::PauseReason;
use proptest::prelude::*;
use std::sync::OnceLock;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn cal() -> &'static BusinessCalendar {
    static CAL: OnceLock<BusinessCalendar> = OnceLock::new();
    CAL.get_or_init(BusinessCalendar::administrative)
}

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .with_timezone(&Utc)
}

/// A national body's disclosure decision: 30 days, 初日不算入, B − A, up to 30 days' extension.
fn national(received: &str) -> DeadlineRequest<'static> {
    DeadlineRequest {
        received_at: at(received),
        period: Period::CalendarDays {
            days: 30,
            first_day_counted: false,
        },
        side: PeriodSide::Agency,
        basis: LegalBasis::APPI_83,
        pauses: &[],
        pause_convention: PauseConvention::EndMinusStart,
        extension_days: 0,
        max_extension_days: 30,
        agency_deadline_rollover: false,
        special: None,
        due_soon_office_days: 5,
        today: None,
    }
}

#[test]
fn thirty_days_from_the_day_after_receipt() {
    let r = compute_deadline(&national("2025-04-01T10:00:00+09:00"), cal()).unwrap();
    assert_eq!(r.received_date, d(2025, 4, 1));
    assert_eq!(r.base_last_day, d(2025, 5, 1));
    assert_eq!(r.statutory_last_day, d(2025, 5, 1));
    assert_eq!(r.last_office_day, d(2025, 5, 1));
    assert_eq!(r.next_office_day, d(2025, 5, 1));
    assert_eq!(r.extension_notice_due, Some(d(2025, 5, 1)));
    assert_eq!(r.ends_at, at("2025-05-02T00:00:00+09:00"));
    assert_eq!(r.clock, Clock::Running);
    assert!(!r.provisional);
}

#[test]
fn receipt_day_is_the_tokyo_date_not_the_utc_date() {
    // 2025-04-01 00:00:05 JST is still 2025-03-31 in UTC.
    let r = compute_deadline(&national("2025-03-31T15:00:05Z"), cal()).unwrap();
    assert_eq!(r.received_date, d(2025, 4, 1));
    assert_eq!(r.statutory_last_day, d(2025, 5, 1));
    // One second before midnight JST is the previous day.
    let r = compute_deadline(&national("2025-03-31T14:59:59Z"), cal()).unwrap();
    assert_eq!(r.received_date, d(2025, 3, 31));
    assert_eq!(r.statutory_last_day, d(2025, 4, 30));
}

#[test]
fn first_day_counted_when_configured() {
    let mut req = national("2024-01-31T09:00:00+09:00");
    req.period = Period::CalendarDays {
        days: 30,
        first_day_counted: true,
    };
    // Leap year: day 30 counted from 1/31 is 2/29.
    let r = compute_deadline(&req, cal()).unwrap();
    assert_eq!(r.statutory_last_day, d(2024, 2, 29));
}

#[test]
fn leap_day_is_an_ordinary_day() {
    let r = compute_deadline(&national("2024-01-30T09:00:00+09:00"), cal()).unwrap();
    assert_eq!(r.statutory_last_day, d(2024, 2, 29));
    assert_eq!(r.last_office_day, d(2024, 2, 29));
}

#[test]
fn golden_week_does_not_move_an_agency_deadline() {
    // R = 2025-04-04 (Fri) → E = 2025-05-04 (Sun, みどりの日); 5/3-5/6 are closed.
    let r = compute_deadline(&national("2025-04-04T12:00:00+09:00"), cal()).unwrap();
    assert_eq!(r.statutory_last_day, d(2025, 5, 4));
    assert_eq!(r.last_office_day, d(2025, 5, 2));
    assert_eq!(r.next_office_day, d(2025, 5, 7));

    let mut req = national("2025-04-04T12:00:00+09:00");
    req.agency_deadline_rollover = true;
    let r = compute_deadline(&req, cal()).unwrap();
    assert_eq!(r.statutory_last_day, d(2025, 5, 7));
    assert_eq!(r.last_office_day, d(2025, 5, 7));
}

#[test]
fn year_end_closure() {
    // R = 2024-11-29 → E = 2024-12-29 (Sun, 年末年始); office again on 2025-01-06.
    let r = compute_deadline(&national("2024-11-29T09:00:00+09:00"), cal()).unwrap();
    assert_eq!(r.statutory_last_day, d(2024, 12, 29));
    assert_eq!(r.last_office_day, d(2024, 12, 27));
    assert_eq!(r.next_office_day, d(2025, 1, 6));
}

#[test]
fn substitute_holiday_and_citizens_holiday() {
    // E = 2025-11-23 (Sun, 勤労感謝の日) → 11/24 振替休日.
    let r = compute_deadline(&national("2025-10-24T09:00:00+09:00"), cal()).unwrap();
    assert_eq!(r.statutory_last_day, d(2025, 11, 23));
    assert_eq!(r.last_office_day, d(2025, 11, 21));
    assert_eq!(r.next_office_day, d(2025, 11, 25));
    // E = 2026-09-22 (国民の休日 between 敬老の日 and 秋分の日), received on a Sunday online.
    let r = compute_deadline(&national("2026-08-23T23:30:00+09:00"), cal()).unwrap();
    assert_eq!(r.received_date, d(2026, 8, 23));
    assert_eq!(r.statutory_last_day, d(2026, 9, 22));
    assert_eq!(r.last_office_day, d(2026, 9, 18));
    assert_eq!(r.next_office_day, d(2026, 9, 24));
}

#[test]
fn two_correction_episodes_are_excluded() {
    let pauses = [
        Pause {
            from: d(2025, 6, 10),
            until: Some(d(2025, 6, 16)),
            reason: PauseReason::Correction,
        },
        Pause {
            from: d(2025, 6, 20),
            until: Some(d(2025, 6, 23)),
            reason: PauseReason::Correction,
        },
    ];
    let mut req = national("2025-06-02T09:00:00+09:00");
    req.pauses = &pauses;
    let r = compute_deadline(&req, cal()).unwrap();
    assert_eq!(r.base_last_day, d(2025, 7, 2));
    assert_eq!(r.paused_days, 9);
    assert_eq!(r.statutory_last_day, d(2025, 7, 11));
    // B − A + 1: 7 + 4 = 11 days → 2025-07-13 (Sun); last office day Friday 7/11.
    req.pause_convention = PauseConvention::EndMinusStartPlusOne;
    let r = compute_deadline(&req, cal()).unwrap();
    assert_eq!(r.paused_days, 11);
    assert_eq!(r.statutory_last_day, d(2025, 7, 13));
    assert_eq!(r.last_office_day, d(2025, 7, 11));
    assert_eq!(r.next_office_day, d(2025, 7, 14));
}

#[test]
fn an_open_pause_stops_the_clock() {
    let pauses = [Pause {
        from: d(2025, 6, 10),
        until: None,
        reason: PauseReason::Correction,
    }];
    let mut req = national("2025-06-02T09:00:00+09:00");
    req.pauses = &pauses;
    req.today = Some(d(2025, 6, 13));
    let r = compute_deadline(&req, cal()).unwrap();
    assert_eq!(
        r.clock,
        Clock::Stopped {
            since: d(2025, 6, 10),
            reason: PauseReason::Correction,
            remaining: 22,
            assumed_answer: d(2025, 6, 13)
        }
    );
    // If the answer came today: 6/13 + 22 days = 7/5 (Sat).
    assert_eq!(r.statutory_last_day, d(2025, 7, 5));
    assert_eq!(r.status, Some(DeadlineStatus::ClockStopped));
}

/// A payment pause is the operator's policy, a 補正 pause the statute's: the explanation names
/// each for what it is, closed or still open, and never calls a payment wait 補正.
#[test]
fn a_pause_is_explained_by_what_it_waits_for() {
    let explain = |pauses: &[Pause]| {
        let mut req = national("2025-06-02T09:00:00+09:00");
        req.pauses = pauses;
        req.today = Some(d(2025, 6, 25));
        let (plain, explanation) = compute_deadline_explained(&req, cal()).unwrap();
        (plain, explanation.steps)
    };
    let closed_payment = Pause {
        from: d(2025, 6, 10),
        until: Some(d(2025, 6, 16)),
        reason: PauseReason::Payment,
    };
    let open_correction = Pause {
        from: d(2025, 6, 20),
        until: None,
        reason: PauseReason::Correction,
    };
    let (plain, steps) = explain(&[closed_payment, open_correction]);
    let closed = steps.iter().find(|s| s.ja.contains("停止期間1")).unwrap();
    assert!(closed.ja.contains("手数料の納付を待つ間"), "{}", closed.ja);
    assert!(closed.ja.contains("補正ではない"), "{}", closed.ja);
    assert!(closed.en.contains("waiting for the fee"), "{}", closed.en);
    let open = steps
        .iter()
        .find(|s| s.ja.contains("期限停止中。"))
        .unwrap();
    assert!(open.ja.contains("補正を待つ"), "{}", open.ja);
    assert!(!open.ja.contains("手数料"), "{}", open.ja);
    assert!(matches!(
        plain.clock,
        Clock::Stopped {
            reason: PauseReason::Correction,
            ..
        }
    ));

    let open_payment = Pause {
        until: None,
        ..closed_payment
    };
    let (plain, steps) = explain(&[open_payment]);
    assert!(matches!(
        plain.clock,
        Clock::Stopped {
            reason: PauseReason::Payment,
            ..
        }
    ));
    let stopped: Vec<&str> = steps.iter().map(|s| s.ja.as_ref()).collect();
    assert!(
        stopped
            .iter()
            .any(|s| s.contains("手数料の納付を待つため期限停止中")),
        "{stopped:?}"
    );
    assert!(
        stopped
            .iter()
            .any(|s| s.contains("期限停止中（手数料の納付待ち）")),
        "{stopped:?}"
    );
    assert!(!stopped.iter().any(|s| s.contains("補正")), "{stopped:?}");
}

#[test]
fn extension_landing_on_a_holiday() {
    // R = 2025-08-12 → E1 = 2025-09-11; +4 days = 2025-09-15 (Mon, 敬老の日).
    let mut req = national("2025-08-12T09:00:00+09:00");
    req.extension_days = 4;
    let r = compute_deadline(&req, cal()).unwrap();
    assert_eq!(r.unextended_last_day, d(2025, 9, 11));
    assert_eq!(r.statutory_last_day, d(2025, 9, 15));
    assert_eq!(r.last_office_day, d(2025, 9, 12));
    assert_eq!(r.next_office_day, d(2025, 9, 16));
    assert_eq!(r.extension_notice_due, Some(d(2025, 9, 11)));
}

#[test]
fn extension_beyond_the_maximum_is_refused() {
    let mut req = national("2025-08-12T09:00:00+09:00");
    req.extension_days = 31;
    assert_eq!(
        compute_deadline(&req, cal()),
        Err(DeadlineError::ExtensionTooLong {
            requested: 31,
            max: 30
        })
    );
}

#[test]
fn pauses_are_validated() {
    let mut req = national("2025-06-02T09:00:00+09:00");
    let backwards = [Pause {
        from: d(2025, 6, 10),
        until: Some(d(2025, 6, 9)),
        reason: PauseReason::Correction,
    }];
    req.pauses = &backwards;
    assert!(matches!(
        compute_deadline(&req, cal()),
        Err(DeadlineError::PauseEndsBeforeStart { .. })
    ));
    let before = [Pause {
        from: d(2025, 6, 1),
        until: Some(d(2025, 6, 9)),
        reason: PauseReason::Correction,
    }];
    req.pauses = &before;
    assert!(matches!(
        compute_deadline(&req, cal()),
        Err(DeadlineError::PauseBeforeReceipt { .. })
    ));
    let open_first = [
        Pause {
            from: d(2025, 6, 3),
            until: None,
            reason: PauseReason::Correction,
        },
        Pause {
            from: d(2025, 6, 10),
            until: Some(d(2025, 6, 11)),
            reason: PauseReason::Correction,
        },
    ];
    req.pauses = &open_first;
    assert_eq!(
        compute_deadline(&req, cal()),
        Err(DeadlineError::OpenPauseNotLast)
    );
}

fn special(effect: SpecialEffect, rest_by: NaiveDate, part_decided: bool) -> Option<SpecialTerms> {
    Some(SpecialTerms {
        effect,
        basis: LegalBasis {
            ja: "個人情報保護法第84条",
            en: "APPI Art. 84",
        },
        rest_by,
        part_decided,
    })
}

#[test]
fn special_extension_dates() {
    let mut req = national("2025-04-01T09:00:00+09:00");
    let art84 = SpecialEffect::PartThenRemainder { part_days: 60 };
    req.special = special(art84, d(2025, 7, 31), false);
    let r = compute_deadline(&req, cal()).unwrap();
    assert_eq!(
        r.special_extension,
        Some(SpecialExtensionDates {
            notice_due: d(2025, 5, 1),
            part_due: Some(d(2025, 5, 31)),
            rest_due: d(2025, 7, 31),
        })
    );
    // Until the part is decided, its date (5/31, a Saturday → 5/30) governs.
    assert_eq!(r.due_office_day, d(2025, 5, 30));
    req.special = special(art84, d(2025, 7, 31), true);
    assert_eq!(
        compute_deadline(&req, cal()).unwrap().due_office_day,
        d(2025, 7, 31)
    );
    req.special = special(art84, d(2025, 5, 20), false);
    assert!(matches!(
        compute_deadline(&req, cal()),
        Err(DeadlineError::SpecialExtensionTooEarly { .. })
    ));
    // Arts. 95/103: the whole decision by the stated date, no part.
    req.special = special(SpecialEffect::WholeByStatedDate, d(2025, 6, 30), false);
    let r = compute_deadline(&req, cal()).unwrap();
    assert_eq!(r.special_extension.and_then(|s| s.part_due), None);
    assert_eq!(r.due_office_day, d(2025, 6, 30));
}

#[test]
fn an_undecided_part_is_overdue_after_day_60() {
    let mut req = national("2025-04-01T09:00:00+09:00");
    let art84 = SpecialEffect::PartThenRemainder { part_days: 60 };
    req.special = special(art84, d(2025, 7, 31), false);
    req.today = Some(d(2025, 6, 2));
    assert_eq!(
        compute_deadline(&req, cal()).unwrap().status,
        Some(DeadlineStatus::Overdue)
    );
    req.special = special(art84, d(2025, 7, 31), true);
    assert_eq!(
        compute_deadline(&req, cal()).unwrap().status,
        Some(DeadlineStatus::OnTime)
    );
}

#[test]
fn private_internal_target_in_office_days() {
    // R = 2025-04-25 (Fri); 10 office days skip 4/29 and 5/3-5/6 → 2025-05-14.
    let mut req = national("2025-04-25T09:00:00+09:00");
    req.period = Period::OfficeDays { days: 10 };
    req.basis = LegalBasis::PRIVATE_WITHOUT_DELAY;
    let r = compute_deadline(&req, cal()).unwrap();
    assert_eq!(r.statutory_last_day, d(2025, 5, 14));
    // A pause of 5/7..5/9 (2 office days, B − A) moves it by 2 office days.
    let pauses = [Pause {
        from: d(2025, 5, 7),
        until: Some(d(2025, 5, 9)),
        reason: PauseReason::Correction,
    }];
    req.pauses = &pauses;
    let r = compute_deadline(&req, cal()).unwrap();
    assert_eq!(r.statutory_last_day, d(2025, 5, 16));
}

#[test]
fn requester_side_periods_roll_forward() {
    // Art. 87(3): notice on 2025-11-28 + 30 days = 12/28 (Sun) → year-end → 2026-01-05.
    assert_eq!(
        requester_period_end(d(2025, 11, 28), 30, cal()),
        d(2026, 1, 5)
    );
    let mut req = national("2025-11-28T09:00:00+09:00");
    req.side = PeriodSide::Requester;
    req.basis = LegalBasis::APPI_87_3;
    req.max_extension_days = 0;
    let r = compute_deadline(&req, cal()).unwrap();
    assert_eq!(r.statutory_last_day, d(2026, 1, 5));
    assert_eq!(r.last_office_day, d(2026, 1, 5));
    assert_eq!(r.extension_notice_due, None);
}

#[test]
fn status_on_a_given_day() {
    let mut req = national("2025-04-01T10:00:00+09:00");
    req.today = Some(d(2025, 4, 10));
    assert_eq!(
        compute_deadline(&req, cal()).unwrap().status,
        Some(DeadlineStatus::OnTime)
    );
    // 4/25 (Fri): office days 4/28, 4/30, 5/1 remain → within 5.
    req.today = Some(d(2025, 4, 25));
    assert_eq!(
        compute_deadline(&req, cal()).unwrap().status,
        Some(DeadlineStatus::DueSoon)
    );
    req.today = Some(d(2025, 5, 1));
    assert_eq!(
        compute_deadline(&req, cal()).unwrap().status,
        Some(DeadlineStatus::DueSoon)
    );
    req.today = Some(d(2025, 5, 2));
    assert_eq!(
        compute_deadline(&req, cal()).unwrap().status,
        Some(DeadlineStatus::Overdue)
    );
}

#[test]
fn explanation_names_articles_and_closed_days() {
    let mut req = national("2025-04-04T12:00:00+09:00");
    req.today = Some(d(2025, 4, 30));
    let (plain, explanation) = compute_deadline_explained(&req, cal()).unwrap();
    assert_eq!(plain, compute_deadline(&req, cal()).unwrap());
    let ja: Vec<&str> = explanation.steps.iter().map(|s| s.ja.as_ref()).collect();
    let en: Vec<&str> = explanation.steps.iter().map(|s| s.en.as_ref()).collect();
    assert!(ja[0].contains("個人情報保護法第83条"));
    assert!(ja[1].contains("民法第140条"));
    assert!(
        ja.iter()
            .any(|s| s.contains("休日（みどりの日）") && s.contains("2025-05-06（火） 休日"))
    );
    assert!(en.iter().any(|s| s.contains("does not move")));
    assert!(en.last().unwrap().contains("due soon"));
}

#[test]
fn years_after_the_published_list_are_provisional() {
    let r = compute_deadline(&national("2028-03-01T09:00:00+09:00"), cal()).unwrap();
    assert!(r.provisional);
}

fn arbitrary_request() -> impl Strategy<Value = (i64, u32, bool, u32, bool, u32)> {
    (
        0i64..(365 * 30),
        1u32..=60,
        any::<bool>(),
        0u32..=30,
        any::<bool>(),
        0u32..3,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_deadline_never_lands_before_its_base(
        (offset, days, first, ext, rollover, side) in arbitrary_request(),
        hour in 0i64..24,
    ) {
        let received = d(2000, 1, 1).and_hms_opt(0, 0, 0).unwrap().and_utc()
            + TimeDelta::days(offset) + TimeDelta::hours(hour);
        let mut req = national("2025-01-01T00:00:00Z");
        req.received_at = received;
        req.period = if side == 2 {
            Period::OfficeDays { days }
        } else {
            Period::CalendarDays { days, first_day_counted: first }
        };
        req.side = if side == 1 { PeriodSide::Requester } else { PeriodSide::Agency };
        req.extension_days = if side == 1 { 0 } else { ext };
        req.agency_deadline_rollover = rollover;
        let r = compute_deadline(&req, cal()).unwrap();
        prop_assert!(r.statutory_last_day >= r.received_date);
        prop_assert!(r.statutory_last_day >= r.base_last_day);
        prop_assert!(r.unextended_last_day >= r.base_last_day);
        prop_assert!(r.last_office_day <= r.statutory_last_day);
        prop_assert!(r.next_office_day >= r.statutory_last_day);
        prop_assert!(cal().is_office_day(r.last_office_day));
        prop_assert!(cal().is_office_day(r.next_office_day));
    }

    #[test]
    fn excluding_a_pause_never_shortens_a_deadline(
        (offset, days, first, _ext, _rollover, side) in arbitrary_request(),
        start in 0i64..40,
        length in 0i64..20,
        plus_one in any::<bool>(),
    ) {
        let received = d(2000, 1, 1).and_hms_opt(3, 0, 0).unwrap().and_utc() + TimeDelta::days(offset);
        let mut req = national("2025-01-01T00:00:00Z");
        req.received_at = received;
        req.period = if side == 2 {
            Period::OfficeDays { days }
        } else {
            Period::CalendarDays { days, first_day_counted: first }
        };
        req.pause_convention = if plus_one {
            PauseConvention::EndMinusStartPlusOne
        } else {
            PauseConvention::EndMinusStart
        };
        let without = compute_deadline(&req, cal()).unwrap();
        let from = add_days(jst_date(received), start);
        let pauses = [Pause { from, until: Some(add_days(from, length)), reason: PauseReason::Correction }];
        req.pauses = &pauses;
        let with = compute_deadline(&req, cal()).unwrap();
        prop_assert!(with.statutory_last_day >= without.statutory_last_day);
        prop_assert!(with.last_office_day >= without.last_office_day);
    }
}
