//! Schema parity: `migrations/sqlite` and `migrations/postgres` must build the same schema, since
//! one set of queries serves both. Each tree is applied through the engine's own migration path
//! to a real database, read back from the database's catalogue, and compared per table: the
//! columns and whether each may be NULL, the primary key, and every index and unique constraint
//! (by its columns and uniqueness, whatever it is called). Column types differ by design (BLOB
//! and UUID, TEXT and JSONB, INTEGER and BIGINT) and are not compared.
//!
//! The PostgreSQL side runs when HOOKHUB_TEST_POSTGRES_URL names a server (as in CI's PostgreSQL
//! pass); the rest runs on SQLite alone.

use std::collections::{BTreeMap, BTreeSet};

use engine::Engine;
use sqlx::{Connection, PgConnection, SqliteConnection};

use crate::database::{postgres_server, TestDatabase};

/// Tables by name.
type Schema = BTreeMap<String, Table>;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Table {
    /// Column names, each with whether it may hold NULL.
    columns: BTreeMap<String, bool>,
    /// The primary key's columns, in order.
    primary_key: Vec<String>,
    /// Indexes and unique constraints other than the primary key's.
    indexes: BTreeSet<Index>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Index {
    /// In order; an expression reads `(expression)`.
    columns: Vec<String>,
    unique: bool,
    /// Covers only the rows a `WHERE` clause picks (the clauses are not compared: each backend
    /// writes them back its own way).
    partial: bool,
}

/// What the backends' catalogues call a key column that is an expression.
const EXPRESSION: &str = "(expression)";

/// Every way `postgres` differs from `sqlite`, one sentence each; empty when they agree.
fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut found = Vec::new();
    for name in sqlite
        .keys()
        .chain(postgres.keys())
        .collect::<BTreeSet<_>>()
    {
        let (lite, pg) = match (sqlite.get(name), postgres.get(name)) {
            (Some(lite), Some(pg)) => (lite, pg),
            (Some(_), None) => {
                found.push(format!("table {name}: only on SQLite"));
                continue;
            }
            (None, _) => {
                found.push(format!("table {name}: only on PostgreSQL"));
                continue;
            }
        };
        let columns: BTreeSet<_> = lite.columns.keys().chain(pg.columns.keys()).collect();
        for column in columns {
            let nullable = |null: bool| if null { "NULL" } else { "NOT NULL" };
            match (lite.columns.get(column), pg.columns.get(column)) {
                (Some(a), Some(b)) if a != b => found.push(format!(
                    "{name}.{column}: {} on SQLite, {} on PostgreSQL",
                    nullable(*a),
                    nullable(*b)
                )),
                (Some(_), None) => found.push(format!("{name}.{column}: only on SQLite")),
                (None, Some(_)) => found.push(format!("{name}.{column}: only on PostgreSQL")),
                _ => {}
            }
        }
        if lite.primary_key != pg.primary_key {
            found.push(format!(
                "{name}: primary key {:?} on SQLite, {:?} on PostgreSQL",
                lite.primary_key, pg.primary_key
            ));
        }
        for index in lite.indexes.difference(&pg.indexes) {
            found.push(format!("{name}: {index:?} only on SQLite"));
        }
        for index in pg.indexes.difference(&lite.indexes) {
            found.push(format!("{name}: {index:?} only on PostgreSQL"));
        }
    }
    found
}

/// The schema of the SQLite database at `url`, as its catalogue describes it.
async fn describe_sqlite(url: &str) -> Schema {
    let mut db = SqliteConnection::connect(url).await.unwrap();
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_schema
         WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut db)
    .await
    .unwrap();
    let mut schema = Schema::new();
    for name in names {
        let mut table = Table::default();
        let columns: Vec<(String, String, bool, i64)> = sqlx::query_as(
            r#"SELECT name, type, "notnull", pk FROM pragma_table_info($1) ORDER BY pk"#,
        )
        .bind(&name)
        .fetch_all(&mut db)
        .await
        .unwrap();
        let key_columns = columns.iter().filter(|c| c.3 > 0).count();
        for (column, kind, not_null, pk) in columns {
            // A lone INTEGER PRIMARY KEY is the rowid, which is never NULL whatever the
            // declaration says; any other column is as declared (SQLite lets even other
            // primary key columns hold NULL unless they say NOT NULL).
            let rowid = pk > 0 && key_columns == 1 && kind.eq_ignore_ascii_case("INTEGER");
            table.columns.insert(column.clone(), !(not_null || rowid));
            if pk > 0 {
                table.primary_key.push(column);
            }
        }
        let indexes: Vec<(String, bool, String, bool)> =
            sqlx::query_as(r#"SELECT name, "unique", origin, partial FROM pragma_index_list($1)"#)
                .bind(&name)
                .fetch_all(&mut db)
                .await
                .unwrap();
        for (index, unique, origin, partial) in indexes {
            // The primary key's own index: compared as the primary key.
            if origin == "pk" {
                continue;
            }
            let columns: Vec<Option<String>> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                    .bind(&index)
                    .fetch_all(&mut db)
                    .await
                    .unwrap();
            table.indexes.insert(Index {
                columns: columns
                    .into_iter()
                    .map(|c| c.unwrap_or_else(|| EXPRESSION.to_owned()))
                    .collect(),
                unique,
                partial,
            });
        }
        schema.insert(name, table);
    }
    schema
}

