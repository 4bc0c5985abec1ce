//! Server functions for events: list, read, send, replay.

use engine::{
    event::{Event, EventForm, Ingested},
    ids::{EventId, SubscriptionId},
    page::Paged,
};
use leptos::{prelude::*, server_fn::codec::Json};

#[cfg(feature = "ssr")]
use super::engine_and_caller;
use crate::error::AppError;

/// One page of events, of one type (`order.*` by prefix) and received in a time range if given
/// (form text), without Hookhub's own reports when `hide_operational`.
#[server(prefix = "/_hookhub")]
pub async fn list_events(
    project: String,
    event_type: Option<String>,
    hide_operational: bool,
    since: Option<String>,
    until: Option<String>,
    cursor: Option<String>,
) -> Result<Paged<Event>, AppError> {
    let (engine, caller) = engine_and_caller()?;
    let mut errors = engine::FieldErrors::default();
    let mut time = |field: &str, text: Option<String>| {
        engine::page::parse_time(text.as_deref().unwrap_or_default())
            .map_err(|e| errors.add(field, e))
            .ok()
            .flatten()
    };
    let (since, until) = (time("since", since), time("until", until));
    let filter = engine::service::EventFilter {
        event_type,
        hide_operational: Some(hide_operational),
        since,
        until,
        page: engine::page::PageRequest {
            limit: None,
            cursor,
        },
    };
    errors.into_result(())?;
    Ok(engine.list_events(&caller, &project, filter).await?)
}

#[server(prefix = "/_hookhub")]
pub async fn get_event(project: String, id: EventId) -> Result<Event, AppError> {
    let (engine, caller) = engine_and_caller()?;
    Ok(engine.get_event(&caller, &project, id).await?)
}

/// Ingests the event the form describes; says how many subscriptions it matched.
#[server(prefix = "/_hookhub", input = Json)]
pub async fn send_event(project: String, form: EventForm) -> Result<Ingested, AppError> {
    let (engine, caller) = engine_and_caller()?;
    Ok(engine
        .ingest_event(&caller, &project, form.into_input()?)
        .await?)
}

/// Delivers the event again to one subscription, or to every one it matches now.
#[server(prefix = "/_hookhub")]
pub async fn replay_event(
    project: String,
    id: EventId,
    subscription: Option<SubscriptionId>,
) -> Result<usize, AppError> {
    let (engine, caller) = engine_and_caller()?;
    Ok(engine
        .replay_event(&caller, &project, id, subscription)
        .await?)
}
