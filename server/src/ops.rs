//! Operability endpoints, open to the local network like any health check: `/healthz` (the
//! process is up), `/readyz` (the database answers and is migrated) and `/metrics` (Prometheus).

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::IntoResponse,
    routing::get,
    Router,
};
use engine::Engine;

use crate::{error::ApiError, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
}

async fn ready(State(engine): State<Engine>) -> impl IntoResponse {
    match engine.ready().await {
        Ok(()) => (StatusCode::OK, "ready\n".to_owned()),
        Err(error) => {
            tracing::warn!(error = %engine::error::chain(&error), "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "database not ready\n".to_owned(),
            )
        }
    }
}

async fn metrics(State(engine): State<Engine>) -> Result<impl IntoResponse, ApiError> {
    let text = engine.render_metrics().await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    ))
}
