//! Changing the session key without signing anybody out (docs/operations.md §8): a requester's
//! draft and a staff session started under the old key survive both steps of
//! `madoguchi keys rotate-session`, also while an instance not yet restarted serves beside a
//! restarted one; a cookie under the old key comes back under the new one; a cookie under a key
//! nobody knows is simply no session.

use std::sync::Arc;

use actix_web::cookie::Key;
use base64::Engine;
use madoguchi::web::session_keys::{COOKIE_NAME, open, seal};
use reqwest::cookie::CookieStore;

use crate::audit_log::madoguchi;
use crate::helpers::{TestApp, World, csrf_of};
use crate::workspace::PASSWORD;

fn client_with_jar() -> (reqwest::Client, Arc<reqwest::cookie::Jar>) {
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    (client, jar)
}

fn key_file(world: &World, name: &str) -> Key {
    let encoded = std::fs::read_to_string(world.data_dir.path().join(name)).expect(name);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .expect("base64");
    Key::from(&bytes)
}

/// The session cookie's value in `jar` (cookies do not depend on the port).
fn session_cookie(jar: &reqwest::cookie::Jar, app: &TestApp) -> String {
    let url = reqwest::Url::parse(&app.url("/")).unwrap();
    let header = jar.cookies(&url).expect("cookies");
    header
        .to_str()
        .unwrap()
        .split("; ")
        .find_map(|pair| pair.strip_prefix(&format!("{COOKIE_NAME}=")))
        .map(decoded)
        .expect("a session cookie")
}

/// A cookie value as sent (percent-encoded), as the server reads it.
fn decoded(value: &str) -> String {
    actix_web::cookie::Cookie::parse_encoded(format!("{COOKIE_NAME}={value}"))
        .expect("a cookie")
        .value()
        .to_string()
}

/// A session's content (a map, serialized in no fixed order).
fn state(content: &str) -> serde_json::Value {
    serde_json::from_str(content).expect("a session's content is JSON")
}

fn rotate_session(world: &World) -> String {
    let out = madoguchi(world)
        .args(["keys", "rotate-session"])
        .output()
        .expect("madoguchi runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// GET `path` with only `cookie`: the status, where it sends, and the session cookie it sets.
async fn get_with_cookie(
    app: &TestApp,
    cookie: &str,
    path: &str,
) -> (u16, Option<String>, Option<String>) {
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url(path))
        .header("cookie", format!("{COOKIE_NAME}={cookie}"))
        .send()
        .await
        .unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| {
                if name == "set-cookie" {
                    v.strip_prefix(&format!("{COOKIE_NAME}="))
                        .and_then(|rest| rest.split(';').next())
                        .map(decoded)
                } else {
                    Some(v.to_string())
                }
            })
    };
    (
        response.status().as_u16(),
        header("location"),
        header("set-cookie"),
    )
}

async fn start_draft(app: &TestApp, requester: &reqwest::Client) {
    let shown = app.get_with(requester, "/request").await;
    let started = app
        .post_with(
            requester,
            "/request",
            &[
                ("csrf", &csrf_of(&shown.body)),
                ("kind", "disclosure"),
                ("requester_type", "principal"),
                ("consent", "2026-11-21"),
            ],
        )
        .await;
    assert_eq!(started.location.as_deref(), Some("/request/person"));
    let shown = app.get_with(requester, "/request/person").await;
    let csrf = csrf_of(&shown.body);
    let person = app
        .post_with(
            requester,
            "/request/person",
            &[
                ("csrf", csrf.as_str()),
                ("name", "山田 花子"),
                ("name_kana", "やまだ はなこ"),
                ("birth_date", "1990/4/1"),
                ("postal_code", "２３１８５８８"),
                ("address", "神奈川県横浜市中区日本大通1"),
                ("phone", "045-210-1111"),
                ("email", "hanako@example.jp"),
            ],
        )
        .await;
    assert_eq!(person.location.as_deref(), Some("/request/content"));
}

