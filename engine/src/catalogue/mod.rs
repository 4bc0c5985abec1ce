//! The event catalogue: the event types a project declares, each with a description, a group, an
//! optional JSON Schema (draft 2020-12) for the events' `data` and an example.
//!
//! This module holds the wire types and the rules every adapter shares (names, lengths, sizes);
//! with the `server` feature, `schema` compiles schemas and checks data against them, and `cache`
//! keeps each project's compiled catalogue in memory for ingest.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::{
    account::check_text,
    event::{event_name_rule, is_event_name},
    FieldErrors,
};

#[cfg(feature = "server")]
pub(crate) mod cache;
pub mod form;
#[cfg(feature = "server")]
pub(crate) mod schema;

/// The largest schema or example, as compact JSON: a tenant's schema is compiled and kept in
/// every process's memory, so its size is bounded like any other input.
pub const DOCUMENT_MAX_BYTES: usize = 64 * 1024;

/// A type to declare, or the whole of a declared one: what `POST …/event-types` takes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct EventTypeIn {
    /// The event type, as events name it (`order.paid`): letters, digits, `_ - . :`, no
    /// wildcards.
    pub name: String,
    pub description: String,
    /// The group events of this type belong to.
    pub group: Option<String>,
    /// A JSON Schema (draft 2020-12) that the events' `data` must pass; none: any data.
    /// References resolve only within the document.
    pub schema: Option<Value>,
    /// An example of `data`; it must pass `schema`.
    pub example: Option<Value>,
    /// Still accepted, but producers should move off it.
    pub deprecated: bool,
}

/// A declared event type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventTypeOut {
    pub name: String,
    pub description: String,
    pub group: Option<String>,
    pub schema: Option<Value>,
    pub example: Option<Value>,
    pub deprecated: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A change to a declared type (a JSON merge patch): a field left out keeps its value, one sent as
/// `null` goes back to its default. The name is the type's key and does not change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct EventTypePatch {
    #[serde(deserialize_with = "given", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub description: Option<Option<String>>,
    #[serde(deserialize_with = "given", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub group: Option<Option<String>>,
    #[serde(deserialize_with = "given", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub schema: Option<Option<Value>>,
    #[serde(deserialize_with = "given", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub example: Option<Option<Value>>,
    #[serde(deserialize_with = "given", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub deprecated: Option<Option<bool>>,
}

/// A field that is present: `Some(None)` when it is `null`. (Absent fields take the `default`,
/// `None`.)
fn given<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

impl EventTypePatch {
    /// The stored type with this patch on top, as a whole type to validate again (an example
    /// must still pass a changed schema).
    pub fn apply(self, stored: &EventTypeOut) -> EventTypeIn {
        /// An optional field: `null` clears it.
        fn optional<T: Clone>(patch: Option<Option<T>>, stored: &Option<T>) -> Option<T> {
            patch.unwrap_or_else(|| stored.clone())
        }
        EventTypeIn {
            name: stored.name.clone(),
            description: optional(self.description, &Some(stored.description.clone()))
                .unwrap_or_default(),
            group: optional(self.group, &stored.group),
            schema: optional(self.schema, &stored.schema),
            example: optional(self.example, &stored.example),
            deprecated: optional(self.deprecated, &Some(stored.deprecated)).unwrap_or_default(),
        }
    }
}

impl EventTypeIn {
    /// The rules that need no compiler: the name, the texts' lengths, the documents' sizes and
    /// NUL characters. The schema itself is compiled by the engine (see `schema::TypeSchema`).
    pub fn validate(mut self) -> Result<EventTypeIn, FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.refuse_nul("", &self);
        self.name = self.name.trim().to_owned();
        if self.name.is_empty() {
            errors.add("name", "is required");
        } else if self.name.contains('*') {
            errors.add(
                "name",
                "must not contain wildcards ('*'): a type names one kind of event",
            );
        } else if !is_event_name(&self.name) {
            errors.add("name", event_name_rule());
        }
        check_text(&mut errors, "description", &self.description);
        self.group = self
            .group
            .map(|g| g.trim().to_owned())
            .filter(|g| !g.is_empty());
        if self.group.as_deref().is_some_and(|g| !is_event_name(g)) {
            errors.add("group", event_name_rule());
        }
        for (field, document) in [("schema", &self.schema), ("example", &self.example)] {
            let size = document
                .as_ref()
                .map_or(0, |d| serde_json::to_vec(d).map_or(usize::MAX, |t| t.len()));
            if size > DOCUMENT_MAX_BYTES {
                errors.add(
                    field,
                    format!("must be at most {} KiB as JSON", DOCUMENT_MAX_BYTES / 1024),
                );
            }
        }
        errors.into_result(self)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::subscription::EVENT_TYPE_MAX_CHARS;

    fn named(name: &str) -> EventTypeIn {
        EventTypeIn {
            name: name.into(),
            ..EventTypeIn::default()
        }
    }

    #[test]
    fn names_follow_the_event_rules_without_wildcards() {
        assert_eq!(named(" order.paid ").validate().unwrap().name, "order.paid");
        assert!(named("order.*")
            .validate()
            .unwrap_err()
            .get("name")
            .unwrap()
            .contains("wildcards"));
        assert!(named("*").validate().is_err());
        assert!(named("a b").validate().is_err());
        assert_eq!(
            named("").validate().unwrap_err().get("name"),
            Some("is required")
        );
        assert!(named(&"t".repeat(EVENT_TYPE_MAX_CHARS)).validate().is_ok());
        assert!(named(&"t".repeat(EVENT_TYPE_MAX_CHARS + 1))
            .validate()
            .is_err());
    }

    #[test]
    fn texts_and_documents_are_bounded_and_nul_free() {
        let input = EventTypeIn {
            description: "d".repeat(5000),
            group: Some("a group".into()),
            schema: Some(json!({"description": "x".repeat(DOCUMENT_MAX_BYTES)})),
            example: Some(json!("x".repeat(DOCUMENT_MAX_BYTES))),
            ..named("t")
        };
        let errors = input.validate().unwrap_err();
        for field in ["description", "group", "schema", "example"] {
            assert!(errors.get(field).is_some(), "{field} not reported");
        }
        let errors = EventTypeIn {
            example: Some(json!({"k": "a\u{0}"})),
            ..named("t")
        }
        .validate()
        .unwrap_err();
        assert!(errors.get("example.k").is_some());
    }

    #[test]
    fn a_patch_keeps_resets_or_replaces_each_field() {
        let stored = EventTypeOut {
            name: "t".into(),
            description: "kept".into(),
            group: Some("g".into()),
            schema: Some(json!({"type": "object"})),
            example: Some(json!({})),
            deprecated: true,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        let patch: EventTypePatch =
            serde_json::from_value(json!({"group": null, "schema": true, "deprecated": false}))
                .unwrap();
        let applied = patch.apply(&stored);
        assert_eq!(applied.description, "kept");
        assert_eq!(applied.group, None);
        assert_eq!(applied.schema, Some(json!(true)));
        assert_eq!(applied.example, Some(json!({})));
        assert!(!applied.deprecated);
    }
}
