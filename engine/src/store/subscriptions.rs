//! Subscription rows: the SQL behind creating, reading, listing, updating and deleting them.

use chrono::Utc;
use sqlx::types::Json;
use uuid::Uuid;

use super::{conflict_if_duplicate, from_millis, on_pool, storable, to_millis, Store};
use crate::{
    ids::{ProjectId, SubscriptionId, UserId},
    signing::{Keyring, Retired},
    subscription::{Author, Header, Naming, Subscription, SubscriptionSpec, ValidSubscription},
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
            "s.id, p.name AS project, s.spec, s.failed, s.failing_since, s.disabled_reason,
                    s.last_delivery_at,
                    s.created_at, s.updated_at, u.id AS author_id, u.username AS author_username,
                    u.full_name AS author_full_name, u.email AS author_email, n.number,
                    s.name_key = s.name AS unique_name
             FROM subscriptions s JOIN projects p ON p.id = s.project_id
                  JOIN subscription_numbers n ON n.subscription_id = s.id
                  LEFT JOIN users u ON u.id = s.author_id ",
            $tail
        )
    };
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    project: String,
    /// What the caller set, as one document; `name` and `enabled` are also columns of their
    /// own, written with it, because queries select and hold deliveries by them.
    spec: Json<SubscriptionSpec>,
    failed: bool,
    failing_since: Option<i64>,
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
        let mut spec = row.spec.0;
        spec.headers = spec.headers.iter().map(Header::redacted).collect();
        Subscription {
            id: SubscriptionId(row.id),
            project: row.project,
            spec,
            failed: row.failed,
            failing_since: row.failing_since.map(from_millis),
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
fn name_key(name: &str, naming: Naming, id: SubscriptionId) -> String {
    match naming {
        Naming::Unique => name.to_owned(),
        Naming::Shared => format!("\u{1}{id}"),
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

/// A subscription as a change starts from: its spec with header values in clear and the
/// revision it was read at (see [`update`]).
pub struct Editable {
    pub spec: SubscriptionSpec,
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
        spec: found.row.spec.0,
        revision: found.revision,
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

/// Every subscription of the project with its signing secrets and its spec in clear, in id
/// order: what the roster keeps in memory.
pub async fn with_secrets_of_project(
    store: &Store,
    project: ProjectId,
) -> Result<Vec<(Subscription, Keyring, SubscriptionSpec)>, EngineError> {
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
            let clear = with.row.spec.0.clone();
            (Subscription::from(with.row), keyring, clear)
        })
        .collect())
}

pub async fn insert(
    store: &Store,
    project: ProjectId,
    fields: &ValidSubscription,
    naming: Naming,
    secret: &str,
    author: UserId,
) -> Result<SubscriptionId, EngineError> {
    let id = SubscriptionId::generate();
    let now = to_millis(Utc::now());
    // One transaction: the subscription and its number exist together or not at all.
    let result = on_pool!(store, pool => {
        let mut tx = pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO subscriptions
                 (id, project_id, name, enabled, spec, name_key, secret, created_at, updated_at,
                  author_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)",
        )
        .bind(id.0)
        .bind(project.0)
        .bind(&fields.name)
        .bind(fields.enabled)
        .bind(Json(&**fields))
        .bind(name_key(&fields.name, naming, id))
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
        // A unique name moves its key along; a shared one keeps its own.
        let updated = sqlx::query(
            "UPDATE subscriptions
             SET name_key = CASE WHEN name_key = name THEN $3 ELSE name_key END,
                 name = $3, enabled = $4, spec = $5, updated_at = $6,
                 failed = CASE WHEN $7 THEN FALSE ELSE failed END,
                 failing_since = CASE WHEN $7 THEN NULL ELSE failing_since END,
                 disabled_reason = CASE WHEN $7 THEN NULL ELSE disabled_reason END,
                 revision = revision + 1
             WHERE project_id = $1 AND id = $2 AND revision = $8",
        )
        .bind(project.0)
        .bind(id.0)
        .bind(&fields.name)
        .bind(fields.enabled)
        .bind(Json(&**fields))
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
