//! Delivery rows: queueing, claiming with a lease, and recording each attempt's result.

use std::collections::HashSet;

use uuid::Uuid;

use super::{
    events::{Recipient, Start},
    from_millis, id_list, on_pool, storable, with_id_set, Store,
};
use crate::{
    delivery::{Delivery, DeliveryStatus},
    event::TypePattern,
    ids::{DeliveryId, EventId, ProjectId, SubscriptionId},
    EngineError,
};

/// `$1` id, `$2` project, `$3` event, `$4` subscription, `$5` due at, `$6` manual, `$7` status.
const INSERT: &str = "INSERT INTO deliveries
         (id, project_id, event_id, subscription_id, status, next_attempt_at, manual, created_at,
          updated_at)
     VALUES ($1, $2, $3, $4, $7, $5, $6, $5, $5)";

/// The statements of a claim, in one transaction. Deliveries whose lease ran out are made
/// pending again first ([`release_expired`]), so a claim walks one index in order and never
/// sorts. Sets of ids are JSON arrays (see `with_id_set!`).
///
/// 1. Due deliveries, oldest first, leaving out subscriptions at their in-flight bound (`$2`);
///    `$1` is now, `$3` the most to take. On PostgreSQL, `SKIP LOCKED` lets several instances
///    look side by side without waiting on, or taking, each other's rows; the locks hold until
///    the claim's transaction ends. SQLite looks at the first 4,096 due rows only, so that a long
///    queue of busy subscriptions costs each claim a bounded walk (they are next once a place
///    frees).
/// 2. Takes the chosen ones (`$4`) for worker `$1` until `$2`; `$3` is now. The repeated due
///    check keeps out a row that another claimer took meanwhile.
macro_rules! take_sql {
    ($open:literal, $close:literal) => {
        concat!(
            "UPDATE deliveries
             SET status = 'sending', lease_owner = $1, lease_expires_at = $2, updated_at = $3
             WHERE id IN ",
            $open,
            "$4",
            $close,
            " AND status = 'pending' AND next_attempt_at <= $3
             RETURNING id, project_id, event_id, subscription_id, attempts, manual"
        )
    };
}

/// How a claim begins and finds its candidates on SQLite. `BEGIN IMMEDIATE` takes the write
/// lock before the first read: a deferred transaction that read and then wrote would fail with
/// `SQLITE_BUSY` whenever another connection committed in between.
const SQLITE_CLAIM: (&str, &str) = (
    "BEGIN IMMEDIATE",
    "SELECT id FROM (
         SELECT id, subscription_id, next_attempt_at FROM deliveries
         WHERE status = 'pending' AND next_attempt_at <= $1
         ORDER BY next_attempt_at LIMIT 4096)
     WHERE subscription_id NOT IN (SELECT unhex(replace(value, '-', '')) FROM json_each($2))
     ORDER BY next_attempt_at LIMIT $3",
);
const POSTGRES_CLAIM: (&str, &str) = (
    "BEGIN",
    "SELECT id FROM deliveries
     WHERE status = 'pending' AND next_attempt_at <= $1
       AND subscription_id NOT IN (SELECT value::uuid FROM json_array_elements_text($2::json))
     ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED",
);

/// A delivery this worker now holds.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    pub id: Uuid,
    pub project_id: Uuid,
    pub event_id: Uuid,
    pub subscription_id: Uuid,
    /// Attempts made before this one.
    pub attempts: i32,
    pub manual: bool,
}

