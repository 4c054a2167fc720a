//! Master-key rotation (docs/operations.md §7): refused while a server runs; afterwards every
//! stored value, document and search key works under the new key and the old key opens
//! nothing; a server started with the old key, or during an unfinished rotation, refuses to
//! start; an interrupted rotation is finished by running it again.

use std::process::Output;

use madoguchi::config::Config;
use madoguchi::domain::role::Role;
use madoguchi::service::key_rotation;
use madoguchi::startup::Application;
use madoguchi::storage::crypto::MasterKey;

use crate::audit_log::madoguchi;
use crate::helpers::{World, seeded};
use crate::portal::spawn_portal;
use crate::uploads::{JPEG, received_case, upload};

fn rotate(world: &World) -> Output {
    madoguchi(world)
        .args(["keys", "rotate"])
        .output()
        .expect("madoguchi runs")
}

fn text(output: &Output) -> String {
    format!(
        "{:?}\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn document_key(world: &World) -> Vec<u8> {
    std::fs::read(world.data_dir.path().join("document.key")).expect("document.key")
}

async fn refused_start(world: &World) -> String {
    let config = Config::from_vars(&world.vars()).expect("configuration");
    match Application::build(config).await {
        Ok(_) => panic!("the server started"),
        Err(e) => e.to_string(),
    }
}

async fn case_works(world: &World) {
    let app = spawn_portal(world, "national").await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let found = app
        .get_with(&clerk.client, "/staff/cases?q=hanako%40example.jp")
        .await;
    let marker = "href=\"/staff/cases/";
    let start = found
        .body
        .find(marker)
        .expect("search by e-mail finds the case")
        + marker.len();
    let id = found.body[start..].split('"').next().unwrap().to_string();
    // The name keys are recomputed too: her reading, typed in hiragana, finds the same case.
    let by_reading = app
        .get_with(
            &clerk.client,
            "/staff/cases?q=%E3%82%84%E3%81%BE%E3%81%A0%E3%81%AF%E3%81%AA%E3%81%93",
        )
        .await;
    assert!(by_reading.body.contains(&id), "search by やまだはなこ");
    let requester = app
        .get_with(&clerk.client, &format!("/staff/cases/{id}/requester"))
        .await;
    assert!(
        requester.body.contains("山田 花子"),
        "the sealed party opens"
    );
    let page = app
        .get_with(&clerk.client, &format!("/staff/cases/{id}"))
        .await;
    let document = page
        .body
        .split("href=\"")
        .find_map(|s| {
            let href = s.split('"').next()?;
            href.contains("/documents/").then(|| href.to_string())
        })
        .expect("a document link");
    let opened = app.get_with(&clerk.client, &document).await;
    assert_eq!(opened.status, 200, "the document opens: {document}");
    let letter = page
        .body
        .split("href=\"")
        .find_map(|s| {
            let href = s.split('"').next()?;
            href.contains("/letters/").then(|| href.to_string())
        })
        .expect("the receipt letter's link");
    let opened = app.get_with(&clerk.client, &letter).await;
    assert_eq!(opened.status, 200, "the sealed letter opens: {letter}");
    app.stop().await;
}

#[tokio::test]
async fn the_document_key_is_rotated_and_the_old_key_opens_nothing() {
    let world = World::new();
    seeded(&world, 30);
    let app = spawn_portal(&world, "national").await;
    let case_path = received_case(&app, &world).await;
    let uploaded = upload(
        &app,
        &case_path,
        "drivers_licence",
        "licence.jpg",
        JPEG.to_vec(),
        None,
    )
    .await;
    assert_eq!(uploaded.status, 303, "{}", uploaded.body);

    // Refused while a server runs, and nothing is written.
    let refused = rotate(&world);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(
        text(&refused).contains("stop every instance"),
        "{}",
        text(&refused)
    );
    assert!(!world.data_dir.path().join("document.key.next").exists());
    app.stop().await;

    let old = document_key(&world);
    let rotated = rotate(&world);
    assert_eq!(rotated.status.code(), Some(0), "{}", text(&rotated));
    let said = String::from_utf8_lossy(&rotated.stdout).to_string();
    let resealed: usize = said
        .split(" s: ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{said}"));
    // 31 cases' parties and contents, their decisions, fees and mail, and the document's key.
    assert!(resealed > 60, "{said}");
    assert_ne!(document_key(&world), old);
    assert!(!world.data_dir.path().join("document.key.next").exists());
    let retired: Vec<_> = std::fs::read_dir(world.data_dir.path())
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("document.key.retired-")
        })
        .collect();
    assert_eq!(retired.len(), 1);

    // Everything works under the new key.
    case_works(&world).await;

    // The old key opens nothing: a server given it refuses to start.
    let new = document_key(&world);
    std::fs::write(world.data_dir.path().join("document.key"), &old).unwrap();
    assert!(refused_start(&world).await.contains("does not open"));
    std::fs::write(world.data_dir.path().join("document.key"), &new).unwrap();

    // The audit log holds the rotation and is intact.
    let verified = madoguchi(&world)
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert_eq!(verified.status.code(), Some(0), "{}", text(&verified));
    assert_eq!(
        world.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'keys.rotated'"),
        1
    );
}

#[tokio::test]
async fn an_interrupted_rotation_blocks_servers_until_it_is_finished() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let case_path = received_case(&app, &world).await;
    upload(
        &app,
        &case_path,
        "drivers_licence",
        "licence.jpg",
        JPEG.to_vec(),
        None,
    )
    .await;
    app.stop().await;

    // Interrupted after it began: the new key is on disk, no value has moved yet.
    let config = Config::from_vars(&world.vars()).unwrap();
    let db = madoguchi::startup::open_database(&config).unwrap();
    let current = MasterKey::new(config.secrets.document_key);
    let next = madoguchi::secrets::next_document_key(world.data_dir.path(), None).unwrap();
    key_rotation::begin(&db, &current, &MasterKey::new(next), chrono::Utc::now()).unwrap();
    assert!(refused_start(&world).await.contains("keys rotate"));

    let finished = rotate(&world);
    assert_eq!(finished.status.code(), Some(0), "{}", text(&finished));
    assert_eq!(document_key(&world), {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .encode(next)
            .into_bytes()
    });
    case_works(&world).await;
}
