//! The tamper-evident audit log (docs/operations.md §2): `madoguchi audit verify` passes on an
//! untouched log and names what was edited, deleted or inserted by hand; commands that write
//! audit records seal them before they exit; what a requester does is audited.

use std::process::{Command, Output};

use madoguchi::auth::password::Cost;
use madoguchi::domain::role::Role;
use madoguchi::service::accounts::{AccountInput, add_staff};
use madoguchi::service::audit_log;

use crate::helpers::{World, csrf_of};
use crate::portal::spawn_portal;
use crate::uploads::{JPEG, received_case, upload};

pub fn madoguchi(world: &World) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_madoguchi"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("MADOGUCHI_DATA_DIR", world.data_dir.path())
        .env("DATABASE_URL", &world.database_url)
        .env("MADOGUCHI_LOG", "warn")
        .current_dir(world.data_dir.path());
    cmd
}

/// The first column (`AS t`, text) of every row `sql` returns.
pub fn texts(world: &World, sql: &str) -> Vec<String> {
    use diesel::{Connection, RunQueryDsl};
    #[derive(diesel::QueryableByName)]
    struct Text {
        #[diesel(sql_type = diesel::sql_types::Text)]
        t: String,
    }
    let rows: Vec<Text> = if let Some(path) = world.database_url.strip_prefix("sqlite://") {
        let mut conn = diesel::SqliteConnection::establish(path).expect("sqlite");
        diesel::sql_query(sql).load(&mut conn).expect("texts")
    } else {
        let mut conn = diesel::PgConnection::establish(&world.database_url).expect("postgres");
        diesel::sql_query(sql).load(&mut conn).expect("texts")
    };
    rows.into_iter().map(|r| r.t).collect()
}

fn verify(world: &World) -> Output {
    madoguchi(world)
        .args(["audit", "verify"])
        .output()
        .expect("madoguchi runs")
}

