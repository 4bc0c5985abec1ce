//! API token rows. Only a SHA-256 of each token is stored: tokens are long random strings, so a
//! fast hash is enough to make a leaked database useless for calling the API.

use chrono::Utc;
use uuid::Uuid;

use super::{from_millis, on_pool, to_millis, Store};
use crate::{
    account::{ApiToken, Role},
    ids::{ProjectId, TokenId, UserId},
    EngineError,
};

/// A token as stored, to be inserted.
pub struct NewRow<'a> {
    pub user: UserId,
    pub name: &'a str,
    pub prefix: &'a str,
    pub hash: &'a str,
    pub project: Option<ProjectId>,
    pub role: Role,
}

/// One token by id (revoked or not), as listed.
pub async fn get(store: &Store, id: TokenId) -> Result<Option<ApiToken>, EngineError> {
    let sql = format!("{LISTED} WHERE t.id = $1");
    let row: Option<ListedRow> = on_pool!(store, pool => {
        sqlx::query_as(&sql).bind(id.0).fetch_optional(pool).await?
    });
    Ok(row.map(ApiToken::from))
}

pub async fn insert(store: &Store, token: NewRow<'_>) -> Result<TokenId, EngineError> {
    let id = TokenId::generate();
    on_pool!(store, pool => {
        sqlx::query(
            "INSERT INTO api_tokens (id, user_id, name, prefix, token_hash, project_id, role, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.0)
        .bind(token.user.0)
        .bind(token.name)
        .bind(token.prefix)
        .bind(token.hash)
        .bind(token.project.map(|p| p.0))
        .bind(token.role.as_str())
        .bind(to_millis(Utc::now()))
        .execute(pool)
        .await?;
    });
    Ok(id)
}

/// What authenticating a token needs to know about it and its user.
#[derive(sqlx::FromRow)]
pub struct Credential {
    pub id: Uuid,
    pub user_id: Uuid,
    pub username: String,
    pub is_admin: bool,
    pub project_id: Option<Uuid>,
    pub role: String,
    pub last_used_at: Option<i64>,
}

/// The live (not revoked) token whose hash is `hash`, if its user is enabled.
pub async fn by_hash(store: &Store, hash: &str) -> Result<Option<Credential>, EngineError> {
    Ok(on_pool!(store, pool => {
        sqlx::query_as(
            "SELECT t.id, t.user_id, u.username, u.is_admin, t.project_id, t.role, t.last_used_at
             FROM api_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL",
        )
        .bind(hash)
        .fetch_optional(pool)
        .await?
    }))
}

pub async fn touch(store: &Store, id: TokenId) -> Result<(), EngineError> {
    on_pool!(store, pool => {
        sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
            .bind(id.0)
            .bind(to_millis(Utc::now()))
            .execute(pool)
            .await?;
    });
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ListedRow {
    id: Uuid,
    name: String,
    prefix: String,
    username: String,
    project: Option<String>,
    role: String,
    created_at: i64,
    last_used_at: Option<i64>,
}

const LISTED: &str = "SELECT t.id, t.name, t.prefix, u.username, p.name AS project, t.role,
        t.created_at, t.last_used_at
    FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN projects p ON p.id = t.project_id";

impl From<ListedRow> for ApiToken {
    fn from(r: ListedRow) -> Self {
        ApiToken {
            id: TokenId(r.id),
            name: r.name,
            prefix: r.prefix,
            username: r.username,
            project: r.project,
            role: Role::parse(&r.role).unwrap_or(Role::Read),
            created_at: from_millis(r.created_at),
            last_used_at: r.last_used_at.map(from_millis),
        }
    }
}

/// Live tokens, newest first, older than the token `before`: one user's, or everyone's when
/// `user` is `None`.
pub async fn list(
    store: &Store,
    reach: Reach,
    before: Option<TokenId>,
    limit: u32,
) -> Result<Vec<ApiToken>, EngineError> {
    let sql = format!(
        "{LISTED} WHERE t.revoked_at IS NULL AND ($1 IS NULL OR t.user_id = $1)
           AND ($4 IS NULL OR t.project_id = $4)
           AND ($2 IS NULL OR t.id < $2) ORDER BY t.id DESC LIMIT $3"
    );
    let rows: Vec<ListedRow> = on_pool!(store, pool => {
        sqlx::query_as(&sql)
            .bind(reach.user.map(|u| u.0))
            .bind(before.map(|t| t.0))
            .bind(i64::from(limit))
            .bind(reach.project.map(|p| p.0))
            .fetch_all(pool)
            .await?
    });
    Ok(rows.into_iter().map(ApiToken::from).collect())
}

/// Which tokens a caller may see and revoke: one user's (or everyone's), limited to one
/// project's (or not).
#[derive(Debug, Clone, Copy)]
pub struct Reach {
    pub user: Option<UserId>,
    pub project: Option<ProjectId>,
}

/// Revokes a live token within `reach`; false if there is none.
pub async fn revoke(store: &Store, id: TokenId, reach: Reach) -> Result<bool, EngineError> {
    let result = on_pool!(store, pool => {
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $3
             WHERE id = $1 AND revoked_at IS NULL AND ($2 IS NULL OR user_id = $2)
               AND ($4 IS NULL OR project_id = $4)",
        )
        .bind(id.0)
        .bind(reach.user.map(|u| u.0))
        .bind(to_millis(Utc::now()))
        .bind(reach.project.map(|p| p.0))
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(result == 1)
}
