//! The bilingual steps of a deadline explanation. Only called when an explanation is wanted, so
//! none of this runs (or allocates) in the plain computation.

use chrono::{Datelike, NaiveDate, Weekday};

use super::{DeadlineStatus, PauseConvention, PeriodSide, SpecialExtensionDates};
use crate::domain::calendar::{BusinessCalendar, add_days};
use crate::domain::explain::LegalBasis;
use crate::domain::state::PauseReason;
use crate::domain::text::Bilingual;

pub(super) fn base_step(days: u32, first_day_counted: bool, last: NaiveDate) -> Bilingual {
    if first_day_counted {
        Bilingual::owned(
            format!(
                "初日算入：受付日を1日目として{days}日 → E0 = R + {} = {}",
                days.saturating_sub(1),
                ja_date(last)
            ),
            format!(
                "First day counted: R is day 1 of {days} → E0 = R + {} = {}",
                days.saturating_sub(1),
                en_date(last)
            ),
        )
    } else {
        Bilingual::owned(
            format!(
                "初日不算入（民法第140条）：受付日の翌日から起算して{days}日 → E0 = R + {days} = {}",
                ja_date(last)
            ),
            format!(
                "First day not counted (Civil Code Art. 140): {days} days from the day after R → E0 = R + {days} = {}",
                en_date(last)
            ),
        )
    }
}

/// What a pause waits for and on what footing, in both languages: a 補正 pause is the statute's
/// (the proviso of `basis`), a payment pause the operator's own policy (docs/deadlines.md §3, §7).
fn waiting_for(reason: PauseReason, basis: LegalBasis) -> (String, String, String, String) {
    match reason {
        PauseReason::Correction => (
            "補正を待つ間".to_string(),
            "waiting for a correction (補正)".to_string(),
            format!("{}ただし書等", basis.ja),
            format!("proviso of {}", basis.en),
        ),
        PauseReason::Payment => (
            "手数料の納付を待つ間".to_string(),
            "waiting for the fee to be paid".to_string(),
            "運営者の定めによる停止。補正ではない".to_string(),
            "the operator's policy, not a correction".to_string(),
        ),
    }
}

pub(super) fn pause_step(
    n: usize,
    reason: PauseReason,
    from: NaiveDate,
    until: NaiveDate,
    excluded: i64,
    convention: PauseConvention,
    basis: LegalBasis,
) -> Bilingual {
    let (conv_ja, conv_en) = convention.label();
    let (what_ja, what_en, why_ja, why_en) = waiting_for(reason, basis);
    Bilingual::owned(
        format!(
            "停止期間{n}（{what_ja}）：{}〜{}、{excluded}日を期間に算入しない（{conv_ja}；{why_ja}）",
            ja_date(from),
            ja_date(until),
        ),
        format!(
            "Pause {n} ({what_en}): {} to {}, {excluded} days not counted ({conv_en}; {why_en})",
            en_date(from),
            en_date(until),
        ),
    )
}

pub(super) fn open_pause_step(
    reason: PauseReason,
    since: NaiveDate,
    remaining: i64,
    assumed: NaiveDate,
    projected: NaiveDate,
) -> Bilingual {
    let (waiting_ja, waiting_en, answer_ja, answer_en) = match reason {
        PauseReason::Correction => (
            "請求者からの補正",
            "a correction (補正) from the requester",
            "回答",
            "answer",
        ),
        PauseReason::Payment => ("手数料の納付", "the fee to be paid", "納付", "payment"),
    };
    Bilingual::owned(
        format!(
            "{}から{waiting_ja}を待つため期限停止中。停止時点の残り{remaining}日。期限はまだ確定しない：{}に{answer_ja}があった場合 E1 = {}（{answer_ja}の日＋残り日数）",
            ja_date(since),
            ja_date(assumed),
            ja_date(projected)
        ),
        format!(
            "Clock stopped since {} waiting for {waiting_en}; {remaining} days were left. The deadline is not yet fixed: if the {answer_en} arrives on {}, E1 = {} ({answer_en} day + days left)",
            en_date(since),
            en_date(assumed),
            en_date(projected)
        ),
    )
}

pub(super) fn closed_days_step(
    cal: &BusinessCalendar,
    last_office: NaiveDate,
    next_office: NaiveDate,
) -> Bilingual {
    let mut ja = String::from("期間の末日は業務を行わない日に当たる：");
    let mut en = String::from("The last day falls on closed days: ");
    let mut day = add_days(last_office, 1);
    let mut first = true;
    while day < next_office {
        if let Some(reason) = cal.closed_reason(day) {
            let text = reason.text();
            if !first {
                ja.push('、');
                en.push_str(", ");
            }
            ja.push_str(&format!("{} {}", ja_date(day), text.ja));
            en.push_str(&format!("{} {}", en_date(day), text.en));
            first = false;
        }
        day = add_days(day, 1);
    }
    Bilingual::owned(ja, en)
}

