//! What the server puts in Leptos' context for every server function: the engine, and the
//! request it answers. (The caller comes with the request; see [`crate::auth`].) Both the login
//! functions and the resource functions in [`crate::api`] start here.

use crate::error::AppError;

/// The engine the server runs; an internal error if it was not provided.
pub(crate) fn engine() -> Result<engine::Engine, AppError> {
    leptos::prelude::use_context::<engine::Engine>()
        .ok_or_else(|| engine::EngineError::internal("engine missing from context").into())
}

/// Whether the browser itself posted a form (it asks for a page back: the page had not hydrated,
/// or runs without JavaScript) rather than the hydrated app calling (it asks for data). Such a
/// post wants a redirect: server_fn sends it back to its page, with the error in the address
/// when there is one.
pub(crate) fn is_plain_form_post() -> bool {
    leptos::prelude::use_context::<http::request::Parts>().is_some_and(|request| {
        request
            .headers
            .get(http::header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
    })
}
