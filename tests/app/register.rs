//! The register export against a seeded set: every received case once, filters, decisions and
//! timeliness as recorded, bad filters refused with a message, the export audited.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use madoguchi::db::register::{self, RegisterFilter};
use madoguchi::db::schema::{audit_events, cases, decisions};
use madoguchi::domain::role::Role;

use crate::helpers::World;
use crate::portal::spawn_portal;

/// CSV lines as fields, without the BOM and the header.
fn rows(csv: &str) -> Vec<Vec<String>> {
    csv.trim_start_matches('\u{feff}')
        .split("\r\n")
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.trim_matches('"')
                .split("\",\"")
                .map(str::to_string)
                .collect()
        })
        .collect()
}

fn jst(at: NaiveDateTime) -> NaiveDate {
    (at + Duration::hours(9)).date()
}

#[tokio::test]
async fn the_register_lists_every_received_case_once_with_its_decision() {
    let world = World::new();
    let db = crate::helpers::seeded(&world, 300);
    let app = spawn_portal(&world, "national").await;
    let boss = app.staff(Role::Approver, "boss@example.jp").await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    for path in ["/staff/register", "/staff/register.csv"] {
        assert_eq!(app.get_with(&clerk.client, path).await.status, 403);
    }

    let all: Vec<(String, String, Option<NaiveDateTime>)> = db
        .with_reader(|c| {
            Ok(cases::table
                .select((cases::id, cases::kind, cases::received_at))
                .load(c)?)
        })
        .unwrap();
    let decided: HashMap<String, (String, Option<NaiveDate>, Option<NaiveDate>)> = db
        .with_reader(|c| {
            Ok(decisions::table
                .filter(decisions::status.eq("approved"))
                .select((
                    decisions::case_id,
                    decisions::outcome,
                    decisions::issued_on,
                    decisions::due_on,
                ))
                .load::<(String, String, Option<NaiveDate>, Option<NaiveDate>)>(c)?)
        })
        .unwrap()
        .into_iter()
        .map(|(id, o, i, d)| (id, (o, i, d)))
        .collect();

    let response = boss
        .client
        .get(app.url("/staff/register.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = response.text().await.unwrap();
    assert!(csv.starts_with("\u{feff}\"受付番号\""), "BOM and header");
    let lines = rows(&csv);
    let received: Vec<_> = all.iter().filter(|(_, _, at)| at.is_some()).collect();
    assert_eq!(lines.len(), received.len(), "one line per received case");
    let ids: HashSet<&str> = lines.iter().map(|l| l[10].as_str()).collect();
    assert_eq!(ids.len(), lines.len(), "no case twice");
    let profile = madoguchi::domain::profile::ProfileName::National.profile();
    let mut checked = 0;
    for line in &lines {
        let Some((outcome, issued, due)) = decided.get(&line[10]) else {
            assert!(line[6].is_empty() && line[7].is_empty(), "{line:?}");
            continue;
        };
        let outcome: madoguchi::domain::outcome::Outcome = outcome.parse().unwrap();
        assert_eq!(line[7], outcome.label_ja(profile.regime));
        assert_eq!(line[6], issued.unwrap().to_string());
        assert_eq!(line[5], due.unwrap().to_string());
        let on_time = if issued.unwrap() <= due.unwrap() {
            "期限内"
        } else {
            "期限後"
        };
        assert_eq!(line[8], on_time);
        checked += 1;
    }
    assert!(checked > 0, "the seeded set has decisions");
    let received_days: Vec<&str> = lines.iter().map(|l| l[1].as_str()).collect();
    assert!(received_days.is_sorted(), "receipt order");

    // Filters: a kind and a receipt period, compared with a count of our own.
    let from = NaiveDate::from_ymd_opt(2026, 1, 1)
        .unwrap()
        .max(jst(received.iter().filter_map(|(_, _, at)| *at).min().unwrap()) + Duration::days(30));
    let expected = received
        .iter()
        .filter(|(_, kind, at)| kind == "disclosure" && jst(at.unwrap()) >= from)
        .count();
    let query = format!("kind=disclosure&received_from={from}");
    let filtered = app
        .get_with(&boss.client, &format!("/staff/register.csv?{query}"))
        .await;
    assert_eq!(rows(&filtered.body).len(), expected);
    let page = app
        .get_with(&boss.client, &format!("/staff/register?{query}"))
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(&format!(
            "<strong id=\"register-count\">{expected}</strong>"
        )),
        "the page counts the same"
    );
    // The same filters, in the page's order, with the ampersand escaped for HTML.
    let link = format!("/staff/register.csv?received_from={from}&#38;kind=disclosure");
    assert!(
        page.body.contains(&link),
        "the download keeps the filters: {}",
        &page.body[page.body.find("register.csv").unwrap_or(0)..][..120]
    );

    // Bad filters say what is wrong and keep what was typed; nothing is exported.
    let bad = app
        .get_with(
            &boss.client,
            "/staff/register?received_from=2026-13-40&received_to=2026-01-01",
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body
            .contains("受付日（から）は 2026-04-01 のように入力してください。")
    );
    assert!(bad.body.contains("value=\"2026-13-40\""));
    let backwards = app
        .get_with(
            &boss.client,
            "/staff/register.csv?received_from=2026-05-01&received_to=2026-04-01",
        )
        .await;
    assert_eq!(backwards.status, 422);
    assert!(
        backwards
            .body
            .contains("受付日（まで）は受付日（から）と同じ日か")
    );

    let exports: i64 = db
        .with_reader(|c| {
            Ok(audit_events::table
                .filter(audit_events::action.eq("register.exported"))
                .count()
                .get_result(c)?)
        })
        .unwrap();
    assert_eq!(
        exports, 2,
        "each download is in the audit log, refused ones are not"
    );

    // Paging by receipt instant and id returns every case once, whatever the page size.
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let filter = RegisterFilter::default();
        let (page, _) = db
            .with_reader(|c| register::page(c, &filter, after.as_ref(), 7))
            .unwrap();
        if page.is_empty() {
            break;
        }
        after = page.last().map(|c| (c.received_at, c.id.clone()));
        seen.extend(page.into_iter().map(|c| c.id));
    }
    let mut expected_ids: Vec<String> = received.iter().map(|(id, _, _)| id.clone()).collect();
    expected_ids.sort();
    let mut seen_sorted = seen.clone();
    seen_sorted.sort();
    assert_eq!(seen_sorted, expected_ids);
}
