//! The requester's details as typed into the form, checked field by field. Every problem is a
//! catalogue key `field.<name>.<code>` so the page can say, in the person's language, what is wrong
//! and how to fix it. Full-width digits and hyphens (common on Japanese phones) are accepted.

use chrono::NaiveDate;

use crate::domain::wareki::DateProblem;
use serde::{Deserialize, Serialize};

/// One field's problem: (field name, code).
pub type FieldProblem = (&'static str, &'static str);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonDetails {
    pub name: String,
    pub name_kana: String,
    pub birth_date: String,
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub email: String,
}

impl PersonDetails {
    /// Cleans what can be cleaned (widths, spaces) and lists what cannot be accepted.
    pub fn normalised(&self) -> PersonDetails {
        PersonDetails {
            name: collapse_spaces(&self.name),
            name_kana: collapse_spaces(&to_katakana(&self.name_kana)),
            // A date typed in 和暦 is kept as the day it names, so every page shows it alike.
            birth_date: birth_date(&self.birth_date)
                .map_or_else(|| to_ascii(self.birth_date.trim()), |d| d.to_string()),
            postal_code: postal_code(&self.postal_code)
                .unwrap_or_else(|| self.postal_code.trim().to_string()),
            address: collapse_spaces(&self.address),
            phone: to_ascii(self.phone.trim()).replace(['‐', '－', 'ー', '−'], "-"),
            email: to_ascii(self.email.trim()).to_lowercase(),
        }
    }

    pub fn problems(&self, today: NaiveDate) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        let n = self.normalised();
        if n.name.is_empty() {
            out.push(("name", "required"));
        } else if n.name.chars().count() > 60 {
            out.push(("name", "too_long"));
        }
        if n.name_kana.is_empty() {
            out.push(("name_kana", "required"));
        } else if !is_katakana(&n.name_kana) {
            out.push(("name_kana", "katakana"));
        }
        match crate::domain::wareki::parse_date(&n.birth_date) {
            Err(DateProblem::Empty) => out.push(("birth_date", "required")),
            Err(DateProblem::Unreadable) => out.push(("birth_date", "format")),
            // A day that does not exist: said as such (「昭和60年2月30日」, 「令和0年」).
            Err(problem) => out.push(("birth_date", problem.code())),
            Ok(d) if d > today => out.push(("birth_date", "future")),
            Ok(d) if today.years_since(d).is_some_and(|y| y > 130) => {
                out.push(("birth_date", "format"))
            }
            Ok(_) => {}
        }
        if n.postal_code.is_empty() {
            out.push(("postal_code", "required"));
        } else if postal_code(&n.postal_code).is_none() {
            out.push(("postal_code", "format"));
        }
        if n.address.is_empty() {
            out.push(("address", "required"));
        } else if n.address.chars().count() > 200 {
            out.push(("address", "too_long"));
        }
        if n.phone.is_empty() {
            out.push(("phone", "required"));
        } else if !is_phone(&n.phone) {
            out.push(("phone", "format"));
        }
        if n.email.is_empty() {
            out.push(("email", "required"));
        } else if !validator::ValidateEmail::validate_email(&n.email) {
            out.push(("email", "format"));
        }
        out
    }
}

/// Any date as people type it, 西暦 or 和暦: 1990-04-01, 1990/4/1, 19900401, 平成2年4月1日,
/// H2.4.1 (the whole rule: [`crate::domain::wareki`]). Every date field of the app reads through
/// here.
pub fn birth_date(raw: &str) -> Option<NaiveDate> {
    crate::domain::wareki::parse_date(raw).ok()
}

