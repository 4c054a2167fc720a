//! Spawns real servers on random ports against a fresh database: SQLite by default, PostgreSQL
//! when `MADOGUCHI_TEST_DATABASE=postgres` (the second pass of `.ci/run`).

use std::collections::BTreeMap;
use std::sync::Arc;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use madoguchi::auth::password::Cost;
use madoguchi::clock::ShiftedClock;
use madoguchi::config::Config;
use madoguchi::mail::MemoryTransport;
use madoguchi::startup::{Application, Parts};

/// A day ten days ago (JST), as a correction or suspension names the disclosure it follows
/// (開示前置: within 90 days of it).
pub static RECENT_DISCLOSURE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    (madoguchi::domain::deadline::jst_date(chrono::Utc::now()) - chrono::Duration::days(10))
        .format("%Y-%m-%d")
        .to_string()
});

pub fn postgres_selected() -> bool {
    std::env::var("MADOGUCHI_TEST_DATABASE").is_ok_and(|v| v == "postgres")
}

pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

pub fn pg_admin_url() -> String {
    std::env::var("MADOGUCHI_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A PostgreSQL database created for one test and dropped after it.
pub struct PgDatabase {
    pub url: String,
    name: String,
}

impl PgDatabase {
    /// None when PostgreSQL cannot be reached and the test may skip (never under CI).
    pub fn create() -> Option<PgDatabase> {
        let admin = pg_admin_url();
        let mut conn = match PgConnection::establish(&admin) {
            Ok(conn) => conn,
            Err(e) if !in_ci() && !postgres_selected() => {
                eprintln!(
                    "skipping: PostgreSQL unreachable at {admin} ({e}); CI=true makes this a failure"
                );
                return None;
            }
            Err(e) => panic!("PostgreSQL is required here but unreachable at {admin}: {e}"),
        };
        let name = format!("madoguchi_test_{}", uuid::Uuid::new_v4().simple());
        conn.batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create test database");
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
        Some(PgDatabase {
            url: format!("{base}/{name}"),
            name,
        })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&pg_admin_url()) {
            let _ = conn.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// One deployment: a database and a data directory (keys) that any number of instances share.
/// Cheap to clone; the directory and database live until the last clone (and every app spawned
/// from it) is gone.
#[derive(Clone)]
pub struct World {
    pub data_dir: Arc<tempfile::TempDir>,
    pub database_url: String,
    /// Where every instance of this deployment delivers its mail (unless SMTP is configured, or
    /// `mail_files` asks for the default `.eml` files).
    pub mail: MemoryTransport,
    pub mail_files: bool,
    _pg: Option<Arc<PgDatabase>>,
    /// Checks every message this deployment sent when the last clone of the world goes.
    _mail_check: Arc<MailCheck>,
}

/// Parses, with a standard MIME parser, every message a world's instances sent, when the test
/// is done with the world, and checks what every notice must carry: the sender, the recipient, a
/// subject, a date, a stable Message-ID, a Reply-To, `Auto-Submitted: auto-generated` (so
/// auto-responders stay quiet) and a signature naming the operator and how to reach it.
pub struct MailCheck(MemoryTransport);

impl MailCheck {
    fn new(mail: &MemoryTransport) -> Arc<MailCheck> {
        Arc::new(MailCheck(mail.clone()))
    }
}

pub fn check_mail_headers(raw: &[u8]) -> Result<(), String> {
    let message = mail_parser::MessageParser::default()
        .parse(raw)
        .ok_or("not a MIME message")?;
    let header = |name: &str| {
        message
            .header_raw(name)
            .map(|v| v.trim().to_string())
            .ok_or(format!("no {name} header"))
    };
    if header("Auto-Submitted")? != "auto-generated" {
        return Err("Auto-Submitted is not auto-generated".into());
    }
    header("X-Auto-Response-Suppress")?;
    let has_address = |a: Option<&mail_parser::Address>| {
        a.and_then(|a| a.first())
            .and_then(|a| a.address())
            .is_some_and(|a| a.contains('@'))
    };
    if !has_address(message.from()) {
        return Err("no From address".into());
    }
    if !has_address(message.reply_to()) {
        return Err("no Reply-To address".into());
    }
    if !has_address(message.to()) {
        return Err("no To address".into());
    }
    if message.subject().is_none_or(str::is_empty) {
        return Err("no subject".into());
    }
    if message.date().is_none() {
        return Err("no Date".into());
    }
    if message.message_id().is_none_or(|id| !id.contains('@')) {
        return Err("no Message-ID".into());
    }
    let text = message
        .body_text(0)
        .ok_or("no text body")?
        .replace("\r\n", "\n");
    let signature = text
        .split("\n-- \n")
        .nth(1)
        .ok_or("no signature (a line \"-- \")")?;
    if !signature.contains("Contact:") || !signature.contains("http") {
        return Err(format!(
            "the signature says not how to reach the operator: {signature}"
        ));
    }
    Ok(())
}

impl Drop for MailCheck {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        for (i, mail) in self.0.messages().iter().enumerate() {
            if let Err(problem) = check_mail_headers(&mail.raw) {
                panic!("message {i} sent by this test: {problem}\n{}", mail.text());
            }
        }
    }
}

impl World {
    pub fn new() -> World {
        let data_dir = Arc::new(tempfile::tempdir().expect("temp dir"));
        if postgres_selected() {
            let pg = PgDatabase::create().expect("postgres selected");
            let mail = MemoryTransport::new();
            World {
                database_url: pg.url.clone(),
                data_dir,
                _mail_check: MailCheck::new(&mail),
                mail,
                mail_files: false,
                _pg: Some(Arc::new(pg)),
            }
        } else {
            let database_url = format!(
                "sqlite://{}",
                data_dir.path().join("madoguchi.db").display()
            );
            let mail = MemoryTransport::new();
            World {
                data_dir,
                database_url,
                _mail_check: MailCheck::new(&mail),
                mail,
                mail_files: false,
                _pg: None,
            }
        }
    }

    /// A deployment on PostgreSQL whichever backend the run selected (None when PostgreSQL is
    /// unreachable outside CI).
    pub fn postgres() -> Option<World> {
        let pg = PgDatabase::create()?;
        let mail = MemoryTransport::new();
        Some(World {
            database_url: pg.url.clone(),
            data_dir: Arc::new(tempfile::tempdir().expect("temp dir")),
            _mail_check: MailCheck::new(&mail),
            mail,
            mail_files: false,
            _pg: Some(Arc::new(pg)),
        })
    }

    /// Runs `sql` on the deployment's database, whichever backend it is (to set up a fault).
    pub fn execute(&self, sql: &str) {
        if let Some(path) = self.database_url.strip_prefix("sqlite://") {
            let mut conn = diesel::SqliteConnection::establish(path).expect("sqlite");
            conn.batch_execute(sql).expect("sql");
        } else {
            let mut conn = PgConnection::establish(&self.database_url).expect("postgres");
            conn.batch_execute(sql).expect("sql");
        }
    }

    /// What `sql` (a `SELECT COUNT(*) AS n …`) counts in the deployment's database.
    pub fn count(&self, sql: &str) -> i64 {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        use diesel::RunQueryDsl;
        let rows: Vec<Count> = if let Some(path) = self.database_url.strip_prefix("sqlite://") {
            let mut conn = diesel::SqliteConnection::establish(path).expect("sqlite");
            diesel::sql_query(sql).load(&mut conn).expect("count")
        } else {
            let mut conn = PgConnection::establish(&self.database_url).expect("postgres");
            diesel::sql_query(sql).load(&mut conn).expect("count")
        };
        rows.first().map_or(0, |c| c.n)
    }

    pub fn vars(&self) -> BTreeMap<String, String> {
        let mut vars = BTreeMap::new();
        vars.insert(
            "MADOGUCHI_DATA_DIR".into(),
            self.data_dir.path().display().to_string(),
        );
        vars.insert("DATABASE_URL".into(), self.database_url.clone());
        vars.insert("MADOGUCHI_BIND".into(), "127.0.0.1:0".into());
        vars.insert("MADOGUCHI_LOG".into(), "warn".into());
        // Tests post more often than people; the limit itself has a test of its own.
        vars.insert("MADOGUCHI_RATE_LIMIT_PER_MINUTE".into(), "0".into());
        // Reminders would add mail to tests that count it; their own tests switch them on.
        vars.insert("MADOGUCHI_REMINDER_POLL_SECONDS".into(), "0".into());
        vars
    }

    pub async fn spawn(&self) -> TestApp {
        self.spawn_with(|_| {}).await
    }

    pub async fn spawn_with(&self, adjust: impl FnOnce(&mut BTreeMap<String, String>)) -> TestApp {
        let mut vars = self.vars();
        adjust(&mut vars);
        let config = Config::from_vars(&vars).expect("test configuration");
        if let Ok(filter) = std::env::var("TEST_LOG") {
            madoguchi::telemetry::init(madoguchi::config::LogFormat::Pretty, &filter);
        }
        let clock = ShiftedClock::new();
        let parts = Parts {
            password_cost: Cost::Fast,
            clock: Arc::new(clock.clone()),
            memory_mail: (!self.mail_files).then(|| self.mail.clone()),
        };
        let app = Application::build_with_parts(config, parts)
            .await
            .expect("application starts");
        let base = format!("http://127.0.0.1:{}", app.port());
        let setup_link = app
            .setup_link()
            .map(|l| l.replace("http://127.0.0.1:0", &base));
        let server = app.handle();
        let running = tokio::spawn(app.run_until_stopped());
        TestApp {
            server,
            running: std::sync::Mutex::new(Some(running)),
            base,
            setup_link,
            client: client(),
            clock,
            world: self.clone(),
        }
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_provider(Arc::new(reqwest::cookie::Jar::default()))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

pub struct TestApp {
    pub base: String,
    pub setup_link: Option<String>,
    pub client: reqwest::Client,
    /// The application's clock: a test moves it forward instead of editing stored times.
    pub clock: ShiftedClock,
    /// The deployment this instance serves (its database and data directory).
    pub world: World,
    server: actix_web::dev::ServerHandle,
    running: std::sync::Mutex<Option<tokio::task::JoinHandle<std::io::Result<()>>>>,
}

pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

impl TestApp {
    /// Stops the server as SIGTERM would and waits until it has left (mail worker stopped,
    /// audit log sealed, instance unregistered).
    pub async fn stop(&self) {
        self.server.stop(true).await;
        let running = self.running.lock().expect("not poisoned").take();
        if let Some(running) = running {
            running
                .await
                .expect("server task")
                .expect("server stopped cleanly");
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> Page {
        self.get_with(&self.client, path).await
    }

    pub async fn get_with(&self, client: &reqwest::Client, path: &str) -> Page {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            self.url(path)
        };
        page(client.get(url).send().await.expect("GET")).await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        self.post_with(&self.client, path, form).await
    }

    pub async fn post_with(
        &self,
        client: &reqwest::Client,
        path: &str,
        form: &[(&str, &str)],
    ) -> Page {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            self.url(path)
        };
        let body: String = form
            .iter()
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let response = client
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("POST");
        page(response).await
    }

    /// Opens `form_page`, then posts `form` to `action` with the page's CSRF token.
    pub async fn submit(&self, form_page: &str, action: &str, form: &[(&str, &str)]) -> Page {
        let shown = self.get(form_page).await;
        let csrf = csrf_of(&shown.body);
        let mut fields = vec![("csrf", csrf.as_str())];
        fields.extend_from_slice(form);
        self.post(action, &fields).await
    }

    /// Creates the first administrator through the setup link and stays signed in.
    pub async fn create_first_admin(&self, email: &str, password: &str) {
        let link = self
            .setup_link
            .clone()
            .expect("setup link on a fresh database");
        let path = link.trim_start_matches(&self.base).to_string();
        let done = self
            .submit(
                &path,
                &path,
                &[
                    ("email", email),
                    ("display_name", "窓口 花子"),
                    ("password", password),
                    ("password_confirm", password),
                ],
            )
            .await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(done.location.as_deref(), Some("/staff"));
    }

    pub async fn sign_in(&self, client: &reqwest::Client, email: &str, password: &str) -> Page {
        let shown = self.get_with(client, "/staff/login").await;
        let csrf = csrf_of(&shown.body);
        self.post_with(
            client,
            "/staff/login",
            &[("csrf", &csrf), ("email", email), ("password", password)],
        )
        .await
    }
}

async fn page(response: reqwest::Response) -> Page {
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = response.text().await.unwrap_or_default();
    Page {
        status,
        location,
        body,
    }
}

pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html
        .find(marker)
        .map(|i| i + marker.len())
        .expect("page has a CSRF field");
    let end = html[start..].find('"').expect("closing quote");
    html[start..start + end].to_string()
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Fills the world's database with `count` realistic cases under the national profile (every
/// state, dates spread over the past months) and returns the database.
pub fn seeded(world: &World, count: usize) -> madoguchi::db::Db {
    let config = Config::from_vars(&world.vars()).unwrap();
    let db = madoguchi::startup::open_database(&config).unwrap();
    let key = config.secrets.document_key;
    let profile = madoguchi::domain::profile::ProfileName::National.profile();
    madoguchi::service::seed::Seeder {
        db: &db,
        master: &madoguchi::storage::crypto::MasterKey::new(key),
        index: &madoguchi::storage::index::IndexKey::derive(&key),
        profile: &profile,
        calendar: &profile.calendar([]),
    }
    .seed(count, false, chrono::Utc::now())
    .unwrap();
    db
}
