//! Deadlines (docs/deadlines.md, algorithm §8).
//!
//! `R` is the Asia/Tokyo date of the receipt instant (never the UTC date, §2). Calendar-day
//! periods count from the day after `R` (民法 Art. 140, 初日不算入) or from `R` itself when the rule
//! says 「起算して」/「含めて」; 補正 pauses are excluded per episode (Art. 83(1) proviso, convention
//! `B − A` or `B − A + 1`); one extension of up to the profile maximum (Art. 83(2)); the special
//! extension (Art. 84). Agency-side deadlines do not move off closed days (行政機関の休日に関する法律
//! Art. 2 covers only acts addressed to an authority) unless the operator switches
//! `agency_deadline_rollover` on; requester-side periods do move (same Art. 2; 地方自治法 Art. 4-2(4)).
//!
//! [`compute`] is generic over the [`Explain`] sink: with [`NoExplanation`] it allocates nothing.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::calendar::{BusinessCalendar, add_days};
use crate::domain::explain::{Explain, Explanation, LegalBasis, NoExplanation};
use crate::domain::names::stable_names;
use crate::domain::regime_rules::SpecialEffect;
use crate::domain::state::PauseReason;
use crate::domain::text::Bilingual;

#[path = "deadline_steps.rs"]
mod steps;
use steps::{
    base_step, closed_days_step, open_pause_step, pause_step, rollover_step,
    special_extension_step, status_step,
};
pub use steps::{en_date, ja_date};

/// Japan Standard Time is UTC+9 all year (no daylight saving).
pub const JST_OFFSET_HOURS: i64 = 9;

/// The Asia/Tokyo calendar date of an instant.
pub fn jst_date(instant: DateTime<Utc>) -> NaiveDate {
    let utc = instant.naive_utc();
    utc.checked_add_signed(TimeDelta::hours(JST_OFFSET_HOURS))
        .unwrap_or(utc)
        .date()
}

/// The instant a period ending on `last_day` runs out: 24:00 JST (民法 Art. 141).
pub fn end_of_jst_day(last_day: NaiveDate) -> DateTime<Utc> {
    let midnight = add_days(last_day, 1).and_time(NaiveTime::MIN);
    midnight
        .checked_sub_signed(TimeDelta::hours(JST_OFFSET_HOURS))
        .unwrap_or(midnight)
        .and_utc()
}

/// How long a period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "unit", rename_all = "snake_case")]
pub enum Period {
    /// Every calendar day counts, closed days included.
    CalendarDays { days: u32, first_day_counted: bool },
    /// Only office days count (private operators' internal targets).
    OfficeDays { days: u32 },
}

/// How many days a closed 補正 episode from `A` (request for correction) to `B` (corrected request
/// arrives) removes from the period. docs/deadlines.md §3: `B − A` by default; `B − A + 1` is the
/// alternative reading (UNVERIFIED which is right), hence configurable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PauseConvention {
    EndMinusStart,
    EndMinusStartPlusOne,
}

stable_names!(PauseConvention, "pause convention", {
    EndMinusStart => "b_minus_a",
    EndMinusStartPlusOne => "b_minus_a_plus_one",
});

impl PauseConvention {
    /// Calendar days excluded for an episode from `from` to `until`.
    pub fn excluded_days(self, from: NaiveDate, until: NaiveDate) -> i64 {
        let span = (until - from).num_days().max(0);
        match self {
            PauseConvention::EndMinusStart => span,
            PauseConvention::EndMinusStartPlusOne => span + 1,
        }
    }

    fn excluded_office_days(
        self,
        cal: &BusinessCalendar,
        from: NaiveDate,
        until: NaiveDate,
    ) -> u32 {
        let span = cal.office_days_between(from, until);
        match self {
            PauseConvention::EndMinusStart => span,
            PauseConvention::EndMinusStartPlusOne => span + u32::from(cal.is_office_day(from)),
        }
    }

