//! Security headers on every response, and a strict Content-Security-Policy on every HTML page.
//!
//! Every response says `nosniff`, may not be framed and sends no referrer to other sites. An
//! HTML page also gets a policy that lets only its own scripts run: a fresh nonce is minted here
//! for each request and handed on in the request's extensions; the dashboard renders it on its
//! hydration and streaming scripts ([`provide_request_nonce`]), `/api/docs` on its one `<style>`.
//! A script the page did not itself send (an injected `<script>`, an event-handler attribute) has
//! no nonce and never runs; scripts the nonce'd ones load may (`'strict-dynamic'`), and so may
//! the WebAssembly they instantiate (`'wasm-unsafe-eval'`).

use axum::{
    extract::Request,
    http::{header, HeaderMap, HeaderValue},
    middleware::Next,
    response::Response,
};
use leptos::{
    nonce::Nonce,
    prelude::{provide_context, use_context},
};

/// Adds the headers; the nonce reaches handlers as a [`Nonce`] extension.
pub async fn security_headers(mut request: Request, next: Next) -> Response {
    let nonce = Nonce::new();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if is_html(headers) {
        if let Ok(policy) = HeaderValue::from_str(&policy(&nonce)) {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    response
}

/// Makes the request's nonce the one Leptos renders on its scripts; called in the context of
/// every page the dashboard renders (Leptos would otherwise mint one of its own).
pub fn provide_request_nonce() {
    let nonce = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Nonce>().cloned());
    if let Some(nonce) = nonce {
        provide_context(nonce);
    }
}

/// The policy of an HTML page. Styles come from the site's stylesheet (the dashboard has no
/// inline style) or a nonce'd `<style>`; the only image is the `data:` favicon.
fn policy(nonce: &Nonce) -> String {
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
}

fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"))
}
