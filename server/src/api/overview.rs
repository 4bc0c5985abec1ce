//! `/projects/{project}/overview` and `/projects/{project}/subscriptions/{id}/health`: how a
//! project's deliveries are doing, the figures the dashboard draws.

use axum::extract::State;
use engine::{
    ids::SubscriptionId,
    overview::{EndpointHealth, Overview, Window},
    Engine,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    auth::Authenticated,
    error::ApiError,
    extract::{ApiJson, ApiPath, ApiQuery},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(overview))
        .routes(routes!(health))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct WindowQuery {
    /// `hour` (per minute, the default) or `day` (per 15 minutes).
    window: Option<Window>,
}

/// Read a project's overview
///
/// Attempts per time slice, success rate, latency percentiles, the queue and the subscriptions
/// that are failed or disabled.
#[utoipa::path(get, path = "/projects/{project}/overview", tag = "deliveries",
    params(("project" = String, Path, description = "Project name"), WindowQuery),
    responses((status = 200, body = Overview)))]
async fn overview(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(project): ApiPath<String>,
    ApiQuery(query): ApiQuery<WindowQuery>,
) -> Result<ApiJson<Overview>, ApiError> {
    let window = query.window.unwrap_or_default();
    Ok(ApiJson(engine.overview(&caller, &project, window).await?))
}

/// Read a subscription's health
///
/// Over the last day: attempts hour by hour (`hours`, and `hourly` success rates), success rate
/// and counts, latency percentiles; its latest attempt's status, its latest failure (kind, status,
/// message, time and delivery), its last success, and the failures in a row since then.
#[utoipa::path(get, path = "/projects/{project}/subscriptions/{id}/health", tag = "subscriptions",
    params(("project" = String, Path, description = "Project name"), ("id" = SubscriptionId, Path)),
    responses((status = 200, body = EndpointHealth),
        (status = 404, description = "No such subscription in this project", body = engine::ErrorBody)))]
async fn health(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, id)): ApiPath<(String, SubscriptionId)>,
) -> Result<ApiJson<EndpointHealth>, ApiError> {
    Ok(ApiJson(
        engine.endpoint_health(&caller, &project, id).await?,
    ))
}
