//! Counting queries behind the dashboard's figures: attempts per time slice, recent durations,
//! the queue, subscriptions that need attention and the event types a project has seen.
//!
//! Slices are `created_at / width` in integer arithmetic, which both backends group by alike.

use uuid::Uuid;

use super::{on_pool, Store};
use crate::{
    ids::{ProjectId, SubscriptionId},
    overview::{Counted, SubscriptionState},
    EngineError,
};

/// The durations of the project's latest attempts since `since_ms`, at most `limit` of them.
pub async fn recent_durations(
    store: &Store,
    project: ProjectId,
    since_ms: i64,
    limit: i64,
) -> Result<Vec<u64>, EngineError> {
    let rows: Vec<i64> = on_pool!(store, pool => {
        sqlx::query_scalar(
            "SELECT CAST(duration_ms AS BIGINT) FROM attempts
             WHERE project_id = $1 AND created_at >= $2
             ORDER BY created_at DESC LIMIT $3",
        )
        .bind(project.0)
        .bind(since_ms)
        .bind(limit)
        .fetch_all(pool)
        .await?
    });
    Ok(rows.into_iter().map(|d| d.max(0) as u64).collect())
}

/// How many deliveries wait or are being sent, and when the oldest of them was created.
pub async fn queue(store: &Store, project: ProjectId) -> Result<(u64, Option<i64>), EngineError> {
    let (depth, oldest): (i64, Option<i64>) = on_pool!(store, pool => {
        sqlx::query_as(
            "SELECT COUNT(*), MIN(created_at) FROM deliveries
             WHERE project_id = $1 AND status IN ('pending', 'sending')",
        )
        .bind(project.0)
        .fetch_one(pool)
        .await?
    });
    Ok((depth as u64, oldest))
}

/// Subscriptions that are failed or disabled, by name.
pub async fn needing_attention(
    store: &Store,
    project: ProjectId,
    limit: i64,
) -> Result<Vec<SubscriptionState>, EngineError> {
    let rows: Vec<(Uuid, String, bool, bool, Option<String>)> = on_pool!(store, pool => {
        sqlx::query_as(
            "SELECT id, name, enabled, failed, disabled_reason FROM subscriptions
             WHERE project_id = $1 AND (failed OR NOT enabled)
             ORDER BY name LIMIT $2",
        )
        .bind(project.0)
        .bind(limit)
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .map(
            |(id, name, enabled, failed, disabled_reason)| SubscriptionState {
                id: SubscriptionId(id),
                name,
                enabled,
                failed,
                disabled_reason,
            },
        )
        .collect())
}

/// Per subscription and slice of `width_ms` since `since_ms`: succeeded and failed attempts.
pub async fn subscription_slices(
    store: &Store,
    project: ProjectId,
    since_ms: i64,
    width_ms: i64,
) -> Result<Vec<(SubscriptionId, Counted)>, EngineError> {
    let rows: Vec<(Uuid, i64, i64, i64)> = on_pool!(store, pool => {
        sqlx::query_as(
            "SELECT subscription_id, created_at / $3 AS slice,
                    SUM(CASE WHEN error_kind IS NULL THEN 1 ELSE 0 END),
                    SUM(CASE WHEN error_kind IS NULL THEN 0 ELSE 1 END)
             FROM attempts WHERE project_id = $1 AND created_at >= $2
             GROUP BY 1, 2",
        )
        .bind(project.0)
        .bind(since_ms)
        .bind(width_ms)
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .map(|(id, index, succeeded, failed)| {
            let counted = Counted {
                index,
                succeeded: succeeded as u64,
                failed: failed as u64,
            };
            (SubscriptionId(id), counted)
        })
        .collect())
}

/// The status and error kind of the subscription's latest attempt.
pub async fn last_attempt(
    store: &Store,
    subscription: SubscriptionId,
) -> Result<Option<(Option<i32>, Option<String>)>, EngineError> {
    Ok(on_pool!(store, pool => {
        sqlx::query_as(
            "SELECT response_status, error_kind FROM attempts
             WHERE subscription_id = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(subscription.0)
        .fetch_optional(pool)
        .await?
    }))
}

/// The distinct types among the project's latest `sample` events, alphabetically.
pub async fn recent_event_types(
    store: &Store,
    project: ProjectId,
    sample: i64,
) -> Result<Vec<String>, EngineError> {
    Ok(on_pool!(store, pool => {
        sqlx::query_scalar(
            "SELECT DISTINCT type FROM
               (SELECT type FROM events WHERE project_id = $1 ORDER BY created_at DESC LIMIT $2) recent
             ORDER BY type",
        )
        .bind(project.0)
        .bind(sample)
        .fetch_all(pool)
        .await?
    }))
}
