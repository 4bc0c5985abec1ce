//! The error type server functions return: the engine's `{code, detail, fields}` across the wire.

use engine::{ErrorBody, FieldErrors};
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{}", .0.detail)]
#[serde(transparent)]
pub struct AppError(pub ErrorBody);

impl AppError {
    pub fn fields(&self) -> &FieldErrors {
        &self.0.fields
    }

    /// Whether the call failed for want of a session (logged out elsewhere, or expired).
    pub fn is_unauthenticated(&self) -> bool {
        self.0.code == "unauthenticated"
    }

    /// For a page whose address names something that cannot exist (an id that is not one).
    pub fn not_found(what: &str) -> AppError {
        AppError(ErrorBody::new("not_found", format!("{what} not found")))
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// Failures of the call itself rather than of the operation: arguments that are missing or
    /// do not parse are the caller's (400, `invalid_body`, as in the API); the rest (network,
    /// encoding) are `request_failed`.
    fn from_server_fn_error(error: ServerFnErrorErr) -> Self {
        let bad_arguments = matches!(
            error,
            ServerFnErrorErr::Args(_)
                | ServerFnErrorErr::MissingArg(_)
                | ServerFnErrorErr::Deserialization(_)
        );
        #[cfg(feature = "ssr")]
        if bad_arguments {
            if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(http::StatusCode::BAD_REQUEST);
            }
        }
        let code = if bad_arguments {
            "invalid_body"
        } else {
            "request_failed"
        };
        AppError(ErrorBody::new(code, error.to_string()))
    }
}

/// Also sets the server function's HTTP status, so bad input is a 4xx here just as in the API.
#[cfg(feature = "ssr")]
impl From<engine::EngineError> for AppError {
    fn from(error: engine::EngineError) -> Self {
        if error.is_fault() {
            tracing::error!(error = %engine::error::chain(&error), "server function failed");
        }
        if let (Some(response), Ok(status)) = (
            leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
            http::StatusCode::from_u16(error.http_status()),
        ) {
            response.set_status(status);
            if let Some(seconds) = error.retry_after_seconds() {
                response.insert_header(http::header::RETRY_AFTER, seconds.into());
            }
        }
        AppError(ErrorBody::from(&error))
    }
}

#[cfg(feature = "ssr")]
impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        engine::EngineError::Invalid(errors).into()
    }
}
