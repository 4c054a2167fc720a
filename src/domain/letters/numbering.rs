//! Outgoing document numbers (文書番号): a format the operator sets, e.g. 「{era_fy}個情第{seq}号」,
//! numbered from 1 in each fiscal year. The sequence itself is counted by the database, one
//! counter per series and fiscal year, so that two instances never give out the same number.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::dates::{DateStyle, fiscal_year, japanese_fiscal_year};

pub const FORMAT_MAX_CHARS: usize = 60;

/// The places a format may hold.
pub const SEQ: &str = "{seq}";
const PLACES: [&str; 4] = [SEQ, "{era_fy}", "{fy}", "{seq:04}"];

/// A checked document-number format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NumberFormat(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FormatProblem {
    #[error("the document-number format is empty")]
    Empty,
    #[error("the document-number format has no place for the sequence number ({{seq}})")]
    NoSequence,
    #[error("the document-number format holds an unknown place in braces")]
    UnknownPlace,
    #[error("the document-number format is too long")]
    TooLong,
}

impl FormatProblem {
    pub fn code(self) -> &'static str {
        match self {
            FormatProblem::Empty => "required",
            FormatProblem::NoSequence => "no_sequence",
            FormatProblem::UnknownPlace => "unknown_place",
            FormatProblem::TooLong => "too_long",
        }
    }
}

impl NumberFormat {
    /// The usual form of a public body's number: 令和8年度個情第12号.
    pub fn standard() -> NumberFormat {
        NumberFormat("{era_fy}個情第{seq}号".to_string())
    }

    pub fn parse(raw: &str) -> Result<NumberFormat, FormatProblem> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(FormatProblem::Empty);
        }
        if text.chars().count() > FORMAT_MAX_CHARS {
            return Err(FormatProblem::TooLong);
        }
        // Every brace must open a known place.
        let mut rest = text;
        let mut has_seq = false;
        while let Some(at) = rest.find(['{', '}']) {
            let tail = &rest[at..];
            let Some(place) = PLACES.iter().find(|p| tail.starts_with(**p)) else {
                return Err(FormatProblem::UnknownPlace);
            };
            has_seq |= place.starts_with("{seq");
            rest = &tail[place.len()..];
        }
        if !has_seq {
            return Err(FormatProblem::NoSequence);
        }
        Ok(NumberFormat(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number of the `seq`-th letter of the fiscal year of `issued_on`.
    pub fn number(&self, seq: i64, issued_on: NaiveDate, style: DateStyle) -> String {
        self.0
            .replace("{seq:04}", &format!("{seq:04}"))
            .replace(SEQ, &seq.to_string())
            .replace("{era_fy}", &japanese_fiscal_year(issued_on, style))
            .replace("{fy}", &fiscal_year(issued_on).to_string())
    }
}

impl TryFrom<String> for NumberFormat {
    type Error = FormatProblem;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        NumberFormat::parse(&raw)
    }
}

impl From<NumberFormat> for String {
    fn from(format: NumberFormat) -> String {
        format.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_number_letters_by_fiscal_year() {
        let on = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let f = NumberFormat::standard();
        assert_eq!(f.number(12, on, DateStyle::Japanese), "令和8年度個情第12号");
        assert_eq!(f.number(12, on, DateStyle::Gregorian), "2026年度個情第12号");
        let g = NumberFormat::parse(" 個人情報{fy}-{seq:04} ").unwrap();
        assert_eq!(g.number(7, on, DateStyle::Japanese), "個人情報2026-0007");
    }

    #[test]
    fn an_empty_or_sequenceless_format_is_refused_with_its_reason() {
        assert_eq!(NumberFormat::parse(" 　"), Err(FormatProblem::Empty));
        assert_eq!(
            NumberFormat::parse("{era_fy}個情第号"),
            Err(FormatProblem::NoSequence)
        );
        assert_eq!(
            NumberFormat::parse("第{number}号"),
            Err(FormatProblem::UnknownPlace)
        );
        assert_eq!(
            NumberFormat::parse("第{seq号"),
            Err(FormatProblem::UnknownPlace)
        );
        assert_eq!(
            FormatProblem::NoSequence.to_string(),
            "the document-number format has no place for the sequence number ({seq})"
        );
        let stored: Result<NumberFormat, _> = serde_json::from_str("\"第号\"");
        assert!(stored.is_err());
    }

    proptest! {
        /// Two sequence numbers of one fiscal year never give the same document number.
        #[test]
        fn distinct_sequences_give_distinct_numbers(a in 1i64..100_000, b in 1i64..100_000, days in 0i64..3650) {
            let on = NaiveDate::from_ymd_opt(2019, 4, 1).unwrap() + chrono::Duration::days(days);
            let f = NumberFormat::standard();
            prop_assert_eq!(a == b, f.number(a, on, DateStyle::Japanese) == f.number(b, on, DateStyle::Japanese));
        }

        #[test]
        fn any_text_with_a_sequence_and_no_braces_is_accepted(prefix in "[^{}]{0,20}", suffix in "[^{}]{0,20}") {
            let raw = format!("{prefix}{{seq}}{suffix}");
            if raw.trim().chars().count() <= FORMAT_MAX_CHARS {
                prop_assert!(NumberFormat::parse(&raw).is_ok());
            }
        }
    }
}
