//! Connection pools and the one way handlers reach the database: [`Db::read`] and [`Db::write`],
//! which run diesel (synchronous) on actix's blocking thread pool inside the caller's span.

use std::time::Duration;

use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ManageConnection, Pool};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::checkpoint::Checkpoints;
pub use super::manager::DbError;
pub use super::manager::Durability;
use super::manager::{ConnectionManager, Role};
use super::writer::Writer;
use super::{DatabaseUrl, DbConnection};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Serialises migrations when several instances start at once against one PostgreSQL.
const MIGRATION_LOCK_KEY: i64 = 0x4d61_646f_6775_6368;

/// Readers and the writer. SQLite has one writer at a time, so writes go through a pool of one
/// connection instead of fighting for the lock; PostgreSQL uses one pool for both.
#[derive(Clone)]
pub struct Db {
    readers: Pool<ConnectionManager>,
    writer: Pool<ConnectionManager>,
    /// SQLite's writes from the service go through one thread that commits them in groups.
    queue: Option<Writer>,
    url: DatabaseUrl,
}

impl Db {
    /// Opens the pools with every commit durable ([`Durability::Full`]).
    pub fn connect(url: &DatabaseUrl, pool_size: u32) -> Result<Db, DbError> {
        Db::connect_with(url, pool_size, Durability::Full)
    }

    /// Opens the pools, creating the SQLite file's directory if needed, and checks that the
    /// database answers. `durability` applies to SQLite (PostgreSQL's is its own setting).
    pub fn connect_with(
        url: &DatabaseUrl,
        pool_size: u32,
        durability: Durability,
    ) -> Result<Db, DbError> {
        if let DatabaseUrl::Sqlite(path) = url
            && let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).map_err(|e| {
                DbError::Unavailable(format!("cannot create {}: {e}", parent.display()))
            })?;
        }
        // One direct attempt first: it fails at once with the real reason (r2d2 would retry until
        // its timeout and then report only that it timed out).
        let manager = ConnectionManager {
            url: url.clone(),
            role: Role::Reader,
            durability,
        };
        manager
            .connect()
            .map_err(|e| DbError::Unavailable(first_line(&e.to_string())))?;
        restrict_permissions(url);
        let build = |size: u32, role: Role| {
            Pool::builder()
                .max_size(size)
                // A ping before every checkout costs a query per request; a broken connection is
                // noticed on use instead (`has_broken`) and replaced.
                .test_on_check_out(false)
                .min_idle(Some(1))
                .connection_timeout(Duration::from_secs(10))
                .build(ConnectionManager {
                    url: url.clone(),
                    role,
                    durability,
                })
                .map_err(|e| DbError::Unavailable(first_line(&e.to_string())))
        };
        let readers = build(pool_size, Role::Reader)?;
        let (writer, queue) = match url {
            DatabaseUrl::Sqlite(_) => {
                let writer = build(1, Role::Writer)?;
                let checkpoints = Checkpoints::start(build(1, Role::Reader)?)?;
                let queue = Writer::start(writer.clone(), checkpoints)?;
                (writer, Some(queue))
            }
            DatabaseUrl::Postgres(_) => (readers.clone(), None),
        };
        Ok(Db {
            readers,
            writer,
            queue,
            url: url.clone(),
        })
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// Applies pending migrations and returns their names. Safe to call from several instances.
    pub fn migrate(&self) -> Result<Vec<String>, DbError> {
        let mut conn = self.writer.get()?;
        let applied = match &mut *conn {
            DbConnection::Sqlite(c) => {
                // WAL lets readers proceed while the single writer commits; it persists in the file.
                c.batch_execute("PRAGMA journal_mode = WAL;")?;
                run(c, SQLITE_MIGRATIONS)?
            }
            DbConnection::Postgres(c) => {
                c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))?;
                let result = run(c, POSTGRES_MIGRATIONS);
                c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))?;
                result?
            }
        };
        Ok(applied)
    }

    /// True when every embedded migration has been applied (for `/readyz`).
    pub fn migrations_current(conn: &mut DbConnection) -> Result<bool, DbError> {
        let pending = match conn {
            DbConnection::Sqlite(c) => c.has_pending_migration(SQLITE_MIGRATIONS),
            DbConnection::Postgres(c) => c.has_pending_migration(POSTGRES_MIGRATIONS),
        };
        pending
            .map(|p| !p)
            .map_err(|e| DbError::Unavailable(e.to_string()))
    }

    /// Runs a read on a pooled connection off the async runtime.
    pub async fn read<T, F>(&self, f: F) -> Result<T, DbError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, DbError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.readers.clone();
        blocking(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await
    }

    /// Runs a short read (a few lookups by index, as a requester's pages make) on the calling
    /// thread when the database is SQLite in this process: handing it to another thread and back
    /// costs more than the read. On PostgreSQL, which answers over the network, and when no
    /// connection is free at once, it is [`Db::read`].
    pub async fn read_indexed<T, F>(&self, f: F) -> Result<T, DbError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, DbError> + Send + 'static,
        T: Send + 'static,
    {
        if let DatabaseUrl::Sqlite(_) = self.url
            && let Some(mut pooled) = self.readers.try_get()
        {
            // One read transaction: one snapshot, and one read lock instead of one per query.
            let conn: &mut DbConnection = &mut pooled;
            return conn.transaction(f);
        }
        self.read(f).await
    }

    /// [`Db::read_indexed`] for `f` that runs one statement, which SQLite runs in a read
    /// transaction of its own: a BEGIN and a COMMIT around it are two more statements to parse
    /// and run (about 1 % of the server's CPU per submission, perf).
    pub async fn lookup<T, F>(&self, f: F) -> Result<T, DbError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, DbError> + Send + 'static,
        T: Send + 'static,
    {
        if let DatabaseUrl::Sqlite(_) = self.url
            && let Some(mut pooled) = self.readers.try_get()
        {
            return f(&mut pooled);
        }
        self.read(f).await
    }

    /// Runs `f` atomically on the writer connection off the async runtime: in a transaction of
    /// its own on PostgreSQL, in a group commit on SQLite, where `f` may run more than once
    /// (`writer.rs`) and must not depend on having run before. Returns once committed.
    pub async fn write<T, F>(&self, f: F) -> Result<T, DbError>
    where
        F: FnMut(&mut DbConnection) -> Result<T, DbError> + Send + 'static,
        T: Send + 'static,
    {
        if let Some(queue) = &self.queue {
            return queue.write(f).await;
        }
        let pool = self.writer.clone();
        blocking(move || {
            let mut pooled = pool.get()?;
            let conn: &mut DbConnection = &mut pooled;
            conn.transaction(f)
        })
        .await
    }

    /// Synchronous read for command-line tools and tests.
    pub fn with_reader<T>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        let mut pooled = self.readers.get()?;
        f(&mut pooled)
    }

    /// Synchronous access for command-line tools and tests.
    pub fn with_writer<T>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        let mut pooled = self.writer.get()?;
        let conn: &mut DbConnection = &mut pooled;
        conn.transaction(f)
    }
}

