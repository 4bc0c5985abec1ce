//! The retention task: prunes old attempts and events once an hour.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::{error::chain, Engine};

const EVERY: Duration = Duration::from_secs(60 * 60);

impl Engine {
    /// Prunes what is older than `keep` now and then every hour, until `shutdown`.
    pub async fn run_retention(&self, keep: Duration, shutdown: CancellationToken) {
        loop {
            match self.prune(keep).await {
                Ok(pruned) => tracing::info!(
                    attempts = pruned.attempts,
                    events = pruned.events,
                    "pruned old records"
                ),
                Err(error) => {
                    tracing::warn!(error = %chain(&error), "pruning failed; trying again later")
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(EVERY) => {}
                _ = shutdown.cancelled() => return,
            }
        }
    }
}
