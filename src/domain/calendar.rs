//! Closed days (閉庁日 / 休業日) and office-day arithmetic (docs/calendar.md §6-§7).
//!
//! National bodies close on Saturdays, Sundays, 祝日法 休日 and 12/29–1/3 (行政機関の休日に関する法律
//! Art. 1(1)); local bodies by 条例 under 地方自治法 Art. 4-2; private operators by their own business
//! calendar. Operator closures are passed in as data. The calendar precomputes one bit per day for
//! 1980–2100 so that deadline arithmetic is a handful of bit tests and never allocates.

use std::borrow::Cow;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::domain::holidays::{GENERIC_HOLIDAY_NAME, JapaneseHolidays};
use crate::domain::names::stable_names;
use crate::domain::text::Bilingual;

/// What an operator decided about one day, against the rules: closed although the rules open
/// it, or open although the rules close it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayOverride {
    Closed,
    Open,
}

stable_names!(DayOverride, "day override", { Closed => "closed", Open => "open" });

/// Which kinds of day an operator is closed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosedDayRules {
    pub saturdays: bool,
    pub sundays: bool,
    /// 休日 under the holiday law (祝日, 振替休日, 国民の休日).
    pub national_holidays: bool,
    /// 年末年始 12/29–1/3.
    pub year_end: bool,
}

impl ClosedDayRules {
    /// 行政機関の休日に関する法律 Art. 1(1): Saturdays, Sundays, 休日, 12/29–1/3.
    pub const ADMINISTRATIVE: ClosedDayRules = ClosedDayRules {
        saturdays: true,
        sundays: true,
        national_holidays: true,
        year_end: true,
    };
}

/// Why a day is closed. Several may apply; the first in this order is reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum ClosedReason<'a> {
    Holiday { name: Cow<'a, str> },
    YearEnd,
    Saturday,
    Sunday,
    OperatorClosure,
}

impl ClosedReason<'_> {
    pub fn text(&self) -> Bilingual {
        match self {
            ClosedReason::Holiday { name } if name == GENERIC_HOLIDAY_NAME => {
                Bilingual::fixed("休日", "public holiday (substitute or in-between day)")
            }
            ClosedReason::Holiday { name } => Bilingual::owned(
                format!("休日（{name}）"),
                format!("public holiday ({name})"),
            ),
            ClosedReason::YearEnd => {
                Bilingual::fixed("年末年始", "year-end closure (Dec 29 - Jan 3)")
            }
            ClosedReason::Saturday => Bilingual::fixed("土曜日", "Saturday"),
            ClosedReason::Sunday => Bilingual::fixed("日曜日", "Sunday"),
            ClosedReason::OperatorClosure => Bilingual::fixed("臨時休業日", "operator closure"),
        }
    }
}

const FIRST_YEAR: i32 = 1980;
const LAST_YEAR: i32 = 2100;

/// An operator's business calendar.
#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    rules: ClosedDayRules,
    holidays: JapaneseHolidays,
    closures: Vec<NaiveDate>,
    /// Office days on days the rules would close (an override: the office opens on a Saturday).
    openings: Vec<NaiveDate>,
    first_day: i32,
    day_count: i32,
    closed_bits: Vec<u64>,
    /// Upper bound of consecutive closed days; bounds every search loop.
    longest_search: u32,
}

impl BusinessCalendar {
    /// Builds the calendar; `closures` are the operator's extra closed days (from its database).
    pub fn new(
        rules: ClosedDayRules,
        holidays: JapaneseHolidays,
        closures: impl IntoIterator<Item = NaiveDate>,
    ) -> Self {
        let mut closures: Vec<NaiveDate> = closures.into_iter().collect();
        closures.sort_unstable();
        closures.dedup();
        let first_day = day_number(ymd(FIRST_YEAR, 1, 1));
        let day_count = day_number(ymd(LAST_YEAR, 12, 31)) - first_day + 1;
        let mut cal = BusinessCalendar {
            rules,
            holidays,
            longest_search: u32::try_from(closures.len()).unwrap_or(u32::MAX / 2) + 400,
            closures,
            openings: Vec::new(),
            first_day,
            day_count,
            closed_bits: vec![0; (day_count as usize).div_ceil(64)],
        };
        let mut day = ymd(FIRST_YEAR, 1, 1);
        for index in 0..day_count as usize {
            if cal.closed_reason_slow(day).is_some() {
                cal.closed_bits[index / 64] |= 1 << (index % 64);
            }
            day = day.succ_opt().unwrap_or(day);
        }
        cal
    }

