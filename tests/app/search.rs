//! Staff find a case by the agent's name and by a kana reading typed in katakana or hiragana of
//! either width (#26), through keyed hashes only; cases from before those keys existed get theirs
//! when a server starts.

use madoguchi::domain::role::Role;

use crate::helpers::{TestApp, World};
use crate::portal::spawn_portal;
use crate::workspace::{Staff, case_id_from_queue, requested};

/// An appointed agent's disclosure request for 山田 花子, her reading typed in hiragana.
fn agent_steps() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    vec![
        (
            "/request",
            vec![
                ("kind", "disclosure"),
                ("requester_type", "appointed_agent"),
                ("consent", "2026-11-21"),
            ],
        ),
        (
            "/request/person",
            vec![
                ("name", "山田 花子"),
                ("name_kana", "やまだ はなこ"),
                ("birth_date", "1990-04-01"),
                ("postal_code", "231-8588"),
                ("address", "神奈川県横浜市中区日本大通1"),
            ],
        ),
        (
            "/request/agent",
            vec![
                ("agent_name", "代理 太郎"),
                ("agent_name_kana", "ダイリ タロウ"),
                ("agent_postal_code", "100-0001"),
                ("agent_address", "東京都千代田区千代田1-1"),
                ("agent_phone", "090-1234-5678"),
                ("agent_email", "agent@example.jp"),
            ],
        ),
        (
            "/request/content",
            vec![("data_description", "診療記録"), ("period", "2024年")],
        ),
        ("/request/delivery", vec![("delivery", "paper_by_post")]),
    ]
}

async fn finds(app: &TestApp, clerk: &Staff, q: &str, id: &str) -> bool {
    let q: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
    let page = app
        .get_with(&clerk.client, &format!("/staff/cases?q={q}"))
        .await;
    assert_eq!(page.status, 200);
    page.body.contains(id)
}

const FOUND_BY: &[&str] = &[
    // The agent's name and reading.
    "代理 太郎",
    "代理太郎",
    "ダイリ タロウ",
    "だいり　たろう",
    "ﾀﾞｲﾘ ﾀﾛｳ",
    // The person's name, and her reading however it is typed.
    "山田 花子",
    "ヤマダ ハナコ",
    "やまだはなこ",
    "ﾔﾏﾀﾞﾊﾅｺ",
    // The contact (the agent's address).
    "Agent@example.jp",
];

/// Exact matches only: a part of a name, or a name the case does not carry, finds nothing.
const NOT_FOUND_BY: &[&str] = &["代理", "ヤマダ", "山田 太郎", "ダイリ ハナコ"];

#[tokio::test]
async fn staff_find_a_case_by_the_agents_name_and_by_a_reading_in_any_kana() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    requested(&app, &world, &agent_steps()).await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let id = case_id_from_queue(&app, &clerk).await;
    for q in FOUND_BY {
        assert!(finds(&app, &clerk, q, &id).await, "found by {q}");
    }
    for q in NOT_FOUND_BY {
        assert!(!finds(&app, &clerk, q, &id).await, "not found by {q}");
    }
    // Four keyed hashes (two names, two readings), none of them a name.
    let keys = format!("SELECT COUNT(*) AS n FROM case_name_keys WHERE case_id = '{id}'");
    assert_eq!(world.count(&keys), 4);
    assert_eq!(
        world.count(&format!("{keys} AND length(name_key) = 64")),
        4,
        "HMAC-SHA-256 in hex"
    );

    // A case received before names had keys of their own has none, and the migration leaves
    // its maintenance row: the next server to start gives the case its keys before anyone
    // searches, and removes the row.
    app.stop().await;
    world.execute(&format!(
        "DELETE FROM case_name_keys WHERE case_id = '{id}'; \
         INSERT INTO maintenance (name, started_at) VALUES ('name_search_keys', '2026-12-06 00:00:00')"
    ));
    assert_eq!(world.count(&keys), 0);
    let pending = "SELECT COUNT(*) AS n FROM maintenance WHERE name = 'name_search_keys'";
    let app = spawn_portal(&world, "national").await;
    assert_eq!(world.count(&keys), 4);
    assert_eq!(world.count(pending), 0, "done once");
    // Without the row, a start does not look for cases without keys.
    app.stop().await;
    world.execute(&format!(
        "DELETE FROM case_name_keys WHERE case_id = '{id}'"
    ));
    let app = spawn_portal(&world, "national").await;
    assert_eq!(world.count(&keys), 0, "not looked for again");
    app.stop().await;
    world.execute(
        "INSERT INTO maintenance (name, started_at) VALUES ('name_search_keys', '2026-12-06 00:00:00')",
    );
    let app = spawn_portal(&world, "national").await;
    assert_eq!(world.count(&keys), 4);
    let clerk = app.staff(Role::Staff, "clerk2@example.jp").await;
    for q in ["代理 太郎", "ﾔﾏﾀﾞﾊﾅｺ"] {
        assert!(
            finds(&app, &clerk, q, &id).await,
            "found by {q} after start"
        );
    }
}
