//! Backup sets (docs/operations.md §3): taken while the server runs, checked against their
//! manifest, restored into an empty deployment whose documents then open; damaged sets and bad
//! targets are named in one line.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::audit_log::{madoguchi, texts};
use crate::helpers::{World, seeded};
use crate::portal::spawn_portal;
use crate::uploads::{JPEG, received_case, upload};

fn run(world: &World, args: &[&str]) -> Output {
    madoguchi(world)
        .args(args)
        .output()
        .expect("madoguchi runs")
}

fn out(output: &Output) -> String {
    format!(
        "{:?}\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Exit `code` with one line on standard error; returns the line.
fn fails(output: &Output, code: i32) -> String {
    assert_eq!(output.status.code(), Some(code), "{}", out(output));
    let stderr = String::from_utf8_lossy(&output.stderr).trim().to_string();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    stderr
}

fn sets(root: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

fn files_under(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.path().is_dir() {
            files_under(&entry.path(), found);
        } else {
            found.push(entry.path());
        }
    }
}

fn manifest(set: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(set.join("manifest.json")).unwrap()).unwrap()
}

#[tokio::test]
async fn a_set_taken_while_serving_restores_with_documents_that_open() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let case = received_case(&app, &world).await;
    let mut photo = JPEG.to_vec();
    photo.extend_from_slice(b"first document");
    let sent = upload(&app, &case, "drivers_licence", "a.jpg", photo, None).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let root = tempfile::tempdir().unwrap();
    let root_path = root.path().display().to_string();

    let full = run(&world, &["backup", "--to", &root_path]);
    assert!(full.status.success(), "{}", out(&full));
    let said = String::from_utf8_lossy(&full.stdout).into_owned();
    assert!(said.contains("keys: not in this set"), "{said}");
    let first = sets(root.path()).remove(0);
    assert_eq!(manifest(&first)["kind"], "full");

    // Never a key: no key file, and no file holding a key's text.
    let key = std::fs::read_to_string(world.data_dir.path().join("document.key")).unwrap();
    let session = std::fs::read_to_string(world.data_dir.path().join("session.key")).unwrap();
    let mut files = Vec::new();
    files_under(&first, &mut files);
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(key.trim()) && !text.contains(session.trim()),
            "{} holds a key",
            file.display()
        );
        assert!(!file.to_string_lossy().ends_with(".key"));
    }
    let verified = run(&world, &["backup", "verify", &first.display().to_string()]);
    assert!(verified.status.success(), "{}", out(&verified));

    if !world.database_url.starts_with("sqlite://") {
        // PostgreSQL: the documents part only; pg_dump takes the database (docs/operations.md §3).
        assert!(manifest(&first)["database"].is_null());
        return;
    }

    let mut second = JPEG.to_vec();
    second.extend_from_slice(b"second document");
    let sent = upload(&app, &case, "resident_record", "b.jpg", second, None).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let incremental = run(&world, &["backup", "--to", &root_path, "--incremental"]);
    assert!(incremental.status.success(), "{}", out(&incremental));
    let later = sets(root.path()).pop().unwrap();
    let listed = manifest(&later);
    assert_eq!(listed["kind"], "incremental");
    assert_eq!(listed["documents"].as_array().unwrap().len(), 2);
    assert_eq!(
        std::fs::read_dir(later.join("documents")).unwrap().count(),
        1,
        "only the new document is copied"
    );
    let later_path = later.display().to_string();
    assert!(
        run(&world, &["backup", "verify", &later_path])
            .status
            .success()
    );

    // Each backup is in the audit log, sealed by the command that took it.
    assert_eq!(
        world.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'backup.taken'"),
        2
    );
    let audit = run(&world, &["audit", "verify"]);
    assert!(audit.status.success(), "{}", out(&audit));

    // With another document key, nothing is restored and nothing is left behind.
    let wrong = World::new();
    let refused = fails(&run(&wrong, &["restore", "--from", &later_path]), 2);
    assert!(
        refused.contains("does not open with this document key"),
        "{refused}"
    );
    assert!(!wrong.data_dir.path().join("madoguchi.db").exists());
    let left = std::fs::read_dir(wrong.data_dir.path().join("documents"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(left, 0);

    // Restored into an empty deployment that holds the same keys.
    let fresh = World::new();
    for file in ["document.key", "session.key"] {
        std::fs::copy(
            world.data_dir.path().join(file),
            fresh.data_dir.path().join(file),
        )
        .unwrap();
    }
    let restored = run(&fresh, &["restore", "--from", &later_path]);
    assert!(restored.status.success(), "{}", out(&restored));
    let said = String::from_utf8_lossy(&restored.stdout).into_owned();
    assert!(
        said.contains("restored 1 cases and 2 documents") && said.contains("every document opens"),
        "{said}"
    );
    let restored_app = spawn_portal(&fresh, "national").await;
    let page = restored_app.get(&case).await;
    assert_eq!(page.status, 200, "the private link opens the restored case");
    assert_eq!(texts(&fresh, "SELECT id AS t FROM documents").len(), 2);

    // Never under a running server, and never over data.
    let running = run(&fresh, &["restore", "--from", &later_path]);
    assert!(fails(&running, 2).contains("stop them"));
    restored_app.stop().await;
    let again = run(&fresh, &["restore", "--from", &later_path]);
    let again = fails(&again, 2);
    assert!(again.contains("holds 1 cases"), "{again}");
}

#[test]
fn damaged_sets_and_bad_targets_are_named_in_one_line() {
    let world = World::new();
    if !world.database_url.starts_with("sqlite://") {
        return;
    }
    seeded(&world, 3);
    let documents = world.data_dir.path().join("documents");
    std::fs::create_dir_all(&documents).unwrap();
    std::fs::write(documents.join("0190-stray.bin"), b"ciphertext").unwrap();
    let root = tempfile::tempdir().unwrap();
    let root_path = root.path().display().to_string();

    let no_base = run(&world, &["backup", "--to", &root_path, "--incremental"]);
    assert!(fails(&no_base, 2).contains("take a full one first"));
    let taken = run(&world, &["backup", "--to", &root_path]);
    assert!(taken.status.success(), "{}", out(&taken));
    let set = sets(root.path()).remove(0);
    let set_path = set.display().to_string();

    let copied = set.join("documents/0190-stray.bin");
    std::fs::write(&copied, b"CIPHERTEXT").unwrap();
    let altered = fails(&run(&world, &["backup", "verify", &set_path]), 1);
    assert!(
        altered.contains("0190-stray.bin") && altered.contains("altered"),
        "{altered}"
    );
    std::fs::remove_file(&copied).unwrap();
    let missing = fails(&run(&world, &["backup", "verify", &set_path]), 1);
    assert!(
        missing.contains("0190-stray.bin") && missing.contains("missing"),
        "{missing}"
    );

    // A damaged set is not restored, and nothing is left behind.
    let fresh = World::new();
    let refused = fails(&run(&fresh, &["restore", "--from", &set_path]), 2);
    assert!(refused.contains("damaged"), "{refused}");
    assert!(!fresh.data_dir.path().join("madoguchi.db").exists());

    let nowhere = fails(&run(&world, &["backup", "verify", "/nonexistent/set"]), 2);
    assert!(nowhere.contains("not a backup set"), "{nowhere}");
    let file = world.data_dir.path().join("a-file");
    std::fs::write(&file, b"").unwrap();
    let under_file = file.join("sets").display().to_string();
    fails(&run(&world, &["backup", "--to", &under_file]), 2);
    fails(&run(&world, &["backup"]), 2);
}

/// PostgreSQL: pg_dump and pg_restore for the database, the command for the documents
/// (docs/operations.md §3), where the tools are installed.
#[tokio::test]
async fn on_postgres_pg_restore_and_the_documents_part_restore_together() {
    let Some(world) = World::postgres() else {
        return;
    };
    if std::process::Command::new("pg_dump")
        .arg("--version")
        .output()
        .is_err()
    {
        return;
    }
    let app = spawn_portal(&world, "national").await;
    let case = received_case(&app, &world).await;
    let sent = upload(&app, &case, "drivers_licence", "a.jpg", JPEG.to_vec(), None).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let root = tempfile::tempdir().unwrap();
    let taken = run(
        &world,
        &["backup", "--to", &root.path().display().to_string()],
    );
    assert!(taken.status.success(), "{}", out(&taken));
    assert!(String::from_utf8_lossy(&taken.stdout).contains("pg_dump"));
    let set = sets(root.path()).remove(0);
    let dump = root.path().join("madoguchi.pgdump");
    let dumped = std::process::Command::new("pg_dump")
        .args(["--format=custom", "--file"])
        .arg(&dump)
        .arg(&world.database_url)
        .output()
        .unwrap();
    assert!(dumped.status.success(), "{}", out(&dumped));

    let fresh = World::postgres().unwrap();
    for file in ["document.key", "session.key"] {
        std::fs::copy(
            world.data_dir.path().join(file),
            fresh.data_dir.path().join(file),
        )
        .unwrap();
    }
    let set_path = set.display().to_string();
    let too_early = fails(&run(&fresh, &["restore", "--from", &set_path]), 2);
    assert!(too_early.contains("pg_restore first"), "{too_early}");
    let loaded = std::process::Command::new("pg_restore")
        .args(["--no-owner", "--dbname"])
        .arg(&fresh.database_url)
        .arg(&dump)
        .output()
        .unwrap();
    assert!(loaded.status.success(), "{}", out(&loaded));
    let restored = run(&fresh, &["restore", "--from", &set_path]);
    assert!(restored.status.success(), "{}", out(&restored));
    assert!(String::from_utf8_lossy(&restored.stdout).contains("1 documents"));
}

/// With MADOGUCHI_BACKUP_DIR set the servers back up by themselves: of two instances exactly one
/// takes the day's set, it is recorded and shown to monitoring; a Sunday's full set lets the
/// older sets go.
#[tokio::test]
async fn scheduled_backups_are_taken_once_recorded_and_pruned() {
    use chrono::Datelike;
    use madoguchi::service::backup_schedule::{BackupSchedule, run_once};

    let world = World::new();
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().display().to_string();
    let with_schedule = |vars: &mut std::collections::BTreeMap<String, String>| {
        vars.insert("MADOGUCHI_BACKUP_DIR".into(), dir.clone());
        vars.insert("MADOGUCHI_BACKUP_AT".into(), "00:00".into());
    };
    let first = world.spawn_with(with_schedule).await;
    let second = world.spawn_with(with_schedule).await;
    let mut taken = Vec::new();
    for _ in 0..100 {
        taken = sets(root.path());
        if !taken.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // Both instances have looked (their first look is at start); give the slower one a moment.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(sets(root.path()).len(), 1, "one set for the day: {taken:?}");
    assert_eq!(world.count("SELECT COUNT(*) AS n FROM backup_claims"), 1);
    assert_eq!(
        world.count("SELECT COUNT(*) AS n FROM backup_sets WHERE taken_by = 'schedule'"),
        1
    );
    let metrics = first.get("/metrics").await;
    assert!(
        metrics
            .body
            .contains("madoguchi_backup_newest_timestamp_seconds "),
        "{}",
        metrics.body
    );
    first.stop().await;
    second.stop().await;

    // A later Sunday: a full set, and the first set, needed by no kept set, goes.
    let config = madoguchi::config::Config::from_vars(&world.vars()).unwrap();
    let db = madoguchi::startup::open_database(&config).unwrap();
    let schedule = BackupSchedule {
        dir: root.path().to_path_buf(),
        at: chrono::NaiveTime::MIN,
        keep: 1,
    };
    let mut sunday = chrono::Utc::now() + chrono::Duration::days(1);
    while (sunday + chrono::Duration::hours(9)).weekday() != chrono::Weekday::Sun {
        sunday += chrono::Duration::days(1);
    }
    let documents = world.data_dir.path().join("documents");
    let full = run_once(&db, &documents, "keys".into(), &schedule, "x", sunday)
        .unwrap()
        .expect("due and claimed");
    assert_eq!(sets(root.path()), vec![full.set.clone()]);
    assert_eq!(
        world.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'backup.pruned'"),
        1
    );
    // The same day again: already taken.
    assert!(
        run_once(&db, &documents, "keys".into(), &schedule, "y", sunday)
            .unwrap()
            .is_none()
    );
}
