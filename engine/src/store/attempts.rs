//! The attempt log, and the transaction that records a batch of attempts together with what
//! they change: their deliveries' states and their subscriptions' health.

use std::{collections::HashSet, sync::Arc, time::Duration};

use sqlx::{types::Json, QueryBuilder};
use uuid::Uuid;

use super::{from_millis, on_pool, storable, Store};
use crate::{
    delivery::{Attempt, DeliveryStatus, ErrorKind, HeaderPair},
    dispatch::life::{health_changes, Health, Next},
    ids::{AttemptId, DeliveryId, EventId, SubscriptionId},
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

/// An attempt with what it changes.
#[derive(Debug, Clone)]
pub struct Finished {
    pub attempt: NewAttempt,
    /// The event delivered (reports name it).
    pub event: EventId,
    pub next: Next,
    pub health: Health,
}

/// Attempt rows per insert statement: far below either backend's limit on parameters.
const ROWS_PER_INSERT: usize = 500;

/// Moves each delivery of the batch on, given as a JSON array of
/// `{id, worker, status, attempts, due, code, error, at}`. Only the lease holder moves a
/// delivery: if its lease ran out and another worker took it over, that worker's result stands
/// (the attempt is still logged).
const POSTGRES_MOVE_ON: &str = "UPDATE deliveries AS d
     SET status = v.status, attempts = v.attempts, next_attempt_at = v.due, lease_owner = NULL,
         lease_expires_at = NULL, last_status_code = v.code, last_error = v.error, updated_at = v.at
     FROM json_to_recordset($1::json)
          AS v(id uuid, worker text, status text, attempts int, due bigint, code int, error text,
               at bigint)
     WHERE d.id = v.id AND d.lease_owner = v.worker";
const SQLITE_MOVE_ON: &str = "UPDATE deliveries
     SET status = v.status, attempts = v.attempts, next_attempt_at = v.due, lease_owner = NULL,
         lease_expires_at = NULL, last_status_code = v.code, last_error = v.error, updated_at = v.at
     FROM (SELECT unhex(replace(value ->> 'id', '-', '')) AS id, value ->> 'worker' AS worker,
                  value ->> 'status' AS status, value ->> 'attempts' AS attempts,
                  value ->> 'due' AS due, value ->> 'code' AS code, value ->> 'error' AS error,
                  value ->> 'at' AS at
           FROM json_each($1)) AS v
     WHERE deliveries.id = v.id AND deliveries.lease_owner = v.worker";

/// A subscription's health after a batch (see [`HealthChange`]): the last success clears the
/// failing streak and is its last delivery; otherwise a streak already running keeps its start.
/// Answers the streak's start and whether it is failed.
const HEALTH: &str = "UPDATE subscriptions
     SET last_delivery_at = COALESCE($2, last_delivery_at),
         failing_since = CASE WHEN $2 IS NULL THEN COALESCE(failing_since, $3) ELSE $3 END
     WHERE id = $1
     RETURNING failing_since, failed";

/// Records a batch of attempts and their consequences in one transaction (one commit, one sync):
/// one insert of the attempts, one update of their deliveries, one update per subscription.
/// Returns, for each attempt, whether it turned its subscription failed (the last attempt of a
/// subscription in the batch carries the news).
pub async fn record(
    store: &Store,
    batch: &[Arc<Finished>],
    window: Duration,
) -> Result<Vec<bool>, EngineError> {
    let changes = health_changes(batch.iter().map(|f| {
        let a = &f.attempt;
        (a.subscription, a.at, f.next, f.health)
    }));
    let moves = serde_json::to_string(&batch.iter().map(move_on).collect::<Vec<_>>())
        .map_err(|e| EngineError::internal_from("encoding attempt results", e))?;
    let move_on_sql = if store.is_postgres() {
        POSTGRES_MOVE_ON
    } else {
        SQLITE_MOVE_ON
    };
    let _turn = store.writer_turn().await;
    let flipped: HashSet<Uuid> = on_pool!(store, pool => {
        let mut tx = pool.begin().await?;
        for rows in batch.chunks(ROWS_PER_INSERT) {
            let mut insert = QueryBuilder::new(
                "INSERT INTO attempts
                     (id, delivery_id, project_id, subscription_id, attempt_number, worker,
                      request_url, request_method, request_headers, request_body, response_status,
                      response_headers, response_body, error_kind, error_message, duration_ms,
                      created_at) ",
            );
            insert.push_values(rows, |mut row, finished| {
                let a = &finished.attempt;
                let (kind, message) = match &a.error {
                    Some((kind, message)) => (Some(kind.as_str()), Some(storable(message).into_owned())),
                    None => (None, None),
                };
                row.push_bind(AttemptId::generate().0)
                    .push_bind(a.delivery)
                    .push_bind(a.project)
                    .push_bind(a.subscription)
                    .push_bind(a.number)
                    .push_bind(a.worker.clone())
                    .push_bind(a.request_url.clone())
                    .push_bind(a.request_method.clone())
                    .push_bind(Json(a.request_headers.clone()))
                    .push_bind(storable(&a.request_body).into_owned())
                    .push_bind(a.response_status.map(i32::from))
                    .push_bind(a.response_headers.clone().map(Json))
                    .push_bind(a.response_body.as_deref().map(|b| storable(b).into_owned()))
                    .push_bind(kind)
                    .push_bind(message)
                    .push_bind(a.duration_ms)
                    .push_bind(a.at);
            });
            insert.build().execute(&mut *tx).await?;
        }
        sqlx::query(move_on_sql).bind(&moves).execute(&mut *tx).await?;
        let mut flipped = HashSet::new();
        for (subscription, change) in &changes {
            let health: Option<(Option<i64>, bool)> = sqlx::query_as(HEALTH)
                .bind(subscription)
                .bind(change.succeeded_at)
                .bind(change.failing_from)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((since, false)) = health else { continue };
            if !change.turns_failed(since, window) {
                continue;
            }
            let reason = if change.gone {
                "the endpoint answered 410 Gone"
            } else {
                "deliveries kept failing for the whole failure window"
            };
            sqlx::query("UPDATE subscriptions SET failed = TRUE, disabled_reason = $2 WHERE id = $1")
                .bind(subscription)
                .bind(reason)
                .execute(&mut *tx)
                .await?;
            sqlx::query(super::subscriptions::HOLD_OR_RELEASE)
                .bind(subscription)
                .execute(&mut *tx)
                .await?;
            flipped.insert(*subscription);
        }
        tx.commit().await?;
        flipped
    });
    let mut told = HashSet::new();
    let mut answers = vec![false; batch.len()];
    for (i, finished) in batch.iter().enumerate().rev() {
        let subscription = finished.attempt.subscription;
        if flipped.contains(&subscription) && told.insert(subscription) {
            answers[i] = true;
        }
    }
    Ok(answers)
}

/// One delivery's move after its attempt, as [`POSTGRES_MOVE_ON`] reads it.
fn move_on(finished: &Arc<Finished>) -> serde_json::Value {
    let a = &finished.attempt;
    let (status, due) = match finished.next {
        Next::Succeeded => (DeliveryStatus::Succeeded, a.at),
        Next::RetryAt(at) => (DeliveryStatus::Pending, at),
        Next::Failed => (DeliveryStatus::Failed, a.at),
    };
    serde_json::json!({
        "id": a.delivery,
        "worker": a.worker,
        "status": status.as_str(),
        "attempts": a.number,
        "due": due,
        "code": a.response_status,
        "error": a.error.as_ref().map(|(_, message)| storable(message)),
        "at": a.at,
    })
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
