//! Manual redelivery: retry one delivery now, replay an event, recover a subscription's failures.
//! What these queue is tried once (it is `manual`) and never retried automatically.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::Engine;
use crate::{
    account::{Caller, Role},
    delivery::Delivery,
    filter::Filter,
    ids::{DeliveryId, EventId, SubscriptionId},
    matching::matches,
    store::{deliveries, subscriptions, to_millis},
    EngineError,
};

/// How long a rotated-out secret keeps signing, unless the caller says otherwise.
pub const DEFAULT_ROTATION_OVERLAP: Duration = Duration::from_secs(24 * 60 * 60);

impl Engine {
    /// Makes the delivery due now. A delivery being sent at this moment is a `Conflict`.
    pub async fn retry_delivery(
        &self,
        caller: &Caller,
        project: &str,
        id: DeliveryId,
    ) -> Result<Delivery, EngineError> {
        let project_id = self.authorize(caller, project, Role::Write).await?;
        let current = self.get_delivery(caller, project, id).await?;
        if !deliveries::retry_now(&self.store, project_id, id, Utc::now().timestamp_millis())
            .await?
        {
            return Err(EngineError::Conflict(format!(
                "the delivery is {} right now; try again when it is done",
                current.delivery.status.as_str()
            )));
        }
        self.work_queued();
        Ok(self.get_delivery(caller, project, id).await?.delivery)
    }

    /// Delivers the event again: to one subscription, or to every subscription it matches now.
    /// Returns how many deliveries were queued.
    pub async fn replay_event(
        &self,
        caller: &Caller,
        project: &str,
        id: EventId,
        subscription: Option<SubscriptionId>,
    ) -> Result<usize, EngineError> {
        let project_id = self.authorize(caller, project, Role::Write).await?;
        let event = self.get_event(caller, project, id).await?;
        let targets = match subscription {
            Some(subscription) => vec![
                self.get_subscription(caller, project, subscription)
                    .await?
                    .id,
            ],
            None => subscriptions::receiving(&self.store, project_id)
                .await?
                .into_iter()
                .filter(|s| {
                    let filter = s.filter.as_ref().and_then(|f| Filter::parse(f).ok());
                    matches(s, filter.as_ref(), &event)
                })
                .map(|s| s.id)
                .collect(),
        };
        let queued = deliveries::enqueue(
            &self.store,
            project_id,
            id,
            &targets,
            true,
            Utc::now().timestamp_millis(),
        )
        .await?;
        self.work_queued();
        Ok(queued)
    }

    /// Queues again every failed delivery of the subscription created since `since`.
    pub async fn recover_failed(
        &self,
        caller: &Caller,
        project: &str,
        subscription: SubscriptionId,
        since: DateTime<Utc>,
    ) -> Result<u64, EngineError> {
        let project_id = self.authorize(caller, project, Role::Write).await?;
        self.get_subscription(caller, project, subscription).await?;
        let queued = deliveries::requeue_failed(
            &self.store,
            project_id,
            subscription,
            to_millis(since),
            Utc::now().timestamp_millis(),
        )
        .await?;
        self.work_queued();
        Ok(queued)
    }

    /// Replaces the signing secret; the old one keeps signing, beside the new, for `overlap`.
    pub async fn rotate_secret(
        &self,
        caller: &Caller,
        project: &str,
        id: SubscriptionId,
        overlap: Duration,
    ) -> Result<String, EngineError> {
        let project_id = self.authorize(caller, project, Role::Write).await?;
        let secret = crate::signing::generate_secret();
        let until = Utc::now().timestamp_millis() + overlap.as_millis() as i64;
        if !subscriptions::rotate_secret(&self.store, project_id, id, &secret, until).await? {
            return Err(EngineError::NotFound("subscription"));
        }
        Ok(secret)
    }
}
