//! Recording attempts: results are written in batches (group commit: one multi-row insert of
//! attempts, one update of their deliveries and one health update per subscription, per
//! transaction), and once a result is committed its lease is let go, the delivery's new state
//! is published to the live feed and what it means for operators is reported.

use std::sync::Arc;

pub use crate::store::attempts::Finished;

use super::{life::Next, operational, Context};
use crate::{
    delivery::DeliveryStatus,
    ids::{DeliveryId, SubscriptionId},
    live::{Live, LiveDelivery},
    roster::Member,
    store::from_millis,
    EngineError,
};

impl Context {
    /// Records `finished` with whatever else is waiting; once committed, its lease is no longer
    /// held here, and — unless `report_on` is `None` — what it means is reported as
    /// operational events about that subscription.
    pub(super) async fn record(
        &self,
        finished: Arc<Finished>,
        report_on: Option<Arc<Member>>,
    ) -> Result<(), EngineError> {
        let turned_failed = self.recorder.submit(finished.clone()).await?;
        let attempt = &finished.attempt;
        self.queue.settled(attempt.delivery);
        let project = crate::ids::ProjectId(attempt.project);
        self.live.publish(project, || [live_entry(&finished)]);
        if turned_failed {
            tracing::warn!(subscription = %attempt.subscription, "subscription marked failed");
            self.bus.subscriptions_changed(project);
        }
        if let Some(member) = report_on {
            let events = operational::events_for(
                &member.receiver.subscription,
                attempt,
                &finished.event.to_string(),
                finished.next,
                turned_failed,
            );
            if !events.is_empty() {
                (self.report)(project, events).await;
            }
        }
        Ok(())
    }
}

/// The delivery's state after `finished`, as the live feed shows it.
fn live_entry(finished: &Finished) -> Live {
    let attempt = &finished.attempt;
    Live::Delivery(LiveDelivery {
        id: DeliveryId(attempt.delivery),
        event_id: finished.event,
        subscription_id: SubscriptionId(attempt.subscription),
        status: match finished.next {
            Next::Succeeded => DeliveryStatus::Succeeded,
            Next::RetryAt(_) => DeliveryStatus::Pending,
            Next::Failed => DeliveryStatus::Failed,
        },
        attempts: attempt.number.max(0) as u32,
        last_status_code: attempt.response_status,
        at: from_millis(attempt.at),
    })
}
