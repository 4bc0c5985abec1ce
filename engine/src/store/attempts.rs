//! The attempt log, and the transaction that records an attempt together with what it changes:
//! the delivery's state and the subscription's health.

use sqlx::types::Json;
use uuid::Uuid;

use super::{from_millis, on_pool, storable, Store};
use crate::{
    delivery::{Attempt, DeliveryStatus, ErrorKind, HeaderPair},
    ids::{AttemptId, DeliveryId, SubscriptionId},
    EngineError,
};

/// One attempt as the dispatcher made it.
#[derive(Debug, Clone)]
pub struct NewAttempt {
    pub delivery: Uuid,
    pub project: Uuid,
    pub subscription: Uuid,
    pub number: i32,
    pub worker: String,
    pub request_url: String,
    pub request_method: String,
    pub request_headers: Vec<HeaderPair>,
    pub request_body: String,
    pub response_status: Option<u16>,
    pub response_headers: Option<Vec<HeaderPair>>,
    pub response_body: Option<String>,
    pub error: Option<(ErrorKind, String)>,
    pub duration_ms: i64,
    pub at: i64,
}

/// Where the delivery goes after the attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Succeeded,
    /// Pending again, due at this time.
    RetryAt(i64),
    /// No more automatic attempts.
    Failed,
}

/// What the attempt says about the subscription's endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    Healthy,
    /// Failing; `give_up_after` is the failure window (ms): once the endpoint has failed that long
    /// and a delivery has no attempts left, the subscription is marked failed.
    Failing {
        give_up_after: i64,
    },
    /// The endpoint said it is gone for good (410): mark the subscription failed now.
    Gone,
}

/// An attempt with what it changes.
#[derive(Debug, Clone)]
pub struct Finished {
    pub attempt: NewAttempt,
    pub next: Next,
    pub health: Health,
}

