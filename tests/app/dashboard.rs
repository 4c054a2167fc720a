//! The manager's dashboard against a seeded set whose answers are computed here independently.

use diesel::prelude::*;
use madoguchi::db::schema::cases::dsl;
use madoguchi::domain::role::Role;

use crate::helpers::World;
use crate::portal::spawn_portal;

fn figure(html: &str, n: usize) -> i64 {
    let marker = format!("id=\"figure-{n}\">");
    let start = html.find(&marker).expect("figure") + marker.len();
    html[start..start + html[start..].find('<').unwrap()]
        .parse()
        .unwrap()
}

#[tokio::test]
async fn every_dashboard_figure_matches_an_independent_count() {
    let world = World::new();
    let db = crate::helpers::seeded(&world, 500);
    let profile = madoguchi::domain::profile::ProfileName::National.profile();
    let calendar = profile.calendar([]);
    let app = spawn_portal(&world, "national").await;
    let boss = app.staff(Role::Approver, "boss@example.jp").await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    assert_eq!(
        app.get_with(&clerk.client, "/staff/dashboard").await.status,
        403
    );
    let page = app.get_with(&boss.client, "/staff/dashboard").await;
    assert_eq!(page.status, 200);

    let rows: Vec<(String, Option<chrono::NaiveDate>)> = db
        .with_reader(|c| Ok(dsl::cases.select((dsl::state, dsl::due_on)).load(c)?))
        .unwrap();
    let today = madoguchi::domain::deadline::jst_date(chrono::Utc::now());
    let (in_3, in_7) = (
        calendar.add_office_days(today, 3),
        calendar.add_office_days(today, 7),
    );
    let finished = [
        "closed",
        "withdrawn",
        "dismissed",
        "transferred",
        "unconfirmed",
    ];
    let stopped = ["awaiting_requester", "awaiting_payment"];
    let running: Vec<chrono::NaiveDate> = rows
        .iter()
        .filter(|(s, _)| !finished.contains(&s.as_str()) && !stopped.contains(&s.as_str()))
        .filter_map(|(_, due)| *due)
        .collect();
    let expected = [
        running.iter().filter(|d| **d < today).count(),
        running
            .iter()
            .filter(|d| **d >= today && **d <= in_3)
            .count(),
        running
            .iter()
            .filter(|d| **d >= today && **d <= in_7)
            .count(),
        rows.iter()
            .filter(|(s, _)| stopped.contains(&s.as_str()))
            .count(),
        rows.iter()
            .filter(|(s, _)| s == "awaiting_approval")
            .count(),
    ];
    for (i, want) in expected.iter().enumerate() {
        assert_eq!(
            figure(&page.body, i + 1) as usize,
            *want,
            "figure {}",
            i + 1
        );
    }
    assert!(
        expected[0] > 0 && expected[3] > 0,
        "the seeded set exercises the figures"
    );

    // Each figure links to its list, and the list holds as many cases (pages of 50).
    let overdue_link = format!(
        "/staff/cases?due_by={}",
        (today - chrono::Duration::days(1)).format("%Y-%m-%d")
    );
    assert!(page.body.contains(&overdue_link.replace('&', "&amp;")));
    let mut listed = 0;
    for n in 1.. {
        let list = app
            .get_with(&boss.client, &format!("{overdue_link}&page={n}"))
            .await
            .body;
        let on_page = list.matches("href=\"/staff/cases/seed-").count();
        listed += on_page;
        if on_page < 50 {
            break;
        }
    }
    assert_eq!(listed, expected[0], "the overdue list behind the figure");

    // Open cases by state: the table's numbers equal a direct count.
    let in_review = rows.iter().filter(|(s, _)| s == "in_review").count();
    assert!(page.body.contains(&format!(
        "state=in_review\">審査中</a></th><td>{in_review}</td>"
    )));
    assert!(
        page.body.contains("<svg class=\"chart\""),
        "weekly chart, no script"
    );

    // This week's bars: receipts (JST) and approved decisions since Monday, counted here.
    use chrono::Datelike;
    use madoguchi::db::schema::decisions::dsl as decisions;
    let monday = today - chrono::Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let received: Vec<Option<chrono::NaiveDateTime>> = db
        .with_reader(|c| Ok(dsl::cases.select(dsl::received_at).load(c)?))
        .unwrap();
    let received_this_week = received
        .iter()
        .flatten()
        .filter(|at| madoguchi::domain::deadline::jst_date(at.and_utc()) >= monday)
        .count();
    // Decided bars split into on time and late against the deadline kept with each decision.
    type Issued = (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>);
    let decided: Vec<Issued> = db
        .with_reader(|c| {
            Ok(decisions::decisions
                .filter(decisions::status.eq("approved"))
                .select((decisions::issued_on, decisions::due_on))
                .load(c)?)
        })
        .unwrap();
    let this_week: Vec<&Issued> = decided
        .iter()
        .filter(|(issued, _)| issued.is_some_and(|d| d >= monday))
        .collect();
    let late = this_week
        .iter()
        .filter(|(issued, due)| matches!((issued, due), (Some(i), Some(d)) if i > d))
        .count();
    let (all, on_time) = (this_week.len(), this_week.len() - late);
    let label = monday.format("%m/%d");
    assert!(
        page.body.contains(&format!(
            "{label}: 受付 {received_this_week}, 決定 {all} (期限内に決定 {on_time}, 期限後に決定 {late})."
        )),
        "this week's bars ({label}: {received_this_week} / {all} / {late})"
    );
    let late_in_chart: usize = decided
        .iter()
        .filter(|(issued, due)| {
            matches!((issued, due), (Some(i), Some(d)) if i > d && *i >= monday - chrono::Duration::weeks(11))
        })
        .count();
    assert_eq!(
        page.body.matches("class=\"chart__late\"><title>").count() > 0,
        late_in_chart > 0,
        "late decisions in the last 12 weeks are drawn as late bars"
    );
}

