//! The state every request handler shares.

use axum::extract::FromRef;
use engine::Engine;
use leptos::prelude::LeptosOptions;
use tokio_util::sync::CancellationToken;

use crate::rate_limit::RateLimiter;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub engine: Engine,
    /// Where the dashboard's compiled assets are and what they are called.
    pub leptos_options: LeptosOptions,
    /// Requests per second per API token.
    pub rate_limiter: RateLimiter,
    /// The one shutdown signal: responses that would otherwise never end (live streams) end
    /// when it fires, so that they do not hold up the graceful shutdown.
    pub shutdown: CancellationToken,
}
