//! Event rows, and the one transaction that stores a batch of events with their deliveries.

use std::{collections::HashSet, sync::Arc};

use serde_json::Value;
use sqlx::{types::Json, QueryBuilder};
use uuid::Uuid;

use super::{from_millis, id_list, on_pool, storable, to_millis, with_id_set, Store};
use crate::{
    delivery::DeliveryStatus,
    event::{Event, ObjectRef},
    ids::{DeliveryId, EventId, ProjectId, SubscriptionId},
    EngineError, FieldErrors,
};

macro_rules! select {
    ($tail:expr) => {
        concat!(
            "SELECT e.id, p.name AS project, e.type AS event_type, e.group_name, e.object_type,
                    e.object_name, e.object_version, e.data, e.message, e.level, e.occurred_at,
                    e.idempotency_key, e.created_at, e.schema_errors
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
    schema_errors: Option<Json<FieldErrors>>,
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
            schema_errors: row.schema_errors.map(|e| e.0),
        }
    }
}

/// How storing one event of a request went.
#[derive(Debug, Clone)]
pub enum Stored {
    /// New, with its deliveries.
    Created,
    /// Its idempotency key was used before: this is the first event, nothing new was queued.
    Repeated(Box<Event>),
}

/// How a new delivery starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// Queued for any worker to claim.
    Pending,
    /// Its subscription is disabled or failed: it waits until the subscription is enabled.
    Held,
    /// Leased at birth to this process's worker ([`Incoming::lease`]), which is handed it once
    /// the transaction commits.
    Leased,
}

/// A delivery of an event to one subscription.
#[derive(Debug, Clone, Copy)]
pub struct Recipient {
    pub delivery: DeliveryId,
    pub subscription: SubscriptionId,
    pub start: Start,
}

/// The lease that deliveries born claimed are stored with.
#[derive(Debug, Clone)]
pub struct Lease {
    pub worker: String,
    /// Epoch ms.
    pub until: i64,
}

/// One request's events, each with its deliveries.
#[derive(Debug)]
pub struct Incoming {
    pub project: ProjectId,
    pub events: Vec<(Arc<Event>, Vec<Recipient>)>,
    /// For deliveries that start [`Start::Leased`].
    pub lease: Option<Lease>,
}

/// Rows per insert statement: far below either backend's limit on parameters.
const ROWS_PER_INSERT: usize = 1000;

