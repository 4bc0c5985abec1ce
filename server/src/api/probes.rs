//! Endpoint probes, `/projects/{project}/tests`: a test delivery to an endpoint, run in the
//! background, then polled for its result. (The public API calls them tests.)

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::IntoResponse,
};
use engine::{
    ids::TestId,
    probe::{EndpointTest, TestIn},
    Engine,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    auth::Authenticated,
    error::ApiError,
    extract::{ApiJson, ApiPath, StrictJson},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start))
        .routes(routes!(read))
}

/// Start an endpoint test
///
/// 202 with `{"status": "pending"}`; the result follows at the `Location`.
#[utoipa::path(post, path = "/projects/{project}/tests", tag = "tests",
    params(("project" = String, Path, description = "Project name")),
    request_body = TestIn,
    responses((status = 202, body = EndpointTest)))]
async fn start(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath(project): ApiPath<String>,
    StrictJson(input): StrictJson<TestIn>,
) -> Result<impl IntoResponse, ApiError> {
    let test = engine.start_test(&caller, &project, input).await?;
    let location = format!("/api/v1/projects/{project}/tests/{}", test.id);
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, location)],
        ApiJson(test),
    ))
}

/// Read an endpoint test
///
/// `pending`, then `completed` or `failed` with `error_message`.
#[utoipa::path(get, path = "/projects/{project}/tests/{id}", tag = "tests",
    params(("project" = String, Path, description = "Project name"), ("id" = TestId, Path)),
    responses((status = 200, body = EndpointTest)))]
async fn read(
    State(engine): State<Engine>,
    Authenticated(caller): Authenticated,
    ApiPath((project, id)): ApiPath<(String, TestId)>,
) -> Result<ApiJson<EndpointTest>, ApiError> {
    Ok(ApiJson(engine.get_test(&caller, &project, id).await?))
}
