//! Server functions for the projects page (a page of projects, creating one) and for a project's
//! own settings (whether its event catalogue is strict).

use engine::{account::Project, page::Paged};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::engine_and_caller;
use crate::error::AppError;

/// One page of the projects the caller reaches, in name order.
#[server(prefix = "/_hookhub")]
pub async fn project_page(cursor: Option<String>) -> Result<Paged<Project>, AppError> {
    let (engine, caller) = engine_and_caller()?;
    let page = engine::page::PageRequest {
        limit: None,
        cursor,
    };
    Ok(engine.list_projects(&caller, page).await?)
}

/// Creates a project; installation admins only (the engine decides).
#[server(prefix = "/_hookhub")]
pub async fn create_project(name: String, description: String) -> Result<Project, AppError> {
    let (engine, caller) = engine_and_caller()?;
    let input = engine::account::ProjectIn { name, description };
    Ok(engine.create_project(&caller, input).await?)
}

/// One project, by name.
#[server(prefix = "/_hookhub")]
pub async fn get_project(project: String) -> Result<Project, AppError> {
    let (engine, caller) = engine_and_caller()?;
    Ok(engine.get_project(&caller, &project).await?)
}

/// Makes the project's catalogue strict (ingest refuses undeclared types and invalid data) or
/// lenient (accepts and flags them); administrators only (the engine decides). A browser's own
/// post (before hydration) goes back to the catalogue.
#[server(prefix = "/_hookhub")]
pub async fn set_project_strict(project: String, strict: bool) -> Result<Project, AppError> {
    let updated = set_strict(&project, strict).await;
    crate::context::answer_plain_post(&updated, |_| format!("/projects/{project}/event-types"));
    updated
}

#[cfg(feature = "ssr")]
async fn set_strict(project: &str, strict: bool) -> Result<Project, AppError> {
    let (engine, caller) = engine_and_caller()?;
    let patch = engine::account::ProjectPatch {
        strict: Some(strict),
        ..Default::default()
    };
    Ok(engine.update_project(&caller, project, patch).await?)
}
