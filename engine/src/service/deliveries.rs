//! Reading deliveries and their attempt logs.

use serde::Deserialize;

use super::{events::parse_cursor, Engine};
use crate::{
    account::{Caller, Role},
    delivery::{Attempt, Delivery, DeliveryDetail, DeliveryStatus},
    ids::{DeliveryId, EventId, SubscriptionId},
    page::{PageRequest, Paged},
    store::{
        attempts,
        deliveries::{self as rows, DeliveryQuery},
    },
    EngineError, FieldErrors,
};

/// Filters of the delivery list.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
#[serde(default)]
pub struct DeliveryFilter {
    /// Only deliveries to this subscription.
    pub subscription_id: Option<SubscriptionId>,
    /// Only deliveries of this event.
    pub event_id: Option<EventId>,
    /// `pending`, `sending`, `succeeded`, `failed`, `cancelled` or `held`.
    pub status: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", param(ignore))]
    pub page: PageRequest,
}

impl Engine {
    /// One page of the project's deliveries, newest first.
    pub async fn list_deliveries(
        &self,
        caller: &Caller,
        project: &str,
        filter: DeliveryFilter,
    ) -> Result<Paged<Delivery>, EngineError> {
        let project = self.authorize(caller, project, Role::Read).await?;
        let page = filter.page.validate()?;
        let before = parse_cursor(page.cursor.as_deref())?;
        let status = match filter.status.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some(text) => Some(DeliveryStatus::parse(text).ok_or_else(|| {
                let names: Vec<_> = DeliveryStatus::ALL.iter().map(|s| s.as_str()).collect();
                let mut errors = FieldErrors::default();
                errors.add("status", format!("must be one of {}", names.join(", ")));
                errors
            })?),
        };
        let query = DeliveryQuery {
            subscription: filter.subscription_id,
            event: filter.event_id,
            status,
            before,
            limit: page.limit + 1,
        };
        let deliveries = rows::list(&self.store, project, &query).await?;
        Ok(Paged::from_overfetch(deliveries, page.limit, |d| {
            d.id.to_string()
        }))
    }

    /// A delivery with every attempt made so far.
    pub async fn get_delivery(
        &self,
        caller: &Caller,
        project: &str,
        id: DeliveryId,
    ) -> Result<DeliveryDetail, EngineError> {
        let project = self.authorize(caller, project, Role::Read).await?;
        let delivery = rows::get(&self.store, project, id)
            .await?
            .ok_or(EngineError::NotFound("delivery"))?;
        let attempts_log = attempts::of_delivery(&self.store, id).await?;
        Ok(DeliveryDetail {
            delivery,
            attempts_log,
        })
    }
}

impl Engine {
    /// How many of the subscription's deliveries wait, held, while it is disabled or failed.
    pub async fn held_deliveries(
        &self,
        caller: &Caller,
        project: &str,
        subscription: SubscriptionId,
    ) -> Result<u64, EngineError> {
        let project_id = self.authorize(caller, project, Role::Read).await?;
        self.get_subscription(caller, project, subscription).await?;
        rows::count_held(&self.store, project_id, subscription).await
    }

    /// Cancels every held delivery of the subscription: the only way held deliveries are
    /// dropped, because a person asked. Returns how many.
    pub async fn discard_held_deliveries(
        &self,
        caller: &Caller,
        project: &str,
        subscription: SubscriptionId,
    ) -> Result<u64, EngineError> {
        let project_id = self.authorize(caller, project, Role::Write).await?;
        self.get_subscription(caller, project, subscription).await?;
        let reason = format!("discarded while held, by {}", caller.username);
        let now = chrono::Utc::now().timestamp_millis();
        let discarded =
            rows::discard_held(&self.store, project_id, subscription, &reason, now).await?;
        self.audit(
            &caller.username,
            Some(project),
            "deliveries.discarded",
            &subscription.to_string(),
            serde_json::json!({"discarded": discarded}),
        )
        .await;
        Ok(discarded)
    }

    /// One page of a subscription's attempts, newest first: its delivery log.
    pub async fn list_attempts(
        &self,
        caller: &Caller,
        project: &str,
        subscription: SubscriptionId,
        page: PageRequest,
    ) -> Result<Paged<Attempt>, EngineError> {
        self.get_subscription(caller, project, subscription).await?;
        let page = page.validate()?;
        let before = parse_cursor(page.cursor.as_deref())?;
        let data =
            attempts::of_subscription(&self.store, subscription, before, page.limit + 1).await?;
        Ok(Paged::from_overfetch(data, page.limit, |a| {
            a.id.to_string()
        }))
    }
}
