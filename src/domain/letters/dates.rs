//! Dates as official letters print them: 和暦 (令和8年12月6日) by default, 西暦 where the operator
//! says so, and the fiscal year (April to March) that numbers letters.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// How a letter prints its dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DateStyle {
    /// 和暦: 令和8年12月6日.
    Japanese,
    /// 西暦: 2026年12月6日.
    Gregorian,
}

/// A Japanese era and the day it began (the day after the previous one ended).
struct Era {
    name: &'static str,
    romaji: &'static str,
    start: (i32, u32, u32),
}

/// Newest first. Dates before 大正 are printed in 西暦 (no letter carries them).
const ERAS: [Era; 4] = [
    Era {
        name: "令和",
        romaji: "Reiwa",
        start: (2019, 5, 1),
    },
    Era {
        name: "平成",
        romaji: "Heisei",
        start: (1989, 1, 8),
    },
    Era {
        name: "昭和",
        romaji: "Showa",
        start: (1926, 12, 25),
    },
    Era {
        name: "大正",
        romaji: "Taisho",
        start: (1912, 7, 30),
    },
];

impl Era {
    fn start_date(&self) -> NaiveDate {
        let (y, m, d) = self.start;
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
    }
}

fn era_of(date: NaiveDate) -> Option<&'static Era> {
    ERAS.iter().find(|era| date >= era.start_date())
}

/// The year within its era as written: 元 for the first year.
fn era_year(year: i32) -> String {
    if year == 1 {
        "元".to_string()
    } else {
        year.to_string()
    }
}

/// 令和8年 for a date in 2026; None before 大正.
fn japanese_year(date: NaiveDate) -> Option<String> {
    let era = era_of(date)?;
    Some(format!(
        "{}{}年",
        era.name,
        era_year(date.year() - era.start.0 + 1)
    ))
}

/// The date as a Japanese letter prints it: 令和8年12月6日, or 2026年12月6日.
pub fn japanese_date(date: NaiveDate, style: DateStyle) -> String {
    let year = match style {
        DateStyle::Japanese => japanese_year(date),
        DateStyle::Gregorian => None,
    }
    .unwrap_or_else(|| format!("{}年", date.year()));
    format!("{year}{}月{}日", date.month(), date.day())
}

/// The date as an English letter prints it: 6 December 2026 (Reiwa 8).
pub fn english_date(date: NaiveDate, style: DateStyle) -> String {
    let plain = date.format("%-d %B %Y").to_string();
    match (style, era_of(date)) {
        (DateStyle::Japanese, Some(era)) => {
            format!("{plain} ({} {})", era.romaji, date.year() - era.start.0 + 1)
        }
        _ => plain,
    }
}

/// The fiscal year (年度) a date falls in, by the year of its April: 2027-03-31 is in 2026.
pub fn fiscal_year(date: NaiveDate) -> i32 {
    if date.month() >= 4 {
        date.year()
    } else {
        date.year() - 1
    }
}

/// The fiscal year as written on a letter dated `date`: 令和8年度. A fiscal year that began under
/// the previous era is named in the era in force on the date when that era began in the fiscal
/// year's own calendar year (FY 2019 issued in May 2019 is 令和元年度, in April 平成31年度), else
/// in the era of its April (FY 1988 issued in January 1989 is still 昭和63年度).
pub fn japanese_fiscal_year(date: NaiveDate, style: DateStyle) -> String {
    let fy = fiscal_year(date);
    if style == DateStyle::Gregorian {
        return format!("{fy}年度");
    }
    let era = era_of(date)
        .filter(|era| era.start.0 <= fy)
        .or_else(|| NaiveDate::from_ymd_opt(fy, 4, 1).and_then(era_of));
    match era {
        Some(era) => format!("{}{}年度", era.name, era_year(fy - era.start.0 + 1)),
        None => format!("{fy}年度"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_print_in_their_era_with_gannen_and_boundaries() {
        let j = |date| japanese_date(date, DateStyle::Japanese);
        assert_eq!(j(d(2026, 12, 6)), "令和8年12月6日");
        assert_eq!(j(d(2019, 4, 30)), "平成31年4月30日");
        assert_eq!(j(d(2019, 5, 1)), "令和元年5月1日");
        assert_eq!(j(d(2020, 1, 1)), "令和2年1月1日");
        assert_eq!(j(d(1989, 1, 7)), "昭和64年1月7日");
        assert_eq!(j(d(1989, 1, 8)), "平成元年1月8日");
        assert_eq!(j(d(1926, 12, 25)), "昭和元年12月25日");
        assert_eq!(j(d(1900, 1, 1)), "1900年1月1日");
        assert_eq!(
            japanese_date(d(2026, 12, 6), DateStyle::Gregorian),
            "2026年12月6日"
        );
        assert_eq!(
            english_date(d(2026, 12, 6), DateStyle::Japanese),
            "6 December 2026 (Reiwa 8)"
        );
        assert_eq!(
            english_date(d(2026, 12, 6), DateStyle::Gregorian),
            "6 December 2026"
        );
    }

    #[test]
    fn fiscal_years_run_from_april_and_take_the_era_name() {
        assert_eq!(fiscal_year(d(2027, 3, 31)), 2026);
        assert_eq!(fiscal_year(d(2027, 4, 1)), 2027);
        let fy = |date| japanese_fiscal_year(date, DateStyle::Japanese);
        assert_eq!(fy(d(2026, 12, 6)), "令和8年度");
        assert_eq!(fy(d(2019, 4, 10)), "平成31年度");
        assert_eq!(fy(d(2019, 5, 10)), "令和元年度");
        assert_eq!(fy(d(2020, 3, 31)), "令和元年度");
        assert_eq!(fy(d(1989, 1, 10)), "昭和63年度");
        assert_eq!(fy(d(1989, 4, 1)), "平成元年度");
        assert_eq!(
            japanese_fiscal_year(d(2027, 2, 1), DateStyle::Gregorian),
            "2026年度"
        );
    }

    proptest! {
        /// Every day from 大正 on prints in exactly one era, with a year that counts up by one at
        /// each new calendar year and restarts at 元 on an era's first day.
        #[test]
        fn consecutive_days_never_go_back(days in 0i64..40_000) {
            let day = d(1913, 1, 1) + chrono::Duration::days(days);
            let next = day.succ_opt().unwrap();
            let (a, b) = (era_of(day).unwrap(), era_of(next).unwrap());
            if a.name == b.name {
                let ya = day.year() - a.start.0 + 1;
                let yb = next.year() - b.start.0 + 1;
                prop_assert!(yb == ya || yb == ya + 1);
            } else {
                prop_assert_eq!(next, b.start_date());
                prop_assert!(japanese_date(next, DateStyle::Japanese).contains("元年"));
            }
            prop_assert!(fiscal_year(next) >= fiscal_year(day));
            prop_assert!(japanese_fiscal_year(day, DateStyle::Japanese).ends_with("年度"));
        }
    }
}
