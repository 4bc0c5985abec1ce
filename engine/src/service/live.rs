//! Watching a project live: the caller's view of this process's [`Feed`](crate::live::Feed).

use futures_util::Stream;

use super::Engine;
use crate::{
    account::{Caller, Role},
    live::{Live, LiveFilter},
    store::subscriptions,
    EngineError,
};

impl Engine {
    /// What happens in `project` from now on — events accepted, deliveries created and
    /// attempted — as this process sees it (see [`crate::live`]). A subscription to filter on
    /// must be one of the project's.
    pub async fn live(
        &self,
        caller: &Caller,
        project: &str,
        filter: LiveFilter,
    ) -> Result<impl Stream<Item = Live> + Send + 'static, EngineError> {
        let project = self.authorize(caller, project, Role::Read).await?;
        if let Some(id) = filter.subscription_id {
            subscriptions::get(&self.store, project, id)
                .await?
                .ok_or(EngineError::NotFound("subscription"))?;
        }
        Ok(self.live.watch(project, filter))
    }
}