/// The schema of the PostgreSQL database at `url` (its current schema), as its catalogue
/// describes it.
async fn describe_postgres(url: &str) -> Schema {
    let mut db = PgConnection::connect(url).await.unwrap();
    let columns: Vec<(String, String, bool)> = sqlx::query_as(
        "SELECT c.table_name::text, c.column_name::text, c.is_nullable = 'YES'
         FROM information_schema.columns c
         JOIN information_schema.tables t USING (table_schema, table_name)
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
           AND c.table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut db)
    .await
    .unwrap();
    let mut schema = Schema::new();
    for (table, column, nullable) in columns {
        schema
            .entry(table)
            .or_default()
            .columns
            .insert(column, nullable);
    }
    // Key columns only (not INCLUDE ones), in order; attribute 0 is an expression.
    let indexes: Vec<(String, Vec<String>, bool, bool, bool)> = sqlx::query_as(&format!(
        "SELECT t.relname::text,
                array(SELECT coalesce(a.attname::text, '{EXPRESSION}')
                      FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
                      LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                      WHERE k.n <= i.indnkeyatts
                      ORDER BY k.n),
                i.indisunique, i.indisprimary, i.indpred IS NOT NULL
         FROM pg_index i
         JOIN pg_class t ON t.oid = i.indrelid
         JOIN pg_namespace ns ON ns.oid = t.relnamespace
         WHERE ns.nspname = current_schema() AND t.relname <> '_sqlx_migrations'"
    ))
    .fetch_all(&mut db)
    .await
    .unwrap();
    for (table, columns, unique, primary, partial) in indexes {
        let table = schema.entry(table).or_default();
        if primary {
            table.primary_key = columns;
        } else {
            table.indexes.insert(Index {
                columns,
                unique,
                partial,
            });
        }
    }
    schema
}

/// The schema `migrations/sqlite` builds, applied by the engine to a fresh SQLite file.
async fn sqlite_schema() -> Schema {
    let database = TestDatabase::sqlite();
    Engine::migrate(&database.url).await.expect("migrates");
    describe_sqlite(&database.url).await
}

#[tokio::test]
async fn both_migration_trees_build_the_same_schema() {
    let Some(server) = postgres_server() else {
        eprintln!("skipped: HOOKHUB_TEST_POSTGRES_URL names no PostgreSQL server to compare with");
        return;
    };
    let postgres = TestDatabase::postgres(&server).await;
    Engine::migrate(&postgres.url).await.expect("migrates");
    let (sqlite, postgres) = (
        sqlite_schema().await,
        describe_postgres(&postgres.url).await,
    );
    assert!(
        sqlite.contains_key("deliveries"),
        "nothing read: {sqlite:?}"
    );
    let found = differences(&sqlite, &postgres);
    assert!(
        found.is_empty(),
        "the migration trees build different schemas:\n{}",
        found.join("\n")
    );
}

/// The SQLite side reads what the migrations say, down to the details a careless reading gets
/// wrong: the rowid key, constraint-made unique indexes, partial ones, and sqlx's own table.
#[tokio::test]
async fn the_sqlite_schema_is_read_as_the_migrations_declare_it() {
    let schema = sqlite_schema().await;
    assert!(!schema.contains_key("_sqlx_migrations"));
    let numbers = &schema["subscription_numbers"];
    assert_eq!(numbers.primary_key, ["number"]);
    assert!(!numbers.columns["number"], "the rowid is never NULL");
    let subscriptions = &schema["subscriptions"];
    assert!(subscriptions.columns["disabled_reason"]);
    assert!(!subscriptions.columns["name"]);
    assert!(subscriptions.indexes.contains(&Index {
        columns: vec!["project_id".into(), "name_key".into()],
        unique: true,
        partial: false,
    }));
    assert!(schema["deliveries"].indexes.contains(&Index {
        columns: vec!["next_attempt_at".into()],
        unique: false,
        partial: true,
    }));
}

#[test]
fn every_kind_of_drift_is_reported() {
    let table = Table {
        columns: BTreeMap::from([("id".into(), false), ("note".into(), true)]),
        primary_key: vec!["id".into()],
        indexes: BTreeSet::from([Index {
            columns: vec!["note".into()],
            unique: false,
            partial: false,
        }]),
    };
    let sqlite = Schema::from([("things".into(), table.clone())]);
    assert_eq!(differences(&sqlite, &sqlite.clone()), Vec::<String>::new());

    let mut drifted = table.clone();
    drifted.columns.insert("note".into(), false);
    drifted.columns.insert("extra".into(), true);
    drifted.primary_key = vec!["note".into()];
    drifted.indexes = BTreeSet::from([Index {
        columns: vec!["note".into()],
        unique: true,
        partial: false,
    }]);
    let postgres = Schema::from([
        ("things".into(), drifted),
        ("others".into(), Table::default()),
    ]);
    let found = differences(&sqlite, &postgres);
    for expected in [
        "table others: only on PostgreSQL",
        "things.extra: only on PostgreSQL",
        "things.note: NULL on SQLite, NOT NULL on PostgreSQL",
        "things: primary key [\"id\"] on SQLite, [\"note\"] on PostgreSQL",
    ] {
        assert!(
            found.contains(&expected.to_owned()),
            "{expected:?} not in {found:#?}"
        );
    }
    // The index that became unique is gone on one side and new on the other.
    assert_eq!(
        found.iter().filter(|f| f.contains("Index")).count(),
        2,
        "{found:#?}"
    );
    assert_eq!(found.len(), 6, "{found:#?}");
    assert_eq!(
        differences(&Schema::from([("things".into(), table)]), &Schema::new()),
        ["table things: only on SQLite"]
    );
}
