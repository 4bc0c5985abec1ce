//! Events: what a producer sends in, the rules it must pass, and the document filters see.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

// An event names its type and object as subscriptions select them, under the same limits.
use crate::{
    ids::EventId,
    subscription::{EVENT_TYPE_MAX_CHARS, OBJECT_FIELD_MAX_CHARS},
    FieldErrors,
};

pub const MESSAGE_MAX_CHARS: usize = 4096;
pub const IDEMPOTENCY_KEY_MAX_CHARS: usize = 256;
pub const BATCH_MAX: usize = 500;
pub const LEVELS: &[&str] = &["debug", "info", "warning", "error", "critical"];
/// The group of Hookhub's own reports (`delivery.exhausted`, …).
pub const OPERATIONAL_GROUP: &str = "hookhub";
/// The types of Hookhub's own reports, in [`OPERATIONAL_GROUP`].
pub const OPERATIONAL_TYPES: &[&str] = &[
    "delivery.exhausted",
    "delivery.recovered",
    "subscription.disabled",
];

/// The object an event is about, e.g. a deployment and its version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObjectRef {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
}

/// An event as a producer sends it, not yet validated.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct EventIn {
    #[serde(rename = "type")]
    pub event_type: String,
    pub group: Option<String>,
    pub object: Option<ObjectRef>,
    pub data: Option<Value>,
    pub message: String,
    pub level: Option<String>,
    pub occurred_at: Option<DateTime<Utc>>,
    /// A repeat with the same key returns the first event instead of creating another.
    pub idempotency_key: Option<String>,
}

/// A stored event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    pub id: EventId,
    pub project: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub group: Option<String>,
    pub object: Option<ObjectRef>,
    pub data: Value,
    pub message: String,
    pub level: String,
    pub occurred_at: DateTime<Utc>,
    pub idempotency_key: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Why the project's event catalogue would refuse this event (`{path: message}`, paths
    /// like `type` or `data.amount`), when the project is not strict and accepted it anyway;
    /// `null` when it passed or the project has no catalogue.
    #[serde(default)]
    pub schema_errors: Option<FieldErrors>,
}

impl Event {
    /// The JSON document filters are evaluated against (paths like `type`, `object.name`,
    /// `data.amount`).
    pub fn document(&self) -> Value {
        json!({
            "id": self.id,
            "type": self.event_type,
            "group": self.group,
            "object": self.object,
            "data": self.data,
            "message": self.message,
            "level": self.level,
        })
    }
}

/// Whether `text` is an event type or group name: letters, digits, `_ - . :` (as
/// [`event_name_rule`] tells people).
pub fn is_event_name(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= EVENT_TYPE_MAX_CHARS
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
}

/// [`is_event_name`] as a validation message says it.
pub fn event_name_rule() -> String {
    format!("may only contain letters, digits, '_', '-', '.' and ':', at most {EVENT_TYPE_MAX_CHARS} characters")
}

/// A type filter of a list, written as subscriptions write their types: `order.paid` exactly,
/// `order.*` every type that starts `order.`, `*` or blank every type. The one reading of that
/// rule for every list that filters by type (events, deliveries).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypePattern {
    pub exact: Option<String>,
    /// Types that start with this.
    pub prefix: Option<String>,
}

impl TypePattern {
    pub fn parse(text: Option<&str>) -> TypePattern {
        let pattern = text.map(str::trim).unwrap_or_default();
        let (exact, prefix) = match pattern.strip_suffix('*') {
            Some(prefix) => (None, Some(prefix).filter(|p| !p.is_empty())),
            None => (Some(pattern).filter(|t| !t.is_empty()), None),
        };
        TypePattern {
            exact: exact.map(str::to_owned),
            prefix: prefix.map(str::to_owned),
        }
    }
}

/// The result of ingesting one event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ingested {
    pub event: Event,
    /// How many subscriptions it was queued for (0 for a repeat).
    pub matched: usize,
    /// The idempotency key was seen before; `event` is the first one.
    pub repeated: bool,
}

/// The dashboard's "send event" form, as typed: the data is JSON text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventForm {
    pub event_type: String,
    pub object_type: String,
    pub object_name: String,
    pub data: String,
}

impl EventForm {
    /// The event the form describes, not yet validated: ingest validates every event, whoever
    /// sends it. Fails only when the data is not JSON (reported as `data`, the name validation
    /// would use).
    pub fn into_input(self) -> Result<EventIn, FieldErrors> {
        let mut errors = FieldErrors::default();
        let data = match self.data.trim() {
            "" => None,
            text => serde_json::from_str(text)
                .map_err(|e| errors.add("data", format!("is not JSON: {e}")))
                .ok(),
        };
        let object_name = Some(self.object_name.trim().to_owned()).filter(|n| !n.is_empty());
        let object =
            (!self.object_type.trim().is_empty() || object_name.is_some()).then(|| ObjectRef {
                kind: self.object_type.trim().to_owned(),
                name: object_name,
                version: None,
            });
        errors.into_result(EventIn {
            event_type: self.event_type,
            object,
            data,
            ..EventIn::default()
        })
    }
}

