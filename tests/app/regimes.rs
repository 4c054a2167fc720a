//! Each regime's own procedure, end to end (docs/regimes.md §9): a public body's suspension asks
//! for the grounds of Art. 98 and can stop a provision; a correction must follow a disclosure
//! within 90 days; a request is transferred to another body; a third party's objection holds the
//! disclosure for two weeks (time moves through the application's clock); the 過料 warning shows
//! only on a public body's disclosure; J-MIMO decides a deletion as a deletion.

use chrono::Duration;
use madoguchi::clock::Clock;
use madoguchi::domain::role::Role;
use reqwest::multipart::{Form, Part};

use crate::helpers::{RECENT_DISCLOSURE, TestApp, World, csrf_of};
use crate::portal::spawn_portal;
use crate::uploads::{JPEG, upload};
use crate::workspace::{
    PASSWORD, PDF, Staff, act, case_id_from_queue, case_page, done, mail_with, person, requested,
};

fn days_ago(app: &TestApp, days: i64) -> String {
    (madoguchi::domain::deadline::jst_date(app.clock.now()) - Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

async fn start(app: &TestApp, kind: &str) {
    let started = app
        .submit(
            "/request",
            "/request",
            &[
                ("kind", kind),
                ("requester_type", "principal"),
                ("consent", "2026-11-21"),
            ],
        )
        .await;
    assert_eq!(started.status, 303, "{}", started.body);
    let person = app
        .submit(
            "/request/person",
            "/request/person",
            &person("kana@example.jp"),
        )
        .await;
    assert_eq!(person.status, 303, "{}", person.body);
}

async fn content(app: &TestApp, fields: &[(&str, &str)]) -> crate::helpers::Page {
    app.submit("/request/content", "/request/content", fields)
        .await
}

#[tokio::test]
async fn a_public_body_suspension_asks_for_the_grounds_of_article_98() {
    for profile in ["national", "kanagawa", "fukushima"] {
        let world = World::new();
        let app = spawn_portal(&world, profile).await;
        start(&app, "suspension").await;
        let page = app.get("/request/content").await.body;
        for article in [
            "第61条第2項",
            "第63条",
            "第64条",
            "第69条第1項",
            "第71条第1項",
        ] {
            assert!(page.contains(article), "{profile}: {article} offered");
        }
        assert!(
            page.contains("value=\"stop_provision\""),
            "{profile}: 提供の停止 can be asked (Art. 98(1)(ii))"
        );
        assert!(
            !page.contains("value=\"no_longer_needed\"") && !page.contains("第35条"),
            "{profile}: no business ground (Art. 35(5))"
        );
        assert!(
            page.contains("第98条第3項"),
            "{profile}: the 90 days are explained"
        );
        if profile != "national" {
            continue;
        }
        // A ground of Art. 98(1)(i) does not go with a stop of provision.
        let mismatched = content(
            &app,
            &[
                ("data_description", "LINEのトーク履歴"),
                ("action_choice", "stop_provision"),
                ("ground", "held_beyond_purpose"),
                ("prior_disclosure_on", RECENT_DISCLOSURE.as_str()),
            ],
        )
        .await;
        assert_eq!(mismatched.status, 422);
        assert!(
            mismatched
                .body
                .contains("選んだ措置に対応する理由を選んでください")
        );
        let fine = content(
            &app,
            &[
                ("data_description", "LINEのトーク履歴"),
                ("action_choice", "stop_provision"),
                ("ground", "provided_beyond_purpose"),
                ("prior_disclosure_on", RECENT_DISCLOSURE.as_str()),
            ],
        )
        .await;
        assert_eq!(
            fine.location.as_deref(),
            Some("/request/review"),
            "{}",
            fine.body
        );
        let review = app.get("/request/review").await.body;
        assert!(review.contains("提供の停止") && review.contains("第69条"));
        assert!(
            !review.contains("過料"),
            "the 過料 concerns disclosures only"
        );
    }
}

#[tokio::test]
async fn a_correction_follows_a_disclosure_received_within_90_days() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    start(&app, "correction").await;
    let base = [
        ("data_description", "登録住所"),
        ("current_content", "旧住所"),
        ("correct_content", "新住所"),
    ];
    let with = |extra: &[(&'static str, String)]| -> Vec<(&'static str, String)> {
        base.iter()
            .map(|(k, v)| (*k, v.to_string()))
            .chain(extra.iter().cloned())
            .collect()
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let borrowed: Vec<(&str, &str)> =
                fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            content(app, &borrowed).await
        }
    };
    let none = post(with(&[])).await;
    assert_eq!(none.status, 422);
    assert!(
        none.body.contains("開示を受けた日を入力してください"),
        "{}",
        none.body
    );
    let late = post(with(&[("prior_disclosure_on", days_ago(&app, 100))])).await;
    assert_eq!(late.status, 422);
    assert!(late.body.contains("90日を過ぎている"), "{}", late.body);
    let unknown = post(with(&[("prior_disclosure_number", "2026-999999".into())])).await;
    assert_eq!(unknown.status, 422);
    assert!(unknown.body.contains("この受付番号では"));
    let future = post(with(&[("prior_disclosure_on", days_ago(&app, -3))])).await;
    assert_eq!(future.status, 422);
    let within = post(with(&[
        ("prior_disclosure_on", days_ago(&app, 89)),
        ("prior_disclosure_number", "総第123号".into()),
    ]))
    .await;
    assert_eq!(
        within.location.as_deref(),
        Some("/request/review"),
        "{}",
        within.body
    );
    let review = app.get("/request/review").await.body;
    assert!(
        review.contains(&days_ago(&app, 89)),
        "the disclosure is shown for review"
    );

    // Submitted and confirmed: staff see it as stated, not yet verified.
    let csrf = csrf_of(&review);
    assert_eq!(
        app.post("/request/submit", &[("csrf", &csrf)]).await.status,
        303
    );
    let mail = mail_with(&world, "確認コード").await;
    let token = mail
        .split("/case/")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap()
        .to_string();
    let case_path = format!("/case/{token}");
    let csrf = csrf_of(&app.get(&case_path).await.body);
    app.post(&format!("{case_path}/confirm"), &[("csrf", &csrf)])
        .await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let id = case_id_from_queue(&app, &clerk).await;
    let page = case_page(&app, &clerk, &id).await;
    assert!(page.contains("総第123号") && page.contains("請求者の記載") && page.contains("未確認"));
    // Staff cannot record a disclosure that would put the request past its 90 days.
    let too_old = act(
        &app,
        &clerk,
        &id,
        "prior-disclosure",
        &[
            ("disclosed_on", &days_ago(&app, 120)),
            ("reference", "総第99号"),
        ],
    )
    .await;
    assert_eq!(too_old.status, 422);
    assert!(too_old.body.contains("90日以内"), "{}", too_old.body);
    done(
        &app,
        &clerk,
        &id,
        "prior-disclosure",
        &[
            ("disclosed_on", &days_ago(&app, 89)),
            ("reference", "総第123号"),
        ],
    )
    .await;
    let page = case_page(&app, &clerk, &id).await;
    assert!(page.contains("確認済み") && page.contains("職員が開示の記録で確認"));
    // The correction's special rule is Art. 95 (the whole decision by a date), not Art. 84.
    assert!(
        page.contains("第95条") && !page.contains("第84条"),
        "{page}"
    );
}

/// A national disclosure, identity verified (licence and an original resident record).
pub async fn verified_disclosure(
    app: &TestApp,
    world: &World,
    email: &'static str,
) -> (String, String, Staff, Staff) {
    let case_path = requested(
        app,
        world,
        &[
            (
                "/request",
                vec![
                    ("kind", "disclosure"),
                    ("requester_type", "principal"),
                    ("consent", "2026-11-21"),
                ],
            ),
            ("/request/person", person(email)),
            (
                "/request/content",
                vec![("data_description", "調査票"), ("period", "2025年")],
            ),
            ("/request/delivery", vec![("delivery", "paper_by_post")]),
        ],
    )
    .await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let boss = app.staff(Role::Approver, "boss@example.jp").await;
    let id = case_id_from_queue(app, &clerk).await;
    done(app, &clerk, &id, "take", &[]).await;
    done(app, &clerk, &id, "start-review", &[]).await;
    upload(
        app,
        &case_path,
        "drivers_licence",
        "l.jpg",
        JPEG.to_vec(),
        None,
    )
    .await;
    let mut pdf = PDF.to_vec();
    pdf.extend_from_slice(b"\n% resident record");
    let form = Form::new()
        .text("csrf", csrf_of(&app.get(&case_path).await.body))
        .text("declared_type", "resident_record")
        .part(
            "file",
            Part::bytes(pdf)
                .file_name("r.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    app.client
        .post(app.url(&format!("{case_path}/documents")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let page = case_page(app, &clerk, &id).await;
    let docs: Vec<String> = page
        .split("name=\"document\" value=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .fold(Vec::new(), |mut v, d| {
            if !v.contains(&d) {
                v.push(d);
            }
            v
        });
    let today = madoguchi::domain::deadline::jst_date(app.clock.now());
    let expires = (today + Duration::days(400)).format("%Y-%m-%d").to_string();
    let issued = (today - Duration::days(3)).format("%Y-%m-%d").to_string();
    done(
        app,
        &clerk,
        &id,
        "review-document",
        &crate::workspace::with_all_checks(&[
            ("document", &docs[0]),
            ("verdict", "accept"),
            ("holder", "principal"),
            ("expires_on", &expires),
            ("check_name_matches", "1"),
        ]),
    )
    .await;
    done(
        app,
        &clerk,
        &id,
        "review-document",
        &crate::workspace::with_all_checks(&[
            ("document", &docs[1]),
            ("verdict", "accept"),
            ("holder", "principal"),
            ("issued_on", &issued),
            ("original", "1"),
        ]),
    )
    .await;
    done(app, &clerk, &id, "verify", &[]).await;
    // The request fee, charged at receipt and paid in advance (収入印紙).
    let paid_on = today.format("%Y-%m-%d").to_string();
    done(
        app,
        &clerk,
        &id,
        "fee",
        &[
            ("entry", "payment"),
            ("amount", "200"),
            ("method", "revenue_stamp"),
            ("received_on", &paid_on),
        ],
    )
    .await;
    (case_path, id, clerk, boss)
}

#[tokio::test]
async fn a_request_is_transferred_to_another_body_with_its_notice() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let case_path = app.requester_with_case("ido@example.jp").await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let id = case_id_from_queue(&app, &clerk).await;
    let page = case_page(&app, &clerk, &id).await;
    assert!(page.contains("/transfer\"") && page.contains("第85条第1項"));
    let to_self = act(
        &app,
        &clerk,
        &id,
        "transfer",
        &[
            ("to_body", "国の行政機関"),
            ("transfer_reason", "理由"),
            ("consulted", "1"),
        ],
    )
    .await;
    assert_eq!(to_self.status, 422);
    assert!(to_self.body.contains("移送先が当機関自身です"));
    let unagreed = act(
        &app,
        &clerk,
        &id,
        "transfer",
        &[("to_body", "厚生労働大臣"), ("transfer_reason", "理由")],
    )
    .await;
    assert_eq!(unagreed.status, 422);
    assert!(unagreed.body.contains("協議済み"), "{}", unagreed.body);
    done(
        &app,
        &clerk,
        &id,
        "transfer",
        &[
            ("to_body", "厚生労働大臣"),
            (
                "transfer_reason",
                "請求に係る保有個人情報は厚生労働省から提供されたものであるため",
            ),
            ("consulted", "1"),
        ],
    )
    .await;
    let page = case_page(&app, &clerk, &id).await;
    assert!(
        page.contains("id=\"case-state\">移送"),
        "the case ends as transferred"
    );
    assert!(page.contains("id=\"transferred-to\">厚生労働大臣"));
    let notice = mail_with(&world, "移送しました").await;
    assert!(notice.contains("厚生労働大臣") && notice.contains("第85条"));
    assert!(
        notice.contains("当初の請求の受付日から数えます"),
        "{notice}"
    );
    let requester = app.get(&case_path).await.body;
    assert!(
        requester.contains("厚生労働省から提供された"),
        "the reason reaches the requester"
    );
    assert_eq!(
        world.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'case.transferred'"),
        1
    );
}

#[tokio::test]
async fn a_third_partys_objection_holds_the_disclosure_two_weeks() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let (case_path, id, clerk, boss) = verified_disclosure(&app, &world, "sato@example.jp").await;
    let today = madoguchi::domain::deadline::jst_date(app.clock.now());
    let reply_by = (today + Duration::days(7)).format("%Y-%m-%d").to_string();
    done(
        &app,
        &clerk,
        &id,
        "consult",
        &[
            ("who", "株式会社みなと調査"),
            ("sent_on", &today.format("%Y-%m-%d").to_string()),
            ("consult_reply_by", &reply_by),
        ],
    )
    .await;
    let page = case_page(&app, &clerk, &id).await;
    let consultation = {
        let select = &page[page.find("name=\"consultation\"").expect("the reply form")..];
        let at = select.find("<option value=\"").unwrap() + "<option value=\"".len();
        select[at..at + select[at..].find('"').unwrap()].to_string()
    };
    assert!(page.contains("株式会社みなと調査") && page.contains("回答待ち"));
    done(
        &app,
        &clerk,
        &id,
        "third-party-reply",
        &[
            ("consultation", &consultation),
            ("reply", "objects"),
            ("replied_on", &today.format("%Y-%m-%d").to_string()),
        ],
    )
    .await;
    assert!(
        !app.get(&case_path)
            .await
            .body
            .contains("株式会社みなと調査"),
        "who was consulted is not shown to the requester"
    );
    done(
        &app,
        &clerk,
        &id,
        "draft",
        &[
            ("outcome", "full_disclosure"),
            ("text", "全部を開示します。"),
        ],
    )
    .await;
    done(
        &app,
        &boss,
        &id,
        "approve",
        &[("third_party_reason", "本人の診療に関する情報であるため")],
    )
    .await;
    let allowed_from = (today + Duration::days(15)).format("%Y-%m-%d").to_string();
    let page = case_page(&app, &clerk, &id).await;
    assert!(
        page.contains("id=\"third-party-wait\""),
        "the wait is shown"
    );
    assert!(page.contains(&allowed_from) && page.contains("第86条第3項"));
    assert!(
        !page.contains("/deliver\""),
        "no delivery button while it waits"
    );
    let early = act(&app, &clerk, &id, "deliver", &[("dispatch_note", "発送")]).await;
    assert_eq!(early.status, 422);
    assert!(early.body.contains(&allowed_from), "{}", early.body);

    // Two weeks later the decision day and today still have only 13 days between them.
    app.clock.advance(Duration::days(14));
    app.sign_in(&clerk.client, "clerk@example.jp", PASSWORD)
        .await;
    let still = act(&app, &clerk, &id, "deliver", &[("dispatch_note", "発送")]).await;
    assert_eq!(still.status, 422, "{}", still.body);
    app.clock.advance(Duration::days(1));
    app.sign_in(&clerk.client, "clerk@example.jp", PASSWORD)
        .await;
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

    // The same person then asks for a correction naming that disclosure by its receipt number
    // only: the day it was carried out is found, from the same e-mail address.
    let number = {
        let page = case_page(&app, &clerk, &id).await;
        let at = page.find("<h1>").expect("the case heading") + "<h1>".len();
        page[at..at + page[at..].find(' ').unwrap()].to_string()
    };
    start_as(&app, "correction", "sato@example.jp").await;
    let matched = content(
        &app,
        &[
            ("data_description", "調査票の住所"),
            ("current_content", "旧住所"),
            ("correct_content", "新住所"),
            ("prior_disclosure_number", &number),
        ],
    )
    .await;
    assert_eq!(
        matched.location.as_deref(),
        Some("/request/review"),
        "{}",
        matched.body
    );
    let delivered_on = madoguchi::domain::deadline::jst_date(app.clock.now())
        .format("%Y-%m-%d")
        .to_string();
    assert!(
        app.get("/request/review")
            .await
            .body
            .contains(&delivered_on)
    );
}

async fn start_as(app: &TestApp, kind: &str, email: &'static str) {
    let started = app
        .submit(
            "/request",
            "/request",
            &[
                ("kind", kind),
                ("requester_type", "principal"),
                ("consent", "2026-11-21"),
            ],
        )
        .await;
    assert_eq!(started.status, 303, "{}", started.body);
    let person = app
        .submit("/request/person", "/request/person", &person(email))
        .await;
    assert_eq!(person.status, 303, "{}", person.body);
}

#[tokio::test]
async fn the_fine_warning_shows_only_on_a_public_bodys_disclosure() {
    for (profile, kind, warned) in [
        ("jmimo", "disclosure", false),
        ("private", "disclosure", false),
        ("national", "disclosure", true),
        ("kanagawa", "disclosure", true),
    ] {
        let world = World::new();
        let app = spawn_portal(&world, profile).await;
        start(&app, kind).await;
        let sent = content(
            &app,
            &[("data_description", "健診結果"), ("period", "2025年")],
        )
        .await;
        assert_eq!(sent.status, 303, "{}", sent.body);
        let delivered = app
            .submit(
                "/request/delivery",
                "/request/delivery",
                &[("delivery", "paper_by_post")],
            )
            .await;
        assert_eq!(delivered.status, 303, "{}", delivered.body);
        let review = app.get("/request/review").await.body;
        assert_eq!(review.contains("過料"), warned, "{profile} {kind}");
    }
}

#[tokio::test]
async fn jmimo_decides_a_deletion_as_a_deletion() {
    let world = World::new();
    let app = spawn_portal(&world, "jmimo").await;
    start(&app, "provision_stop").await;
    let page = app.get("/request/content").await.body;
    assert!(page.contains("value=\"delete\"") && page.contains("value=\"stop_provision\""));
    assert!(
        !page.contains("name=\"ground\""),
        "no ground is needed (any time)"
    );
    let sent = content(&app, &[("action_choice", "delete")]).await;
    assert_eq!(
        sent.location.as_deref(),
        Some("/request/review"),
        "{}",
        sent.body
    );
    let review = app.get("/request/review").await.body;
    assert!(!review.contains("過料"));
    let csrf = csrf_of(&review);
    app.post(
        "/request/submit",
        &[("csrf", &csrf), ("irreversible", "yes")],
    )
    .await;
    let mail = mail_with(&world, "確認コード").await;
    let token = mail
        .split("/case/")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap()
        .to_string();
    let case_path = format!("/case/{token}");
    let csrf = csrf_of(&app.get(&case_path).await.body);
    app.post(&format!("{case_path}/confirm"), &[("csrf", &csrf)])
        .await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let id = case_id_from_queue(&app, &clerk).await;
    done(&app, &clerk, &id, "start-review", &[]).await;
    crate::workspace::verify_with_licence(&app, &clerk, &id, &case_path).await;
    let page = case_page(&app, &clerk, &id).await;
    assert!(page.contains("value=\"delete\"") && page.contains("value=\"not_delete\""));
    assert!(
        !page.contains("value=\"stop_provision\""),
        "a deletion is not decided as a provision stop"
    );
    assert!(!page.contains("/transfer\"") && !page.contains("/special-extension\""));
    // A forged post for a procedure J-MIMO's regime does not have is refused in words.
    let special = act(
        &app,
        &clerk,
        &id,
        "special-extension",
        &[("rest_by", "2030-12-27"), ("special_reason", "大量")],
    )
    .await;
    assert_eq!(special.status, 422);
    assert!(
        special.body.contains("期限の特例がありません"),
        "{}",
        special.body
    );
    let transfer = act(
        &app,
        &clerk,
        &id,
        "transfer",
        &[
            ("to_body", "厚生労働大臣"),
            ("transfer_reason", "理由"),
            ("consulted", "1"),
        ],
    )
    .await;
    assert_eq!(transfer.status, 422);
    assert!(transfer.body.contains("移送する"), "{}", transfer.body);
}
