//! [`Engine`]: the operations every adapter (API, dialects, dashboard) calls.
//!
//! Each operation validates its input, applies the business rules and goes to storage; adapters
//! only translate wire formats to and from these calls.

mod access;
mod accounts;
mod deliveries;
mod events;
mod inbound;
mod overview;
mod probes;
mod projects;
mod replay;
mod subscriptions;

pub use accounts::SESSION_LIFETIME;
pub use deliveries::DeliveryFilter;
pub use events::{EventFilter, Ingested};
pub use replay::DEFAULT_ROTATION_OVERLAP;

use std::{sync::Arc, time::Duration};

use tokio::sync::{Notify, Semaphore};

use crate::{
    channel::{Channels, HttpChannel, LogChannel},
    dispatch::limits::Limits,
    group_commit::GroupCommit,
    login_throttle::LoginThrottle,
    metrics::{Metrics, QueueGauges},
    retry::RetryPolicy,
    ssrf::TargetPolicy,
    store::{attempts as attempt_rows, events as event_rows, projects as project_rows, Store},
    EngineError,
};

/// The project every fresh installation starts with.
pub const DEFAULT_PROJECT: &str = "default";

/// How the engine behaves; the defaults are for production.
#[derive(Debug, Clone)]
pub struct Settings {
    pub retry: RetryPolicy,
    /// A subscription whose deliveries kept failing this long is marked failed.
    pub failure_window: Duration,
    pub targets: TargetPolicy,
    /// Deliveries to one subscription in flight at once, per process.
    pub per_subscription_concurrency: usize,
    /// Where the `log` channel may write files (one folder per project); `None`: standard
    /// output only.
    pub log_channel_dir: Option<std::path::PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            retry: RetryPolicy::default(),
            failure_window: Duration::from_secs(5 * 24 * 60 * 60),
            targets: TargetPolicy::default(),
            per_subscription_concurrency: 8,
            log_channel_dir: None,
        }
    }
}

/// Records attempt results, many per transaction.
pub type Recorder = GroupCommit<attempt_rows::Finished, bool>;
/// Stores ingested events with their deliveries, many requests per transaction.
type Ingester = GroupCommit<event_rows::Incoming, Vec<event_rows::Stored>>;

/// Hookhub's engine; cheap to clone, shared by every request handler and worker.
#[derive(Clone, Debug)]
pub struct Engine {
    store: Store,
    channels: Channels,
    settings: Arc<Settings>,
    /// Wakes idle workers in this process when new deliveries are queued.
    queued: Arc<Notify>,
    limits: Limits,
    recorder: Recorder,
    ingester: Ingester,
    metrics: Metrics,
    logins: Arc<LoginThrottle>,
    /// Password hashes computed at once: each takes argon2's memory (19 MiB) and a core, so a
    /// flood of logins queues here instead of exhausting the machine.
    hashing: Arc<Semaphore>,
}

impl Engine {
    /// Opens the database, brings its schema up to date, makes sure the default project exists
    /// and registers the built-in channels.
    pub async fn open(database_url: &str, settings: Settings) -> Result<Engine, EngineError> {
        let store = Store::open(database_url).await?;
        store.migrate().await?;
        project_rows::ensure(&store, DEFAULT_PROJECT).await?;
        let http = HttpChannel::new(Arc::new(settings.targets.clone()))
            .map_err(|e| EngineError::Internal(format!("cannot build the HTTP client: {e}")))?;
        let mut channels = Channels::default();
        channels.register(http);
        channels.register(LogChannel::new(settings.log_channel_dir.clone()));
        let queued = Arc::new(Notify::new());
        Ok(Engine {
            recorder: GroupCommit::start(256, store.clone(), |store, batch| async move {
                attempt_rows::record(&store, &batch).await
            }),
            ingester: GroupCommit::start(64, store.clone(), |store, requests| async move {
                event_rows::insert_with_deliveries(&store, requests).await
            }),
            store,
            channels,
            limits: Limits::new(settings.per_subscription_concurrency, queued.clone()),
            metrics: Metrics::default(),
            logins: Arc::default(),
            hashing: Arc::new(Semaphore::new(
                std::thread::available_parallelism().map_or(2, usize::from),
            )),

            settings: Arc::new(settings),
            queued,
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn channels(&self) -> &Channels {
        &self.channels
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The Prometheus exposition of this process's counters and the shared queue's gauges.
    pub async fn render_metrics(&self) -> Result<String, EngineError> {
        let (pending, oldest) = crate::store::deliveries::queue_gauges(&self.store).await?;
        let now = chrono::Utc::now().timestamp_millis();
        let queue = QueueGauges {
            pending,
            oldest_pending_age: oldest.map(|at| Duration::from_millis((now - at).max(0) as u64)),
        };
        Ok(self.metrics.render(queue))
    }

    /// Whether the database answers and has every migration this binary knows, and the writers
    /// that store events and attempt results are running.
    pub async fn ready(&self) -> Result<(), EngineError> {
        if !(self.ingester.is_running() && self.recorder.is_running()) {
            return Err(EngineError::Internal(
                "a group-commit writer has stopped".into(),
            ));
        }
        self.store.check_migrated().await
    }

    /// Signalled whenever this process queues deliveries.
    pub fn queued_signal(&self) -> Arc<Notify> {
        self.queued.clone()
    }

    /// Wakes idle workers: this process's at once, other processes' through the database.
    fn work_queued(&self) {
        self.queued.notify_waiters();
        crate::dispatch::wakeup::announce(&self.store);
    }

    /// Deletes attempts and events older than `keep` (never one with work still queued).
    pub async fn prune(
        &self,
        keep: Duration,
    ) -> Result<crate::store::retention::Pruned, EngineError> {
        let cutoff = chrono::Utc::now().timestamp_millis() - keep.as_millis() as i64;
        crate::store::retention::prune(&self.store, cutoff).await
    }
}
