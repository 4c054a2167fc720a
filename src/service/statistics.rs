//! Yearly statistics by Japanese fiscal year (April–March) or calendar year: the figures a
//! public body reports, as labelled rows that the page and the CSV both render.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};

use crate::db::statistics::{self as rows, Period};
use crate::db::{Db, DbError};
use crate::domain::grounds::WithholdingGround;
use crate::domain::regime::Regime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// 年度: 1 April to 31 March of the next year.
    Fiscal,
    Calendar,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Fiscal => "fiscal",
            Basis::Calendar => "calendar",
        }
    }

    /// The first and last day of `year` on this basis.
    pub fn days(self, year: i32) -> Option<(NaiveDate, NaiveDate)> {
        match self {
            Basis::Fiscal => Some((
                NaiveDate::from_ymd_opt(year, 4, 1)?,
                NaiveDate::from_ymd_opt(year + 1, 3, 31)?,
            )),
            Basis::Calendar => Some((
                NaiveDate::from_ymd_opt(year, 1, 1)?,
                NaiveDate::from_ymd_opt(year, 12, 31)?,
            )),
        }
    }

    /// The year `day` falls in on this basis (令和8年度 starts on 2026-04-01).
    pub fn year_of(self, day: NaiveDate) -> i32 {
        use chrono::Datelike;
        match self {
            Basis::Fiscal if day.month() < 4 => day.year() - 1,
            _ => day.year(),
        }
    }
}

/// One figure with its section and labels in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatRow {
    pub section: (&'static str, &'static str),
    pub item: (String, String),
    pub value: String,
}

/// Days from receipt to decision: count, mean (one decimal), median, maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DaysToDecision {
    pub count: usize,
    pub mean_tenths: i64,
    pub median_tenths: i64,
    pub max: i64,
}

/// From `(days, how many decisions took that long)` pairs, in any order.
pub fn days_to_decision(histogram: &[(i64, i64)]) -> DaysToDecision {
    let mut groups: Vec<(i64, i64)> = histogram.iter().copied().filter(|(_, n)| *n > 0).collect();
    groups.sort_unstable();
    let n: i64 = groups.iter().map(|(_, c)| c).sum();
    let Some(&(max, _)) = groups.last() else {
        return DaysToDecision::default();
    };
    let sum: i64 = groups.iter().map(|(d, c)| d * c).sum();
    // The value at 0-based position `i` of the sorted list the histogram stands for.
    let nth = |i: i64| {
        let mut seen = 0;
        for (d, c) in &groups {
            seen += c;
            if i < seen {
                return *d;
            }
        }
        max
    };
    let median_tenths = if n % 2 == 1 {
        nth(n / 2) * 10
    } else {
        (nth(n / 2 - 1) + nth(n / 2)) * 5
    };
    DaysToDecision {
        count: n as usize,
        mean_tenths: (sum * 10 + n / 2) / n,
        median_tenths,
        max,
    }
}

fn tenths(v: i64) -> String {
    format!("{}.{}", v / 10, v % 10)
}

fn period(first: NaiveDate, last: NaiveDate) -> Period {
    // JST midnight is 15:00 UTC the day before.
    let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or_default() - Duration::hours(9);
    Period {
        from: midnight(first),
        until: midnight(last + Duration::days(1)),
        first,
        last,
    }
}

