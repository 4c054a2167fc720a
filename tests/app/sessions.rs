//! Staff sessions kept on the server, and the second factor: a cookie saved before signing out
//! opens nothing, idle sessions end, TOTP codes work once, recovery codes stand in for a lost
//! phone, and an administrator can require a second factor per role.

use std::sync::Arc;

use chrono::Duration;
use madoguchi::auth::totp;
use madoguchi::domain::role::Role;
use reqwest::cookie::CookieStore;

use crate::helpers::{TestApp, World, csrf_of};
use crate::workspace::PASSWORD;

/// A client whose cookies the test can read (to replay them later from another client).
fn client_with_jar() -> (reqwest::Client, Arc<reqwest::cookie::Jar>) {
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    (client, jar)
}

async fn status_with_cookie(app: &TestApp, cookie: &str, path: &str) -> u16 {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url(path))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_cookie_saved_before_signing_out_opens_nothing_after() {
    let world = World::new();
    let app = world.spawn().await;
    app.create_first_admin("admin@example.jp", PASSWORD).await;
    let (clerk, jar) = client_with_jar();
    assert_eq!(
        app.sign_in(&clerk, "admin@example.jp", PASSWORD)
            .await
            .status,
        303
    );
    let url = reqwest::Url::parse(&app.url("/staff")).unwrap();
    let saved = jar
        .cookies(&url)
        .expect("a session cookie")
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(status_with_cookie(&app, &saved, "/staff").await, 200);
    assert_eq!(
        status_with_cookie(&app, &saved, "/staff/admin/staff").await,
        200
    );

    let csrf = csrf_of(&app.get_with(&clerk, "/staff").await.body);
    let out = app
        .post_with(&clerk, "/staff/logout", &[("csrf", &csrf)])
        .await;
    assert_eq!(out.status, 303);
    for path in ["/staff", "/staff/admin/staff", "/staff/trail"] {
        assert_eq!(
            status_with_cookie(&app, &saved, path).await,
            303,
            "{path}: the replayed cookie is signed out"
        );
    }
    assert_eq!(
        world.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'staff.signed_out'"),
        1
    );
}

#[tokio::test]
async fn a_session_ends_after_the_idle_limit_on_the_apps_clock() {
    let world = World::new();
    let app = world.spawn().await;
    app.create_first_admin("admin@example.jp", PASSWORD).await;
    assert_eq!(app.get("/staff").await.status, 200);
    // The default idle limit is 30 minutes; activity before it keeps the session.
    app.clock.advance(Duration::minutes(20));
    assert_eq!(app.get("/staff").await.status, 200);
    app.clock.advance(Duration::minutes(20));
    assert_eq!(app.get("/staff").await.status, 200, "seen 20 minutes ago");
    app.clock.advance(Duration::minutes(31));
    let expired = app.get("/staff").await;
    assert_eq!(expired.status, 303);
    assert_eq!(
        expired.location.as_deref(),
        Some("/staff/login?next=/staff")
    );
}

/// The base32 key the setup page shows, as the bytes an app would hold.
fn secret_on(page: &str) -> Vec<u8> {
    let marker = "<code class=\"secret\">";
    let start = page.find(marker).expect("the key to type") + marker.len();
    let typed: String = page[start..][..page[start..].find('<').unwrap()]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    totp_rs::Secret::Encoded(typed).to_bytes().expect("base32")
}

/// Sets up a second factor on `client`'s account from its security page; returns the secret
/// the app would hold, the time its first code was taken for, and the page with the recovery
/// codes.
async fn enable_second_factor(app: &TestApp, client: &reqwest::Client) -> (Vec<u8>, i64, String) {
    let setup = app.get_with(client, "/staff/security").await;
    let secret = secret_on(&setup.body);
    let now = chrono::Utc::now().timestamp();
    let enabled = app
        .post_with(
            client,
            "/staff/security/enable",
            &[
                ("csrf", &csrf_of(&setup.body)),
                ("code", &totp::code_at(&secret, now)),
            ],
        )
        .await;
    assert_eq!(enabled.status, 200, "{}", enabled.body);
    (secret, now, enabled.body)
}

fn recovery_codes_on(page: &str) -> Vec<String> {
    page.split("<li><code>")
        .skip(1)
        .map(|rest| rest[..rest.find('<').unwrap()].to_string())
        .collect()
}

async fn sign_in_with_code(app: &TestApp, client: &reqwest::Client, code: &str) -> u16 {
    let password = app.sign_in(client, "boss@example.jp", PASSWORD).await;
    assert_eq!(
        password.location.as_deref(),
        Some("/staff/login/code"),
        "{}",
        password.body
    );
    let form = app.get_with(client, "/staff/login/code").await;
    assert!(form.body.contains("autocomplete=\"one-time-code\""));
    let answered = app
        .post_with(
            client,
            "/staff/login/code",
            &[("csrf", &csrf_of(&form.body)), ("code", code)],
        )
        .await;
    answered.status
}

