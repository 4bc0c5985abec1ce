//! What a browser downloads, made small and cacheable.
//!
//! The dashboard's compiled assets (`/pkg/…`) are served from files: the brotli or gzip copy that
//! `cargo leptos build --release --precompress` writes beside each one when the browser takes it,
//! and cached by the browser — for good (`immutable`) when cargo-leptos put a content hash in
//! their names (`hash-files`, announced by the hash file it writes beside the binary), otherwise
//! revalidated on every use. Pages and server-function answers are compressed as they are sent.

use std::path::Path;

use axum::{
    extract::{Request, State},
    http::{header, HeaderValue},
    middleware::{from_fn_with_state, Next},
    response::Response,
    Router,
};
use leptos::prelude::LeptosOptions;
use tower_http::{
    compression::{CompressionLayer, CompressionLevel},
    services::ServeDir,
};

/// The file cargo-leptos writes beside the binary when it hashes the assets' names.
pub const HASH_FILE: &str = "hash.txt";

/// Whether the assets' names carry content hashes: the hash file is beside this binary.
pub fn hashed_asset_names() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join(HASH_FILE)))
        .is_some_and(|file| file.exists())
}

/// `/pkg/…` from the site root, precompressed where a compressed copy exists.
pub fn assets<S: Clone + Send + Sync + 'static>(options: &LeptosOptions) -> Router<S> {
    let dir = Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    let cache = HeaderValue::from_static(if options.hash_files {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    });
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    Router::new()
        .nest_service(&format!("/{}", options.site_pkg_dir), files)
        .layer(from_fn_with_state(cache, cache_control))
}

/// Compresses answers on the way out (brotli or gzip, as the client accepts), at a level that
/// costs little time per response.
pub fn compression() -> CompressionLayer {
    CompressionLayer::new()
        .br(true)
        .gzip(true)
        .quality(CompressionLevel::Precise(4))
}

/// Says how long a found asset may be cached, and that its encoding follows `Accept-Encoding`
/// (so that no shared cache hands a compressed copy to a client that did not ask for one).
async fn cache_control(State(cache): State<HeaderValue>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let status = response.status();
    if status.is_success() || status == axum::http::StatusCode::NOT_MODIFIED {
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, cache);
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}
