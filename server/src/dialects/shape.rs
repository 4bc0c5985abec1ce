//! How each dialect answers errors: the one place where Hookhub's error (status, `code`,
//! `detail`, `fields` in the engine's names) becomes the original's.
//!
//! Handlers and extractors fail with [`ApiError`](crate::error::ApiError) as the native API
//! does; every dialect's router is wrapped in [`shaped`], which rewrites each error answer
//! leaving it — from the engine, a refused body or query, missing credentials, an unknown id —
//! into the dialect's [`Shape`]. The originals answer invalid input with 400 where the native
//! API answers 422.

use axum::{
    body::Body,
    http::{header, StatusCode},
    middleware::map_response,
    response::Response,
    Router,
};
use engine::{ErrorBody, FieldErrors};
use serde_json::{json, Map, Value};

use crate::state::AppState;

pub use engine::decode::WHOLE_BODY;

/// What a dialect's error answers look like.
pub trait Shape: Send + Sync + 'static {
    /// Hookhub's names for fields (the engine's, and [`WHOLE_BODY`]) in the dialect's words,
    /// e.g. `("timeout_seconds", "timeout")`; a nested field follows its parent. The dialect's
    /// own field names are never among Hookhub's names it maps, so a message the dialect already
    /// keyed in its words keeps its key.
    const FIELD_NAMES: &'static [(&'static str, &'static str)];

    /// The body of an error answer, its fields already in the dialect's words.
    fn body(error: &ErrorBody) -> Value;
}

/// The dialect's routes, answering every error in its shape.
pub fn shaped<S: Shape>(routes: Router<AppState>) -> Router<AppState> {
    routes.layer(map_response(reshape::<S>))
}

async fn reshape<S: Shape>(mut response: Response) -> Response {
    let Some(mut error) = response.extensions_mut().remove::<ErrorBody>() else {
        return response;
    };
    error.fields = error.fields.renamed(S::FIELD_NAMES);
    if response.status() == StatusCode::UNPROCESSABLE_ENTITY {
        *response.status_mut() = StatusCode::BAD_REQUEST;
    }
    response.headers_mut().remove(header::CONTENT_LENGTH);
    let body = serde_json::to_vec(&S::body(&error)).unwrap_or_default();
    *response.body_mut() = Body::from(body);
    response
}

/// Dotted field names as nested objects (`config.url` → `{"config": {"url": …}}`), each message
/// made a leaf by `leaf`. A field that is both a leaf and a parent keeps its own message.
pub fn nested(fields: &FieldErrors, leaf: impl Fn(&str) -> Value) -> Value {
    let mut root = Map::new();
    for (field, message) in fields.iter() {
        let mut node = &mut root;
        let mut names = field.split('.').peekable();
        while let Some(name) = names.next() {
            if names.peek().is_none() {
                node.entry(name).or_insert_with(|| leaf(message));
                break;
            }
            let child = node.entry(name).or_insert_with(|| json!({}));
            match child.as_object_mut() {
                Some(object) => node = object,
                None => break,
            }
        }
    }
    Value::Object(root)
}

/// The error in one sentence: its fields' messages (`timeout: must be …; event: …`), or its
/// detail when no field is to blame.
pub fn sentence(error: &ErrorBody) -> String {
    if error.fields.is_empty() {
        return error.detail.clone();
    }
    let messages: Vec<String> = error
        .fields
        .iter()
        .map(|(field, message)| format!("{field}: {message}"))
        .collect();
    messages.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> FieldErrors {
        let mut fields = FieldErrors::default();
        for (field, message) in pairs {
            fields.add(*field, *message);
        }
        fields
    }

    #[test]
    fn dotted_fields_nest() {
        let fields = fields(&[
            ("config.url", "bad"),
            ("events", "missing"),
            ("config", "odd"),
        ]);
        let arrays = nested(&fields, |m| json!([m]));
        assert_eq!(arrays, json!({"config": ["odd"], "events": ["missing"]}));
        let fields = self::fields(&[("config.url", "bad"), ("config.method", "worse")]);
        assert_eq!(
            nested(&fields, |m| json!({"message": m})),
            json!({"config": {"method": {"message": "worse"}, "url": {"message": "bad"}}})
        );
    }

    #[test]
    fn a_sentence_names_each_field_or_falls_back_to_the_detail() {
        let mut error = ErrorBody::new("validation_failed", "the request has invalid fields");
        error.fields = fields(&[("timeout", "too long"), ("event", "is required")]);
        assert_eq!(sentence(&error), "event: is required; timeout: too long");
        assert_eq!(
            sentence(&ErrorBody::new("not_found", "webhook not found")),
            "webhook not found"
        );
    }
}
