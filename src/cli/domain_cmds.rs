//! Command-line access to the domain rules, for operators and for checking:
//! `calendar holidays`, `deadline`, `fee quote`. Every `run_*` function returns the text to print
//! (no trailing newline: print it with `println!`) or a [`DomainCliError`] whose `Display` is a
//! one-line message; callers exit with status 2 on error, as clap does for parse errors.

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Utc};
use clap::{Args, Subcommand};
use serde::Serialize;

use crate::domain::deadline::{
    self, Clock, DeadlineError, DeadlineStatus, Pause, Period, PeriodSide, SpecialExtensionDates,
};
use crate::domain::delivery::DeliveryMethod;
use crate::domain::explain::LegalBasis;
use crate::domain::fees::{Colour, FeeError, PageCount, PaperSize, Quote, QuoteRequest};
use crate::domain::holidays::{JapaneseHolidays, SUPPORTED_YEARS};
use crate::domain::kind::RequestKind;
use crate::domain::lifecycle::{CaseFacts, Entry};
use crate::domain::profile::ProfileName;
use crate::domain::state::PauseReason;
use crate::domain::text::Bilingual;

/// The domain subcommands; flatten into the top-level command with `#[command(flatten)]`.
#[derive(Debug, Clone, Subcommand)]
pub enum DomainCommand {
    /// Japanese holidays (休日 under the holiday law).
    Calendar(CalendarArgs),
    /// Compute a deadline with its explanation (JSON).
    Deadline(DeadlineArgs),
    /// Fees: quote what a request costs (JSON).
    Fee(FeeArgs),
}

#[derive(Debug, Clone, Args)]
pub struct CalendarArgs {
    #[command(subcommand)]
    pub command: CalendarCommand,
}

#[derive(Debug, Clone, Subcommand)]
pub enum CalendarCommand {
    /// Print every 休日 as `YYYY-MM-DD<TAB>name`, as in the Cabinet Office CSV.
    Holidays(HolidaysArgs),
}

#[derive(Debug, Clone, Args)]
pub struct HolidaysArgs {
    /// First year (1980-2099).
    #[arg(long, value_name = "YEAR")]
    pub from: i32,
    /// Last year (1980-2099); years after 2027 are provisional projections.
    #[arg(long, value_name = "YEAR")]
    pub to: i32,
}

#[derive(Debug, Clone, Args)]
pub struct DeadlineArgs {
    /// Arrival instant, RFC 3339 (e.g. 2025-04-01T09:30:00+09:00); its Tokyo date is day R.
    #[arg(long, value_name = "RFC3339", value_parser = parse_instant)]
    pub received: DateTime<Utc>,
    /// Operator profile.
    #[arg(long, value_name = "NAME", default_value = "national", value_parser = parse_profile)]
    pub profile: ProfileName,
    /// Override the period in calendar days.
    #[arg(long, value_name = "DAYS", conflicts_with = "business_days")]
    pub period: Option<u32>,
    /// Count the receipt day as day 1 (「起算して」/「含めて」 rules).
    #[arg(long)]
    pub first_day_counted: bool,
    /// A deadline of N office days instead of calendar days.
    #[arg(long, value_name = "N")]
    pub business_days: Option<u32>,
    /// One pause FROM..TO (request date..answer date); FROM.. while still open; a 補正 pause, or a
    /// wait for the fee when prefixed `payment:`. Repeatable.
    #[arg(long = "pause", value_name = "[payment:]FROM..TO", value_parser = parse_pause)]
    pub pauses: Vec<Pause>,
    /// Extension in days (at most the profile's maximum).
    #[arg(long, value_name = "DAYS", default_value_t = 0)]
    pub extend: u32,
    /// Art. 84 special extension: the date stated for the remainder.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub special_extension: Option<NaiveDate>,
    /// Compute a requester-side period (moves off closed days).
    #[arg(long)]
    pub requester_side: bool,
    /// Move an agency deadline that falls on a closed day to the next office day.
    #[arg(long)]
    pub agency_deadline_rollover: bool,
    /// An operator closure day. Repeatable.
    #[arg(long = "closed", value_name = "DATE", value_parser = parse_date)]
    pub closed: Vec<NaiveDate>,
    /// The day for the status (on_time / due_soon / overdue / clock_stopped).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub today: Option<NaiveDate>,
}

