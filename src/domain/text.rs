//! Bilingual (Japanese / English) text. Every message a requester or staff member may read comes in
//! both languages; fixed texts borrow `'static` strings so that building them costs nothing.

use std::borrow::Cow;

use serde::Serialize;

/// One message in Japanese and English.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Bilingual {
    pub ja: Cow<'static, str>,
    pub en: Cow<'static, str>,
}

impl Bilingual {
    /// A fixed text; usable in `const` items.
    pub const fn fixed(ja: &'static str, en: &'static str) -> Self {
        Bilingual {
            ja: Cow::Borrowed(ja),
            en: Cow::Borrowed(en),
        }
    }

    /// A text built at run time (dates, amounts).
    pub fn owned(ja: String, en: String) -> Self {
        Bilingual {
            ja: Cow::Owned(ja),
            en: Cow::Owned(en),
        }
    }
}

/// A character that has no place in what a person types: a control character (other than tab
/// and line breaks) or an invisible mark that reverses the direction of text, which can make a
/// name or a message read differently from what it holds (the "Trojan Source" trick).
pub fn unusable_character(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            || matches!(
                c,
                '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
            )
    })
}

/// Whether `text` holds what looks like an Individual Number (マイナンバー): twelve digits,
/// half- or full-width, possibly in groups split by a space or a hyphen, whose last digit is the
/// check digit of the first eleven (番号法施行令 第8条). Longer runs of digits are not one.
pub fn contains_individual_number(text: &str) -> bool {
    let text = without_identifiers(text);
    let mut digits: Vec<u32> = Vec::new();
    let mut separator_pending = false;
    let check =
        |run: &[u32]| run.len() == 12 && individual_number_check_digit(&run[..11]) == run[11];
    for c in text.chars() {
        let digit = match c {
            '0'..='9' => Some(c as u32 - '0' as u32),
            '０'..='９' => Some(c as u32 - '０' as u32),
            _ => None,
        };
        match digit {
            Some(d) => {
                digits.push(d);
                separator_pending = false;
            }
            None if matches!(c, ' ' | '-' | '－' | '　' | 'ー')
                && !digits.is_empty()
                && !separator_pending =>
            {
                separator_pending = true;
            }
            None => {
                if check(&digits) {
                    return true;
                }
                digits.clear();
                separator_pending = false;
            }
        }
    }
    check(&digits)
}

/// `text` with every token of ASCII letters, digits and hyphens that holds a letter (a UUID, a
/// reference such as `AB-1234…`) blanked out: its digits are part of an identifier, and a run of
/// twelve of them in a random id passes the check digit one time in eleven.
fn without_identifiers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        if token.chars().any(|c| c.is_ascii_alphabetic()) {
            out.push(' ');
        } else {
            out.push_str(token);
        }
        token.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '-' {
            token.push(c);
        } else {
            flush(&mut token, &mut out);
            out.push(c);
        }
    }
    flush(&mut token, &mut out);
    out
}

/// The check digit of an Individual Number's first eleven digits.
fn individual_number_check_digit(first: &[u32]) -> u32 {
    // P(n) is the n-th digit counting from the right of the eleven; Q(n) = n + 1 for n ≤ 6,
    // n − 5 for n ≥ 7.
    let sum: u32 = first
        .iter()
        .rev()
        .enumerate()
        .map(|(i, p)| {
            let n = i as u32 + 1;
            p * if n <= 6 { n + 1 } else { n - 5 }
        })
        .sum();
    match sum % 11 {
        0 | 1 => 0,
        r => 11 - r,
    }
}

/// `text` with every Individual Number replaced by asterisks (a clerk's redaction).
pub fn redact_individual_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        // The longest stretch of digits and single separators starting here.
        let mut end = i;
        let mut count = 0;
        while end < chars.len() {
            let c = chars[end];
            if c.is_ascii_digit() || ('０'..='９').contains(&c) {
                count += 1;
                end += 1;
            } else if count > 0
                && matches!(c, ' ' | '-' | '－' | '　' | 'ー')
                && chars
                    .get(end + 1)
                    .is_some_and(|n| n.is_ascii_digit() || ('０'..='９').contains(n))
            {
                end += 1;
            } else {
                break;
            }
        }
        if count > 0 {
            let run: String = chars[i..end].iter().collect();
            if contains_individual_number(&run) {
                out.push_str("＊＊＊＊＊＊＊＊＊＊＊＊");
            } else {
                out.push_str(&run);
            }
            i = end;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod typed_text_tests {
    use super::*;
    use proptest::prelude::*;

    /// 123456789018 is the example number of the Digital Agency's check-digit description.
    const VALID: &str = "123456789018";

    #[test]
    fn individual_numbers_are_found_in_any_common_spelling() {
        assert!(contains_individual_number(VALID));
        assert!(contains_individual_number("番号は1234 5678 9018です"));
        assert!(contains_individual_number("１２３４－５６７８－９０１８"));
        assert!(
            !contains_individual_number("123456789010"),
            "wrong check digit"
        );
        assert!(
            !contains_individual_number("1234567890180"),
            "thirteen digits"
        );
        assert!(!contains_individual_number("電話 03-1234-5678"));
        assert!(!contains_individual_number("2026-000001"));
        // Identifiers whose digits happen to form one: a UUID's last group, a reference.
        assert!(!contains_individual_number(
            "01a247c4-a5e2-76dd-ae09-123456789018"
        ));
        assert!(!contains_individual_number("REF-123456789018"));
        assert!(contains_individual_number("番号:123456789018。"));
        assert_eq!(
            redact_individual_numbers("番号は1234-5678-9018、電話は03-1234-5678"),
            "番号は＊＊＊＊＊＊＊＊＊＊＊＊、電話は03-1234-5678"
        );
    }

    #[test]
    fn controls_and_direction_marks_are_unusable_but_line_breaks_are_not() {
        assert_eq!(unusable_character("山田\u{202E}太郎"), Some('\u{202E}'));
        assert_eq!(unusable_character("a\u{0}b"), Some('\u{0}'));
        assert_eq!(unusable_character("a\u{1b}[31m"), Some('\u{1b}'));
        assert_eq!(unusable_character("一行目\r\n二行目\tタブ"), None);
        assert_eq!(unusable_character("\u{2067}x"), Some('\u{2067}'));
    }

    proptest! {
        /// Ids in forms (cases, documents) are UUIDs: none is ever taken for a number.
        #[test]
        fn no_uuid_is_taken_for_an_individual_number(bytes in proptest::array::uniform16(any::<u8>())) {
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            let id = format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..]);
            prop_assert!(!contains_individual_number(&id));
        }

        #[test]
        fn every_valid_number_is_found_and_redacted(digits in proptest::collection::vec(0u32..10, 11)) {
            let check = individual_number_check_digit(&digits);
            let number: String = digits.iter().chain([check].iter()).map(|d| char::from_digit(*d, 10).unwrap()).collect();
            let text = format!("私の番号は{number}です");
            prop_assert!(contains_individual_number(&text));
            prop_assert!(!redact_individual_numbers(&text).contains(&number));
        }
    }
}
