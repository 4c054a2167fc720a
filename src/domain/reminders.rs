//! Which reminders and escalations are due for an open case on a given day. Pure: the sweep
//! gives it the case's clock and dates; the key it returns is what makes sending idempotent
//! (a reminder is sent once per key, and the key changes when the date it is about changes).

use chrono::NaiveDate;

use crate::domain::calendar::BusinessCalendar;

/// What the sweep knows of one open case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockView {
    pub case_id: String,
    /// The decision deadline, while the clock runs (None while stopped or undecided-free).
    pub due_on: Option<NaiveDate>,
    pub clock_stopped: bool,
    /// While a 補正 request waits: the date the requester must answer by.
    pub reply_by: Option<NaiveDate>,
    /// While a fee waits: the day it was asked for.
    pub payment_asked_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderPolicy<'a> {
    /// Office days before the deadline, largest first (e.g. [5, 1]).
    pub deadline_days: &'a [u32],
    /// Office days before a reply-by date on which the requester is reminded.
    pub reply_days: u32,
    /// Office days after a fee was asked for on which the requester is reminded.
    pub payment_days: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderKind {
    /// To the assignee: the deadline is `days` office days away or nearer.
    Deadline { days: u32, due_on: NaiveDate },
    /// To the approvers: the deadline has passed.
    Overdue { due_on: NaiveDate },
    /// To the requester: the 補正 answer is due soon.
    Reply { reply_by: NaiveDate },
    /// To the assignee: the reply-by date passed with no answer; a dismissal may follow.
    ReplyLapsed { reply_by: NaiveDate },
    /// To the requester: the fee is still unpaid.
    Payment { asked_on: NaiveDate },
}

impl ReminderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReminderKind::Deadline { .. } => "deadline",
            ReminderKind::Overdue { .. } => "overdue",
            ReminderKind::Reply { .. } => "reply",
            ReminderKind::ReplyLapsed { .. } => "reply_lapsed",
            ReminderKind::Payment { .. } => "payment",
        }
    }

    /// The date the reminder is about (the deadline, the reply-by date, the day a fee was asked).
    pub fn about_on(self) -> NaiveDate {
        match self {
            ReminderKind::Deadline { due_on, .. } | ReminderKind::Overdue { due_on } => due_on,
            ReminderKind::Reply { reply_by } | ReminderKind::ReplyLapsed { reply_by } => reply_by,
            ReminderKind::Payment { asked_on } => asked_on,
        }
    }

    /// The claim key: once per case, kind and the date it is about.
    pub fn key(self, case_id: &str) -> String {
        match self {
            ReminderKind::Deadline { days, due_on } => {
                format!("deadline:{case_id}:{due_on}:{days}")
            }
            ReminderKind::Overdue { due_on } => format!("overdue:{case_id}:{due_on}"),
            ReminderKind::Reply { reply_by } => format!("reply:{case_id}:{reply_by}"),
            ReminderKind::ReplyLapsed { reply_by } => format!("lapsed:{case_id}:{reply_by}"),
            ReminderKind::Payment { asked_on } => format!("payment:{case_id}:{asked_on}"),
        }
    }

    pub fn to_requester(self) -> bool {
        matches!(
            self,
            ReminderKind::Reply { .. } | ReminderKind::Payment { .. }
        )
    }
}

/// The reminders `case` calls for on `today`. A sweep that missed days still sends the one that
/// applies now (the nearest threshold), never a stale one for a farther threshold.
pub fn due(
    case: &ClockView,
    today: NaiveDate,
    calendar: &BusinessCalendar,
    policy: &ReminderPolicy<'_>,
) -> Vec<ReminderKind> {
    let mut out = Vec::new();
    if let (Some(due_on), false) = (case.due_on, case.clock_stopped) {
        if due_on < today {
            out.push(ReminderKind::Overdue { due_on });
        } else {
            let left = calendar.office_days_between(today, due_on);
            if let Some(days) = policy
                .deadline_days
                .iter()
                .copied()
                .filter(|d| *d >= left)
                .min()
            {
                out.push(ReminderKind::Deadline { days, due_on });
            }
        }
    }
    if let Some(reply_by) = case.reply_by {
        if reply_by < today {
            out.push(ReminderKind::ReplyLapsed { reply_by });
        } else if calendar.office_days_between(today, reply_by) <= policy.reply_days {
            out.push(ReminderKind::Reply { reply_by });
        }
    }
    if let Some(asked_on) = case.payment_asked_on
        && calendar.office_days_between(asked_on, today) >= policy.payment_days
    {
        out.push(ReminderKind::Payment { asked_on });
    }
    out
}

