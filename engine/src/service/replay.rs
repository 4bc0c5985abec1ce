//! Manual redelivery: retry one delivery now, replay an event, recover a subscription's failures.
//! What these queue is tried once (it is `manual`) and never retried automatically.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::Engine;
use crate::{
    account::{Caller, Role},
    delivery::Delivery,
    ids::{DeliveryId, EventId, SubscriptionId},
    store::{
        deliveries,
        events::{Recipient, Start},
        subscriptions, to_millis,
    },
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
        self.bus.work_queued();
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
        let members = self.receivers(project_id).await?;
        let document = event.document();
        let targets: Vec<Recipient> = members
            .all
            .iter()
            .map(|m| &m.receiver)
            .filter(|r| match subscription {
                Some(id) => r.subscription.id == id,
                None => r.wants(&event, &document),
            })
            .map(|r| Recipient {
                delivery: DeliveryId::generate(),
                subscription: r.subscription.id,
                start: if r.holds() {
                    Start::Held
                } else {
                    Start::Pending
                },
            })
            .collect();
        if subscription.is_some() && targets.is_empty() {
            return Err(EngineError::NotFound("subscription"));
        }
        let queued = deliveries::enqueue(
            &self.store,
            project_id,
            id,
            &targets,
            true,
            Utc::now().timestamp_millis(),
        )
        .await?;
        self.bus.work_queued();
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
        self.bus.work_queued();
        Ok(queued)
    }

    /// Replaces the signing secret; the old one keeps signing, beside the new, for `overlap`
    /// (every earlier one until its own overlap ends; see
    /// [`Keyring::rotated`](crate::signing::Keyring::rotated)).
    pub async fn rotate_secret(
        &self,
        caller: &Caller,
        project: &str,
        id: SubscriptionId,
        overlap: Duration,
    ) -> Result<String, EngineError> {
        let project_id = self.authorize(caller, project, Role::Write).await?;
        // Two rotations at once must not lose a secret: each applies to the revision it read.
        loop {
            let (keyring, revision) = subscriptions::keyring(&self.store, project_id, id)
                .await?
                .ok_or(EngineError::NotFound("subscription"))?;
            let rotated = keyring.rotated(Utc::now().timestamp_millis(), overlap)?;
            if subscriptions::set_keyring(&self.store, id, &rotated, revision).await? {
                self.subscriptions_changed(project_id);
                self.audit(
                    &caller.username,
                    Some(project),
                    "subscription.secret_rotated",
                    &id.to_string(),
                    serde_json::json!({"overlap_seconds": overlap.as_secs()}),
                )
                .await;
                return Ok(rotated.current);
            }
        }
    }
}