fn assert_intact(world: &World) -> String {
    let out = verify(world);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Exit 1 and the one line saying what is broken.
fn assert_broken(world: &World) -> String {
    let out = verify(world);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    stderr
}

fn add(db: &madoguchi::db::Db, email: &str) {
    let input = AccountInput {
        email: email.into(),
        display_name: "監査 確認".into(),
        password: "correct horse battery staple".into(),
    };
    add_staff(
        db,
        input,
        (Role::Staff, false),
        chrono::Utc::now(),
        Cost::Fast,
    )
    .expect("staff added");
}

fn edits_deletions_and_insertions_are_named(world: &World) {
    let config = madoguchi::config::Config::from_vars(&world.vars()).unwrap();
    let db = madoguchi::startup::open_database(&config).unwrap();
    for n in 0..4 {
        add(&db, &format!("clerk{n}@example.jp"));
    }
    let sealed = audit_log::seal_blocking(&db, chrono::Utc::now()).unwrap();
    assert_eq!((sealed.seals, sealed.records), (1, 4));
    // A command that writes audit records seals them before it exits.
    let added = madoguchi(world)
        .args([
            "staff",
            "add",
            "--email",
            "cli@example.jp",
            "--role",
            "auditor",
        ])
        .output()
        .unwrap();
    assert!(added.status.success(), "{added:?}");
    let intact = assert_intact(world);
    assert!(
        intact.contains("5 records (5 sealed, 0 awaiting"),
        "{intact}"
    );
    let digest = texts(world, "SELECT digest AS t FROM audit_seal_head");
    assert!(
        intact.contains(&format!("latest seal 2 digest {}", digest[0])),
        "{intact}"
    );
    // Written since the last seal: awaiting the next one, not broken.
    add(&db, "late@example.jp");
    assert!(assert_intact(world).contains("1 awaiting"));

    let ids = texts(world, "SELECT id AS t FROM audit_events ORDER BY id");
    // Edited.
    world.execute(&format!(
        "UPDATE audit_events SET action = 'staff.deleted' WHERE id = '{}'",
        ids[1]
    ));
    let broken = assert_broken(world);
    assert!(broken.contains(&format!("record {}", ids[1])), "{broken}");
    assert!(broken.contains("edited"), "{broken}");
    world.execute(&format!(
        "UPDATE audit_events SET action = 'staff.created' WHERE id = '{}'",
        ids[1]
    ));
    assert_intact(world);

    // Edited, with the digest beside it rewritten to match: the seal no longer matches.
    world.execute(&format!(
        "CREATE TABLE kept AS SELECT * FROM audit_events WHERE id = '{}'",
        ids[2]
    ));
    world.execute(&format!(
        "UPDATE audit_events SET target = 'someone-else', digest = NULL WHERE id = '{}'",
        ids[2]
    ));
    let broken = assert_broken(world);
    assert!(broken.contains("seal 1"), "{broken}");

    // Deleted.
    world.execute(&format!(
        "DELETE FROM audit_events WHERE id = '{}'; INSERT INTO audit_events SELECT * FROM kept",
        ids[2]
    ));
    assert_intact(world);
    world.execute(&format!("DELETE FROM audit_events WHERE id = '{}'", ids[2]));
    let broken = assert_broken(world);
    assert!(
        broken.contains("seal 1") && broken.contains("deleted"),
        "{broken}"
    );
    world.execute("INSERT INTO audit_events SELECT * FROM kept; DROP TABLE kept");
    assert_intact(world);

    // Inserted: back-dated among sealed records, or claiming a seal.
    let forged = "01000000-0000-7000-8000-000000000000";
    world.execute(&format!(
        "INSERT INTO audit_events (id, at, actor, action) \
         VALUES ('{forged}', '2026-01-05 10:00:00', 'staff:x', 'staff.signed_in')"
    ));
    let broken = assert_broken(world);
    assert!(broken.contains(&format!("record {forged}")), "{broken}");
    assert!(broken.contains("inserted"), "{broken}");
    world.execute(&format!(
        "UPDATE audit_events SET seal = 1 WHERE id = '{forged}'"
    ));
    let broken = assert_broken(world);
    assert!(
        broken.contains("inserted") && broken.contains("seal 1"),
        "{broken}"
    );
    world.execute(&format!("DELETE FROM audit_events WHERE id = '{forged}'"));
    assert_intact(world);

    // A seal rewritten.
    world.execute("UPDATE audit_seals SET records = 3 WHERE number = 1");
    assert!(assert_broken(world).contains("seal 1"));
}

#[test]
fn audit_verify_names_what_was_edited_deleted_or_inserted() {
    edits_deletions_and_insertions_are_named(&World::new());
}

#[test]
fn audit_verify_names_what_was_tampered_with_on_postgres() {
    if let Some(world) = World::postgres() {
        edits_deletions_and_insertions_are_named(&world);
    }
}

#[test]
fn an_empty_log_verifies() {
    let world = World::new();
    let out = assert_intact(&world);
    assert!(out.contains("no seal yet"), "{out}");
}

#[tokio::test]
async fn what_a_requester_does_is_audited_and_sealed_while_the_server_runs() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
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
    let csrf = csrf_of(&app.get(&case).await.body);
    let message = app
        .post(
            &format!("{case}/messages"),
            &[("csrf", &csrf), ("message", "書類を送りました")],
        )
        .await;
    assert_eq!(message.status, 303, "{}", message.body);
    let csrf = csrf_of(&app.get(&format!("{case}/withdraw")).await.body);
    let withdrawn = app
        .post(&format!("{case}/withdraw"), &[("csrf", &csrf)])
        .await;
    assert_eq!(withdrawn.status, 303, "{}", withdrawn.body);
    // Last: a fresh link replaces the one this test holds.
    let receipt = texts(&world, "SELECT receipt_number AS t FROM cases");
    let lookup = app
        .submit(
            "/case",
            "/case",
            &[
                ("receipt_number", &receipt[0]),
                ("email", "hanako@example.jp"),
            ],
        )
        .await;
    assert_eq!(lookup.status, 200);
    // The look-up's work runs after its answer (so a match takes no longer than a miss).
    let started = std::time::Instant::now();
    while world.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'case.link_resent'")
        == 0
        && started.elapsed() < std::time::Duration::from_secs(10)
    {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    let case_id = texts(&world, "SELECT id AS t FROM cases").remove(0);
    let actions = texts(
        &world,
        &format!(
            "SELECT action AS t FROM audit_events WHERE actor = 'requester:{case_id}' \
             AND case_id = '{case_id}' ORDER BY id"
        ),
    );
    assert_eq!(
        actions,
        [
            "request.submitted",
            "request.confirmed",
            "document.uploaded",
            "message.from_requester",
            "case.withdrawn",
            "case.link_resent",
        ]
    );
    // A command seals beside the running server, which keeps writing.
    let sealed = madoguchi(&world).args(["audit", "seal"]).output().unwrap();
    assert!(sealed.status.success(), "{sealed:?}");
    assert_eq!(app.get("/case").await.status, 200);
    assert!(assert_intact(&world).contains("6 records (6 sealed"));
}

/// The auditor pages through the whole log, newest first, each record once, and exports every
/// matching record as CSV with a byte-order mark; the export itself is audited.
#[tokio::test]
async fn the_auditor_pages_through_everything_and_exports_csv() {
    use madoguchi::db::audit::{AuditEvent, append};

    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let auditor = app.staff(Role::Auditor, "audit@example.jp").await;
    let config = madoguchi::config::Config::from_vars(&world.vars()).unwrap();
    let db = madoguchi::startup::open_database(&config).unwrap();
    let start = chrono::Utc::now().naive_utc() - chrono::Duration::hours(1);
    db.with_writer(|conn| {
        // Many at the same instant too: the pages must not lose or repeat a record there.
        for i in 0..450 {
            let at = start + chrono::Duration::seconds(i / 3);
            let event = AuditEvent::new(at, "system", "test.paged").target(format!("n:{i}"));
            append(conn, &event)?;
        }
        Ok(())
    })
    .unwrap();

    let mut seen = std::collections::BTreeSet::new();
    let mut path = "/staff/audit?action=test.paged".to_string();
    let mut pages = 0;
    loop {
        let page = app.get_with(&auditor.client, &path).await;
        assert_eq!(page.status, 200, "{path}");
        pages += 1;
        for cell in page.body.split("<code>n:").skip(1) {
            let n: u32 = cell.split('<').next().unwrap().parse().unwrap();
            assert!(seen.insert(n), "record {n} shown twice");
        }
        let Some(next) = page
            .body
            .split("rel=\"next\"")
            .next()
            .and_then(|before| before.rsplit("href=\"").next())
            .filter(|_| page.body.contains("rel=\"next\""))
        else {
            break;
        };
        path = next
            .split('"')
            .next()
            .unwrap()
            .replace("&amp;", "&")
            .replace("&#38;", "&");
        assert!(pages < 10, "the pages end");
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 450);

    let csv = auditor
        .client
        .get(app.url("/staff/audit.csv?action=test.paged"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let body = csv.text().await.unwrap();
    assert!(body.starts_with('\u{feff}'), "a byte-order mark for Excel");
    let lines: Vec<&str> = body.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 451, "a header and every record");
    assert!(lines[0].contains("操作"), "{}", lines[0]);
    assert!(lines[1].contains("\"n:449\""), "newest first: {}", lines[1]);
    assert_eq!(
        texts(
            &world,
            "SELECT action AS t FROM audit_events WHERE action = 'audit.exported'"
        )
        .len(),
        1
    );
}
