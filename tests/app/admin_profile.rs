//! The operator profile an administrator chooses and adjusts: the statutory part stays, the
//! operator's values change on every instance, a ready profile may be exchanged only before the
//! first request, and every bad value is explained with what was typed kept.

use diesel::prelude::*;
use madoguchi::db::schema::audit_events;
use madoguchi::domain::role::Role;

use crate::helpers::{Page, TestApp, World, csrf_of};
use crate::portal::spawn_portal;
use crate::retention::instance;
use crate::uploads::received_case;

fn audited(world: &World, action: &str) -> Vec<Option<String>> {
    let (db, _) = instance(world);
    db.with_reader(|c| {
        Ok(audit_events::table
            .filter(audit_events::action.eq(action))
            .order(audit_events::at.asc())
            .select(audit_events::target)
            .load(c)?)
    })
    .unwrap()
}

/// The value of the input named `name` (whatever attributes stand between).
fn value_of(html: &str, name: &str) -> String {
    let from = html
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no {name} field"));
    let rest = &html[from..];
    let start = rest.find("value=\"").unwrap() + 7;
    rest[start..][..rest[start..].find('"').unwrap()].to_string()
}

/// The profile form as shown, with `changes` over it and the boxes in `ticked` ticked instead.
async fn adjust(
    app: &TestApp,
    admin: &reqwest::Client,
    changes: &[(&str, &str)],
    ticked: &[&str],
    revision: Option<&str>,
) -> Page {
    let shown = app.get_with(admin, "/staff/admin/profile").await;
    let csrf = csrf_of(&shown.body);
    let revision = revision.map_or_else(|| value_of(&shown.body, "revision"), str::to_string);
    let mut form: Vec<(String, String)> =
        vec![("csrf".into(), csrf), ("revision".into(), revision)];
    for name in [
        "operator_name_ja",
        "operator_name_en",
        "office_hours_ja",
        "office_hours_en",
        "due_soon_office_days",
        "correction_reply_days",
        "unconfirmed_expiry_hours",
        "auto_dismiss_office_days",
        "phone",
        "freephone",
        "email",
        "web_form",
        "postal_postcode",
        "postal_ja",
        "postal_en",
        "originals_postcode",
        "originals_ja",
        "originals_en",
    ] {
        let value = changes
            .iter()
            .find(|(n, _)| *n == name)
            .map_or_else(|| value_of(&shown.body, name), |(_, v)| v.to_string());
        form.push((name.into(), value));
    }
    for name in ticked {
        form.push((name.to_string(), "on".into()));
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.post_with(admin, "/staff/admin/profile", &pairs).await
}

async fn choose(app: &TestApp, admin: &reqwest::Client, name: &str) -> Page {
    let shown = app.get_with(admin, "/staff/admin/profile").await;
    let csrf = csrf_of(&shown.body);
    let revision = value_of(&shown.body, "revision");
    app.post_with(
        admin,
        "/staff/admin/profile/choose",
        &[
            ("csrf", csrf.as_str()),
            ("revision", revision.as_str()),
            ("ready_profile", name),
        ],
    )
    .await
}

/// Polls `path` on `app` until its page contains `text` (another instance refreshes within 5 s).
pub async fn eventually_shows(app: &TestApp, path: &str, text: &str) -> Page {
    for _ in 0..40 {
        let page = app.get(path).await;
        if page.body.contains(text) {
            return page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    panic!("{path} never showed {text}");
}

#[tokio::test]
async fn an_administrator_chooses_and_adjusts_the_operator_profile_on_every_instance() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let other = spawn_portal(&world, "national").await;
    let admin = app.staff(Role::Admin, "admin@example.jp").await;
    let boss = app.staff(Role::Approver, "boss@example.jp").await;

    assert_eq!(
        app.get_with(&boss.client, "/staff/admin/profile")
            .await
            .status,
        403
    );
    let shown = app.get_with(&admin.client, "/staff/admin/profile").await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert!(shown.body.contains("id=\"operator-name\">国の行政機関<"));
    assert!(shown.body.contains("<code>national</code>"));
    assert!(shown.body.contains("未設定"));
    assert!(
        !other
            .get("/request")
            .await
            .body
            .contains("id=\"kind-purpose_notice\""),
        "a national body takes no purpose-notice requests"
    );

    // Before any request, a ready profile may be exchanged: its kinds and fees apply everywhere.
    let chosen = choose(&app, &admin.client, "private").await;
    assert_eq!(chosen.status, 200, "{}", chosen.body);
    assert!(chosen.body.contains("既製プロファイルを切り替えました"));
    assert!(chosen.body.contains("<code>private</code>"));
    assert!(
        chosen
            .body
            .contains("id=\"operator-name\">個人情報取扱事業者<")
    );
    assert_eq!(
        audited(&world, "profile.chosen"),
        [Some("national->private".into())]
    );
    let start = eventually_shows(&other, "/request", "id=\"kind-purpose_notice\"").await;
    // The private profile's fee for an online disclosure request (the national one is 200円).
    assert!(start.body.contains("手数料 800円"), "{}", start.body);

    // Bad values: each explained next to its field, everything typed kept, nothing saved.
    let long_hours = "x".repeat(201);
    let refused = adjust(
        &app,
        &admin.client,
        &[
            ("operator_name_ja", "　"),
            ("office_hours_en", &long_hours),
            ("due_soon_office_days", "0"),
            ("correction_reply_days", "二週間"),
            ("unconfirmed_expiry_hours", ""),
            ("auto_dismiss_office_days", "31"),
        ],
        &["delivery_paper_by_post"],
        None,
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    for message in [
        "運営者名（日本語）を入力してください。",
        "受付時間（英語）は200字以内にしてください。",
        "受け付ける請求の種類を1つ以上選んでください。",
        "期限が近いと表示する日数は1〜20の開庁日にしてください。",
        "日数は数字で入力してください（例: 14）。",
        "時間数を入力してください。",
        "自動で却下するまでの日数は0〜30の開庁日にしてください（0は職員が判断）。",
    ] {
        assert!(refused.body.contains(message), "{message}");
    }
    assert!(refused.body.contains("value=\"二週間\""));
    assert!(refused.body.contains("aria-invalid=\"true\""));
    assert!(audited(&world, "profile.adjusted").is_empty());

    // Good values, typed as people type them.
    let saved = adjust(
        &app,
        &admin.client,
        &[
            ("operator_name_ja", " 架空医療情報センター "),
            ("operator_name_en", "Fictional Health Data Centre"),
            ("office_hours_ja", "平日 9:00〜16:00"),
            ("due_soon_office_days", "５"),
            ("correction_reply_days", "21日"),
            ("unconfirmed_expiry_hours", "48"),
            ("auto_dismiss_office_days", "５開庁日"),
        ],
        &[
            "kind_disclosure",
            "kind_correction",
            "delivery_paper_by_post",
        ],
        None,
    )
    .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert!(saved.body.contains("運営者の設定を保存しました"));
    assert!(
        saved
            .body
            .contains("id=\"operator-name\">架空医療情報センター<")
    );
    assert_eq!(value_of(&saved.body, "correction_reply_days"), "21");
    assert_eq!(value_of(&saved.body, "auto_dismiss_office_days"), "5");
    assert!(
        saved
            .body
            .contains("id=\"kind_correction\" name=\"kind_correction\" value=\"on\" checked")
    );
    assert!(
        !saved.body.contains(
            "id=\"kind_purpose_notice\" name=\"kind_purpose_notice\" value=\"on\" checked"
        )
    );
    assert_eq!(
        audited(&world, "profile.adjusted"),
        [Some(
            "private:operator_name_ja,operator_name_en,office_hours_ja,kinds_offered,\
             delivery_methods,due_soon_office_days,correction_reply_days,unconfirmed_expiry_hours,\
             auto_dismiss_office_days"
                .into()
        )]
    );
    // The other instance offers what was saved within seconds.
    let start = eventually_shows(&other, "/request", "平日 9:00〜16:00").await;
    assert!(!start.body.contains("id=\"kind-purpose_notice\""));

    // A form rendered before that save is refused, with what was typed kept.
    let stale = adjust(
        &app,
        &admin.client,
        &[("operator_name_ja", "古いフォーム")],
        &["kind_disclosure", "delivery_paper_by_post"],
        Some("1"),
    )
    .await;
    assert_eq!(stale.status, 422, "{}", stale.body);
    assert!(
        stale
            .body
            .contains("他の管理者が先にプロファイルを変更しました")
    );
    assert!(stale.body.contains("value=\"古いフォーム\""));
    assert_eq!(audited(&world, "profile.adjusted").len(), 1);

    // Once a request is received the ready profile stays.
    received_case(&other, &world).await;
    let closed = app.get_with(&admin.client, "/staff/admin/profile").await;
    assert!(closed.body.contains("id=\"exchange-closed\""));
    assert!(!closed.body.contains("/staff/admin/profile/choose"));
    let refused = app
        .post_with(
            &admin.client,
            "/staff/admin/profile/choose",
            &[
                ("csrf", csrf_of(&closed.body).as_str()),
                ("revision", value_of(&closed.body, "revision").as_str()),
                ("ready_profile", "national"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("請求をすでに受け付けているため"));
    assert!(refused.body.contains("<code>private</code>"));
    assert_eq!(audited(&world, "profile.chosen").len(), 1);

    // A restarted instance keeps the administrator's choice over MADOGUCHI_PROFILE.
    let restarted = spawn_portal(&world, "national").await;
    assert!(
        restarted
            .get("/request")
            .await
            .body
            .contains("平日 9:00〜16:00")
    );
}

/// Office values: administrators see each one's source and which are placeholders; the public sees
/// a placeholder only once it is confirmed or typed, and a mistyped address is explained.
#[tokio::test]
async fn administrators_confirm_the_office_values_the_public_is_then_shown() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let admin = app.staff(Role::Admin, "office-admin@example.jp").await;
    let shown = app.get_with(&admin.client, "/staff/admin/profile").await;
    assert!(shown.body.contains("id=\"office-values\""));
    assert!(shown.body.contains("要確認"));
    assert!(shown.body.contains("行政機関の休日に関する法律第1条"));
    let start = app.get("/request").await;
    assert!(!start.body.contains("soudan@"), "no mail address yet");

    let refused = adjust(
        &app,
        &admin.client,
        &[
            ("email", "soudan.example.jp"),
            ("originals_postcode", "1000013"),
        ],
        &["kind_disclosure", "delivery_counter"],
        None,
    )
    .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .body
            .contains("メールアドレスの形式で入力してください")
    );
    assert!(refused.body.contains("123-4567 の形で"));
    assert!(
        refused.body.contains("value=\"soudan.example.jp\""),
        "typed value kept"
    );

    let saved = adjust(
        &app,
        &admin.client,
        &[
            ("email", "soudan@example.go.jp"),
            ("originals_postcode", "100-0013"),
            ("originals_ja", "東京都千代田区霞が関1-1-1"),
        ],
        &[
            "kind_disclosure",
            "kind_correction",
            "kind_suspension",
            "delivery_counter",
            "confirm_desk",
        ],
        None,
    )
    .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let start = app.get("/request").await;
    assert!(start.body.contains("soudan@example.go.jp"));
    assert!(
        start.body.contains("お問い合わせ窓口"),
        "the confirmed desk name"
    );
    let page = app.get_with(&admin.client, "/staff/admin/profile").await;
    assert!(page.body.contains("管理者が確認済み"));
}
