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
