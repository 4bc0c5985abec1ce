//! Project rows: looking a project up by name, and making sure one exists.

use chrono::Utc;
use uuid::Uuid;

use super::{on_pool, to_millis, Store};
use crate::{ids::ProjectId, EngineError};

/// The id of the project called `name`, if there is one.
pub async fn id_by_name(store: &Store, name: &str) -> Result<Option<ProjectId>, EngineError> {
    let id: Option<Uuid> = on_pool!(store, pool => {
        sqlx::query_scalar("SELECT id FROM projects WHERE name = $1")
            .bind(name)
            .fetch_optional(pool)
            .await?
    });
    Ok(id.map(ProjectId))
}

/// Creates the project `name` unless it exists; returns its id either way.
pub async fn ensure(store: &Store, name: &str) -> Result<ProjectId, EngineError> {
    let new_id = ProjectId::generate();
    on_pool!(store, pool => {
        sqlx::query(
            "INSERT INTO projects (id, name, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(new_id.0)
        .bind(name)
        .bind(to_millis(Utc::now()))
        .execute(pool)
        .await
        .map(|_| ())
    })?;
    id_by_name(store, name)
        .await?
        .ok_or_else(|| EngineError::Internal(format!("project {name:?} vanished after insert")))
}
