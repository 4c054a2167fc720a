//! Both backends must end with the same tables, columns, types and nullability, from migration
//! folders whose names match one for one.

use std::collections::BTreeSet;

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use madoguchi::db::{DatabaseUrl, Db, DbConnection};

use crate::helpers::PgDatabase;

#[derive(QueryableByName, Debug)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
}

fn canonical_type(declared: &str) -> String {
    match declared.to_ascii_lowercase().as_str() {
        "timestamp without time zone" => "timestamp".into(),
        "blob" => "bytea".into(),
        other => other.to_string(),
    }
}

fn columns(db: &Db) -> BTreeSet<(String, String, String, bool)> {
    let query = |conn: &mut DbConnection| -> Vec<Column> {
        let sql = match conn {
            DbConnection::Sqlite(_) => {
                "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type, \
                 (p.\"notnull\" OR p.pk) AS not_null \
                 FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'"
            }
            DbConnection::Postgres(_) => {
                "SELECT table_name::text AS table_name, column_name::text AS column_name, data_type::text AS data_type, \
                 CASE WHEN is_nullable = 'NO' THEN 1 ELSE 0 END AS not_null \
                 FROM information_schema.columns \
                 WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'"
            }
        };
        diesel::sql_query(sql).load(conn).expect("introspection")
    };
    db.with_writer(|conn| Ok(query(conn)))
        .unwrap()
        .into_iter()
        .map(|c| {
            (
                c.table_name,
                c.column_name,
                canonical_type(&c.data_type),
                c.not_null != 0,
            )
        })
        .collect()
}

#[test]
fn migration_folders_mirror_each_other() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let names = |backend: &str| -> BTreeSet<String> {
        std::fs::read_dir(root.join(backend))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()
    };
    let sqlite = names("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, names("postgres"));
    for name in &sqlite {
        for backend in ["sqlite", "postgres"] {
            for file in ["up.sql", "down.sql"] {
                assert!(
                    root.join(backend).join(name).join(file).is_file(),
                    "{backend}/{name}/{file}"
                );
            }
        }
    }
}

#[test]
fn both_backends_end_with_the_same_tables_and_columns() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Db::connect(&DatabaseUrl::Sqlite(dir.path().join("parity.db")), 2).unwrap();
    let postgres = Db::connect(&DatabaseUrl::parse(&pg.url).unwrap(), 2).unwrap();
    sqlite.migrate().unwrap();
    postgres.migrate().unwrap();
    let on_sqlite = columns(&sqlite);
    let on_postgres = columns(&postgres);
    assert!(
        on_sqlite
            .iter()
            .any(|(t, c, _, _)| t == "staff" && c == "email")
    );
    let only_sqlite: Vec<_> = on_sqlite.difference(&on_postgres).collect();
    let only_postgres: Vec<_> = on_postgres.difference(&on_sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only in SQLite: {only_sqlite:?}\nonly in PostgreSQL: {only_postgres:?}"
    );
}

#[derive(QueryableByName, Debug)]
struct TableColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

/// Deleting a case deletes its rows in every table whose foreign key cascades from it, and each
/// deleted case looks its children up by that key: unindexed, every lookup reads the whole child
/// table (1,000 purged unconfirmed cases among 200,000 consents took 35 s on the one writer).
fn cascading_keys_without_an_index(db: &Db) -> BTreeSet<(String, String)> {
    let load = |conn: &mut DbConnection, sql: &str| -> BTreeSet<(String, String)> {
        diesel::sql_query(sql)
            .load::<TableColumn>(conn)
            .expect("introspection")
            .into_iter()
            .map(|c| (c.table_name, c.column_name))
            .collect()
    };
    db.with_writer(|conn| {
        let (cascading, leading) = match conn {
            DbConnection::Sqlite(_) => (
                "SELECT m.name AS table_name, f.\"from\" AS column_name \
                 FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f \
                 WHERE m.type = 'table' AND f.on_delete = 'CASCADE'",
                // Primary keys are indexes here too, a WITHOUT ROWID table's included.
                "SELECT m.name AS table_name, i.name AS column_name \
                 FROM sqlite_master m JOIN pragma_index_list(m.name) l \
                 JOIN pragma_index_info(l.name) i \
                 WHERE m.type = 'table' AND i.seqno = 0",
            ),
            DbConnection::Postgres(_) => (
                "SELECT t.relname::text AS table_name, a.attname::text AS column_name \
                 FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid \
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] \
                 WHERE c.contype = 'f' AND c.confdeltype = 'c'",
                "SELECT t.relname::text AS table_name, a.attname::text AS column_name \
                 FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid \
                 JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]",
            ),
        };
        let cascading = load(conn, cascading);
        assert!(cascading.contains(&("documents".to_string(), "case_id".to_string())));
        Ok(&cascading - &load(conn, leading))
    })
    .unwrap()
}

#[test]
fn every_cascading_foreign_key_leads_an_index_on_both_backends() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Db::connect(&DatabaseUrl::Sqlite(dir.path().join("keys.db")), 2).unwrap();
    sqlite.migrate().unwrap();
    assert_eq!(cascading_keys_without_an_index(&sqlite), BTreeSet::new());
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let postgres = Db::connect(&DatabaseUrl::parse(&pg.url).unwrap(), 2).unwrap();
    postgres.migrate().unwrap();
    assert_eq!(cascading_keys_without_an_index(&postgres), BTreeSet::new());
}
