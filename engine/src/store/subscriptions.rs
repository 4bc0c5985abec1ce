//! Subscription rows: the SQL behind creating, reading, listing, updating and deleting them.

use chrono::Utc;
use serde_json::Value;
use sqlx::types::Json;
use uuid::Uuid;

use super::{conflict_if_duplicate, from_millis, on_pool, storable, to_millis, Store};
use crate::{
    ids::{ProjectId, SubscriptionId, UserId},
    signing::{Keyring, Retired},
    subscription::{
        Author, ContentType, Header, Labels, PayloadFormat, Subscription, ValidSubscription,
    },
    EngineError,
};

/// Every read selects the same columns, with the project's name joined in.
macro_rules! select {
    ($tail:expr) => {
        select!("", $tail)
    };
    ($extra:literal, $tail:expr) => {
        concat!(
            "SELECT ",
            $extra,
            "s.id, p.name AS project, s.name, s.url, s.description, s.enabled,
                    s.timeout_seconds, s.labels, s.event_types, s.event_groups, s.object_type,
                    s.object_name, s.object_version, s.filter, s.headers, s.content_type, s.method,
                    s.retry, s.include_result, s.channel, s.channel_config, s.payload_format,
                    s.rate_limit, s.failed, s.disabled_reason, s.last_delivery_at, s.created_at,
                    s.updated_at, u.id AS author_id, u.username AS author_username,
                    u.full_name AS author_full_name, u.email AS author_email, n.number,
                    s.name_key = s.name AS unique_name
             FROM subscriptions s JOIN projects p ON p.id = s.project_id
                  JOIN subscription_numbers n ON n.subscription_id = s.id
                  LEFT JOIN users u ON u.id = s.author_id ",
            $tail
        )
    };
}

/// Binds a validated subscription's fields and its name key as `$3` … `$24`, in the order the
/// writes below use.
macro_rules! bind_fields {
    ($query:expr, $fields:expr, $id:expr) => {
        $query
            .bind(&$fields.name)
            .bind(&$fields.url)
            .bind(&$fields.description)
            .bind($fields.enabled)
            .bind($fields.timeout_seconds as i32)
            .bind(Json(&$fields.labels))
            .bind(Json(&$fields.event_types))
            .bind(Json(&$fields.event_groups))
            .bind(&$fields.object_type)
            .bind(&$fields.object_name)
            .bind(&$fields.object_version)
            .bind($fields.filter.as_ref().map(Json))
            .bind(Json(&$fields.headers))
            .bind($fields.content_type.as_str())
            .bind(&$fields.method)
            .bind($fields.retry)
            .bind($fields.include_result)
            .bind(&$fields.channel)
            .bind(Json(&$fields.channel_config))
            .bind($fields.payload_format.as_str())
            .bind($fields.rate_limit.map(|r| r as i32))
            .bind(name_key($fields, $id))
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
    event_types: Json<Vec<String>>,
    event_groups: Json<Vec<String>>,
    object_type: Option<String>,
    object_name: Option<String>,
    object_version: Option<String>,
    filter: Option<Json<Value>>,
    headers: Json<Vec<Header>>,
    content_type: String,
    method: String,
    retry: bool,
    include_result: bool,
    channel: String,
    channel_config: Json<Value>,
    payload_format: String,
    rate_limit: Option<i32>,
    failed: bool,
    disabled_reason: Option<String>,
    last_delivery_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
    author_id: Option<Uuid>,
    author_username: Option<String>,
    author_full_name: Option<String>,
    author_email: Option<String>,
    number: i64,
    unique_name: bool,
}

/// Rows become the public shape: protected header values never leave this module in clear
/// except for sending (the roster's [`with_secrets_of_project`]) and changing ([`editable`]).
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
            event_types: row.event_types.0,
            event_groups: row.event_groups.0,
            object_type: row.object_type,
            object_name: row.object_name,
            object_version: row.object_version,
            filter: row.filter.map(|f| f.0),
            headers: row.headers.0.iter().map(Header::redacted).collect(),
            content_type: ContentType::parse(&row.content_type).unwrap_or_default(),
            method: row.method,
            retry: row.retry,
            include_result: row.include_result,
            channel: row.channel,
            channel_config: row.channel_config.0,
            payload_format: PayloadFormat::parse(&row.payload_format).unwrap_or_default(),
            rate_limit: row.rate_limit.and_then(|r| u32::try_from(r).ok()),
            failed: row.failed,
            disabled_reason: row.disabled_reason,
            last_delivery_at: row.last_delivery_at.map(from_millis),
            created_at: from_millis(row.created_at),
            updated_at: from_millis(row.updated_at),
            number: row.number,
            author: row.author_id.map(|id| Author {
                id: UserId(id),
                username: row.author_username.unwrap_or_default(),
                full_name: row.author_full_name.unwrap_or_default(),
                email: row.author_email.unwrap_or_default(),
            }),
            unique_name: row.unique_name,
        }
    }
}

