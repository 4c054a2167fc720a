//! Typed configuration. This is the only module that reads the process environment; everything
//! else receives a [`Config`]. Every problem is collected so an operator sees them all at once.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use crate::db::{DatabaseUrl, Durability};
use crate::domain::profile::ProfileName;
use crate::secrets::{self, Secrets};
use crate::service::backup_schedule::BackupSchedule;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub public_url: String,
    pub data_dir: PathBuf,
    pub database_url: DatabaseUrl,
    pub db_pool_size: u32,
    /// SQLite's `synchronous` setting: FULL unless the operator trades durability for speed.
    pub sqlite_durability: Durability,
    pub log_format: LogFormat,
    pub log_filter: String,
    pub setup_link_minutes: i64,
    pub session_idle_minutes: i64,
    pub session_max_hours: i64,
    pub cookie_secure: bool,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Where replies to notices go (none: to the sender).
    pub mail_reply_to: Option<String>,
    pub mail_poll_seconds: u64,
    /// Office days before a deadline on which the assignee is reminded, largest first.
    pub reminder_days: Vec<u32>,
    /// How often each instance sweeps for reminders and escalations (0: never, for tests).
    pub reminder_poll_seconds: u64,
    pub profile: ProfileName,
    pub upload_max_bytes: usize,
    pub case_upload_max_bytes: usize,
    /// Requests per minute per client address on the portal's write endpoints; 0 turns it off.
    pub rate_limit_per_minute: u32,
    /// Reverse proxies whose `X-Forwarded-For` names the client (empty: trust no header).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// A bearer token that opens `/metrics`; without one, only a client on this machine may read it.
    pub metrics_token: Option<String>,
    /// The font letters are set in as PDF (`MADOGUCHI_LETTER_FONT`); None: the first of
    /// `pdf::DEFAULT_FONT_PATHS` that exists.
    pub letter_font: Option<PathBuf>,
    /// Unattended backups, when `MADOGUCHI_BACKUP_DIR` is set.
    pub backup_schedule: Option<BackupSchedule>,
    pub secrets: Secrets,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("public_url", &self.public_url)
            .field("data_dir", &self.data_dir)
            .field("database", &self.database_url.redacted())
            .field("db_pool_size", &self.db_pool_size)
            .field("log_format", &self.log_format)
            .finish_non_exhaustive()
    }
}