/// Stores the events of several requests and their deliveries, all in one transaction and with
/// one insert per table (for up to [`ROWS_PER_INSERT`] rows): when this returns, every delivery
/// is durably queued, held or leased. Answers per request, in order. A key repeated within the
/// transaction finds the event stored moments before.
pub async fn insert_with_deliveries(
    store: &Store,
    requests: Vec<Arc<Incoming>>,
) -> Result<Vec<Vec<Stored>>, EngineError> {
    let events: Vec<(&Incoming, &Arc<Event>)> = requests
        .iter()
        .flat_map(|request| request.events.iter().map(move |(e, _)| (&**request, e)))
        .collect();
    let _turn = store.writer_turn().await;
    let answers = on_pool!(store, pool => {
        let mut tx = pool.begin().await?;
        // A NULL key never conflicts; a repeated key inserts nothing.
        let mut inserted: HashSet<Uuid> = HashSet::with_capacity(events.len());
        for rows in events.chunks(ROWS_PER_INSERT) {
            let mut insert = QueryBuilder::new(
                "INSERT INTO events
                     (id, project_id, type, group_name, object_type, object_name, object_version,
                      data, message, level, occurred_at, idempotency_key, created_at,
                      schema_errors) ",
            );
            insert.push_values(rows, |mut row, (request, event)| {
                let object = event.object.as_ref();
                row.push_bind(event.id.0)
                    .push_bind(request.project.0)
                    .push_bind(event.event_type.clone())
                    .push_bind(event.group.clone())
                    .push_bind(object.map(|o| o.kind.clone()))
                    .push_bind(object.and_then(|o| o.name.clone()))
                    .push_bind(object.and_then(|o| o.version.clone()))
                    .push_bind(Json(event.data.clone()))
                    .push_bind(event.message.clone())
                    .push_bind(event.level.clone())
                    .push_bind(to_millis(event.occurred_at))
                    .push_bind(event.idempotency_key.clone())
                    .push_bind(to_millis(event.created_at))
                    .push_bind(event.schema_errors.clone().map(Json));
            });
            insert.push(" ON CONFLICT (project_id, idempotency_key) DO NOTHING RETURNING id");
            let ids: Vec<Uuid> = insert.build_query_scalar().fetch_all(&mut *tx).await?;
            inserted.extend(ids);
        }
        let deliveries: Vec<(&Incoming, &Arc<Event>, &Recipient)> = requests
            .iter()
            .flat_map(|request| {
                request
                    .events
                    .iter()
                    .filter(|(event, _)| inserted.contains(&event.id.0))
                    .flat_map(move |(event, recipients)| {
                        recipients.iter().map(move |r| (&**request, event, r))
                    })
            })
            .collect();
        for rows in deliveries.chunks(ROWS_PER_INSERT) {
            let mut insert = QueryBuilder::new(
                "INSERT INTO deliveries
                     (id, project_id, event_id, subscription_id, status, next_attempt_at, manual,
                      lease_owner, lease_expires_at, created_at, updated_at) ",
            );
            insert.push_values(rows, |mut row, (request, event, recipient)| {
                let created = to_millis(event.created_at);
                let lease = request.lease.as_ref().filter(|_| recipient.start == Start::Leased);
                let status = match recipient.start {
                    Start::Pending => DeliveryStatus::Pending,
                    Start::Held => DeliveryStatus::Held,
                    Start::Leased if lease.is_some() => DeliveryStatus::Sending,
                    Start::Leased => DeliveryStatus::Pending,
                };
                row.push_bind(recipient.delivery.0)
                    .push_bind(request.project.0)
                    .push_bind(event.id.0)
                    .push_bind(recipient.subscription.0)
                    .push_bind(status.as_str())
                    .push_bind(created)
                    .push_bind(false)
                    .push_bind(lease.map(|l| l.worker.clone()))
                    .push_bind(lease.map(|l| l.until))
                    .push_bind(created)
                    .push_bind(created);
            });
            insert.build().execute(&mut *tx).await?;
        }
        let mut answers = Vec::with_capacity(requests.len());
        for request in &requests {
            let mut stored = Vec::with_capacity(request.events.len());
            for (event, _) in &request.events {
                if inserted.contains(&event.id.0) {
                    stored.push(Stored::Created);
                    continue;
                }
                let first: Row =
                    sqlx::query_as(select!("WHERE e.project_id = $1 AND e.idempotency_key = $2"))
                        .bind(request.project.0)
                        .bind(&event.idempotency_key)
                        .fetch_one(&mut *tx)
                        .await?;
                stored.push(Stored::Repeated(Box::new(first.into())));
            }
            answers.push(stored);
        }
        tx.commit().await?;
        answers
    });
    Ok(answers)
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
    /// Types that start with this.
    pub type_prefix: Option<String>,
    /// Leave out this group's events.
    pub hide_group: Option<String>,
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
               AND ($7 IS NULL OR substr(e.type, 1, length($7)) = $7)
               AND ($8 IS NULL OR e.group_name IS NULL OR e.group_name <> $8)
             ORDER BY e.id DESC LIMIT $6"
        ))
        .bind(project.0)
        .bind(query.event_type.as_deref().map(storable))
        .bind(query.since)
        .bind(query.until)
        .bind(query.before.map(|id| id.0))
        .bind(i64::from(query.limit))
        .bind(query.type_prefix.as_deref().map(storable))
        .bind(query.hide_group.as_deref())
        .fetch_all(pool)
        .await?
    });
    Ok(rows.into_iter().map(Event::from).collect())
}
