//! `/projects/{project}/event-types`: the project's event catalogue — declare, list, read, change
//! and remove event types. Whether ingest enforces it is the project's `strict` flag (`PATCH
//! /projects/{project}`).

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::IntoResponse,
};
use engine::{
    catalogue::{EventTypeIn, EventTypeOut, EventTypePatch},
    page::{PageRequest, Paged},
    Engine,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    auth::Authenticated,
    error::ApiError,
    extract::{ApiJson, ApiPath, ApiQuery, StrictJson},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(read, update, remove))
}

/// List event types
///
/// The project's catalogue, in name order.
#[utoipa::path(get, path = "/projects/{project}/event-types", tag = "event-types",
    params(("project" = String, Path, description = "Project name"), PageRequest),
    responses((status = 200, body = Paged<EventTypeOut>)))]
async fn list(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(project): ApiPath<String>,
    ApiQuery(page): ApiQuery<PageRequest>,
) -> Result<ApiJson<Paged<EventTypeOut>>, ApiError> {
    Ok(ApiJson(
        engine.list_event_types(&caller, &project, page).await?,
    ))
}

/// Declare an event type
///
/// The schema must be a JSON Schema (draft 2020-12) whose references stay within the document,
/// at most 64 KiB; the example, if given, must pass it. Answers 201 with the type and its
/// `Location`.
#[utoipa::path(post, path = "/projects/{project}/event-types", tag = "event-types",
    params(("project" = String, Path, description = "Project name")),
    request_body = EventTypeIn,
    responses((status = 201, body = EventTypeOut), (status = 409, body = engine::ErrorBody)))]
async fn create(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(project): ApiPath<String>,
    StrictJson(input): StrictJson<EventTypeIn>,
) -> Result<impl IntoResponse, ApiError> {
    let created = engine.create_event_type(&caller, &project, input).await?;
    let location = format!("/api/v1/projects/{project}/event-types/{}", created.name);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        ApiJson(created),
    ))
}

/// Read an event type
#[utoipa::path(get, path = "/projects/{project}/event-types/{name}", tag = "event-types",
    params(("project" = String, Path, description = "Project name"), ("name" = String, Path, description = "Event type")),
    responses((status = 200, body = EventTypeOut)))]
async fn read(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, name)): ApiPath<(String, String)>,
) -> Result<ApiJson<EventTypeOut>, ApiError> {
    Ok(ApiJson(
        engine.get_event_type(&caller, &project, &name).await?,
    ))
}

/// Update an event type
///
/// A JSON merge patch: only the fields present change, and a field sent as `null` goes back to
/// its default. The result is checked as a whole: a stored example must pass a new schema.
#[utoipa::path(patch, path = "/projects/{project}/event-types/{name}", tag = "event-types",
    params(("project" = String, Path, description = "Project name"), ("name" = String, Path, description = "Event type")),
    request_body = EventTypePatch,
    responses((status = 200, body = EventTypeOut)))]
async fn update(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, name)): ApiPath<(String, String)>,
    StrictJson(patch): StrictJson<EventTypePatch>,
) -> Result<ApiJson<EventTypeOut>, ApiError> {
    Ok(ApiJson(
        engine
            .update_event_type(&caller, &project, &name, patch)
            .await?,
    ))
}

/// Delete an event type
///
/// Events already stored keep their type; in a strict project new ones of it are refused.
#[utoipa::path(delete, path = "/projects/{project}/event-types/{name}", tag = "event-types",
    params(("project" = String, Path, description = "Project name"), ("name" = String, Path, description = "Event type")),
    responses((status = 204, description = "Deleted")))]
async fn remove(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, name)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    engine.delete_event_type(&caller, &project, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}
