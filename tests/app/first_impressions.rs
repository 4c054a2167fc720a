//! What a newcomer, a browser's autofill and a standard tool meet first (issue #27).

use crate::helpers::{TestApp, World};
use crate::portal::spawn_portal;

async fn step(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> crate::helpers::Page {
    app.submit(path, path, fields).await
}

/// The `autocomplete` token of the input named `name`, if any.
fn autocomplete_of(body: &str, name: &str) -> Option<String> {
    let at = body.find(&format!("name=\"{name}\""))?;
    let start = body[..at].rfind("<input")?;
    let end = at + body[at..].find('>')?;
    let tag = &body[start..end];
    let token_at = tag.find("autocomplete=\"")? + "autocomplete=\"".len();
    let token_end = token_at + tag[token_at..].find('"')?;
    Some(tag[token_at..token_end].to_string())
}

#[tokio::test]
async fn every_page_has_a_description_and_an_icon_and_favicon_ico_is_served() {
    let app = World::new().spawn().await;
    let home = app.get("/").await;
    assert!(home.body.contains("<meta name=\"description\" content=\""));
    assert!(home.body.contains("rel=\"icon\""));
    for (path, kind) in [
        ("/favicon.ico", "image/x-icon"),
        ("/static/img/favicon.svg", "image/svg+xml"),
    ] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "{path}");
        assert_eq!(response.headers()["content-type"], kind, "{path}");
        assert!(!response.bytes().await.unwrap().is_empty(), "{path}");
    }
}

#[tokio::test]
async fn a_person_gets_their_own_autofill_on_one_line_address_tokens() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    step(
        &app,
        "/request",
        &[
            ("kind", "disclosure"),
            ("requester_type", "principal"),
            ("consent", "2026-11-21"),
        ],
    )
    .await;
    let person = app.get("/request/person").await;
    assert_eq!(person.status, 200);
    assert!(!person.body.contains("street-address"), "one-line inputs");
    for (field, token) in [
        ("name", "name"),
        ("birth_date", "bday"),
        ("postal_code", "postal-code"),
        ("address", "address-line1"),
        ("phone", "tel"),
        ("email", "email"),
    ] {
        assert_eq!(
            autocomplete_of(&person.body, field).as_deref(),
            Some(token),
            "{field}"
        );
    }
}

#[tokio::test]
async fn an_agent_is_not_offered_their_own_details_for_the_principal() {
    let world = World::new();
    let app = spawn_portal(&world, "jmimo").await;
    step(
        &app,
        "/request",
        &[
            ("kind", "suspension"),
            ("requester_type", "appointed_agent"),
            ("consent", "2026-11-21"),
        ],
    )
    .await;
    let person = app.get("/request/person").await;
    assert_eq!(person.status, 200);
    for field in [
        "name",
        "birth_date",
        "postal_code",
        "address",
        "phone",
        "email",
    ] {
        assert_eq!(
            autocomplete_of(&person.body, field).as_deref(),
            Some("off"),
            "the principal's {field} is not the device owner's"
        );
    }
    let to_agent = step(
        &app,
        "/request/person",
        &[
            ("name", "山田 花子"),
            ("name_kana", "やまだ はなこ"),
            ("birth_date", "1990/4/1"),
            ("postal_code", "2318588"),
            ("address", "神奈川県横浜市中区日本大通1"),
        ],
    )
    .await;
    assert_eq!(to_agent.location.as_deref(), Some("/request/agent"));
    let agent = app.get("/request/agent").await;
    for (field, token) in [
        ("agent_name", "name"),
        ("agent_postal_code", "postal-code"),
        ("agent_address", "address-line1"),
        ("agent_phone", "tel"),
        ("agent_email", "email"),
    ] {
        assert_eq!(
            autocomplete_of(&agent.body, field).as_deref(),
            Some(token),
            "the agent's own {field}"
        );
    }
}
