//! A change and its audit record are one write: when writing the audit record fails (a trigger
//! makes the database refuse it), the change is not made either.

use madoguchi::domain::role::Role;
use reqwest::multipart::{Form, Part};

use crate::helpers::{World, client, csrf_of};
use crate::portal::spawn_portal;
use crate::uploads::JPEG;
use crate::workspace::{PASSWORD, case_id_from_queue, case_page, value_of};

/// From now on the database refuses audit records with `action`.
fn refuse_audit(world: &World, action: &str) {
    if world.database_url.starts_with("sqlite://") {
        world.execute(&format!(
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events \
                 WHEN NEW.action = '{action}' BEGIN SELECT RAISE(ABORT, 'injected'); END;"
        ));
    } else {
        world.execute(&format!(
            "CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN \
                 IF NEW.action = '{action}' THEN RAISE EXCEPTION 'injected'; END IF; \
                 RETURN NEW; END $$ LANGUAGE plpgsql; \
                 CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events \
                 FOR EACH ROW EXECUTE FUNCTION refuse_audit();"
        ));
    }
}

fn allow_audit(world: &World) {
    if world.database_url.starts_with("sqlite://") {
        world.execute("DROP TRIGGER refuse_audit;");
    } else {
        world.execute("DROP TRIGGER refuse_audit ON audit_events; DROP FUNCTION refuse_audit();");
    }
}

#[tokio::test]
async fn signing_out_everywhere_and_its_audit_record_are_one_write() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let other_device = client();
    let signed_in = app
        .sign_in(&other_device, "clerk@example.jp", PASSWORD)
        .await;
    assert_eq!(signed_in.status, 303);
    let audited =
        "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'staff.signed_out_everywhere'";

    refuse_audit(&world, "staff.signed_out_everywhere");
    let csrf = csrf_of(&app.get_with(&clerk.client, "/staff").await.body);
    let failed = app
        .post_with(
            &clerk.client,
            "/staff/logout-everywhere",
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(failed.status, 500, "the write failed as a whole");
    assert_eq!(world.count(audited), 0, "no audit record");
    assert_eq!(
        app.get_with(&other_device, "/staff").await.status,
        200,
        "and no session ended"
    );

    allow_audit(&world);
    let done = app
        .post_with(
            &clerk.client,
            "/staff/logout-everywhere",
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(world.count(audited), 1, "audited once");
    assert_eq!(
        app.get_with(&other_device, "/staff").await.status,
        303,
        "every session ended"
    );
}

#[tokio::test]
async fn a_staff_scan_and_its_audit_record_are_one_write() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    app.requester_with_case("goro@example.jp").await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let id = case_id_from_queue(&app, &clerk).await;
    // A scan posted from the case page as it stands; its status code.
    let post_scan = || async {
        let page = case_page(&app, &clerk, &id).await;
        let scan = Form::new()
            .text("csrf", csrf_of(&page))
            .text("version", value_of(&page, "version"))
            .text("declared_type", "drivers_licence")
            .part("file", Part::bytes(JPEG.to_vec()).file_name("scan.jpg"));
        clerk
            .client
            .post(app.url(&format!("/staff/cases/{id}/documents")))
            .multipart(scan)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    let documents = format!("SELECT COUNT(*) AS n FROM documents WHERE case_id = '{id}'");
    let audited = format!(
        "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'document.scanned' AND case_id = '{id}'"
    );
    let blobs = || {
        std::fs::read_dir(world.data_dir.path().join("documents"))
            .map(|d| d.count())
            .unwrap_or(0)
    };

    refuse_audit(&world, "document.scanned");
    assert_eq!(post_scan().await, 500, "the write failed as a whole");
    assert_eq!(world.count(&documents), 0, "no document recorded");
    assert_eq!(world.count(&audited), 0, "no audit record");
    assert_eq!(blobs(), 0, "no encrypted file left behind");

    allow_audit(&world);
    assert_eq!(post_scan().await, 303);
    assert_eq!(world.count(&documents), 1);
    assert_eq!(world.count(&audited), 1);
    assert_eq!(blobs(), 1);
}