    /// The national administrative calendar with no operator closures.
    pub fn administrative() -> Self {
        BusinessCalendar::new(
            ClosedDayRules::ADMINISTRATIVE,
            JapaneseHolidays::default(),
            [],
        )
    }

    pub fn rules(&self) -> ClosedDayRules {
        self.rules
    }

    pub fn holidays(&self) -> &JapaneseHolidays {
        &self.holidays
    }

    pub fn closures(&self) -> &[NaiveDate] {
        &self.closures
    }

    pub fn openings(&self) -> &[NaiveDate] {
        &self.openings
    }

    /// The same calendar with the operator's own days replaced: `closures` closed, `openings`
    /// open whatever the rules say. Only the changed days are recomputed, so an instance can
    /// refresh its calendar cheaply whenever an administrator edits it.
    pub fn with_operator_days(
        &self,
        closures: impl IntoIterator<Item = NaiveDate>,
        openings: impl IntoIterator<Item = NaiveDate>,
    ) -> BusinessCalendar {
        let sorted = |days: &mut Vec<NaiveDate>| {
            days.sort_unstable();
            days.dedup();
        };
        let mut next = self.clone();
        next.closures = closures.into_iter().collect();
        next.openings = openings.into_iter().collect();
        sorted(&mut next.closures);
        sorted(&mut next.openings);
        next.longest_search = u32::try_from(next.closures.len()).unwrap_or(u32::MAX / 2) + 400;
        let touched = self
            .closures
            .iter()
            .chain(&self.openings)
            .chain(&next.closures)
            .chain(&next.openings)
            .copied()
            .collect::<Vec<_>>();
        for day in touched {
            if let Some(i) = next.index(day) {
                let bit = 1u64 << (i % 64);
                if next.closed_reason_slow(day).is_some() {
                    next.closed_bits[i / 64] |= bit;
                } else {
                    next.closed_bits[i / 64] &= !bit;
                }
            }
        }
        next
    }

    /// Whether a date's 休日 rest on a projection (equinox not yet published).
    pub fn is_provisional(&self, date: NaiveDate) -> bool {
        self.holidays.is_provisional_year(date.year())
    }

    pub fn is_closed(&self, date: NaiveDate) -> bool {
        match self.index(date) {
            Some(i) => self.closed_bits[i / 64] & (1 << (i % 64)) != 0,
            None => self.closed_reason_slow(date).is_some(),
        }
    }

    pub fn is_office_day(&self, date: NaiveDate) -> bool {
        !self.is_closed(date)
    }