/// Records attempts and their consequences, all in one transaction (one commit, one sync, for
/// the whole batch). Returns, for each, whether it turned its subscription failed.
pub async fn record(
    store: &Store,
    batch: &[std::sync::Arc<Finished>],
) -> Result<Vec<bool>, EngineError> {
    let flipped = on_pool!(store, pool => {
        let mut tx = pool.begin().await?;
        let mut flipped = Vec::with_capacity(batch.len());
        for finished in batch {
        let Finished { attempt, next, health } = &**finished;
        let (next, health) = (*next, *health);
        let (status, due) = match next {
            Next::Succeeded => (DeliveryStatus::Succeeded, attempt.at),
            Next::RetryAt(at) => (DeliveryStatus::Pending, at),
            Next::Failed => (DeliveryStatus::Failed, attempt.at),
        };
        let (error_kind, error_message) = match &attempt.error {
            Some((kind, message)) => (Some(kind.as_str()), Some(message.as_str())),
            None => (None, None),
        };
        sqlx::query(
            "INSERT INTO attempts
                 (id, delivery_id, project_id, subscription_id, attempt_number, worker, request_url,
                  request_method, request_headers, request_body, response_status, response_headers,
                  response_body, error_kind, error_message, duration_ms, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        )
        .bind(AttemptId::generate().0)
        .bind(attempt.delivery)
        .bind(attempt.project)
        .bind(attempt.subscription)
        .bind(attempt.number)
        .bind(&attempt.worker)
        .bind(&attempt.request_url)
        .bind(&attempt.request_method)
        .bind(Json(&attempt.request_headers))
        .bind(storable(&attempt.request_body))
        .bind(attempt.response_status.map(i32::from))
        .bind(attempt.response_headers.as_ref().map(Json))
        .bind(attempt.response_body.as_deref().map(storable))
        .bind(error_kind)
        .bind(error_message.map(storable))
        .bind(attempt.duration_ms)
        .bind(attempt.at)
        .execute(&mut *tx)
        .await?;
        // Only the lease holder moves the delivery on: if the lease ran out and another worker
        // took it over, that worker's result stands (the attempt above is still logged).
        sqlx::query(
            "UPDATE deliveries
             SET status = $3, attempts = $4, next_attempt_at = $5, lease_owner = NULL,
                 lease_expires_at = NULL, last_status_code = $6, last_error = $7, updated_at = $8
             WHERE id = $1 AND lease_owner = $2",
        )
        .bind(attempt.delivery)
        .bind(&attempt.worker)
        .bind(status.as_str())
        .bind(attempt.number)
        .bind(due)
        .bind(attempt.response_status.map(i32::from))
        .bind(error_message.map(storable))
        .bind(attempt.at)
        .execute(&mut *tx)
        .await?;
        let turned_failed = match health {
            Health::Healthy => {
                sqlx::query("UPDATE subscriptions SET failing_since = NULL, last_delivery_at = $2 WHERE id = $1")
                    .bind(attempt.subscription)
                    .bind(attempt.at)
                    .execute(&mut *tx)
                    .await?;
                false
            }
            Health::Gone => {
                sqlx::query(
                    "UPDATE subscriptions SET failed = TRUE, failing_since = COALESCE(failing_since, $2),
                         disabled_reason = 'the endpoint answered 410 Gone'
                     WHERE id = $1 AND NOT failed",
                )
                .bind(attempt.subscription)
                .bind(attempt.at)
                .execute(&mut *tx)
                .await?
                .rows_affected() > 0
            }
            Health::Failing { give_up_after } => {
                // The clock starts at the first failure and runs until a success clears it.
                sqlx::query("UPDATE subscriptions SET failing_since = COALESCE(failing_since, $2) WHERE id = $1")
                    .bind(attempt.subscription)
                    .bind(attempt.at)
                    .execute(&mut *tx)
                    .await?;
                next == Next::Failed && sqlx::query(
                    "UPDATE subscriptions
                     SET failed = TRUE,
                         disabled_reason = 'deliveries kept failing for the whole failure window'
                     WHERE id = $1 AND NOT failed AND failing_since <= $2",
                )
                .bind(attempt.subscription)
                .bind(attempt.at - give_up_after)
                .execute(&mut *tx)
                .await?
                .rows_affected() > 0
            }
        };
        if turned_failed {
            sqlx::query(super::subscriptions::HOLD_OR_RELEASE)
                .bind(attempt.subscription)
                .execute(&mut *tx)
                .await?;
        }
        flipped.push(turned_failed);
        }
        tx.commit().await?;
        flipped
    });
    Ok(flipped)
}

/// Drops a claimed delivery without sending it (its subscription or event is gone).
pub async fn cancel(
    store: &Store,
    delivery: Uuid,
    worker: &str,
    reason: &str,
    at: i64,
) -> Result<(), EngineError> {
    on_pool!(store, pool => {
        sqlx::query(
            "UPDATE deliveries SET status = 'cancelled', lease_owner = NULL, lease_expires_at = NULL,
                 last_error = $3, updated_at = $4
             WHERE id = $1 AND lease_owner = $2",
        )
        .bind(delivery)
        .bind(worker)
        .bind(reason)
        .bind(at)
        .execute(pool)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    delivery_id: Uuid,
    subscription_id: Uuid,
    attempt_number: i32,
    worker: String,
    request_url: String,
    request_method: String,
    request_headers: Json<Vec<HeaderPair>>,
    request_body: String,
    response_status: Option<i32>,
    response_headers: Option<Json<Vec<HeaderPair>>>,
    response_body: Option<String>,
    error_kind: Option<String>,
    error_message: Option<String>,
    duration_ms: i64,
    created_at: i64,
}

impl From<Row> for Attempt {
    fn from(row: Row) -> Self {
        Attempt {
            id: AttemptId(row.id),
            delivery_id: DeliveryId(row.delivery_id),
            subscription_id: SubscriptionId(row.subscription_id),
            attempt_number: u32::try_from(row.attempt_number).unwrap_or_default(),
            worker: row.worker,
            request_url: row.request_url,
            request_method: row.request_method,
            request_headers: row.request_headers.0,
            request_body: row.request_body,
            response_status: row.response_status.and_then(|s| u16::try_from(s).ok()),
            response_headers: row.response_headers.map(|h| h.0),
            response_body: row.response_body,
            error_kind: row.error_kind.as_deref().and_then(ErrorKind::parse),
            error_message: row.error_message,
            duration_ms: u64::try_from(row.duration_ms).unwrap_or_default(),
            created_at: from_millis(row.created_at),
        }
    }
}

const COLUMNS: &str = "id, delivery_id, subscription_id, attempt_number, worker, request_url,
    request_method, request_headers, request_body, response_status, response_headers,
    response_body, error_kind, error_message, duration_ms, created_at";

/// A delivery's attempts, first to last.
pub async fn of_delivery(store: &Store, delivery: DeliveryId) -> Result<Vec<Attempt>, EngineError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM attempts WHERE delivery_id = $1 ORDER BY attempt_number, created_at"
    );
    let rows: Vec<Row> = on_pool!(store, pool => {
        sqlx::query_as(&sql)
        .bind(delivery.0)
        .fetch_all(pool)
        .await?
    });
    Ok(rows.into_iter().map(Attempt::from).collect())
}

/// A subscription's attempts, newest first, older than the attempt `before` (ids are
/// time-ordered).
pub async fn of_subscription(
    store: &Store,
    subscription: SubscriptionId,
    before: Option<AttemptId>,
    limit: u32,
) -> Result<Vec<Attempt>, EngineError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM attempts
         WHERE subscription_id = $1 AND ($2 IS NULL OR id < $2) ORDER BY id DESC LIMIT $3"
    );
    let rows: Vec<Row> = on_pool!(store, pool => {
        sqlx::query_as(&sql)
            .bind(subscription.0)
            .bind(before.map(|id| id.0))
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
    });
    Ok(rows.into_iter().map(Attempt::from).collect())
}
