//! Server functions for the projects page: a page of projects and creating one.

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
