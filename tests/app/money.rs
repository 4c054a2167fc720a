//! The fee ledger over HTTP (#25): the request fee charged at receipt, amounts as people type
//! them, the day money arrived, two clerks recording one payment, who may waive.

use chrono::{Duration, NaiveDate};
use madoguchi::clock::Clock;
use madoguchi::domain::role::Role;

use crate::helpers::{TestApp, World, csrf_of};
use crate::portal::spawn_portal;
use crate::workspace::{Staff, act, case_id_from_queue, case_page, done, value_of};

/// Today at the operator (JST) by the app's clock.
pub fn jst_today(app: &TestApp) -> NaiveDate {
    (app.clock.now() + Duration::hours(9)).date_naive()
}

/// The balance the staff case page shows (0 when there is no ledger).
pub fn balance(page: &str) -> i64 {
    let marker = "id=\"fee-balance\">";
    page.find(marker).map_or(0, |i| {
        let rest = &page[i + marker.len()..];
        rest[..rest.find('円').unwrap()].parse().unwrap()
    })
}

/// Posts a payment of `amount` received on `day`.
pub async fn pay(app: &TestApp, who: &Staff, id: &str, amount: &str, day: &str) {
    done(
        app,
        who,
        id,
        "fee",
        &[
            ("entry", "payment"),
            ("amount", amount),
            ("method", "bank_transfer"),
            ("received_on", day),
        ],
    )
    .await;
}

#[tokio::test]
async fn the_request_fee_is_charged_at_receipt_once_and_bad_amounts_each_say_why() {
    let world = World::new();
    let app = spawn_portal(&world, "private").await;
    app.requester_with_case("fee@example.jp").await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let id = case_id_from_queue(&app, &clerk).await;
    // Online disclosure under the private schedule: 800円, charged by the system at receipt.
    let page = case_page(&app, &clerk, &id).await;
    assert!(page.contains("id=\"fee-balance\">800円"), "{page}");
    let system_invoices = format!(
        "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'fee.invoiced' \
         AND actor = 'system' AND case_id = '{id}'"
    );
    assert_eq!(world.count(&system_invoices), 1);
    assert_eq!(
        world.count(&format!(
            "SELECT COUNT(*) AS n FROM fee_entries WHERE case_id = '{id}' AND entry = 'invoice'"
        )),
        1
    );
    done(&app, &clerk, &id, "take", &[]).await;

    let today = jst_today(&app).to_string();
    for (typed, message) in [
        ("0", "0円は記録できません"),
        ("-300", "マイナスの金額は記録できません"),
        ("四千", "円単位の整数で入力してください"),
        ("60,006,000", "1件の金額が大きすぎます"),
        ("", "金額を入力してください"),
    ] {
        let refused = act(
            &app,
            &clerk,
            &id,
            "fee",
            &[
                ("entry", "payment"),
                ("amount", typed),
                ("method", "bank_transfer"),
                ("received_on", &today),
            ],
        )
        .await;
        assert_eq!(refused.status, 422, "{typed}");
        assert!(refused.body.contains(message), "{typed}: {message}");
        assert!(
            refused.body.contains(&format!(
                "name=\"amount\" type=\"text\" autocomplete=\"off\" value=\"{typed}\""
            )),
            "{typed} stays in the form"
        );
    }
    // Full-width digits are an amount: 「８００円」 settles the 800円.
    pay(&app, &clerk, &id, "８００円", &today).await;
    let page = case_page(&app, &clerk, &id).await;
    assert!(page.contains("id=\"fee-balance\">0円"));
    assert_eq!(
        world.count(&format!(
            "SELECT COUNT(*) AS n FROM fee_entries WHERE case_id = '{id}' AND entry = 'payment' AND amount = 800"
        )),
        1
    );
    // Receipt happens once: nothing re-charges the case.
    assert_eq!(world.count(&system_invoices), 1);
}

