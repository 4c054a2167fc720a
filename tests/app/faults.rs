//! Faults injected into the real binary (docs/operations.md §1): killed with SIGKILL while
//! requesters submit, the server loses no submission it acknowledged, its database stays sound,
//! and it starts again at once.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::audit_log::texts;
use crate::helpers::{World, client, csrf_of};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn start(world: &World, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_madoguchi"))
        .env_clear()
        .envs(world.vars())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("MADOGUCHI_BIND", format!("127.0.0.1:{port}"))
        .current_dir(world.data_dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server starts")
}

async fn wait_ready(base: &str) {
    let started = Instant::now();
    let http = client();
    while started.elapsed() < Duration::from_secs(30) {
        if let Ok(answer) = http.get(format!("{base}/readyz")).send().await
            && answer.status() == 200
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{base} did not become ready");
}

async fn form_post(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> Option<u16> {
    let shown = http.get(format!("{base}{path}")).send().await.ok()?;
    let csrf = csrf_of(&shown.text().await.ok()?);
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let answer = http
        .post(format!("{base}{path}"))
        .form(&form)
        .send()
        .await
        .ok()?;
    Some(answer.status().as_u16())
}

/// One requester's whole request; true when the server acknowledged the submission.
async fn submit_one(base: &str, n: usize) -> bool {
    submit_status(base, n).await == Some(303)
}

#[tokio::test]
async fn a_server_killed_under_intake_load_loses_no_acknowledged_submission() {
    let world = World::new();
    let port = free_port();
    let mut server = start(&world, port);
    let base = format!("http://127.0.0.1:{port}");
    wait_ready(&base).await;

    let acknowledged = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let next = Arc::new(AtomicUsize::new(0));
    let mut requesters = Vec::new();
    for _ in 0..8 {
        let (acknowledged, stop, next, base) = (
            acknowledged.clone(),
            stop.clone(),
            next.clone(),
            base.clone(),
        );
        requesters.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if submit_one(&base, n).await {
                    acknowledged.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    // Kill it in the middle of the stream, once a good number has been acknowledged.
    let started = Instant::now();
    while acknowledged.load(Ordering::Relaxed) < 150 && started.elapsed() < Duration::from_secs(60)
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill().expect("SIGKILL");
    server.wait().expect("reaped");
    stop.store(true, Ordering::Relaxed);
    for requester in requesters {
        requester.await.expect("requester");
    }
    let acknowledged = acknowledged.load(Ordering::Relaxed);
    assert!(acknowledged >= 150, "load was applied: {acknowledged}");

    // Every acknowledged submission is there, and the database is sound.
    eprintln!("killed after {acknowledged} acknowledged submissions");
    let stored = world.count("SELECT COUNT(*) AS n FROM cases");
    assert!(
        stored >= acknowledged as i64,
        "{acknowledged} acknowledged, {stored} stored"
    );
    if world.database_url.starts_with("sqlite://") {
        assert_eq!(
            texts(
                &world,
                "SELECT integrity_check AS t FROM pragma_integrity_check"
            ),
            vec!["ok".to_string()]
        );
    }
    // It starts again at once (the dead instance's registration does not block it).
    let port = free_port();
    let mut again = start(&world, port);
    wait_ready(&format!("http://127.0.0.1:{port}")).await;
    assert!(submit_one(&format!("http://127.0.0.1:{port}"), 1_000_000).await);
    again.kill().expect("stopped");
    let _ = again.wait();
}

/// A PostgreSQL server of the test's own (initdb in a temporary directory), so that stopping it
/// disturbs no other test. None when the PostgreSQL programs are not installed.
struct OwnPostgres {
    dir: tempfile::TempDir,
    bin: std::path::PathBuf,
    port: u16,
    as_postgres: bool,
}

impl OwnPostgres {
    fn start() -> Option<OwnPostgres> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .flatten()
            .map(|e| e.path().join("bin"))
            .find(|bin| bin.join("initdb").exists())?;
        let dir = tempfile::tempdir().ok()?;
        // PostgreSQL refuses to run as root: the cluster then belongs to the postgres user.
        let as_postgres = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
        if as_postgres {
            Command::new("chown")
                .args(["postgres", &dir.path().display().to_string()])
                .status()
                .ok()?;
        }
        let pg = OwnPostgres {
            dir,
            bin,
            port: free_port(),
            as_postgres,
        };
        let data = pg.dir.path().join("data").display().to_string();
        let made = pg
            .command(
                "initdb",
                &["-D", &data, "-A", "trust", "-U", "postgres", "--no-sync"],
            )
            .stdout(Stdio::null())
            .status()
            .ok()?;
        (made.success() && pg.ctl("start")).then_some(pg)
    }

    fn command(&self, program: &str, args: &[&str]) -> Command {
        let program = self.bin.join(program).display().to_string();
        if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--", &program]).args(args);
            command
        } else {
            let mut command = Command::new(program);
            command.args(args);
            command
        }
    }

    fn ctl(&self, action: &str) -> bool {
        let data = self.dir.path().join("data").display().to_string();
        let log = self.dir.path().join("log").display().to_string();
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        self.command(
            "pg_ctl",
            &[
                "-D", &data, "-l", &log, "-o", &options, "-m", "fast", "-w", action,
            ],
        )
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        self.ctl("stop");
    }
}

#[tokio::test]
async fn the_service_recovers_by_itself_when_postgres_restarts_under_traffic() {
    if !crate::helpers::postgres_selected() {
        return;
    }
    let Some(pg) = OwnPostgres::start() else {
        assert!(
            !crate::helpers::in_ci(),
            "the PostgreSQL programs are needed under CI"
        );
        return;
    };
    let mut world = World::new();
    world.database_url = pg.url();
    let app = world.spawn().await;
    assert!(submit_one(&app.base, 1).await);
    assert_eq!(app.get("/readyz").await.status, 200);

    assert!(pg.ctl("stop"), "PostgreSQL stopped");
    // Meanwhile: not ready, and a requester gets an answer (an error page), not a hang.
    let down = app.get("/readyz").await;
    assert_eq!(down.status, 503, "{}", down.body);
    let started = Instant::now();
    assert!(!submit_one(&app.base, 2).await);
    assert!(started.elapsed() < Duration::from_secs(30));

    assert!(pg.ctl("start"), "PostgreSQL started again");
    let started = Instant::now();
    while app.get("/readyz").await.status != 200 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "ready again without a restart"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for n in 3..13 {
        assert!(
            submit_one(&app.base, n).await,
            "submission {n} after the restart"
        );
    }
    app.stop().await;
}

/// A small filesystem mounted for the test (tmpfs), unmounted when dropped; None where the
/// machine does not allow mounting.
struct SmallDisk(tempfile::TempDir);

impl SmallDisk {
    fn mount(megabytes: u32) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().ok()?;
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        mounted.then_some(SmallDisk(dir))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0.path()).status();
    }
}

/// The submit's status, or None when an earlier step failed.
async fn submit_status(base: &str, n: usize) -> Option<u16> {
    let http = client();
    let email = format!("person{n}@example.jp");
    for (path, fields) in crate::uploads::correction_steps(&email) {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let status = form_post(&http, base, path, &fields).await?;
        if status != 303 {
            return Some(status);
        }
    }
    let review = http
        .get(format!("{base}/request/review"))
        .send()
        .await
        .ok()?;
    let csrf = csrf_of(&review.text().await.ok()?);
    let answer = http
        .post(format!("{base}/request/submit"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .ok()?;
    Some(answer.status().as_u16())
}

#[tokio::test]
async fn a_full_disk_gives_a_clear_503_and_the_service_recovers_when_space_returns() {
    if crate::helpers::postgres_selected() {
        return; // the data directory's disk is SQLite's; PostgreSQL's disk is its own
    }
    let Some(disk) = SmallDisk::mount(24) else {
        eprintln!("skipping: this machine does not allow mounting a small filesystem");
        return;
    };
    let mut world = World::new();
    let data_dir = tempfile::tempdir_in(disk.0.path()).unwrap();
    world.database_url = format!(
        "sqlite://{}",
        data_dir.path().join("madoguchi.db").display()
    );
    world.data_dir = Arc::new(data_dir);
    let app = world.spawn().await;
    assert_eq!(submit_status(&app.base, 0).await, Some(303));

    // Fill the disk.
    let filler = disk.0.path().join("filler");
    {
        use std::io::Write;
        let mut file = std::fs::File::create(&filler).unwrap();
        let chunk = vec![0u8; 256 * 1024];
        while file
            .write_all(&chunk)
            .and_then(|()| file.sync_all())
            .is_ok()
        {}
    }
    let mut full = None;
    for n in 1..400 {
        match submit_status(&app.base, n).await {
            Some(303) => continue,
            other => {
                full = other;
                break;
            }
        }
    }
    assert_eq!(full, Some(503), "a full disk is a 503, not a 500");
    let page = app.get("/readyz").await;
    assert!(page.status == 200 || page.status == 503);

    // Space returns: the same process takes submissions again, and the database is sound.
    std::fs::remove_file(&filler).unwrap();
    let mut recovered = false;
    for n in 400..420 {
        if submit_status(&app.base, n).await == Some(303) {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(recovered, "submissions are taken again once space returns");
    app.stop().await;
    assert_eq!(
        texts(
            &world,
            "SELECT integrity_check AS t FROM pragma_integrity_check"
        ),
        vec!["ok".to_string()]
    );
}