fn counted_at(html: &str) -> String {
    let marker = "集計時刻（数秒ごとに自動で再集計します）: ";
    let start = html.find(marker).expect("counted at") + marker.len();
    html[start..start + html[start..].find('<').unwrap()].to_string()
}

#[tokio::test]
async fn a_new_instance_shows_the_last_figures_at_once_then_counts_its_own() {
    let world = World::new();
    let db = crate::helpers::seeded(&world, 60);
    let first = spawn_portal(&world, "national").await;
    let boss = first.staff(Role::Approver, "boss@example.jp").await;
    let counted = first.get_with(&boss.client, "/staff/dashboard").await;
    let waiting = figure(&counted.body, 5);

    // One more draft decision waiting for approval since that count.
    let moved = db
        .with_writer(|c| {
            let id: String = dsl::cases
                .filter(dsl::state.eq("in_review"))
                .select(dsl::id)
                .first(c)?;
            Ok(diesel::update(dsl::cases.find(id))
                .set(dsl::state.eq("awaiting_approval"))
                .execute(c)?)
        })
        .unwrap();
    assert_eq!(moved, 1);

    // A second instance (same database and session key) has counted nothing yet: it shows the
    // figures the first one counted, with their time, and counts afresh behind them.
    let second = spawn_portal(&world, "national").await;
    let recalled = second.get_with(&boss.client, "/staff/dashboard").await;
    assert_eq!(recalled.status, 200);
    assert_eq!(figure(&recalled.body, 5), waiting);
    assert_eq!(counted_at(&recalled.body), counted_at(&counted.body));
    let mut latest = waiting;
    for _ in 0..50 {
        latest = figure(
            &second.get_with(&boss.client, "/staff/dashboard").await.body,
            5,
        );
        if latest == waiting + 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(latest, waiting + 1, "the second instance counted afresh");
}
