//! Storage: one connection pool to SQLite or PostgreSQL, chosen by the database URL's scheme.
//!
//! Queries are written once, in SQL both backends accept (`$N` parameters, `ON CONFLICT`,
//! `RETURNING`), and run through [`on_pool!`], which compiles each query once per backend. The
//! schemas store the same values (UUID ids, epoch-millisecond times, JSON text) so rows decode into
//! the same Rust types on both.

use std::{path::Path, str::FromStr, sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use sqlx::{
    migrate::Migrator,
    postgres::PgPoolOptions,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    PgPool, SqlitePool,
};

use crate::EngineError;

pub mod attempts;
pub mod audit;
mod checkpoint;
pub mod deliveries;
pub mod event_types;
pub mod events;
pub mod inbound;
pub mod probes;
pub mod projects;
pub mod rate_buckets;
pub mod retention;
pub mod sessions;
pub mod stats;
pub mod subscriptions;
pub mod tokens;
pub mod users;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

/// The connection pool of whichever backend the store was opened on.
#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the store's concrete pool, compiling it for each backend.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store.pool() {
            $crate::store::Pool::Sqlite($pool) => $body,
            $crate::store::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Expands `$sql!(open, close)` for the store's backend, where `open $N close` (e.g.
/// `IN (…$1…)`) is the set of UUIDs in the JSON array bound as `$N` (see [`id_list`]): SQLite
/// stores UUIDs as 16-byte blobs, PostgreSQL as `uuid`.
macro_rules! with_id_set {
    ($store:expr, $sql:ident) => {
        if $store.is_postgres() {
            $sql!(
                "(SELECT value::uuid FROM json_array_elements_text(",
                "::json))"
            )
        } else {
            $sql!(
                "(SELECT unhex(replace(value, '-', '')) FROM json_each(",
                "))"
            )
        }
    };
}
pub(crate) use with_id_set;

/// UUIDs as the JSON array that statements written with [`with_id_set!`] take.
pub(crate) fn id_list<'a>(ids: impl IntoIterator<Item = &'a uuid::Uuid>) -> String {
    let ids: Vec<_> = ids.into_iter().collect();
    serde_json::to_string(&ids).unwrap_or_else(|_| "[]".to_owned())
}

/// A handle to the database; cheap to clone (the pool is shared).
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
    /// The same database through connections whose commits return before they are flushed to
    /// disk (see [`Store::relaxed`]).
    relaxed: Pool,
    /// SQLite has one writer: the busy writers (ingest, recording, claims) take turns here
    /// instead of in SQLite's busy handler, which sleeps in steps of milliseconds to tens of
    /// milliseconds while the lock is taken. `None` on PostgreSQL.
    writer: Option<Arc<tokio::sync::Mutex<()>>>,
}

impl Store {
    /// Connects to the database of an installation, `sqlite:…` or `postgres://…`. A SQLite file
    /// that does not exist is not created: that database has yet to be migrated.
    pub async fn open(url: &str) -> Result<Store, EngineError> {
        Store::connect(url, false).await
    }

    /// Connects like [`Store::open`], creating the SQLite file (and its folder) if missing: for
    /// migrating, which gives a new database its schema.
    pub async fn open_or_create(url: &str) -> Result<Store, EngineError> {
        Store::connect(url, true).await
    }

