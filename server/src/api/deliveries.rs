//! `/projects/{project}/deliveries`: deliveries with their status, each one's attempt log, and
//! retrying one now.

use axum::{extract::State, http::StatusCode};
use engine::{
    delivery::{Attempt, Delivery, DeliveryDetail},
    ids::DeliveryId,
    page::Paged,
    service::DeliveryFilter,
    Engine,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    auth::Authenticated,
    error::ApiError,
    extract::{ApiJson, ApiPath, ApiQuery},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(read))
        .routes(routes!(attempts))
        .routes(routes!(retry))
}

/// List deliveries
///
/// Newest first; filter by subscription, event or status.
#[utoipa::path(get, path = "/projects/{project}/deliveries", tag = "deliveries",
    params(("project" = String, Path, description = "Project name"), DeliveryFilter, engine::page::PageRequest),
    responses((status = 200, body = Paged<Delivery>)))]
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
