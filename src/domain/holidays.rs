//! 休日 under 国民の祝日に関する法律 (祝日法), computed from the law (docs/calendar.md §2-§5).
//!
//! - Art. 2: the 国民の祝日, with their historical changes since 1980 (天皇誕生日 4/29 → 12/23 → 2/23,
//!   みどりの日 / 昭和の日, Happy Monday from 2000 and 2003, 海の日 from 1996, 山の日 from 2016).
//! - Art. 3(2) 振替休日 (from 1973-04-12; before 2007 "the next day", since 2007 "the nearest
//!   following day that is not a 国民の祝日") and Art. 3(3) 国民の休日 (from 1985-12-27; before 2007
//!   Sundays were excluded).
//! - One-off laws: 1989 大喪の礼, 1990 即位礼正殿の儀, 1993 結婚の儀, 2019 即位 (treated as 祝日 for
//!   Art. 3), and the 2020/2021 Olympic moves.
//! - 春分日 / 秋分日 by the approximation valid 1980-2099 (docs/calendar.md §4). Officially they
//!   are fixed only about a year ahead, so years after [`LAST_OFFICIAL_YEAR`] are flagged
//!   provisional and an override list (added / removed dates) lets an operator follow the 官報
//!   without a code change.
//!
//! Names are those of the Cabinet Office `syukujitsu.csv`, which calls both 振替休日 and 国民の休日
//! simply "休日".

use std::borrow::Cow;
use std::ops::RangeInclusive;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// Years for which the equinox approximation is valid and the historical rules are modelled.
pub const SUPPORTED_YEARS: RangeInclusive<i32> = 1980..=2099;

/// The last year whose 休日 the Cabinet Office has published (暦要項 for the equinoxes).
pub const LAST_OFFICIAL_YEAR: i32 = 2027;

/// The CSV's name for 振替休日 and 国民の休日.
pub const GENERIC_HOLIDAY_NAME: &str = "休日";

/// One 休日.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: Cow<'static, str>,
    /// True when the date rests on a projected equinox or a year not yet published.
    pub provisional: bool,
}

/// Corrections to the computed list: dates the 官報 added or the law removed. Applied last, so an
/// override replaces the computed answer for its date (it supplies an entry of the official list).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayOverrides {
    pub added: Vec<AddedHoliday>,
    pub removed: Vec<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddedHoliday {
    pub date: NaiveDate,
    pub name: String,
}

/// The 休日 of the holiday law plus operator overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JapaneseHolidays {
    pub overrides: HolidayOverrides,
    /// Years up to and including this one are treated as officially published.
    pub official_through: i32,
}

impl Default for JapaneseHolidays {
    fn default() -> Self {
        JapaneseHolidays {
            overrides: HolidayOverrides::default(),
            official_through: LAST_OFFICIAL_YEAR,
        }
    }
}

impl JapaneseHolidays {
    pub fn with_overrides(overrides: HolidayOverrides) -> Self {
        JapaneseHolidays {
            overrides,
            ..JapaneseHolidays::default()
        }
    }

    /// The name of the 休日 on `date`, if it is one.
    pub fn name(&self, date: NaiveDate) -> Option<Cow<'_, str>> {
        if self.overrides.removed.contains(&date) {
            return None;
        }
        if let Some(added) = self.overrides.added.iter().find(|a| a.date == date) {
            return Some(Cow::Borrowed(added.name.as_str()));
        }
        statutory_holiday_name(date).map(Cow::Borrowed)
    }

    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.name(date).is_some()
    }

    /// Whether a year's list is a projection rather than the published list.
    pub fn is_provisional_year(&self, year: i32) -> bool {
        year > self.official_through || !SUPPORTED_YEARS.contains(&year)
    }

    /// Every 休日 from 1 January of `from_year` to 31 December of `to_year`, in date order.
    pub fn list(&self, from_year: i32, to_year: i32) -> Vec<Holiday> {
        let (Some(mut day), Some(last)) = (
            NaiveDate::from_ymd_opt(from_year, 1, 1),
            NaiveDate::from_ymd_opt(to_year, 12, 31),
        ) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        while day <= last {
            if let Some(name) = self.name(day) {
                let provisional = self.is_provisional_year(day.year())
                    && !self.overrides.added.iter().any(|a| a.date == day);
                out.push(Holiday {
                    date: day,
                    name: Cow::Owned(name.into_owned()),
                    provisional,
                });
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        out
    }
}

/// The 休日 on `date` under the holiday law alone (no overrides).
pub fn statutory_holiday_name(date: NaiveDate) -> Option<&'static str> {
    if let Some(name) = national_holiday_name(date) {
        return Some(name);
    }
    if is_substitute_holiday(date) || is_citizens_holiday(date) {
        return Some(GENERIC_HOLIDAY_NAME);
    }
    None
}

/// 春分日 (day of March) by the approximation for 1980-2099 (新こよみ便利帳), in exact decimal
/// arithmetic so that no floating-point rounding can move a day.
pub fn vernal_equinox_day(year: i32) -> u32 {
    equinox_day(year, 20_843_100)
}