/// Every figure of `year` on `basis`, as rows.
pub async fn figures(
    db: &Db,
    regime: Regime,
    basis: Basis,
    year: i32,
    today: NaiveDate,
) -> Result<Vec<StatRow>, DbError> {
    let Some((first, last)) = basis.days(year) else {
        return Ok(Vec::new());
    };
    let p = period(first, last);
    // Independent counts on separate reader connections: SQLite readers run side by side in WAL
    // mode, PostgreSQL serves each on its own backend.
    let (received, decided, timeliness, ended, extensions, corrections, fees) = tokio::try_join!(
        db.read(move |conn| rows::received(conn, p)),
        db.read(move |conn| rows::decision_groups(conn, p)),
        db.read(move |conn| rows::timeliness(conn, p)),
        db.read(move |conn| rows::entered_states(conn, p)),
        db.read(move |conn| rows::extensions(conn, p)),
        db.read(move |conn| rows::corrections(conn, p)),
        db.read(move |conn| rows::fee_movements(conn, p)),
    )?;
    let count = |list: &[(String, i64)], key: &str| {
        list.iter()
            .find(|(k, _)| k == key)
            .map_or(0, |(_, n)| *n)
            .to_string()
    };
    let mut out = Vec::new();
    let mut push = |section: (&'static str, &'static str), ja: &str, en: &str, value: String| {
        out.push(StatRow {
            section,
            item: (ja.to_string(), en.to_string()),
            value,
        });
    };
    // The regime's table says which kinds, outcomes and procedures exist: no row for what the
    // law does not have (docs/regimes.md §9.3).
    let rules = regime.rules();
    const RECEIVED: (&str, &str) = ("請求の受付件数", "Requests received");
    for kind in rules.kinds.iter().map(|k| k.kind) {
        push(
            RECEIVED,
            kind.label_ja(),
            kind.label_en(),
            count(&received, kind.as_str()),
        );
    }
    let total: i64 = received.iter().map(|(_, n)| n).sum();
    push(RECEIVED, "合計", "Total", total.to_string());

    const OUTCOMES: (&str, &str) = ("決定の件数", "Decisions");
    let mut by_outcome: HashMap<&str, i64> = HashMap::new();
    for d in &decided {
        *by_outcome.entry(d.outcome.as_str()).or_default() += d.count;
    }
    for outcome in rules.outcomes() {
        push(
            OUTCOMES,
            outcome.label_ja(regime),
            outcome.label_en(),
            by_outcome
                .get(outcome.as_str())
                .copied()
                .unwrap_or(0)
                .to_string(),
        );
    }
    let art84 = rules.kinds.iter().filter_map(|k| k.special).find(|s| {
        matches!(
            s.effect,
            crate::domain::regime_rules::SpecialEffect::PartThenRemainder { .. }
        )
    });
    if let Some(art84) = art84 {
        let parts: i64 = decided
            .iter()
            .filter(|d| d.scope == crate::domain::lifecycle::DecisionScope::Part.as_str())
            .map(|d| d.count)
            .sum();
        push(
            OUTCOMES,
            &format!("うち{}による相当の部分の決定", art84.basis.ja),
            &format!(
                "of which decisions on a considerable part ({})",
                art84.basis.en
            ),
            parts.to_string(),
        );
    }
    let mut ends = vec![
        ("withdrawn", "取下げ", "Withdrawn"),
        ("dismissed", "却下", "Dismissed"),
    ];
    if rules.transfers() {
        ends.push(("transferred", "移送", "Transferred"));
    }
    for (state, ja, en) in ends {
        push(OUTCOMES, ja, en, count(&ended, state));
    }

    const GROUNDS: (&str, &str) = (
        "不開示の理由（根拠条項別・1件で複数の条項を挙げたものは各条項に計上）",
        "Grounds for withholding (by provision; a decision citing several counts under each)",
    );
    let mut by_ground: HashMap<WithholdingGround, i64> = HashMap::new();
    for d in &decided {
        // A stored code this version does not know is left out rather than failing the page.
        for g in WithholdingGround::split(&d.grounds).unwrap_or_default() {
            *by_ground.entry(g).or_default() += d.count;
        }
    }
    for g in WithholdingGround::allowed(regime) {
        push(
            GROUNDS,
            g.label_ja(),
            g.label_en(),
            by_ground.get(g).copied().unwrap_or(0).to_string(),
        );
    }

    const TIMING: (&str, &str) = ("決定までの日数（暦日）", "Days to decision (calendar days)");
    let days = days_to_decision(
        &decided
            .iter()
            .filter_map(|d| Some((i64::from(d.days_to_decision?), d.count)))
            .collect::<Vec<_>>(),
    );
    push(TIMING, "平均", "Mean", tenths(days.mean_tenths));
    push(TIMING, "中央値", "Median", tenths(days.median_tenths));
    push(TIMING, "最長", "Longest", days.max.to_string());
    let total: i64 = decided.iter().map(|d| d.count).sum();
    let on_time = OnTime::of(total, timeliness);
    push(
        TIMING,
        "期限内に決定",
        "Decided within the deadline",
        on_time.within.to_string(),
    );
    push(
        TIMING,
        "期限を過ぎて決定",
        "Decided after the deadline",
        on_time.late.to_string(),
    );
    push(
        TIMING,
        "期限の定めのないもの",
        "No fixed period",
        on_time.no_period.to_string(),
    );
    if rules.kinds.iter().any(|k| k.extension.is_some()) {
        push(
            TIMING,
            "期限の延長",
            "Extensions",
            count(&extensions, "extend_deadline"),
        );
    }
    let mut special_ja: Vec<&str> = Vec::new();
    let mut special_en: Vec<&str> = Vec::new();
    for s in rules.kinds.iter().filter_map(|k| k.special) {
        if !special_ja.contains(&s.basis.ja) {
            special_ja.push(s.basis.ja);
            special_en.push(s.basis.en);
        }
    }
    if !special_ja.is_empty() {
        push(
            TIMING,
            &format!("期限の特例（{}）", special_ja.join("・")),
            &format!("Special time limits ({})", special_en.join(", ")),
            count(&extensions, "apply_special_extension"),
        );
    }

    const CORRECTIONS: (&str, &str) = ("補正", "Requests for correction (補正)");
    let stopped_days: i64 = corrections
        .iter()
        .map(|(from, until)| {
            (until.unwrap_or(today).min(today) - *from)
                .num_days()
                .max(0)
        })
        .sum();
    push(
        CORRECTIONS,
        "補正を求めた件数",
        "Requests made",
        corrections.len().to_string(),
    );
    push(
        CORRECTIONS,
        "期限が停止した日数の合計",
        "Days the clock stood still, in all",
        stopped_days.to_string(),
    );

    const FEES: (&str, &str) = ("手数料（円）", "Fees (yen)");
    let sum_of = |entry: &str| -> i64 {
        fees.iter()
            .filter(|(e, _)| e == entry)
            .map(|(_, a)| a)
            .sum()
    };
    // Each net of its reversals (entries recorded in error), as the case ledgers count them.
    let net = |entry: &str| sum_of(entry) - sum_of(&format!("reversal_{entry}"));
    let (paid, refunded, waived) = (net("payment"), net("refund"), net("waiver"));
    push(FEES, "収納額", "Received", paid.to_string());
    push(FEES, "還付額", "Refunded", refunded.to_string());
    push(FEES, "差引", "Net", (paid - refunded).to_string());
    push(FEES, "減免額", "Waived", waived.to_string());
    Ok(out)
}

