//! The binary as an operator uses it.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::World;

fn madoguchi(world: &World) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_madoguchi"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("MADOGUCHI_DATA_DIR", world.data_dir.path())
        .env("DATABASE_URL", &world.database_url)
        .current_dir(world.data_dir.path());
    cmd
}

/// Asserts an exit code, saying how the process really ended (a signal has no code) and what it
/// printed, so a failure explains itself.
fn assert_exit(out: &std::process::Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{:?}; stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn version_and_help() {
    let world = World::new();
    let out = madoguchi(&world).arg("--version").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("madoguchi {}", env!("CARGO_PKG_VERSION"))
    );
    let help = madoguchi(&world).arg("--help").output().unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    for expected in ["serve", "migrate", "staff", "サーバーを起動"] {
        assert!(text.contains(expected), "help mentions {expected}: {text}");
    }
}

#[test]
fn bad_configuration_lists_every_problem_and_exits_2() {
    let world = World::new();
    let out = madoguchi(&world)
        .env("DATABASE_URL", "mysql://localhost/madoguchi")
        .env("MADOGUCHI_BIND", "everywhere")
        .env("MADOGUCHI_DOCUMENT_KEY", "c2hvcnQ=")
        .arg("migrate")
        .output()
        .unwrap();
    assert_exit(&out, 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    assert!(
        lines.iter().all(|l| l.starts_with("configuration error: ")),
        "{stderr}"
    );
    assert!(stderr.contains("unsupported scheme `mysql`"));
    assert!(stderr.contains("MADOGUCHI_DOCUMENT_KEY: decodes to 5 bytes, expected exactly 32"));
    assert!(!stderr.contains("panicked"));
}

#[test]
fn an_unreachable_database_is_one_line_and_exit_2() {
    let world = World::new();
    let out = madoguchi(&world)
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:9/madoguchi")
        .arg("migrate")
        .output()
        .unwrap();
    assert_exit(&out, 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: database postgres://nobody@127.0.0.1:9/madoguchi"),
        "{stderr}"
    );
}

#[test]
fn staff_add_generates_or_reads_a_password_and_refuses_duplicates() {
    let world = World::new();
    let out = madoguchi(&world)
        .args([
            "staff",
            "add",
            "--email",
            "tanaka@example.jp",
            "--role",
            "approver",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("created approver account for tanaka@example.jp"));
    let password = stdout
        .lines()
        .find_map(|l| l.split(": ").nth(1).filter(|_| l.starts_with("password")))
        .unwrap();
    assert_eq!(password.len(), 43);

    let again = madoguchi(&world)
        .args([
            "staff",
            "add",
            "--email",
            "TANAKA@example.jp",
            "--role",
            "staff",
        ])
        .output()
        .unwrap();
    assert_exit(&again, 2);
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    let out = add_auditor_reading_password(&world, "sato@example.jp", b"short\n");
    assert_exit(&out, 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("password must be 12 to 128 characters"));

    let bad_role = madoguchi(&world)
        .args([
            "staff",
            "add",
            "--email",
            "x@example.jp",
            "--role",
            "manager",
        ])
        .output()
        .unwrap();
    assert_exit(&bad_role, 2);
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("unknown role `manager`"));
}

/// The server prints the setup link for the operator but never writes tokens, query strings or
/// form contents into its log lines.
#[test]
fn request_logs_carry_no_tokens_or_query_strings() {
    let world = World::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = madoguchi(&world)
        .env("MADOGUCHI_BIND", format!("127.0.0.1:{port}"))
        .env("MADOGUCHI_LOG_FORMAT", "json")
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut link = None;
    let mut lines = Vec::new();
    let started = Instant::now();
    while link.is_none() && started.elapsed() < Duration::from_secs(30) {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        if let Some(i) = line.find("/setup/") {
            link = Some(line[i..].trim().to_string());
        }
        lines.push(line);
    }
    let link = link.expect("setup link printed");
    let token = link.trim_start_matches("/setup/").to_string();
    let secret_query = "email=hanako%40example.jp";
    let fetch = |path: &str| {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        std::io::Read::read_to_string(&mut stream, &mut response).unwrap();
        response
    };
    assert!(fetch(&format!("{link}?{secret_query}")).starts_with("HTTP/1.1 200"));
    fetch(&format!("/no-such-page?{secret_query}"));
    std::thread::sleep(Duration::from_millis(300));
    let _ = child.kill();
    let _ = child.wait();
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut reader, &mut rest);
    let log: Vec<&str> = rest
        .lines()
        .chain(lines.iter().map(|l| l.as_str()))
        .filter(|l| l.starts_with('{'))
        .collect();
    assert!(
        log.iter()
            .any(|l| l.contains("\"route\":\"/setup/{token}\"")),
        "request logged by route: {log:?}"
    );
    assert!(
        log.iter().any(|l| l.contains("\"route\":\"(unmatched)\"")),
        "the request with the query string was logged too: {log:?}"
    );
    for line in &log {
        assert!(!line.contains(&token), "token in log: {line}");
        assert!(!line.contains("hanako"), "query string in log: {line}");
    }
}