    async fn connect(url: &str, create: bool) -> Result<Store, EngineError> {
        if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let durable = PgPoolOptions::new()
                .max_connections(16)
                .connect(url)
                .await?;
            let relaxed = PgPoolOptions::new()
                .max_connections(8)
                .after_connect(|connection, _| {
                    Box::pin(async move {
                        sqlx::query("SET synchronous_commit = off")
                            .execute(connection)
                            .await
                            .map(drop)
                    })
                })
                .connect(url)
                .await?;
            return Ok(Store {
                pool: Pool::Postgres(durable),
                relaxed: Pool::Postgres(relaxed),
                writer: None,
            });
        }
        if !url.starts_with("sqlite:") {
            return Err(EngineError::internal(format!(
                "unsupported database URL scheme in {:?}: use sqlite:… or postgres://…",
                url.split(':').next().unwrap_or_default()
            )));
        }
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(create)
            // WAL lets readers proceed while one writer commits.
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a commit that returned survives a power cut, which is what "accepted means
            // stored" promises.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            // The log is copied back by a background task (see `checkpoint`), not by commits.
            .pragma("wal_autocheckpoint", checkpoint::AUTOMATIC)
            .pragma("journal_size_limit", checkpoint::LOG_SIZE_LIMIT)
            // Writers queue on SQLite's single write lock instead of failing at once.
            .busy_timeout(Duration::from_secs(10));
        let file = options.get_filename();
        if create {
            create_parent_dir(file)?;
        } else if !file.exists() {
            return Err(EngineError::NotMigrated(format!(
                "there is no database file at {}",
                file.display()
            )));
        }
        let durable = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options.clone())
            .await?;
        // NORMAL in WAL mode: a commit is safe from a crash of the process, and waits for the
        // disk only at checkpoints.
        let relaxed = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(options.synchronous(SqliteSynchronous::Normal))
            .await?;
        Ok(Store {
            pool: Pool::Sqlite(durable),
            relaxed: Pool::Sqlite(relaxed),
            writer: Some(Arc::default()),
        })
    }

    /// The same database for writes whose loss in a power cut costs nothing but a repeat: what
    /// the worker writes (claims, leases, attempt results — a lost one only sends a delivery
    /// again, which at-least-once allows). Its commits return without waiting for the disk
    /// (SQLite `synchronous=NORMAL`, PostgreSQL `synchronous_commit=off`), so that they do not
    /// hold the single writer's lock, or the worker, for a sync each. Events are never stored
    /// through it: an accepted event is on disk.
    pub fn relaxed(&self) -> Store {
        Store {
            pool: self.relaxed.clone(),
            relaxed: self.relaxed.clone(),
            writer: self.writer.clone(),
        }
    }

    /// Waits for the busy writers' turn (on SQLite; on PostgreSQL at once): held for the length
    /// of a write transaction.
    pub(crate) async fn writer_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match &self.writer {
            Some(writer) => Some(writer.lock().await),
            None => None,
        }
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.pool, Pool::Postgres(_))
    }

    /// Applies the migrations this binary carries that the database has not seen yet.
    pub async fn migrate(&self) -> Result<(), EngineError> {
        match &self.pool {
            Pool::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Pool::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// `Ok` when the database answers and every migration this binary carries is applied
    /// (later ones, of a newer binary, are fine: that is a rolling upgrade); `NotMigrated`
    /// otherwise.
    pub async fn check_migrated(&self) -> Result<(), EngineError> {
        let (migrator, has_table) = match &self.pool {
            Pool::Sqlite(_) => (
                &SQLITE_MIGRATIONS,
                "SELECT EXISTS (SELECT 1 FROM sqlite_master
                                WHERE type = 'table' AND name = '_sqlx_migrations')",
            ),
            Pool::Postgres(_) => (
                &POSTGRES_MIGRATIONS,
                "SELECT to_regclass('_sqlx_migrations') IS NOT NULL",
            ),
        };
        // Asked first, so that a database never migrated says so rather than failing a query.
        let migrated: bool =
            on_pool!(self, pool => sqlx::query_scalar(has_table).fetch_one(pool).await?);
        if !migrated {
            return Err(EngineError::NotMigrated("it has no schema yet".into()));
        }
        let applied: Vec<i64> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(pool)
                .await?
        });
        match migrator.iter().find(|m| !applied.contains(&m.version)) {
            Some(missing) => Err(EngineError::NotMigrated(format!(
                "migration {} ({}) is not applied",
                missing.version, missing.description
            ))),
            None => Ok(()),
        }
    }

    /// Waits for every connection to be returned and closes the pool.
    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await);
        on_pool!(self.relaxed(), pool => pool.close().await);
    }
}

fn create_parent_dir(file: &Path) -> Result<(), EngineError> {
    match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir)
            .map_err(|e| EngineError::internal_from(format!("cannot create {}", dir.display()), e)),
        _ => Ok(()),
    }
}

/// `text` as both backends can store and compare it: PostgreSQL refuses NUL characters in text
/// and JSON, so they become U+FFFD. For what arrives unvalidated — a receiver's answer, a
/// caller's lookup key or cursor — which must never fail a statement (and with it a whole
/// group-commit batch).
pub(crate) fn storable(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\0') {
        std::borrow::Cow::Owned(text.replace('\0', "\u{fffd}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Times are stored as Unix epoch milliseconds.
pub fn to_millis(time: DateTime<Utc>) -> i64 {
    time.timestamp_millis()
}

pub(crate) fn from_millis(millis: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(millis).unwrap_or_default()
}

/// A write's result, with the database refusing a duplicate in a unique column turned into
/// `Conflict(duplicate())`.
pub(crate) fn conflict_if_duplicate<T>(
    result: Result<T, sqlx::Error>,
    duplicate: impl FnOnce() -> String,
) -> Result<T, EngineError> {
    result.map_err(|error| {
        let unique = error
            .as_database_error()
            .is_some_and(|e| e.is_unique_violation());
        match unique {
            true => EngineError::Conflict(duplicate()),
            false => error.into(),
        }
    })
}
