//! A change to some of a subscription's fields, named as [`SubscriptionSpec`] names them: a JSON
//! merge patch (RFC 7396) over the spec's own JSON form. A field left out keeps its value; one
//! given as `null` goes back to its default (for an optional field: no value). Because it is
//! read against the spec itself, a new field can be patched without writing anything here.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Header, SubscriptionSpec};
use crate::{
    decode::{decode, Unknown},
    FieldErrors,
};

/// Fields of [`SubscriptionSpec`] to change, by name. Creating a subscription is patching the
/// defaults ([`SubscriptionPatch::into_spec`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionPatch(Map<String, Value>);

impl SubscriptionPatch {
    /// Sets `field` to `value` (a field name of [`SubscriptionSpec`]; any other is refused when
    /// the patch is applied).
    pub fn set(mut self, field: &str, value: impl Serialize) -> Self {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        self.0.insert(field.to_owned(), value);
        self
    }

    /// Sets `field` to `value` when there is one; `None` leaves the field as it is.
    pub fn set_given<T: Serialize>(self, field: &str, value: Option<T>) -> Self {
        match value {
            Some(value) => self.set(field, value),
            None => self,
        }
    }

    /// A patch that sets every field to `spec`'s value (a form that shows them all).
    pub fn replacing(spec: &SubscriptionSpec) -> Self {
        match serde_json::to_value(spec) {
            Ok(Value::Object(fields)) => SubscriptionPatch(fields),
            _ => unreachable!("a struct serialises to an object"),
        }
    }

    /// The patch without the fields `keep` refuses.
    pub fn retain(mut self, keep: impl Fn(&str) -> bool) -> Self {
        self.0.retain(|field, _| keep(field));
        self
    }

    /// Whether it enables the subscription, which also clears a failed state: how an operator
    /// says "the endpoint is fixed", even of one that was never disabled.
    pub fn enables(&self) -> bool {
        self.0.get("enabled") == Some(&Value::Bool(true))
    }

    /// A new subscription's fields: the defaults, patched.
    pub fn into_spec(self) -> Result<SubscriptionSpec, FieldErrors> {
        self.apply(&SubscriptionSpec::default())
    }

    /// `base` with this patch on top. `base` carries header values in clear: a protected header
    /// given back without a value keeps the value stored under its name.
    pub fn apply(&self, base: &SubscriptionSpec) -> Result<SubscriptionSpec, FieldErrors> {
        let Value::Object(mut fields) = serde_json::to_value(base).unwrap_or_default() else {
            unreachable!("a struct serialises to an object");
        };
        let mut errors = FieldErrors::default();
        for (field, value) in &self.0 {
            if !fields.contains_key(field) {
                errors.add(field, "is not a field of this request");
            } else if value.is_null() {
                fields.remove(field);
            } else {
                fields.insert(field.clone(), value.clone());
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut spec: SubscriptionSpec = decode(Value::Object(fields), Unknown::Refuse)?;
        for header in &mut spec.headers {
            keep_protected_value(header, &base.headers);
        }
        Ok(spec)
    }
}

/// A protected header sent back without a value keeps the value stored under the same key.
fn keep_protected_value(header: &mut Header, stored: &[Header]) {
    if header.value.is_some() || !header.protected {
        return;
    }
    header.value = stored
        .iter()
        .find(|s| s.key.eq_ignore_ascii_case(&header.key))
        .and_then(|s| s.value.clone());
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn patch(value: Value) -> SubscriptionPatch {
        serde_json::from_value(value).unwrap()
    }

    fn stored() -> SubscriptionSpec {
        SubscriptionSpec {
            name: "orders".into(),
            url: "https://example.com/hook".into(),
            timeout_seconds: 7,
            event_types: vec!["a".into()],
            object_type: Some("deployment".into()),
            headers: vec![Header {
                key: "Authorization".into(),
                value: Some("secret".into()),
                protected: true,
            }],
            ..SubscriptionSpec::default()
        }
    }

    #[test]
    fn absent_fields_are_kept_and_nulled_ones_go_back_to_their_default() {
        let spec = patch(json!({"enabled": false, "object_type": null, "timeout_seconds": null}))
            .apply(&stored())
            .unwrap();
        assert_eq!(spec.name, "orders");
        assert_eq!(spec.event_types, ["a"]);
        assert!(!spec.enabled);
        assert_eq!(spec.object_type, None);
        assert_eq!(spec.timeout_seconds, super::super::DEFAULT_TIMEOUT_SECONDS);
        assert_eq!(
            spec.headers,
            stored().headers,
            "headers not patched keep their values"
        );
    }

    #[test]
    fn a_protected_header_without_a_value_keeps_the_stored_one() {
        let spec = patch(json!({"headers": [
            {"key": "authorization", "value": null, "protected": true},
            {"key": "X-New", "value": "v"}
        ]}))
        .apply(&stored())
        .unwrap();
        assert_eq!(spec.headers[0].value.as_deref(), Some("secret"));
        assert_eq!(spec.headers[1].value.as_deref(), Some("v"));
    }

    #[test]
    fn unknown_fields_and_wrong_types_are_named() {
        let errors = patch(json!({"timeout": 5, "name": "x"}))
            .apply(&stored())
            .unwrap_err();
        assert_eq!(
            errors.get("timeout"),
            Some("is not a field of this request")
        );
        let errors = patch(json!({"retry": "yes"})).apply(&stored()).unwrap_err();
        assert!(errors.get("retry").is_some());
        let errors = patch(json!({"headers": [{"key": "k", "secret": 1}]}))
            .apply(&stored())
            .unwrap_err();
        assert!(errors.get("headers.0.secret").is_some());
    }

    #[test]
    fn set_and_replacing_name_fields_of_the_spec() {
        let spec = SubscriptionPatch::default()
            .set("url", "https://example.com/new")
            .set("rate_limit", Some(5))
            .apply(&stored())
            .unwrap();
        assert_eq!(
            (spec.url.as_str(), spec.rate_limit),
            ("https://example.com/new", Some(5))
        );
        assert_eq!(
            SubscriptionPatch::replacing(&stored())
                .apply(&SubscriptionSpec::default())
                .unwrap(),
            stored()
        );
        let only_url = SubscriptionPatch::replacing(&stored()).retain(|field| field == "url");
        let applied = only_url.apply(&SubscriptionSpec::default()).unwrap();
        assert_eq!(applied.url, stored().url);
        assert_eq!(
            applied.name, "",
            "a field the patch left out is not touched"
        );
        assert!(patch(json!({"enabled": true})).enables());
        assert!(!patch(json!({"enabled": false})).enables());
    }

    #[test]
    fn creating_is_patching_the_defaults() {
        let spec = patch(json!({"name": "n", "url": "https://example.com", "method": null}))
            .into_spec()
            .unwrap();
        assert_eq!(spec.method, "POST");
        assert!(spec.enabled && spec.retry);
    }
}
