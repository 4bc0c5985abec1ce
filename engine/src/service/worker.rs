//! Running a delivery worker in this process: the engine hands it its own context (store,
//! channels, roster, settings) and, while it runs, gives it the deliveries this process ingests
//! (born claimed).

use std::sync::Arc;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::Engine;
use crate::{
    dispatch::{self, Parts, Reporter, WorkerConfig},
    error::chain,
};

impl Engine {
    /// Delivers until `shutdown`, then lets the deliveries in flight finish.
    pub async fn run_worker(&self, config: WorkerConfig, shutdown: CancellationToken) {
        let room = Arc::new(Notify::new());
        let local = dispatch::local(&config, &self.settings, room.clone());
        *self.local.write().unwrap_or_else(|e| e.into_inner()) = Some(local.clone());
        // From the moment shutting down begins, ingest leaves new deliveries to the database.
        let detach = {
            let (engine, shutdown) = (self.clone(), shutdown.clone());
            tokio::spawn(async move {
                shutdown.cancelled().await;
                *engine.local.write().unwrap_or_else(|e| e.into_inner()) = None;
            })
        };
        let engine = self.clone();
        let report: Reporter = Arc::new(move |project, events| {
            let engine = engine.clone();
            Box::pin(async move {
                // The attempt is recorded already; a lost report is logged, never passed on.
                if let Err(error) = engine.ingest_operational(project, events).await {
                    tracing::warn!(error = %chain(&error), "could not record operational events");
                }
            })
        });
        let parts = Parts {
            store: self.store.clone(),
            channels: self.channels.clone(),
            settings: self.settings.clone(),
            roster: self.roster.clone(),
            bus: self.bus.clone(),
            metrics: self.metrics.clone(),
            live: self.live.clone(),
            report,
        };
        dispatch::run(parts, local, config, room, shutdown).await;
        let _ = detach.await;
    }
}
