//! Dialects: the webhook APIs of other systems, served at their own paths so that their clients
//! work unchanged. Each module only translates field names, shapes and status codes onto the
//! engine; storage, validation and delivery are the engine's.

mod ubiops;

use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().merge(ubiops::router())
}