/// The day a request whose 補正 went unanswered by `reply_by` is dismissed without staff, when
/// the operator set `after_office_days` (0: never; staff decide). Counted in office days so that
/// an answer posted on the last day, or a closure right after it, still has time to arrive.
pub fn automatic_dismissal_on(
    reply_by: NaiveDate,
    after_office_days: u32,
    calendar: &BusinessCalendar,
) -> Option<NaiveDate> {
    (after_office_days > 0).then(|| calendar.add_office_days(reply_by, after_office_days))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn cal() -> &'static BusinessCalendar {
        static CAL: OnceLock<BusinessCalendar> = OnceLock::new();
        CAL.get_or_init(BusinessCalendar::administrative)
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    const POLICY: ReminderPolicy<'static> = ReminderPolicy {
        deadline_days: &[5, 1],
        reply_days: 3,
        payment_days: 10,
    };

    fn running(due_on: NaiveDate) -> ClockView {
        ClockView {
            case_id: "c1".into(),
            due_on: Some(due_on),
            clock_stopped: false,
            reply_by: None,
            payment_asked_on: None,
        }
    }

    #[test]
    fn automatic_dismissal_counts_office_days_after_the_reply_by_date() {
        // Reply by Monday 2026-12-28; the year-end closure runs to 3 January.
        assert_eq!(automatic_dismissal_on(d(2026, 12, 28), 0, cal()), None);
        assert_eq!(
            automatic_dismissal_on(d(2026, 12, 28), 1, cal()),
            Some(d(2027, 1, 4))
        );
        assert_eq!(
            automatic_dismissal_on(d(2026, 12, 28), 5, cal()),
            Some(d(2027, 1, 8))
        );
    }

    proptest! {
        #[test]
        fn automatic_dismissal_falls_on_the_nth_office_day_after(
            offset in 0i64..2000,
            after in 1u32..=30,
        ) {
            let reply_by = d(2025, 1, 1) + chrono::Duration::days(offset);
            let on = automatic_dismissal_on(reply_by, after, cal()).unwrap();
            prop_assert!(on > reply_by);
            prop_assert!(!cal().is_closed(on));
            prop_assert_eq!(cal().office_days_between(reply_by, on), after);
        }
    }

    #[test]
    fn the_nearest_threshold_applies_and_farther_ones_never_fire_late() {
        // Friday 2026-12-04; due Friday 2026-12-11 is 5 office days away.
        let due_on = d(2026, 12, 11);
        let today = d(2026, 12, 4);
        assert_eq!(
            due(&running(due_on), today, cal(), &POLICY),
            vec![ReminderKind::Deadline { days: 5, due_on }]
        );
        // Monday 2026-12-07: 4 office days left, still the 5-day reminder (already sent).
        assert_eq!(
            due(&running(due_on), d(2026, 12, 7), cal(), &POLICY),
            vec![ReminderKind::Deadline { days: 5, due_on }]
        );
        // Thursday: 1 office day left: the 1-day reminder, a new key.
        assert_eq!(
            due(&running(due_on), d(2026, 12, 10), cal(), &POLICY),
            vec![ReminderKind::Deadline { days: 1, due_on }]
        );
        // Six office days before: nothing yet.
        assert!(due(&running(due_on), d(2026, 12, 3), cal(), &POLICY).is_empty());
        // The day after: escalation.
        assert_eq!(
            due(&running(due_on), d(2026, 12, 12), cal(), &POLICY),
            vec![ReminderKind::Overdue { due_on }]
        );
    }

    #[test]
    fn a_stopped_clock_gets_requester_reminders_not_deadline_ones() {
        let case = ClockView {
            clock_stopped: true,
            reply_by: Some(d(2026, 12, 10)),
            ..running(d(2026, 11, 1))
        };
        assert_eq!(
            due(&case, d(2026, 12, 7), cal(), &POLICY),
            vec![ReminderKind::Reply {
                reply_by: d(2026, 12, 10)
            }]
        );
        assert_eq!(
            due(&case, d(2026, 12, 11), cal(), &POLICY),
            vec![ReminderKind::ReplyLapsed {
                reply_by: d(2026, 12, 10)
            }]
        );
        let unpaid = ClockView {
            payment_asked_on: Some(d(2026, 11, 2)),
            ..running(d(2026, 12, 20))
        };
        assert!(
            due(&unpaid, d(2026, 11, 20), cal(), &POLICY).contains(&ReminderKind::Payment {
                asked_on: d(2026, 11, 2)
            })
        );
    }

    proptest! {
        #[test]
        fn keys_are_stable_within_a_threshold_and_change_with_the_date(
            offset in 0i64..40, moved in 1i64..10
        ) {
            let today = d(2026, 10, 1);
            let due_on = today + chrono::Duration::days(offset);
            let first = due(&running(due_on), today, cal(), &POLICY);
            let again = due(&running(due_on), today, cal(), &POLICY);
            prop_assert_eq!(&first, &again);
            let later = due_on + chrono::Duration::days(moved);
            for (a, b) in first.iter().zip(due(&running(later), today, cal(), &POLICY)) {
                prop_assert_ne!(a.key("c1"), b.key("c1"));
            }
            prop_assert!(first.len() <= 1);
        }
    }
}
