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
fn is_plain_form_post() -> bool {
    leptos::prelude::use_context::<http::request::Parts>().is_some_and(|request| {
        request
            .headers
            .get(http::header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
    })
}

/// Answers a browser's own form post (see [`is_plain_form_post`]) the way a page wants it: on
/// success, a redirect to `saved_to` of what was saved; on a refusal, a redirect back to the form,
/// which server_fn sends with the error in the address (the error's 4xx would otherwise turn the
/// redirect into an error page). A call from the hydrated app is left as it is.
pub(crate) fn answer_plain_post<T, E>(result: &Result<T, E>, saved_to: impl FnOnce(&T) -> String) {
    if !is_plain_form_post() {
        return;
    }
    match result {
        Ok(saved) => leptos_axum::redirect(&saved_to(saved)),
        Err(_) => {
            if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(http::StatusCode::FOUND);
            }
        }
    }
}
