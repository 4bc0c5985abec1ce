//! `/projects/{project}/subscriptions`: create, list, read, update and delete subscriptions,
//! read and rotate their signing secret, ping them and recover their failed deliveries.

use std::time::Duration;

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::IntoResponse,
};
use chrono::{DateTime, Utc};
use engine::{
    ids::SubscriptionId,
    page::{PageRequest, Paged},
    service::DEFAULT_ROTATION_OVERLAP,
    subscription::{Subscription, SubscriptionFilter, SubscriptionPatch, SubscriptionSpec},
    Engine,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::Queued;
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
        .routes(routes!(secret))
        .routes(routes!(rotate_secret))
        .routes(routes!(ping))
        .routes(routes!(recover))
        .routes(routes!(held, discard_held))
}

/// List subscriptions
///
/// One page, oldest first, of the subscriptions that pass every filter given.
#[utoipa::path(get, path = "/projects/{project}/subscriptions", tag = "subscriptions",
    params(("project" = String, Path, description = "Project name"), SubscriptionFilter, PageRequest),
    responses((status = 200, body = Paged<Subscription>)))]
async fn list(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(project): ApiPath<String>,
    ApiQuery(filter): ApiQuery<SubscriptionFilter>,
) -> Result<ApiJson<Paged<Subscription>>, ApiError> {
    Ok(ApiJson(
        engine.list_subscriptions(&caller, &project, filter).await?,
    ))
}

/// Create a subscription
///
/// Answers 201 with the subscription and its `Location`. Fields left out (or `null`) take their
/// defaults.
#[utoipa::path(post, path = "/projects/{project}/subscriptions", tag = "subscriptions",
    params(("project" = String, Path, description = "Project name")),
    request_body = SubscriptionSpec,
    responses((status = 201, body = Subscription), (status = 409, body = engine::ErrorBody)))]
async fn create(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(project): ApiPath<String>,
    StrictJson(fields): StrictJson<SubscriptionPatch>,
) -> Result<impl IntoResponse, ApiError> {
    let spec = fields.into_spec()?;
    let created = engine.create_subscription(&caller, &project, spec).await?;
    let location = format!("/api/v1/projects/{project}/subscriptions/{}", created.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        ApiJson(created),
    ))
}

/// Read a subscription
///
/// Protected header values come back as `null`.
#[utoipa::path(get, path = "/projects/{project}/subscriptions/{id}", tag = "subscriptions",
    params(("project" = String, Path, description = "Project name"), ("id" = SubscriptionId, Path)),
    responses((status = 200, body = Subscription)))]
async fn read(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, id)): ApiPath<(String, SubscriptionId)>,
) -> Result<ApiJson<Subscription>, ApiError> {
    Ok(ApiJson(
        engine.get_subscription(&caller, &project, id).await?,
    ))
}

/// Update a subscription
///
/// A JSON merge patch: only the fields present change, and a field sent as `null` goes back to
/// its default; `"enabled": true` also clears the failed state. A protected header sent without
/// `value` keeps its stored value.
#[utoipa::path(patch, path = "/projects/{project}/subscriptions/{id}", tag = "subscriptions",
    params(("project" = String, Path, description = "Project name"), ("id" = SubscriptionId, Path)),
    request_body = SubscriptionSpec,
    responses((status = 200, body = Subscription), (status = 409, body = engine::ErrorBody)))]
async fn update(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, id)): ApiPath<(String, SubscriptionId)>,
    StrictJson(patch): StrictJson<SubscriptionPatch>,
) -> Result<ApiJson<Subscription>, ApiError> {
    Ok(ApiJson(
        engine
            .update_subscription(&caller, &project, id, patch)
            .await?,
    ))
}

/// Delete a subscription
#[utoipa::path(delete, path = "/projects/{project}/subscriptions/{id}", tag = "subscriptions",
    params(("project" = String, Path, description = "Project name"), ("id" = SubscriptionId, Path)),
    responses((status = 204, description = "Deleted")))]
async fn remove(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, id)): ApiPath<(String, SubscriptionId)>,
) -> Result<StatusCode, ApiError> {
    engine.delete_subscription(&caller, &project, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
struct SecretOut {
    /// `whsec_…`: receivers verify `webhook-signature` with it.
    secret: String,
}

/// Read the signing secret
#[utoipa::path(get, path = "/projects/{project}/subscriptions/{id}/secret", tag = "subscriptions",
    params(("project" = String, Path, description = "Project name"), ("id" = SubscriptionId, Path)),
    responses((status = 200, body = SecretOut)))]
