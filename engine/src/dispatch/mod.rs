//! Dispatch: the worker. The database is the durable log of deliveries; the hot path runs in
//! memory.
//!
//! Deliveries reach the worker's [`Queue`] born claimed — the ingest transaction that stores an
//! event leases its deliveries to this process's worker and hands them over — or claimed from
//! the database ([`claim`]): retries coming due, a crashed process's work, a backlog larger than
//! the queue. A scheduler starts them in turn, within the worker's concurrency and each
//! subscription's bound; each goes through [`send`] (prepare → send → decide) and its result is
//! recorded in batches ([`recorder`]). [`life`] holds the rules of a delivery's life, and the
//! leases of what waits in memory are renewed until it is recorded ([`leases`]).
//!
//! The worker works from its own [`Context`] (store, channels, roster, settings, recorder), not
//! from the engine whose adapters authorize callers.

mod claim;
mod leases;
pub(crate) mod life;
pub(crate) mod operational;
pub(crate) mod payload;
mod queue;
mod recorder;
mod send;
pub(crate) mod target;

use std::{future::Future, pin::Pin, sync::Arc, time::Duration};

use tokio::sync::{Notify, Semaphore};
use tokio_util::sync::CancellationToken;

pub(crate) use queue::{Job, Queue};
use recorder::Finished;

use crate::{
    bus::Bus, channel::Channels, error::chain, event::EventIn, group_commit::GroupCommit,
    ids::ProjectId, live::Feed, metrics::Metrics, roster::Roster, settings::Settings, store::Store,
};

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Names this worker in leases and the attempt log.
    pub worker_id: String,
    /// Deliveries in flight at once.
    pub concurrency: usize,
    /// How long a claim holds; longer than the longest timeout (30 s) plus recording. Leases of
    /// deliveries still waiting in memory are renewed well before they run out.
    pub lease: Duration,
    /// How often an idle worker looks for due retries and expired leases.
    pub idle_poll: Duration,
    /// Deliveries waiting in memory at most; beyond that they wait in the database.
    pub queue: usize,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            worker_id: format!("worker-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]),
            concurrency: 64,
            lease: Duration::from_secs(60),
            idle_poll: Duration::from_millis(500),
            queue: 10_000,
        }
    }
}

/// Deliveries of one subscription that may wait in memory, per place it has in flight.
const WAITING_PER_PLACE: usize = 16;

/// Ingests Hookhub's own reports (operational events) into a project.
pub(crate) type Reporter =
    Arc<dyn Fn(ProjectId, Vec<EventIn>) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// Results recorded many per transaction; each answers whether it turned its subscription failed.
pub(crate) type Recorder = GroupCommit<Finished, bool>;

/// What the worker's tasks work with.
pub(crate) struct Context {
    pub store: Store,
    pub channels: Channels,
    pub settings: Arc<Settings>,
    pub roster: Roster,
    pub bus: Bus,
    pub metrics: Metrics,
    pub live: Feed,
    pub queue: Queue,
    pub recorder: Recorder,
    pub report: Reporter,
    pub worker_id: String,
    pub lease: Duration,
}

/// What the engine hands the worker.
pub(crate) struct Parts {
    pub store: Store,
    pub channels: Channels,
    pub settings: Arc<Settings>,
    pub roster: Roster,
    pub bus: Bus,
    pub metrics: Metrics,
    pub live: Feed,
    pub report: Reporter,
}

/// A running worker's front door for this process's ingest: where born-claimed deliveries go.
#[derive(Debug, Clone)]
pub(crate) struct Local {
    pub queue: Queue,
    pub worker_id: String,
    pub lease: Duration,
}

/// Starts a worker's queue; [`run`] makes it work. Returned apart so that the engine can hand
/// born-claimed deliveries to it while it runs.
pub(crate) fn local(config: &WorkerConfig, settings: &Settings, room: Arc<Notify>) -> Local {
    let in_flight = settings.per_subscription_concurrency.max(1);
    let bounds = queue::Bounds {
        waiting: config.queue.max(1),
        // Enough to keep the endpoint busy between two claims; the rest of a burst waits in the
        // database, where no lease needs renewing.
        waiting_per_subscription: (in_flight * WAITING_PER_PLACE).min(config.queue.max(1)),
        in_flight_per_subscription: in_flight,
    };
    Local {
        queue: Queue::new(bounds, room),
        worker_id: config.worker_id.clone(),
        lease: config.lease,
    }
}

/// Runs the worker until `shutdown` fires; then lets the deliveries in flight finish and be
/// recorded, and gives the leases of those still waiting back to the database.
pub(crate) async fn run(
    parts: Parts,
    local: Local,
    config: WorkerConfig,
    room: Arc<Notify>,
    shutdown: CancellationToken,
) {
    // Everything the worker writes may be lost in a power cut at the cost of a repeat only.
    let store = parts.store.relaxed();
    let recorder = GroupCommit::start(512, (store.clone(), parts.settings.clone()), {
        |(store, settings): (Store, Arc<Settings>), batch| async move {
            crate::store::attempts::record(&store, &batch, settings.failure_window).await
        }
    });
    let context = Arc::new(Context {
        store,
        channels: parts.channels,
        settings: parts.settings,
        roster: parts.roster,
        bus: parts.bus,
        metrics: parts.metrics,
        live: parts.live,
        queue: local.queue,
        recorder,
        report: parts.report,
        worker_id: local.worker_id,
        lease: local.lease,
    });
    tracing::info!(worker = %context.worker_id, concurrency = config.concurrency, "worker started");
    let (stop_claims, stop_renewal) = (CancellationToken::new(), CancellationToken::new());
    let claimer = tokio::spawn(claim::run(
        context.clone(),
        config.idle_poll,
        room,
        stop_claims.clone(),
    ));
    let renewer = tokio::spawn(leases::renew(context.clone(), stop_renewal.clone()));
    let slots = Arc::new(Semaphore::new(config.concurrency.max(1)));
    loop {
        let permit = tokio::select! {
            permit = slots.clone().acquire_owned() => permit.expect("never closed"),
            _ = shutdown.cancelled() => break,
        };
        let started = loop {
            if let Some(started) = context.queue.next() {
                break Some(started);
            }
            tokio::select! {
                _ = context.queue.ready() => {}
                _ = shutdown.cancelled() => break None,
            }
        };
        let Some((job, place)) = started else { break };
        tokio::spawn(send::run(context.clone(), job, (place, permit)));
    }
    // Waiting in memory: back to the database, due now. In flight: finish and record, with
    // their leases renewed until then.
    stop_claims.cancel();
    let _ = claimer.await;
    let waiting = context.queue.drain();
    if let Err(error) = leases::give_back(&context, &waiting).await {
        tracing::warn!(error = %chain(&error), "could not give back waiting deliveries; their leases run out");
    }
    let _ = slots.acquire_many(config.concurrency.max(1) as u32).await;
    stop_renewal.cancel();
    let _ = renewer.await;
    tracing::info!(worker = %context.worker_id, "worker stopped");
}
