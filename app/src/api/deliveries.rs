//! Server functions for deliveries: list, read with attempts, retry now, recover failures, and
//! a paused subscription's held deliveries (count, discard).

use engine::{
    delivery::{Delivery, DeliveryDetail},
    ids::{DeliveryId, EventId, SubscriptionId},
    page::Paged,
};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::engine_and_caller;
use crate::error::AppError;

/// One page of deliveries, newest first: of one subscription or event, in one status, if given.
#[server(prefix = "/_hookhub")]
pub async fn list_deliveries(
    project: String,
    subscription: Option<SubscriptionId>,
    event: Option<EventId>,
    status: Option<String>,
    cursor: Option<String>,
) -> Result<Paged<Delivery>, AppError> {
    let (engine, caller) = engine_and_caller()?;
    let filter = engine::service::DeliveryFilter {
        subscription_id: subscription,
        event_id: event,
        status,
        page: engine::page::PageRequest {
            limit: None,
            cursor,
        },
    };
    Ok(engine.list_deliveries(&caller, &project, filter).await?)
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
