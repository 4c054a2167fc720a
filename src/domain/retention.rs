//! How long a case's documents (identity documents, proofs of authority, disclosed files) are kept
//! after the case ends, and when each becomes due for destruction. Health data is not kept "just
//! in case": once the period has passed, the documents are destroyed and only the record that they
//! existed, were checked and were destroyed remains.

use chrono::{Duration, NaiveDate};

use super::state::CaseState;

/// Ten years: longer is a typing mistake, not a policy.
pub const MAX_DAYS: u32 = 3650;
/// What a new installation keeps until an administrator decides otherwise: a year covers an
/// appeal (審査請求, within three months of learning of the decision) and its handling.
pub const DEFAULT_DAYS: u32 = 365;

/// Audit records are kept at least a year, leap day included: the operator promises to collect
/// and keep access logs (seed 001 §4.5), and a year covers an appeal and its handling.
pub const AUDIT_MIN_DAYS: u32 = 366;

/// How long audit records are kept, as an administrator types it: empty keeps every record (the
/// default), otherwise a number of days as [`parse_days`] reads it, at least [`AUDIT_MIN_DAYS`].
pub fn parse_audit_days(raw: &str) -> Result<Option<u32>, DaysProblem> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    match parse_days(raw)? {
        days if days < AUDIT_MIN_DAYS => Err(DaysProblem::TooShort),
        days => Ok(Some(days)),
    }
}

/// The states a case ends in; its documents are kept for the period from the day it entered one.
pub const ENDED: [CaseState; 4] = [
    CaseState::Closed,
    CaseState::Withdrawn,
    CaseState::Dismissed,
    CaseState::Transferred,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DaysProblem {
    Required,
    NotANumber,
    TooShort,
    TooLong,
}

impl DaysProblem {
    pub fn code(self) -> &'static str {
        match self {
            DaysProblem::Required => "required",
            DaysProblem::NotANumber => "not_a_number",
            DaysProblem::TooShort => "too_short",
            DaysProblem::TooLong => "too_long",
        }
    }
}

/// Reads a number of days as people type it: `365`, `３６５`, `365日`, ` 90 days`.
pub fn parse_days(raw: &str) -> Result<u32, DaysProblem> {
    let digits: String = raw
        .trim()
        .trim_end_matches("days")
        .trim_end_matches('日')
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, ',' | '，'))
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c,
        })
        .collect();
    if digits.is_empty() {
        return Err(DaysProblem::Required);
    }
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(DaysProblem::NotANumber);
    }
    match digits.parse::<u64>() {
        Ok(0) => Err(DaysProblem::TooShort),
        Ok(d) if d <= u64::from(MAX_DAYS) => Ok(d as u32),
        _ => Err(DaysProblem::TooLong),
    }
}

/// The day a document of a case that ended on `ended_on` (Japan time) is destroyed: it is kept
/// on the end day and for `days` days after it.
pub fn destroy_on(ended_on: NaiveDate, days: u32) -> NaiveDate {
    ended_on + Duration::days(i64::from(days) + 1)
}

pub fn is_due(ended_on: NaiveDate, days: u32, today: NaiveDate) -> bool {
    today >= destroy_on(ended_on, days)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn audit_records_are_kept_a_year_at_least_or_for_ever() {
        assert_eq!(parse_audit_days(""), Ok(None));
        assert_eq!(parse_audit_days("  "), Ok(None));
        assert_eq!(parse_audit_days("366"), Ok(Some(366)));
        assert_eq!(parse_audit_days("１８２７日"), Ok(Some(1827)));
        assert_eq!(parse_audit_days("365"), Err(DaysProblem::TooShort));
        assert_eq!(parse_audit_days("0"), Err(DaysProblem::TooShort));
        assert_eq!(parse_audit_days("一年"), Err(DaysProblem::NotANumber));
        assert_eq!(parse_audit_days("3651"), Err(DaysProblem::TooLong));
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn days_are_read_as_people_type_them() {
        assert_eq!(parse_days("365"), Ok(365));
        assert_eq!(parse_days(" ３６５日 "), Ok(365));
        assert_eq!(parse_days("90 days"), Ok(90));
        assert_eq!(parse_days("1,000"), Ok(1000));
        assert_eq!(parse_days(""), Err(DaysProblem::Required));
        assert_eq!(parse_days("一年"), Err(DaysProblem::NotANumber));
        assert_eq!(parse_days("-5"), Err(DaysProblem::NotANumber));
        assert_eq!(parse_days("0"), Err(DaysProblem::TooShort));
        assert_eq!(parse_days("3651"), Err(DaysProblem::TooLong));
        assert_eq!(
            parse_days("99999999999999999999999"),
            Err(DaysProblem::TooLong)
        );
    }

    #[test]
    fn a_document_is_kept_on_the_end_day_and_for_the_whole_period_after_it() {
        let ended = day("2026-03-31");
        assert_eq!(destroy_on(ended, 30), day("2026-05-01"));
        assert!(!is_due(ended, 30, day("2026-04-30")));
        assert!(is_due(ended, 30, day("2026-05-01")));
    }

    proptest! {
        #[test]
        fn never_due_within_the_period_and_always_due_after_it(
            ended_offset in 0i64..20_000, days in 1u32..=MAX_DAYS, later in 0i64..5000
        ) {
            let ended = day("2000-01-01") + Duration::days(ended_offset);
            let today = ended + Duration::days(later);
            prop_assert_eq!(is_due(ended, days, today), later > i64::from(days));
        }
    }
}
