//! JSON read into a type with every problem named by its field: a value of the wrong type, and
//! (when asked) a field the type does not have. The native API reads its bodies this way, and so
//! does a subscription patch, so that `{"timeout": 5}` is a mistake named `timeout` rather than
//! an ignored key or an error without a field.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::FieldErrors;

/// The field name of a problem with the body as a whole (e.g. an array where an object belongs).
pub const WHOLE_BODY: &str = "body";

/// What a field the type does not have means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unknown {
    /// Nothing: it is skipped (the dialects, as the APIs they copy).
    Ignore,
    /// A mistake, reported on that field (the native API).
    Refuse,
}

/// `value` as a `T`, or validation errors naming the field (dotted, e.g. `headers.0.key`) whose
/// value has the wrong type, and — with [`Unknown::Refuse`] — every field `T` does not have.
pub fn decode<T: DeserializeOwned>(value: Value, unknown: Unknown) -> Result<T, FieldErrors> {
    let mut strange = FieldErrors::default();
    let mut track = serde_path_to_error::Track::new();
    let tracked = serde_path_to_error::Deserializer::new(value, &mut track);
    let decoded: Result<T, _> = serde_ignored::deserialize(tracked, |path| {
        if unknown == Unknown::Refuse {
            strange.add(field_name(&path), "is not a field of this request");
        }
    });
    match decoded {
        Err(error) => {
            let mut errors = FieldErrors::default();
            errors.add(tracked_name(&track.path()), error.to_string());
            Err(errors)
        }
        Ok(_) if !strange.is_empty() => Err(strange),
        Ok(decoded) => Ok(decoded),
    }
}

/// A path as field errors name fields: dotted, list items by index (`headers.0.key`).
fn field_name(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => WHOLE_BODY.to_owned(),
        Path::Seq { parent, index } => join(parent, &index.to_string()),
        Path::Map { parent, key } => join(parent, key),
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => field_name(parent),
    }
}

/// The field a type error was found in, named like [`field_name`] names them.
fn tracked_name(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let parts: Vec<String> = path
        .iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(key.clone()),
            Segment::Enum { variant } => Some(variant.clone()),
            Segment::Unknown => None,
        })
        .collect();
    if parts.is_empty() {
        WHOLE_BODY.to_owned()
    } else {
        parts.join(".")
    }
}

fn join(parent: &serde_ignored::Path<'_>, child: &str) -> String {
    match parent {
        serde_ignored::Path::Root => child.to_owned(),
        parent => format!("{}.{child}", field_name(parent)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::subscription::{Header, SubscriptionSpec};

    fn fields(errors: FieldErrors) -> Vec<(String, String)> {
        errors
            .iter()
            .map(|(f, m)| (f.to_owned(), m.to_owned()))
            .collect()
    }

    fn strictly<T: DeserializeOwned>(value: Value) -> Result<T, FieldErrors> {
        decode(value, Unknown::Refuse)
    }

    #[test]
    fn unknown_fields_are_named_at_any_depth() {
        let error = strictly::<SubscriptionSpec>(json!({
            "name": "a", "timeout": 31,
            "headers": [{"key": "k", "value": "v", "secret": true}]
        }))
        .unwrap_err();
        let named: Vec<String> = fields(error).into_iter().map(|(f, _)| f).collect();
        assert_eq!(named, ["headers.0.secret", "timeout"]);
    }

    #[test]
    fn a_value_of_the_wrong_type_names_its_field() {
        let error = strictly::<SubscriptionSpec>(json!({"event_types": "order.paid"})).unwrap_err();
        let named = fields(error);
        assert_eq!(named[0].0, "event_types", "{named:?}");
        let error = strictly::<Vec<Header>>(json!([{"key": 1}])).unwrap_err();
        assert_eq!(fields(error)[0].0, "0.key");
    }

    #[test]
    fn leniently_unknown_fields_are_skipped_but_types_still_checked() {
        let spec: SubscriptionSpec =
            decode(json!({"name": "a", "timeout": 31}), Unknown::Ignore).unwrap();
        assert_eq!(spec.name, "a");
        let errors = decode::<SubscriptionSpec>(json!({"retry": "yes"}), Unknown::Ignore);
        assert_eq!(fields(errors.unwrap_err())[0].0, "retry");
    }

    #[test]
    fn free_form_fields_stay_free() {
        let spec: SubscriptionSpec = strictly(json!({
            "name": "a", "labels": {"anything": "goes"}, "filter": {"data.x": {"$eq": 1}}
        }))
        .unwrap();
        assert_eq!(spec.labels["anything"], "goes");
    }
}
