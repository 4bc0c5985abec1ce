//! Recording attempts: results are written in batches (group commit: one multi-row insert of
//! attempts, one update of their deliveries and one health update per subscription, per
//! transaction), and once a result is committed its lease is let go and what it means for
//! operators is reported.

use std::sync::Arc;

pub use crate::store::attempts::Finished;

use super::{operational, Context};
use crate::{roster::Member, EngineError};

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
