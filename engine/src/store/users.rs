//! User rows: accounts with an argon2 password hash (hashing happens in the service).

use chrono::Utc;
use uuid::Uuid;

use super::{conflict_if_duplicate, from_millis, on_pool, storable, to_millis, Pool, Store};
use crate::{
    account::{User, UserIn, UserPatch},
    ids::UserId,
    EngineError,
};

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    username: String,
    full_name: String,
    email: String,
    is_admin: bool,
    created_at: i64,
    disabled_at: Option<i64>,
}

impl From<Row> for User {
    fn from(row: Row) -> Self {
        User {
            id: UserId(row.id),
            username: row.username,
            full_name: row.full_name,
            email: row.email,
            is_admin: row.is_admin,
            created_at: from_millis(row.created_at),
            disabled_at: row.disabled_at.map(from_millis),
        }
    }
}

const COLUMNS: &str = "id, username, full_name, email, is_admin, created_at, disabled_at";

/// Stores a validated user; a taken username is a `Conflict`.
pub async fn insert(
    store: &Store,
    input: &UserIn,
    password_hash: &str,
) -> Result<User, EngineError> {
    let id = UserId::generate();
    let result = on_pool!(store, pool => {
        sqlx::query(
            "INSERT INTO users (id, username, full_name, email, password_hash, is_admin, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id.0)
        .bind(&input.username)
        .bind(&input.full_name)
        .bind(&input.email)
        .bind(password_hash)
        .bind(input.is_admin)
        .bind(to_millis(Utc::now()))
        .execute(pool)
        .await
            .map(|_| ())
    });
    conflict_if_duplicate(result, || {
        format!("a user named {:?} already exists", input.username)
    })?;
    by_id(store, id).await?.ok_or(EngineError::NotFound("user"))
}

pub async fn by_id(store: &Store, id: UserId) -> Result<Option<User>, EngineError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    let row: Option<Row> = on_pool!(store, pool => {
        sqlx::query_as(&sql).bind(id.0).fetch_optional(pool).await?
    });
    Ok(row.map(User::from))
}

/// The user called `username` and their password hash, for logging in.
pub async fn with_password(
    store: &Store,
    username: &str,
) -> Result<Option<(User, String)>, EngineError> {
    #[derive(sqlx::FromRow)]
    struct WithHash {
        #[sqlx(flatten)]
        user: Row,
        password_hash: String,
    }
    let sql = format!("SELECT {COLUMNS}, password_hash FROM users WHERE username = $1");
    let row: Option<WithHash> = on_pool!(store, pool => {
        sqlx::query_as(&sql).bind(storable(username)).fetch_optional(pool).await?
    });
    Ok(row.map(|r| (User::from(r.user), r.password_hash)))
}

/// Users in username order after `after`.
pub async fn list(
    store: &Store,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<User>, EngineError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM users WHERE $1 IS NULL OR username > $1 ORDER BY username LIMIT $2"
    );
    let rows: Vec<Row> = on_pool!(store, pool => {
        sqlx::query_as(&sql)
            .bind(after.map(storable))
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
    });
    Ok(rows.into_iter().map(User::from).collect())
}

pub async fn count(store: &Store) -> Result<i64, EngineError> {
    Ok(on_pool!(store, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(pool).await?
    }))
}

/// Applies an administrator's change to the user `id`. When it takes administration away from
/// them (`removes_an_admin`), it applies only if another enabled administrator remains, so that
/// two administrators demoting each other at once cannot both succeed: SQLite runs one writer
/// at a time, and on PostgreSQL the table is locked against other changes of users first (each
/// statement then sees the other's committed change). Returns whether the change applied.
pub async fn update(
    store: &Store,
    id: UserId,
    patch: &UserPatch,
    removes_an_admin: bool,
) -> Result<bool, EngineError> {
    const UPDATE: &str = "UPDATE users SET
            full_name = COALESCE($2, full_name),
            email = COALESCE($3, email),
            is_admin = COALESCE($4, is_admin),
            disabled_at = CASE WHEN $5 IS NULL THEN disabled_at
                               WHEN $5 THEN COALESCE(disabled_at, $6)
                               ELSE NULL END
         WHERE id = $1
           AND ($7 = FALSE OR EXISTS (
               SELECT 1 FROM users other
               WHERE other.id <> $1 AND other.is_admin AND other.disabled_at IS NULL))";
    let now = to_millis(Utc::now());
    macro_rules! update {
        () => {
            sqlx::query(UPDATE)
                .bind(id.0)
                .bind(patch.full_name.as_deref())
                .bind(patch.email.as_deref())
                .bind(patch.is_admin)
                .bind(patch.disabled)
                .bind(now)
                .bind(removes_an_admin)
        };
    }
    let changed = match store.pool() {
        Pool::Sqlite(pool) => update!().execute(pool).await?.rows_affected(),
        Pool::Postgres(pool) => {
            let mut transaction = pool.begin().await?;
            if removes_an_admin {
                sqlx::query("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
                    .execute(&mut *transaction)
                    .await?;
            }
            let changed = update!().execute(&mut *transaction).await?.rows_affected();
            transaction.commit().await?;
            changed
        }
    };
    Ok(changed == 1)
}

pub async fn set_password(
    store: &Store,
    id: UserId,
    password_hash: &str,
) -> Result<bool, EngineError> {
    let changed = on_pool!(store, pool => {
        sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
            .bind(id.0)
            .bind(password_hash)
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(changed == 1)
}
