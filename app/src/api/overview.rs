//! Server functions for a project's overview and a subscription's health panel.

use engine::{
    ids::SubscriptionId,
    overview::{EndpointHealth, Overview, Window},
};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::engine_and_caller;
use crate::error::AppError;

#[server(prefix = "/_hookhub")]
pub async fn project_overview(project: String, window: Window) -> Result<Overview, AppError> {
    let (engine, caller) = engine_and_caller()?;
    Ok(engine.overview(&caller, &project, window).await?)
}

#[server(prefix = "/_hookhub")]
pub async fn get_endpoint_health(
    project: String,
    id: SubscriptionId,
) -> Result<EndpointHealth, AppError> {
    let (engine, caller) = engine_and_caller()?;
    Ok(engine.endpoint_health(&caller, &project, id).await?)
}
