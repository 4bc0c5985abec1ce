//! Server functions: the dashboard's calls into the engine. Each one only translates arguments
//! and passes on the logged-in caller; the engine decides what the caller may do and checks
//! every input. One module per resource, like the native API.

pub mod accounts;
pub mod audit;
pub mod deliveries;
pub mod event_types;
pub mod events;
pub mod inbound;
pub mod overview;
pub mod projects;
pub mod subscriptions;

#[cfg(feature = "ssr")]
use crate::error::AppError;

/// The engine and the logged-in caller, which every project call needs.
#[cfg(feature = "ssr")]
pub(crate) fn engine_and_caller() -> Result<(engine::Engine, engine::account::Caller), AppError> {
    Ok((crate::context::engine()?, crate::auth::caller()?))
}
