//! Dashboard sessions: the hash of the cookie's value, whose they are and until when.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{on_pool, to_millis, Store};
use crate::{ids::UserId, EngineError};

pub async fn insert(
    store: &Store,
    hash: &str,
    user: UserId,
    expires_at: DateTime<Utc>,
) -> Result<(), EngineError> {
    let now = to_millis(Utc::now());
    on_pool!(store, pool => {
        // Expired sessions are swept whenever someone logs in, so the table stays small.
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(now)
            .execute(pool)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(hash)
        .bind(user.0)
        .bind(now)
        .bind(to_millis(expires_at))
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// The user of the unexpired session whose hash is `hash`.
pub async fn user(store: &Store, hash: &str) -> Result<Option<UserId>, EngineError> {
    let id: Option<Uuid> = on_pool!(store, pool => {
        sqlx::query_scalar("SELECT user_id FROM sessions WHERE token_hash = $1 AND expires_at > $2")
            .bind(hash)
            .bind(to_millis(Utc::now()))
            .fetch_optional(pool)
            .await?
    });
    Ok(id.map(UserId))
}

pub async fn delete(store: &Store, hash: &str) -> Result<(), EngineError> {
    on_pool!(store, pool => {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(hash)
            .execute(pool)
            .await?;
    });
    Ok(())
}

/// Ends every session of `user` (they were disabled, or their password was reset).
pub async fn delete_for_user(store: &Store, user: UserId) -> Result<(), EngineError> {
    on_pool!(store, pool => {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user.0)
            .execute(pool)
            .await?;
    });
    Ok(())
}