    /// Why `date` is closed, or `None` on an office day.
    pub fn closed_reason(&self, date: NaiveDate) -> Option<ClosedReason<'_>> {
        if !self.is_closed(date) {
            return None;
        }
        self.closed_reason_slow(date)
    }

    fn closed_reason_slow(&self, date: NaiveDate) -> Option<ClosedReason<'_>> {
        if self.openings.binary_search(&date).is_ok() {
            return None;
        }
        if self.rules.national_holidays
            && let Some(name) = self.holidays.name(date)
        {
            return Some(ClosedReason::Holiday { name });
        }
        let (m, d) = (date.month(), date.day());
        if self.rules.year_end && ((m == 12 && d >= 29) || (m == 1 && d <= 3)) {
            return Some(ClosedReason::YearEnd);
        }
        match date.weekday() {
            Weekday::Sat if self.rules.saturdays => return Some(ClosedReason::Saturday),
            Weekday::Sun if self.rules.sundays => return Some(ClosedReason::Sunday),
            _ => {}
        }
        if self.closures.binary_search(&date).is_ok() {
            return Some(ClosedReason::OperatorClosure);
        }
        None
    }

    fn index(&self, date: NaiveDate) -> Option<usize> {
        let i = day_number(date) - self.first_day;
        (0..self.day_count).contains(&i).then_some(i as usize)
    }

    /// `min{d ≥ date : d is an office day}`.
    pub fn next_office_day_on_or_after(&self, date: NaiveDate) -> NaiveDate {
        let mut day = date;
        for _ in 0..self.longest_search {
            if !self.is_closed(day) {
                return day;
            }
            day = add_days(day, 1);
        }
        day
    }

    /// `max{d ≤ date : d is an office day}`.
    pub fn prev_office_day_on_or_before(&self, date: NaiveDate) -> NaiveDate {
        let mut day = date;
        for _ in 0..self.longest_search {
            if !self.is_closed(day) {
                return day;
            }
            day = add_days(day, -1);
        }
        day
    }

    /// The `n`-th office day after `start` (`start` itself not counted; `n = 0` gives `start`).
    pub fn add_office_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut day = start;
        let mut left = n;
        while left > 0 {
            day = self.next_office_day_on_or_after(add_days(day, 1));
            left -= 1;
        }
        day
    }

    /// Number of office days `d` with `from < d ≤ to` (0 when `to ≤ from`).
    pub fn office_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        if to <= from {
            return 0;
        }
        let total = day_number(to) - day_number(from);
        let (Some(a), Some(b)) = (self.index(add_days(from, 1)), self.index(to)) else {
            let mut count = 0;
            let mut day = from;
            while day < to {
                day = add_days(day, 1);
                count += u32::from(!self.is_closed(day));
            }
            return count;
        };
        let closed = self.count_closed_bits(a, b);
        u32::try_from(total).unwrap_or(0).saturating_sub(closed)
    }

    /// Closed days with indices in `a..=b`, counted a word at a time.
    fn count_closed_bits(&self, a: usize, b: usize) -> u32 {
        let mut count = 0;
        let mut i = a;
        while i <= b {
            let word = self.closed_bits[i / 64] >> (i % 64);
            let width = (64 - i % 64).min(b - i + 1);
            let mask = if width == 64 {
                u64::MAX
            } else {
                (1u64 << width) - 1
            };
            count += (word & mask).count_ones();
            i += width;
        }
        count
    }
}

fn day_number(date: NaiveDate) -> i32 {
    date.num_days_from_ce()
}

