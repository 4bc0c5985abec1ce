//! Server function for a project's overview.

use engine::overview::{Overview, Window};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::engine_and_caller;
use crate::error::AppError;

#[server(prefix = "/_hookhub")]
pub async fn project_overview(project: String, window: Window) -> Result<Overview, AppError> {
    let (engine, caller) = engine_and_caller()?;
    Ok(engine.overview(&caller, &project, window).await?)
}
