//! Endpoint probe rows (`endpoint_tests`): test deliveries sent on demand, and their results.

use uuid::Uuid;

use super::{from_millis, on_pool, storable, Store};
use crate::{
    ids::{ProjectId, TestId},
    probe::{EndpointTest, TestStatus},
    EngineError,
};

pub async fn insert(
    store: &Store,
    project: ProjectId,
    id: TestId,
    at: i64,
) -> Result<(), EngineError> {
    on_pool!(store, pool => {
        sqlx::query("INSERT INTO endpoint_tests (id, project_id, status, created_at) VALUES ($1, $2, 'pending', $3)")
            .bind(id.0)
            .bind(project.0)
            .bind(at)
            .execute(pool)
            .await
            .map(|_| ())
    })?;
    Ok(())
}

pub async fn finish(
    store: &Store,
    id: TestId,
    status: TestStatus,
    response_status: Option<u16>,
    response_body: Option<&str>,
    error: Option<&str>,
    at: i64,
) -> Result<(), EngineError> {
    on_pool!(store, pool => {
        sqlx::query(
            "UPDATE endpoint_tests SET status = $2, response_status = $3, error_message = $4, completed_at = $5,
                 response_body = $6
             WHERE id = $1",
        )
        .bind(id.0)
        .bind(status.as_str())
        .bind(response_status.map(i32::from))
        .bind(error.map(storable))
        .bind(at)
        .bind(response_body.map(storable))
        .execute(pool)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

type Row = (
    Uuid,
    String,
    Option<i32>,
    Option<String>,
    Option<String>,
    i64,
    Option<i64>,
);

pub async fn get(
    store: &Store,
    project: ProjectId,
    id: TestId,
) -> Result<Option<EndpointTest>, EngineError> {
    let row: Option<Row> = on_pool!(store, pool => {
        sqlx::query_as(
            "SELECT id, status, response_status, response_body, error_message, created_at, completed_at
             FROM endpoint_tests WHERE project_id = $1 AND id = $2",
        )
        .bind(project.0)
        .bind(id.0)
        .fetch_optional(pool)
        .await?
    });
    Ok(row.map(
        |(id, status, response_status, response_body, error_message, created_at, completed_at)| {
            EndpointTest {
                id: TestId(id),
                status: TestStatus::parse(&status),
                response_status: response_status.and_then(|s| u16::try_from(s).ok()),
                response_body,
                error_message,
                created_at: from_millis(created_at),
                completed_at: completed_at.map(from_millis),
                secret: None,
            }
        },
    ))
}
