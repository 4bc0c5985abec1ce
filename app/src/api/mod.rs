//! Server functions: the dashboard's calls into the engine. Each one only translates arguments
//! and passes on the logged-in caller; the engine decides what the caller may do and checks
//! every input. One module per resource, like the native API.

pub mod accounts;
pub mod deliveries;
pub mod events;
pub mod inbound;
pub mod overview;
pub mod subscriptions;

#[cfg(feature = "ssr")]
use crate::error::AppError;

#[cfg(feature = "ssr")]
pub(crate) fn engine() -> Result<engine::Engine, AppError> {
    leptos::prelude::use_context::<engine::Engine>()
        .ok_or_else(|| engine::EngineError::internal("engine missing from context").into())
}

/// The engine and the logged-in caller, which every project call needs.
#[cfg(feature = "ssr")]
pub(crate) fn engine_and_caller() -> Result<(engine::Engine, engine::account::Caller), AppError> {
    Ok((engine()?, crate::auth::caller()?))
}