/// One line per problem, so a misconfigured deployment shows everything that is wrong at once.
#[derive(Debug, Default)]
pub struct ConfigErrors(pub Vec<String>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "configuration error: {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// The sender used when `MADOGUCHI_MAIL_FROM` is not set.
pub const DEFAULT_MAIL_FROM: &str = "Madoguchi <no-reply@localhost>";

impl Config {
    /// Where the keys are; a backup set never holds them.
    pub fn keys_note(&self) -> String {
        format!(
            "not in this set: the document key is MADOGUCHI_DOCUMENT_KEY or {dir}/document.key, the session key MADOGUCHI_SESSION_KEY or {dir}/session.key; keep them apart from the set, which is unreadable without the document key",
            dir = self.data_dir.display()
        )
    }

    /// Problems worth a warning at start that do not stop the service, in English and Japanese.
    pub fn warnings(&self) -> Vec<(&'static str, &'static str)> {
        let mut warnings = Vec::new();
        if self.smtp_url.is_some() && self.mail_from == DEFAULT_MAIL_FROM {
            warnings.push((
                "MADOGUCHI_SMTP_URL is set but MADOGUCHI_MAIL_FROM is still the default \
                 no-reply@localhost: relays and recipients reject or discard such mail; set it to \
                 the operator's address",
                "MADOGUCHI_SMTP_URL が設定されていますが、送信者 MADOGUCHI_MAIL_FROM が既定の \
                 no-reply@localhost のままです。このままでは中継サーバーや受信者に拒否・破棄されます。\
                 事業者のアドレスを設定してください",
            ));
        }
        warnings
    }
}

/// Every variable the application reads, with its default and meaning (the README table mirrors it).
pub const VARIABLES: &[(&str, &str, &str)] = &[
    (
        "DATABASE_URL",
        "sqlite://<data dir>/madoguchi.db",
        "sqlite://PATH or postgres://USER@HOST:PORT/DB",
    ),
    (
        "MADOGUCHI_BIND",
        "127.0.0.1:8080",
        "address and port to listen on",
    ),
    (
        "MADOGUCHI_PUBLIC_URL",
        "http://<bind>",
        "URL people use to reach the service (links in mail and console)",
    ),
    (
        "MADOGUCHI_DATA_DIR",
        "./data",
        "SQLite database, generated secrets, outgoing mail files",
    ),
    (
        "MADOGUCHI_SESSION_KEY",
        "generated into <data dir>/session.key",
        "64-byte cookie key, base64; all instances must share it",
    ),
    (
        "MADOGUCHI_SESSION_KEY_PREVIOUS",
        "<data dir>/session.key.previous if present",
        "a replaced session key: cookies under it are still read, and re-sealed",
    ),
    (
        "MADOGUCHI_SESSION_KEY_NEXT",
        "<data dir>/session.key.next if present",
        "the session key about to take over: cookies under it are already read",
    ),
    (
        "MADOGUCHI_DOCUMENT_KEY",
        "generated into <data dir>/document.key",
        "32-byte AES-256 master key for documents, base64",
    ),
    (
        "MADOGUCHI_DB_POOL_SIZE",
        "8",
        "database connections per instance (readers for SQLite)",
    ),
    (
        "MADOGUCHI_SQLITE_SYNCHRONOUS",
        "full",
        "full: an acknowledged change survives a power cut; normal: faster, the last commits may roll back after one",
    ),
    ("MADOGUCHI_LOG_FORMAT", "pretty", "pretty or json"),
    (
        "MADOGUCHI_LOG",
        "info",
        "tracing filter, e.g. info,madoguchi=debug",
    ),
    (
        "MADOGUCHI_SETUP_LINK_MINUTES",
        "60",
        "lifetime of the first-administrator setup link",
    ),
    (
        "MADOGUCHI_SESSION_IDLE_MINUTES",
        "30",
        "staff sign-out after this much inactivity",
    ),
    (
        "MADOGUCHI_SESSION_MAX_HOURS",
        "12",
        "staff sign-out this long after signing in, whatever the activity",
    ),
    (
        "MADOGUCHI_COOKIE_SECURE",
        "true when the public URL is https",
        "send cookies over HTTPS only",
    ),
    (
        "MADOGUCHI_SMTP_URL",
        "(none: mail is written as .eml files under <data dir>/mail)",
        "smtp://host:25, smtp://user:pass@host:587?tls=required or smtps://host:465",
    ),
    (
        "MADOGUCHI_MAIL_FROM",
        "Madoguchi <no-reply@localhost>",
        "sender of every notice",
    ),
    (
        "MADOGUCHI_MAIL_REPLY_TO",
        "the sender",
        "where replies to notices go (the help desk's mailbox)",
    ),
    (
        "MADOGUCHI_MAIL_POLL_SECONDS",
        "5",
        "how often each instance looks for mail to send",
    ),
    (
        "MADOGUCHI_REMINDER_DAYS",
        "5,1",
        "office days before a deadline on which the assignee is reminded",
    ),
    (
        "MADOGUCHI_REMINDER_POLL_SECONDS",
        "300",
        "how often each instance sweeps for reminders and escalations (0: never)",
    ),
    (
        "MADOGUCHI_PROFILE",
        "national",
        "operator profile: national, private, jmimo, kanagawa or fukushima",
    ),
    (
        "MADOGUCHI_UPLOAD_MAX_MB",
        "10",
        "largest document a requester may upload",
    ),
    (
        "MADOGUCHI_CASE_UPLOAD_MAX_MB",
        "40",
        "total size of the documents of one case",
    ),
    (
        "MADOGUCHI_RATE_LIMIT_PER_MINUTE",
        "20",
        "portal submissions, confirmations, look-ups and uploads per minute per client address and instance; 0 turns the limit off",
    ),
    (
        "MADOGUCHI_TRUSTED_PROXIES",
        "",
        "addresses or networks (10.0.0.0/8, ::1) of reverse proxies whose X-Forwarded-For names the client; empty trusts no header",
    ),
    (
        "MADOGUCHI_METRICS_TOKEN",
        "(none: /metrics answers loopback clients only)",
        "bearer token a monitoring system sends to read /metrics from elsewhere; when set, every reader must send it",
    ),
    (
        "MADOGUCHI_LETTER_FONT",
        "(Debian's /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc, or Fedora's or Arch's)",
        "a Japanese font file (.ttf, .otf or .ttc) in which letters are set as PDF; without one the letter pages say the PDF cannot be made",
    ),
    (
        "MADOGUCHI_BACKUP_DIR",
        "(none: no scheduled backups)",
        "directory for daily backup sets taken by the servers themselves (one instance takes each)",
    ),
    (
        "MADOGUCHI_BACKUP_AT",
        "02:30",
        "JST time of day after which the day's set is taken (full on Sundays, incremental otherwise)",
    ),
    (
        "MADOGUCHI_BACKUP_KEEP",
        "14",
        "backup sets kept; older ones are removed unless a kept set needs them",
    ),
];

impl Config {
    /// Reads the process environment (after an optional `.env` file).
    pub fn from_env() -> Result<Config, ConfigErrors> {
        // A missing .env is the normal case; a malformed one is reported by the variables it breaks.
        let _ = dotenvy::dotenv();
        let vars: BTreeMap<String, String> = std::env::vars()
            .filter(|(name, _)| name == "DATABASE_URL" || name.starts_with("MADOGUCHI_"))
            .collect();
        Config::from_vars(&vars)
    }

    /// Parses configuration from explicit values; missing ones take their defaults. Secrets that are
    /// not given are read from, or generated into, the data directory.
    pub fn from_vars(vars: &BTreeMap<String, String>) -> Result<Config, ConfigErrors> {
        let mut errors = Vec::new();
        let get = |name: &str| vars.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());

        let bind = match get("MADOGUCHI_BIND")
            .unwrap_or("127.0.0.1:8080")
            .parse::<SocketAddr>()
        {
            Ok(addr) => Some(addr),
            Err(_) => {
                errors.push(format!(
                    "MADOGUCHI_BIND: `{}` is not an address:port such as 127.0.0.1:8080",
                    get("MADOGUCHI_BIND").unwrap_or_default()
                ));
                None
            }
        };
        let data_dir = PathBuf::from(get("MADOGUCHI_DATA_DIR").unwrap_or("./data"));
        let database_url = match get("DATABASE_URL") {
            None => Some(DatabaseUrl::Sqlite(data_dir.join("madoguchi.db"))),
            Some(raw) => match DatabaseUrl::parse(raw) {
                Ok(url) => Some(url),
                Err(problem) => {
                    errors.push(format!("DATABASE_URL: {problem}"));
                    None
                }
            },
        };
        let db_pool_size = parse_number(
            &mut errors,
            get("MADOGUCHI_DB_POOL_SIZE"),
            "MADOGUCHI_DB_POOL_SIZE",
            8,
            1..=256,
        );
        let setup_link_minutes = parse_number(
            &mut errors,
            get("MADOGUCHI_SETUP_LINK_MINUTES"),
            "MADOGUCHI_SETUP_LINK_MINUTES",
            60,
            1..=10_080,
        );
        let session_idle_minutes = parse_number(
            &mut errors,
            get("MADOGUCHI_SESSION_IDLE_MINUTES"),
            "MADOGUCHI_SESSION_IDLE_MINUTES",
            30,
            1..=1_440,
        );
        let session_max_hours = parse_number(
            &mut errors,
            get("MADOGUCHI_SESSION_MAX_HOURS"),
            "MADOGUCHI_SESSION_MAX_HOURS",
            12,
            1..=168,
        );
        let sqlite_durability = match get("MADOGUCHI_SQLITE_SYNCHRONOUS")
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("full") => Durability::Full,
            Some("normal") => Durability::Normal,
            Some(other) => {
                errors.push(format!(
                    "MADOGUCHI_SQLITE_SYNCHRONOUS: `{other}` is neither `full` nor `normal`"
                ));
                Durability::Full
            }
        };
        let log_format = match get("MADOGUCHI_LOG_FORMAT")
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("pretty") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => {
                errors.push(format!(
                    "MADOGUCHI_LOG_FORMAT: `{other}` is neither `pretty` nor `json`"
                ));
                LogFormat::Pretty
            }
        };
        let log_filter = get("MADOGUCHI_LOG").unwrap_or("info").to_string();
        let public_url = match (get("MADOGUCHI_PUBLIC_URL"), bind) {
            (Some(url), _) if url.starts_with("http://") || url.starts_with("https://") => {
                url.trim_end_matches('/').to_string()
            }
            (Some(url), _) => {
                errors.push(format!(
                    "MADOGUCHI_PUBLIC_URL: `{url}` must start with http:// or https://"
                ));
                String::new()
            }
            (None, Some(addr)) => format!("http://{addr}"),
            (None, None) => String::new(),
        };
        let cookie_secure = match get("MADOGUCHI_COOKIE_SECURE")
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None => public_url.starts_with("https://"),
            Some("true" | "1" | "yes") => true,
            Some("false" | "0" | "no") => false,
            Some(other) => {
                errors.push(format!(
                    "MADOGUCHI_COOKIE_SECURE: `{other}` is not true or false"
                ));
                false
            }
        };
        let smtp_url = get("MADOGUCHI_SMTP_URL").map(str::to_string);
        if let Some(url) = &smtp_url
            && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
        {
            errors.push("MADOGUCHI_SMTP_URL: must start with smtp:// or smtps://".to_string());
        }
        let mail_from = get("MADOGUCHI_MAIL_FROM")
            .unwrap_or(DEFAULT_MAIL_FROM)
            .to_string();
        if crate::mail::parse_mailbox(&mail_from).is_err() {
            errors.push(format!("MADOGUCHI_MAIL_FROM: `{mail_from}` is not an address such as 窓口 <madoguchi@example.jp>"));
        }
        let mail_reply_to = get("MADOGUCHI_MAIL_REPLY_TO")
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string);
        if let Some(reply_to) = &mail_reply_to
            && crate::mail::parse_mailbox(reply_to).is_err()
        {
            errors.push(format!("MADOGUCHI_MAIL_REPLY_TO: `{reply_to}` is not an address such as 窓口 <madoguchi@example.jp>"));
        }
        let mail_poll_seconds = parse_number(
            &mut errors,
            get("MADOGUCHI_MAIL_POLL_SECONDS"),
            "MADOGUCHI_MAIL_POLL_SECONDS",
            5,
            1..=3600,
        );
        let reminder_days =
            match parse_reminder_days(get("MADOGUCHI_REMINDER_DAYS").unwrap_or("5,1")) {
                Some(days) => days,
                None => {
                    errors.push(
                        "MADOGUCHI_REMINDER_DAYS: give office days such as 5,1 (each 1 to 60)"
                            .into(),
                    );
                    Vec::new()
                }
            };
        let reminder_poll_seconds = parse_number(
            &mut errors,
            get("MADOGUCHI_REMINDER_POLL_SECONDS"),
            "MADOGUCHI_REMINDER_POLL_SECONDS",
            300,
            0..=86_400,
        );
        let profile = match get("MADOGUCHI_PROFILE").map(str::parse::<ProfileName>) {
            None => ProfileName::DEFAULT,
            Some(Ok(name)) => name,
            Some(Err(e)) => {
                errors.push(format!("MADOGUCHI_PROFILE: {e}"));
                ProfileName::DEFAULT
            }
        };
        let upload_max_mb: usize = parse_number(
            &mut errors,
            get("MADOGUCHI_UPLOAD_MAX_MB"),
            "MADOGUCHI_UPLOAD_MAX_MB",
            10,
            1..=100,
        );
        let case_upload_max_mb: usize = parse_number(
            &mut errors,
            get("MADOGUCHI_CASE_UPLOAD_MAX_MB"),
            "MADOGUCHI_CASE_UPLOAD_MAX_MB",
            40,
            1..=1000,
        );
        let rate_limit_per_minute = parse_number(
            &mut errors,
            get("MADOGUCHI_RATE_LIMIT_PER_MINUTE"),
            "MADOGUCHI_RATE_LIMIT_PER_MINUTE",
            20,
            0..=100_000,
        );
        let trusted_proxies = match parse_networks(get("MADOGUCHI_TRUSTED_PROXIES").unwrap_or("")) {
            Ok(networks) => networks,
            Err(bad) => {
                errors.push(format!(
                    "MADOGUCHI_TRUSTED_PROXIES: `{bad}` is not an address or network such as 10.0.0.1 or 10.0.0.0/8"
                ));
                Vec::new()
            }
        };
        let metrics_token = get("MADOGUCHI_METRICS_TOKEN").map(str::to_string);
        let letter_font = get("MADOGUCHI_LETTER_FONT").map(PathBuf::from);
        if metrics_token.as_ref().is_some_and(|t| t.len() < 16) {
            errors.push("MADOGUCHI_METRICS_TOKEN: use at least 16 characters".into());
        }
        let backup_schedule = get("MADOGUCHI_BACKUP_DIR")
            .filter(|dir| !dir.trim().is_empty())
            .map(|dir| {
                let at = get("MADOGUCHI_BACKUP_AT").unwrap_or("02:30");
                let at = match chrono::NaiveTime::parse_from_str(at.trim(), "%H:%M") {
                    Ok(at) => at,
                    Err(_) => {
                        errors.push(format!(
                            "MADOGUCHI_BACKUP_AT: `{at}` is not a time of day such as 02:30 (JST)"
                        ));
                        chrono::NaiveTime::MIN
                    }
                };
                let keep: usize = parse_number(
                    &mut errors,
                    get("MADOGUCHI_BACKUP_KEEP"),
                    "MADOGUCHI_BACKUP_KEEP",
                    14,
                    1..=3650,
                );
                BackupSchedule {
                    dir: PathBuf::from(dir),
                    at,
                    keep,
                }
            });
        let secrets = match (
            secrets::load_or_create(
                &data_dir,
                get("MADOGUCHI_SESSION_KEY"),
                get("MADOGUCHI_DOCUMENT_KEY"),
            ),
            secrets::other_session_keys(
                &data_dir,
                get("MADOGUCHI_SESSION_KEY_PREVIOUS"),
                get("MADOGUCHI_SESSION_KEY_NEXT"),
            ),
        ) {
            (Ok(secrets), Ok(other_session_keys)) => Some(Secrets {
                other_session_keys,
                ..secrets
            }),
            (loaded, others) => {
                errors.extend(loaded.err().unwrap_or_default());
                errors.extend(others.err().unwrap_or_default());
                None
            }
        };

        match (bind, database_url, secrets) {
            (Some(bind), Some(database_url), Some(secrets)) if errors.is_empty() => Ok(Config {
                bind,
                public_url,
                data_dir,
                database_url,
                db_pool_size,
                sqlite_durability,
                log_format,
                log_filter,
                setup_link_minutes,
                session_idle_minutes,
                session_max_hours,
                cookie_secure,
                smtp_url,
                mail_from,
                mail_reply_to,
                mail_poll_seconds,
                reminder_days,
                reminder_poll_seconds,
                profile,
                upload_max_bytes: upload_max_mb * 1024 * 1024,
                case_upload_max_bytes: case_upload_max_mb * 1024 * 1024,
                rate_limit_per_minute,
                trusted_proxies,
                metrics_token,
                letter_font,
                backup_schedule,
                secrets,
            }),
            _ => Err(ConfigErrors(errors)),
        }
    }

    pub fn data_path(&self, name: &str) -> PathBuf {
        self.data_dir.join(name)
    }
}