/// 秋分日 (day of September), same approximation.
pub fn autumnal_equinox_day(year: i32) -> u32 {
    equinox_day(year, 23_248_800)
}

fn equinox_day(year: i32, base_micro_days: i64) -> u32 {
    let n = i64::from(year) - 1980;
    let micro = base_micro_days + 242_194 * n - n.div_euclid(4) * 1_000_000;
    // The result is 19..=24 throughout the valid range; clamp keeps the conversion total.
    micro.div_euclid(1_000_000).clamp(1, 31) as u32
}

/// Whether `date` is the `nth` Monday of its month.
fn is_nth_monday(date: NaiveDate, nth: u32) -> bool {
    date.weekday() == Weekday::Mon && (date.day() - 1) / 7 + 1 == nth
}

/// 国民の祝日 (Art. 2) and the one-off days treated like them.
pub fn national_holiday_name(date: NaiveDate) -> Option<&'static str> {
    let y = date.year();
    let d = date.day();
    match date.month() {
        1 if d == 1 => Some("元日"),
        // 成人の日: 1/15 until 1999, second Monday since 2000 (Happy Monday law of 1998).
        1 if (y < 2000 && d == 15) || (y >= 2000 && is_nth_monday(date, 2)) => Some("成人の日"),
        2 if d == 11 && y >= 1967 => Some("建国記念の日"),
        2 if d == 23 && y >= 2020 => Some("天皇誕生日"),
        2 if d == 24 && y == 1989 => Some("大喪の礼"),
        3 if d == vernal_equinox_day(y) => Some("春分の日"),
        4 if d == 29 => Some(match y {
            ..=1988 => "天皇誕生日",
            1989..=2006 => "みどりの日",
            _ => "昭和の日",
        }),
        // 2019 即位の日: a 休日 treated as a 国民の祝日 (平成30年法律第99号).
        5 if d == 1 && y == 2019 => Some("休日（祝日扱い）"),
        5 if d == 3 => Some("憲法記念日"),
        5 if d == 4 && y >= 2007 => Some("みどりの日"),
        5 if d == 5 => Some("こどもの日"),
        6 if d == 9 && y == 1993 => Some("結婚の儀"),
        7 if is_marine_day(date) => Some("海の日"),
        7 if (y == 2020 && d == 24) || (y == 2021 && d == 23) => Some("スポーツの日"),
        8 if is_mountain_day(date) => Some("山の日"),
        9 if (y <= 2002 && d == 15) || (y >= 2003 && is_nth_monday(date, 3)) => Some("敬老の日"),
        9 if d == autumnal_equinox_day(y) => Some("秋分の日"),
        10 if y <= 1999 && d == 10 => Some("体育の日"),
        10 if (2000..=2018).contains(&y) && is_nth_monday(date, 2) => Some("体育の日"),
        // The Cabinet Office CSV labels 2019's day with both names.
        10 if y == 2019 && is_nth_monday(date, 2) => Some("体育の日（スポーツの日）"),
        10 if y == 2019 && d == 22 => Some("休日（祝日扱い）"),
        10 if y >= 2022 && is_nth_monday(date, 2) => Some("スポーツの日"),
        11 if d == 3 => Some("文化の日"),
        11 if d == 12 && y == 1990 => Some("即位礼正殿の儀"),
        11 if d == 23 => Some("勤労感謝の日"),
        12 if d == 23 && (1989..=2018).contains(&y) => Some("天皇誕生日"),
        _ => None,
    }
}

/// 海の日: 7/20 from 1996 to 2002, third Monday since 2003, moved by the Olympic act in 2020
/// (7/23) and 2021 (7/22).
fn is_marine_day(date: NaiveDate) -> bool {
    let (y, d) = (date.year(), date.day());
    match y {
        ..=1995 => false,
        1996..=2002 => d == 20,
        2020 => d == 23,
        2021 => d == 22,
        _ => is_nth_monday(date, 3),
    }
}

/// 山の日: 8/11 since 2016; 8/10 in 2020 and 8/8 in 2021 (Olympic act).
fn is_mountain_day(date: NaiveDate) -> bool {
    let (y, d) = (date.year(), date.day());
    match y {
        ..=2015 => false,
        2020 => d == 10,
        2021 => d == 8,
        _ => d == 11,
    }
}

fn is_national(date: Option<NaiveDate>) -> bool {
    date.and_then(national_holiday_name).is_some()
}

/// Art. 3(2) 振替休日. Before 2007 only the day after a Sunday 祝日; since 2007 the nearest
/// following day that is not itself a 祝日.
fn is_substitute_holiday(date: NaiveDate) -> bool {
    if date < ymd(1973, 4, 12) || national_holiday_name(date).is_some() {
        return false;
    }
    let mut previous = date.pred_opt();
    if date < ymd(2007, 1, 1) {
        return previous.is_some_and(|p| p.weekday() == Weekday::Sun && is_national(Some(p)));
    }
    while let Some(p) = previous {
        if national_holiday_name(p).is_none() {
            return false;
        }
        if p.weekday() == Weekday::Sun {
            return true;
        }
        previous = p.pred_opt();
    }
    false
}

