//! Dates as people in Japan type them (和暦 and 西暦): 「昭和60年3月7日」, 「令和元年5月1日」,
//! 「R8.12.5」, 「H31/4/30」, full-width digits, as well as 「1985-03-07」, 「1985/3/7」,
//! 「1985年3月7日」 and 「19850307」. A date that does not exist — 昭和60年2月30日, 令和0年1月1日,
//! 平成31年5月1日 (平成 ended on 30 April 2019) — is refused with the reason, in both languages.
//! Parsing only: the letters' 和暦 formatter lives with the letters.

use chrono::{Datelike, NaiveDate};

use crate::domain::text::Bilingual;

/// A Japanese era (元号) since the calendar reform, with its first and last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Era {
    pub name: &'static str,
    /// The romanised initial people type (M, T, S, H, R).
    pub initial: char,
    pub first_day: NaiveDate,
    pub last_day: Option<NaiveDate>,
}

const fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(date) => date,
        None => NaiveDate::MIN,
    }
}

/// 明治 counts from 1 January 1868 (the 改元の詔 applied it to the whole year); each later era
/// from its first day.
pub const ERAS: [Era; 5] = [
    Era {
        name: "明治",
        initial: 'M',
        first_day: day(1868, 1, 1),
        last_day: Some(day(1912, 7, 29)),
    },
    Era {
        name: "大正",
        initial: 'T',
        first_day: day(1912, 7, 30),
        last_day: Some(day(1926, 12, 24)),
    },
    Era {
        name: "昭和",
        initial: 'S',
        first_day: day(1926, 12, 25),
        last_day: Some(day(1989, 1, 7)),
    },
    Era {
        name: "平成",
        initial: 'H',
        first_day: day(1989, 1, 8),
        last_day: Some(day(2019, 4, 30)),
    },
    Era {
        name: "令和",
        initial: 'R',
        first_day: day(2019, 5, 1),
        last_day: None,
    },
];

impl Era {
    /// The Gregorian year of this era's year `n` (元年 is 1).
    pub fn gregorian_year(&self, n: u32) -> i32 {
        self.first_day.year() + n as i32 - 1
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        date >= self.first_day && self.last_day.is_none_or(|last| date <= last)
    }
}

/// Why a typed date was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateProblem {
    Empty,
    /// Not a form of date we read.
    Unreadable,
    /// An era year 0 (「令和0年」): eras start at 元年 (1).
    EraYearZero {
        era: &'static str,
    },
    /// No such day in that month (「2月30日」).
    NoSuchDay,
    /// The date falls outside the era (「平成31年5月1日」 is 令和元年5月1日).
    OutsideEra {
        era: &'static str,
        first: NaiveDate,
        last: Option<NaiveDate>,
    },
}

impl DateProblem {
    /// The stable code of the problem (`field.<name>.<code>` style messages may use it).
    pub fn code(&self) -> &'static str {
        match self {
            DateProblem::Empty => "required",
            DateProblem::Unreadable => "date_unreadable",
            DateProblem::EraYearZero { .. } => "date_era_year_zero",
            DateProblem::NoSuchDay => "date_no_such_day",
            DateProblem::OutsideEra { .. } => "date_outside_era",
        }
    }

    /// What to tell the person, in both languages.
    pub fn message(&self) -> Bilingual {
        match self {
            DateProblem::Empty => Bilingual::fixed("日付を入力してください。", "Enter a date."),
            DateProblem::Unreadable => Bilingual::fixed(
                "日付は「昭和60年3月7日」「R8.12.5」「1985-03-07」のように入力してください。",
                "Enter the date like 1985-03-07, 昭和60年3月7日 or R8.12.5.",
            ),
            DateProblem::EraYearZero { era } => Bilingual::owned(
                format!("{era}0年はありません。最初の年は「{era}元年」（{era}1年）です。"),
                format!("There is no year 0 of {era}: its first year is {era}元年 (year 1)."),
            ),
            DateProblem::NoSuchDay => Bilingual::fixed(
                "その月にその日はありません。日付をお確かめください。",
                "That month has no such day. Please check the date.",
            ),
            DateProblem::OutsideEra { era, first, last } => {
                let span_ja = match last {
                    Some(last) => format!("{first}から{last}まで"),
                    None => format!("{first}から"),
                };
                let span_en = match last {
                    Some(last) => format!("from {first} to {last}"),
                    None => format!("from {first}"),
                };
                Bilingual::owned(
                    format!("{era}は{span_ja}です。元号をお確かめください。"),
                    format!("{era} runs {span_en}. Please check the era."),
                )
            }
        }
    }
}

