//! Builds the router and runs it until the shutdown signal fires.

use std::io;

use app::{shell, App};
use axum::{extract::DefaultBodyLimit, Router};
use engine::Engine;
use leptos::prelude::{provide_context, LeptosOptions};
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::trace::TraceLayer;

use crate::{api, state::AppState};

/// cargo-leptos names the browser bundle after `output-name` in the workspace manifest.
const BUNDLE_NAME: &str = "hookhub";

pub fn leptos_options(site_root: &str) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(BUNDLE_NAME)
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .build()
}

/// The whole HTTP surface: the native API under `/api/v1`, then the dashboard and its assets.
pub fn router(state: AppState, max_body_bytes: usize) -> Router {
    let routes = generate_route_list(App);
    let engine = state.engine.clone();
    let options = state.leptos_options.clone();
    Router::new()
        .nest("/api/v1", api::router())
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context::<Engine>(engine.clone()),
            move || shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves until `shutdown` is cancelled, then lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: CancellationToken,
) -> io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown.cancelled_owned())
        .await
}
