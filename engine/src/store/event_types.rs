//! Event type rows: the SQL behind a project's event catalogue, and the one read that loads a
//! project's whole catalogue (its strict flag and every type's schema) for ingest's cache.

use chrono::Utc;
use serde_json::Value;
use sqlx::types::Json;

use super::{conflict_if_duplicate, from_millis, on_pool, storable, to_millis, Store};
use crate::{
    catalogue::{EventTypeIn, EventTypeOut},
    ids::ProjectId,
    EngineError,
};

const SELECT: &str = "SELECT name, description, group_name, schema, example, deprecated,
                             created_at, updated_at
                      FROM event_types ";

#[derive(sqlx::FromRow)]
struct Row {
    name: String,
    description: String,
    group_name: Option<String>,
    schema: Option<Json<Value>>,
    example: Option<Json<Value>>,
    deprecated: bool,
    created_at: i64,
    updated_at: i64,
}

impl From<Row> for EventTypeOut {
    fn from(row: Row) -> Self {
        EventTypeOut {
            name: row.name,
            description: row.description,
            group: row.group_name,
            schema: row.schema.map(|s| s.0),
            example: row.example.map(|e| e.0),
            deprecated: row.deprecated,
            created_at: from_millis(row.created_at),
            updated_at: from_millis(row.updated_at),
        }
    }
}

/// The project's types in name order, after `after`.
pub async fn list(
    store: &Store,
    project: ProjectId,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<EventTypeOut>, EngineError> {
    let sql = format!(
        "{SELECT} WHERE project_id = $1 AND ($2 IS NULL OR name > $2) ORDER BY name LIMIT $3"
    );
    let rows: Vec<Row> = on_pool!(store, pool => {
        sqlx::query_as(&sql)
            .bind(project.0)
            .bind(after.map(storable))
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
    });
    Ok(rows.into_iter().map(EventTypeOut::from).collect())
}

pub async fn get(
    store: &Store,
    project: ProjectId,
    name: &str,
) -> Result<Option<EventTypeOut>, EngineError> {
    let sql = format!("{SELECT} WHERE project_id = $1 AND name = $2");
    let row: Option<Row> = on_pool!(store, pool => {
        sqlx::query_as(&sql)
            .bind(project.0)
            .bind(storable(name))
            .fetch_optional(pool)
            .await?
    });
    Ok(row.map(EventTypeOut::from))
}

/// Stores a validated type; a name the project already declares is a `Conflict`.
pub async fn insert(
    store: &Store,
    project: ProjectId,
    input: &EventTypeIn,
) -> Result<(), EngineError> {
    let now = to_millis(Utc::now());
    let result = on_pool!(store, pool => {
        sqlx::query(
            "INSERT INTO event_types (project_id, name, description, group_name, schema, example,
                                      deprecated, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(project.0)
        .bind(&input.name)
        .bind(&input.description)
        .bind(&input.group)
        .bind(input.schema.as_ref().map(Json))
        .bind(input.example.as_ref().map(Json))
        .bind(input.deprecated)
        .bind(now)
        .execute(pool)
        .await
        .map(drop)
    });
    conflict_if_duplicate(result, || {
        format!(
            "the project already declares the event type {:?}",
            input.name
        )
    })
}

/// Replaces a validated type's fields; `false` when the project has no type of that name.
pub async fn update(
    store: &Store,
    project: ProjectId,
    input: &EventTypeIn,
) -> Result<bool, EngineError> {
    let done = on_pool!(store, pool => {
        sqlx::query(
            "UPDATE event_types SET description = $3, group_name = $4, schema = $5, example = $6,
                                    deprecated = $7, updated_at = $8
             WHERE project_id = $1 AND name = $2",
        )
        .bind(project.0)
        .bind(&input.name)
        .bind(&input.description)
        .bind(&input.group)
        .bind(input.schema.as_ref().map(Json))
        .bind(input.example.as_ref().map(Json))
        .bind(input.deprecated)
        .bind(to_millis(Utc::now()))
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(done > 0)
}

/// `false` when the project has no type of that name.
pub async fn delete(store: &Store, project: ProjectId, name: &str) -> Result<bool, EngineError> {
    let done = on_pool!(store, pool => {
        sqlx::query("DELETE FROM event_types WHERE project_id = $1 AND name = $2")
            .bind(project.0)
            .bind(storable(name))
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(done > 0)
}

/// A project's catalogue as ingest needs it, in one round trip.
#[derive(Debug, Default)]
pub struct Catalogue {
    pub strict: bool,
    /// Every type's name with its schema (none: any data).
    pub types: Vec<(String, Option<Value>)>,
}

/// The project's strict flag and every type's schema; `None` when the project does not exist.
pub async fn catalogue(
    store: &Store,
    project: ProjectId,
) -> Result<Option<Catalogue>, EngineError> {
    type Joined = (bool, Option<String>, Option<Json<Value>>);
    let rows: Vec<Joined> = on_pool!(store, pool => {
        sqlx::query_as(
            "SELECT p.strict_events, t.name, t.schema
             FROM projects p LEFT JOIN event_types t ON t.project_id = p.id
             WHERE p.id = $1",
        )
        .bind(project.0)
        .fetch_all(pool)
        .await?
    });
    let Some((strict, ..)) = rows.first() else {
        return Ok(None);
    };
    Ok(Some(Catalogue {
        strict: *strict,
        types: rows
            .into_iter()
            .filter_map(|(_, name, schema)| Some((name?, schema.map(|s| s.0))))
            .collect(),
    }))
}
