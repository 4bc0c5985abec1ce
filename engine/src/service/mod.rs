//! [`Engine`]: the operations every adapter (API, dialects, dashboard) calls.
//!
//! Each operation validates its input, applies the business rules and goes to storage; adapters
//! only translate wire formats to and from these calls.

mod access;
mod accounts;
mod deliveries;
mod event_types;
mod events;
mod inbound;
mod live;
mod overview;
mod probes;
mod projects;
mod replay;
mod retention;
mod subscriptions;
mod worker;

pub use accounts::SESSION_LIFETIME;
pub use deliveries::DeliveryFilter;
pub use events::{EventFilter, Ingested};
pub use replay::DEFAULT_ROTATION_OVERLAP;

pub use crate::settings::Settings;

use std::{
    sync::{Arc, RwLock},
    time::Duration,
};

use tokio::sync::{OnceCell, Semaphore};
use tokio_util::sync::{CancellationToken, DropGuard};

use crate::{
    bus::Bus,
    catalogue::cache::Catalogues,
    channel::{Channels, HttpChannel, LogChannel},
    directory::Directory,
    dispatch::Local,
    group_commit::GroupCommit,
    live::Feed,
    login_throttle::LoginThrottle,
    metrics::{Metrics, QueueGauges},
    roster::Roster,
    store::{events as event_rows, projects as project_rows, Store},
    EngineError,
};

/// The project every fresh installation starts with.
pub const DEFAULT_PROJECT: &str = "default";

/// How long the roster, the directory and the catalogue cache trust what they read without
/// hearing of a change: the limit on how stale a subscription, token, project or event type can
/// be when a change was announced where this process could not hear it (see [`crate::roster`]).
const CACHE_MAX_AGE: Duration = Duration::from_secs(5);

/// Stores ingested events with their deliveries, many requests per transaction.
type Ingester = GroupCommit<event_rows::Incoming, Vec<event_rows::Stored>>;

/// Hookhub's engine; cheap to clone, shared by every request handler and worker.
#[derive(Clone, Debug)]
pub struct Engine {
    store: Store,
    channels: Channels,
    settings: Arc<Settings>,
    roster: Roster,
    directory: Arc<Directory>,
    /// Each project's event catalogue, compiled, for ingest.
    catalogues: Catalogues,
    bus: Bus,
    /// What happens in this process, for whoever watches it live.
    live: Feed,
    /// This process's worker, while one runs: ingest hands it deliveries born claimed.
    local: Arc<RwLock<Option<Local>>>,
    ingester: Ingester,
    metrics: Metrics,
    logins: Arc<LoginThrottle>,
    /// Password hashes computed at once: each takes argon2's memory (19 MiB) and a core, so a
    /// flood of logins queues here instead of exhausting the machine.
    hashing: Arc<Semaphore>,
    /// What an unknown user's password is checked against.
    stand_in: Arc<OnceCell<String>>,
    /// Stops the engine's background tasks once the last clone is dropped.
    _alive: Arc<DropGuard>,
}

impl Engine {
    /// Opens the database of a running installation: it must exist and its schema be up to
    /// date (`NotMigrated` otherwise; see [`Engine::migrate`]). Makes sure the default project
    /// exists and registers the built-in channels.
    pub async fn open(database_url: &str, settings: Settings) -> Result<Engine, EngineError> {
        let store = Store::open(database_url).await?;
        store.check_migrated().await?;
        project_rows::ensure(&store, DEFAULT_PROJECT).await?;
        let http = HttpChannel::new(Arc::new(settings.targets.clone()))
            .map_err(|e| EngineError::internal_from("cannot build the HTTP client", e))?;
        let mut channels = Channels::default();
        channels.register(http);
        channels.register(LogChannel::new(settings.log_channel_dir.clone()));
        let roster = Roster::new(store.clone(), CACHE_MAX_AGE);
        let directory = Arc::new(Directory::new(CACHE_MAX_AGE));
        let catalogues = Catalogues::new(store.clone(), CACHE_MAX_AGE);
        let bus = Bus::new(
            store.clone(),
            roster.clone(),
            directory.clone(),
            catalogues.clone(),
        );
        let alive = CancellationToken::new();
        tokio::spawn(bus.clone().listen(alive.clone()));
        tokio::spawn(store.clone().run_checkpoints(alive.clone()));
        Ok(Engine {
            ingester: GroupCommit::start(64, store.clone(), |store, requests| async move {
                event_rows::insert_with_deliveries(&store, requests).await
            }),
            store,
            channels,
            roster,
            directory,
            catalogues,
            bus,
            live: Feed::default(),
            local: Arc::default(),
            metrics: Metrics::default(),
            logins: Arc::default(),
            stand_in: Arc::default(),
            hashing: Arc::new(Semaphore::new(
                std::thread::available_parallelism().map_or(2, usize::from),
            )),
            settings: Arc::new(settings),
            _alive: Arc::new(alive.drop_guard()),
        })
    }

    /// Brings the database's schema up to date: for `hookhub migrate` and `hookhub serve`, so
    /// that other commands (a `token create` during a rolling upgrade, say) never migrate a
    /// database other instances share.
    pub async fn migrate(database_url: &str) -> Result<(), EngineError> {
        let store = Store::open_or_create(database_url).await?;
        store.migrate().await?;
        store.close().await;
        Ok(())
    }

    pub fn channels(&self) -> &Channels {
        &self.channels
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
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

    /// Whether the database answers and has every migration this binary knows, and the writer
    /// that stores ingested events is running.
    pub async fn ready(&self) -> Result<(), EngineError> {
        if !self.ingester.is_running() {
            return Err(EngineError::internal("the ingest writer has stopped"));
        }
        self.store.check_migrated().await
    }

    /// Deletes attempts and events older than `keep` (never one with work still queued).
    pub async fn prune(
        &self,
        keep: Duration,
    ) -> Result<crate::store::retention::Pruned, EngineError> {
        let cutoff = chrono::Utc::now().timestamp_millis() - keep.as_millis() as i64;
        crate::store::retention::prune(&self.store, cutoff).await
    }

    /// Waits for every database connection to be returned and closes them.
    pub async fn close(&self) {
        self.store.close().await
    }

    /// A subscription of `project` changed: rosters here and elsewhere forget the project.
    fn subscriptions_changed(&self, project: crate::ids::ProjectId) {
        self.bus.subscriptions_changed(project);
    }
}