impl EventIn {
    /// Checks the event; `field_prefix` names its place in a batch (e.g. `events.3.`).
    pub fn validate(mut self, field_prefix: &str) -> Result<EventIn, FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.refuse_nul(field_prefix, &self);
        let field = |name: &str| format!("{field_prefix}{name}");
        self.event_type = self.event_type.trim().to_owned();
        if self.event_type.is_empty() {
            errors.add(field("type"), "is required");
        } else if !is_event_name(&self.event_type) {
            errors.add(field("type"), event_name_rule());
        }
        self.group = self
            .group
            .map(|g| g.trim().to_owned())
            .filter(|g| !g.is_empty());
        if self.group.as_deref().is_some_and(|g| !is_event_name(g)) {
            errors.add(field("group"), event_name_rule());
        }
        if let Some(object) = &self.object {
            let parts = [
                ("type", Some(&object.kind)),
                ("name", object.name.as_ref()),
                ("version", object.version.as_ref()),
            ];
            if object.kind.trim().is_empty() {
                errors.add(field("object.type"), "is required when an object is given");
            }
            for (name, value) in parts {
                if value.is_some_and(|v| v.chars().count() > OBJECT_FIELD_MAX_CHARS) {
                    errors.add(
                        field(&format!("object.{name}")),
                        format!("must be at most {OBJECT_FIELD_MAX_CHARS} characters"),
                    );
                }
            }
        }
        if self.message.chars().count() > MESSAGE_MAX_CHARS {
            errors.add(
                field("message"),
                format!("must be at most {MESSAGE_MAX_CHARS} characters"),
            );
        }
        match self.level.as_deref() {
            None => {}
            Some(level) if LEVELS.contains(&level) => {}
            Some(_) => errors.add(
                field("level"),
                format!("must be one of {}", LEVELS.join(", ")),
            ),
        }
        if self
            .idempotency_key
            .as_ref()
            .is_some_and(|k| k.is_empty() || k.chars().count() > IDEMPOTENCY_KEY_MAX_CHARS)
        {
            errors.add(
                field("idempotency_key"),
                format!("must be 1 to {IDEMPOTENCY_KEY_MAX_CHARS} characters"),
            );
        }
        errors.into_result(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(event_type: &str) -> EventIn {
        EventIn {
            event_type: event_type.into(),
            ..EventIn::default()
        }
    }

    #[test]
    fn type_filters_read_exact_prefix_or_all() {
        let exact = TypePattern::parse(Some(" order.paid "));
        assert_eq!(exact.exact.as_deref(), Some("order.paid"));
        assert_eq!(exact.prefix, None);
        let prefix = TypePattern::parse(Some("order.*"));
        assert_eq!(
            (prefix.exact, prefix.prefix.as_deref()),
            (None, Some("order."))
        );
        assert_eq!(TypePattern::parse(Some("*")), TypePattern::default());
        assert_eq!(TypePattern::parse(None), TypePattern::default());
    }

    #[test]
    fn the_send_form_is_read_and_ingest_validates_it() {
        let form = EventForm {
            event_type: "order.paid".into(),
            object_name: "web".into(),
            data: "{\"amount\": 5".into(),
            ..EventForm::default()
        };
        let errors = form.into_input().unwrap_err();
        assert!(errors.get("data").unwrap().starts_with("is not JSON"));
        let form = EventForm {
            event_type: "order.paid".into(),
            object_name: "web".into(),
            data: "{\"amount\": 5}".into(),
            ..EventForm::default()
        };
        let unchecked = form
            .into_input()
            .expect("the form reads; rules are ingest's");
        let errors = unchecked.validate("").unwrap_err();
        assert!(errors.get("object.type").is_some(), "a name needs a type");
        let form = EventForm {
            event_type: "order.paid".into(),
            object_type: "service".into(),
            data: "{\"amount\": 5}".into(),
            ..EventForm::default()
        };
        let event = form.into_input().unwrap();
        assert_eq!(event.object.unwrap().kind, "service");
        assert_eq!(event.data.unwrap()["amount"], 5);
    }

    /// Subscription validation checks the names it selects with this rule (in
    /// `subscription::validate`, around its wildcards): the two must agree on every name.
    #[test]
    fn a_name_is_an_event_name_exactly_when_a_subscription_may_select_it() {
        let longest = "t".repeat(EVENT_TYPE_MAX_CHARS);
        let too_long = format!("{longest}t");
        for name in [
            "order.paid",
            "a:b_c-d.9",
            "a b",
            "x*",
            "é",
            &longest,
            &too_long,
        ] {
            let selecting = crate::subscription::SubscriptionSpec {
                event_groups: vec![name.to_owned()],
                ..Default::default()
            };
            let selectable = selecting
                .validate()
                .err()
                .is_none_or(|errors| errors.get("event_groups").is_none());
            assert_eq!(is_event_name(name), selectable, "{name:?}");
        }
    }

    #[test]
    fn type_is_required_and_restricted() {
        assert!(input("deployment.created").validate("").is_ok());
        assert_eq!(
            input(" ").validate("").unwrap_err().get("type"),
            Some("is required")
        );
        assert!(input("a b").validate("").is_err());
        assert!(
            input("x*").validate("").is_err(),
            "wildcards are for subscriptions only"
        );
    }

    #[test]
    fn batch_positions_prefix_the_field_names() {
        let errors = input("").validate("events.3.").unwrap_err();
        assert!(errors.get("events.3.type").is_some());
    }

    #[test]
    fn level_object_and_key_are_checked() {
        let event = EventIn {
            level: Some("loud".into()),
            object: Some(ObjectRef::default()),
            idempotency_key: Some(String::new()),
            message: "m".repeat(MESSAGE_MAX_CHARS + 1),
            ..input("t")
        };
        let errors = event.validate("").unwrap_err();
        for field in ["level", "object.type", "idempotency_key", "message"] {
            assert!(errors.get(field).is_some(), "{field} not reported");
        }
    }
}
