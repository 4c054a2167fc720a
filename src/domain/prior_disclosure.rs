//! 開示前置 (docs/regimes.md §9.4): under a public body a 訂正 or 利用停止 request may only concern
//! information the person received through a disclosure decision (Arts. 90(1), 98(1)), and must
//! be made within 90 days of the day they received it (Arts. 90(3), 98(3)). The period is the
//! requester's: its first day is not counted (民法 Art. 140) and a last day on a closed day moves
//! to the next office day (行政機関の休日に関する法律 Art. 2; 地方自治法 Art. 4-2(4)).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::calendar::BusinessCalendar;
use crate::domain::deadline::requester_period_end;
use crate::domain::names::stable_names;
use crate::domain::regime_rules::PriorDisclosure;

/// Where the date of the disclosure came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PriorDisclosureSource {
    /// The requester typed it.
    Stated,
    /// The receipt number the requester gave matched a disclosure delivered through this service.
    Record,
    /// Staff checked it against the disclosure record and recorded it.
    Staff,
}

stable_names!(PriorDisclosureSource, "prior disclosure source", {
    Stated => "stated",
    Record => "record",
    Staff => "staff",
});

/// The disclosure a request follows, as the case records it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PriorDisclosureRecord {
    /// The day the person received the disclosure (開示を受けた日).
    pub disclosed_on: NaiveDate,
    /// The last day on which the request could be made.
    pub last_day: NaiveDate,
    /// The receipt number or notice named with it, if any.
    pub reference: Option<String>,
    pub source: PriorDisclosureSource,
    /// Staff have checked it against the disclosure record.
    pub verified: bool,
}

/// Why a request does not follow a disclosure in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriorDisclosureProblem {
    /// No disclosure named.
    Missing,
    /// The disclosure is dated after the request (or after today).
    NotYetDisclosed,
    /// More than the period has passed: the request could be made until `last_day`.
    TooLate { last_day: NaiveDate },
}

/// The last day a request may follow a disclosure received on `disclosed_on`.
pub fn last_day(
    rule: &PriorDisclosure,
    disclosed_on: NaiveDate,
    cal: &BusinessCalendar,
) -> NaiveDate {
    requester_period_end(disclosed_on, rule.days, cal)
}

/// Checks a request made on `request_day` against a disclosure received on `disclosed_on`.
pub fn assess(
    rule: &PriorDisclosure,
    disclosed_on: Option<NaiveDate>,
    request_day: NaiveDate,
    cal: &BusinessCalendar,
) -> Result<NaiveDate, PriorDisclosureProblem> {
    let disclosed_on = disclosed_on.ok_or(PriorDisclosureProblem::Missing)?;
    if disclosed_on > request_day {
        return Err(PriorDisclosureProblem::NotYetDisclosed);
    }
    let last_day = last_day(rule, disclosed_on, cal);
    if request_day > last_day {
        return Err(PriorDisclosureProblem::TooLate { last_day });
    }
    Ok(last_day)
}

impl PriorDisclosureRecord {
    /// Whether a request that arrived on `received_on` falls within the period.
    pub fn covers(&self, received_on: NaiveDate) -> bool {
        self.disclosed_on <= received_on && received_on <= self.last_day
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::ClosedDayRules;
    use crate::domain::holidays::JapaneseHolidays;
    use crate::domain::kind::RequestKind;
    use crate::domain::regime::Regime;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn cal() -> BusinessCalendar {
        BusinessCalendar::new(
            ClosedDayRules::ADMINISTRATIVE,
            JapaneseHolidays::default(),
            [],
        )
    }

    fn rule() -> PriorDisclosure {
        Regime::NationalBody
            .kind_rules(RequestKind::Correction)
            .and_then(|r| r.prior_disclosure)
            .expect("public correction follows a disclosure")
    }

    #[test]
    fn ninety_days_from_the_day_after_the_disclosure() {
        // Received 2025-04-01 (Tue): day 90 is 2025-06-30 (Mon), an office day.
        let on = d(2025, 4, 1);
        assert_eq!(
            assess(&rule(), Some(on), d(2025, 6, 30), &cal()),
            Ok(d(2025, 6, 30))
        );
        assert_eq!(
            assess(&rule(), Some(on), d(2025, 7, 1), &cal()),
            Err(PriorDisclosureProblem::TooLate {
                last_day: d(2025, 6, 30)
            })
        );
        assert_eq!(
            assess(&rule(), None, d(2025, 5, 1), &cal()),
            Err(PriorDisclosureProblem::Missing)
        );
        assert_eq!(
            assess(&rule(), Some(d(2025, 5, 2)), d(2025, 5, 1), &cal()),
            Err(PriorDisclosureProblem::NotYetDisclosed)
        );
    }

    #[test]
    fn a_last_day_on_a_closed_day_moves_to_the_next_office_day() {
        // 2025-05-03 + 90 = 2025-08-01 (Fri); 2025-05-10 + 90 = 2025-08-08 (Fri);
        // 2025-05-12 + 90 = 2025-08-10 (Sun) → 08-11 is 山の日 → 08-12 (Tue).
        assert_eq!(last_day(&rule(), d(2025, 5, 12), &cal()), d(2025, 8, 12));
        // Year-end: 2025-10-01 + 90 = 2025-12-30, closed (12/29-1/3) → 2026-01-05 (Mon).
        assert_eq!(last_day(&rule(), d(2025, 10, 1), &cal()), d(2026, 1, 5));
    }
}