/// Claims up to `limit` due deliveries, oldest first, for `worker` until `lease_until`, leaving
/// out those of the `busy` subscriptions.
pub async fn claim(
    store: &Store,
    worker: &str,
    now: i64,
    lease_until: i64,
    limit: u32,
    busy: &[Uuid],
) -> Result<Vec<Claimed>, EngineError> {
    let (begin, due) = if store.is_postgres() {
        POSTGRES_CLAIM
    } else {
        SQLITE_CLAIM
    };
    let take = with_id_set!(store, take_sql);
    let _turn = store.writer_turn().await;
    let claimed: Vec<Claimed> = on_pool!(store, pool => {
        let mut tx = pool.begin_with(begin).await?;
        let candidates: Vec<Uuid> = sqlx::query_scalar(due)
            .bind(now)
            .bind(id_list(busy.iter()))
            .bind(i64::from(limit))
            .fetch_all(&mut *tx)
            .await?;
        let claimed = if candidates.is_empty() {
            Vec::new()
        } else {
            sqlx::query_as(take)
                .bind(worker)
                .bind(lease_until)
                .bind(now)
                .bind(id_list(candidates.iter()))
                .fetch_all(&mut *tx)
                .await?
        };
        tx.commit().await?;
        claimed
    });
    Ok(claimed)
}

/// Extends the leases `worker` holds on `deliveries` until `until` (they wait in its memory or
/// are being sent and recorded); returns those it still held.
pub async fn renew_leases(
    store: &Store,
    worker: &str,
    deliveries: &[Uuid],
    until: i64,
) -> Result<HashSet<Uuid>, EngineError> {
    macro_rules! sql {
        ($open:literal, $close:literal) => {
            concat!(
                "UPDATE deliveries SET lease_expires_at = $2
                 WHERE id IN ",
                $open,
                "$3",
                $close,
                " AND lease_owner = $1 AND status = 'sending'
                 RETURNING id"
            )
        };
    }
    let sql = with_id_set!(store, sql);
    let renewed: Vec<Uuid> = on_pool!(store, pool => {
        sqlx::query_scalar(sql)
            .bind(worker)
            .bind(until)
            .bind(id_list(deliveries))
            .fetch_all(pool)
            .await?
    });
    Ok(renewed.into_iter().collect())
}

/// Makes deliveries `worker` leased but will not send pending again, due now (a worker
/// stopping gives back what waited in its memory).
pub async fn give_back(
    store: &Store,
    worker: &str,
    deliveries: &[Uuid],
) -> Result<(), EngineError> {
    macro_rules! sql {
        ($open:literal, $close:literal) => {
            concat!(
                "UPDATE deliveries SET status = 'pending', lease_owner = NULL,
                     lease_expires_at = NULL
                 WHERE id IN ",
                $open,
                "$2",
                $close,
                " AND lease_owner = $1 AND status = 'sending'"
            )
        };
    }
    let sql = with_id_set!(store, sql);
    on_pool!(store, pool => {
        sqlx::query(sql)
            .bind(worker)
            .bind(id_list(deliveries))
            .execute(pool)
            .await?;
    });
    Ok(())
}

