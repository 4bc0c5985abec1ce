//! `/projects/{project}/tests`: test an endpoint in the background, then poll the result.

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::IntoResponse,
    routing::{get, post},
    Router,
};
use engine::{
    ids::TestId,
    probe::{EndpointTest, TestIn},
    Engine,
};

use crate::{
    error::ApiError,
    extract::{ApiJson, ApiPath},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/projects/{project}/tests", post(start))
        .route("/projects/{project}/tests/{id}", get(read))
}

/// 202 with `{"status": "pending"}`; the result follows at the `Location`.
async fn start(
    State(engine): State<Engine>,
    ApiPath(project): ApiPath<String>,
    ApiJson(input): ApiJson<TestIn>,
) -> Result<impl IntoResponse, ApiError> {
    let test = engine.start_test(&project, input).await?;
    let location = format!("/api/v1/projects/{project}/tests/{}", test.id);
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, location)],
        ApiJson(test),
    ))
}

async fn read(
    State(engine): State<Engine>,
    ApiPath((project, id)): ApiPath<(String, TestId)>,
) -> Result<ApiJson<EndpointTest>, ApiError> {
    Ok(ApiJson(engine.get_test(&project, id).await?))
}
