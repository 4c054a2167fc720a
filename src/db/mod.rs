//! Persistence: one diesel `MultiConnection` over SQLite and PostgreSQL, chosen by the scheme of
//! `DATABASE_URL`. Knows the domain, never the web.

/// Inserts many rows: one statement on PostgreSQL (a round trip per row is what makes bulk
/// writes slow there), a statement per row on SQLite, in process, where that costs little and the
/// multi-connection cannot express SQLite's batch insert.
macro_rules! insert_batch {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            $crate::db::DbConnection::Postgres(pg) => {
                diesel::insert_into($table).values($rows).execute(pg)?;
            }
            $crate::db::DbConnection::Sqlite(lite) => {
                for row in $rows {
                    diesel::insert_into($table).values(row).execute(lite)?;
                }
            }
        }
    };
}

/// Runs one query on the concrete connection behind the multi-connection, compiled once per
/// backend. The multi-connection serialises every query to look it up in its statement cache and
/// boxes every bound value; on the statements that every submission and every requester's page
/// run, that was 38 % of SQLite's writer thread (perf, 20,000 submissions). The concrete
/// connection finds its prepared statement by the query's type instead.
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Postgres($c) => $body,
            $crate::db::DbConnection::Sqlite($c) => $body,
        }
    };
}

pub mod audit;
pub mod audit_pages;
pub mod backup;
pub mod calendar;
pub mod case_links;
pub mod cases;
mod checkpoint;
mod connecting;
pub mod consents;
pub mod dashboard;
pub mod decisions;
pub mod documents;
pub mod drafts;
pub mod fee_schedules;
pub mod fees;
pub mod figure_snapshots;
pub mod instances;
pub mod letters;
mod manager;
pub mod messages;
pub mod notice_templates;
pub mod operator_settings;
pub mod outbox;
#[cfg(test)]
mod plan_tests;
mod pool;
pub mod queue_news;
pub mod register;
pub mod reminders;
pub mod retention;
pub mod schema;
pub mod sealed_columns;
pub mod second_factor;
pub mod setup_links;
pub mod staff;
pub mod staff_sessions;
pub mod statistics;
mod types;
mod writer;

pub use connecting::quiesce;

use std::fmt;
use std::path::PathBuf;

pub use pool::{Db, DbError, Durability};

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Which backend a URL names. Parsed here rather than left to `establish()`, which would accept
/// any string as an SQLite file name and silently create an empty database on a typo.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<DatabaseUrl, String> {
        let raw = raw.trim();
        let Some((scheme, rest)) = raw.split_once(':') else {
            return Err(format!(
                "`{raw}` has no scheme; use sqlite://PATH or postgres://USER@HOST:PORT/DB"
            ));
        };
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => {
                let path = rest.strip_prefix("//").unwrap_or(rest);
                if path.is_empty() {
                    return Err(
                        "sqlite:// needs a file path, e.g. sqlite://./data/madoguchi.db".into(),
                    );
                }
                Ok(DatabaseUrl::Sqlite(PathBuf::from(path)))
            }
            "postgres" | "postgresql" => Ok(DatabaseUrl::Postgres(raw.to_string())),
            other => Err(format!(
                "unsupported scheme `{other}` (use sqlite://PATH or postgres://USER@HOST:PORT/DB)"
            )),
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            DatabaseUrl::Sqlite(_) => Backend::Sqlite,
            DatabaseUrl::Postgres(_) => Backend::Postgres,
        }
    }

    /// The URL without a password, for logs and messages.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
            DatabaseUrl::Postgres(url) => match (url.find("://"), url.rfind('@')) {
                (Some(start), Some(at)) if at > start && url[start + 3..at].contains(':') => {
                    let credentials = &url[start + 3..at];
                    let user = credentials.split(':').next().unwrap_or_default();
                    format!("{}{}:***{}", &url[..start + 3], user, &url[at..])
                }
                _ => url.clone(),
            },
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_the_backend_by_scheme() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://./data/m.db").unwrap(),
            DatabaseUrl::Sqlite(PathBuf::from("./data/m.db"))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///var/lib/m.db").unwrap(),
            DatabaseUrl::Sqlite(PathBuf::from("/var/lib/m.db"))
        );
        assert_eq!(
            DatabaseUrl::parse("postgresql://u@h/db").unwrap().backend(),
            Backend::Postgres
        );
        assert!(
            DatabaseUrl::parse("mysql://h/db")
                .unwrap_err()
                .contains("unsupported scheme `mysql`")
        );
        assert!(
            DatabaseUrl::parse("madoguchi.db")
                .unwrap_err()
                .contains("has no scheme")
        );
    }

    #[test]
    fn passwords_never_reach_logs() {
        let url = DatabaseUrl::parse("postgres://app:s3cret@db.internal:5432/madoguchi").unwrap();
        assert_eq!(
            url.redacted(),
            "postgres://app:***@db.internal:5432/madoguchi"
        );
        assert!(!format!("{url:?}").contains("s3cret"));
    }
}
