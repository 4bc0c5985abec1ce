//! Inbound: objects events are about (e.g. a service) and the handlers whose secret call URLs
//! turn a call into an event on that object (`<object type>.<operation>`, e.g.
//! `service.redeploy`), so that everyone subscribed hears of it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
