//! Server functions for the event catalogue: list, look up, save, delete, send a type's example,
//! and the type names the dashboard's event-type inputs suggest.

use engine::{catalogue::EventTypeOut, event::Ingested, page::Paged};
use leptos::{prelude::*, server_fn::codec::Json};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::engine_and_caller;
use crate::error::AppError;

/// The catalogue editor's form, as typed: the schema and the example are JSON text.
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
        let text = |document: &Option<serde_json::Value>| {
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
    #[cfg(feature = "ssr")]
    fn into_input(self) -> Result<engine::catalogue::EventTypeIn, engine::FieldErrors> {
        let mut errors = engine::FieldErrors::default();
        let mut document = |field: &str, text: &str| match text.trim() {
            "" => None,
            text => serde_json::from_str(text)
                .map_err(|e| errors.add(field, format!("is not JSON: {e}")))
                .ok(),
        };
        let (schema, example) = (
            document("schema", &self.schema),
            document("example", &self.example),
        );
        errors.into_result(engine::catalogue::EventTypeIn {
            name: self.name,
            description: self.description,
            group: Some(self.group),
            schema,
            example,
            deprecated: self.deprecated,
        })
    }
}

/// One page of the project's event types, in name order.
#[server(prefix = "/_hookhub")]
pub async fn list_event_types(
    project: String,
    cursor: Option<String>,
) -> Result<Paged<EventTypeOut>, AppError> {
    let (engine, caller) = engine_and_caller()?;
    let page = engine::page::PageRequest {
        limit: None,
        cursor,
    };
    Ok(engine.list_event_types(&caller, &project, page).await?)
}

/// The declared type of that name, or none: most events' types need not be declared, so an
/// undeclared one is not an error here.
#[server(prefix = "/_hookhub")]
pub async fn find_event_type(
    project: String,
    name: String,
) -> Result<Option<EventTypeOut>, AppError> {
    let (engine, caller) = engine_and_caller()?;
    match engine.get_event_type(&caller, &project, &name).await {
        Ok(declared) => Ok(Some(declared)),
        Err(engine::EngineError::NotFound(_)) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// Declares the type (`editing` none) or replaces every field of the declared type `editing`
/// (whose name does not change).
#[server(prefix = "/_hookhub", input = Json)]
pub async fn save_event_type(
    project: String,
    editing: Option<String>,
    form: EventTypeForm,
) -> Result<EventTypeOut, AppError> {
    let (engine, caller) = engine_and_caller()?;
    let input = form.into_input()?;
    Ok(match editing {
        None => engine.create_event_type(&caller, &project, input).await?,
        Some(name) => {
            let patch = engine::catalogue::EventTypePatch {
                description: Some(Some(input.description)),
                group: Some(input.group),
                schema: Some(input.schema),
                example: Some(input.example),
                deprecated: Some(Some(input.deprecated)),
            };
            engine
                .update_event_type(&caller, &project, &name, patch)
                .await?
        }
    })
}

#[server(prefix = "/_hookhub")]
pub async fn delete_event_type(project: String, name: String) -> Result<(), AppError> {
    let (engine, caller) = engine_and_caller()?;
    Ok(engine.delete_event_type(&caller, &project, &name).await?)
}

/// Ingests the type's example as an event of that type (and group), as its producer would send
/// it: it goes through the catalogue and to the subscriptions like any other.
#[server(prefix = "/_hookhub")]
pub async fn send_example(project: String, name: String) -> Result<Ingested, AppError> {
    let (engine, caller) = engine_and_caller()?;
    let declared = engine.get_event_type(&caller, &project, &name).await?;
    let event = engine::event::EventIn {
        event_type: declared.name,
        group: declared.group,
        data: declared.example,
        ..Default::default()
    };
    Ok(engine.ingest_event(&caller, &project, event).await?)
}

/// The event types to suggest in the dashboard's type inputs: the catalogue's (its first page:
/// a suggestion list, not an index), then the types events came with lately and Hookhub's own.
#[server(prefix = "/_hookhub")]
pub async fn event_type_suggestions(project: String) -> Result<Vec<String>, AppError> {
    let (engine, caller) = engine_and_caller()?;
    let page = engine::page::PageRequest {
        limit: Some(engine::page::MAX_PAGE_SIZE.into()),
        cursor: None,
    };
    let declared = engine.list_event_types(&caller, &project, page).await?;
    let mut names: Vec<String> = declared.data.into_iter().map(|t| t.name).collect();
    names.extend(engine.known_event_types(&caller, &project).await?);
    names.sort();
    names.dedup();
    Ok(names)
}