#[tokio::test]
async fn dev_seed_fills_an_empty_database_and_refuses_one_with_real_cases() {
    let world = World::new();
    let seeded = madoguchi(&world)
        .args(["dev", "seed", "--cases", "300"])
        .output()
        .unwrap();
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    assert!(String::from_utf8_lossy(&seeded.stdout).contains("now holds 300"));
    // Each case waiting on its requester has its open pause, with what it waits for; and every
    // case its name keys (the name and its reading).
    for (state, reason) in [
        ("awaiting_requester", "correction"),
        ("awaiting_payment", "payment"),
    ] {
        let waiting = format!("SELECT COUNT(*) AS n FROM cases WHERE state = '{state}'");
        let paused = format!(
            "SELECT COUNT(*) AS n FROM cases c JOIN case_pauses p ON p.case_id = c.id \
             WHERE c.state = '{state}' AND p.reason = '{reason}' AND p.ended_on IS NULL"
        );
        assert!(world.count(&waiting) > 0, "{state} seeded");
        assert_eq!(world.count(&paused), world.count(&waiting), "{state}");
    }
    assert_eq!(world.count("SELECT COUNT(*) AS n FROM case_name_keys"), 600);

    // Seeded cases look real to the workspace: every open state shows up in the queue.
    let app = crate::portal::spawn_portal(&world, "national").await;
    let boss = app
        .staff(madoguchi::domain::role::Role::Approver, "boss@example.jp")
        .await;
    let queue = app.get_with(&boss.client, "/staff/cases").await.body;
    for state in ["受付", "本人確認中", "審査中"] {
        assert!(queue.contains(&format!("<td>{state}</td>")), "{state}");
    }

    // A real request arrives; seeding now needs --force.
    crate::workspace::requested(
        &app,
        &world,
        &[
            (
                "/request",
                vec![
                    ("kind", "correction"),
                    ("requester_type", "principal"),
                    ("consent", "2026-11-21"),
                ],
            ),
            (
                "/request/person",
                crate::workspace::person("real@example.jp"),
            ),
            (
                "/request/content",
                vec![
                    ("data_description", "住所"),
                    ("current_content", "旧"),
                    ("correct_content", "新"),
                    (
                        "prior_disclosure_on",
                        crate::helpers::RECENT_DISCLOSURE.as_str(),
                    ),
                ],
            ),
        ],
    )
    .await;
    let refused = madoguchi(&world)
        .args(["dev", "seed", "--cases", "5"])
        .output()
        .unwrap();
    assert_exit(&refused, 2);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    let forced = madoguchi(&world)
        .args(["dev", "seed", "--cases", "5", "--force"])
        .output()
        .unwrap();
    assert!(forced.status.success());
    assert!(String::from_utf8_lossy(&forced.stdout).contains("now holds 306"));

    // One sweep sends the reminders due in the seeded set; a second finds them all sent.
    let sweep = || madoguchi(&world).args(["dev", "sweep"]).output().unwrap();
    let first = sweep();
    assert_exit(&first, 0);
    let said = String::from_utf8_lossy(&first.stdout).to_string();
    assert!(
        said.starts_with("considered ") && !said.contains(" sent 0 "),
        "{said}"
    );
    let again = sweep();
    assert_exit(&again, 0);
    assert!(String::from_utf8_lossy(&again.stdout).contains(" sent 0 reminders"));
}

/// A command that fails at once ends with its own code every time: it once crashed at exit in
/// about one run in six on PostgreSQL (OpenSSL freed while a pool thread was still connecting).
#[test]
fn a_command_that_fails_early_exits_cleanly_every_time() {
    let world = World::new();
    for _ in 0..30 {
        let out = add_auditor_reading_password(&world, "early@example.jp", b"short\n");
        assert_exit(&out, 2);
    }
}

/// `staff add` for an auditor with the password typed on standard input.
fn add_auditor_reading_password(world: &World, email: &str, typed: &[u8]) -> std::process::Output {
    let mut child = madoguchi(world)
        .args([
            "staff",
            "add",
            "--email",
            email,
            "--role",
            "auditor",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(typed).unwrap();
    child.wait_with_output().unwrap()
}