/// What the project's unique constraint holds for a subscription: its name when the name is
/// unique, otherwise a key of its own that no name can be (names have no control characters).
fn name_key(fields: &ValidSubscription, id: SubscriptionId) -> String {
    match fields.unique_name {
        true => fields.name.clone(),
        false => format!("\u{1}{id}"),
    }
}

fn duplicate_name(name: &str) -> String {
    format!("a subscription named {name:?} already exists in this project")
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

/// The project's subscription called `name`, among those whose names are unique (indexed).
pub async fn named(
    store: &Store,
    project: ProjectId,
    name: &str,
) -> Result<Option<Subscription>, EngineError> {
    let row: Option<Row> = on_pool!(store, pool => {
        sqlx::query_as(select!("WHERE s.project_id = $1 AND s.name_key = $2 AND s.name = $2"))
            .bind(project.0)
            .bind(storable(name))
            .fetch_optional(pool)
            .await?
    });
    Ok(row.map(Subscription::from))
}

/// The project's subscription with the short integer id `number`.
pub async fn numbered(
    store: &Store,
    project: ProjectId,
    number: i64,
) -> Result<Option<Subscription>, EngineError> {
    let row: Option<Row> = on_pool!(store, pool => {
        sqlx::query_as(select!("WHERE s.project_id = $1 AND n.number = $2"))
            .bind(project.0)
            .bind(number)
            .fetch_optional(pool)
            .await?
    });
    Ok(row.map(Subscription::from))
}

/// A subscription as a change starts from: with its header values in clear and the revision it
/// was read at (see [`update`]).
pub struct Editable {
    pub subscription: Subscription,
    pub clear_headers: Vec<Header>,
    pub revision: i32,
}

pub async fn editable(
    store: &Store,
    project: ProjectId,
    id: SubscriptionId,
) -> Result<Option<Editable>, EngineError> {
    #[derive(sqlx::FromRow)]
    struct WithRevision {
        revision: i32,
        #[sqlx(flatten)]
        row: Row,
    }
    let found: Option<WithRevision> = on_pool!(store, pool => {
        sqlx::query_as(select!("s.revision, ", "WHERE s.project_id = $1 AND s.id = $2"))
            .bind(project.0)
            .bind(id.0)
            .fetch_optional(pool)
            .await?
    });
    Ok(found.map(|found| Editable {
        clear_headers: found.row.headers.0.clone(),
        revision: found.revision,
        subscription: Subscription::from(found.row),
    }))
}

/// A subscription with its secrets.
#[derive(sqlx::FromRow)]
struct WithSecrets {
    secret: String,
    previous_secrets: Json<Vec<Retired>>,
    #[sqlx(flatten)]
    row: Row,
}

/// Every subscription of the project with its signing secrets and header values in clear, in
/// id order: what the roster keeps in memory.
pub async fn with_secrets_of_project(
    store: &Store,
    project: ProjectId,
) -> Result<Vec<(Subscription, Keyring, Vec<Header>)>, EngineError> {
    let rows: Vec<WithSecrets> = on_pool!(store, pool => {
        sqlx::query_as(select!(
            "s.secret, s.previous_secrets, ",
            "WHERE s.project_id = $1 ORDER BY s.id"
        ))
        .bind(project.0)
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .map(|with| {
            let keyring = Keyring {
                current: with.secret,
                retired: with.previous_secrets.0,
            };
            let clear = with.row.headers.0.clone();
            (Subscription::from(with.row), keyring, clear)
        })
        .collect())
}

pub async fn insert(
    store: &Store,
    project: ProjectId,
    fields: &ValidSubscription,
    secret: &str,
    author: UserId,
) -> Result<SubscriptionId, EngineError> {
    let id = SubscriptionId::generate();
    let now = to_millis(Utc::now());
    // One transaction: the subscription and its number exist together or not at all.
    let result = on_pool!(store, pool => {
        let mut tx = pool.begin().await?;
        let inserted = bind_fields!(
            sqlx::query(
                "INSERT INTO subscriptions
                     (id, project_id, name, url, description, enabled, timeout_seconds, labels,
                      event_types, event_groups, object_type, object_name, object_version, filter,
                      headers, content_type, method, retry, include_result, channel,
                      channel_config, payload_format, rate_limit, name_key, secret, created_at,
                      updated_at, author_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                         $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $26, $27)",
            )
            .bind(id.0)
            .bind(project.0),
            fields,
            id
        )
        .bind(secret)
        .bind(now)
        .bind(author.0)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {
                sqlx::query("INSERT INTO subscription_numbers (subscription_id) VALUES ($1)")
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await
            }
            Err(error) => Err(error),
        }
    });
    conflict_if_duplicate(result, || duplicate_name(&fields.name))?;
    Ok(id)
}

/// Holds the subscription's pending deliveries when it no longer sends (disabled or failed),
/// and releases its held ones, in their order, when it does again. Part of every statement
/// that changes `enabled` or `failed`, in the same transaction.
pub(crate) const HOLD_OR_RELEASE: &str = "UPDATE deliveries
     SET status = CASE status WHEN 'held' THEN 'pending' ELSE 'held' END
     WHERE subscription_id = $1
       AND status = (SELECT CASE WHEN s.enabled AND NOT s.failed THEN 'held' ELSE 'pending' END
                     FROM subscriptions s WHERE s.id = $1)";

/// Marks the subscription failed with `reason` (its deliveries are held), unless it is already.
pub async fn mark_failed(
    store: &Store,
    id: SubscriptionId,
    reason: &str,
) -> Result<(), EngineError> {
    on_pool!(store, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query(
            "UPDATE subscriptions SET failed = TRUE, disabled_reason = $2 WHERE id = $1 AND NOT failed",
        )
        .bind(id.0)
        .bind(reason)
        .execute(&mut *tx)
        .await?;
        sqlx::query(HOLD_OR_RELEASE).bind(id.0).execute(&mut *tx).await?;
        tx.commit().await?;
    });
    Ok(())
}

