//! A fresh database per test: a SQLite file in a temporary directory, or — when
//! HOOKHUB_TEST_POSTGRES_URL names a PostgreSQL server — a database of its own there, dropped
//! when the test is done.

use std::path::PathBuf;

use sqlx::Connection;
use tempfile::TempDir;

pub struct TestDatabase {
    pub url: String,
    dir: TempDir,
    /// The server's URL and the database's name, to drop it.
    postgres: Option<(String, String)>,
}

/// Names a PostgreSQL server (a role that may create databases): the suite then runs there.
const POSTGRES_SERVER: &str = "HOOKHUB_TEST_POSTGRES_URL";

impl TestDatabase {
    /// A database on the backend the suite runs on: PostgreSQL when [`POSTGRES_SERVER`] names
    /// one, otherwise SQLite.
    pub async fn new() -> TestDatabase {
        match postgres_server() {
            Some(server) => TestDatabase::postgres(&server).await,
            None => TestDatabase::sqlite(),
        }
    }

    /// A SQLite file that does not exist yet, in a temporary directory of its own.
    pub fn sqlite() -> TestDatabase {
        let dir = tempfile::tempdir().expect("temp dir");
        TestDatabase {
            url: format!("sqlite://{}/hookhub.db", dir.path().display()),
            dir,
            postgres: None,
        }
    }

    /// A fresh, empty database on the PostgreSQL `server`.
    pub async fn postgres(server: &str) -> TestDatabase {
        let name = format!("hookhub_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(server)
            .await
            .expect("PostgreSQL reachable at HOOKHUB_TEST_POSTGRES_URL");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        TestDatabase {
            url: format!("{}/{name}", server.trim_end_matches('/')),
            dir: tempfile::tempdir().expect("temp dir"),
            postgres: Some((server.to_owned(), name)),
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }

    /// Runs one statement behind the server's back: for tests that need the database in a state
    /// no API call produces (e.g. a row written under older rules).
    pub async fn execute(&self, statement: &str) {
        let done = if self.is_postgres() {
            let mut connection = sqlx::PgConnection::connect(&self.url).await.unwrap();
            sqlx::query(statement)
                .execute(&mut connection)
                .await
                .map(drop)
        } else {
            let mut connection = sqlx::SqliteConnection::connect(&self.url).await.unwrap();
            sqlx::query(statement)
                .execute(&mut connection)
                .await
                .map(drop)
        };
        done.expect("the statement runs");
    }

    /// Every file a SQLite database consists of (the file, its WAL and shared memory).
    pub fn files(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect()
    }
}

/// The PostgreSQL server the suite may use, if one is named.
pub fn postgres_server() -> Option<String> {
    std::env::var(POSTGRES_SERVER).ok()
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((server, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs inside the test's runtime, which must not block on itself: the database is
        // dropped from a thread of its own, with connections still open forcibly closed.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let mut admin = sqlx::PgConnection::connect(&server).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await
                    .map(|_| ())
            })
        })
        .join();
        if let Ok(Err(error)) = dropped {
            eprintln!("could not drop a test database: {error}");
        }
    }
}
