//! The starting text of a decision notice as an administrator writes it: what is accepted and how
//! it is tidied. Drafts copy the text, so it never changes a notice already issued.

pub const MAX_CHARS: usize = 4000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyProblem {
    Required,
    TooLong,
    /// A control character (other than line breaks and tabs) that no letter can print.
    Unprintable,
}

impl BodyProblem {
    pub fn code(self) -> &'static str {
        match self {
            BodyProblem::Required => "required",
            BodyProblem::TooLong => "too_long",
            BodyProblem::Unprintable => "unprintable",
        }
    }
}

/// The text with browsers' `\r\n` as `\n`, trailing spaces of each line and blank lines at either
/// end removed; refused when empty, too long or unprintable.
pub fn check_body(raw: &str) -> Result<String, BodyProblem> {
    let lines: Vec<&str> = raw
        .split('\n')
        .map(|line| line.trim_end_matches(['\r', ' ', '\t', '\u{3000}']))
        .collect();
    let text = lines.join("\n").trim_matches('\n').to_string();
    if text.trim().is_empty() {
        return Err(BodyProblem::Required);
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(BodyProblem::Unprintable);
    }
    if text.chars().count() > MAX_CHARS {
        return Err(BodyProblem::TooLong);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_typed_text_is_tidied_and_bad_ones_refused() {
        assert_eq!(
            check_body("\r\n開示します。  \r\n\r\n理由：（記載）　\r\n\r\n").unwrap(),
            "開示します。\n\n理由：（記載）"
        );
        assert_eq!(check_body(" \r\n　\n"), Err(BodyProblem::Required));
        assert_eq!(check_body("a\u{0}b"), Err(BodyProblem::Unprintable));
        assert_eq!(
            check_body(&"あ".repeat(MAX_CHARS + 1)),
            Err(BodyProblem::TooLong)
        );
        assert!(check_body(&"あ".repeat(MAX_CHARS)).is_ok());
    }

    proptest! {
        #[test]
        fn an_accepted_text_is_printable_and_stable(raw in "[ \\r\\n\\tあa-z（）。\u{3000}]{0,60}") {
            if let Ok(text) = check_body(&raw) {
                prop_assert!(!text.contains('\r'));
                prop_assert!(!text.starts_with('\n') && !text.ends_with('\n'));
                prop_assert_eq!(check_body(&text), Ok(text.clone()));
            }
        }
    }
}