#[derive(Debug, Clone, Args)]
pub struct FeeArgs {
    #[command(subcommand)]
    pub command: FeeCommand,
}

#[derive(Debug, Clone, Subcommand)]
pub enum FeeCommand {
    /// Quote the fee for a request (itemised, integer yen).
    Quote(FeeQuoteArgs),
}

#[derive(Debug, Clone, Args)]
pub struct FeeQuoteArgs {
    #[arg(long, value_name = "NAME", default_value = "national", value_parser = parse_profile)]
    pub profile: ProfileName,
    /// purpose-notice, disclosure, provision-records, correction, suspension, third-party-stop,
    /// provision-stop (次世代医療基盤法).
    #[arg(long, value_name = "KIND", value_parser = parse_kind)]
    pub kind: RequestKind,
    /// A4 black-and-white pages.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub pages: u32,
    /// Optical discs.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub discs: u32,
    /// The request is made online.
    #[arg(long)]
    pub online: bool,
    /// Receipt date selecting the schedule (default: today in Tokyo).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    /// electronic-download, paper-by-post, disc-by-post, counter (default: from --discs/--pages).
    #[arg(long, value_name = "METHOD", value_parser = parse_delivery)]
    pub delivery: Option<DeliveryMethod>,
}

/// A command that could not run. Exit with status 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainCliError {
    #[error("years must be within {}..={} with --from not after --to (got {from}..{to})", SUPPORTED_YEARS.start(), SUPPORTED_YEARS.end())]
    YearRange { from: i32, to: i32 },
    #[error("--first-day-counted needs --period: profile `{0}` counts office days")]
    FirstDayNeedsPeriod(ProfileName),
    #[error("{0}")]
    Deadline(#[from] DeadlineError),
    #[error("profile `{profile}` does not offer `{kind}` requests (offered: {offered})")]
    KindNotOffered {
        profile: ProfileName,
        kind: RequestKind,
        offered: String,
    },
    #[error("{0}")]
    Fee(#[from] FeeError),
    #[error("could not write JSON: {0}")]
    Json(String),
}

impl DomainCliError {
    /// The process exit status for this error.
    pub fn exit_code(&self) -> i32 {
        2
    }
}

/// Runs one domain command and returns its output.
pub fn run(cmd: DomainCommand) -> Result<String, DomainCliError> {
    match cmd {
        DomainCommand::Calendar(CalendarArgs {
            command: CalendarCommand::Holidays(args),
        }) => run_holidays(&args),
        DomainCommand::Deadline(args) => run_deadline(&args),
        DomainCommand::Fee(FeeArgs {
            command: FeeCommand::Quote(args),
        }) => run_fee_quote(&args, today_in_tokyo()),
    }
}

/// `calendar holidays`: one line per 休日.
pub fn run_holidays(args: &HolidaysArgs) -> Result<String, DomainCliError> {
    if args.from > args.to
        || !SUPPORTED_YEARS.contains(&args.from)
        || !SUPPORTED_YEARS.contains(&args.to)
    {
        return Err(DomainCliError::YearRange {
            from: args.from,
            to: args.to,
        });
    }
    let lines: Vec<String> = JapaneseHolidays::default()
        .list(args.from, args.to)
        .into_iter()
        .map(|h| format!("{}\t{}", h.date, h.name))
        .collect();
    Ok(lines.join("\n"))
}

#[derive(Serialize)]
struct DeadlineOutput {
    profile: ProfileName,
    legal_basis: LegalBasis,
    received_at: DateTime<FixedOffset>,
    received_date: NaiveDate,
    period: Period,
    side: PeriodSide,
    base_last_day: NaiveDate,
    paused_days: i64,
    unextended_last_day: NaiveDate,
    extension_days: u32,
    statutory_last_day: NaiveDate,
    last_office_day: NaiveDate,
    next_office_day: NaiveDate,
    ends_at: DateTime<FixedOffset>,
    extension_notice_due: Option<NaiveDate>,
    special_extension: Option<SpecialExtensionDates>,
    clock: Clock,
    status: Option<DeadlineStatus>,
    provisional: bool,
    explanation: Vec<Bilingual>,
}

/// Asia/Tokyo, UTC+9 (no daylight saving).
fn jst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).unwrap_or_else(|| Utc.fix())
}

