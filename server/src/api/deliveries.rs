//! `/projects/{project}/deliveries`: finding deliveries (filters, search), each one's attempt
//! log, and retrying one or many now.

use axum::{extract::State, http::StatusCode};
use engine::{
    delivery::{Attempt, Delivery, DeliveryDetail, RetriedMany, RetryMany},
    ids::DeliveryId,
    page::Paged,
    service::DeliveryFilter,
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
        .routes(routes!(list))
        .routes(routes!(read))
        .routes(routes!(attempts))
        .routes(routes!(retry))
        .routes(routes!(retry_many))
}

/// List deliveries
///
/// Newest first, each with its event's type and its subscription's name; filter by
/// subscription, event, event type (`order.*` by prefix), status and creation time, and search
/// by event id, idempotency key or text in the payload. A value that cannot be used is a 422
/// naming the field.
#[utoipa::path(get, path = "/projects/{project}/deliveries", tag = "deliveries",
    params(("project" = String, Path, description = "Project name"), DeliveryFilter, engine::page::PageRequest),
    responses((status = 200, body = Paged<Delivery>), (status = 422, body = engine::ErrorBody)))]
async fn list(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(project): ApiPath<String>,
    ApiQuery(filter): ApiQuery<DeliveryFilter>,
) -> Result<ApiJson<Paged<Delivery>>, ApiError> {
    Ok(ApiJson(
        engine.list_deliveries(&caller, &project, filter).await?,
    ))
}

/// Read a delivery
///
/// With every attempt, as sent and as answered.
#[utoipa::path(get, path = "/projects/{project}/deliveries/{id}", tag = "deliveries",
    params(("project" = String, Path, description = "Project name"), ("id" = DeliveryId, Path)),
    responses((status = 200, body = DeliveryDetail)))]
async fn read(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, id)): ApiPath<(String, DeliveryId)>,
) -> Result<ApiJson<DeliveryDetail>, ApiError> {
    Ok(ApiJson(engine.get_delivery(&caller, &project, id).await?))
}

/// Retry a delivery now
///
/// One manual attempt; 409 while the delivery is being sent.
#[utoipa::path(post, path = "/projects/{project}/deliveries/{id}/retry", tag = "deliveries",
    params(("project" = String, Path, description = "Project name"), ("id" = DeliveryId, Path)),
    responses((status = 202, body = Delivery), (status = 409, body = engine::ErrorBody)))]
async fn retry(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, id)): ApiPath<(String, DeliveryId)>,
) -> Result<(StatusCode, ApiJson<Delivery>), ApiError> {
    let delivery = engine.retry_delivery(&caller, &project, id).await?;
    Ok((StatusCode::ACCEPTED, ApiJson(delivery)))
}

/// Retry many deliveries now
///
/// Up to 1000 deliveries of the project, each as "Retry a delivery now" would: one manual
/// attempt each. A delivery being sent at that moment is skipped (listed in `skipped`); ids
/// that name no delivery of this project are listed in `not_found`. Write role.
#[utoipa::path(post, path = "/projects/{project}/deliveries/retry", tag = "deliveries",
    params(("project" = String, Path, description = "Project name")),
    request_body = RetryMany,
    responses((status = 202, body = RetriedMany), (status = 422, body = engine::ErrorBody)))]
async fn retry_many(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(project): ApiPath<String>,
    StrictJson(request): StrictJson<RetryMany>,
) -> Result<(StatusCode, ApiJson<RetriedMany>), ApiError> {
    let result = engine.retry_deliveries(&caller, &project, request).await?;
    Ok((StatusCode::ACCEPTED, ApiJson(result)))
}

/// List a delivery's attempts
///
/// First to last.
#[utoipa::path(get, path = "/projects/{project}/deliveries/{id}/attempts", tag = "deliveries",
    params(("project" = String, Path, description = "Project name"), ("id" = DeliveryId, Path)),
    responses((status = 200, body = Vec<Attempt>)))]
async fn attempts(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, id)): ApiPath<(String, DeliveryId)>,
) -> Result<ApiJson<Vec<Attempt>>, ApiError> {
    let detail = engine.get_delivery(&caller, &project, id).await?;
    Ok(ApiJson(detail.attempts_log))
}
