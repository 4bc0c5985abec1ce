//! Event rows, and the one transaction that stores a batch of events with their deliveries.

use serde_json::Value;
use sqlx::types::Json;
use uuid::Uuid;

use super::{deliveries, from_millis, id_list, on_pool, storable, to_millis, with_id_set, Store};
use crate::{
    event::{Event, ObjectRef},
    ids::{DeliveryId, EventId, ProjectId, SubscriptionId},
    EngineError,
};

macro_rules! select {
    ($tail:expr) => {
        concat!(
            "SELECT e.id, p.name AS project, e.type AS event_type, e.group_name, e.object_type,
                    e.object_name, e.object_version, e.data, e.message, e.level, e.occurred_at,
                    e.idempotency_key, e.created_at
             FROM events e JOIN projects p ON p.id = e.project_id ",
            $tail
        )
    };
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    project: String,
    event_type: String,
    group_name: Option<String>,
    object_type: Option<String>,
    object_name: Option<String>,
    object_version: Option<String>,
    data: Json<Value>,
    message: String,
    level: String,
    occurred_at: i64,
    idempotency_key: Option<String>,
    created_at: i64,
}

impl From<Row> for Event {
    fn from(row: Row) -> Self {
        Event {
            id: EventId(row.id),
            project: row.project,
            event_type: row.event_type,
            group: row.group_name,
            object: row.object_type.map(|kind| ObjectRef {
                kind,
                name: row.object_name,
                version: row.object_version,
            }),
            data: row.data.0,
            message: row.message,
            level: row.level,
            occurred_at: from_millis(row.occurred_at),
            idempotency_key: row.idempotency_key,
            created_at: from_millis(row.created_at),
        }
    }
}

/// How storing one event of a request went.
#[derive(Debug, Clone)]
pub enum Stored {
    /// New, with this many deliveries queued.
    Created(usize),
    /// Its idempotency key was used before: this is the first event, nothing new was queued.
    Repeated(Event),
}

/// A subscription an event goes to.
#[derive(Debug, Clone, Copy)]
pub struct Recipient {
    pub subscription: SubscriptionId,
    /// The subscription is disabled or failed: the delivery waits, held, until it is enabled.
    pub held: bool,
}

/// One request's events, each with the subscriptions it goes to.
#[derive(Debug)]
pub struct Incoming {
    pub project: ProjectId,
    pub events: Vec<(Event, Vec<Recipient>)>,
}

/// Stores the events of several requests and a pending delivery for each target, all in one
/// transaction: when this returns, every delivery is durably queued. Answers per request, in
/// order. A key repeated within the transaction finds the event stored moments before.
pub async fn insert_with_deliveries(
    store: &Store,
    requests: Vec<std::sync::Arc<Incoming>>,
) -> Result<Vec<Vec<Stored>>, EngineError> {
    let stored = on_pool!(store, pool => {
        let mut tx = pool.begin().await?;
        let mut answers = Vec::with_capacity(requests.len());
        for request in &requests {
            let Incoming { project, events } = &**request;
            let mut stored = Vec::with_capacity(events.len());
            for (event, targets) in events {
                let object = event.object.as_ref();
                // A NULL key never conflicts; a repeated key inserts nothing.
                let inserted = sqlx::query(
                    "INSERT INTO events
                         (id, project_id, type, group_name, object_type, object_name, object_version,
                          data, message, level, occurred_at, idempotency_key, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                     ON CONFLICT (project_id, idempotency_key) DO NOTHING",
                )
                .bind(event.id.0)
                .bind(project.0)
                .bind(&event.event_type)
                .bind(&event.group)
                .bind(object.map(|o| &o.kind))
                .bind(object.and_then(|o| o.name.as_ref()))
                .bind(object.and_then(|o| o.version.as_ref()))
                .bind(Json(&event.data))
                .bind(&event.message)
                .bind(&event.level)
                .bind(to_millis(event.occurred_at))
                .bind(&event.idempotency_key)
                .bind(to_millis(event.created_at))
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if inserted == 0 {
                    let first: Row = sqlx::query_as(select!("WHERE e.project_id = $1 AND e.idempotency_key = $2"))
                        .bind(project.0)
                        .bind(&event.idempotency_key)
                        .fetch_one(&mut *tx)
                        .await?;
                    stored.push(Stored::Repeated(first.into()));
                    continue;
                }
                let created = to_millis(event.created_at);
                for recipient in targets {
                    sqlx::query(deliveries::INSERT)
                        .bind(DeliveryId::generate().0)
                        .bind(project.0)
                        .bind(event.id.0)
                        .bind(recipient.subscription.0)
                        .bind(created)
                        .bind(false)
                        .bind(deliveries::queued_status(recipient.held))
                        .execute(&mut *tx)
                        .await?;
                }
                stored.push(Stored::Created(targets.len()));
            }
            answers.push(stored);
        }
        tx.commit().await?;
        answers
    });
    Ok(stored)
}

pub async fn get(
    store: &Store,
    project: ProjectId,
    id: EventId,
) -> Result<Option<Event>, EngineError> {
    let row: Option<Row> = on_pool!(store, pool => {
        sqlx::query_as(select!("WHERE e.project_id = $1 AND e.id = $2"))
            .bind(project.0)
            .bind(id.0)
            .fetch_optional(pool)
            .await?
    });
    Ok(row.map(Event::from))
}

/// The dispatcher's read: the events of a batch of claimed deliveries, by id alone (the
/// deliveries they came from are already scoped).
pub async fn by_ids(store: &Store, ids: &[Uuid]) -> Result<Vec<Event>, EngineError> {
    macro_rules! sql {
        ($open:literal, $close:literal) => {
            select!(concat!("WHERE e.id IN ", $open, "$1", $close))
        };
    }
    let sql = with_id_set!(store, sql);
    let rows: Vec<Row> = on_pool!(store, pool => {
        sqlx::query_as(sql).bind(id_list(ids)).fetch_all(pool).await?
    });
    Ok(rows.into_iter().map(Event::from).collect())
}

/// Filters of the event list; all optional.
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    pub event_type: Option<String>,
    pub since: Option<i64>,
    pub until: Option<i64>,
    /// Newest first: events older than this one.
    pub before: Option<EventId>,
    pub limit: u32,
}

pub async fn list(
    store: &Store,
    project: ProjectId,
    query: &EventQuery,
) -> Result<Vec<Event>, EngineError> {
    let rows: Vec<Row> = on_pool!(store, pool => {
        sqlx::query_as(select!(
            "WHERE e.project_id = $1 AND ($2 IS NULL OR e.type = $2)
               AND ($3 IS NULL OR e.created_at >= $3) AND ($4 IS NULL OR e.created_at < $4)
               AND ($5 IS NULL OR e.id < $5)
             ORDER BY e.id DESC LIMIT $6"
        ))
        .bind(project.0)
        .bind(query.event_type.as_deref().map(storable))
        .bind(query.since)
        .bind(query.until)
        .bind(query.before.map(|id| id.0))
        .bind(i64::from(query.limit))
        .fetch_all(pool)
        .await?
    });
    Ok(rows.into_iter().map(Event::from).collect())
}