#[tokio::test]
async fn a_second_factor_is_set_up_used_once_per_code_and_recovered() {
    let world = World::new();
    let app = world.spawn().await;
    let admin = app.staff(Role::Admin, "admin@example.jp").await;
    let boss = app.staff(Role::Approver, "boss@example.jp").await;

    // The administrator requires a second factor of approvers: the approver is sent to set one
    // up before anything else.
    let shown = app.get_with(&admin.client, "/staff/admin/security").await;
    assert_eq!(shown.status, 200);
    let saved = app
        .post_with(
            &admin.client,
            "/staff/admin/security",
            &[
                ("csrf", &csrf_of(&shown.body)),
                ("role", "admin"),
                ("role", "approver"),
            ],
        )
        .await;
    assert_eq!(
        saved.location.as_deref(),
        Some("/staff/admin/security?saved=1")
    );
    let sent = app.get_with(&boss.client, "/staff/dashboard").await;
    assert_eq!(sent.location.as_deref(), Some("/staff/security"));

    let setup = app.get_with(&boss.client, "/staff/security").await;
    assert!(setup.body.contains("<svg"), "a QR code");
    let secret = secret_on(&setup.body);
    let now = chrono::Utc::now().timestamp();
    let wrong = app
        .post_with(
            &boss.client,
            "/staff/security/enable",
            &[("csrf", &csrf_of(&setup.body)), ("code", "000000")],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("コードが正しくないか"));
    let enabled = app
        .post_with(
            &boss.client,
            "/staff/security/enable",
            &[
                ("csrf", &csrf_of(&setup.body)),
                ("code", &totp::code_at(&secret, now)),
            ],
        )
        .await;
    assert_eq!(enabled.status, 200, "{}", enabled.body);
    let codes = recovery_codes_on(&enabled.body);
    assert_eq!(codes.len(), 10);
    assert_eq!(
        app.get_with(&boss.client, "/staff/dashboard").await.status,
        200
    );

    // Signing in now takes a code after the password; the code the setup used is spent, the
    // next step's code works once.
    let phone = crate::helpers::client();
    assert_eq!(
        sign_in_with_code(&app, &phone, &totp::code_at(&secret, now)).await,
        422,
        "the setup's code is spent"
    );
    let next = totp::code_at(&secret, now + 30);
    assert_eq!(sign_in_with_code(&app, &phone, &next).await, 303);
    assert_eq!(app.get_with(&phone, "/staff/dashboard").await.status, 200);
    let other = crate::helpers::client();
    assert_eq!(
        sign_in_with_code(&app, &other, &next).await,
        422,
        "a code works once"
    );

    // A recovery code works once, typed in capitals without its hyphen.
    let laptop = crate::helpers::client();
    let typed = codes[0].to_uppercase().replace('-', "");
    assert_eq!(sign_in_with_code(&app, &laptop, &typed).await, 303);
    let again = crate::helpers::client();
    assert_eq!(sign_in_with_code(&app, &again, &codes[0]).await, 422);

    // Without the password's step, the code page sends the visitor to sign in.
    let stranger = crate::helpers::client();
    let code_page = app.get_with(&stranger, "/staff/login/code").await;
    assert_eq!(code_page.location.as_deref(), Some("/staff/login"));

    // The role requires it: it cannot be turned off.
    let page = app.get_with(&boss.client, "/staff/security").await;
    assert!(page.body.contains("解除できません"));
    assert!(!page.body.contains("/staff/security/disable"));
    assert_eq!(
        world.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'staff.mfa_enabled'"),
        1
    );
    assert!(
        world.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'staff.mfa_failed'")
            >= 3
    );

    // A lost phone: an administrator (who must now set up their own first) resets it from the
    // staff page; the approver's sessions end and the next sign-in asks to set one up again.
    enable_second_factor(&app, &admin.client).await;
    let staff_page = app.get_with(&admin.client, "/staff/admin/staff").await;
    assert!(
        staff_page.body.contains("二要素認証をリセット"),
        "{}",
        staff_page.body
    );
    let boss_id = staff_page
        .body
        .split("<tr id=\"account-")
        .find(|row| row.contains("boss@example.jp"))
        .and_then(|row| row.split('"').next())
        .unwrap()
        .to_string();
    let reset = app
        .post_with(
            &admin.client,
            &format!("/staff/admin/staff/{boss_id}/second-factor"),
            &[("csrf", &csrf_of(&staff_page.body))],
        )
        .await;
    assert_eq!(
        reset.location.as_deref(),
        Some("/staff/admin/staff?mfa_reset=1")
    );
    assert_eq!(
        app.get_with(&phone, "/staff/dashboard").await.status,
        303,
        "the approver's sessions ended"
    );
    let fresh = crate::helpers::client();
    let again = app.sign_in(&fresh, "boss@example.jp", PASSWORD).await;
    assert_eq!(again.location.as_deref(), Some("/staff"), "no code asked");
    assert_eq!(
        app.get_with(&fresh, "/staff/dashboard")
            .await
            .location
            .as_deref(),
        Some("/staff/security"),
        "the role still requires one: set it up again"
    );
    assert_eq!(
        world.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'staff.mfa_reset'"),
        1
    );
}

#[tokio::test]
async fn code_guesses_count_against_the_same_lock_as_passwords() {
    let world = World::new();
    let app = world.spawn().await;
    let boss = app.staff(Role::Approver, "boss@example.jp").await;
    enable_second_factor(&app, &boss.client).await;
    // Five wrong codes, each after a right password: the password does not buy fresh tries.
    for _ in 0..madoguchi::service::accounts::LOCK_AFTER_FAILURES {
        let guesser = crate::helpers::client();
        assert_eq!(sign_in_with_code(&app, &guesser, "123456").await, 422);
    }
    let late = crate::helpers::client();
    let refused = app.sign_in(&late, "boss@example.jp", PASSWORD).await;
    assert_eq!(refused.status, 422, "locked: {:?}", refused.location);
    assert!(refused.body.contains("サインインできませんでした"));
}