#[tokio::test]
async fn a_payment_is_dated_the_day_the_money_arrived_and_back_dating_is_audited() {
    let world = World::new();
    let app = spawn_portal(&world, "private").await;
    app.requester_with_case("dated@example.jp").await;
    let received = jst_today(&app);
    // The clerk types it three days later (signed in then: sessions do not last days).
    app.clock.advance(Duration::days(3));
    let today = jst_today(&app);
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let id = case_id_from_queue(&app, &clerk).await;
    done(&app, &clerk, &id, "take", &[]).await;
    let (tomorrow, before) = (today + Duration::days(1), received - Duration::days(1));
    for (day, message) in [
        (tomorrow, "入金日に今日より後の日は入力できません"),
        (before, "入金日が請求の受付日より前になっています"),
    ] {
        let refused = act(
            &app,
            &clerk,
            &id,
            "fee",
            &[
                ("entry", "payment"),
                ("amount", "800"),
                ("method", "registered_cash"),
                ("received_on", &day.to_string()),
            ],
        )
        .await;
        assert_eq!(refused.status, 422, "{day}");
        assert!(refused.body.contains(message), "{day}");
    }
    // The registered letter arrived on the day of receipt; it is typed three days later.
    pay(&app, &clerk, &id, "800", &received.to_string()).await;
    assert_eq!(
        world.count(&format!(
            "SELECT COUNT(*) AS n FROM fee_entries WHERE case_id = '{id}' AND entry = 'payment' \
             AND value_date = '{received}'"
        )),
        1
    );
    assert_eq!(
        world.count(&format!(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'fee.backdated' \
             AND case_id = '{id}' AND target = 'payment received:{received} typed:{today}'"
        )),
        1,
        "the audit record carries both days"
    );
    let page = case_page(&app, &clerk, &id).await;
    assert!(
        page.contains(&format!("<td>{received}</td>")),
        "the page shows the day"
    );
    // A payment typed on the day it arrived is not back-dated.
    assert_eq!(
        world.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'fee.backdated'"),
        1
    );
}

#[tokio::test]
async fn two_clerks_recording_one_payment_record_it_once_and_only_approvers_waive() {
    let world = World::new();
    let app = spawn_portal(&world, "private").await;
    app.requester_with_case("twice@example.jp").await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let boss = app.staff(Role::Approver, "boss@example.jp").await;
    let id = case_id_from_queue(&app, &clerk).await;
    done(&app, &clerk, &id, "take", &[]).await;
    // Clerk and approver both have the case open, both record the same bank transfer.
    let path = format!("/staff/cases/{id}");
    let seen = [
        app.get_with(&clerk.client, &path).await.body,
        app.get_with(&boss.client, &path).await.body,
    ];
    assert!(
        seen[0].contains("id=\"waive-by-approver\""),
        "a clerk is told who may waive"
    );
    assert!(!seen[1].contains("id=\"waive-by-approver\""));
    let today = jst_today(&app).to_string();
    let mut statuses = Vec::new();
    let mut bodies = Vec::new();
    for (who, page) in [(&clerk, &seen[0]), (&boss, &seen[1])] {
        let (csrf, version, ledger) = (
            csrf_of(page),
            value_of(page, "version"),
            value_of(page, "ledger"),
        );
        let sent = app
            .post_with(
                &who.client,
                &format!("/staff/cases/{id}/fee"),
                &[
                    ("csrf", csrf.as_str()),
                    ("version", version.as_str()),
                    ("ledger", ledger.as_str()),
                    ("entry", "payment"),
                    ("amount", "800"),
                    ("method", "bank_transfer"),
                    ("reference", "振込 12/1"),
                    ("received_on", today.as_str()),
                ],
            )
            .await;
        statuses.push(sent.status);
        bodies.push(sent.body);
    }
    assert_eq!(statuses, [303, 409]);
    assert!(bodies[1].contains("別の職員が手数料の記録を追加しました"));
    assert!(
        bodies[1].contains("value=\"振込 12/1\""),
        "what was typed is kept"
    );
    assert_eq!(
        world.count(&format!(
            "SELECT COUNT(*) AS n FROM fee_entries WHERE case_id = '{id}' AND entry = 'payment'"
        )),
        1,
        "recorded once"
    );
    // A clerk cannot waive (the route is the approvers'); an approver's waiver names them.
    let clerk_waiver = act(
        &app,
        &clerk,
        &id,
        "waive",
        &[("waive_amount", "100"), ("waive_reason", "生活保護受給")],
    )
    .await;
    assert_eq!(clerk_waiver.status, 403);
    assert_eq!(
        world.count("SELECT COUNT(*) AS n FROM fee_entries WHERE entry = 'waiver'"),
        0
    );
}
