//! Documents of an ended request are destroyed once the retention period an administrator set has
//! passed: not before, not for an open request, exactly once with two instances sweeping, keeping
//! the record that they existed and were destroyed.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use madoguchi::db::Db;
use madoguchi::db::schema::{audit_events, case_events, documents};
use madoguchi::domain::role::Role;
use madoguchi::service::retention::{Destroyed, destroy_expired};
use madoguchi::storage::files::BlobStore;

use crate::helpers::{Page, TestApp, World, csrf_of};
use crate::portal::spawn_portal;
use crate::uploads::{JPEG, received_case, upload};

/// A second handle on the test's database and documents, as another instance would have.
pub fn instance(world: &World) -> (Db, BlobStore) {
    let config = madoguchi::config::Config::from_vars(&world.vars()).unwrap();
    let db = madoguchi::startup::open_database(&config).unwrap();
    let blobs = BlobStore::open(config.data_path("documents")).unwrap();
    (db, blobs)
}

async fn set_days(app: &TestApp, admin: &reqwest::Client, typed: &str) -> Page {
    let shown = app.get_with(admin, "/staff/admin/retention").await;
    let csrf = csrf_of(&shown.body);
    app.post_with(
        admin,
        "/staff/admin/retention",
        &[("csrf", csrf.as_str()), ("document_days", typed)],
    )
    .await
}

fn cell<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html.find(&format!("id=\"{id}\">")).unwrap() + id.len() + 6;
    &html[start..][..html[start..].find('<').unwrap()]
}

fn audited(db: &Db, action: &str) -> Vec<(Option<String>, Option<String>)> {
    db.with_reader(|c| {
        Ok(audit_events::table
            .filter(audit_events::action.eq(action))
            .select((audit_events::case_id, audit_events::target))
            .load(c)?)
    })
    .unwrap()
}

#[tokio::test]
async fn documents_of_an_ended_request_are_destroyed_after_the_period_set() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let admin = app.staff(Role::Admin, "admin@example.jp").await;
    let boss = app.staff(Role::Approver, "boss@example.jp").await;
    let case = received_case(&app, &world).await;
    let sent = upload(
        &app,
        &case,
        "drivers_licence",
        "licence.jpg",
        JPEG.to_vec(),
        None,
    )
    .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let (db, blobs) = instance(&world);
    let document_id: String = db
        .with_reader(|c| Ok(documents::table.select(documents::id).first(c)?))
        .unwrap();
    let file = blobs.dir().join(format!("{document_id}.bin"));
    assert!(file.exists(), "stored at {}", file.display());

    // An open request keeps its documents however long it runs.
    let now = Utc::now();
    let far = now + Duration::days(4000);
    assert_eq!(
        destroy_expired(&db, &blobs, far).await.unwrap(),
        Destroyed::default()
    );

    let csrf = csrf_of(&app.get(&format!("{case}/withdraw")).await.body);
    let withdrawn = app
        .post(&format!("{case}/withdraw"), &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(withdrawn.status, 303, "{}", withdrawn.body);

    assert_eq!(
        app.get_with(&boss.client, "/staff/admin/retention")
            .await
            .status,
        403
    );
    let shown = app.get_with(&admin.client, "/staff/admin/retention").await;
    assert_eq!(shown.status, 200);
    assert_eq!(cell(&shown.body, "current-days"), "365 日");
    assert_eq!(cell(&shown.body, "kept"), "1");
    assert_eq!(cell(&shown.body, "due-now"), "0");

    // Bad input: explained next to the field, what was typed kept, nothing changed or audited.
    for (typed, message) in [
        ("", "保存日数を入力してください。"),
        ("一年", "保存日数は数字で入力してください"),
        ("0", "保存日数は1日以上にしてください。"),
        ("4000", "3650日（10年）以下"),
    ] {
        let refused = set_days(&app, &admin.client, typed).await;
        assert_eq!(refused.status, 422, "{typed}");
        assert!(refused.body.contains(message), "{typed}: {}", refused.body);
        assert!(
            refused.body.contains(&format!("value=\"{typed}\"")),
            "{typed} kept"
        );
        assert!(refused.body.contains("aria-invalid=\"true\""));
    }
    let stale = app
        .post_with(
            &admin.client,
            "/staff/admin/retention",
            &[("csrf", "stale"), ("document_days", "30")],
        )
        .await;
    assert_eq!(stale.status, 422);
    assert!(stale.body.contains("value=\"30\""));
    assert!(audited(&db, "retention.changed").is_empty());

    let saved = set_days(&app, &admin.client, "３０日").await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(cell(&saved.body, "current-days"), "30 日");
    assert_eq!(
        audited(&db, "retention.changed"),
        vec![(None, Some("documents:365->30".to_string()))]
    );

    // Kept on the day the request ended and for 30 days after it; destroyed the day after that,
    // by exactly one of two instances sweeping at once.
    let ended: chrono::NaiveDateTime = db
        .with_reader(|c| {
            Ok(case_events::table
                .filter(case_events::to_state.eq("withdrawn"))
                .select(case_events::at)
                .first(c)?)
        })
        .unwrap();
    let ended = ended.and_utc();
    assert_eq!(
        destroy_expired(&db, &blobs, ended + Duration::days(30))
            .await
            .unwrap(),
        Destroyed::default()
    );
    let (other_db, other_blobs) = instance(&world);
    let due_day = ended + Duration::days(31);
    let (mine, theirs) = tokio::join!(
        destroy_expired(&db, &blobs, due_day),
        destroy_expired(&other_db, &other_blobs, due_day)
    );
    let (mine, theirs) = (mine.unwrap(), theirs.unwrap());
    assert_eq!(mine.documents + theirs.documents, 1);
    assert_eq!(mine.cases + theirs.cases, 1);
    assert_eq!(
        destroy_expired(&db, &blobs, due_day).await.unwrap(),
        Destroyed::default()
    );

    assert!(!file.exists(), "the encrypted file is deleted");
    let (key, destroyed_at, status): (Option<Vec<u8>>, Option<chrono::NaiveDateTime>, String) = db
        .with_reader(|c| {
            Ok(documents::table
                .find(&document_id)
                .select((
                    documents::wrapped_key,
                    documents::destroyed_at,
                    documents::status,
                ))
                .first(c)?)
        })
        .unwrap();
    assert!(key.is_none(), "the data key is forgotten");
    assert!(destroyed_at.is_some());
    assert_eq!(status, "submitted", "the review record stays as it was");
    let records = audited(&db, "document.destroyed.retention");
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].1.as_deref(), Some(document_id.as_str()));
    assert!(records[0].0.is_some(), "recorded against the case");

    let requester_view = app.get(&case).await.body;
    assert!(requester_view.contains("消去済み"));
    assert!(requester_view.contains("保存期間の経過による書類の廃棄"));
    let after = app.get_with(&admin.client, "/staff/admin/retention").await;
    assert_eq!(cell(&after.body, "kept"), "0");
    assert_eq!(cell(&after.body, "destroyed"), "1");
}
