//! Builds the application from a [`Config`]: database, migrations, first-run link, HTTP server.
//! Tests call the same code with port 0.

use std::net::TcpListener;
use std::sync::Arc;

use actix_session::SessionMiddleware;
use actix_session::config::CookieContentSecurity;
use actix_session::storage::CookieSessionStore;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders, ErrorHandlers};
use actix_web::{App, HttpServer};
use chrono::{Duration, Utc};
use tracing_actix_web::TracingLogger;

use crate::auth::password::Cost;
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::db::{Db, DbError};
use crate::mail::Transport;
use crate::mail::worker::{self, MailWorker, MailWorkerHandle};
use crate::service::accounts;
use crate::service::caches::CalendarCache;
use crate::storage::crypto::MasterKey;
use crate::storage::files::BlobStore;
use crate::storage::index::IndexKey;
use crate::telemetry::SafeRootSpan;
use crate::web::{self, AppState};
use actix_web::web::Data;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("database {url}: {source}")]
    Database { url: String, source: DbError },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error("session key rejected: {0}")]
    SessionKey(String),
    #[error("{0}")]
    Setup(String),
    #[error(transparent)]
    Presence(#[from] crate::service::instances::PresenceError),
}

/// What a test may replace when it builds the application (production uses [`Application::build`]).
pub struct Parts {
    pub password_cost: Cost,
    pub clock: Arc<dyn Clock>,
    /// Mail kept in memory instead of files; there is no configuration that selects it.
    pub memory_mail: Option<crate::mail::MemoryTransport>,
}

pub struct Application {
    port: u16,
    server: Server,
    setup_link: Option<String>,
    mail_files: Option<std::path::PathBuf>,
    mail_worker: MailWorkerHandle,
    db: Db,
    clock: Arc<dyn Clock>,
    presence: crate::service::instances::Presence,
}

impl Application {
    pub async fn build(config: Config) -> Result<Application, StartupError> {
        Application::build_with(config, Cost::Standard).await
    }

    /// `password_cost` lets test suites use cheap hashes; production always uses the standard cost.
    pub async fn build_with(
        config: Config,
        password_cost: Cost,
    ) -> Result<Application, StartupError> {
        Application::build_with_parts(
            config,
            Parts {
                password_cost,
                clock: Arc::new(SystemClock),
                memory_mail: None,
            },
        )
        .await
    }

