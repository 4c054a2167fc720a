//! Yearly statistics against a seeded set, with every figure recomputed here from the tables.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use madoguchi::db::schema::{case_events, cases, decisions};
use madoguchi::domain::role::Role;

use crate::helpers::World;
use crate::portal::spawn_portal;

fn jst(at: NaiveDateTime) -> NaiveDate {
    (at + Duration::hours(9)).date()
}

/// The CSV as (Japanese section, Japanese item) → value.
pub fn parse(csv: &str) -> HashMap<(String, String), String> {
    csv.lines()
        .skip(1)
        .map(|line| {
            let fields: Vec<String> = line
                .trim_end_matches('\r')
                .split("\",\"")
                .map(|f| f.trim_matches('"').to_string())
                .collect();
            ((fields[0].clone(), fields[1].clone()), fields[4].clone())
        })
        .collect()
}

/// The content type and body of a download.
pub async fn download(
    app: &crate::helpers::TestApp,
    client: &reqwest::Client,
    path: &str,
) -> (String, String) {
    let response = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (kind, response.text().await.unwrap())
}

#[tokio::test]
async fn yearly_figures_match_an_independent_count() {
    let world = World::new();
    let db = crate::helpers::seeded(&world, 500);
    let profile = madoguchi::domain::profile::ProfileName::National.profile();
    let app = spawn_portal(&world, "national").await;
    let boss = app.staff(Role::Approver, "boss@example.jp").await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    assert_eq!(
        app.get_with(&clerk.client, "/staff/statistics")
            .await
            .status,
        403
    );

    let today = madoguchi::domain::deadline::jst_date(chrono::Utc::now());
    let fiscal_year = if today.month() < 4 {
        today.year() - 1
    } else {
        today.year()
    };
    let first = NaiveDate::from_ymd_opt(fiscal_year, 4, 1).unwrap();
    let last = NaiveDate::from_ymd_opt(fiscal_year + 1, 3, 31).unwrap();
    let within = |d: NaiveDate| first <= d && d <= last;

    let response = download(
        &app,
        &boss.client,
        &format!("/staff/statistics.csv?basis=fiscal&year={fiscal_year}"),
    )
    .await;
    assert!(response.0.starts_with("text/csv"));
    let csv = response.1;
    assert!(csv.starts_with('\u{feff}'), "BOM for Excel");
    let figures = parse(&csv);
    let figure = |section: &str, item: &str| -> String {
        figures
            .get(&(section.to_string(), item.to_string()))
            .cloned()
            .unwrap_or_else(|| panic!("{section} / {item} missing from {csv}"))
    };

    // Received per kind.
    let received: Vec<(String, Option<NaiveDateTime>)> = db
        .with_reader(|c| {
            Ok(cases::table
                .select((cases::kind, cases::received_at))
                .load(c)?)
        })
        .unwrap();
    let mut total = 0;
    let rules = profile.regime.rules();
    // Only what the regime's table has is counted (docs/regimes.md §9.8).
    for kind in madoguchi::domain::kind::RequestKind::ALL {
        if !kind.exists_under(profile.regime) {
            assert!(
                !csv.contains(&format!("\"{}\"", kind.label_ja())),
                "{kind} is not a kind of this regime"
            );
        }
    }
    for kind in rules.kinds.iter().map(|k| &k.kind) {
        let n = received
            .iter()
            .filter(|(k, at)| k == kind.as_str() && at.is_some_and(|a| within(jst(a))))
            .count();
        total += n;
        assert_eq!(figure("請求の受付件数", kind.label_ja()), n.to_string());
    }
    assert!(total > 0, "the seeded year has requests");
    assert_eq!(figure("請求の受付件数", "合計"), total.to_string());

    // Decisions per outcome, and days to decision.
    let decided: Vec<(String, Option<NaiveDate>, Option<NaiveDateTime>)> = db
        .with_reader(|c| {
            Ok(decisions::table
                .inner_join(cases::table)
                .filter(decisions::status.eq("approved"))
                .select((decisions::outcome, decisions::issued_on, cases::received_at))
                .load(c)?)
        })
        .unwrap();
    let in_year: Vec<_> = decided
        .iter()
        .filter(|(_, issued, _)| issued.is_some_and(within))
        .collect();
    assert!(!in_year.is_empty());
    for outcome in madoguchi::domain::outcome::Outcome::ALL {
        if !rules.outcomes().contains(outcome) {
            assert!(
                !figures.contains_key(&(
                    "決定の件数".to_string(),
                    outcome.label_ja(profile.regime).to_string()
                )),
                "{outcome} is no outcome of this regime"
            );
            continue;
        }
        let n = in_year
            .iter()
            .filter(|(o, _, _)| o == outcome.as_str())
            .count();
        assert_eq!(
            figure("決定の件数", outcome.label_ja(profile.regime)),
            n.to_string()
        );
    }
    let mut days: Vec<i64> = in_year
        .iter()
        .map(|(_, issued, received)| (issued.unwrap() - jst(received.unwrap())).num_days())
        .collect();
    days.sort();
    let longest = *days.last().unwrap();
    assert_eq!(
        figure("決定までの日数（暦日）", "最長"),
        longest.to_string()
    );
    let mean = days.iter().sum::<i64>() as f64 / days.len() as f64;
    let shown: f64 = figure("決定までの日数（暦日）", "平均").parse().unwrap();
    assert!((shown - mean).abs() <= 0.05 + 1e-9, "{shown} vs {mean}");
    let median = if days.len() % 2 == 1 {
        days[days.len() / 2] as f64
    } else {
        (days[days.len() / 2 - 1] + days[days.len() / 2]) as f64 / 2.0
    };
    let shown: f64 = figure("決定までの日数（暦日）", "中央値").parse().unwrap();
    assert_eq!(shown, median);

    // Decided on time or late, and the grounds for withholding, from the decision records.
    let records: Vec<(Option<NaiveDate>, Option<NaiveDate>, String)> = db
        .with_reader(|c| {
            Ok(decisions::table
                .filter(decisions::status.eq("approved"))
                .select((decisions::issued_on, decisions::due_on, decisions::grounds))
                .load(c)?)
        })
        .unwrap();
    let in_year: Vec<_> = records
        .iter()
        .filter(|(issued, _, _)| issued.is_some_and(within))
        .collect();
    let within_deadline = in_year
        .iter()
        .filter(|(i, d, _)| matches!((i, d), (Some(i), Some(d)) if i <= d))
        .count();
    let late = in_year
        .iter()
        .filter(|(i, d, _)| matches!((i, d), (Some(i), Some(d)) if i > d))
        .count();
    assert!(within_deadline > 0 && late > 0, "the seeded year has both");
    const TIMING: &str = "決定までの日数（暦日）";
    assert_eq!(figure(TIMING, "期限内に決定"), within_deadline.to_string());
    assert_eq!(figure(TIMING, "期限を過ぎて決定"), late.to_string());
    assert_eq!(
        figure(TIMING, "期限の定めのないもの"),
        (in_year.len() - within_deadline - late).to_string()
    );
    const GROUNDS: &str = "不開示の理由（根拠条項別・1件で複数の条項を挙げたものは各条項に計上）";
    let mut cited = 0;
    for ground in madoguchi::domain::grounds::WithholdingGround::allowed(profile.regime) {
        let n = in_year
            .iter()
            .filter(|(_, _, g)| g.split(',').any(|code| code == ground.as_str()))
            .count();
        cited += n;
        assert_eq!(figure(GROUNDS, ground.label_ja()), n.to_string());
    }
    assert!(cited > 0, "the seeded year has withholding decisions");

    // Withdrawn and dismissed, by the day the case entered the state.
    let ended: Vec<(String, NaiveDateTime)> = db
        .with_reader(|c| {
            Ok(case_events::table
                .select((case_events::to_state, case_events::at))
                .load(c)?)
        })
        .unwrap();
    for (state, label) in [("withdrawn", "取下げ"), ("dismissed", "却下")] {
        let n = ended
            .iter()
            .filter(|(s, at)| s == state && within(jst(*at)))
            .count();
        assert_eq!(figure("決定の件数", label), n.to_string());
    }

    // The printable page shows the same figures, in English too.
    let page = app
        .get_with(
            &boss.client,
            &format!("/staff/statistics?basis=fiscal&year={fiscal_year}"),
        )
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains(&format!("<td class=\"number\">{total}</td>"))
    );
    let calendar = download(
        &app,
        &boss.client,
        &format!("/staff/statistics.csv?basis=calendar&year={}", today.year()),
    )
    .await;
    let calendar_total = received
        .iter()
        .filter(|(_, at)| at.is_some_and(|a| jst(a).year() == today.year()))
        .count();
    assert_eq!(
        parse(&calendar.1)[&("請求の受付件数".to_string(), "合計".to_string())],
        calendar_total.to_string()
    );
}
