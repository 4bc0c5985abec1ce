//! What a page reads from its URL: the project, ids in the path, filters in the query.

use std::{future::Future, str::FromStr};

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::error::AppError;

/// The `:project` of the current path.
pub fn project_param() -> Signal<String> {
    let params = use_params_map();
    Signal::derive(move || params.read().get("project").unwrap_or_default())
}

/// A typed id from the path; `None` when it does not parse (the page then says not found).
pub fn id_param<T>(name: &'static str) -> Signal<Option<T>>
where
    T: FromStr + Clone + Send + Sync + 'static,
{
    let params = use_params_map();
    Signal::derive(move || params.read().get(name).and_then(|v| v.parse().ok()))
}

/// A query parameter; blank counts as absent.
pub fn query_param(name: &'static str) -> Signal<Option<String>> {
    let query = use_query_map();
    Signal::derive(move || query.read().get(name).filter(|v| !v.trim().is_empty()))
}

/// Fetches what the path's id names; an id that does not even parse is "… not found".
pub async fn fetch_by_id<I, T, F>(
    what: &'static str,
    id: Option<I>,
    fetch: impl FnOnce(I) -> F,
) -> Result<T, AppError>
where
    F: Future<Output = Result<T, AppError>>,
{
    match id {
        Some(id) => fetch(id).await,
        None => Err(AppError::not_found(what)),
    }
}