/// `deadline`: JSON with the dates, status and explanation.
pub fn run_deadline(args: &DeadlineArgs) -> Result<String, DomainCliError> {
    let profile = args.profile.profile();
    let period = match (args.business_days, args.period, profile.decision_period) {
        (Some(days), _, _) => Period::OfficeDays { days },
        (None, Some(days), _) => Period::CalendarDays {
            days,
            first_day_counted: args.first_day_counted,
        },
        (
            None,
            None,
            Period::CalendarDays {
                days,
                first_day_counted,
            },
        ) => Period::CalendarDays {
            days,
            first_day_counted: first_day_counted || args.first_day_counted,
        },
        (None, None, Period::OfficeDays { .. }) if args.first_day_counted => {
            return Err(DomainCliError::FirstDayNeedsPeriod(profile.name));
        }
        (None, None, office) => office,
    };
    let calendar = profile.calendar(args.closed.iter().copied());
    // A disclosure case as the arguments describe it: the request reads its extensions from it.
    let mut facts = CaseFacts::new(
        RequestKind::Disclosure,
        profile.regime,
        Entry::StaffEntered,
        profile.max_extension_days,
        profile.payment_wait_stops_clock,
    )
    .map_err(|_| DomainCliError::KindNotOffered {
        profile: profile.name,
        kind: RequestKind::Disclosure,
        offered: String::new(),
    })?;
    facts.extension_days = Some(args.extend);
    facts.special_extension_rest_by = args.special_extension;
    let mut request =
        profile.decision_deadline_request(&facts, args.received, &args.pauses, args.today);
    request.period = period;
    request.agency_deadline_rollover |= args.agency_deadline_rollover;
    if args.requester_side {
        request.side = PeriodSide::Requester;
    }
    let (d, explanation) = deadline::compute_deadline_explained(&request, &calendar)?;
    let output = DeadlineOutput {
        profile: profile.name,
        legal_basis: request.basis,
        received_at: args.received.with_timezone(&jst()),
        received_date: d.received_date,
        period,
        side: request.side,
        base_last_day: d.base_last_day,
        paused_days: d.paused_days,
        unextended_last_day: d.unextended_last_day,
        extension_days: d.extension_days,
        statutory_last_day: d.statutory_last_day,
        last_office_day: d.last_office_day,
        next_office_day: d.next_office_day,
        ends_at: d.ends_at.with_timezone(&jst()),
        extension_notice_due: d.extension_notice_due,
        special_extension: d.special_extension,
        clock: d.clock,
        status: d.status,
        provisional: d.provisional,
        explanation: explanation.steps,
    };
    to_json(&output)
}

#[derive(Serialize)]
struct FeeQuoteOutput {
    profile: ProfileName,
    date: NaiveDate,
    delivery: DeliveryMethod,
    online: bool,
    #[serde(flatten)]
    quote: Quote,
}

/// `fee quote`: JSON with the itemised lines and `total_yen`. `today` is used when no `--date`.
pub fn run_fee_quote(args: &FeeQuoteArgs, today: NaiveDate) -> Result<String, DomainCliError> {
    let profile = args.profile.profile();
    if !profile.offers(args.kind) {
        let offered: Vec<&str> = profile.kinds_offered.iter().map(|k| k.as_str()).collect();
        return Err(DomainCliError::KindNotOffered {
            profile: profile.name,
            kind: args.kind,
            offered: offered.join(", "),
        });
    }
    let delivery = args.delivery.unwrap_or(if args.discs > 0 {
        DeliveryMethod::DiscByPost
    } else if args.pages > 0 {
        DeliveryMethod::PaperByPost
    } else {
        DeliveryMethod::ElectronicDownload
    });
    let date = args.date.unwrap_or(today);
    let pages = if args.pages > 0 {
        vec![PageCount {
            size: PaperSize::A4,
            colour: Colour::Mono,
            pages: args.pages,
        }]
    } else {
        Vec::new()
    };
    let quote = profile.quote(&QuoteRequest {
        kind: args.kind,
        delivery,
        pages,
        discs: args.discs,
        online: args.online,
        date,
        postage: None,
    })?;
    to_json(&FeeQuoteOutput {
        profile: profile.name,
        date,
        delivery,
        online: args.online,
        quote,
    })
}

fn to_json(value: &impl Serialize) -> Result<String, DomainCliError> {
    serde_json::to_string_pretty(value).map_err(|e| DomainCliError::Json(e.to_string()))
}