    /// As [`Application::build_with`], with the parts tests replace: the clock the pages and use
    /// cases read, and a transport that keeps mail in memory (only when no SMTP server is
    /// configured: tests of real SMTP keep it).
    pub async fn build_with_parts(
        config: Config,
        parts: Parts,
    ) -> Result<Application, StartupError> {
        let Parts {
            password_cost,
            clock,
            memory_mail,
        } = parts;
        let db = open_database(&config)?;
        let presence = crate::service::instances::announce(
            &db,
            &MasterKey::new(config.secrets.document_key),
            Utc::now(),
        )?;
        presence.spawn_heartbeat();
        // Cases received before their names had search keys get them before anyone searches.
        let backfilled = crate::service::search_keys::backfill(
            &db,
            &MasterKey::new(config.secrets.document_key),
            &IndexKey::derive(&config.secrets.document_key),
        )
        .map_err(|e| StartupError::Setup(format!("name search keys: {e}")))?;
        if backfilled > 0 {
            tracing::info!(cases = backfilled, "name search keys written");
        }
        let setup_link = accounts::setup_link_if_needed(
            &db,
            Utc::now(),
            Duration::minutes(config.setup_link_minutes),
        )
        .map_err(|source| StartupError::Database {
            url: config.database_url.redacted(),
            source,
        })?
        .map(|token| format!("{}/setup/{token}", config.public_url));
        let transport = match memory_mail {
            Some(memory) if config.smtp_url.is_none() => Transport::Memory(memory),
            _ => Transport::from_config(config.smtp_url.as_deref(), config.data_path("mail"))
                .map_err(StartupError::Setup)?,
        };
        let mail_files = match &transport {
            Transport::Files(_, dir) => Some(dir.clone()),
            Transport::Smtp(_) | Transport::Memory(_) => None,
        };
        // Every ready profile closes on the same days (a unit test of `domain::profile` holds
        // them to it), so the calendar does not depend on which one an administrator chooses.
        let profiles = Arc::new(crate::service::caches::ProfileCache::new(config.profile));
        let profile = profiles
            .fresh(&db)
            .await
            .map_err(|e| StartupError::Setup(e.to_string()))?;
        if profile.name != config.profile {
            tracing::info!(
                chosen = %profile.name,
                configured = %config.profile,
                "an administrator chose the operator profile; MADOGUCHI_PROFILE is not used"
            );
        }
        let mail_from = crate::mail::parse_mailbox(&config.mail_from)
            .map_err(|e| StartupError::Setup(e.to_string()))?;
        let letterhead = letterhead(&config, profiles.clone())
            .map_err(|e| StartupError::Setup(e.to_string()))?;
        let mail_worker = MailWorker::new(
            db.clone(),
            Arc::new(MasterKey::new(config.secrets.document_key)),
            Arc::new(transport),
            uuid::Uuid::now_v7().to_string(),
        )
        .with_clock(clock.clone())
        .with_letterhead(letterhead)
        .spawn(std::time::Duration::from_secs(config.mail_poll_seconds));
        let listener = TcpListener::bind(config.bind).map_err(|source| StartupError::Bind {
            addr: config.bind.to_string(),
            source,
        })?;
        let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
        let session_key = |bytes: &[u8]| {
            Key::try_from(bytes).map_err(|e| StartupError::SessionKey(e.to_string()))
        };
        let keyring = Data::new(web::session_keys::SessionKeyring {
            current: session_key(config.secrets.session_key.as_slice())?,
            others: config
                .secrets
                .other_session_keys
                .iter()
                .map(|k| session_key(k.as_slice()))
                .collect::<Result<_, _>>()?,
        });
        let calendars = Arc::new(CalendarCache::new(profile.calendar(std::iter::empty())));
        calendars
            .fresh(&db)
            .await
            .map_err(|e| StartupError::Setup(e.to_string()))?;
        let fee_schedules = Arc::new(crate::service::caches::FeeScheduleCache::new(
            config.profile,
        ));
        fee_schedules
            .fresh(&db)
            .await
            .map_err(|e| StartupError::Setup(e.to_string()))?;
        spawn_settings_refresh(
            db.clone(),
            (profiles.clone(), fee_schedules.clone(), calendars.clone()),
            std::time::Duration::from_secs(5),
        );
        let metrics = crate::service::metrics::Metrics::new();
        if config.reminder_poll_seconds > 0 {
            crate::service::reminders::Sweeper {
                db: db.clone(),
                calendars: calendars.clone(),
                profiles: profiles.clone(),
                master: Arc::new(MasterKey::new(config.secrets.document_key)),
                from: mail_from.clone(),
                public_url: config.public_url.clone(),
                deadline_days: config.reminder_days.clone(),
                instance: uuid::Uuid::now_v7().to_string(),
                metrics: metrics.clone(),
            }
            .spawn(std::time::Duration::from_secs(config.reminder_poll_seconds));
        }
        crate::service::audit_log::spawn_sealer(
            db.clone(),
            clock.clone(),
            crate::service::audit_log::SEAL_EVERY,
        );
        let blobs = BlobStore::open(config.data_path("documents")).map_err(|e| {
            StartupError::Setup(format!("{}: {e}", config.data_path("documents").display()))
        })?;
        crate::service::housekeeping::spawn(
            db.clone(),
            blobs.clone(),
            (profiles.clone(), clock.clone()),
            std::time::Duration::from_secs(300),
        );
        if let Some(schedule) = config.backup_schedule.clone() {
            crate::service::backup_schedule::spawn(
                db.clone(),
                config.data_path("documents"),
                config.keys_note(),
                schedule,
            );
        }
        let (sealing_db, sealing_clock) = (db.clone(), clock.clone());
        let state = Data::new(AppState {
            db,
            config: Arc::new(config.clone()),
            password_cost,
            profiles,
            calendars,
            fee_schedules,
            // Counting every open case takes about a second at a million cases; a manager's
            // dashboard a few seconds old is fine, and the page says when it was counted.
            dashboard: crate::service::caches::FigureCache::new(std::time::Duration::from_secs(10)),
            master: Arc::new(MasterKey::new(config.secrets.document_key)),
            index: IndexKey::derive(&config.secrets.document_key),
            mail_from,
            blobs,
            clock,
            metrics,
            letter_font: Arc::default(),
        });
        let cookie_secure = config.cookie_secure;
        let https = config.public_url.starts_with("https://");
        let limit = web::rate_limit(config.rate_limit_per_minute, &config.trusted_proxies);
        // A whole case's worth of documents plus the form fields; single files are checked later
        // so that an oversized photo gets a message on the case page.
        let upload_body_limit = config.case_upload_max_bytes + 1024 * 1024;
        let server = HttpServer::new(move || {
            let sessions =
                SessionMiddleware::builder(CookieSessionStore::default(), keyring.current.clone())
                    .cookie_name(web::session_keys::COOKIE_NAME.to_string())
                    .cookie_secure(cookie_secure)
                    .cookie_http_only(true)
                    .cookie_same_site(SameSite::Lax)
                    .cookie_content_security(CookieContentSecurity::Private)
                    .build();
            App::new()
                .app_data(state.clone())
                .app_data(keyring.clone())
                .app_data(actix_web::web::FormConfig::default().limit(64 * 1024))
                // The CSRF form extractor reads the body as bytes; its own limit applies.
                .app_data(actix_web::web::PayloadConfig::new(1024 * 1024))
                .app_data(multipart_config(upload_body_limit))
                .wrap(ErrorHandlers::new().default_handler(web::error_page::render_error_page))
                .wrap(actix_web::middleware::from_fn(
                    web::session_keys::reissue_marked,
                ))
                .wrap(sessions)
                .wrap(actix_web::middleware::from_fn(
                    web::session_keys::accept_other_keys,
                ))
                .wrap(Compress::default())
                .wrap(security_headers(https))
                .wrap(TracingLogger::<SafeRootSpan>::new())
                .wrap(actix_web::middleware::from_fn(web::metrics::record))
                .configure(|cfg| web::routes(cfg, &limit))
                .default_service(actix_web::web::to(|| async {
                    Err::<actix_web::HttpResponse, _>(web::error::AppError::NotFound)
                }))
        })
        .listen(listener)
        .map_err(|source| StartupError::Bind {
            addr: format!("port {port}"),
            source,
        })?
        .run();
        Ok(Application {
            port,
            server,
            setup_link,
            mail_files,
            mail_worker,
            db: sealing_db,
            clock: sealing_clock,
            presence,
        })
    }

