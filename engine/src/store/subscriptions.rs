//! Subscription rows: the SQL behind creating, reading, listing, updating and deleting them.

use chrono::Utc;
use sqlx::types::Json;
use uuid::Uuid;

use super::{from_millis, is_unique_violation, on_pool, to_millis, Store};
use crate::{
    ids::{ProjectId, SubscriptionId},
    subscription::{Labels, Subscription, ValidSubscription},
    EngineError,
};

/// Every read selects the same columns, with the project's name joined in.
macro_rules! select {
    ($tail:literal) => {
        concat!(
            "SELECT s.id, p.name AS project, s.name, s.url, s.description, s.enabled,
                    s.timeout_seconds, s.labels, s.created_at, s.updated_at
             FROM subscriptions s JOIN projects p ON p.id = s.project_id ",
            $tail
        )
    };
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    project: String,
    name: String,
    url: String,
    description: String,
    enabled: bool,
    timeout_seconds: i32,
    labels: Json<Labels>,
    created_at: i64,
    updated_at: i64,
}

impl From<Row> for Subscription {
    fn from(row: Row) -> Self {
        Subscription {
            id: SubscriptionId(row.id),
            project: row.project,
            name: row.name,
            url: row.url,
            description: row.description,
            enabled: row.enabled,
            timeout_seconds: u32::try_from(row.timeout_seconds).unwrap_or_default(),
            labels: row.labels.0,
            created_at: from_millis(row.created_at),
            updated_at: from_millis(row.updated_at),
        }
    }
}

fn duplicate_name(name: &str) -> EngineError {
    EngineError::Conflict(format!(
        "a subscription named {name:?} already exists in this project"
    ))
}

/// Up to `limit` subscriptions of the project with ids after `after`, oldest first.
pub async fn list(
    store: &Store,
    project: ProjectId,
    after: Option<SubscriptionId>,
    limit: u32,
) -> Result<Vec<Subscription>, EngineError> {
    let rows: Vec<Row> = on_pool!(store, pool => {
        sqlx::query_as(select!(
            "WHERE s.project_id = $1 AND ($2 IS NULL OR s.id > $2) ORDER BY s.id LIMIT $3"
        ))
        .bind(project.0)
        .bind(after.map(|id| id.0))
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?
    });
    Ok(rows.into_iter().map(Subscription::from).collect())
}

pub async fn get(
    store: &Store,
    project: ProjectId,
    id: SubscriptionId,
) -> Result<Option<Subscription>, EngineError> {
    let row: Option<Row> = on_pool!(store, pool => {
        sqlx::query_as(select!("WHERE s.project_id = $1 AND s.id = $2"))
            .bind(project.0)
            .bind(id.0)
            .fetch_optional(pool)
            .await?
    });
    Ok(row.map(Subscription::from))
}

pub async fn insert(
    store: &Store,
    project: ProjectId,
    fields: &ValidSubscription,
) -> Result<SubscriptionId, EngineError> {
    let id = SubscriptionId::generate();
    let now = to_millis(Utc::now());
    let result = on_pool!(store, pool => {
        sqlx::query(
            "INSERT INTO subscriptions
                 (id, project_id, name, url, description, enabled, timeout_seconds, labels,
                  created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
        )
        .bind(id.0)
        .bind(project.0)
        .bind(&fields.name)
        .bind(&fields.url)
        .bind(&fields.description)
        .bind(fields.enabled)
        .bind(fields.timeout_seconds as i32)
        .bind(Json(&fields.labels))
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ())
    });
    match result {
        Err(e) if is_unique_violation(&e) => Err(duplicate_name(&fields.name)),
        other => other.map(|()| id).map_err(EngineError::from),
    }
}

/// Overwrites every field; `false` when there is no such subscription in the project.
pub async fn update(
    store: &Store,
    project: ProjectId,
    id: SubscriptionId,
    fields: &ValidSubscription,
) -> Result<bool, EngineError> {
    let result = on_pool!(store, pool => {
        sqlx::query(
            "UPDATE subscriptions
             SET name = $3, url = $4, description = $5, enabled = $6, timeout_seconds = $7,
                 labels = $8, updated_at = $9
             WHERE project_id = $1 AND id = $2",
        )
        .bind(project.0)
        .bind(id.0)
        .bind(&fields.name)
        .bind(&fields.url)
        .bind(&fields.description)
        .bind(fields.enabled)
        .bind(fields.timeout_seconds as i32)
        .bind(Json(&fields.labels))
        .bind(to_millis(Utc::now()))
        .execute(pool)
        .await
        .map(|done| done.rows_affected())
    });
    match result {
        Err(e) if is_unique_violation(&e) => Err(duplicate_name(&fields.name)),
        other => Ok(other? > 0),
    }
}

/// `false` when there is no such subscription in the project.
pub async fn delete(
    store: &Store,
    project: ProjectId,
    id: SubscriptionId,
) -> Result<bool, EngineError> {
    let deleted = on_pool!(store, pool => {
        sqlx::query("DELETE FROM subscriptions WHERE project_id = $1 AND id = $2")
            .bind(project.0)
            .bind(id.0)
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(deleted > 0)
}
