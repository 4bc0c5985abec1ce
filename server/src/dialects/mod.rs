//! Dialects: the webhook APIs of other systems, served at their own paths so that their clients
//! work unchanged. Each module only translates field names, shapes and status codes onto the
//! engine; storage, validation and delivery are the engine's. [`shape`] answers errors as each
//! original does; [`body`] reads request bodies so that type errors are field errors.
//!
//! A project's event catalogue does not apply here, strict or not: the only events a dialect
//! makes Hookhub emit (Tutum's handler calls, `service.redeploy`) are Hookhub's own doing, which
//! the originals accept without any catalogue, and which no producer could declare or fix. The
//! engine ingests them exempt from the catalogue (see its `Catalogued::Exempt`).

mod body;
mod notifier;
mod shape;
mod tutum;
mod ubiops;
mod waldur;
mod wazo;

use axum::{http::HeaderMap, Router};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(notifier::router())
        .merge(tutum::router())
        .merge(ubiops::router())
        .merge(waldur::router())
        .merge(wazo::router())
}

/// `scheme://host` as the client reached this server, for the absolute URLs some APIs return.
fn base_url(headers: &HeaderMap) -> String {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let scheme = header("x-forwarded-proto").unwrap_or("http");
    let host = header("x-forwarded-host")
        .or_else(|| header("host"))
        .unwrap_or("localhost");
    format!("{scheme}://{host}")
}