/// Makes deliveries whose lease ran out by `now` pending again (their worker died or hung);
/// returns how many.
pub async fn release_expired(store: &Store, now: i64) -> Result<u64, EngineError> {
    let released = on_pool!(store, pool => {
        sqlx::query(
            "UPDATE deliveries SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL,
                 updated_at = $1
             WHERE status = 'sending' AND lease_expires_at <= $1",
        )
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(released)
}

/// A delivery with what it is about: its event's type and its subscription's name. Both joins
/// are on primary keys, one lookup per row returned, so a list stays as cheap as its walk over
/// `deliveries`.
macro_rules! select {
    ($tail:literal) => {
        concat!(
            "SELECT d.id, d.event_id, e.type AS event_type, d.subscription_id,
                    s.name AS subscription_name, d.status, d.attempts, d.next_attempt_at, d.manual,
                    d.last_status_code, d.last_error, d.created_at, d.updated_at
             FROM deliveries d
             JOIN events e ON e.id = d.event_id
             JOIN subscriptions s ON s.id = d.subscription_id ",
            $tail
        )
    };
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    event_id: Uuid,
    event_type: String,
    subscription_id: Uuid,
    subscription_name: String,
    status: String,
    attempts: i32,
    next_attempt_at: i64,
    manual: bool,
    last_status_code: Option<i32>,
    last_error: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl From<Row> for Delivery {
    fn from(row: Row) -> Self {
        let status = DeliveryStatus::parse(&row.status).unwrap_or(DeliveryStatus::Pending);
        Delivery {
            id: DeliveryId(row.id),
            event_id: EventId(row.event_id),
            event_type: row.event_type,
            subscription_id: SubscriptionId(row.subscription_id),
            subscription_name: row.subscription_name,
            status,
            attempts: u32::try_from(row.attempts).unwrap_or_default(),
            next_attempt_at: (status == DeliveryStatus::Pending)
                .then(|| from_millis(row.next_attempt_at)),
            manual: row.manual,
            last_status_code: row.last_status_code.and_then(|c| u16::try_from(c).ok()),
            last_error: row.last_error,
            created_at: from_millis(row.created_at),
            updated_at: from_millis(row.updated_at),
        }
    }
}

pub async fn get(
    store: &Store,
    project: ProjectId,
    id: DeliveryId,
) -> Result<Option<Delivery>, EngineError> {
    let row: Option<Row> = on_pool!(store, pool => {
        sqlx::query_as(select!("WHERE d.project_id = $1 AND d.id = $2"))
            .bind(project.0)
            .bind(id.0)
            .fetch_optional(pool)
            .await?
    });
    Ok(row.map(Delivery::from))
}

/// Filters of the delivery list; all optional.
#[derive(Debug, Clone, Default)]
pub struct DeliveryQuery {
    pub subscription: Option<SubscriptionId>,
    pub event: Option<EventId>,
    pub status: Option<DeliveryStatus>,
    /// The event's type, exactly or by prefix.
    pub types: TypePattern,
    /// Created at or after (epoch ms).
    pub since: Option<i64>,
    /// Created before (epoch ms).
    pub until: Option<i64>,
    pub search: Option<Search>,
    /// Newest first: deliveries older than this one.
    pub before: Option<DeliveryId>,
    pub limit: u32,
}

/// What a person looks for: an event id, an idempotency key or a piece of the payload.
#[derive(Debug, Clone)]
pub struct Search {
    text: String,
    /// The text read as an event id, when it is one.
    event: Option<Uuid>,
    /// `%text%` in lower case, its `\`, `%` and `_` escaped, so that they match themselves.
    contains: String,
}

impl Search {
    pub fn new(text: &str) -> Search {
        let mut contains = String::with_capacity(text.len() + 2);
        contains.push('%');
        for c in text.to_lowercase().chars() {
            if matches!(c, '\\' | '%' | '_') {
                contains.push('\\');
            }
            contains.push(c);
        }
        contains.push('%');
        Search {
            text: storable(text).into_owned(),
            event: text.parse().ok(),
            contains: storable(&contains).into_owned(),
        }
    }
}

/// One page of the project's deliveries, newest first.
///
/// The common case (the project's latest, perhaps by status or subscription) walks the
/// `(project_id, id)` index backwards from the cursor and stops after `limit` rows. A search by payload text reads each
/// candidate's event data: it may scan, but only the project's deliveries, and it stops as soon
/// as a page is full. Time bounds are on when the delivery was created.
pub async fn list(
    store: &Store,
    project: ProjectId,
    query: &DeliveryQuery,
) -> Result<Vec<Delivery>, EngineError> {
    let search = query.search.as_ref();
    let rows: Vec<Row> = on_pool!(store, pool => {
        sqlx::query_as(select!(
            "WHERE d.project_id = $1 AND ($2 IS NULL OR d.subscription_id = $2)
               AND ($3 IS NULL OR d.event_id = $3) AND ($4 IS NULL OR d.status = $4)
               AND ($5 IS NULL OR d.id < $5)
               AND ($7 IS NULL OR e.type = $7)
               AND ($8 IS NULL OR substr(e.type, 1, length($8)) = $8)
               AND ($9 IS NULL OR d.created_at >= $9) AND ($10 IS NULL OR d.created_at < $10)
               AND ($11 IS NULL OR e.id = $12 OR e.idempotency_key = $11
                    OR lower(CAST(e.data AS TEXT)) LIKE $13 ESCAPE '\\')
             ORDER BY d.id DESC LIMIT $6"
        ))
        .bind(project.0)
        .bind(query.subscription.map(|s| s.0))
        .bind(query.event.map(|e| e.0))
        .bind(query.status.map(DeliveryStatus::as_str))
        .bind(query.before.map(|d| d.0))
        .bind(i64::from(query.limit))
        .bind(query.types.exact.as_deref().map(storable))
        .bind(query.types.prefix.as_deref().map(storable))
        .bind(query.since)
        .bind(query.until)
        .bind(search.map(|s| s.text.as_str()))
        .bind(search.and_then(|s| s.event))
        .bind(search.map(|s| s.contains.as_str()))
        .fetch_all(pool)
        .await?
    });
    Ok(rows.into_iter().map(Delivery::from).collect())
}

/// Makes the project's deliveries among `ids` due now, as manual attempts, except those a worker
/// is sending at this moment. Returns the ids it queued and every id of the project it found
/// (the difference was being sent). Ids of other projects are never touched.
pub async fn retry_many(
    store: &Store,
    project: ProjectId,
    ids: &[Uuid],
    now: i64,
) -> Result<(HashSet<Uuid>, HashSet<Uuid>), EngineError> {
    macro_rules! retry_sql {
        ($open:literal, $close:literal) => {
            concat!(
                "UPDATE deliveries SET status = 'pending', next_attempt_at = $3, manual = TRUE,
                     updated_at = $3
                 WHERE project_id = $1 AND id IN ",
                $open,
                "$2",
                $close,
                " AND status <> 'sending'
                 RETURNING id"
            )
        };
    }
    macro_rules! found_sql {
        ($open:literal, $close:literal) => {
            concat!(
                "SELECT id FROM deliveries WHERE project_id = $1 AND id IN ",
                $open,
                "$2",
                $close
            )
        };
    }
    let (retry, found) = (
        with_id_set!(store, retry_sql),
        with_id_set!(store, found_sql),
    );
    let ids = id_list(ids);
    let queued: Vec<Uuid> = {
        let _turn = store.writer_turn().await;
        on_pool!(store, pool => {
            sqlx::query_scalar(retry)
                .bind(project.0)
                .bind(&ids)
                .bind(now)
                .fetch_all(pool)
                .await?
        })
    };
    let found: Vec<Uuid> = on_pool!(store, pool => {
        sqlx::query_scalar(found).bind(project.0).bind(&ids).fetch_all(pool).await?
    });
    Ok((queued.into_iter().collect(), found.into_iter().collect()))
}

/// Queues new deliveries of an event (a replay); returns how many.
pub async fn enqueue(
    store: &Store,
    project: ProjectId,
    event: EventId,
    targets: &[Recipient],
    manual: bool,
    now: i64,
) -> Result<usize, EngineError> {
    on_pool!(store, pool => {
        let mut tx = pool.begin().await?;
        for recipient in targets {
            let status = match recipient.start {
                Start::Held => DeliveryStatus::Held,
                Start::Pending | Start::Leased => DeliveryStatus::Pending,
            };
            sqlx::query(INSERT)
                .bind(recipient.delivery.0)
                .bind(project.0)
                .bind(event.0)
                .bind(recipient.subscription.0)
                .bind(now)
                .bind(manual)
                .bind(status.as_str())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    });
    Ok(targets.len())
}

/// Makes a delivery due now, as a manual attempt. `false` when there is no such delivery or a
/// worker is sending it at this moment.
pub async fn retry_now(
    store: &Store,
    project: ProjectId,
    id: DeliveryId,
    now: i64,
) -> Result<bool, EngineError> {
    let changed = on_pool!(store, pool => {
        sqlx::query(
            "UPDATE deliveries SET status = 'pending', next_attempt_at = $3, manual = TRUE, updated_at = $3
             WHERE project_id = $1 AND id = $2 AND status <> 'sending'",
        )
        .bind(project.0)
        .bind(id.0)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(changed > 0)
}

/// Makes every failed delivery of a subscription created since `since` due now, as manual
/// attempts; returns how many.
pub async fn requeue_failed(
    store: &Store,
    project: ProjectId,
    subscription: SubscriptionId,
    since: i64,
    now: i64,
) -> Result<u64, EngineError> {
    let changed = on_pool!(store, pool => {
        sqlx::query(
            "UPDATE deliveries SET status = 'pending', next_attempt_at = $4, manual = TRUE, updated_at = $4
             WHERE project_id = $1 AND subscription_id = $2 AND status = 'failed' AND created_at >= $3",
        )
        .bind(project.0)
        .bind(subscription.0)
        .bind(since)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(changed)
}

/// Gives a claimed delivery back, due at `until`, without counting an attempt (its
/// subscription's rate limit held it back).
pub async fn defer(store: &Store, id: Uuid, worker: &str, until: i64) -> Result<(), EngineError> {
    on_pool!(store, pool => {
        sqlx::query(
            "UPDATE deliveries SET status = 'pending', next_attempt_at = $3, lease_owner = NULL,
                 lease_expires_at = NULL
             WHERE id = $1 AND lease_owner = $2",
        )
        .bind(id)
        .bind(worker)
        .bind(until)
        .execute(pool)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

/// Gives back a claimed delivery whose subscription was disabled or failed: held, unless the
/// subscription sends again by now (the check is part of the statement, so that an enabling in
/// between cannot leave it held).
pub async fn hold(store: &Store, id: Uuid, worker: &str) -> Result<(), EngineError> {
    on_pool!(store, pool => {
        sqlx::query(
            "UPDATE deliveries
             SET status = CASE WHEN (SELECT s.enabled AND NOT s.failed FROM subscriptions s
                                     WHERE s.id = deliveries.subscription_id)
                          THEN 'pending' ELSE 'held' END,
                 lease_owner = NULL, lease_expires_at = NULL
             WHERE id = $1 AND lease_owner = $2",
        )
        .bind(id)
        .bind(worker)
        .execute(pool)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

/// Releases deliveries held for subscriptions that send again. Enabling a subscription releases
/// its held deliveries in the same transaction; this catches one stored as held by an ingest
/// that decided so just before the subscription was enabled. Returns how many.
pub async fn release_stray_held(store: &Store) -> Result<u64, EngineError> {
    let released = on_pool!(store, pool => {
        sqlx::query(
            "UPDATE deliveries SET status = 'pending'
             WHERE status = 'held'
               AND subscription_id IN (SELECT id FROM subscriptions WHERE enabled AND NOT failed)",
        )
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(released)
}

/// How many of the subscription's deliveries are held.
pub async fn count_held(
    store: &Store,
    project: ProjectId,
    subscription: SubscriptionId,
) -> Result<u64, EngineError> {
    let held: i64 = on_pool!(store, pool => {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM deliveries
             WHERE project_id = $1 AND subscription_id = $2 AND status = 'held'",
        )
        .bind(project.0)
        .bind(subscription.0)
        .fetch_one(pool)
        .await?
    });
    Ok(u64::try_from(held).unwrap_or_default())
}

/// Cancels the subscription's held deliveries, because a person asked; returns how many.
pub async fn discard_held(
    store: &Store,
    project: ProjectId,
    subscription: SubscriptionId,
    reason: &str,
    now: i64,
) -> Result<u64, EngineError> {
    let discarded = on_pool!(store, pool => {
        sqlx::query(
            "UPDATE deliveries SET status = 'cancelled', last_error = $3, updated_at = $4
             WHERE project_id = $1 AND subscription_id = $2 AND status = 'held'",
        )
        .bind(project.0)
        .bind(subscription.0)
        .bind(reason)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(discarded)
}

/// How many deliveries wait to be sent (pending or in flight), and when the oldest was queued.
pub async fn queue_gauges(store: &Store) -> Result<(i64, Option<i64>), EngineError> {
    Ok(on_pool!(store, pool => {
        sqlx::query_as(
            "SELECT COUNT(*), MIN(created_at) FROM deliveries WHERE status IN ('pending', 'sending')",
        )
        .fetch_one(pool)
        .await?
    }))
}
