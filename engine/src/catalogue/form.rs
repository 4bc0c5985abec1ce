//! The catalogue editor's form, as the dashboard types it: the schema and the example are JSON
//! text, read here into an [`EventTypeIn`] for the engine to validate.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{EventTypeIn, EventTypeOut, EventTypePatch};
use crate::{subscription::form::json_text, FieldErrors};

/// The catalogue editor's form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventTypeForm {
    pub name: String,
    pub group: String,
    pub description: String,
    pub schema: String,
    pub example: String,
    pub deprecated: bool,
}

impl EventTypeForm {
    /// A declared type, to edit: its documents pretty-printed.
    pub fn of(declared: &EventTypeOut) -> EventTypeForm {
        let text = |document: &Option<Value>| {
            document
                .as_ref()
                .and_then(|d| serde_json::to_string_pretty(d).ok())
                .unwrap_or_default()
        };
        EventTypeForm {
            name: declared.name.clone(),
            group: declared.group.clone().unwrap_or_default(),
            description: declared.description.clone(),
            schema: text(&declared.schema),
            example: text(&declared.example),
            deprecated: declared.deprecated,
        }
    }

    /// The type the form describes, not yet validated (the engine does that). Fails only when a
    /// document is not JSON, reported under the field's own name; blank means none.
    pub fn into_input(self) -> Result<EventTypeIn, FieldErrors> {
        let mut errors = FieldErrors::default();
        let schema = json_text(&mut errors, "schema", &self.schema);
        let example = json_text(&mut errors, "example", &self.example);
        errors.into_result(EventTypeIn {
            name: self.name,
            description: self.description,
            group: Some(self.group),
            schema,
            example,
            deprecated: self.deprecated,
        })
    }

    /// The form as an edit of a declared type that sets every field it shows (the name, its key,
    /// stays); blank documents clear theirs.
    pub fn into_patch(self) -> Result<EventTypePatch, FieldErrors> {
        let input = self.into_input()?;
        Ok(EventTypePatch {
            description: Some(Some(input.description)),
            group: Some(input.group),
            schema: Some(input.schema),
            example: Some(input.example),
            deprecated: Some(Some(input.deprecated)),
        })
    }
}