/// `1234567`, `123-4567` or full-width forms → `123-4567`.
pub fn postal_code(raw: &str) -> Option<String> {
    let digits: String = to_ascii(raw.trim())
        .chars()
        .filter(|c| *c != '-' && *c != '〒' && !c.is_whitespace())
        .collect();
    (digits.len() == 7 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{}-{}", &digits[..3], &digits[3..]))
}

/// Japanese numbers: 10 or 11 digits starting with 0, hyphens optional; or +81 forms.
fn is_phone(phone: &str) -> bool {
    let digits: String = phone.chars().filter(|c| *c != '-' && *c != ' ').collect();
    let national = digits
        .strip_prefix("+81")
        .map(|rest| format!("0{rest}"))
        .unwrap_or(digits);
    national.starts_with('0')
        && (10..=11).contains(&national.len())
        && national.bytes().all(|b| b.is_ascii_digit())
}

fn is_katakana(s: &str) -> bool {
    s.chars()
        .all(|c| matches!(c, 'ァ'..='ヶ' | 'ー' | '・' | '　' | ' '))
}

/// Hiragana typed into the フリガナ field is converted, as people expect.
fn to_katakana(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ぁ'..='ゖ' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Full-width ASCII (ＡＢＣ１２３＠) to half-width.
fn to_ascii(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '！'..='～' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '　' => ' ',
            _ => c,
        })
        .collect()
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
    }

    fn valid() -> PersonDetails {
        PersonDetails {
            name: "山田 花子".into(),
            name_kana: "ヤマダ ハナコ".into(),
            birth_date: "1990-04-01".into(),
            postal_code: "231-8588".into(),
            address: "神奈川県横浜市中区日本大通1".into(),
            phone: "045-210-1111".into(),
            email: "hanako@example.jp".into(),
        }
    }

    #[test]
    fn a_complete_form_has_no_problems() {
        assert_eq!(valid().problems(today()), vec![]);
    }

    #[test]
    fn phone_style_input_is_normalised() {
        let typed = PersonDetails {
            name: "山田　花子".into(),
            name_kana: "やまだ　はなこ".into(),
            birth_date: "１９９０/４/１".into(),
            postal_code: "〒２３１８５８８".into(),
            phone: "０４５－２１０－１１１１".into(),
            email: "Hanako＠Example.JP".into(),
            ..valid()
        };
        assert_eq!(typed.problems(today()), vec![]);
        let n = typed.normalised();
        assert_eq!(n.name, "山田 花子");
        assert_eq!(n.name_kana, "ヤマダ ハナコ");
        assert_eq!(n.postal_code, "231-8588");
        assert_eq!(n.phone, "045-210-1111");
        assert_eq!(n.email, "hanako@example.jp");
        assert_eq!(
            birth_date(&n.birth_date),
            NaiveDate::from_ymd_opt(1990, 4, 1)
        );
    }

    #[test]
    fn each_bad_field_is_named_with_its_problem() {
        let bad = PersonDetails {
            name: " ".into(),
            name_kana: "Yamada".into(),
            birth_date: "2030-01-01".into(),
            postal_code: "12-345".into(),
            address: String::new(),
            phone: "12345".into(),
            email: "hanako.example.jp".into(),
        };
        assert_eq!(
            bad.problems(today()),
            vec![
                ("name", "required"),
                ("name_kana", "katakana"),
                ("birth_date", "future"),
                ("postal_code", "format"),
                ("address", "required"),
                ("phone", "format"),
                ("email", "format"),
            ]
        );
        let unparsable = PersonDetails {
            birth_date: "4月1日".into(),
            ..valid()
        };
        assert_eq!(unparsable.problems(today()), vec![("birth_date", "format")]);
        for (typed, code) in [
            ("昭和60年2月30日", "date_no_such_day"),
            ("令和0年1月1日", "date_era_year_zero"),
            ("平成31年5月1日", "date_outside_era"),
        ] {
            let wrong = PersonDetails {
                birth_date: typed.into(),
                ..valid()
            };
            assert_eq!(
                wrong.problems(today()),
                vec![("birth_date", code)],
                "{typed}"
            );
        }
        let wareki = PersonDetails {
            birth_date: "昭和60年3月7日".into(),
            ..valid()
        };
        assert_eq!(wareki.problems(today()), vec![]);
        assert_eq!(wareki.normalised().birth_date, "1985-03-07");
    }

    #[test]
    fn international_and_mobile_numbers_are_accepted() {
        for phone in [
            "090-1234-5678",
            "09012345678",
            "+81 90 1234 5678",
            "03-1234-5678",
        ] {
            assert!(is_phone(phone), "{phone}");
        }
        for phone in ["1234-5678", "090-1234-56789", "abc"] {
            assert!(!is_phone(phone), "{phone}");
        }
    }
}
