//! The API's one error type: every failure becomes a status and a `{code, detail, fields}` body.

use std::time::Duration;

use axum::{
    extract::rejection::{JsonRejection, PathRejection, QueryRejection},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use engine::{error::chain, EngineError, ErrorBody, FieldErrors};

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
    /// Seconds until a rate-limited caller may try again (`Retry-After`).
    retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            body: ErrorBody::new(code, detail),
            retry_after: None,
        }
    }

    /// 429: the caller's token made too many requests; `wait` is how long until the next one
    /// would be accepted.
    pub fn too_many_requests(wait: Duration) -> Self {
        let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
        ApiError {
            retry_after: Some(seconds),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("too many requests with this token; retry in {seconds} s"),
            )
        }
    }
}

impl From<EngineError> for ApiError {
    fn from(error: EngineError) -> Self {
        if error.is_fault() {
            tracing::error!(error = %chain(&error), "request failed");
        }
        ApiError {
            status: StatusCode::from_u16(error.http_status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            body: ErrorBody::from(&error),
            retry_after: error.retry_after_seconds(),
        }
    }
}

/// Input a dialect refused before it reached the engine, in the same terms as the engine's.
impl From<FieldErrors> for ApiError {
    fn from(fields: FieldErrors) -> Self {
        EngineError::Invalid(fields).into()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let code = match &rejection {
            JsonRejection::JsonDataError(_) => "invalid_body",
            JsonRejection::JsonSyntaxError(_) => "malformed_json",
            JsonRejection::MissingJsonContentType(_) => "unsupported_media_type",
            _ if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
            _ => "unreadable_body",
        };
        ApiError::new(rejection.status(), code, rejection.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            rejection.body_text(),
        )
    }
}

/// A path that does not parse (e.g. a malformed id) names nothing that exists.
impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", rejection.body_text())
    }
}

/// The schemes a client may answer a 401 with.
const CHALLENGE: &str = r#"Bearer realm="hookhub", Token realm="hookhub", ApiKey realm="hookhub""#;

/// The response carries its [`ErrorBody`] as an extension too, so that a dialect can answer the
/// same error in its original's shape (see `dialects::shape`).
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(&self.body)).into_response();
        response.extensions_mut().insert(self.body);
        let headers = response.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(CHALLENGE),
            );
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
