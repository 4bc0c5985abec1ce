//! The dashboard's gate: every page and server function needs a logged-in session.
//!
//! The session cookie is resolved to the engine's [`Caller`] once, here, and handed to server
//! functions through the request's extensions; they pass it to the engine, which authorizes
//! exactly as it does for API tokens. Requests without a session are sent to the login page
//! (pages) or answered 401 (server functions). Server functions also refuse cross-site requests:
//! the cookie is `SameSite=Lax`, and a POST whose `Origin` is another site is rejected outright.

use app::auth::{login_returning_to, session_in, LOGIN_PATH, PUBLIC_SERVER_FNS};
use axum::{
    extract::{Request, State},
    http::{header, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use engine::Engine;

use crate::error::ApiError;

/// Where server functions are served.
const SERVER_FN_PREFIX: &str = "/_hookhub/";

pub async fn require_session(
    State(engine): State<Engine>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let server_fn = path.starts_with(SERVER_FN_PREFIX);
    if server_fn && request.method() == Method::POST && is_cross_site(&request) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "cross_site_request",
            "dashboard calls must come from the dashboard's own pages",
        )
        .into_response();
    }
    if let Some(session) = session_in(request.headers()) {
        if let Ok(caller) = engine.session_caller(&session).await {
            request.extensions_mut().insert(caller);
            return next.run(request).await;
        }
    }
    if path == LOGIN_PATH || PUBLIC_SERVER_FNS.contains(&path.as_str()) {
        next.run(request).await
    } else if server_fn {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "not logged in").into_response()
    } else {
        let back = request
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
        let target = login_returning_to(&back);
        Redirect::to(&target).into_response()
    }
}

/// A browser names the page a request came from: another site's page must not act here.
fn is_cross_site(request: &Request) -> bool {
    let headers = request.headers();
    if headers
        .get("sec-fetch-site")
        .is_some_and(|site| site == "cross-site")
    {
        return true;
    }
    let (Some(origin), Some(host)) = (headers.get(header::ORIGIN), headers.get(header::HOST))
    else {
        return false;
    };
    let origin = origin.to_str().unwrap_or_default();
    let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    origin_host != host.to_str().unwrap_or_default()
}
