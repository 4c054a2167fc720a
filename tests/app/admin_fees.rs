//! Fee schedules administered over HTTP: the form starts from the schedule in force, bad input is
//! kept and explained, a schedule starts tomorrow at the earliest, quotes change on its day and
//! not before, a scheduled one can be withdrawn and one in force cannot, every change audited.

use std::time::Duration;

use chrono::Utc;
use diesel::prelude::*;
use madoguchi::db::schema::audit_events;
use madoguchi::domain::role::Role;

use crate::helpers::{Page, TestApp, World, csrf_of};
use crate::portal::spawn_portal;

fn jst_today() -> chrono::NaiveDate {
    (Utc::now() + chrono::Duration::hours(9)).date_naive()
}

/// The value of the input with `id`.
fn input_value(html: &str, id: &str) -> String {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no input {id}"));
    let rest = &html[at..];
    let start = rest.find("value=\"").unwrap() + 7;
    rest[start..][..rest[start..].find('"').unwrap()].to_string()
}

/// The form as the page fills it in, with `changes` applied (an empty value removes a field).
fn filled(html: &str, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut form: Vec<(String, String)> = Vec::new();
    for id in [
        "fee_purpose_notice_standard",
        "fee_purpose_notice_online",
        "fee_disclosure_standard",
        "fee_disclosure_online",
        "fee_provision_records_standard",
        "fee_provision_records_online",
        "page_a4_mono",
        "page_a4_colour",
        "page_a3_mono",
        "page_a3_colour",
        "disc_fee",
        "postage_estimate",
    ] {
        form.push((id.into(), input_value(html, id)));
    }
    form.push(("postage".into(), "at_cost".into()));
    for method in ["method_bank_transfer", "method_postal_money_order"] {
        assert!(html.contains(&format!(
            "id=\"{method}\" name=\"{method}\" value=\"1\" checked"
        )));
        form.push((method.into(), "1".into()));
    }
    form.push(("prepaid".into(), "1".into()));
    for (name, value) in changes {
        form.retain(|(n, _)| n != name);
        if !value.is_empty() {
            form.push((name.to_string(), value.to_string()));
        }
    }
    form
}

