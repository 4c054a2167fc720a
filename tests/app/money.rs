//! The fee ledger over HTTP (#25): the request fee charged at receipt, amounts as people type
//! them, the day money arrived, two clerks recording one payment, who may waive.

use chrono::{Datelike, Duration, NaiveDate};
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

/// A whole J-MIMO disclosure (seed 004: 4,000円 in advance, 50円 a page, 1,500円 a disc): the
/// fee charged at receipt, the draft refused while it is owed (the clerk told why), a partial
/// waiver, a payment dated the day it arrived, copies and a disc charged from the count,
/// delivery refused until they are paid, then delivered and closed; the statistics count it.
#[tokio::test]
async fn a_jmimo_disclosure_is_paid_in_advance_and_its_copies_before_delivery() {
    let world = World::new();
    let app = spawn_portal(&world, "jmimo").await;
    let case_path = app.requester_with_case("jmimo@example.jp").await;
    let received = jst_today(&app);
    // The receipt mail and the requester's page say what is owed and how (seed 004's words);
    // no account or address is shown, the seed gives none.
    let receipt = crate::workspace::mail_with(&world, "お支払いいただく手数料: 4,000円").await;
    assert!(receipt.contains("現金書留"));
    let mine = app.get(&case_path).await.body;
    assert!(mine.contains("id=\"pay-to\""), "{mine}");
    assert!(mine.contains("事前に現金書留の送付又は金融機関へのお振込み"));
    app.clock.advance(Duration::days(2));
    let today = jst_today(&app);
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let boss = app.staff(Role::Approver, "boss@example.jp").await;
    let id = case_id_from_queue(&app, &clerk).await;
    done(&app, &clerk, &id, "take", &[]).await;
    assert_eq!(balance(&case_page(&app, &clerk, &id).await), 4000);
    done(&app, &clerk, &id, "start-review", &[]).await;
    crate::workspace::verify_with_licence(&app, &clerk, &id, &case_path).await;

    // Owed in advance: the page says why nothing can be decided, and a draft is refused.
    let page = case_page(&app, &clerk, &id).await;
    assert!(page.contains("id=\"fee-notice\""), "{page}");
    assert!(page.contains("手数料4,000円が未納です。この窓口の料金表では手数料は事前払い"));
    let draft = [
        ("outcome", "full_disclosure"),
        ("text", "全部を開示します。"),
    ];
    let refused = act(&app, &clerk, &id, "draft", &draft).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("未納4,000円"));

    // A partial waiver (approver), then the rest by bank transfer that arrived yesterday.
    done(
        &app,
        &boss,
        &id,
        "waive",
        &[
            ("waive_amount", "１，０００"),
            ("waive_reason", "経済的困難"),
        ],
    )
    .await;
    assert_eq!(balance(&case_page(&app, &clerk, &id).await), 3000);
    let arrived = (today - Duration::days(1)).to_string();
    pay(&app, &clerk, &id, "3,000円", &arrived).await;
    assert_eq!(
        world.count(&format!(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'fee.backdated' \
             AND target = 'payment received:{arrived} typed:{today}'"
        )),
        1
    );
    let page = case_page(&app, &clerk, &id).await;
    assert!(!page.contains("id=\"fee-notice\""));
    assert!(page.contains(&format!("<td>{arrived}</td>")));
    done(&app, &clerk, &id, "draft", &draft).await;
    done(&app, &boss, &id, "approve", &[]).await;

    // Decided: 20 A4 pages and one disc, charged from the count as the schedule prices them.
    let page = case_page(&app, &clerk, &id).await;
    assert!(
        page.contains(
            "action=\"/staff/cases/{id}/copy-fees\""
                .replace("{id}", &id)
                .as_str()
        )
    );
    let nothing = act(&app, &clerk, &id, "copy-fees", &[("pages_a4_mono", "")]).await;
    assert_eq!(nothing.status, 422);
    assert!(nothing.body.contains("請求する枚数がありません"));
    done(
        &app,
        &clerk,
        &id,
        "copy-fees",
        &[("pages_a4_mono", "２０"), ("discs", "1")],
    )
    .await;
    let page = case_page(&app, &clerk, &id).await;
    assert_eq!(balance(&page), 20 * 50 + 1500);
    assert!(page.contains("写しの交付に要する費用") && page.contains("光ディスク"));
    assert!(page.contains("写しの交付に要する費用など2,500円が未納です"));
    // The copies' invoice is an official letter too: the requester opens it from their page,
    // with the total and each line priced.
    let mine = app.get(&case_path).await.body;
    let invoices: Vec<&str> = mine
        .match_indices("/letters/")
        .map(|(at, _)| &mine[at..at + mine[at..].find('"').unwrap()])
        .collect();
    let mut found = false;
    for href in invoices {
        let letter = app.get(&format!("{case_path}{href}")).await.body;
        if letter.contains("手数料の納付について") && letter.contains("2500円") {
            assert!(letter.contains("50円 × 20：1000円"), "{letter}");
            assert!(letter.contains("1500円 × 1：1500円"), "{letter}");
            found = true;
        }
    }
    assert!(found, "an invoice letter for the copies is listed: {mine}");
    let early = act(
        &app,
        &clerk,
        &id,
        "deliver",
        &[("dispatch_note", "簡易書留で発送")],
    )
    .await;
    assert_eq!(early.status, 422, "delivery waits for the copies' fee");
    assert!(early.body.contains("未納2,500円"));
    pay(&app, &clerk, &id, "2500", &today.to_string()).await;
    done(
        &app,
        &clerk,
        &id,
        "deliver",
        &[("dispatch_note", "簡易書留で発送")],
    )
    .await;
    let page = case_page(&app, &clerk, &id).await;
    assert!(page.contains("id=\"case-state\">完了"));
    assert_eq!(balance(&page), 0);

    // The year's figures: 5,500円 received, 1,000円 waived, by the days the money arrived.
    let fiscal_year = if received.month() < 4 {
        received.year() - 1
    } else {
        received.year()
    };
    let (_, csv) = crate::statistics::download(
        &app,
        &boss.client,
        &format!("/staff/statistics.csv?basis=fiscal&year={fiscal_year}"),
    )
    .await;
    let figures = crate::statistics::parse(&csv);
    let fee = |item: &str| figures[&("手数料（円）".to_string(), item.to_string())].clone();
    assert_eq!(fee("収納額"), "5500");
    assert_eq!(fee("減免額"), "1000");
}

/// Before submitting, the portal lists the request fee and what copies and discs cost each, the
/// lines and rates of the domain's quote (the command line's `fee quote --pages --discs`).
#[tokio::test]
async fn the_portal_quotes_the_lines_the_command_line_quotes() {
    let world = World::new();
    let app = spawn_portal(&world, "jmimo").await;
    for (path, fields) in crate::personas::disclosure_steps("quote@example.jp") {
        let sent = app.submit(path, path, &fields).await;
        assert_eq!(sent.status, 303, "{path}");
    }
    let delivery = app.get("/request/delivery").await.body;
    assert!(
        delivery.contains("手数料（オンライン請求） 4000円"),
        "{delivery}"
    );
    assert!(delivery.contains("写し（A4・白黒） 50円／1枚"));
    assert!(delivery.contains("光ディスク（CD-R等） 1500円／1枚"));
    let review = app.get("/request/review").await.body;
    let quote = &review[review.find("id=\"fee-quote\"").expect("an itemised quote")..];
    assert!(quote.contains("手数料（オンライン請求） 4000円"));
    assert!(quote.contains("合計 4000円"));
    assert!(quote.contains("写し（A4・白黒） 50円／1枚"));
}
