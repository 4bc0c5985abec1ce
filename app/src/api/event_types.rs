//! Server functions for the event catalogue: list, look up, save, delete, send a type's example,
//! and the type names the dashboard's event-type inputs suggest.

use engine::{
    catalogue::{form::EventTypeForm, EventTypeOut},
    event::Ingested,
    page::Paged,
};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::engine_and_caller;
use crate::error::AppError;

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
/// (whose name does not change). Form-encoded, so that the catalogue's plain `<form
/// method="post">` reaches it before the page hydrates (or without JavaScript): such a post goes
/// back to the catalogue, with the error in its address when there is one.
#[server(prefix = "/_hookhub")]
pub async fn save_event_type(
    project: String,
    editing: Option<String>,
    form: EventTypeForm,
) -> Result<EventTypeOut, AppError> {
    let saved = save(&project, editing, form).await;
    crate::context::answer_plain_post(&saved, |_| format!("/projects/{project}/event-types"));
    saved
}

#[cfg(feature = "ssr")]
async fn save(
    project: &str,
    editing: Option<String>,
    form: EventTypeForm,
) -> Result<EventTypeOut, AppError> {
    let (engine, caller) = engine_and_caller()?;
    Ok(match editing {
        None => {
            let input = form.into_input()?;
            engine.create_event_type(&caller, project, input).await?
        }
        Some(name) => {
            let patch = form.into_patch()?;
            engine
                .update_event_type(&caller, project, &name, patch)
                .await?
        }
    })
}

#[server(prefix = "/_hookhub")]
pub async fn delete_event_type(project: String, name: String) -> Result<(), AppError> {
    let (engine, caller) = engine_and_caller()?;
    Ok(engine.delete_event_type(&caller, &project, &name).await?)
}

/// Ingests the type's example as an event of that type (see [`engine::Engine::send_example`]).
#[server(prefix = "/_hookhub")]
pub async fn send_example(project: String, name: String) -> Result<Ingested, AppError> {
    let (engine, caller) = engine_and_caller()?;
    Ok(engine.send_example(&caller, &project, &name).await?)
}

/// The event types to suggest in the dashboard's type inputs (see
/// [`engine::Engine::known_event_types`]).
#[server(prefix = "/_hookhub")]
pub async fn event_type_suggestions(project: String) -> Result<Vec<String>, AppError> {
    let (engine, caller) = engine_and_caller()?;
    Ok(engine.known_event_types(&caller, &project).await?)
}
