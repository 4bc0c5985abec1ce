//! Object and inbound-handler rows.

use chrono::Utc;
use uuid::Uuid;

use super::{conflict_if_duplicate, from_millis, on_pool, storable, to_millis, Store};
use crate::{
    ids::{HandlerId, ObjectId, ProjectId},
    inbound::{Handler, ObjectIn, ProjectObject, ValidHandler},
    EngineError,
};

#[derive(sqlx::FromRow)]
struct ObjectRow {
    id: Uuid,
    project: String,
    object_type: String,
    name: String,
    created_at: i64,
}

impl From<ObjectRow> for ProjectObject {
    fn from(row: ObjectRow) -> Self {
        ProjectObject {
            id: ObjectId(row.id),
            project: row.project,
            object_type: row.object_type,
            name: row.name,
            created_at: from_millis(row.created_at),
        }
    }
}

const OBJECT_SELECT: &str = "SELECT o.id, p.name AS project, o.object_type, o.name, o.created_at
    FROM objects o JOIN projects p ON p.id = o.project_id";

pub async fn insert_object(
    store: &Store,
    project: ProjectId,
    input: &ObjectIn,
) -> Result<ObjectId, EngineError> {
    let id = ObjectId::generate();
    let result = on_pool!(store, pool => {
        sqlx::query(
            "INSERT INTO objects (id, project_id, object_type, name, created_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id.0)
        .bind(project.0)
        .bind(&input.object_type)
        .bind(&input.name)
        .bind(to_millis(Utc::now()))
        .execute(pool)
        .await
        .map(|_| ())
    });
    conflict_if_duplicate(result, || {
        format!(
            "a {} named {:?} already exists",
            input.object_type, input.name
        )
    })?;
    Ok(id)
}

/// The object `id` in the project (or in any project when `project` is `None`).
pub async fn object(
    store: &Store,
    project: Option<ProjectId>,
    id: ObjectId,
) -> Result<Option<ProjectObject>, EngineError> {
    let sql = format!("{OBJECT_SELECT} WHERE o.id = $1 AND ($2 IS NULL OR o.project_id = $2)");
    let row: Option<ObjectRow> = on_pool!(store, pool => {
        sqlx::query_as(&sql)
            .bind(id.0)
            .bind(project.map(|p| p.0))
            .fetch_optional(pool)
            .await?
    });
    Ok(row.map(ProjectObject::from))
}

/// The project's objects (of one type, if given) after the object `after`, oldest first.
pub async fn objects(
    store: &Store,
    project: ProjectId,
    object_type: Option<&str>,
    after: Option<ObjectId>,
    limit: u32,
) -> Result<Vec<ProjectObject>, EngineError> {
    let sql = format!(
        "{OBJECT_SELECT} WHERE o.project_id = $1 AND ($2 IS NULL OR o.object_type = $2)
           AND ($3 IS NULL OR o.id > $3) ORDER BY o.id LIMIT $4"
    );
    let rows: Vec<ObjectRow> = on_pool!(store, pool => {
        sqlx::query_as(&sql)
            .bind(project.0)
            .bind(object_type.map(storable))
            .bind(after.map(|o| o.0))
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
    });
    Ok(rows.into_iter().map(ProjectObject::from).collect())
}

pub async fn delete_object(
    store: &Store,
    project: ProjectId,
    id: ObjectId,
) -> Result<bool, EngineError> {
    let deleted = on_pool!(store, pool => {
        sqlx::query("DELETE FROM objects WHERE id = $1 AND project_id = $2")
            .bind(id.0)
            .bind(project.0)
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(deleted == 1)
}

#[derive(sqlx::FromRow)]
struct HandlerRow {
    id: Uuid,
    object_id: Uuid,
    name: String,
    operation: String,
    call_count: i64,
    last_called_at: Option<i64>,
    created_at: i64,
}

impl From<HandlerRow> for Handler {
    fn from(row: HandlerRow) -> Self {
        Handler {
            id: HandlerId(row.id),
            object_id: ObjectId(row.object_id),
            name: row.name,
            operation: row.operation,
            call_count: row.call_count,
            last_called_at: row.last_called_at.map(from_millis),
            created_at: from_millis(row.created_at),
        }
    }
}

const HANDLER_SELECT: &str =
    "SELECT id, object_id, name, operation, call_count, last_called_at, created_at
     FROM inbound_handlers";

/// Stores the handlers in one transaction (all or none); returns them as stored, in order.
pub async fn insert_handlers(
    store: &Store,
    object: ObjectId,
    handlers: &[ValidHandler],
) -> Result<Vec<Handler>, EngineError> {
    // Random, not time-ordered: the id is the secret part of the call URL.
    let ids: Vec<HandlerId> = handlers.iter().map(|_| HandlerId(Uuid::new_v4())).collect();
    let now = to_millis(Utc::now());
    on_pool!(store, pool => {
        let mut tx = pool.begin().await?;
        for (id, handler) in ids.iter().zip(handlers) {
            sqlx::query(
                "INSERT INTO inbound_handlers (id, object_id, name, operation, created_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id.0)
            .bind(object.0)
            .bind(&handler.name)
            .bind(&handler.operation)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
    });
    Ok(ids
        .into_iter()
        .zip(handlers)
        .map(|(id, handler)| Handler {
            id,
            object_id: object,
            name: handler.name.clone(),
            operation: handler.operation.clone(),
            call_count: 0,
            last_called_at: None,
            created_at: from_millis(now),
        })
        .collect())
}

/// An object's handlers, those with `name` if given, those with ids in `ids` (inclusive) if given.
pub struct HandlerSelection<'a> {
    pub object: ObjectId,
    pub name: Option<&'a str>,
    pub ids: Option<(Uuid, Uuid)>,
}

/// The handlers a [`HandlerSelection`] binds as `$1` … `$4`.
const SELECTED_HANDLERS: &str = "WHERE object_id = $1 AND ($2 IS NULL OR name = $2)
      AND ($3 IS NULL OR id BETWEEN $3 AND $4)";

/// One page of the selected handlers, oldest first, and how many there are in all.
pub async fn handlers(
    store: &Store,
    selection: &HandlerSelection<'_>,
    offset: u32,
    limit: u32,
) -> Result<(Vec<Handler>, i64), EngineError> {
    let page_sql =
        format!("{HANDLER_SELECT} {SELECTED_HANDLERS} ORDER BY created_at, id LIMIT $5 OFFSET $6");
    let count_sql = format!("SELECT COUNT(*) FROM inbound_handlers {SELECTED_HANDLERS}");
    let (first, last) = (selection.ids.map(|r| r.0), selection.ids.map(|r| r.1));
    let name = selection.name.map(storable);
    let (rows, total): (Vec<HandlerRow>, i64) = on_pool!(store, pool => {
        let rows = sqlx::query_as(&page_sql)
            .bind(selection.object.0)
            .bind(name.as_deref())
            .bind(first)
            .bind(last)
            .bind(i64::from(limit))
            .bind(i64::from(offset))
            .fetch_all(pool)
            .await?;
        let total = sqlx::query_scalar(&count_sql)
            .bind(selection.object.0)
            .bind(name.as_deref())
            .bind(first)
            .bind(last)
            .fetch_one(pool)
            .await?;
        (rows, total)
    });
    Ok((rows.into_iter().map(Handler::from).collect(), total))
}

pub async fn handler(
    store: &Store,
    object: ObjectId,
    id: HandlerId,
) -> Result<Option<Handler>, EngineError> {
    let sql = format!("{HANDLER_SELECT} WHERE id = $1 AND object_id = $2");
    let row: Option<HandlerRow> = on_pool!(store, pool => {
        sqlx::query_as(&sql)
            .bind(id.0)
            .bind(object.0)
            .fetch_optional(pool)
            .await?
    });
    Ok(row.map(Handler::from))
}

pub async fn delete_handler(
    store: &Store,
    object: ObjectId,
    id: HandlerId,
) -> Result<bool, EngineError> {
    let deleted = on_pool!(store, pool => {
        sqlx::query("DELETE FROM inbound_handlers WHERE id = $1 AND object_id = $2")
            .bind(id.0)
            .bind(object.0)
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(deleted == 1)
}

/// Counts a call of the handler; `None` when there is no such handler on that object.
pub async fn record_call(
    store: &Store,
    object: ObjectId,
    id: HandlerId,
) -> Result<Option<Handler>, EngineError> {
    let sql = "UPDATE inbound_handlers SET call_count = call_count + 1, last_called_at = $3
         WHERE id = $1 AND object_id = $2
         RETURNING id, object_id, name, operation, call_count, last_called_at, created_at";
    let row: Option<HandlerRow> = on_pool!(store, pool => {
        sqlx::query_as(sql)
            .bind(id.0)
            .bind(object.0)
            .bind(to_millis(Utc::now()))
            .fetch_optional(pool)
            .await?
    });
    Ok(row.map(Handler::from))
}