    fn label(self) -> (&'static str, &'static str) {
        match self {
            PauseConvention::EndMinusStart => ("B − A", "B − A"),
            PauseConvention::EndMinusStartPlusOne => ("B − A + 1", "B − A + 1"),
        }
    }
}

/// Who must act by the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodSide {
    /// The operator must decide or notify (Art. 83, 94, 102; private internal targets).
    Agency,
    /// The person must act toward the operator (Art. 87(3), a 補正 reply-by date).
    Requester,
}

stable_names!(PeriodSide, "period side", {
    Agency => "agency",
    Requester => "requester",
});

/// One stop of the clock: from the day the requester was asked (`A`: a 補正, or the fee) to the
/// day the answer or the payment arrived (`B`); `until = None` while still waiting. The reason is
/// kept because only a 補正 pause is the statute's; a payment pause is the operator's policy
/// (docs/deadlines.md §3, §7), and pages must not call one the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
    /// A pause given without a reason (e.g. `FROM..TO` on the command line) is a 補正 pause.
    #[serde(default = "correction")]
    pub reason: PauseReason,
}

fn correction() -> PauseReason {
    PauseReason::Correction
}

/// Everything a deadline depends on. Borrowed, `Copy` and allocation-free.
#[derive(Debug, Clone, Copy)]
pub struct DeadlineRequest<'a> {
    /// The arrival instant (for requester-side periods: the instant the period starts, e.g. when
    /// the decision notice was given).
    pub received_at: DateTime<Utc>,
    pub period: Period,
    pub side: PeriodSide,
    pub basis: LegalBasis,
    /// Episodes in date order; only the last may be open.
    pub pauses: &'a [Pause],
    pub pause_convention: PauseConvention,
    /// Extension in calendar days (Art. 83(2)); 0 for none.
    pub extension_days: u32,
    pub max_extension_days: u32,
    pub agency_deadline_rollover: bool,
    /// The special rule applied to the case (Art. 84 / 95 / 103).
    pub special: Option<SpecialTerms>,
    pub due_soon_office_days: u32,
    pub today: Option<NaiveDate>,
}

/// Whether the clock runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Clock {
    Running,
    /// A 補正 or a payment is pending: the final date is not yet determinable. The dates reported
    /// assume the answer arrives on `assumed_answer` (today, or the pause's start when no today is
    /// given).
    Stopped {
        since: NaiveDate,
        /// What the clock waits for.
        reason: PauseReason,
        /// Days (office days for office-day periods) left when the clock stopped.
        remaining: i64,
        assumed_answer: NaiveDate,
    },
}

/// How a deadline stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeadlineStatus {
    OnTime,
    DueSoon,
    Overdue,
    ClockStopped,
}

stable_names!(DeadlineStatus, "deadline status", {
    OnTime => "on_time",
    DueSoon => "due_soon",
    Overdue => "overdue",
    ClockStopped => "clock_stopped",
});

/// A special rule applied to a case (docs/deadlines.md §5): its effect and article from the
/// regime table, the date its notice stated, and whether the Art. 84 part is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecialTerms {
    pub effect: SpecialEffect,
    pub basis: LegalBasis,
    /// The date stated for the remainder (Art. 84) or for the whole decision (Arts. 95/103).
    pub rest_by: NaiveDate,
    /// Art. 84: the part is decided, so the remainder's date governs.
    pub part_decided: bool,
}

/// Dates under a special rule (Art. 84 for large volumes; Arts. 95/103).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SpecialExtensionDates {
    /// The notice must be sent within the ordinary period (Art. 83(1) / 94(1) / 102(1)).
    pub notice_due: NaiveDate,
    /// Art. 84: a considerable part within 60 days of the request (`R + 60`; whether 補正 days
    /// extend it is UNVERIFIED, docs/deadlines.md §5 — they are not added). None under
    /// Arts. 95/103, which have no part.
    pub part_due: Option<NaiveDate>,
    /// The remainder (Art. 84) or the whole decision (Arts. 95/103).
    pub rest_due: NaiveDate,
}

