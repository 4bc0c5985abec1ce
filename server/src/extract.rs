//! axum's extractors with their rejections turned into [`ApiError`] bodies, and the native API's
//! strict JSON bodies (read by [`engine::decode`]).

use axum::{
    extract::{FromRequest, FromRequestParts, Request},
    response::{IntoResponse, Response},
};
use engine::decode::{decode, Unknown};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

use crate::error::ApiError;

/// A JSON body in, or a JSON body out. In, it is lenient the way serde is (unknown fields are
/// ignored): the dialects read bodies this way, as the APIs they copy do.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// A native API request body, read strictly: a field the schema does not have (a typo such as
/// `timeout` for `timeout_seconds`) or a value of the wrong type is a validation error (422)
/// naming the field, instead of being silently ignored or reported without a field.
pub struct StrictJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for StrictJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        // Content type, syntax and size are judged as for any JSON body.
        let ApiJson(value) = ApiJson::<Value>::from_request(request, state).await?;
        Ok(StrictJson(decode(value, Unknown::Refuse)?))
    }
}

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);
