//! `/projects/{project}/subscriptions`: create, list, read, update and delete subscriptions.

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::IntoResponse,
    routing::{get, post},
    Router,
};
use std::time::Duration;

use chrono::{DateTime, Utc};
use engine::{
    ids::SubscriptionId,
    page::{PageRequest, Paged},
    service::DEFAULT_ROTATION_OVERLAP,
    subscription::{Subscription, SubscriptionIn, SubscriptionPatch},
    Engine,
};

use crate::{
    error::ApiError,
    extract::{ApiJson, ApiPath, ApiQuery},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/projects/{project}/subscriptions", get(list).post(create))
        .route(
            "/projects/{project}/subscriptions/{id}",
            get(read).patch(update).delete(remove),
        )
        .route("/projects/{project}/subscriptions/{id}/secret", get(secret))
        .route(
            "/projects/{project}/subscriptions/{id}/secret/rotate",
            post(rotate_secret),
        )
        .route("/projects/{project}/subscriptions/{id}/ping", post(ping))
        .route(
            "/projects/{project}/subscriptions/{id}/recover",
            post(recover),
        )
}

async fn list(
    State(engine): State<Engine>,
    ApiPath(project): ApiPath<String>,
    ApiQuery(page): ApiQuery<PageRequest>,
) -> Result<ApiJson<Paged<Subscription>>, ApiError> {
    Ok(ApiJson(engine.list_subscriptions(&project, page).await?))
}

async fn create(
    State(engine): State<Engine>,
    ApiPath(project): ApiPath<String>,
    ApiJson(input): ApiJson<SubscriptionIn>,
) -> Result<impl IntoResponse, ApiError> {
    let created = engine.create_subscription(&project, input).await?;
    let location = format!("/api/v1/projects/{project}/subscriptions/{}", created.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        ApiJson(created),
    ))
}

async fn read(
    State(engine): State<Engine>,
    ApiPath((project, id)): ApiPath<(String, SubscriptionId)>,
) -> Result<ApiJson<Subscription>, ApiError> {
    Ok(ApiJson(engine.get_subscription(&project, id).await?))
}

async fn update(
    State(engine): State<Engine>,
    ApiPath((project, id)): ApiPath<(String, SubscriptionId)>,
    ApiJson(patch): ApiJson<SubscriptionPatch>,
) -> Result<ApiJson<Subscription>, ApiError> {
    Ok(ApiJson(
        engine.update_subscription(&project, id, patch).await?,
    ))
}

async fn remove(
    State(engine): State<Engine>,
    ApiPath((project, id)): ApiPath<(String, SubscriptionId)>,
) -> Result<StatusCode, ApiError> {
    engine.delete_subscription(&project, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Serialize)]
struct SecretOut {
    secret: String,
}

async fn secret(
    State(engine): State<Engine>,
    ApiPath((project, id)): ApiPath<(String, SubscriptionId)>,
) -> Result<ApiJson<SecretOut>, ApiError> {
    let secret = engine.subscription_secret(&project, id).await?;
    Ok(ApiJson(SecretOut { secret }))
}

#[derive(serde::Deserialize)]
struct RotateIn {
    /// How long the old secret keeps signing beside the new one (default one day).
    overlap_seconds: Option<u64>,
}

async fn rotate_secret(
    State(engine): State<Engine>,
    ApiPath((project, id)): ApiPath<(String, SubscriptionId)>,
    ApiJson(input): ApiJson<RotateIn>,
) -> Result<ApiJson<SecretOut>, ApiError> {
    let overlap = input
        .overlap_seconds
        .map_or(DEFAULT_ROTATION_OVERLAP, Duration::from_secs);
    let secret = engine.rotate_secret(&project, id, overlap).await?;
    Ok(ApiJson(SecretOut { secret }))
}

/// 204 when the endpoint answered 2xx to a `ping` event, 400 with the reason otherwise.
async fn ping(
    State(engine): State<Engine>,
    ApiPath((project, id)): ApiPath<(String, SubscriptionId)>,
) -> Result<StatusCode, ApiError> {
    engine.ping_subscription(&project, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize)]
struct RecoverIn {
    since: DateTime<Utc>,
}

#[derive(serde::Serialize)]
struct Queued {
    queued: u64,
}

async fn recover(
    State(engine): State<Engine>,
    ApiPath((project, id)): ApiPath<(String, SubscriptionId)>,
    ApiJson(input): ApiJson<RecoverIn>,
) -> Result<(StatusCode, ApiJson<Queued>), ApiError> {
    let queued = engine.recover_failed(&project, id, input.since).await?;
    Ok((StatusCode::ACCEPTED, ApiJson(Queued { queued })))
}