/// Calendar-date addition that saturates at chrono's limits instead of failing.
pub fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    let moved = if days >= 0 {
        date.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    };
    moved.unwrap_or(if days >= 0 {
        NaiveDate::MAX
    } else {
        NaiveDate::MIN
    })
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn cal() -> &'static BusinessCalendar {
        static CAL: OnceLock<BusinessCalendar> = OnceLock::new();
        CAL.get_or_init(BusinessCalendar::administrative)
    }

    #[test]
    fn golden_week_2019_is_ten_closed_days() {
        let c = cal();
        for day in 27..=30 {
            assert!(c.is_closed(d(2019, 4, day)));
        }
        for day in 1..=6 {
            assert!(c.is_closed(d(2019, 5, day)));
        }
        assert!(c.is_office_day(d(2019, 4, 26)));
        assert!(c.is_office_day(d(2019, 5, 7)));
        assert_eq!(c.next_office_day_on_or_after(d(2019, 4, 27)), d(2019, 5, 7));
        assert_eq!(
            c.prev_office_day_on_or_before(d(2019, 5, 6)),
            d(2019, 4, 26)
        );
    }

    #[test]
    fn year_end_closure_spans_the_new_year() {
        let c = cal();
        // 2024-12-27 (Fri) is the last office day; 2025-01-06 (Mon) the first.
        assert_eq!(
            c.next_office_day_on_or_after(d(2024, 12, 28)),
            d(2025, 1, 6)
        );
        assert_eq!(
            c.closed_reason(d(2024, 12, 30)),
            Some(ClosedReason::YearEnd)
        );
        assert_eq!(
            c.closed_reason(d(2025, 1, 1)),
            Some(ClosedReason::Holiday {
                name: "元日".into()
            })
        );
        assert_eq!(c.office_days_between(d(2024, 12, 27), d(2025, 1, 6)), 1);
    }

    #[test]
    fn operator_closures_and_private_rules() {
        let rules = ClosedDayRules {
            saturdays: false,
            ..ClosedDayRules::ADMINISTRATIVE
        };
        let c = BusinessCalendar::new(rules, JapaneseHolidays::default(), [d(2025, 6, 2)]);
        assert!(c.is_office_day(d(2025, 5, 31))); // Saturday open
        assert_eq!(
            c.closed_reason(d(2025, 6, 2)),
            Some(ClosedReason::OperatorClosure)
        );
        assert!(c.is_closed(d(2025, 6, 1))); // Sunday
    }

    #[test]
    fn office_day_arithmetic() {
        let c = cal();
        // From Friday 2025-05-02 (Golden Week follows): 1st office day after is 5/7.
        assert_eq!(c.add_office_days(d(2025, 5, 2), 1), d(2025, 5, 7));
        assert_eq!(c.add_office_days(d(2025, 5, 2), 0), d(2025, 5, 2));
        assert_eq!(c.office_days_between(d(2025, 5, 2), d(2025, 5, 9)), 3);
        // Outside the precomputed range the slow path gives the same answers.
        assert_eq!(c.add_office_days(d(2101, 1, 1), 1), d(2101, 1, 4));
        assert_eq!(c.office_days_between(d(2100, 12, 24), d(2101, 1, 7)), 6);
    }

    fn date_strategy() -> impl Strategy<Value = NaiveDate> {
        (0i64..(365 * 60)).prop_map(|n| add_days(d(1990, 1, 1), n))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn adding_office_days_lands_on_an_office_day(start in date_strategy(), n in 1u32..60) {
            let end = cal().add_office_days(start, n);
            prop_assert!(cal().is_office_day(end));
            prop_assert!(end > start);
            prop_assert_eq!(cal().office_days_between(start, end), n);
        }

        #[test]
        fn adding_office_days_is_monotonic(start in date_strategy(), n in 0u32..60) {
            let a = cal().add_office_days(start, n);
            let b = cal().add_office_days(start, n + 1);
            prop_assert!(b > a);
            let later = cal().add_office_days(add_days(start, 1), n);
            prop_assert!(later >= a);
        }

        #[test]
        fn office_day_searches_bracket_the_date(day in date_strategy()) {
            let next = cal().next_office_day_on_or_after(day);
            let prev = cal().prev_office_day_on_or_before(day);
            prop_assert!(prev <= day && day <= next);
            prop_assert!(cal().is_office_day(next) && cal().is_office_day(prev));
            let mut between = add_days(prev, 1);
            while between < next {
                prop_assert!(cal().is_closed(between));
                between = add_days(between, 1);
            }
        }

        #[test]
        fn operator_days_swapped_in_match_a_fresh_calendar(
            first in proptest::collection::vec(date_strategy(), 0..6),
            closures in proptest::collection::vec(date_strategy(), 0..6),
            openings in proptest::collection::vec(date_strategy(), 0..6),
            probe in date_strategy(),
        ) {
            let base = cal().with_operator_days(first, []);
            let swapped = base.with_operator_days(closures.clone(), openings.clone());
            let fresh = BusinessCalendar::new(ClosedDayRules::ADMINISTRATIVE, JapaneseHolidays::default(), closures.clone())
                .with_operator_days(closures.clone(), openings.clone());
            for day in closures.iter().chain(&openings).chain(std::iter::once(&probe)) {
                prop_assert_eq!(swapped.is_closed(*day), fresh.is_closed(*day));
                let expected = !openings.contains(day) && (closures.contains(day) || cal().is_closed(*day));
                prop_assert_eq!(swapped.is_closed(*day), expected, "{}", day);
            }
            let end = add_days(probe, 90);
            prop_assert_eq!(swapped.office_days_between(probe, end), fresh.office_days_between(probe, end));
        }
    }
}