/// A computed deadline. Plain data, `Copy`, no heap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Deadline {
    pub received_date: NaiveDate,
    /// `E0`: the period alone.
    pub base_last_day: NaiveDate,
    /// Calendar days excluded by closed pauses.
    pub paused_days: i64,
    /// `E1`: after pauses, before extension.
    pub unextended_last_day: NaiveDate,
    pub extension_days: u32,
    /// The last day of the period by law (after extension and any roll-over that applies).
    pub statutory_last_day: NaiveDate,
    /// The last office day on or before it: the day by which to act in practice.
    pub last_office_day: NaiveDate,
    /// The first office day on or after it.
    pub next_office_day: NaiveDate,
    /// The office day by which to act, which every page shows as the due date:
    /// `last_office_day`, or under Art. 84 the last office day for a considerable part until the
    /// part is decided, then the one for the remainder; under Arts. 95/103 the stated date's.
    pub due_office_day: NaiveDate,
    /// 24:00 JST on the statutory last day.
    pub ends_at: DateTime<Utc>,
    /// Extension notices must be sent within the unextended period (Art. 83(2)).
    pub extension_notice_due: Option<NaiveDate>,
    pub special_extension: Option<SpecialExtensionDates>,
    pub clock: Clock,
    pub status: Option<DeadlineStatus>,
    /// Some date involved lies in a year whose 休日 are projected, not published.
    pub provisional: bool,
}

/// Why a deadline cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    #[error("an extension of {requested} days exceeds this profile's maximum of {max} days")]
    ExtensionTooLong { requested: u32, max: u32 },
    #[error("extensions apply only to the operator's own deadlines, not to the requester's")]
    ExtensionOnRequesterSide,
    #[error("a pause ends ({until}) before it starts ({from})")]
    PauseEndsBeforeStart { from: NaiveDate, until: NaiveDate },
    #[error("a pause starts ({from}) before the request was received ({received})")]
    PauseBeforeReceipt {
        from: NaiveDate,
        received: NaiveDate,
    },
    #[error("pauses must be in date order without overlap ({previous_until} / {next_from})")]
    PausesOverlap {
        previous_until: NaiveDate,
        next_from: NaiveDate,
    },
    #[error("only the last pause may still be open")]
    OpenPauseNotLast,
    #[error(
        "the special extension's date for the remainder ({rest_by}) is before the 60-day date ({part_due})"
    )]
    SpecialExtensionTooEarly {
        rest_by: NaiveDate,
        part_due: NaiveDate,
    },
}

impl DeadlineError {
    /// The message in both languages.
    pub fn text(&self) -> Bilingual {
        let ja = match self {
            DeadlineError::ExtensionTooLong { requested, max } => {
                format!("延長日数{requested}日は上限{max}日を超えています。")
            }
            DeadlineError::ExtensionOnRequesterSide => {
                "延長は事業者・行政機関側の期限にのみ適用されます。".to_string()
            }
            DeadlineError::PauseEndsBeforeStart { from, until } => {
                format!("停止期間の終了日{until}が開始日{from}より前です。")
            }
            DeadlineError::PauseBeforeReceipt { from, received } => {
                format!("停止期間の開始日{from}が受付日{received}より前です。")
            }
            DeadlineError::PausesOverlap {
                previous_until,
                next_from,
            } => format!(
                "停止期間が重複しているか日付順ではありません（{previous_until}／{next_from}）。"
            ),
            DeadlineError::OpenPauseNotLast => "継続中の停止期間は最後の1件のみです。".to_string(),
            DeadlineError::SpecialExtensionTooEarly { rest_by, part_due } => {
                format!("特例延長の残りの期限{rest_by}が60日目{part_due}より前です。")
            }
        };
        Bilingual::owned(ja, self.to_string())
    }
}

/// Computes a deadline without explanation (allocation-free).
pub fn compute_deadline(
    req: &DeadlineRequest<'_>,
    cal: &BusinessCalendar,
) -> Result<Deadline, DeadlineError> {
    compute(req, cal, &mut NoExplanation)
}