/// `10.0.0.0/8, 192.0.2.7` → networks (a bare address is a network of one); the bad entry
/// otherwise.
fn parse_networks(raw: &str) -> Result<Vec<ipnet::IpNet>, String> {
    raw.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|part| {
            part.parse::<ipnet::IpNet>()
                .or_else(|_| part.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| part.to_string())
        })
        .collect()
}

/// `5,1` → [5, 1]; empty means no deadline reminders.
fn parse_reminder_days(raw: &str) -> Option<Vec<u32>> {
    let mut days = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let day: u32 = part.parse().ok()?;
        if !(1..=60).contains(&day) {
            return None;
        }
        days.push(day);
    }
    days.sort_unstable_by(|a, b| b.cmp(a));
    days.dedup();
    Some(days)
}

fn parse_number<T>(
    errors: &mut Vec<String>,
    raw: Option<&str>,
    name: &str,
    default: T,
    range: std::ops::RangeInclusive<T>,
) -> T
where
    T: std::str::FromStr + PartialOrd + fmt::Display + Copy,
{
    let Some(raw) = raw else { return default };
    match raw.parse::<T>() {
        Ok(value) if range.contains(&value) => value,
        _ => {
            errors.push(format!(
                "{name}: `{raw}` is not a whole number from {} to {}",
                range.start(),
                range.end()
            ));
            default
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)], dir: &std::path::Path) -> BTreeMap<String, String> {
        let mut map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        map.insert("MADOGUCHI_DATA_DIR".into(), dir.display().to_string());
        map
    }

    #[test]
    fn no_configuration_means_sqlite_in_the_data_dir_on_port_8080() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::from_vars(&vars(&[], dir.path())).unwrap();
        assert_eq!(config.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(config.public_url, "http://127.0.0.1:8080");
        assert_eq!(
            config.database_url,
            DatabaseUrl::Sqlite(dir.path().join("madoguchi.db"))
        );
        assert!(!config.cookie_secure);
        assert_eq!(config.sqlite_durability, Durability::Full);
    }

    #[test]
    fn durability_is_traded_only_when_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::from_vars(&vars(
            &[("MADOGUCHI_SQLITE_SYNCHRONOUS", "Normal")],
            dir.path(),
        ))
        .unwrap();
        assert_eq!(config.sqlite_durability, Durability::Normal);
        let errors = Config::from_vars(&vars(
            &[("MADOGUCHI_SQLITE_SYNCHRONOUS", "off")],
            dir.path(),
        ))
        .unwrap_err();
        assert!(errors.to_string().contains("MADOGUCHI_SQLITE_SYNCHRONOUS"));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let errors = Config::from_vars(&vars(
            &[
                ("DATABASE_URL", "mysql://localhost/x"),
                ("MADOGUCHI_BIND", "nowhere"),
                ("MADOGUCHI_SESSION_KEY", "not base64!"),
                ("MADOGUCHI_DB_POOL_SIZE", "0"),
                ("MADOGUCHI_LOG_FORMAT", "xml"),
            ],
            dir.path(),
        ))
        .unwrap_err();
        let text = errors.to_string();
        assert_eq!(errors.0.len(), 5, "{text}");
        assert!(
            text.contains("DATABASE_URL: unsupported scheme `mysql`"),
            "{text}"
        );
        assert!(text.contains("MADOGUCHI_BIND"), "{text}");
        assert!(text.contains("MADOGUCHI_SESSION_KEY"), "{text}");
        assert!(text.contains("MADOGUCHI_DB_POOL_SIZE"), "{text}");
        assert!(text.contains("MADOGUCHI_LOG_FORMAT"), "{text}");
        assert!(text.lines().all(|l| l.starts_with("configuration error: ")));
    }

    #[test]
    fn every_variable_read_is_documented_in_the_table_and_the_readme() {
        let source = include_str!("config.rs");
        let readme = include_str!("../README.md");
        let documented: Vec<&str> = VARIABLES.iter().map(|(name, _, _)| *name).collect();
        for piece in source.split("get(\"").skip(1) {
            let name = piece.split('"').next().unwrap_or_default();
            if name.starts_with("MADOGUCHI_") || name == "DATABASE_URL" {
                assert!(
                    documented.contains(&name),
                    "{name} is read but not in VARIABLES"
                );
            }
        }
        for name in documented {
            assert!(
                readme.contains(&format!("`{name}`")),
                "{name} is missing from the README table"
            );
        }
    }

    #[test]
    fn https_public_url_makes_cookies_secure() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::from_vars(&vars(
            &[("MADOGUCHI_PUBLIC_URL", "https://madoguchi.example.jp/")],
            dir.path(),
        ))
        .unwrap();
        assert!(config.cookie_secure);
        assert_eq!(config.public_url, "https://madoguchi.example.jp");
    }

    #[test]
    fn smtp_with_the_default_sender_is_warned_about_and_reply_to_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        let smtp = [("MADOGUCHI_SMTP_URL", "smtp://relay.example.jp:25")];
        let config = Config::from_vars(&vars(&smtp, dir.path())).unwrap();
        assert_eq!(config.warnings().len(), 1);
        assert!(config.warnings()[0].0.contains("no-reply@localhost"));
        let named = Config::from_vars(&vars(
            &[
                smtp[0],
                ("MADOGUCHI_MAIL_FROM", "窓口 <madoguchi@example.jp>"),
                ("MADOGUCHI_MAIL_REPLY_TO", "soudan@example.jp"),
            ],
            dir.path(),
        ))
        .unwrap();
        assert!(named.warnings().is_empty());
        assert_eq!(named.mail_reply_to.as_deref(), Some("soudan@example.jp"));
        let files_only = Config::from_vars(&vars(&[], dir.path())).unwrap();
        assert!(files_only.warnings().is_empty(), "no SMTP: nothing leaves");
        let bad = Config::from_vars(&vars(
            &[("MADOGUCHI_MAIL_REPLY_TO", "not an address")],
            dir.path(),
        ));
        assert!(bad.is_err());
    }
}