/// Overwrites every field, if the subscription is still at `revision` (the one its change was
/// made from); `false` when it is not (someone changed or deleted it meanwhile: read it again).
/// Re-enabling a subscription also clears its failed state, which is how an operator says "the
/// endpoint is fixed". Deliveries are held or released to follow.
pub async fn update(
    store: &Store,
    project: ProjectId,
    id: SubscriptionId,
    revision: i32,
    fields: &ValidSubscription,
    reactivate: bool,
) -> Result<bool, EngineError> {
    let result = on_pool!(store, pool => {
        let mut tx = pool.begin().await?;
        let updated = bind_fields!(
            sqlx::query(
                "UPDATE subscriptions
                 SET name = $3, url = $4, description = $5, enabled = $6, timeout_seconds = $7,
                     labels = $8, event_types = $9, event_groups = $10, object_type = $11,
                     object_name = $12, object_version = $13, filter = $14, headers = $15,
                     content_type = $16, method = $17, retry = $18, include_result = $19,
                     channel = $20, channel_config = $21, payload_format = $22, rate_limit = $23,
                     name_key = $24, updated_at = $25,
                     failed = CASE WHEN $26 THEN FALSE ELSE failed END,
                     failing_since = CASE WHEN $26 THEN NULL ELSE failing_since END,
                     disabled_reason = CASE WHEN $26 THEN NULL ELSE disabled_reason END,
                     revision = revision + 1
                 WHERE project_id = $1 AND id = $2 AND revision = $27",
            )
            .bind(project.0)
            .bind(id.0),
            fields,
            id
        )
        .bind(to_millis(Utc::now()))
        .bind(reactivate)
        .bind(revision)
        .execute(&mut *tx)
        .await
        .map(|done| done.rows_affected());
        match updated {
            Ok(rows) => {
                sqlx::query(HOLD_OR_RELEASE).bind(id.0).execute(&mut *tx).await?;
                tx.commit().await.map(|()| rows)
            }
            Err(error) => Err(error),
        }
    });
    Ok(conflict_if_duplicate(result, || duplicate_name(&fields.name))? > 0)
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

/// The subscription's signing secrets and the revision they were read at.
pub async fn keyring(
    store: &Store,
    project: ProjectId,
    id: SubscriptionId,
) -> Result<Option<(Keyring, i32)>, EngineError> {
    type Columns = (String, Json<Vec<Retired>>, i32);
    let row: Option<Columns> = on_pool!(store, pool => {
        sqlx::query_as(
            "SELECT secret, previous_secrets, revision FROM subscriptions
             WHERE project_id = $1 AND id = $2",
        )
        .bind(project.0)
        .bind(id.0)
        .fetch_optional(pool)
        .await?
    });
    Ok(row.map(|(current, retired, revision)| {
        (
            Keyring {
                current,
                retired: retired.0,
            },
            revision,
        )
    }))
}

/// Stores `keyring` if the subscription is still at `revision`; `false` when someone changed it
/// meanwhile (read it again and retry).
pub async fn set_keyring(
    store: &Store,
    id: SubscriptionId,
    keyring: &Keyring,
    revision: i32,
) -> Result<bool, EngineError> {
    let changed = on_pool!(store, pool => {
        sqlx::query(
            "UPDATE subscriptions SET secret = $3, previous_secrets = $4, revision = revision + 1
             WHERE id = $1 AND revision = $2",
        )
        .bind(id.0)
        .bind(revision)
        .bind(&keyring.current)
        .bind(Json(&keyring.retired))
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(changed > 0)
}
