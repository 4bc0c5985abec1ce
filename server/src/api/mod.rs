//! The native JSON API under `/api/v1`, one module per resource.

mod channels;
mod deliveries;
mod events;
mod subscriptions;
mod tests;

use axum::{http::StatusCode, Router};

use crate::{error::ApiError, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(subscriptions::router())
        .merge(events::router())
        .merge(deliveries::router())
        .merge(channels::router())
        .merge(tests::router())
        .fallback(|| async {
            ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such API route")
        })
}