    /// Stops the server from outside (tests); [`Application::run_until_stopped`] then returns.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The one-time link for creating the first administrator, when no staff account exists.
    pub fn setup_link(&self) -> Option<&str> {
        self.setup_link.as_deref()
    }

    /// Where mail is written when no SMTP server is configured.
    pub fn mail_files(&self) -> Option<&std::path::Path> {
        self.mail_files.as_deref()
    }

    /// Serves until a signal (SIGTERM, SIGINT) stops the server, then stops the mail worker:
    /// no new claims, and the message in flight sent and recorded (or released); last, seals the
    /// audit records written since the last seal.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        self.mail_worker.shutdown(worker::SHUTDOWN_GRACE).await;
        if let Err(e) = crate::service::audit_log::seal(&self.db, self.clock.now()).await {
            tracing::warn!(error = %e, "could not seal the audit log on the way out");
        }
        self.presence.leave().await;
        served
    }
}

/// Connects and migrates; shared by `serve` and `migrate`.
pub fn open_database(config: &Config) -> Result<Db, StartupError> {
    let url = config.database_url.redacted();
    let db = Db::connect_with(
        &config.database_url,
        config.db_pool_size,
        config.sqlite_durability,
    )
    .map_err(|source| StartupError::Database {
        url: url.clone(),
        source,
    })?;
    let applied = db.migrate().map_err(|source| StartupError::Database {
        url: url.clone(),
        source,
    })?;
    if !applied.is_empty() {
        tracing::info!(count = applied.len(), "applied database migrations");
    }
    Ok(db)
}

/// Keeps each instance's copy of what administrators change within `every` of the database.
fn spawn_settings_refresh(
    db: Db,
    (profiles, fee_schedules, calendars): (
        Arc<crate::service::caches::ProfileCache>,
        Arc<crate::service::caches::FeeScheduleCache>,
        Arc<CalendarCache>,
    ),
    every: std::time::Duration,
) {
    tokio::spawn(async move {
        loop {
            if let Err(e) = fee_schedules.fresh(&db).await {
                tracing::warn!(error = %e, "fee schedule refresh failed; will retry");
            }
            if let Err(e) = profiles.fresh(&db).await {
                tracing::warn!(error = %e, "operator profile refresh failed; will retry");
            }
            if let Err(e) = calendars.fresh(&db).await {
                tracing::warn!(error = %e, "calendar refresh failed; will retry");
            }
            tokio::time::sleep(every).await;
        }
    });
}

/// What every message of this deployment carries: its Reply-To, and a signature naming the
/// operator (as an administrator last saved it in `profiles`) and how to reach it.
pub fn letterhead(
    config: &Config,
    profiles: Arc<crate::service::caches::ProfileCache>,
) -> Result<crate::mail::Letterhead, crate::mail::MailError> {
    let from = crate::mail::parse_mailbox(&config.mail_from)?;
    let reply_to = config
        .mail_reply_to
        .as_deref()
        .map(crate::mail::parse_mailbox)
        .transpose()?;
    let contact = reply_to.clone().unwrap_or(from);
    let public_url = config.public_url.clone();
    Ok(crate::mail::Letterhead {
        reply_to,
        signature: Arc::new(move || {
            crate::mail::signature(&profiles.current(), &contact, &public_url)
        }),
    })
}

/// Headers every response gets unless its handler set its own. Pages show personal data and
/// private links carry their token in the URL: nothing is stored by browsers or proxies (the
/// stylesheet sets its own caching), no page tells another site where it came from, and no page
/// is indexed but the ones that say so (the start page). Over HTTPS, browsers are told to use
/// nothing else.
fn security_headers(https: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("Cache-Control", "no-store"))
        .add(("X-Robots-Tag", "noindex, nofollow"))
        .add((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
        ));
    if https {
        headers.add((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains",
        ))
    } else {
        headers
    }
}

fn multipart_config(limit: usize) -> actix_multipart::form::MultipartFormConfig {
    actix_multipart::form::MultipartFormConfig::default()
        .total_limit(limit)
        .memory_limit(limit)
        .error_handler(|error, _req| {
            let too_large = matches!(
                error,
                actix_multipart::MultipartError::Payload(actix_web::error::PayloadError::Overflow)
            ) || error.to_string().contains("limit");
            if too_large {
                web::error::AppError::TooLarge.into()
            } else {
                web::error::AppError::bad_request("error.400.message").into()
            }
        })
}
