//! The native JSON API under `/api/v1`, one module per resource.

mod subscriptions;

use axum::{http::StatusCode, Router};

use crate::{error::ApiError, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(subscriptions::router())
        .fallback(|| async {
            ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such API route")
        })
}
