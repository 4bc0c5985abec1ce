//! The audit log: append and read, newest first.

use chrono::Utc;
use serde_json::Value;
use sqlx::types::Json;
use uuid::Uuid;

use super::{from_millis, on_pool, to_millis, Store};
use crate::{account::AuditEntry, EngineError};

pub async fn insert(
    store: &Store,
    project: Option<&str>,
    actor: &str,
    action: &str,
    target_id: &str,
    detail: &Value,
) -> Result<(), EngineError> {
    on_pool!(store, pool => {
        sqlx::query(
            "INSERT INTO audit_log (id, project, actor, action, target_id, detail, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(Uuid::now_v7())
        .bind(project)
        .bind(actor)
        .bind(action)
        .bind(target_id)
        .bind(Json(detail))
        .bind(to_millis(Utc::now()))
        .execute(pool)
        .await?;
    });
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    project: Option<String>,
    actor: String,
    action: String,
    target_id: String,
    detail: Json<Value>,
    created_at: i64,
}

/// Which entries to list: each criterion given narrows the list.
#[derive(Debug, Clone, Copy, Default)]
pub struct Only<'a> {
    pub project: Option<&'a str>,
    /// An action, or the kind of object before its dot (`user` for `user.created`, …).
    pub action: Option<&'a str>,
    pub actor: Option<&'a str>,
}

/// Up to `limit` entries older than the entry `before` (ids are time-ordered), newest first.
pub async fn list(
    store: &Store,
    only: Only<'_>,
    before: Option<Uuid>,
    limit: u32,
) -> Result<Vec<AuditEntry>, EngineError> {
    let rows: Vec<Row> = on_pool!(store, pool => {
        sqlx::query_as(
            "SELECT id, project, actor, action, target_id, detail, created_at FROM audit_log
             WHERE ($1 IS NULL OR id < $1) AND ($3 IS NULL OR project = $3)
               AND ($4 IS NULL OR action = $4 OR substr(action, 1, length($4) + 1) = $4 || '.')
               AND ($5 IS NULL OR actor = $5)
             ORDER BY id DESC LIMIT $2",
        )
        .bind(before)
        .bind(i64::from(limit))
        .bind(only.project)
        .bind(only.action)
        .bind(only.actor)
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .map(|r| AuditEntry {
            id: r.id,
            project: r.project,
            actor: r.actor,
            action: r.action,
            target_id: r.target_id,
            detail: r.detail.0,
            created_at: from_millis(r.created_at),
        })
        .collect())
}
