//! Audit records kept as long as an administrator sets (docs/operations.md §2): every record by
//! default, at least a year otherwise; older seals are pruned with the kept log anchored at the
//! newest seal removed, so `madoguchi audit verify` still passes afterwards and still names an
//! edited record or a moved start.

use chrono::Duration;
use madoguchi::clock::Clock;
use madoguchi::domain::audit_chain::Anchor;
use madoguchi::domain::role::Role;
use madoguchi::service::audit_log;

use crate::audit_log::{madoguchi, texts};
use crate::helpers::{Page, TestApp, World, csrf_of};
use crate::retention::instance;
use crate::workspace::PASSWORD;

async fn set_audit_days(app: &TestApp, admin: &reqwest::Client, typed: &str) -> Page {
    let shown = app.get_with(admin, "/staff/admin/retention").await;
    let csrf = csrf_of(&shown.body);
    app.post_with(
        admin,
        "/staff/admin/retention/audit",
        &[("csrf", csrf.as_str()), ("audit_days", typed)],
    )
    .await
}

/// Signs in again after the clock moved past the session's limits.
async fn sign_in_again(app: &TestApp, admin: &reqwest::Client) {
    let signed_in = app.sign_in(admin, "admin@example.jp", PASSWORD).await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
}

/// `audit verify`'s exit code, standard output and standard error.
fn verify(world: &World) -> (Option<i32>, String, String) {
    let out = madoguchi(world)
        .args(["audit", "verify"])
        .output()
        .expect("madoguchi runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn head(world: &World) -> (i64, String) {
    let number = texts(
        world,
        "SELECT CAST(number AS TEXT) AS t FROM audit_seal_head",
    );
    let digest = texts(world, "SELECT digest AS t FROM audit_seal_head");
    (number[0].parse().unwrap(), digest[0].clone())
}

#[tokio::test]
async fn audit_records_past_the_setting_are_pruned_and_the_rest_still_proves_itself() {
    let world = World::new();
    let app = world.spawn().await;
    let admin = app.staff(Role::Admin, "admin@example.jp").await;
    let (db, _) = instance(&world);

    let shown = app.get_with(&admin.client, "/staff/admin/retention").await;
    assert!(shown.body.contains("すべて保存"), "every record by default");
    // The audit section is on the page once, and the browser's title is only the title.
    assert_eq!(shown.body.matches(r#"id="audit-days""#).count(), 1);
    let title =
        &shown.body[shown.body.find("<title>").unwrap()..shown.body.find("</title>").unwrap()];
    assert!(!title[7..].contains('<'), "{title}");
    let refused = set_audit_days(&app, &admin.client, "365").await;
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .body
            .contains("監査記録は366日（1年）以上保存してください。"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("value=\"365\""),
        "what was typed stays"
    );
    let saved = set_audit_days(&app, &admin.client, "４００日").await;
    assert_eq!(saved.status, 200);
    assert!(saved.body.contains("監査記録の保存期間を変更しました"));
    assert!(saved.body.contains("id=\"audit-days\">400 日"));

    // The records so far, sealed now, are the old ones.
    audit_log::seal(&db, app.clock.now()).await.unwrap();
    let (old_seal, old_digest) = head(&world);
    let old_records = world.count("SELECT COUNT(*) AS n FROM audit_events") as u64;
    assert!(
        old_seal >= 1 && old_records >= 3,
        "{old_seal} {old_records}"
    );

    app.clock.advance(Duration::days(399));
    assert_eq!(
        audit_log::prune(&db, app.clock.now()).await.unwrap(),
        audit_log::PruneRun::default(),
        "kept for the whole period"
    );
    app.clock.advance(Duration::days(2));
    sign_in_again(&app, &admin.client).await;
    assert_eq!(set_audit_days(&app, &admin.client, "401").await.status, 200);
    let recent_id = texts(
        &world,
        "SELECT id AS t FROM audit_events WHERE action = 'retention.audit_changed' ORDER BY id DESC LIMIT 1",
    )[0]
    .clone();
    audit_log::seal(&db, app.clock.now()).await.unwrap();
    let latest = head(&world);

    let pruned = audit_log::prune(&db, app.clock.now()).await.unwrap();
    let anchor = Anchor {
        number: old_seal,
        digest: old_digest,
    };
    assert_eq!(pruned.records, old_records);
    assert_eq!(pruned.anchor.as_ref(), Some(&anchor));
    assert_eq!(
        audit_log::prune(&db, app.clock.now())
            .await
            .unwrap()
            .records,
        0
    );
    assert_eq!(
        texts(
            &world,
            "SELECT target AS t FROM audit_events WHERE action = 'audit.pruned'"
        ),
        vec![anchor.target(old_records)],
        "the prune is itself recorded, naming the new start"
    );
    assert_eq!(
        world.count(&format!(
            "SELECT COUNT(*) AS n FROM audit_events WHERE seal <= {old_seal}"
        )),
        0
    );

    let (code, stdout, stderr) = verify(&world);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains(&format!("latest seal {} digest {}", latest.0, latest.1)),
        "the digest kept elsewhere still matches: {stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "anchored at seal {old_seal} digest {}",
            anchor.digest
        )),
        "{stdout}"
    );
    let page = app.get_with(&admin.client, "/staff/admin/retention").await;
    assert!(
        page.body.contains(&anchor.digest),
        "the page names where the kept log starts"
    );

    // Editing a record after the anchor is still found, and named.
    world.execute(&format!(
        "UPDATE audit_events SET actor = 'staff:someone-else' WHERE id = '{recent_id}'"
    ));
    let (code, _, stderr) = verify(&world);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains(&recent_id), "{stderr}");
    assert!(stderr.contains("edited"), "{stderr}");
}

#[tokio::test]
async fn a_start_moved_by_hand_is_found() {
    let world = World::new();
    let app = world.spawn().await;
    let admin = app.staff(Role::Admin, "admin@example.jp").await;
    let (db, _) = instance(&world);
    assert_eq!(set_audit_days(&app, &admin.client, "366").await.status, 200);
    audit_log::seal(&db, app.clock.now()).await.unwrap();
    app.clock.advance(Duration::days(367));
    sign_in_again(&app, &admin.client).await;
    assert_eq!(set_audit_days(&app, &admin.client, "367").await.status, 200);
    audit_log::seal(&db, app.clock.now()).await.unwrap();
    app.clock.advance(Duration::days(10));
    sign_in_again(&app, &admin.client).await;
    assert_eq!(set_audit_days(&app, &admin.client, "368").await.status, 200);
    audit_log::seal(&db, app.clock.now()).await.unwrap();
    let first = audit_log::prune(&db, app.clock.now()).await.unwrap();
    assert!(first.records > 0);
    assert_eq!(verify(&world).0, Some(0));

    // Someone removes the next seal and its records as a prune would, without its record.
    let next = first.anchor.unwrap().number + 1;
    let digest = texts(
        &world,
        &format!("SELECT digest AS t FROM audit_seals WHERE number = {next}"),
    )[0]
    .clone();
    world.execute(&format!(
        "DELETE FROM audit_events WHERE seal = {next}; DELETE FROM audit_seals WHERE number = {next}; \
         UPDATE audit_seal_head SET anchor_number = {next}, anchor_digest = '{digest}'"
    ));
    let (code, _, stderr) = verify(&world);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("seal {next}")) && stderr.contains("audit.pruned"),
        "{stderr}"
    );
}