/// Art. 3(3) 国民の休日: a non-祝日 day between two 祝日 (from 1985-12-27; until 2006 not on
/// Sundays or 振替休日, which are already days off).
fn is_citizens_holiday(date: NaiveDate) -> bool {
    if date < ymd(1985, 12, 27) || national_holiday_name(date).is_some() {
        return false;
    }
    if date < ymd(2007, 1, 1) && date.weekday() == Weekday::Sun {
        return false;
    }
    is_national(date.pred_opt()) && is_national(date.succ_opt())
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    // Only called with constant, valid dates.
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
#[path = "holidays_golden.rs"]
mod golden;

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn equinox_formula_matches_known_years() {
        assert_eq!(vernal_equinox_day(2024), 20);
        assert_eq!(vernal_equinox_day(2027), 21);
        assert_eq!(autumnal_equinox_day(2024), 22);
        assert_eq!(autumnal_equinox_day(2012), 22);
        assert_eq!(vernal_equinox_day(1980), 20);
        assert_eq!(autumnal_equinox_day(1980), 23);
    }

    #[test]
    fn history_before_the_current_law() {
        assert_eq!(statutory_holiday_name(d(1988, 4, 29)), Some("天皇誕生日"));
        assert_eq!(statutory_holiday_name(d(1989, 4, 29)), Some("みどりの日"));
        assert_eq!(statutory_holiday_name(d(2007, 4, 29)), Some("昭和の日"));
        assert_eq!(statutory_holiday_name(d(1999, 1, 15)), Some("成人の日"));
        assert_eq!(statutory_holiday_name(d(2000, 1, 15)), None);
        assert_eq!(statutory_holiday_name(d(2000, 1, 10)), Some("成人の日"));
        assert_eq!(statutory_holiday_name(d(1999, 10, 10)), Some("体育の日"));
        assert_eq!(statutory_holiday_name(d(1995, 7, 20)), None);
        assert_eq!(statutory_holiday_name(d(1996, 7, 20)), Some("海の日"));
        assert_eq!(statutory_holiday_name(d(2002, 9, 15)), Some("敬老の日"));
        assert_eq!(statutory_holiday_name(d(2015, 8, 11)), None);
        assert_eq!(statutory_holiday_name(d(1989, 2, 24)), Some("大喪の礼"));
        assert_eq!(
            statutory_holiday_name(d(1990, 11, 12)),
            Some("即位礼正殿の儀")
        );
        assert_eq!(statutory_holiday_name(d(1993, 6, 9)), Some("結婚の儀"));
        assert_eq!(statutory_holiday_name(d(2018, 12, 23)), Some("天皇誕生日"));
        assert_eq!(statutory_holiday_name(d(2019, 12, 23)), None);
    }

    #[test]
    fn citizens_holiday_on_may_4_before_2007() {
        // 1988-05-04 (Wed) was sandwiched between 憲法記念日 and こどもの日.
        assert_eq!(statutory_holiday_name(d(1988, 5, 4)), Some("休日"));
        // 1986-05-04 was a Sunday: excluded by the 1985 wording.
        assert_eq!(statutory_holiday_name(d(1986, 5, 4)), None);
        // 1987-05-03 was a Sunday, so 5/4 was a 振替休日.
        assert_eq!(statutory_holiday_name(d(1987, 5, 4)), Some("休日"));
        // 1985-05-04: the 国民の休日 rule did not exist yet.
        assert_eq!(statutory_holiday_name(d(1985, 5, 4)), None);
    }

    #[test]
    fn substitute_holiday_skips_following_holidays() {
        // 2025-05-04 (Sun, みどりの日) → 5/6 (Tue), because 5/5 is itself a 祝日.
        assert_eq!(statutory_holiday_name(d(2025, 5, 6)), Some("休日"));
        // 2026-05-03 (Sun) → 5/6 (Wed).
        assert_eq!(statutory_holiday_name(d(2026, 5, 6)), Some("休日"));
        assert_eq!(statutory_holiday_name(d(2026, 5, 7)), None);
    }

    #[test]
    fn overrides_add_and_remove_dates() {
        let cal = JapaneseHolidays::with_overrides(HolidayOverrides {
            added: vec![AddedHoliday {
                date: d(2030, 3, 21),
                name: "春分の日".into(),
            }],
            removed: vec![d(2030, 3, 20)],
        });
        assert_eq!(cal.name(d(2030, 3, 20)), None);
        assert_eq!(cal.name(d(2030, 3, 21)).as_deref(), Some("春分の日"));
        let list = cal.list(2030, 2030);
        let spring: Vec<_> = list.iter().filter(|h| h.date.month() == 3).collect();
        assert_eq!(spring.len(), 1);
        assert!(!spring[0].provisional);
        assert!(
            list.iter()
                .filter(|h| h.date != d(2030, 3, 21))
                .all(|h| h.provisional)
        );
        assert!(
            JapaneseHolidays::default()
                .list(2027, 2027)
                .iter()
                .all(|h| !h.provisional)
        );
    }
}

#[cfg(test)]
#[path = "holidays_yasumi_check.rs"]
mod yasumi_check;
