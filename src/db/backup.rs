//! What a backup and a restore ask of the database itself (`docs/operations.md §3`).

use std::path::Path;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::schema::{cases, documents};
use super::{DbConnection, DbError};

/// Writes a consistent copy of the whole SQLite database to `target` (a new file) while others
/// keep writing: `VACUUM INTO` reads one snapshot, and the copy is compact and has no log beside
/// it. Must not run inside a transaction.
pub fn snapshot_into(conn: &mut DbConnection, target: &Path) -> Result<(), DbError> {
    let DbConnection::Sqlite(lite) = conn else {
        return Err(DbError::Unavailable(
            "a snapshot by VACUUM INTO needs SQLite; use pg_dump on PostgreSQL".into(),
        ));
    };
    let target = target.to_string_lossy().replace('\'', "''");
    diesel::sql_query(format!("VACUUM INTO '{target}'")).execute(lite)?;
    Ok(())
}

#[derive(QueryableByName)]
struct Check {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

/// SQLite's own check of every page and index: `ok`, or its first complaint.
pub fn integrity(conn: &mut DbConnection) -> Result<String, DbError> {
    match conn {
        DbConnection::Sqlite(lite) => Ok(diesel::sql_query("PRAGMA integrity_check(1)")
            .get_result::<Check>(lite)?
            .integrity_check),
        DbConnection::Postgres(_) => Ok("ok".into()),
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// How many cases the database holds (a restore goes only into one that holds none).
pub fn case_count(conn: &mut DbConnection) -> Result<i64, DbError> {
    Ok(cases::table.count().get_result(conn)?)
}

/// Whether the database has been created at all (it has the cases table).
pub fn has_schema(conn: &mut DbConnection) -> Result<bool, DbError> {
    let sql = match conn {
        DbConnection::Sqlite(_) => {
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'cases'"
        }
        DbConnection::Postgres(_) => {
            "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = 'cases'"
        }
    };
    Ok(diesel::sql_query(sql).get_result::<Count>(conn)?.n > 0)
}

/// Every document whose data key is still kept (not destroyed), id and wrapped key.
pub fn kept_documents(conn: &mut DbConnection) -> Result<Vec<(String, Vec<u8>)>, DbError> {
    let rows: Vec<(String, Option<Vec<u8>>)> = documents::table
        .filter(documents::wrapped_key.is_not_null())
        .select((documents::id, documents::wrapped_key))
        .order(documents::id)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, key)| key.map(|k| (id, k)))
        .collect())
}