/// Full-width digits and punctuation as their ASCII forms; spaces dropped.
fn normalise(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            'Ａ'..='Ｚ' => char::from_u32(c as u32 - 'Ａ' as u32 + 'A' as u32).unwrap_or(c),
            'ａ'..='ｚ' => char::from_u32(c as u32 - 'ａ' as u32 + 'A' as u32).unwrap_or(c),
            'a'..='z' => c.to_ascii_uppercase(),
            '．' | '。' | '／' | '－' | 'ー' | '‐' | '−' | '/' | '-' => '.',
            c => c,
        })
        .collect()
}

/// The era a text starts with (its name, its one-kanji short form, or its initial), and the rest.
fn era_prefix(text: &str) -> Option<(&'static Era, &str)> {
    for era in &ERAS {
        if let Some(rest) = text.strip_prefix(era.name) {
            return Some((era, rest));
        }
    }
    for era in &ERAS {
        let short = era.name.chars().next().unwrap_or(' ');
        if let Some(rest) = text.strip_prefix(short) {
            return Some((era, rest));
        }
        if let Some(rest) = text.strip_prefix(era.initial) {
            return Some((era, rest));
        }
    }
    None
}

/// Year, month and day from 「60年3月7日」, 「60.3.7」, 「元年5月1日」, 「1985年3月7日」.
fn numbers(text: &str) -> Option<(u32, u32, u32)> {
    let text = text.strip_suffix('日').unwrap_or(text);
    let text = text.replacen("元", "1", 1);
    let parts: Vec<&str> = text
        .split(['年', '月', '.'])
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() == 1 && parts[0].len() == 8 && parts[0].bytes().all(|b| b.is_ascii_digit()) {
        // 19850307
        let p = parts[0];
        return Some((
            p[..4].parse().ok()?,
            p[4..6].parse().ok()?,
            p[6..].parse().ok()?,
        ));
    }
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let digits = |s: &str| {
        (!s.is_empty() && s.len() <= 4 && s.chars().all(|c| c.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    Some((digits(y)?, digits(m)?, digits(d)?))
}

/// Reads a typed date, 和暦 or 西暦.
pub fn parse_date(raw: &str) -> Result<NaiveDate, DateProblem> {
    let text = normalise(raw);
    if text.is_empty() {
        return Err(DateProblem::Empty);
    }
    if let Some((era, rest)) = era_prefix(&text) {
        let (year, month, day) = numbers(rest).ok_or(DateProblem::Unreadable)?;
        if year == 0 {
            return Err(DateProblem::EraYearZero { era: era.name });
        }
        if year > 200 {
            return Err(DateProblem::Unreadable);
        }
        let date = NaiveDate::from_ymd_opt(era.gregorian_year(year), month, day)
            .ok_or(DateProblem::NoSuchDay)?;
        if !era.contains(date) {
            return Err(DateProblem::OutsideEra {
                era: era.name,
                first: era.first_day,
                last: era.last_day,
            });
        }
        return Ok(date);
    }
    let (year, month, day) = numbers(&text).ok_or(DateProblem::Unreadable)?;
    if !(1000..=9999).contains(&year) {
        return Err(DateProblem::Unreadable);
    }
    NaiveDate::from_ymd_opt(year as i32, month, day).ok_or(DateProblem::NoSuchDay)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// 「令和元年5月1日」: what the letters print, here only to test the round trip.
    fn format_wareki(date: NaiveDate) -> String {
        let era = ERAS.iter().rev().find(|e| e.contains(date)).unwrap();
        let n = date.year() - era.first_day.year() + 1;
        let year = if n == 1 {
            "元".to_string()
        } else {
            n.to_string()
        };
        format!("{}{year}年{}月{}日", era.name, date.month(), date.day())
    }

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn dates_are_read_as_people_type_them() {
        for (typed, date) in [
            ("昭和60年3月7日", d(1985, 3, 7)),
            ("昭和６０年３月７日", d(1985, 3, 7)),
            (" 昭和 60 年 3 月 7 日 ", d(1985, 3, 7)),
            ("令和元年5月1日", d(2019, 5, 1)),
            ("R8.12.5", d(2026, 12, 5)),
            ("r08.12.05", d(2026, 12, 5)),
            ("Ｒ８．１２．５", d(2026, 12, 5)),
            ("H31/4/30", d(2019, 4, 30)),
            ("S60-3-7", d(1985, 3, 7)),
            ("平元.1.8", d(1989, 1, 8)),
            ("昭64.1.7", d(1989, 1, 7)),
            ("T15.12.24", d(1926, 12, 24)),
            ("1985-03-07", d(1985, 3, 7)),
            ("1985/3/7", d(1985, 3, 7)),
            ("1985年3月7日", d(1985, 3, 7)),
            ("１９８５年３月７日", d(1985, 3, 7)),
            ("19850307", d(1985, 3, 7)),
        ] {
            assert_eq!(parse_date(typed), Ok(date), "{typed}");
        }
    }

    #[test]
    fn dates_that_do_not_exist_are_refused_with_the_reason() {
        assert_eq!(parse_date("昭和60年2月30日"), Err(DateProblem::NoSuchDay));
        assert_eq!(
            parse_date("令和0年1月1日"),
            Err(DateProblem::EraYearZero { era: "令和" })
        );
        let outside = parse_date("平成31年5月1日").unwrap_err();
        assert_eq!(outside.code(), "date_outside_era");
        assert!(outside.message().ja.contains("2019-04-30まで"));
        assert_eq!(
            parse_date("令和1年4月30日").unwrap_err().code(),
            "date_outside_era"
        );
        assert_eq!(
            parse_date("昭和64年1月8日").unwrap_err().code(),
            "date_outside_era"
        );
        assert_eq!(parse_date("2026-02-29"), Err(DateProblem::NoSuchDay));
        assert_eq!(parse_date(""), Err(DateProblem::Empty));
        for nonsense in [
            "昭和",
            "X60.3.7",
            "85-3-7",
            "60年3月",
            "昭和六十年三月七日",
            "2026-1",
        ] {
            assert_eq!(
                parse_date(nonsense),
                Err(DateProblem::Unreadable),
                "{nonsense}"
            );
        }
        assert!(
            parse_date("令和0年1月1日")
                .unwrap_err()
                .message()
                .ja
                .contains("令和元年")
        );
    }

    #[test]
    fn each_era_begins_where_the_one_before_ends() {
        for pair in ERAS.windows(2) {
            assert_eq!(
                pair[0].last_day.unwrap().succ_opt(),
                Some(pair[1].first_day)
            );
        }
    }

    proptest! {
        #[test]
        fn a_formatted_date_reads_back_as_itself(days in 0i64..(365 * 160)) {
            let date = d(1868, 1, 1) + chrono::Duration::days(days);
            let wareki = format_wareki(date);
            prop_assert_eq!(parse_date(&wareki), Ok(date), "{}", wareki);
            let initial = ERAS.iter().rev().find(|e| e.contains(date)).unwrap();
            let short = format!(
                "{}{}.{}.{}",
                initial.initial,
                date.year() - initial.first_day.year() + 1,
                date.month(),
                date.day()
            );
            prop_assert_eq!(parse_date(&short), Ok(date), "{}", short);
            prop_assert_eq!(parse_date(&date.to_string()), Ok(date));
        }

        #[test]
        fn any_text_is_read_or_refused_without_panicking(text in "\\PC{0,20}") {
            let _ = parse_date(&text);
        }
    }
}
