//! Server functions for inbound handlers: objects (e.g. services) and their secret call URLs.

use engine::{
    ids::{HandlerId, ObjectId},
    inbound::{Handler, ProjectObject},
    page::Paged,
};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::engine_and_caller;
use crate::error::AppError;

/// Handlers shown per object; more are reachable through the API.
pub const HANDLERS_SHOWN: u32 = 100;

/// One page of the project's objects, each with its handlers.
#[server(prefix = "/_hookhub")]
pub async fn list_objects(
    project: String,
    cursor: Option<String>,
) -> Result<Paged<(ProjectObject, Vec<Handler>)>, AppError> {
    let (engine, caller) = engine_and_caller()?;
    let page = engine::page::PageRequest {
        limit: None,
        cursor,
    };
    let objects = engine.list_objects(&caller, &project, None, page).await?;
    let mut data = Vec::with_capacity(objects.data.len());
    for object in objects.data {
        let (handlers, _) = engine
            .list_handlers(&caller, &project, object.id, 0, HANDLERS_SHOWN)
            .await?;
        data.push((object, handlers));
    }
    Ok(Paged {
        data,
        next_cursor: objects.next_cursor,
    })
}

#[server(prefix = "/_hookhub")]
pub async fn create_object(
    project: String,
    object_type: String,
    name: String,
) -> Result<ProjectObject, AppError> {
    let (engine, caller) = engine_and_caller()?;
    let input = engine::inbound::ObjectIn { object_type, name };
    Ok(engine.create_object(&caller, &project, input).await?)
}

#[server(prefix = "/_hookhub")]
pub async fn delete_object(project: String, id: ObjectId) -> Result<(), AppError> {
    let (engine, caller) = engine_and_caller()?;
    Ok(engine.delete_object(&caller, &project, id).await?)
}

/// A new handler; a blank name is named after its operation.
#[server(prefix = "/_hookhub")]
pub async fn create_handler(
    project: String,
    object: ObjectId,
    name: String,
    operation: String,
) -> Result<Handler, AppError> {
    let (engine, caller) = engine_and_caller()?;
    let blank_is_none = |text: String| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
    let input = engine::inbound::HandlerIn {
        name: blank_is_none(name),
        operation: blank_is_none(operation),
    };
    let mut created = engine
        .create_handlers(&caller, &project, object, vec![input])
        .await?;
    Ok(created.remove(0))
}

#[server(prefix = "/_hookhub")]
pub async fn delete_handler(
    project: String,
    object: ObjectId,
    id: HandlerId,
) -> Result<(), AppError> {
    let (engine, caller) = engine_and_caller()?;
    Ok(engine.delete_handler(&caller, &project, object, id).await?)
}