/// The command line is not the domain: it may read the clock, for the default `--date` only.
fn today_in_tokyo() -> NaiveDate {
    deadline::jst_date(Utc::now())
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date of the form YYYY-MM-DD"))
}

fn parse_instant(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("`{s}` is not an RFC 3339 instant such as 2025-04-01T09:30:00+09:00"))
}

fn parse_pause(s: &str) -> Result<Pause, String> {
    let (reason, dates) = match s.trim().strip_prefix("payment:") {
        Some(dates) => (PauseReason::Payment, dates),
        None => (PauseReason::Correction, s),
    };
    let Some((from, until)) = dates.split_once("..") else {
        return Err(format!(
            "`{s}` is not a pause of the form FROM..TO (or FROM.. while open, payment:FROM..TO for a wait for the fee)"
        ));
    };
    let from = parse_date(from)?;
    let until = if until.trim().is_empty() {
        None
    } else {
        Some(parse_date(until)?)
    };
    if let Some(until) = until
        && until < from
    {
        return Err(format!("pause `{s}` ends before it starts"));
    }
    Ok(Pause {
        from,
        until,
        reason,
    })
}

fn parse_profile(s: &str) -> Result<ProfileName, String> {
    s.parse()
        .map_err(|e: crate::domain::names::UnknownName| e.to_string())
}

fn parse_kind(s: &str) -> Result<RequestKind, String> {
    s.parse()
        .map_err(|e: crate::domain::names::UnknownName| e.to_string())
}

