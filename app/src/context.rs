//! What the server puts in Leptos' context for every server function: the engine. (The caller
//! comes with the request; see [`crate::auth`].) Both the login functions and the resource
//! functions in [`crate::api`] start here.

use crate::error::AppError;

/// The engine the server runs; an internal error if it was not provided.
pub(crate) fn engine() -> Result<engine::Engine, AppError> {
    leptos::prelude::use_context::<engine::Engine>()
        .ok_or_else(|| engine::EngineError::internal("engine missing from context").into())
}