/// Computes a deadline with its explanation.
pub fn compute_deadline_explained(
    req: &DeadlineRequest<'_>,
    cal: &BusinessCalendar,
) -> Result<(Deadline, Explanation), DeadlineError> {
    let mut explanation = Explanation::default();
    let deadline = compute(req, cal, &mut explanation)?;
    Ok((deadline, explanation))
}

/// The end of a requester-side period of `days` days starting after `start` (初日不算入), moved to
/// the next office day if it falls on a closed day (行政機関の休日に関する法律 Art. 2; 地方自治法
/// Art. 4-2(4)). Used for reply-by dates of a 補正 and the Art. 87(3) method window.
pub fn requester_period_end(start: NaiveDate, days: u32, cal: &BusinessCalendar) -> NaiveDate {
    cal.next_office_day_on_or_after(add_days(start, i64::from(days)))
}

fn validate(req: &DeadlineRequest<'_>, received: NaiveDate) -> Result<(), DeadlineError> {
    if req.extension_days > 0 && req.side == PeriodSide::Requester {
        return Err(DeadlineError::ExtensionOnRequesterSide);
    }
    if req.extension_days > req.max_extension_days {
        return Err(DeadlineError::ExtensionTooLong {
            requested: req.extension_days,
            max: req.max_extension_days,
        });
    }
    let mut previous: Option<NaiveDate> = None;
    for (i, pause) in req.pauses.iter().enumerate() {
        if pause.from < received {
            return Err(DeadlineError::PauseBeforeReceipt {
                from: pause.from,
                received,
            });
        }
        if let Some(previous_until) = previous {
            let touching_allowed = req.pause_convention == PauseConvention::EndMinusStart;
            if pause.from < previous_until || (!touching_allowed && pause.from == previous_until) {
                return Err(DeadlineError::PausesOverlap {
                    previous_until,
                    next_from: pause.from,
                });
            }
        }
        match pause.until {
            Some(until) if until < pause.from => {
                return Err(DeadlineError::PauseEndsBeforeStart {
                    from: pause.from,
                    until,
                });
            }
            Some(until) => previous = Some(until),
            None if i + 1 != req.pauses.len() => return Err(DeadlineError::OpenPauseNotLast),
            None => {}
        }
    }
    Ok(())
}