async fn secret(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, id)): ApiPath<(String, SubscriptionId)>,
) -> Result<ApiJson<SecretOut>, ApiError> {
    let secret = engine.subscription_secret(&caller, &project, id).await?;
    Ok(ApiJson(SecretOut { secret }))
}

#[derive(Deserialize, ToSchema)]
struct RotateIn {
    /// How long the old secret keeps signing beside the new one (default one day).
    overlap_seconds: Option<u64>,
}

/// Rotate the signing secret
///
/// Returns the new secret; the old one keeps signing for `overlap_seconds`.
#[utoipa::path(post, path = "/projects/{project}/subscriptions/{id}/secret/rotate", tag = "subscriptions",
    params(("project" = String, Path, description = "Project name"), ("id" = SubscriptionId, Path)),
    request_body = RotateIn,
    responses((status = 200, body = SecretOut)))]
async fn rotate_secret(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, id)): ApiPath<(String, SubscriptionId)>,
    StrictJson(input): StrictJson<RotateIn>,
) -> Result<ApiJson<SecretOut>, ApiError> {
    let overlap = input
        .overlap_seconds
        .map_or(DEFAULT_ROTATION_OVERLAP, Duration::from_secs);
    let secret = engine.rotate_secret(&caller, &project, id, overlap).await?;
    Ok(ApiJson(SecretOut { secret }))
}

/// Ping the endpoint
///
/// Sends a `ping` event now: 204 when the endpoint answered 2xx, 400 with the reason otherwise.
#[utoipa::path(post, path = "/projects/{project}/subscriptions/{id}/ping", tag = "subscriptions",
    params(("project" = String, Path, description = "Project name"), ("id" = SubscriptionId, Path)),
    responses((status = 204, description = "The endpoint answered 2xx"),
        (status = 400, body = engine::ErrorBody, description = "The endpoint did not accept the ping")))]
async fn ping(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, id)): ApiPath<(String, SubscriptionId)>,
) -> Result<StatusCode, ApiError> {
    engine.ping_subscription(&caller, &project, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
struct RecoverIn {
    since: DateTime<Utc>,
}

/// Recover failed deliveries
///
/// Queues one more attempt of every delivery to this subscription that failed since `since`.
#[utoipa::path(post, path = "/projects/{project}/subscriptions/{id}/recover", tag = "subscriptions",
    params(("project" = String, Path, description = "Project name"), ("id" = SubscriptionId, Path)),
    request_body = RecoverIn,
    responses((status = 202, body = Queued)))]
async fn recover(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, id)): ApiPath<(String, SubscriptionId)>,
    StrictJson(input): StrictJson<RecoverIn>,
) -> Result<(StatusCode, ApiJson<Queued>), ApiError> {
    let queued = engine
        .recover_failed(&caller, &project, id, input.since)
        .await?;
    Ok((StatusCode::ACCEPTED, ApiJson(Queued { queued })))
}

#[derive(Serialize, ToSchema)]
struct Held {
    /// Deliveries waiting while the subscription is disabled or failed.
    held: u64,
}

/// Count held deliveries
///
/// While a subscription is disabled or failed, its deliveries wait (`held`) instead of being
/// attempted; they go out, in order, once it is enabled again.
#[utoipa::path(get, path = "/projects/{project}/subscriptions/{id}/held", tag = "subscriptions",
    params(("project" = String, Path, description = "Project name"), ("id" = SubscriptionId, Path)),
    responses((status = 200, body = Held)))]
async fn held(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, id)): ApiPath<(String, SubscriptionId)>,
) -> Result<ApiJson<Held>, ApiError> {
    let held = engine.held_deliveries(&caller, &project, id).await?;
    Ok(ApiJson(Held { held }))
}

#[derive(Serialize, ToSchema)]
struct Discarded {
    discarded: u64,
}

/// Discard held deliveries
///
/// Cancels every delivery the subscription holds; nothing else ever drops them.
#[utoipa::path(delete, path = "/projects/{project}/subscriptions/{id}/held", tag = "subscriptions",
    params(("project" = String, Path, description = "Project name"), ("id" = SubscriptionId, Path)),
    responses((status = 200, body = Discarded)))]
async fn discard_held(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, id)): ApiPath<(String, SubscriptionId)>,
) -> Result<ApiJson<Discarded>, ApiError> {
    let discarded = engine
        .discard_held_deliveries(&caller, &project, id)
        .await?;
    Ok(ApiJson(Discarded { discarded }))
}