fn run<C>(conn: &mut C, migrations: EmbeddedMigrations) -> Result<Vec<String>, DbError>
where
    C: MigrationHarness<C::Backend> + Connection,
{
    conn.run_pending_migrations(migrations)
        .map(|versions| versions.iter().map(ToString::to_string).collect())
        .map_err(|e| DbError::Unavailable(format!("migration failed: {e}")))
}

/// Keeps the caller's tracing span (request id, case id) on the blocking thread.
async fn blocking<T, F>(f: F) -> Result<T, DbError>
where
    F: FnOnce() -> Result<T, DbError> + Send + 'static,
    T: Send + 'static,
{
    let span = tracing::Span::current();
    actix_web::web::block(move || span.in_scope(f))
        .await
        .map_err(|e| DbError::Unavailable(e.to_string()))?
}

/// The SQLite file holds personal data: readable by the service account only.
fn restrict_permissions(url: &DatabaseUrl) {
    #[cfg(unix)]
    if let DatabaseUrl::Sqlite(path) = url {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).trim().to_string()
}

#[cfg(test)]
mod tests {
    use diesel::sql_types::Integer;
    use diesel::{QueryableByName, RunQueryDsl};

    use super::*;

    #[derive(QueryableByName)]
    struct Setting {
        #[diesel(sql_type = Integer)]
        synchronous: i32,
    }

    fn synchronous(db: &Db) -> (i32, i32) {
        let read = |conn: &mut DbConnection| -> Result<i32, DbError> {
            Ok(diesel::sql_query("PRAGMA synchronous")
                .get_result::<Setting>(conn)?
                .synchronous)
        };
        let writer = db.with_writer(read).expect("writer");
        let reader = db.with_reader(read).expect("reader");
        (writer, reader)
    }

    /// An acknowledged change must survive a power cut: SQLite's FULL (2) unless the operator
    /// chose NORMAL (1). `docs/operations.md §1`.
    #[test]
    fn every_connection_commits_durably_unless_told_otherwise() {
        let dir = tempfile::tempdir().expect("temp dir");
        let full = Db::connect(&DatabaseUrl::Sqlite(dir.path().join("full.db")), 2).expect("db");
        assert_eq!(synchronous(&full), (2, 2));
        let normal = Db::connect_with(
            &DatabaseUrl::Sqlite(dir.path().join("normal.db")),
            2,
            Durability::Normal,
        )
        .expect("db");
        assert_eq!(synchronous(&normal), (1, 1));
    }
}