/// The algorithm of docs/deadlines.md §8, reporting each step to `ex`.
pub fn compute<E: Explain>(
    req: &DeadlineRequest<'_>,
    cal: &BusinessCalendar,
    ex: &mut E,
) -> Result<Deadline, DeadlineError> {
    let received = jst_date(req.received_at);
    validate(req, received)?;
    let basis = req.basis;
    ex.step(|| {
        let jst = req.received_at.naive_utc() + TimeDelta::hours(JST_OFFSET_HOURS);
        Bilingual::owned(
            format!(
                "受付日時 {}（日本時間）→ 受付日 R = {}（{}）",
                jst.format("%Y-%m-%d %H:%M:%S"),
                ja_date(received),
                basis.ja
            ),
            format!(
                "Received at {} JST (Asia/Tokyo, never the UTC date) → receipt date R = {} ({})",
                jst.format("%Y-%m-%d %H:%M:%S"),
                en_date(received),
                basis.en
            ),
        )
    });

    // E0: the period alone.
    let base = match req.period {
        Period::CalendarDays {
            days,
            first_day_counted,
        } => {
            let last = add_days(received, i64::from(days) - i64::from(first_day_counted));
            ex.step(|| base_step(days, first_day_counted, last));
            last
        }
        Period::OfficeDays { days } => {
            let last = cal.add_office_days(received, days);
            ex.step(|| {
                Bilingual::owned(
                    format!(
                        "受付日の翌日以降の{days}業務日目（業務を行わない日は数えない）→ E0 = {}",
                        ja_date(last)
                    ),
                    format!(
                        "{days}th office day after R (closed days not counted) → E0 = {}",
                        en_date(last)
                    ),
                )
            });
            last
        }
    };

    // E1: closed pauses excluded, episode by episode.
    let mut paused_days: i64 = 0;
    let mut paused_office_days: u32 = 0;
    let mut open_since: Option<(NaiveDate, PauseReason)> = None;
    for (i, pause) in req.pauses.iter().enumerate() {
        let Some(until) = pause.until else {
            open_since = Some((pause.from, pause.reason));
            continue;
        };
        let excluded = req.pause_convention.excluded_days(pause.from, until);
        paused_days += excluded;
        if let Period::OfficeDays { .. } = req.period {
            paused_office_days += req
                .pause_convention
                .excluded_office_days(cal, pause.from, until);
        }
        ex.step(|| {
            pause_step(
                i + 1,
                pause.reason,
                pause.from,
                until,
                excluded,
                req.pause_convention,
                basis,
            )
        });
    }
    let shift = |paused_calendar: i64, paused_office: u32| match req.period {
        Period::CalendarDays { .. } => add_days(base, paused_calendar),
        Period::OfficeDays { days } => cal.add_office_days(received, days + paused_office),
    };
    let settled = shift(paused_days, paused_office_days);
    let (unextended, clock) = match open_since {
        None => (settled, Clock::Running),
        Some((since, reason)) => {
            let assumed = req.today.unwrap_or(since).max(since);
            let remaining = match req.period {
                Period::CalendarDays { .. } => (settled - since).num_days(),
                Period::OfficeDays { .. } => i64::from(cal.office_days_between(since, settled)),
            };
            let extra_calendar = req.pause_convention.excluded_days(since, assumed);
            let extra_office = match req.period {
                Period::OfficeDays { .. } => req
                    .pause_convention
                    .excluded_office_days(cal, since, assumed),
                Period::CalendarDays { .. } => 0,
            };
            let projected = shift(
                paused_days + extra_calendar,
                paused_office_days + extra_office,
            );
            ex.step(|| open_pause_step(reason, since, remaining, assumed, projected));
            (
                projected,
                Clock::Stopped {
                    since,
                    reason,
                    remaining,
                    assumed_answer: assumed,
                },
            )
        }
    };
    if !req.pauses.is_empty() {
        ex.step(|| {
            Bilingual::owned(
                format!("停止期間を除いた期限 E1 = {}", ja_date(unextended)),
                format!(
                    "Deadline after excluding the pauses: E1 = {}",
                    en_date(unextended)
                ),
            )
        });
    }

    // E2: one extension.
    let extended = add_days(unextended, i64::from(req.extension_days));
    if req.extension_days > 0 {
        ex.step(|| {
            Bilingual::owned(
                format!(
                    "延長{}日（{}第2項等、上限{}日）：E2 = E1 + {} = {}。延長の通知は延長前の期間内（{}まで）に書面で行う。",
                    req.extension_days,
                    basis.ja,
                    req.max_extension_days,
                    req.extension_days,
                    ja_date(extended),
                    ja_date(unextended)
                ),
                format!(
                    "Extension by {} days ({}(2) or equivalent, at most {}): E2 = E1 + {} = {}. The written notice must be sent within the unextended period (by {}).",
                    req.extension_days,
                    basis.en,
                    req.max_extension_days,
                    req.extension_days,
                    en_date(extended),
                    en_date(unextended)
                ),
            )
        });
    }

    // Closed days: requester-side periods roll forward; agency-side only by operator switch.
    let rolls_forward = match req.side {
        PeriodSide::Requester => true,
        PeriodSide::Agency => req.agency_deadline_rollover,
    };
    let statutory = if rolls_forward {
        cal.next_office_day_on_or_after(extended)
    } else {
        extended
    };
    let last_office_day = cal.prev_office_day_on_or_before(extended);
    let next_office_day = cal.next_office_day_on_or_after(extended);
    if cal.is_closed(extended) {
        ex.step(|| closed_days_step(cal, last_office_day, next_office_day));
        ex.step(|| rollover_step(req.side, rolls_forward, statutory, last_office_day));
    }
    let last_office_day = cal.prev_office_day_on_or_before(statutory);
    ex.step(|| {
        Bilingual::owned(
            format!(
                "期限：{}の24時（日本時間）まで（民法第141条）。実際に対応すべき最終業務日は{}。",
                ja_date(statutory),
                ja_date(last_office_day)
            ),
            format!(
                "Deadline: until 24:00 JST on {} (Civil Code Art. 141). Last office day to act: {}.",
                en_date(statutory),
                en_date(last_office_day)
            ),
        )
    });

    let extension_notice_due = (req.side == PeriodSide::Agency && req.max_extension_days > 0)
        .then(|| cal.prev_office_day_on_or_before(unextended));

    let special_extension = match req.special {
        None => None,
        Some(terms) => {
            let part_due = match terms.effect {
                SpecialEffect::PartThenRemainder { part_days } => {
                    Some(add_days(received, i64::from(part_days)))
                }
                SpecialEffect::WholeByStatedDate => None,
            };
            if let Some(part_due) = part_due
                && terms.rest_by < part_due
            {
                return Err(DeadlineError::SpecialExtensionTooEarly {
                    rest_by: terms.rest_by,
                    part_due,
                });
            }
            let dates = SpecialExtensionDates {
                notice_due: cal.prev_office_day_on_or_before(unextended),
                part_due,
                rest_due: terms.rest_by,
            };
            ex.step(|| special_extension_step(dates, terms.basis, terms.part_decided));
            Some((dates, terms.part_decided))
        }
    };

    // The day that governs: under Art. 84 the part's until the part is decided, then the
    // remainder's; under Arts. 95/103 the stated date.
    let governing_day = match special_extension {
        Some((s, part_decided)) => match s.part_due {
            Some(part_due) if !part_decided => part_due,
            _ => s.rest_due,
        },
        None => statutory,
    };
    let due_office_day = if special_extension.is_some() {
        cal.prev_office_day_on_or_before(governing_day)
    } else {
        last_office_day
    };
    let special_extension = special_extension.map(|(s, _)| s);
    let status = req.today.map(|today| {
        if open_since.is_some() {
            return DeadlineStatus::ClockStopped;
        }
        status_on(
            today,
            governing_day,
            due_office_day,
            req.due_soon_office_days,
            cal,
        )
    });
    if let (Some(today), Some(status)) = (req.today, status) {
        ex.step(|| {
            status_step(
                today,
                status,
                open_since.map(|(_, reason)| reason),
                req.due_soon_office_days,
            )
        });
    }

    let provisional = cal.is_provisional(received) || cal.is_provisional(next_office_day);
    if provisional {
        ex.step(|| {
            Bilingual::fixed(
                "注意：未公表の年の休日（春分・秋分の日の推定を含む）を用いた暫定の計算です。",
                "Note: provisional — uses holidays of a year not yet published (projected equinoxes).",
            )
        });
    }

    Ok(Deadline {
        received_date: received,
        base_last_day: base,
        paused_days,
        unextended_last_day: unextended,
        extension_days: req.extension_days,
        statutory_last_day: statutory,
        last_office_day,
        next_office_day,
        due_office_day,
        ends_at: end_of_jst_day(statutory),
        extension_notice_due,
        special_extension,
        clock,
        status,
        provisional,
    })
}

fn status_on(
    today: NaiveDate,
    last_day: NaiveDate,
    last_office_day: NaiveDate,
    due_soon_office_days: u32,
    cal: &BusinessCalendar,
) -> DeadlineStatus {
    if today > last_day {
        DeadlineStatus::Overdue
    } else if cal.office_days_between(today, last_office_day) <= due_soon_office_days {
        DeadlineStatus::DueSoon
    } else {
        DeadlineStatus::OnTime
    }
}

#[cfg(test)]
#[path = "deadline_tests.rs"]
mod tests;
