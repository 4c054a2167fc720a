use chrono::{Duration, Utc};
use madoguchi::config::Config;
use madoguchi::service::accounts;
use madoguchi::startup::open_database;

use crate::helpers::{World, client, csrf_of};

const PASSWORD: &str = "a long enough passphrase";

#[tokio::test]
async fn the_setup_link_creates_the_first_administrator_once() {
    let world = World::new();
    let app = world.spawn().await;
    let link = app
        .setup_link
        .clone()
        .expect("a fresh database prints a setup link");
    let form = app.get(&link).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("初期設定"));

    app.create_first_admin("Admin@Example.JP", PASSWORD).await;
    let home = app.get("/staff").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("窓口 花子"));
    assert!(
        home.body.contains("admin@example.jp"),
        "e-mail stored lower-cased"
    );
    assert!(home.body.contains("管理者"));

    let again = app.get(&link).await;
    assert_eq!(again.status, 404);
    assert!(again.body.contains("リンクが無効です"));
    let reuse = app
        .post(
            &link,
            &[
                ("csrf", &csrf_of(&app.get("/staff").await.body)),
                ("email", "intruder@example.jp"),
                ("display_name", "x"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        reuse.status, 404,
        "a used link cannot create a second account"
    );

    let restarted = world.spawn().await;
    assert!(
        restarted.setup_link.is_none(),
        "no link once an account exists"
    );
}

#[tokio::test]
async fn a_setup_form_with_errors_keeps_what_was_typed_except_passwords() {
    let app = World::new().spawn().await;
    let link = app.setup_link.clone().unwrap();
    let path = link.trim_start_matches(&app.base).to_string();
    let shown = app
        .submit(
            &path,
            &path,
            &[
                ("email", "hanako-at-example.jp"),
                ("display_name", "山田 花子"),
                ("password", "short"),
                ("password_confirm", "different"),
            ],
        )
        .await;
    assert_eq!(shown.status, 422);
    assert!(
        shown.body.contains("入力内容に問題があります"),
        "error summary"
    );
    assert!(shown.body.contains("value=\"hanako-at-example.jp\""));
    assert!(shown.body.contains("value=\"山田 花子\""));
    assert!(shown.body.contains("name@example.jp の形式"));
    assert!(shown.body.contains("12文字以上128文字以内"));
    assert!(shown.body.contains("確認用のパスワードが一致しません"));
    assert!(
        shown.body.contains("href=\"#email\""),
        "summary links to the field"
    );
    assert!(shown.body.contains("aria-invalid=\"true\""));
    assert!(
        !shown.body.contains("short") && !shown.body.contains("different"),
        "passwords are not echoed"
    );
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused_with_a_message() {
    let app = World::new().spawn().await;
    let link = app.setup_link.clone().unwrap();
    let refused = app
        .post(
            &link,
            &[
                ("csrf", "forged"),
                ("email", "a@example.jp"),
                ("display_name", "A"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("画面の有効期限が切れました"));
    assert!(
        app.get(&link).await.status == 200,
        "the link is still usable"
    );
}

#[tokio::test]
async fn setup_links_expire() {
    let world = World::new();
    let config = Config::from_vars(&world.vars()).unwrap();
    let db = open_database(&config).unwrap();
    let issued_at = Utc::now() - Duration::minutes(61);
    let token = accounts::setup_link_if_needed(&db, issued_at, Duration::minutes(60))
        .unwrap()
        .unwrap();
    assert!(
        !accounts::setup_link_usable(&db, &token, Utc::now())
            .await
            .unwrap()
    );
    assert!(
        accounts::setup_link_usable(&db, &token, issued_at + Duration::minutes(59))
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn staff_pages_require_sign_in_and_return_after_it() {
    let world = World::new();
    let app = world.spawn().await;
    app.create_first_admin("admin@example.jp", PASSWORD).await;

    let visitor = client();
    let redirected = app.get_with(&visitor, "/staff").await;
    assert_eq!(redirected.status, 303);
    assert_eq!(
        redirected.location.as_deref(),
        Some("/staff/login?next=/staff")
    );

    let wrong = app
        .sign_in(&visitor, "admin@example.jp", "not the password")
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("サインインできませんでした"));
    assert!(
        wrong.body.contains("value=\"admin@example.jp\""),
        "e-mail kept"
    );

    let unknown = app.sign_in(&visitor, "nobody@example.jp", PASSWORD).await;
    assert!(
        unknown.body.contains("サインインできませんでした"),
        "same message for unknown accounts"
    );

    let ok = app.sign_in(&visitor, "ADMIN@example.jp", PASSWORD).await;
    assert_eq!((ok.status, ok.location.as_deref()), (303, Some("/staff")));
    assert_eq!(app.get_with(&visitor, "/staff").await.status, 200);

    let csrf = csrf_of(&app.get_with(&visitor, "/staff").await.body);
    let out = app
        .post_with(&visitor, "/staff/logout", &[("csrf", &csrf)])
        .await;
    assert_eq!(out.status, 303);
    assert_eq!(app.get_with(&visitor, "/staff").await.status, 303);
}

#[tokio::test]
async fn repeated_failures_lock_the_account() {
    let app = World::new().spawn().await;
    app.create_first_admin("admin@example.jp", PASSWORD).await;
    let visitor = client();
    for _ in 0..accounts::LOCK_AFTER_FAILURES {
        app.sign_in(&visitor, "admin@example.jp", "wrong wrong wrong")
            .await;
    }
    let locked = app.sign_in(&visitor, "admin@example.jp", PASSWORD).await;
    assert_eq!(locked.status, 422);
    let wrong = app
        .sign_in(&client(), "nobody@example.jp", "wrong wrong wrong")
        .await;
    assert_eq!(
        error_summary(&locked.body),
        error_summary(&wrong.body),
        "a locked account answers as an unknown address does"
    );
    assert!(locked.body.contains("サインインできませんでした"));
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session() {
    let app = World::new().spawn().await;
    app.create_first_admin("admin@example.jp", PASSWORD).await;
    let laptop = client();
    let phone = client();
    app.sign_in(&laptop, "admin@example.jp", PASSWORD).await;
    app.sign_in(&phone, "admin@example.jp", PASSWORD).await;
    assert_eq!(app.get_with(&phone, "/staff").await.status, 200);

    let csrf = csrf_of(&app.get_with(&laptop, "/staff").await.body);
    let out = app
        .post_with(&laptop, "/staff/logout-everywhere", &[("csrf", &csrf)])
        .await;
    assert_eq!(out.status, 303);
    assert_eq!(
        app.get_with(&phone, "/staff").await.status,
        303,
        "the phone's cookie no longer works"
    );
}

#[tokio::test]
async fn many_failures_from_one_address_lock_the_address() {
    let app = World::new().spawn().await;
    app.create_first_admin("admin@example.jp", PASSWORD).await;
    let visitor = client();
    for n in 0..accounts::ADDRESS_LOCK_AFTER_FAILURES {
        // Different (unknown) accounts each time: the per-account lock never triggers.
        app.sign_in(
            &visitor,
            &format!("guess{n}@example.jp"),
            "wrong wrong wrong",
        )
        .await;
    }
    let refused = app.sign_in(&client(), "admin@example.jp", PASSWORD).await;
    assert_eq!(
        refused.status, 422,
        "even the right password, from this address"
    );
    assert!(refused.body.contains("サインインできませんでした"));
}

#[tokio::test]
async fn a_password_change_checks_the_old_one_and_ends_other_sessions() {
    let app = World::new().spawn().await;
    app.create_first_admin("admin@example.jp", PASSWORD).await;
    let other_device = client();
    app.sign_in(&other_device, "admin@example.jp", PASSWORD)
        .await;
    let home = app.get("/staff").await;
    let csrf = csrf_of(&home.body);
    let wrong = app
        .post(
            "/staff/password",
            &[
                ("csrf", &csrf),
                ("current_password", "not it at all"),
                ("new_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("現在のパスワードが正しくありません"));
    let short = app
        .post(
            "/staff/password",
            &[
                ("csrf", &csrf),
                ("current_password", PASSWORD),
                ("new_password", "short"),
            ],
        )
        .await;
    assert!(short.body.contains("12文字以上128文字以内"));
    let changed = app
        .post(
            "/staff/password",
            &[
                ("csrf", &csrf),
                ("current_password", PASSWORD),
                ("new_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(changed.location.as_deref(), Some("/staff?changed=1"));
    assert_eq!(
        app.get("/staff").await.status,
        200,
        "this session continues"
    );
    assert_eq!(
        app.get_with(&other_device, "/staff").await.status,
        303,
        "others end"
    );
    let old = app.sign_in(&client(), "admin@example.jp", PASSWORD).await;
    assert_eq!(old.status, 422);
    let new = app
        .sign_in(&client(), "admin@example.jp", "a brand new passphrase")
        .await;
    assert_eq!(new.status, 303);
}

/// The error summary of a page (what the person is told), without the rest of the page.
fn error_summary(body: &str) -> String {
    let start = body.find("error-summary").unwrap_or(0);
    let end = body[start..]
        .find("</div>")
        .map_or(body.len(), |e| start + e);
    body[start..end].to_string()
}
