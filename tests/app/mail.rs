//! Mail through a real SMTP server on loopback (aiosmtpd, delivering into a Maildir).

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use madoguchi::config::Config;
use madoguchi::db::{Db, outbox};
use madoguchi::mail::worker::MailWorker;
use madoguchi::mail::{self, OutgoingMail, Transport};
use madoguchi::startup::open_database;
use madoguchi::storage::crypto::MasterKey;

use crate::helpers::{World, in_ci};

pub struct SmtpServer {
    pub port: u16,
    pub maildir: tempfile::TempDir,
    child: Child,
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The first Python that can run aiosmtpd: `MADOGUCHI_TEST_PYTHON`, `python3` on the PATH, or
/// Debian's own (`python3-aiosmtpd` installs there, while PATH may lead to another Python).
fn python_with_aiosmtpd() -> Option<String> {
    let candidates = std::env::var("MADOGUCHI_TEST_PYTHON")
        .into_iter()
        .chain(["python3".to_string(), "/usr/bin/python3".to_string()]);
    candidates.into_iter().find(|python| {
        Command::new(python)
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

impl SmtpServer {
    /// None when aiosmtpd is not installed and the test may skip (never under CI).
    pub fn start_on(port: u16) -> Option<SmtpServer> {
        let maildir = tempfile::tempdir().unwrap();
        let Some(python) = python_with_aiosmtpd() else {
            assert!(
                !in_ci(),
                "aiosmtpd is required under CI: install python3-aiosmtpd"
            );
            eprintln!("skipping: no Python with aiosmtpd (install python3-aiosmtpd)");
            return None;
        };
        let spawned = Command::new(python)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(maildir.path().join("box"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match spawned {
            Ok(child) => child,
            Err(e) if !in_ci() => {
                eprintln!("skipping: cannot start aiosmtpd ({e})");
                return None;
            }
            Err(e) => panic!("aiosmtpd is required under CI: {e}"),
        };
        let mut server = SmtpServer {
            port,
            maildir,
            child,
        };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = server.child.try_wait() {
                assert!(
                    !in_ci(),
                    "aiosmtpd exited at start ({status}); install python3-aiosmtpd"
                );
                eprintln!("skipping: aiosmtpd unavailable ({status})");
                return None;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "aiosmtpd did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(server)
    }

    pub fn start() -> Option<SmtpServer> {
        SmtpServer::start_on(free_port())
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every delivered message, raw.
    pub fn messages(&self) -> Vec<String> {
        let dir: PathBuf = self.maildir.path().join("box").join("new");
        let mut out: Vec<String> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                    .collect()
            })
            .unwrap_or_default();
        out.sort();
        out
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn worker(db: &Db, key: [u8; 32], smtp_url: &str, id: &str) -> MailWorker {
    MailWorker::new(
        db.clone(),
        Arc::new(MasterKey::new(key)),
        Arc::new(Transport::from_config(Some(smtp_url), PathBuf::new()).unwrap()),
        id,
    )
}

fn setup(world: &World) -> (Db, [u8; 32]) {
    let config = Config::from_vars(&world.vars()).unwrap();
    (open_database(&config).unwrap(), config.secrets.document_key)
}

fn enqueue(db: &Db, key: [u8; 32], marker: &str) -> String {
    let marker = marker.to_string();
    db.with_writer(move |conn| {
        let from = mail::parse_mailbox("Madoguchi <madoguchi@example.jp>").unwrap();
        let message = OutgoingMail {
            to: "requester@example.jp".into(),
            subject: format!("Receipt {marker}"),
            text: format!("Your request was received: {marker}\n"),
            html: None,
        };
        Ok(mail::enqueue(
            conn,
            &MasterKey::new(key),
            &from,
            &message,
            "receipt",
            Some("case-1"),
            Utc::now(),
        )
        .unwrap())
    })
    .unwrap()
}

#[tokio::test]
async fn queued_mail_is_delivered_over_smtp_and_sealed_while_it_waits() {
    let Some(smtp) = SmtpServer::start() else {
        return;
    };
    let world = World::new();
    let (db, key) = setup(&world);
    let id = enqueue(&db, key, "2026-000123");
    let row = db
        .with_reader(move |c| outbox::find(c, &id))
        .unwrap()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&row.sealed_message).contains("requester@example.jp"),
        "sealed at rest"
    );

    let (sent, failed) = worker(&db, key, &smtp.url(), "w1")
        .drain(Utc::now())
        .await
        .unwrap();
    assert_eq!((sent, failed), (1, 0));
    let messages = smtp.messages();
    assert_eq!(messages.len(), 1);
    assert!(messages[0].contains("To: requester@example.jp"));
    assert!(messages[0].contains("Subject: Receipt 2026-000123"));
    assert!(messages[0].contains("Your request was received: 2026-000123"));
    assert_eq!(db.with_reader(outbox::pending_count).unwrap(), 0);
}

#[tokio::test]
async fn an_smtp_outage_loses_nothing_and_is_retried_with_backoff() {
    let world = World::new();
    let (db, key) = setup(&world);
    let port = free_port();
    let id = enqueue(&db, key, "outage");
    let now = Utc::now();
    let w = worker(&db, key, &format!("smtp://127.0.0.1:{port}"), "w1");
    assert_eq!(w.drain(now).await.unwrap(), (0, 1));
    let lookup = id.clone();
    let row = db
        .with_reader(move |c| outbox::find(c, &lookup))
        .unwrap()
        .unwrap();
    assert_eq!(row.attempts, 1);
    assert!(row.sent_at.is_none());
    // Measured from the failure, which comes a moment after the run's `now`.
    let delay = (row.next_attempt_at - now.naive_utc())
        .num_microseconds()
        .unwrap();
    assert!((29_999_999..=31_000_000).contains(&delay), "{delay}");
    assert!(row.last_error.unwrap().starts_with("smtp"));
    assert_eq!(
        w.drain(now).await.unwrap(),
        (0, 0),
        "not retried before its time"
    );

    let Some(smtp) = SmtpServer::start_on(port) else {
        return;
    };
    assert_eq!(
        w.drain(now + chrono::Duration::seconds(31)).await.unwrap(),
        (1, 0)
    );
    assert_eq!(smtp.messages().len(), 1);
}

#[tokio::test]
async fn two_instances_draining_together_send_each_message_once() {
    let Some(smtp) = SmtpServer::start() else {
        return;
    };
    let world = World::new();
    let (db, key) = setup(&world);
    for i in 0..12 {
        enqueue(&db, key, &format!("m{i:02}"));
    }
    let (a, b) = (
        worker(&db, key, &smtp.url(), "a"),
        worker(&db, key, &smtp.url(), "b"),
    );
    let now = Utc::now();
    let (ra, rb) = tokio::join!(a.drain(now), b.drain(now));
    let (sa, sb) = (ra.unwrap().0, rb.unwrap().0);
    assert_eq!(sa + sb, 12);
    let messages = smtp.messages();
    assert_eq!(messages.len(), 12, "each message exactly once");
    for i in 0..12 {
        let marker = format!("Subject: Receipt m{i:02}");
        assert_eq!(
            messages.iter().filter(|m| m.contains(&marker)).count(),
            1,
            "{marker}"
        );
    }
}
