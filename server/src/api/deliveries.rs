//! `/projects/{project}/deliveries`: deliveries with their status, and each one's attempt log.

use axum::{
    extract::State,
    http::StatusCode,
    routing::{get, post},
    Router,
};
use engine::{
    delivery::{Attempt, Delivery, DeliveryDetail},
    ids::DeliveryId,
    page::Paged,
    service::DeliveryFilter,
    Engine,
};

use crate::{
    error::ApiError,
    extract::{ApiJson, ApiPath, ApiQuery},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/projects/{project}/deliveries", get(list))
        .route("/projects/{project}/deliveries/{id}", get(read))
        .route(
            "/projects/{project}/deliveries/{id}/attempts",
            get(attempts),
        )
        .route("/projects/{project}/deliveries/{id}/retry", post(retry))
}

async fn list(
    State(engine): State<Engine>,
    ApiPath(project): ApiPath<String>,
    ApiQuery(filter): ApiQuery<DeliveryFilter>,
) -> Result<ApiJson<Paged<Delivery>>, ApiError> {
    Ok(ApiJson(engine.list_deliveries(&project, filter).await?))
}

async fn read(
    State(engine): State<Engine>,
    ApiPath((project, id)): ApiPath<(String, DeliveryId)>,
) -> Result<ApiJson<DeliveryDetail>, ApiError> {
    Ok(ApiJson(engine.get_delivery(&project, id).await?))
}

/// Makes the delivery due now (one manual attempt); 409 while it is being sent.
async fn retry(
    State(engine): State<Engine>,
    ApiPath((project, id)): ApiPath<(String, DeliveryId)>,
) -> Result<(StatusCode, ApiJson<Delivery>), ApiError> {
    let delivery = engine.retry_delivery(&project, id).await?;
    Ok((StatusCode::ACCEPTED, ApiJson(delivery)))
}

/// The delivery's attempts, first to last.
async fn attempts(
    State(engine): State<Engine>,
    ApiPath((project, id)): ApiPath<(String, DeliveryId)>,
) -> Result<ApiJson<Vec<Attempt>>, ApiError> {
    Ok(ApiJson(
        engine.get_delivery(&project, id).await?.attempts_log,
    ))
}