/// Decisions issued by their deadline, after it, or with no fixed period (a private operator's
/// "遅滞なく").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OnTime {
    pub within: i64,
    pub late: i64,
    pub no_period: i64,
}

impl OnTime {
    /// From the count of decisions, those issued by their deadline and those with none.
    pub fn of(total: i64, (within, no_period): (i64, i64)) -> OnTime {
        OnTime {
            within,
            late: total - within - no_period,
            no_period,
        }
    }
}

/// The rows as CSV for Excel: UTF-8 with a byte-order mark, CRLF line ends, quoted fields.
pub fn to_csv(rows: &[StatRow]) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut out = String::from("\u{feff}区分,項目,Section,Item,値/Value\r\n");
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{}\r\n",
            quote(r.section.0),
            quote(&r.item.0),
            quote(r.section.1),
            quote(&r.item.1),
            quote(&r.value)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fiscal_years_run_from_april_to_march() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(Basis::Fiscal.year_of(d(2027, 3, 31)), 2026);
        assert_eq!(Basis::Fiscal.year_of(d(2026, 4, 1)), 2026);
        assert_eq!(
            Basis::Fiscal.days(2026),
            Some((d(2026, 4, 1), d(2027, 3, 31)))
        );
        assert_eq!(Basis::Calendar.year_of(d(2027, 3, 31)), 2027);
    }

    #[test]
    fn days_to_decision_by_hand() {
        assert_eq!(days_to_decision(&[]), DaysToDecision::default());
        let d = days_to_decision(&[(10, 1), (3, 1), (30, 1), (7, 1)]);
        assert_eq!(
            (d.count, d.mean_tenths, d.median_tenths, d.max),
            (4, 125, 85, 30)
        );
    }

    #[test]
    fn csv_starts_with_a_bom_and_quotes_fields() {
        let csv = to_csv(&[StatRow {
            section: ("手数料（円）", "Fees (yen)"),
            item: ("収納額".into(), "Received, \"all\"".into()),
            value: "300".into(),
        }]);
        assert!(csv.starts_with('\u{feff}'));
        assert!(csv.ends_with("\"Received, \"\"all\"\"\",\"300\"\r\n"));
    }

    proptest! {
        #[test]
        fn the_histogram_gives_the_figures_of_the_list_it_counts(
            mut days in proptest::collection::vec(0i64..60, 1..80)
        ) {
            let mut histogram: HashMap<i64, i64> = HashMap::new();
            for d in &days {
                *histogram.entry(*d).or_default() += 1;
            }
            let d = days_to_decision(&histogram.into_iter().collect::<Vec<_>>());
            days.sort_unstable();
            let n = days.len();
            let median_tenths = if n % 2 == 1 { days[n / 2] * 10 } else { (days[n / 2 - 1] + days[n / 2]) * 5 };
            let sum: i64 = days.iter().sum();
            prop_assert_eq!(d.count, n);
            prop_assert_eq!(d.median_tenths, median_tenths);
            prop_assert_eq!(d.mean_tenths, (sum * 10 + n as i64 / 2) / n as i64);
            prop_assert_eq!(d.max, days[n - 1]);
        }
    }
}
