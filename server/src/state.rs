//! The state every request handler shares.

use axum::extract::FromRef;
use engine::Engine;
use leptos::prelude::LeptosOptions;

use crate::rate_limit::RateLimiter;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub engine: Engine,
    /// Where the dashboard's compiled assets are and what they are called.
    pub leptos_options: LeptosOptions,
    /// Requests per second per API token.
    pub rate_limiter: RateLimiter,
}
