//! Builds the router and runs it until the shutdown signal fires.

use std::{io, time::Duration};

use app::{shell, App};
use axum::{extract::DefaultBodyLimit, http::HeaderName, middleware::from_fn_with_state, Router};
use engine::Engine;
use leptos::prelude::{provide_context, LeptosOptions};
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::{
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::TimeoutLayer,
    trace::{DefaultOnResponse, TraceLayer},
};

use crate::{
    api, dialects, docs, ops,
    security_headers::{provide_request_nonce, security_headers},
    session::require_session,
    state::AppState,
    transfer,
};

/// cargo-leptos names the browser bundle after `output-name` in the workspace manifest.
const BUNDLE_NAME: &str = "hookhub";
/// Longer than the slowest legitimate request (a ping waits up to a 30 s endpoint timeout).
const HANDLER_TIMEOUT: Duration = Duration::from_secs(60);
const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn leptos_options(site_root: &str) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(BUNDLE_NAME)
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .hash_file(transfer::HASH_FILE.into())
        .hash_files(transfer::hashed_asset_names())
        .build()
}

/// Limits and trust of the HTTP layer.
#[derive(Debug, Clone, Default)]
pub struct HttpLimits {
    /// Larger request bodies get 413.
    pub max_body_bytes: usize,
    /// Proxies whose `X-Forwarded-For` names the client (see [`crate::client`]).
    pub trusted_proxies: Vec<engine::ssrf::Cidr>,
}

/// The whole HTTP surface: the native API under `/api/v1` and its docs, the health and metrics
/// endpoints, then the dashboard (behind its login, its pages and server functions compressed)
/// and its assets.
pub fn router(state: AppState, limits: HttpLimits) -> Router {
    let (api, document) = api::router();
    let engine = state.engine.clone();
    let options = state.leptos_options.clone();
    let dashboard = Router::new()
        .leptos_routes_with_context(
            &state,
            generate_route_list(App),
            move || {
                provide_context::<Engine>(engine.clone());
                provide_request_nonce();
            },
            move || shell(options.clone()),
        )
        .route_layer(from_fn_with_state(state.engine.clone(), require_session))
        .layer(transfer::compression());
    Router::new()
        .nest("/api/v1", api)
        .merge(dialects::router())
        .merge(docs::router(document).layer(transfer::compression()))
        .merge(ops::router())
        .merge(dashboard)
        .merge(transfer::assets(&state.leptos_options))
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            provide_request_nonce,
            shell,
        ))
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(
            std::sync::Arc::new(limits.trusted_proxies),
            crate::client::client_address,
        ))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            HANDLER_TIMEOUT,
        ))
        .layer(axum::middleware::from_fn(security_headers))
        // Outermost: every request gets an id (or keeps the caller's), the log line carries it
        // and the response echoes it.
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &axum::http::Request<_>| {
                    let id = request
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default();
                    let uri = crate::request_log::loggable(request.uri());
                    tracing::info_span!("request", method = %request.method(), uri = %uri, request_id = %id)
                })
                // One line per request at the default level: status, latency, request id.
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}

/// Serves until `shutdown` is cancelled, then lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: CancellationToken,
) -> io::Result<()> {
    // The peer's address reaches handlers (`ConnectInfo`): login throttling counts per client.
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown.cancelled_owned())
        .await
}
