//! Counting queries behind the dashboard's figures: attempts per time slice, recent durations,
//! the queue, subscriptions that need attention, whether a project holds anything yet, one
//! subscription's latest attempts and failure, and the event types a project has seen.
//!
//! Slices are `created_at / width` in integer arithmetic, which both backends group by alike.

use uuid::Uuid;

use super::{from_millis, on_pool, Store};
use crate::{
    delivery::ErrorKind,
    ids::{DeliveryId, ProjectId, SubscriptionId},
    overview::{Counted, FailedAttempt, SubscriptionState},
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

/// Whether the project has any subscription, and any event.
pub async fn holds_anything(
    store: &Store,
    project: ProjectId,
) -> Result<(bool, bool), EngineError> {
    Ok(on_pool!(store, pool => {
        sqlx::query_as(
            "SELECT EXISTS (SELECT 1 FROM subscriptions WHERE project_id = $1),
                    EXISTS (SELECT 1 FROM events WHERE project_id = $1)",
        )
        .bind(project.0)
        .fetch_one(pool)
        .await?
    }))
}

/// One of a subscription's latest attempts: how long it took, whether it failed, when.
pub struct Outcome {
    pub duration_ms: u64,
    pub failed: bool,
    pub at_ms: i64,
}

/// The subscription's latest `limit` attempts, latest first. Walked by the subscription's own
/// index (newest id first), so a busy project's other attempts cost nothing.
pub async fn latest_outcomes(
    store: &Store,
    project: ProjectId,
    subscription: SubscriptionId,
    limit: i64,
) -> Result<Vec<Outcome>, EngineError> {
    let rows: Vec<(i64, Option<String>, i64)> = on_pool!(store, pool => {
        sqlx::query_as(
            "SELECT CAST(duration_ms AS BIGINT), error_kind, created_at FROM attempts
             WHERE project_id = $1 AND subscription_id = $2
             ORDER BY id DESC LIMIT $3",
        )
        .bind(project.0)
        .bind(subscription.0)
        .bind(limit)
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .map(|(duration, kind, at_ms)| Outcome {
            duration_ms: duration.max(0) as u64,
            failed: kind.is_some(),
            at_ms,
        })
        .collect())
}

/// The latest failed attempt among the subscription's latest `within` attempts: bounded, so
/// that a long healthy run is not read back to its start to find an old failure.
pub async fn last_failure(
    store: &Store,
    project: ProjectId,
    subscription: SubscriptionId,
    within: i64,
) -> Result<Option<FailedAttempt>, EngineError> {
    type Row = (Uuid, i32, Option<i32>, String, Option<String>, i64);
    let row: Option<Row> = on_pool!(store, pool => {
        sqlx::query_as(
            "SELECT delivery_id, attempt_number, response_status, error_kind, error_message,
                    created_at
             FROM (SELECT id, delivery_id, attempt_number, response_status, error_kind,
                          error_message, created_at
                   FROM attempts WHERE project_id = $1 AND subscription_id = $2
                   ORDER BY id DESC LIMIT $3) latest
             WHERE error_kind IS NOT NULL ORDER BY id DESC LIMIT 1",
        )
        .bind(project.0)
        .bind(subscription.0)
        .bind(within)
        .fetch_optional(pool)
        .await?
    });
    Ok(
        row.and_then(|(delivery, number, status, kind, message, at)| {
            Some(FailedAttempt {
                delivery_id: DeliveryId(delivery),
                attempt_number: u32::try_from(number).unwrap_or_default(),
                kind: ErrorKind::parse(&kind)?,
                status: status.and_then(|s| u16::try_from(s).ok()),
                message,
                at: from_millis(at),
            })
        }),
    )
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

/// The status and error kind of the subscription's latest attempt (none if it belongs to
/// another project).
pub async fn last_attempt(
    store: &Store,
    project: ProjectId,
    subscription: SubscriptionId,
) -> Result<Option<(Option<i32>, Option<String>)>, EngineError> {
    Ok(on_pool!(store, pool => {
        sqlx::query_as(
            "SELECT response_status, error_kind FROM attempts
             WHERE project_id = $1 AND subscription_id = $2 ORDER BY id DESC LIMIT 1",
        )
        .bind(project.0)
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