async fn draft_is_kept(app: &TestApp, requester: &reqwest::Client) {
    let person = app.get_with(requester, "/request/person").await;
    assert_eq!(person.status, 200);
    assert!(
        person.body.contains("value=\"山田 花子\""),
        "the draft typed under the old key is still this browser's"
    );
}

#[tokio::test]
async fn sessions_started_under_the_old_key_survive_its_change() {
    let world = World::new();
    let first = world.spawn().await;
    first.create_first_admin("admin@example.jp", PASSWORD).await;
    let (clerk, clerk_jar) = client_with_jar();
    assert_eq!(
        first
            .sign_in(&clerk, "admin@example.jp", PASSWORD)
            .await
            .status,
        303
    );
    let (requester, requester_jar) = client_with_jar();
    start_draft(&first, &requester).await;
    let old = key_file(&world, "session.key");
    let staff_content =
        open(&old, &session_cookie(&clerk_jar, &first)).expect("sealed under the first key");

    // Step 1: every instance learns the next key before any uses it.
    assert!(rotate_session(&world).contains("session.key.next"));
    first.stop().await;
    let prepared = world.spawn().await;
    let next = key_file(&world, "session.key.next");
    assert_eq!(prepared.get_with(&clerk, "/staff").await.status, 200);
    let (status, _, _) =
        get_with_cookie(&prepared, &seal(&next, staff_content.clone()), "/staff").await;
    assert_eq!(
        status, 200,
        "a cookie an instance already on the next key sealed is read"
    );

    // Step 2: the next key takes over; `prepared` plays an instance not restarted yet.
    assert!(rotate_session(&world).contains("session.key.previous"));
    let promoted = world.spawn().await;
    assert_eq!(
        key_file(&world, "session.key").master(),
        next.master(),
        "the next key became the key"
    );
    assert_eq!(
        key_file(&world, "session.key.previous").master(),
        old.master()
    );
    let (status, _, reissued) =
        get_with_cookie(&promoted, &seal(&old, staff_content.clone()), "/staff").await;
    assert_eq!(status, 200, "the staff session survives");
    let reissued = reissued.expect("the cookie is issued again");
    assert_eq!(
        open(&next, &reissued).map(|c| state(&c)),
        Some(state(&staff_content)),
        "the same session, now under the new key"
    );
    assert_eq!(open(&old, &reissued), None, "under the new key only");
    let (status, _, _) = get_with_cookie(&prepared, &reissued, "/staff").await;
    assert_eq!(
        status, 200,
        "the instance not yet restarted reads the new cookie"
    );
    prepared.stop().await;

    // Through the browsers' own cookie jars.
    assert_eq!(promoted.get_with(&clerk, "/staff").await.status, 200);
    assert!(open(&next, &session_cookie(&clerk_jar, &promoted)).is_some());
    draft_is_kept(&promoted, &requester).await;
    let requester_cookie = session_cookie(&requester_jar, &promoted);
    assert!(open(&next, &requester_cookie).is_some());
    assert!(open(&old, &requester_cookie).is_none());

    // Without the previous key (deleted after the longest session), an old cookie is no
    // session, like a cookie under a key nobody knows: no error either way.
    promoted.stop().await;
    std::fs::remove_file(world.data_dir.path().join("session.key.previous")).unwrap();
    let later = world.spawn().await;
    for stranger in [old, Key::generate()] {
        let cookie = seal(&stranger, staff_content.clone());
        let (status, location, _) = get_with_cookie(&later, &cookie, "/staff").await;
        assert_eq!(status, 303, "sent to sign in, not an error");
        assert!(
            location.is_some_and(|l| l.starts_with("/staff/login")),
            "to the sign-in page"
        );
        assert_eq!(get_with_cookie(&later, &cookie, "/request").await.0, 200);
    }
    draft_is_kept(&later, &requester).await;
    later.stop().await;
}
