//! Fields an operator's profile adds to the request form for some kinds (docs/operators.md):
//! what only that operator needs to find the data, such as which LINE account a request to
//! 福島県's LINE service is about (seed 003 §2: its data are keyed by the LINE user identifier).

use serde::Serialize;

use crate::domain::kind::RequestKind;
use crate::domain::text::Bilingual;

/// How a value is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FieldFormat {
    /// Free text up to 200 characters.
    Text,
    /// A LINE ID as the account shows it (4–20 of a-z, 0-9, `.`, `-`, `_`), or the user
    /// identifier a LINE official account receives (`U` and 32 hexadecimal digits).
    LineId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtraField {
    /// The form field's name (`extra_<name>`) and the stored key.
    pub name: &'static str,
    pub label: Bilingual,
    pub hint: Bilingual,
    /// The kinds that ask it (empty: every kind).
    pub kinds: Vec<RequestKind>,
    pub required: bool,
    pub format: FieldFormat,
}

impl ExtraField {
    pub fn applies_to(&self, kind: RequestKind) -> bool {
        self.kinds.is_empty() || self.kinds.contains(&kind)
    }

    /// The problem code of `value`, if any (`required`, `too_long`, `line_id`).
    pub fn problem(&self, value: &str) -> Option<&'static str> {
        let value = value.trim();
        if value.is_empty() {
            return self.required.then_some("required");
        }
        if value.chars().count() > 200 {
            return Some("too_long");
        }
        match self.format {
            FieldFormat::Text => None,
            FieldFormat::LineId => (!is_line_id(value)).then_some("line_id"),
        }
    }
}

fn is_line_id(value: &str) -> bool {
    let user_id = value.len() == 33
        && value.starts_with('U')
        && value[1..].bytes().all(|b| b.is_ascii_hexdigit());
    let chosen_id = (4..=20).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    user_id || chosen_id
}

/// 福島県's LINE account: which account the request is about.
pub fn line_account() -> Vec<ExtraField> {
    vec![
        ExtraField {
            name: "line_display_name",
            label: Bilingual::fixed("LINEの表示名", "LINE display name"),
            hint: Bilingual::fixed(
                "「福島県-新型コロナ対策パーソナルサポート」を利用したときのLINEの表示名",
                "The display name of the LINE account you used with the service",
            ),
            kinds: Vec::new(),
            required: true,
            format: FieldFormat::Text,
        },
        ExtraField {
            name: "line_id",
            label: Bilingual::fixed("LINE ID（分かる場合）", "LINE ID (if you know it)"),
            hint: Bilingual::fixed(
                "LINEの「設定」→「プロフィール」に表示されるID（半角英小文字・数字・記号4〜20文字）",
                "The ID shown under Settings → Profile in LINE (4–20 lower-case letters, digits, . - _)",
            ),
            kinds: Vec::new(),
            required: false,
            format: FieldFormat::LineId,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_id_in_the_wrong_form_is_named() {
        let [name, id] = <[ExtraField; 2]>::try_from(line_account()).unwrap();
        assert_eq!(name.problem(" "), Some("required"));
        assert_eq!(name.problem("はなこ"), None);
        assert_eq!(id.problem(""), None, "optional");
        assert_eq!(id.problem("hanako_2020"), None);
        assert_eq!(id.problem(&format!("U{}", "0a".repeat(16))), None);
        for wrong in [
            "Hanako",
            "abc",
            "はなこ",
            "hanako@line",
            "U123",
            "a".repeat(21).as_str(),
        ] {
            assert_eq!(id.problem(wrong), Some("line_id"), "{wrong}");
        }
    }
}