async fn post_form(
    app: &TestApp,
    admin: &reqwest::Client,
    path: &str,
    form: &[(String, String)],
) -> Page {
    let shown = app.get_with(admin, "/staff/admin/fees").await;
    let csrf = csrf_of(&shown.body);
    let mut fields: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    fields.extend(form.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    app.post_with(admin, path, &fields).await
}

/// The online disclosure fee the request form's first step quotes today.
async fn quoted_online_fee(app: &TestApp) -> String {
    let page = app.get("/request").await;
    assert_eq!(page.status, 200);
    let at = page
        .body
        .find("value=\"disclosure\"")
        .expect("disclosure offered");
    let hint = &page.body[at..];
    let start = hint.find("手数料 ").expect("a fee is quoted") + "手数料 ".len();
    hint[start..][..hint[start..].find('円').unwrap()].to_string()
}

fn audit_actions(world: &World) -> Vec<(String, Option<String>)> {
    let config = madoguchi::config::Config::from_vars(&world.vars()).unwrap();
    let db = madoguchi::startup::open_database(&config).unwrap();
    db.with_reader(|c| {
        Ok(audit_events::table
            .filter(audit_events::action.like("fees.%"))
            .order(audit_events::at.asc())
            .select((audit_events::action, audit_events::target))
            .load(c)?)
    })
    .unwrap()
}

#[tokio::test]
async fn an_administrator_schedules_a_fee_change_that_applies_from_its_day() {
    let world = World::new();
    let app = spawn_portal(&world, "private").await;
    let admin = app.staff(Role::Admin, "admin@example.jp").await;
    let boss = app.staff(Role::Approver, "boss@example.jp").await;
    assert_eq!(
        app.get_with(&boss.client, "/staff/admin/fees").await.status,
        403
    );

    let shown = app.get_with(&admin.client, "/staff/admin/fees").await;
    assert_eq!(shown.status, 200);
    assert!(shown.body.contains("id=\"schedule-2022-04-01\""));
    assert!(
        shown.body.contains("適用中"),
        "the profile's schedule is in force"
    );
    assert_eq!(input_value(&shown.body, "fee_disclosure_standard"), "1000");
    assert_eq!(input_value(&shown.body, "fee_disclosure_online"), "800");
    assert!(
        !shown.body.contains("fee_correction_"),
        "correction may carry no fee"
    );
    assert_eq!(quoted_online_fee(&app).await, "800");

    let today = jst_today();
    let tomorrow = (today + chrono::Duration::days(1)).to_string();
    // Bad input: a day that is not in the future, amounts that are not amounts, nothing to pay
    // with; each explained next to its field, everything typed kept.
    let bad = post_form(
        &app,
        &admin.client,
        "/staff/admin/fees",
        &filled(
            &shown.body,
            &[
                ("effective_from", &today.to_string()),
                ("fee_disclosure_standard", "千円"),
                ("page_a4_mono", "-5"),
                ("disc_fee", "2000000"),
            ],
        ),
    )
    .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(
        bad.body
            .contains("金額は0以上の整数（円）で入力してください")
    );
    assert!(bad.body.contains("1,000,000円以下で入力してください"));
    assert_eq!(input_value(&bad.body, "fee_disclosure_standard"), "千円");
    assert_eq!(input_value(&bad.body, "disc_fee"), "2000000");
    let past = post_form(
        &app,
        &admin.client,
        "/staff/admin/fees",
        &filled(&shown.body, &[("effective_from", &today.to_string())]),
    )
    .await;
    assert_eq!(past.status, 422);
    assert!(past.body.contains("適用開始日は明日以降にしてください"));
    let unpayable = post_form(
        &app,
        &admin.client,
        "/staff/admin/fees",
        &filled(
            &shown.body,
            &[
                ("effective_from", &tomorrow),
                ("method_bank_transfer", ""),
                ("method_postal_money_order", ""),
            ],
        ),
    )
    .await;
    assert_eq!(unpayable.status, 422);
    assert!(unpayable.body.contains("支払方法を1つ以上選んでください"));
    let missing = post_form(
        &app,
        &admin.client,
        "/staff/admin/fees",
        &filled(&shown.body, &[]),
    )
    .await;
    assert_eq!(missing.status, 422);
    assert!(missing.body.contains("適用開始日を入力してください"));
    assert!(
        audit_actions(&world).is_empty(),
        "nothing refused was recorded"
    );

    // Amounts typed as people type them: full-width digits, a comma, a yen sign.
    let added = post_form(
        &app,
        &admin.client,
        "/staff/admin/fees",
        &filled(
            &shown.body,
            &[
                ("effective_from", &tomorrow),
                ("fee_disclosure_standard", "１，２００円"),
                ("fee_disclosure_online", "¥900"),
            ],
        ),
    )
    .await;
    assert_eq!(added.status, 200, "{}", added.body);
    assert!(added.body.contains("新しい設定を追加しました"));
    assert!(added.body.contains(&format!("id=\"schedule-{tomorrow}\"")));
    assert!(added.body.contains("適用予定"));
    assert!(added.body.contains("1200円 / オンライン 900円"));
    assert_eq!(
        quoted_online_fee(&app).await,
        "800",
        "today's requests keep today's fee"
    );
    let twice = post_form(
        &app,
        &admin.client,
        "/staff/admin/fees",
        &filled(&shown.body, &[("effective_from", &tomorrow)]),
    )
    .await;
    assert_eq!(twice.status, 422);
    assert!(twice.body.contains("その日から始まる設定がすでにあります"));

    // A second scheduled change is withdrawn before its day.
    let later = (today + chrono::Duration::days(30)).to_string();
    let second = post_form(
        &app,
        &admin.client,
        "/staff/admin/fees",
        &filled(&shown.body, &[("effective_from", &later)]),
    )
    .await;
    assert_eq!(second.status, 200);
    let withdrawn = post_form(
        &app,
        &admin.client,
        "/staff/admin/fees/withdraw",
        &[("effective_from".into(), later.clone())],
    )
    .await;
    assert_eq!(withdrawn.status, 200);
    assert!(withdrawn.body.contains("適用予定の設定を取り消しました"));
    assert!(!withdrawn.body.contains(&format!("id=\"schedule-{later}\"")));

    // Time passes: the added schedule's day comes, and the quotes follow it.
    app.clock.advance(chrono::Duration::days(1));
    let signed_in = app
        .sign_in(
            &admin.client,
            "admin@example.jp",
            crate::workspace::PASSWORD,
        )
        .await;
    assert_eq!(signed_in.status, 303, "signed in again a day later");
    let mut quoted = String::new();
    for _ in 0..40 {
        quoted = quoted_online_fee(&app).await;
        if quoted == "900" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(quoted, "900", "the new schedule applies from its day");
    let in_force = post_form(
        &app,
        &admin.client,
        "/staff/admin/fees/withdraw",
        &[("effective_from".into(), tomorrow.clone())],
    )
    .await;
    assert_eq!(in_force.status, 422);
    assert!(in_force.body.contains("その設定は取り消せません"));

    assert_eq!(
        audit_actions(&world),
        vec![
            ("fees.schedule_added".to_string(), Some(tomorrow.clone())),
            ("fees.schedule_added".to_string(), Some(later.clone())),
            ("fees.schedule_withdrawn".to_string(), Some(later)),
        ]
    );
}

/// Walks the request form (a principal's disclosure request) to the delivery and review steps;
/// returns (delivery, review) pages.
pub async fn delivery_and_review(app: &TestApp) -> (Page, Page) {
    app.submit(
        "/request",
        "/request",
        &[
            ("kind", "disclosure"),
            ("requester_type", "principal"),
            ("consent", "2026-11-21"),
        ],
    )
    .await;
    app.submit(
        "/request/person",
        "/request/person",
        &crate::workspace::person("hanako@example.jp"),
    )
    .await;
    app.submit(
        "/request/content",
        "/request/content",
        &[("data_description", "診療記録"), ("period", "2024年")],
    )
    .await;
    let delivery = app.get("/request/delivery").await;
    let method = if delivery.body.contains("value=\"paper_by_post\"") {
        "paper_by_post"
    } else {
        "electronic_download"
    };
    app.submit(
        "/request/delivery",
        "/request/delivery",
        &[("delivery", method)],
    )
    .await;
    let review = app.get("/request/review").await;
    assert_eq!(review.status, 200);
    (delivery, review)
}

const PROVISIONAL_NOTE: &str = "表示している手数料の額は仮のもので";

fn marks_fees_provisional(body: &str) -> bool {
    body.contains("id=\"fee-provisional\"") && body.contains(PROVISIONAL_NOTE)
}

/// docs/fees.md §9: national amounts come from statute and J-MIMO's from its seed, so their pages
/// never mark them; Kanagawa's are built-in defaults, marked provisional on the start, delivery
/// and review pages until an administrator confirms the schedule (audited, with who and when).
#[tokio::test]
async fn fees_nobody_confirmed_are_shown_as_provisional_until_an_administrator_confirms_them() {
    for profile in ["national", "jmimo"] {
        let world = World::new();
        let app = spawn_portal(&world, profile).await;
        let start = app.get("/request").await;
        assert_eq!(start.status, 200);
        assert!(!marks_fees_provisional(&start.body), "{profile} start");
        assert!(!start.body.contains("（仮）"), "{profile} start");
        let (delivery, review) = delivery_and_review(&app).await;
        assert!(
            !marks_fees_provisional(&delivery.body),
            "{profile} delivery"
        );
        assert!(!marks_fees_provisional(&review.body), "{profile} review");
        let admin = app.staff(Role::Admin, "admin@example.jp").await;
        let shown = app.get_with(&admin.client, "/staff/admin/fees").await;
        assert!(!shown.body.contains("未確認"), "{profile}");
        assert!(
            !shown.body.contains("/staff/admin/fees/confirm"),
            "{profile}"
        );
        let source = if profile == "national" {
            "法令（APPI Art. 89(1)"
        } else {
            "公表資料 004"
        };
        assert!(shown.body.contains(source), "{profile} shows its source");
    }

    let world = World::new();
    let app = spawn_portal(&world, "kanagawa").await;
    let start = app.get("/request").await;
    assert!(marks_fees_provisional(&start.body));
    assert!(
        start.body.contains("手数料なし（仮）"),
        "even 'no fee' is provisional"
    );
    let (delivery, review) = delivery_and_review(&app).await;
    assert!(marks_fees_provisional(&delivery.body));
    assert!(delivery.body.contains("円）（仮）"));
    assert!(marks_fees_provisional(&review.body));

    let admin = app.staff(Role::Admin, "admin@example.jp").await;
    let boss = app.staff(Role::Approver, "boss@example.jp").await;
    let shown = app.get_with(&admin.client, "/staff/admin/fees").await;
    assert!(shown.body.contains("未確認"));
    assert!(shown.body.contains("action=\"/staff/admin/fees/confirm\""));
    let confirm = [("effective_from".to_string(), "2023-04-01".to_string())];
    // Only an administrator may confirm.
    let boss_csrf = csrf_of(&app.get_with(&boss.client, "/staff/security").await.body);
    let refused = app
        .post_with(
            &boss.client,
            "/staff/admin/fees/confirm",
            &[("csrf", &boss_csrf), ("effective_from", "2023-04-01")],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert!(marks_fees_provisional(&app.get("/request").await.body));

    let confirmed = post_form(&app, &admin.client, "/staff/admin/fees/confirm", &confirm).await;
    assert_eq!(confirmed.status, 200);
    assert!(confirmed.body.contains("確認済みにしました"));
    assert!(!confirmed.body.contains("未確認"));
    assert!(
        confirmed.body.contains("が確認（"),
        "who confirmed, and when"
    );
    assert_eq!(
        audit_actions(&world),
        [(
            "fees.schedule_confirmed".to_string(),
            Some("kanagawa:2023-04-01".to_string())
        )]
    );
    let start = app.get("/request").await;
    assert!(!marks_fees_provisional(&start.body));
    assert!(!start.body.contains("（仮）"));
    assert!(start.body.contains("手数料なし"));
    let (delivery, review) = delivery_and_review(&app).await;
    assert!(!marks_fees_provisional(&delivery.body));
    assert!(!marks_fees_provisional(&review.body));

    // Confirming again is refused with a reason, and not audited twice.
    let again = post_form(&app, &admin.client, "/staff/admin/fees/confirm", &confirm).await;
    assert_eq!(again.status, 422);
    assert!(again.body.contains("その設定は確認できません"));
    assert_eq!(audit_actions(&world).len(), 1);
}