fn parse_delivery(s: &str) -> Result<DeliveryMethod, String> {
    s.parse()
        .map_err(|e: crate::domain::names::UnknownName| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    const GOLDEN_DEADLINE: &str = r#"{
  "profile": "national",
  "legal_basis": {
    "ja": "個人情報保護法第83条",
    "en": "APPI Art. 83"
  },
  "received_at": "2025-04-04T12:00:00+09:00",
  "received_date": "2025-04-04",
  "period": {
    "unit": "calendar_days",
    "days": 30,
    "first_day_counted": false
  },
  "side": "agency",
  "base_last_day": "2025-05-04",
  "paused_days": 0,
  "unextended_last_day": "2025-05-04",
  "extension_days": 0,
  "statutory_last_day": "2025-05-04",
  "last_office_day": "2025-05-02",
  "next_office_day": "2025-05-07",
  "ends_at": "2025-05-05T00:00:00+09:00",
  "extension_notice_due": "2025-05-02",
  "special_extension": null,
  "clock": {
    "state": "running"
  },
  "status": "due_soon",
  "provisional": false,
  "explanation": [
    {
      "ja": "受付日時 2025-04-04 12:00:00（日本時間）→ 受付日 R = 2025-04-04（金）（個人情報保護法第83条）",
      "en": "Received at 2025-04-04 12:00:00 JST (Asia/Tokyo, never the UTC date) → receipt date R = 2025-04-04 (Fri) (APPI Art. 83)"
    },
    {
      "ja": "初日不算入（民法第140条）：受付日の翌日から起算して30日 → E0 = R + 30 = 2025-05-04（日）",
      "en": "First day not counted (Civil Code Art. 140): 30 days from the day after R → E0 = R + 30 = 2025-05-04 (Sun)"
    },
    {
      "ja": "期間の末日は業務を行わない日に当たる：2025-05-03（土） 休日（憲法記念日）、2025-05-04（日） 休日（みどりの日）、2025-05-05（月） 休日（こどもの日）、2025-05-06（火） 休日",
      "en": "The last day falls on closed days: 2025-05-03 (Sat) public holiday (憲法記念日), 2025-05-04 (Sun) public holiday (みどりの日), 2025-05-05 (Mon) public holiday (こどもの日), 2025-05-06 (Tue) public holiday (substitute or in-between day)"
    },
    {
      "ja": "決定期限は繰り延べない（行政機関の休日に関する法律第2条は行政機関に対する申請等の期限に限る）。実際には2025-05-02（金）までに決定すること",
      "en": "The decision deadline does not move (Art. 2 of the Act on Holidays of Administrative Organs covers only acts addressed to an authority); decide by 2025-05-02 (Fri) in practice"
    },
    {
      "ja": "期限：2025-05-04（日）の24時（日本時間）まで（民法第141条）。実際に対応すべき最終業務日は2025-05-02（金）。",
      "en": "Deadline: until 24:00 JST on 2025-05-04 (Sun) (Civil Code Art. 141). Last office day to act: 2025-05-02 (Fri)."
    },
    {
      "ja": "2025-04-28（月）現在：期限間近（期限まで5業務日以内を期限間近とする）",
      "en": "As of 2025-04-28 (Mon): due soon (due soon = within 5 office days)"
    }
  ]
}"#;

    const GOLDEN_FEE: &str = r#"{
  "profile": "jmimo",
  "date": "2025-06-02",
  "delivery": "disc_by_post",
  "online": false,
  "kind": "disclosure",
  "schedule_effective_from": "2024-04-01",
  "lines": [
    {
      "item": "request_fee",
      "label": {
        "ja": "手数料",
        "en": "Request fee"
      },
      "unit_yen": 4000,
      "quantity": 1,
      "amount_yen": 4000
    },
    {
      "item": "copy_pages",
      "label": {
        "ja": "写し（A4・白黒）",
        "en": "Copies (A4, black and white)"
      },
      "unit_yen": 50,
      "quantity": 12,
      "amount_yen": 600
    },
    {
      "item": "disc",
      "label": {
        "ja": "光ディスク（CD-R等）",
        "en": "Optical disc (CD-R etc.)"
      },
      "unit_yen": 1500,
      "quantity": 1,
      "amount_yen": 1500
    }
  ],
  "total_yen": 6100,
  "notes": []
}"#;

    #[derive(Debug, Parser)]
    #[command(name = "madoguchi")]
    struct TestCli {
        #[command(subcommand)]
        command: DomainCommand,
    }

    fn run_args(args: &[&str]) -> Result<String, DomainCliError> {
        let mut argv = vec!["madoguchi"];
        argv.extend_from_slice(args);
        run(TestCli::try_parse_from(argv)
            .expect("arguments parse")
            .command)
    }

    fn parse_error(args: &[&str]) -> String {
        let mut argv = vec!["madoguchi"];
        argv.extend_from_slice(args);
        let err = TestCli::try_parse_from(argv).expect_err("arguments should be rejected");
        assert_eq!(err.exit_code(), 2);
        err.to_string()
    }

    #[test]
    fn holidays_of_2019() {
        let out = run_args(&["calendar", "holidays", "--from", "2019", "--to", "2019"]).unwrap();
        let expected = "2019-01-01\t元日
2019-01-14\t成人の日
2019-02-11\t建国記念の日
2019-03-21\t春分の日
2019-04-29\t昭和の日
2019-04-30\t休日
2019-05-01\t休日（祝日扱い）
2019-05-02\t休日
2019-05-03\t憲法記念日
2019-05-04\tみどりの日
2019-05-05\tこどもの日
2019-05-06\t休日
2019-07-15\t海の日
2019-08-11\t山の日
2019-08-12\t休日
2019-09-16\t敬老の日
2019-09-23\t秋分の日
2019-10-14\t体育の日（スポーツの日）
2019-10-22\t休日（祝日扱い）
2019-11-03\t文化の日
2019-11-04\t休日
2019-11-23\t勤労感謝の日";
        assert_eq!(out, expected);
        let err =
            run_args(&["calendar", "holidays", "--from", "2020", "--to", "2019"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "years must be within 1980..=2099 with --from not after --to (got 2020..2019)"
        );
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn deadline_json_for_golden_week() {
        let out = run_args(&[
            "deadline",
            "--received",
            "2025-04-04T03:00:00Z",
            "--profile",
            "national",
            "--today",
            "2025-04-28",
        ])
        .unwrap();
        assert_eq!(out, GOLDEN_DEADLINE);
    }

    #[test]
    fn a_pause_on_the_command_line_says_what_it_waits_for() {
        let out = run_args(&[
            "deadline",
            "--received",
            "2025-06-02T09:00:00+09:00",
            "--pause",
            "payment:2025-06-10..2025-06-16",
            "--pause",
            "2025-06-20..",
            "--today",
            "2025-06-25",
        ])
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["clock"]["reason"], "correction", "{out}");
        assert!(out.contains("停止期間1（手数料の納付を待つ間）"), "{out}");
        assert_eq!(
            parse_pause("payment:2025-06-10").unwrap_err(),
            "`payment:2025-06-10` is not a pause of the form FROM..TO (or FROM.. while open, payment:FROM..TO for a wait for the fee)"
        );
    }

    #[test]
    fn deadline_with_pauses_extension_and_overrides() {
        let out = run_args(&[
            "deadline",
            "--received",
            "2025-06-02T09:00:00+09:00",
            "--pause",
            "2025-06-10..2025-06-16",
            "--pause",
            "2025-06-20..2025-06-23",
            "--extend",
            "10",
        ])
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["unextended_last_day"], "2025-07-11");
        assert_eq!(v["statutory_last_day"], "2025-07-21");
        assert_eq!(v["last_office_day"], "2025-07-18");
        assert_eq!(v["next_office_day"], "2025-07-22");
        assert_eq!(v["extension_notice_due"], "2025-07-11");
        assert_eq!(v["status"], serde_json::Value::Null);

        let out = run_args(&[
            "deadline",
            "--received",
            "2024-01-31T09:00:00+09:00",
            "--period",
            "30",
            "--first-day-counted",
        ])
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["statutory_last_day"], "2024-02-29");

        let out = run_args(&[
            "deadline",
            "--received",
            "2025-04-25T09:00:00+09:00",
            "--profile",
            "private",
            "--business-days",
            "10",
            "--today",
            "2025-05-12",
        ])
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["statutory_last_day"], "2025-05-14");
        assert_eq!(v["status"], "due_soon");
        assert_eq!(v["extension_notice_due"], serde_json::Value::Null);
    }

    #[test]
    fn bad_deadline_arguments_are_explained() {
        let msg = parse_error(&[
            "deadline",
            "--received",
            "2025-04-01T09:00:00+09:00",
            "--profile",
            "tokyo",
        ]);
        assert!(msg.contains("unknown profile `tokyo` (expected one of: national, private, jmimo, kanagawa, fukushima)"), "{msg}");
        let msg = parse_error(&[
            "deadline",
            "--received",
            "2025-04-01T09:00:00+09:00",
            "--pause",
            "2025-04-10..2025-04-05",
        ]);
        assert!(msg.contains("ends before it starts"), "{msg}");
        let msg = parse_error(&["deadline", "--received", "2025-04-01"]);
        assert!(msg.contains("not an RFC 3339 instant"), "{msg}");
        let msg = parse_error(&[
            "deadline",
            "--received",
            "2025-04-01T09:00:00Z",
            "--today",
            "2025-13-01",
        ]);
        assert!(msg.contains("not a date of the form YYYY-MM-DD"), "{msg}");
        let err = run_args(&[
            "deadline",
            "--received",
            "2025-04-01T09:00:00+09:00",
            "--extend",
            "31",
        ])
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "an extension of 31 days exceeds this profile's maximum of 30 days"
        );
        let err = run_args(&[
            "deadline",
            "--received",
            "2025-04-01T09:00:00+09:00",
            "--profile",
            "private",
            "--extend",
            "5",
        ])
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "an extension of 5 days exceeds this profile's maximum of 0 days"
        );
        let err = run_args(&[
            "deadline",
            "--received",
            "2025-04-01T09:00:00+09:00",
            "--profile",
            "jmimo",
            "--first-day-counted",
        ])
        .unwrap_err();
        assert_eq!(err, DomainCliError::FirstDayNeedsPeriod(ProfileName::Jmimo));
    }

    #[test]
    fn fee_quote_for_jmimo() {
        let out = run_args(&[
            "fee",
            "quote",
            "--profile",
            "jmimo",
            "--kind",
            "disclosure",
            "--pages",
            "12",
            "--discs",
            "1",
            "--date",
            "2025-06-02",
        ])
        .unwrap();
        assert_eq!(out, GOLDEN_FEE);
        let out = run_args(&[
            "fee",
            "quote",
            "--profile",
            "jmimo",
            "--kind",
            "provision-stop",
            "--date",
            "2025-06-02",
        ])
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["total_yen"], 0);
        let out = run_args(&[
            "fee",
            "quote",
            "--profile",
            "national",
            "--kind",
            "disclosure",
            "--online",
            "--date",
            "2025-06-02",
        ])
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["total_yen"], 200);
        let err = run_args(&[
            "fee",
            "quote",
            "--profile",
            "national",
            "--kind",
            "purpose-notice",
            "--date",
            "2025-06-02",
        ])
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "profile `national` does not offer `purpose_notice` requests (offered: disclosure, correction, suspension)"
        );
        let msg = parse_error(&["fee", "quote", "--kind", "refund"]);
        assert!(msg.contains("unknown request kind `refund`"), "{msg}");
    }
}