pub(super) fn rollover_step(
    side: PeriodSide,
    rolls: bool,
    statutory: NaiveDate,
    last_office: NaiveDate,
) -> Bilingual {
    match (side, rolls) {
        (PeriodSide::Requester, _) => Bilingual::owned(
            format!(
                "行政機関に対する行為の期限が休日に当たるため、翌業務日{}を期限とみなす（行政機関の休日に関する法律第2条、地方自治法第4条の2第4項）",
                ja_date(statutory)
            ),
            format!(
                "A deadline for an act addressed to the authority that falls on a closed day moves to the next office day, {} (Act on Holidays of Administrative Organs Art. 2; Local Autonomy Act Art. 4-2(4))",
                en_date(statutory)
            ),
        ),
        (PeriodSide::Agency, true) => Bilingual::owned(
            format!(
                "運用設定（agency_deadline_rollover）により翌業務日{}を期限とする",
                ja_date(statutory)
            ),
            format!(
                "Operator setting agency_deadline_rollover: the deadline moves to the next office day, {}",
                en_date(statutory)
            ),
        ),
        (PeriodSide::Agency, false) => Bilingual::owned(
            format!(
                "決定期限は繰り延べない（行政機関の休日に関する法律第2条は行政機関に対する申請等の期限に限る）。実際には{}までに決定すること",
                ja_date(last_office)
            ),
            format!(
                "The decision deadline does not move (Art. 2 of the Act on Holidays of Administrative Organs covers only acts addressed to an authority); decide by {} in practice",
                en_date(last_office)
            ),
        ),
    }
}

pub(super) fn special_extension_step(
    dates: SpecialExtensionDates,
    basis: LegalBasis,
    part_decided: bool,
) -> Bilingual {
    match dates.part_due {
        Some(part_due) => Bilingual::owned(
            format!(
                "期限の特例（{}）：通知は{}まで、相当の部分は{}（R + 60）まで{}、残りの部分は{}までに決定",
                basis.ja,
                ja_date(dates.notice_due),
                ja_date(part_due),
                if part_decided {
                    "（決定済み）"
                } else {
                    ""
                },
                ja_date(dates.rest_due)
            ),
            format!(
                "Special time limit ({}): notice by {}, a considerable part by {} (R + 60){}, the remainder by {}",
                basis.en,
                en_date(dates.notice_due),
                en_date(part_due),
                if part_decided { " (decided)" } else { "" },
                en_date(dates.rest_due)
            ),
        ),
        None => Bilingual::owned(
            format!(
                "期限の特例（{}）：通知は{}まで、決定は全体について{}までに行う",
                basis.ja,
                ja_date(dates.notice_due),
                ja_date(dates.rest_due)
            ),
            format!(
                "Special time limit ({}): notice by {}, the whole decision by {}",
                basis.en,
                en_date(dates.notice_due),
                en_date(dates.rest_due)
            ),
        ),
    }
}

/// `waiting`: what a stopped clock waits for.
pub(super) fn status_step(
    today: NaiveDate,
    status: DeadlineStatus,
    waiting: Option<PauseReason>,
    due_soon: u32,
) -> Bilingual {
    let (ja, en) = match (status, waiting) {
        (DeadlineStatus::OnTime, _) => ("期限内", "on time"),
        (DeadlineStatus::DueSoon, _) => ("期限間近", "due soon"),
        (DeadlineStatus::Overdue, _) => ("期限超過", "overdue"),
        (DeadlineStatus::ClockStopped, Some(PauseReason::Payment)) => (
            "期限停止中（手数料の納付待ち）",
            "clock stopped (awaiting the fee)",
        ),
        (DeadlineStatus::ClockStopped, _) => (
            "期限停止中（補正待ち）",
            "clock stopped (awaiting a correction)",
        ),
    };
    Bilingual::owned(
        format!(
            "{}現在：{ja}（期限まで{due_soon}業務日以内を期限間近とする）",
            ja_date(today)
        ),
        format!(
            "As of {}: {en} (due soon = within {due_soon} office days)",
            en_date(today)
        ),
    )
}

fn weekday_ja(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "月",
        Weekday::Tue => "火",
        Weekday::Wed => "水",
        Weekday::Thu => "木",
        Weekday::Fri => "金",
        Weekday::Sat => "土",
        Weekday::Sun => "日",
    }
}

/// `2025-05-01（木）`.
pub fn ja_date(d: NaiveDate) -> String {
    format!("{}（{}）", d, weekday_ja(d))
}

/// `2025-05-01 (Thu)`.
pub fn en_date(d: NaiveDate) -> String {
    format!("{} ({})", d, d.weekday())
}
