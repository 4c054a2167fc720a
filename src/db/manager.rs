//! How a connection is made and what its errors are: the bottom of the database layer, which the
//! pools, the SQLite writer and its checkpoints all build on.

use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};

use super::{DatabaseUrl, DbConnection};

/// The writer's own checkpoint runs once the log holds this many pages (4 KiB each: 128 MiB).
pub const WRITER_CHECKPOINT_PAGES: u32 = 32768;

/// What a connection is for, which sets SQLite's page cache and where its temporary data goes.
#[derive(Clone, Copy)]
pub(super) enum Role {
    /// SQLite's default page cache (2 MiB); sorts and groups of the yearly figures spill to
    /// temporary files (in memory they left the server at 270 MiB after a million cases).
    Reader,
    /// The one writer touches the pages of every index a write changes and keeps more of them
    /// (4 MiB), but not many more: while the file is under 1 GiB, a commit that split a b-tree
    /// page walks the writer's whole page cache (SQLite parks a page at the number of the
    /// 1 GiB lock page while it renumbers, and truncation then scans every cached page; gdb on
    /// the running writer). At 16 MiB that walk was about a tenth of the writer's time (perf);
    /// at 4 MiB its CPU per submission was lower or equal in four paired benchmark runs.
    /// Its statement journals stay in memory (spilled to disk they were a tenth of its time).
    Writer,
}

impl Role {
    fn pragmas(self) -> &'static str {
        match self {
            Role::Reader => "PRAGMA cache_size = -2048;",
            Role::Writer => "PRAGMA cache_size = -4096; PRAGMA temp_store = MEMORY;",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("record not found")]
    NotFound,
    #[error("conflicting change: {0}")]
    Conflict(String),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database query failed: {0}")]
    Query(diesel::result::Error),
}

impl From<diesel::result::Error> for DbError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => DbError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                DbError::Conflict(info.message().to_string())
            }
            // The disk under the database is full (SQLITE_FULL; PostgreSQL's disk_full is
            // reported the same way): the service cannot take changes until space returns,
            // which is a 503 for the client, not a failure of the request.
            Error::DatabaseError(_, info) if is_disk_full(info.message()) => DbError::Unavailable(
                format!("no space left for the database: {}", info.message()),
            ),
            other => DbError::Query(other),
        }
    }
}

fn is_disk_full(message: &str) -> bool {
    message.contains("database or disk is full") || message.contains("No space left on device")
}

impl From<r2d2::PoolError> for DbError {
    fn from(e: r2d2::PoolError) -> Self {
        DbError::Unavailable(e.to_string())
    }
}

pub struct ConnectionManager {
    pub(super) url: DatabaseUrl,
    pub(super) role: Role,
    pub(super) durability: Durability,
}

/// When SQLite tells a committer its transaction is done. See `docs/operations.md §1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// `synchronous = FULL`: the write-ahead log is on the disk before a commit returns, so an
    /// acknowledged change survives a power cut or an operating-system crash.
    #[default]
    Full,
    /// `synchronous = NORMAL`: the log reaches the disk only at checkpoints; a process crash
    /// loses nothing, a power cut may roll back the last acknowledged commits. An operator's
    /// explicit trade of durability for speed (`MADOGUCHI_SQLITE_SYNCHRONOUS=normal`).
    Normal,
}

impl Durability {
    fn pragma(self) -> &'static str {
        match self {
            Durability::Full => "PRAGMA synchronous = FULL;",
            Durability::Normal => "PRAGMA synchronous = NORMAL;",
        }
    }
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        super::connecting::attempt(|| self.establish()).unwrap_or_else(|| {
            Err(r2d2::Error::ConnectionError(
                diesel::ConnectionError::BadConnection("the process is ending".into()),
            ))
        })
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        std::thread::panicking() || conn.is_broken()
    }
}

impl ConnectionManager {
    fn establish(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())
                    .map_err(r2d2::Error::ConnectionError)?;
                // Per-connection settings: SQLite forgets them when a connection closes.
                // busy_timeout comes first: the pools open connections in parallel, and the first
                // one on a file whose WAL index is being rebuilt would otherwise fail at once
                // ("database is locked") on the next pragma.
                // journal_mode: WAL persists in the file, but a connection that has not read yet
                // does not know it (and cannot checkpoint).
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                     {} PRAGMA wal_autocheckpoint = {}; {}",
                    self.durability.pragma(),
                    WRITER_CHECKPOINT_PAGES,
                    self.role.pragmas()
                ))
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
            DatabaseUrl::Postgres(url) => PgConnection::establish(url)
                .map(DbConnection::Postgres)
                .map_err(r2d2::Error::ConnectionError),
        }
    }
}
