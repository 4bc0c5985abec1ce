//! `/projects/{project}/events`: ingest (one or a batch), list, read and replay events.

use axum::{extract::State, http::StatusCode};
use engine::{
    event::{Event, EventIn},
    ids::{EventId, SubscriptionId},
    page::Paged,
    service::{EventFilter, Ingested},
    Engine,
};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::Queued;
use crate::{
    auth::{Authenticated, Producer},
    error::ApiError,
    extract::{ApiJson, ApiPath, ApiQuery, StrictJson},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, ingest_one))
        .routes(routes!(ingest_batch))
        .routes(routes!(read))
        .routes(routes!(replay))
}

/// Send an event
///
/// Stored with its deliveries before the answer: 201 for a new event, 200 when its
/// `idempotency_key` was seen before (the body is then the first event).
///
/// When the project is `strict`, an event its catalogue does not accept (an undeclared type, or
/// data that fails the type's schema) is refused with 422, `fields` naming each failing path
/// (`type`, `data.amount`); otherwise it is accepted with them in `schema_errors`.
#[utoipa::path(post, path = "/projects/{project}/events", tag = "events",
    params(("project" = String, Path, description = "Project name")),
    request_body = EventIn,
    responses((status = 201, body = Ingested), (status = 200, body = Ingested, description = "A repeat")))]
async fn ingest_one(
    State(engine): State<Engine>,
    Producer(caller): Producer,
    ApiPath(project): ApiPath<String>,
    StrictJson(input): StrictJson<EventIn>,
) -> Result<(StatusCode, ApiJson<Ingested>), ApiError> {
    let ingested = engine.ingest_event(&caller, &project, input).await?;
    let status = if ingested.repeated {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, ApiJson(ingested)))
}

#[derive(Deserialize, ToSchema)]
struct Batch {
    events: Vec<EventIn>,
}

/// Send a batch of events
///
/// All or none: one invalid event rejects the batch (in a `strict` project, also one its
/// catalogue does not accept: `fields` names `events.<i>.type` or `events.<i>.data.…`).
#[utoipa::path(post, path = "/projects/{project}/events/batch", tag = "events",
    params(("project" = String, Path, description = "Project name")),
    request_body = Batch,
    responses((status = 201, body = Vec<Ingested>)))]
async fn ingest_batch(
    State(engine): State<Engine>,
    Producer(caller): Producer,
    ApiPath(project): ApiPath<String>,
    StrictJson(batch): StrictJson<Batch>,
) -> Result<(StatusCode, ApiJson<Vec<Ingested>>), ApiError> {
    let results = engine
        .ingest_events(&caller, &project, batch.events)
        .await?;
    Ok((StatusCode::CREATED, ApiJson(results)))
}

/// List events
///
/// Newest first.
#[utoipa::path(get, path = "/projects/{project}/events", tag = "events",
    params(("project" = String, Path, description = "Project name"), EventFilter, engine::page::PageRequest),
    responses((status = 200, body = Paged<Event>)))]
async fn list(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(project): ApiPath<String>,
    ApiQuery(filter): ApiQuery<EventFilter>,
) -> Result<ApiJson<Paged<Event>>, ApiError> {
    Ok(ApiJson(
        engine.list_events(&caller, &project, filter).await?,
    ))
}

/// Read an event
#[utoipa::path(get, path = "/projects/{project}/events/{id}", tag = "events",
    params(("project" = String, Path, description = "Project name"), ("id" = EventId, Path)),
    responses((status = 200, body = Event)))]
async fn read(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, id)): ApiPath<(String, EventId)>,
) -> Result<ApiJson<Event>, ApiError> {
    Ok(ApiJson(engine.get_event(&caller, &project, id).await?))
}

#[derive(Deserialize, ToSchema)]
struct ReplayIn {
    /// Only to this subscription; otherwise to every subscription the event matches now.
    subscription_id: Option<SubscriptionId>,
}

/// Replay an event
///
/// Queues one manual delivery per subscription (not retried automatically).
#[utoipa::path(post, path = "/projects/{project}/events/{id}/replay", tag = "events",
    params(("project" = String, Path, description = "Project name"), ("id" = EventId, Path)),
    request_body = ReplayIn,
    responses((status = 202, body = Queued)))]
async fn replay(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, id)): ApiPath<(String, EventId)>,
    StrictJson(input): StrictJson<ReplayIn>,
) -> Result<(StatusCode, ApiJson<Queued>), ApiError> {
    let queued = engine
        .replay_event(&caller, &project, id, input.subscription_id)
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        ApiJson(Queued {
            queued: queued as u64,
        }),
    ))
}
