//! Inbound: objects events are about (e.g. a service) and the handlers whose secret call URLs
//! turn a call into an event on that object (`<object type>.<operation>`, e.g.
//! `service.redeploy`), so that everyone subscribed hears of it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    event::is_event_name,
    ids::{HandlerId, ObjectId},
    FieldErrors,
};

pub const NAME_MAX_CHARS: usize = 128;
/// What a handler does when nothing else is asked for.
pub const DEFAULT_OPERATION: &str = "redeploy";

/// An object registered in a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectObject {
    pub id: ObjectId,
    pub project: String,
    #[serde(rename = "type")]
    pub object_type: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ObjectIn {
    #[serde(rename = "type")]
    pub object_type: String,
    pub name: String,
}

impl ObjectIn {
    pub fn validate(self) -> Result<ObjectIn, FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.refuse_nul("", &self);
        if !is_event_name(&self.object_type) || self.object_type.contains('.') {
            errors.add(
                "type",
                "must be a word of letters, digits, _ or - (e.g. service)",
            );
        }
        check_name(&mut errors, "name", &self.name);
        errors.into_result(self)
    }
}

/// An inbound handler: calling its URL performs `operation` on its object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Handler {
    pub id: HandlerId,
    pub object_id: ObjectId,
    pub name: String,
    pub operation: String,
    pub call_count: i64,
    pub last_called_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Handler {
    /// The path that calls it, under the server's address: the ids are its secret.
    pub fn call_path(&self) -> String {
        format!("/api/v1/inbound/{}/{}", self.object_id, self.id)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct HandlerIn {
    /// Defaults to the operation's name.
    pub name: Option<String>,
    /// Defaults to `redeploy`.
    pub operation: Option<String>,
}

/// Which of an object's handlers a list shows (the filters Tutum's API offers).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HandlerFilter {
    /// Exactly this name.
    pub name: Option<String>,
    /// Ids whose text (lowercase `8-4-4-4-12` hex) starts with this.
    pub id_prefix: Option<String>,
}

/// Where the hyphens of a UUID's text are.
const UUID_HYPHENS: [usize; 4] = [8, 13, 18, 23];

/// The first and last ids whose text starts with `prefix`, or `None` when no id's text can:
/// ids sort like their hex digits on both backends, so a prefix is a range of ids.
pub fn id_range(prefix: &str) -> Option<(Uuid, Uuid)> {
    let mut digits = String::with_capacity(32);
    for (i, c) in prefix.chars().enumerate() {
        match (UUID_HYPHENS.contains(&i), c) {
            (true, '-') => {}
            (false, '0'..='9' | 'a'..='f') if i < 36 => digits.push(c),
            _ => return None,
        }
    }
    let padded = |fill: char| {
        let padding = std::iter::repeat_n(fill, 32 - digits.len());
        Uuid::try_parse(&digits.chars().chain(padding).collect::<String>()).ok()
    };
    Some((padded('0')?, padded('f')?))
}

/// A validated [`HandlerIn`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidHandler {
    pub name: String,
    pub operation: String,
}

impl HandlerIn {
    pub fn validate(self) -> Result<ValidHandler, FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.refuse_nul("", &self);
        let operation = self
            .operation
            .unwrap_or_else(|| DEFAULT_OPERATION.to_owned());
        if !is_event_name(&operation) || operation.contains('.') {
            errors.add(
                "operation",
                "must be a word of letters, digits, _ or - (e.g. redeploy)",
            );
        }
        let name = self.name.unwrap_or_else(|| operation.clone());
        check_name(&mut errors, "name", &name);
        errors.into_result(ValidHandler { name, operation })
    }
}

/// What calling a handler did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Call {
    pub handler: Handler,
    pub object: ProjectObject,
    /// The event it emitted, e.g. `service.redeploy`.
    pub event_type: String,
    pub event_id: crate::ids::EventId,
    /// How many subscriptions it was queued for.
    pub matched: usize,
}

fn check_name(errors: &mut FieldErrors, field: &str, name: &str) {
    let length = name.chars().count();
    if name.trim().is_empty() || length > NAME_MAX_CHARS {
        errors.add(field, format!("must be 1 to {NAME_MAX_CHARS} characters"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handlers_default_to_redeploy_and_name_themselves_after_it() {
        let valid = HandlerIn::default().validate().unwrap();
        assert_eq!(valid.operation, "redeploy");
        assert_eq!(valid.name, "redeploy");
        let errors = HandlerIn {
            name: Some(String::new()),
            operation: Some("service.redeploy".into()),
        }
        .validate()
        .unwrap_err();
        assert!(errors.get("name").is_some() && errors.get("operation").is_some());
    }

    #[test]
    fn an_id_prefix_is_the_range_of_ids_whose_text_starts_with_it() {
        let id = Uuid::parse_str("82d4a246-52d8-468d-903d-9da9ef05ff28").unwrap();
        let text = id.to_string();
        for len in [0, 1, 8, 9, 10, 20, 36] {
            let (first, last) = id_range(&text[..len]).expect("a prefix of an id");
            assert!(first <= id && id <= last, "{}", &text[..len]);
        }
        let (first, last) = id_range("82d4a246-5").unwrap();
        assert_eq!(first.to_string(), "82d4a246-5000-0000-0000-000000000000");
        assert_eq!(last.to_string(), "82d4a246-5fff-ffff-ffff-ffffffffffff");
        for impossible in [
            "82d4a2465",
            "82D4",
            "g",
            "82d4a246-52d8-468d-903d-9da9ef05ff28a",
            "é",
        ] {
            assert_eq!(id_range(impossible), None, "{impossible}");
        }
    }

    #[test]
    fn objects_need_a_plain_type_and_a_name() {
        let ok = ObjectIn {
            object_type: "service".into(),
            name: "web".into(),
        };
        assert!(ok.validate().is_ok());
        let errors = ObjectIn {
            object_type: "a.b".into(),
            name: "x".repeat(129),
        }
        .validate()
        .unwrap_err();
        assert!(errors.get("type").is_some() && errors.get("name").is_some());
    }
}
