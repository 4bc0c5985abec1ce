//! `/projects/{project}/events`: ingest (one or a batch), list and read events.

use axum::{
    extract::State,
    http::StatusCode,
    routing::{get, post},
    Router,
};
use engine::{
    event::{Event, EventIn},
    ids::{EventId, SubscriptionId},
    page::Paged,
    service::{EventFilter, Ingested},
    Engine,
};
use serde::Deserialize;

use crate::{
    error::ApiError,
    extract::{ApiJson, ApiPath, ApiQuery},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/projects/{project}/events", get(list).post(ingest_one))
        .route("/projects/{project}/events/batch", post(ingest_batch))
        .route("/projects/{project}/events/{id}", get(read))
        .route("/projects/{project}/events/{id}/replay", post(replay))
}

/// 201 for a new event, 200 when its idempotency key returned the first one.
async fn ingest_one(
    State(engine): State<Engine>,
    ApiPath(project): ApiPath<String>,
    ApiJson(input): ApiJson<EventIn>,
) -> Result<(StatusCode, ApiJson<Ingested>), ApiError> {
    let ingested = engine.ingest_event(&project, input).await?;
    let status = if ingested.repeated {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, ApiJson(ingested)))
}

#[derive(Deserialize)]
struct Batch {
    events: Vec<EventIn>,
}

async fn ingest_batch(
    State(engine): State<Engine>,
    ApiPath(project): ApiPath<String>,
    ApiJson(batch): ApiJson<Batch>,
) -> Result<(StatusCode, ApiJson<Vec<Ingested>>), ApiError> {
    let results = engine.ingest_events(&project, batch.events).await?;
    Ok((StatusCode::CREATED, ApiJson(results)))
}

async fn list(
    State(engine): State<Engine>,
    ApiPath(project): ApiPath<String>,
    ApiQuery(filter): ApiQuery<EventFilter>,
) -> Result<ApiJson<Paged<Event>>, ApiError> {
    Ok(ApiJson(engine.list_events(&project, filter).await?))
}

async fn read(
    State(engine): State<Engine>,
    ApiPath((project, id)): ApiPath<(String, EventId)>,
) -> Result<ApiJson<Event>, ApiError> {
    Ok(ApiJson(engine.get_event(&project, id).await?))
}

#[derive(Deserialize)]
struct ReplayIn {
    /// Only to this subscription; otherwise to every subscription the event matches now.
    subscription_id: Option<SubscriptionId>,
}

#[derive(serde::Serialize)]
struct Queued {
    queued: usize,
}

async fn replay(
    State(engine): State<Engine>,
    ApiPath((project, id)): ApiPath<(String, EventId)>,
    ApiJson(input): ApiJson<ReplayIn>,
) -> Result<(StatusCode, ApiJson<Queued>), ApiError> {
    let queued = engine
        .replay_event(&project, id, input.subscription_id)
        .await?;
    Ok((StatusCode::ACCEPTED, ApiJson(Queued { queued })))
}
