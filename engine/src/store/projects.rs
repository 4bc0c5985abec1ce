//! Project rows: the unit of tenancy. Deleting one deletes everything in it (foreign keys cascade).

use chrono::Utc;
use uuid::Uuid;

use super::{conflict_if_duplicate, from_millis, on_pool, storable, to_millis, Store};
use crate::{
    account::{Project, ProjectIn},
    ids::ProjectId,
    EngineError,
};

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    description: String,
    strict_events: bool,
    created_at: i64,
}

impl From<Row> for Project {
    fn from(row: Row) -> Self {
        Project {
            id: ProjectId(row.id),
            name: row.name,
            description: row.description,
            strict: row.strict_events,
            created_at: from_millis(row.created_at),
        }
    }
}

/// The id of the project called `name`, if there is one.
pub async fn id_by_name(store: &Store, name: &str) -> Result<Option<ProjectId>, EngineError> {
    let id: Option<Uuid> = on_pool!(store, pool => {
        sqlx::query_scalar("SELECT id FROM projects WHERE name = $1")
            .bind(storable(name))
            .fetch_optional(pool)
            .await?
    });
    Ok(id.map(ProjectId))
}

pub async fn name_of(store: &Store, id: ProjectId) -> Result<Option<String>, EngineError> {
    Ok(on_pool!(store, pool => {
        sqlx::query_scalar("SELECT name FROM projects WHERE id = $1")
            .bind(id.0)
            .fetch_optional(pool)
            .await?
    }))
}

pub async fn by_name(store: &Store, name: &str) -> Result<Option<Project>, EngineError> {
    let row: Option<Row> = on_pool!(store, pool => {
        sqlx::query_as("SELECT id, name, description, strict_events, created_at FROM projects WHERE name = $1")
            .bind(storable(name))
            .fetch_optional(pool)
            .await?
    });
    Ok(row.map(Project::from))
}

/// Projects in name order after `after`; only `only` when the caller is limited to one.
pub async fn list(
    store: &Store,
    only: Option<ProjectId>,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<Project>, EngineError> {
    let rows: Vec<Row> = on_pool!(store, pool => {
        sqlx::query_as(
            "SELECT id, name, description, strict_events, created_at FROM projects
             WHERE ($1 IS NULL OR id = $1) AND ($2 IS NULL OR name > $2)
             ORDER BY name LIMIT $3",
        )
        .bind(only.map(|p| p.0))
        .bind(after.map(storable))
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?
    });
    Ok(rows.into_iter().map(Project::from).collect())
}

/// Stores a validated project; a taken name is a `Conflict`.
pub async fn insert(store: &Store, input: &ProjectIn) -> Result<Project, EngineError> {
    let result = on_pool!(store, pool => {
        sqlx::query("INSERT INTO projects (id, name, description, created_at) VALUES ($1, $2, $3, $4)")
            .bind(ProjectId::generate().0)
            .bind(&input.name)
            .bind(&input.description)
            .bind(to_millis(Utc::now()))
            .execute(pool)
            .await
            .map(|_| ())
    });
    conflict_if_duplicate(result, || {
        format!("a project named {:?} already exists", input.name)
    })?;
    by_name(store, &input.name)
        .await?
        .ok_or(EngineError::NotFound("project"))
}

pub async fn set_description(
    store: &Store,
    id: ProjectId,
    description: &str,
) -> Result<(), EngineError> {
    on_pool!(store, pool => {
        sqlx::query("UPDATE projects SET description = $2 WHERE id = $1")
            .bind(id.0)
            .bind(description)
            .execute(pool)
            .await?;
    });
    Ok(())
}

/// Whether the project refuses events its catalogue does not accept (see `catalogue`).
pub async fn set_strict(store: &Store, id: ProjectId, strict: bool) -> Result<(), EngineError> {
    on_pool!(store, pool => {
        sqlx::query("UPDATE projects SET strict_events = $2 WHERE id = $1")
            .bind(id.0)
            .bind(strict)
            .execute(pool)
            .await?;
    });
    Ok(())
}

pub async fn delete(store: &Store, id: ProjectId) -> Result<(), EngineError> {
    on_pool!(store, pool => {
        sqlx::query("DELETE FROM projects WHERE id = $1")
            .bind(id.0)
            .execute(pool)
            .await?;
    });
    Ok(())
}

/// Creates the project `name` unless it exists; returns its id either way.
pub async fn ensure(store: &Store, name: &str) -> Result<ProjectId, EngineError> {
    on_pool!(store, pool => {
        sqlx::query(
            "INSERT INTO projects (id, name, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(ProjectId::generate().0)
        .bind(name)
        .bind(to_millis(Utc::now()))
        .execute(pool)
        .await
        .map(|_| ())
    })?;
    id_by_name(store, name)
        .await?
        .ok_or_else(|| EngineError::internal(format!("project {name:?} vanished after insert")))
}
