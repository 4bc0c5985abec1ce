//! User rows: accounts with an argon2 password hash (hashing happens in the service).

use chrono::Utc;
use uuid::Uuid;

use super::{conflict_if_duplicate, from_millis, on_pool, storable, to_millis, Store};
use crate::{
    account::{User, UserIn},
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
        }
    }
}

const COLUMNS: &str = "id, username, full_name, email, is_admin, created_at";

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
