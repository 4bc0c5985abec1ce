//! Request bodies as the dialects read them: a value of the wrong JSON type is a validation
//! error on that field (`{"events": "x"}` → `events: invalid type …`), like any other broken
//! rule, rather than an unreadable body.

use axum::extract::{FromRequest, Request};
use engine::{
    decode::{Unknown, WHOLE_BODY},
    FieldErrors,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{error::ApiError, extract::ApiJson};

/// A JSON object read into `T`, its type errors reported per field.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let ApiJson(value) = ApiJson::<Value>::from_request(request, state).await?;
        require_object(WHOLE_BODY, &value)?;
        Ok(Body(decode(value)?))
    }
}

/// `value` must be a JSON object, as `field` (serde would read an array as a struct's fields in
/// order).
pub fn require_object(field: &str, value: &Value) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::default();
    if !value.is_object() {
        errors.add(field, "must be a JSON object");
    }
    errors.into_result(())
}

/// `value` as a `T`, or the field whose value has the wrong type (fields the dialect does not
/// know are skipped, as the original APIs skip them).
pub fn decode<T: DeserializeOwned>(value: Value) -> Result<T, FieldErrors> {
    engine::decode::decode(value, Unknown::Ignore)
}

/// Records that `field` is required unless it is `present`.
pub fn require(errors: &mut FieldErrors, field: &str, present: bool) {
    if !present {
        errors.add(field, "is required");
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize)]
    struct Input {
        events: Option<Vec<String>>,
        config: Option<Config>,
    }

    #[derive(Debug, Deserialize)]
    struct Config {
        verify: Option<bool>,
    }

    #[test]
    fn a_wrong_type_names_its_field() {
        let errors = decode::<Input>(json!({"events": "user_created"})).unwrap_err();
        assert!(errors.get("events").unwrap().contains("invalid type"));
        let errors = decode::<Input>(json!({"events": ["a", 1]})).unwrap_err();
        assert!(errors.get("events.1").is_some(), "{errors:?}");
        let errors = decode::<Input>(json!({"config": {"verify": "yes"}})).unwrap_err();
        assert!(errors.get("config.verify").is_some(), "{errors:?}");
        let errors = require_object(WHOLE_BODY, &json!(["not", "an", "object"])).unwrap_err();
        assert!(errors.get(WHOLE_BODY).is_some(), "{errors:?}");
        let read = decode::<Input>(json!({"events": ["a"], "config": {"verify": false}})).unwrap();
        assert_eq!(read.events, Some(vec!["a".to_owned()]));
        assert_eq!(read.config.and_then(|c| c.verify), Some(false));
    }
}
