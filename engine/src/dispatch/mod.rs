//! Dispatch: workers claim due deliveries with a lease, send them, and record what happened.
//!
//! A claimed batch is read in two queries ([`Loaded`](attempt::Loaded)); then each delivery goes
//! through typed steps — [`prepare`](attempt::prepare) (render, sign), send (through its
//! channel), [`decide`](attempt::decide) (what the outcome means) and record (group commit). A
//! worker that dies holding a lease simply lets it expire; a sweep puts the delivery back in the
//! queue, for this process after a restart or for another instance.

mod attempt;
pub mod limits;
pub mod operational;
pub mod payload;
pub mod retention;
pub mod target;
pub mod wakeup;

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use crate::{store::deliveries, Engine};

/// The least time between two claims of one worker: at most this much is added to a
/// delivery's wait, and a busy worker claims in batches.
const CLAIM_INTERVAL: Duration = Duration::from_millis(2);

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Names this worker in leases and the attempt log.
    pub worker_id: String,
    /// Deliveries in flight at once.
    pub concurrency: usize,
    /// How long a claim holds; longer than the longest timeout (30 s) plus recording.
    pub lease: Duration,
    /// How often an idle worker looks for due retries and expired leases.
    pub idle_poll: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            worker_id: format!("worker-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]),
            concurrency: 64,
            lease: Duration::from_secs(60),
            idle_poll: Duration::from_millis(500),
        }
    }
}

/// Runs a worker until `shutdown` fires, then waits for the deliveries in flight.
pub async fn run_worker(engine: Engine, config: WorkerConfig, shutdown: CancellationToken) {
    let config = Arc::new(config);
    let slots = Arc::new(Semaphore::new(config.concurrency));
    let queued = engine.queued_signal();
    tokio::spawn(wakeup::relay(
        engine.store().clone(),
        queued.clone(),
        shutdown.clone(),
    ));
    tracing::info!(worker = %config.worker_id, concurrency = config.concurrency, "worker started");
    // When expired leases were last given back to the queue, and when we last claimed.
    let mut swept = Instant::now() - config.idle_poll;
    let mut claimed_at = Instant::now() - CLAIM_INTERVAL;
    while !shutdown.is_cancelled() {
        // Armed before claiming, so work queued while we claim still wakes us.
        let woken = queued.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();

        // A claim is a write transaction. Under load every finished delivery frees a slot and
        // wakes us; spacing claims lets the slots freed meanwhile go in one claim instead of
        // one transaction each.
        let since = claimed_at.elapsed();
        if since < CLAIM_INTERVAL {
            tokio::select! {
                _ = tokio::time::sleep(CLAIM_INTERVAL - since) => {}
                _ = shutdown.cancelled() => break,
            }
        }
        claimed_at = Instant::now();

        // Claim only what can start now: a claimed delivery must not wait out its lease.
        let free = slots.available_permits();
        if free == 0 {
            tokio::select! {
                permit = slots.clone().acquire_owned() => drop(permit),
                _ = shutdown.cancelled() => break,
            }
            continue;
        }
        let now = chrono::Utc::now().timestamp_millis();
        if swept.elapsed() >= config.idle_poll {
            swept = Instant::now();
            if let Err(error) = deliveries::release_expired(engine.store(), now).await {
                tracing::warn!(%error, "releasing expired leases failed; retrying");
            }
        }
        let lease_until = now + config.lease.as_millis() as i64;
        // Subscriptions at their in-flight bound are left out; one whose delivery finishes
        // wakes us through `queued`.
        let limits = engine.limits();
        let claimed = match deliveries::claim(
            engine.store(),
            &config.worker_id,
            now,
            lease_until,
            free as u32,
            &limits.saturated(),
            |subscription| limits.admit(subscription),
        )
        .await
        {
            Ok(claimed) => claimed,
            Err(error) => {
                tracing::warn!(%error, "claiming deliveries failed; retrying");
                Vec::new()
            }
        };
        if claimed.is_empty() {
            tokio::select! {
                _ = woken => {}
                _ = tokio::time::sleep(config.idle_poll) => {}
                _ = shutdown.cancelled() => break,
            }
            continue;
        }
        let deliveries: Vec<_> = claimed.iter().map(|(delivery, _)| delivery).collect();
        let loaded = match attempt::Loaded::read(&engine, &deliveries).await {
            Ok(loaded) => loaded,
            Err(error) => {
                // Their leases run out and they are claimed again: nothing is lost.
                tracing::warn!(%error, "reading claimed deliveries failed; retried after the lease");
                continue;
            }
        };
        for (delivery, admitted) in claimed {
            let Ok(permit) = slots.clone().acquire_owned().await else {
                break;
            };
            let (engine, config) = (engine.clone(), config.clone());
            let needs = loaded.of(&delivery);
            tokio::spawn(async move {
                attempt::run(&engine, &config.worker_id, delivery, needs).await;
                drop((admitted, permit));
            });
        }
    }
    // Let the deliveries in flight finish and record their outcome.
    let _ = slots.acquire_many(config.concurrency as u32).await;
    tracing::info!(worker = %config.worker_id, "worker stopped");
}
