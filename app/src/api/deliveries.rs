//! Server functions for deliveries: find (filters and search), read with attempts, retry one or
//! many now, recover failures, and a paused subscription's held deliveries (count, discard).

use engine::{
    delivery::{Delivery, DeliveryDetail, RetriedMany},
    ids::{DeliveryId, SubscriptionId},
    page::Paged,
};
use leptos::{prelude::*, server_fn::codec::Json};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::engine_and_caller;
use crate::error::AppError;

/// What the delivery list is narrowed to, as the page's URL query and props say it: every value
/// is text as typed (blank: no filter); the engine reads and checks them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeliverySearch {
    pub subscription: Option<String>,
    pub event: Option<String>,
    pub event_type: Option<String>,
    pub status: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub q: Option<String>,
    /// Deliveries per page.
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

/// One page of deliveries, newest first, narrowed as `search` says.
#[server(prefix = "/_hookhub", input = Json)]
pub async fn list_deliveries(
    project: String,
    search: DeliverySearch,
) -> Result<Paged<Delivery>, AppError> {
    let (engine, caller) = engine_and_caller()?;
    let limit = search
        .limit
        .map(|text| text.trim().parse())
        .transpose()
        .map_err(|_| {
            let mut errors = engine::FieldErrors::default();
            errors.add("limit", "must be a number");
            errors
        })?;
    let filter = engine::service::DeliveryFilter {
        subscription_id: search.subscription,
        event_id: search.event,
        event_type: search.event_type,
        status: search.status,
        since: search.since,
        until: search.until,
        q: search.q,
        page: engine::page::PageRequest {
            limit,
            cursor: search.cursor,
        },
    };
    Ok(engine.list_deliveries(&caller, &project, filter).await?)
}

/// The project's subscriptions by name (the first page of the largest size), to pick one to
/// filter by.
#[server(prefix = "/_hookhub")]
pub async fn subscription_choices(
    project: String,
) -> Result<Vec<(SubscriptionId, String)>, AppError> {
    let (engine, caller) = engine_and_caller()?;
    let filter = engine::subscription::SubscriptionFilter {
        page: engine::page::PageRequest {
            limit: Some(engine::page::MAX_PAGE_SIZE.into()),
            cursor: None,
        },
        ..Default::default()
    };
    let page = engine.list_subscriptions(&caller, &project, filter).await?;
    Ok(page.data.into_iter().map(|s| (s.id, s.spec.name)).collect())
}

/// Makes each delivery due now (write role); those being sent at this moment are skipped.
#[server(prefix = "/_hookhub", input = Json)]
pub async fn retry_deliveries(
    project: String,
    ids: Vec<DeliveryId>,
) -> Result<RetriedMany, AppError> {
    let (engine, caller) = engine_and_caller()?;
    let request = engine::delivery::RetryMany { ids };
    Ok(engine.retry_deliveries(&caller, &project, request).await?)
}

#[server(prefix = "/_hookhub")]
pub async fn get_delivery(project: String, id: DeliveryId) -> Result<DeliveryDetail, AppError> {
    let (engine, caller) = engine_and_caller()?;
    Ok(engine.get_delivery(&caller, &project, id).await?)
}

#[server(prefix = "/_hookhub")]
pub async fn retry_delivery(project: String, id: DeliveryId) -> Result<Delivery, AppError> {
    let (engine, caller) = engine_and_caller()?;
    Ok(engine.retry_delivery(&caller, &project, id).await?)
}

/// Queues again the subscription's failed deliveries created since `since` (form text, UTC).
#[server(prefix = "/_hookhub")]
pub async fn recover_failed(
    project: String,
    subscription: SubscriptionId,
    since: String,
) -> Result<u64, AppError> {
    let (engine, caller) = engine_and_caller()?;
    let since = engine::page::parse_time(&since)
        .and_then(|time| time.ok_or_else(|| "is required".to_owned()))
        .map_err(|e| {
            let mut errors = engine::FieldErrors::default();
            errors.add("since", e);
            errors
        })?;
    Ok(engine
        .recover_failed(&caller, &project, subscription, since)
        .await?)
}

/// How many of the subscription's deliveries wait, held, while it is disabled or failed.
#[server(prefix = "/_hookhub")]
pub async fn held_deliveries(
    project: String,
    subscription: SubscriptionId,
) -> Result<u64, AppError> {
    let (engine, caller) = engine_and_caller()?;
    Ok(engine
        .held_deliveries(&caller, &project, subscription)
        .await?)
}

/// Cancels every held delivery of the subscription (write role); returns how many.
#[server(prefix = "/_hookhub")]
pub async fn discard_held_deliveries(
    project: String,
    subscription: SubscriptionId,
) -> Result<u64, AppError> {
    let (engine, caller) = engine_and_caller()?;
    Ok(engine
        .discard_held_deliveries(&caller, &project, subscription)
        .await?)
}
