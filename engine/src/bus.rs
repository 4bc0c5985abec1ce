//! Announcements between the processes sharing one database: work was queued (idle workers
//! wake at once instead of at their next poll), a project's subscriptions changed (every roster
//! forgets them), a project's event catalogue changed (every catalogue cache forgets it), tokens
//! or projects changed (every directory forgets them). In-process listeners are told directly; on PostgreSQL the news also
//! goes out with `NOTIFY` on channels every process `LISTEN`s to. On SQLite one process serves,
//! so there is nobody else to tell.
//!
//! Best effort: a lost announcement of queued work costs only the idle poll; a lost change is
//! caught by the roster's age limit, and a dropped connection makes every roster forget all.

use std::{sync::Arc, time::Duration};

use sqlx::postgres::PgListener;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::{
    catalogue::cache::Catalogues,
    directory::Directory,
    ids::ProjectId,
    roster::Roster,
    store::{Pool, Store},
};

const QUEUED: &str = "hookhub_queued";
/// Payload: a project's id (its subscriptions changed), [`CATALOGUE`] and a project's id, or one
/// of the words below. A process that does not know a payload forgets everything.
const CHANGED: &str = "hookhub_changed";
const TOKENS: &str = "tokens";
const CATALOGUE: &str = "catalogue:";
const EVERYTHING: &str = "everything";

/// Tells this process's and every other process's listeners.
#[derive(Debug, Clone)]
pub struct Bus {
    store: Store,
    /// Wakes this process's idle workers.
    pub queued: Arc<Notify>,
    roster: Roster,
    directory: Arc<Directory>,
    catalogues: Catalogues,
}

impl Bus {
    pub fn new(
        store: Store,
        roster: Roster,
        directory: Arc<Directory>,
        catalogues: Catalogues,
    ) -> Bus {
        Bus {
            store,
            queued: Arc::default(),
            roster,
            directory,
            catalogues,
        }
    }

    /// Deliveries were queued for workers to claim.
    pub fn work_queued(&self) {
        self.queued.notify_waiters();
        self.work_queued_elsewhere();
    }

    /// Deliveries were queued that this process's worker could not take (its queue had no room
    /// for them): only other processes' workers are woken; this one's claims them when it has
    /// room again.
    pub fn work_queued_elsewhere(&self) {
        self.notify(QUEUED, String::new());
    }

    /// A subscription of `project` changed: rosters forget the project.
    pub fn subscriptions_changed(&self, project: ProjectId) {
        self.roster.forget(project);
        self.notify(CHANGED, project.to_string());
    }

    /// A project's event types or its strict flag changed: catalogue caches forget the project.
    pub fn catalogue_changed(&self, project: ProjectId) {
        self.catalogues.forget(project);
        self.notify(CHANGED, format!("{CATALOGUE}{project}"));
    }

    /// A token was revoked, or its user's role or standing changed: directories forget their
    /// tokens (a cached token carries its user's role and whether the user is enabled).
    pub fn tokens_changed(&self) {
        self.directory.forget_tokens();
        self.notify(CHANGED, TOKENS.to_owned());
    }

    /// A project was deleted (with its subscriptions and tokens): everything is forgotten.
    pub fn projects_changed(&self) {
        self.forget_everything();
        self.notify(CHANGED, EVERYTHING.to_owned());
    }

    fn forget_everything(&self) {
        self.roster.forget_all();
        self.directory.forget_all();
        self.catalogues.forget_all();
    }

    fn heard(&self, payload: &str) {
        match payload {
            TOKENS => self.directory.forget_tokens(),
            catalogue if catalogue.starts_with(CATALOGUE) => {
                match catalogue[CATALOGUE.len()..].parse() {
                    Ok(project) => self.catalogues.forget(ProjectId(project)),
                    Err(_) => self.forget_everything(),
                }
            }
            project => match project.parse() {
                Ok(project) => self.roster.forget(ProjectId(project)),
                Err(_) => self.forget_everything(),
            },
        }
    }

    fn notify(&self, channel: &'static str, payload: String) {
        if let Pool::Postgres(pool) = self.store.pool() {
            let pool = pool.clone();
            tokio::spawn(async move {
                let sent = sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(channel)
                    .bind(payload)
                    .execute(&pool)
                    .await;
                if let Err(error) = sent {
                    tracing::debug!(%error, channel, "could not announce");
                }
            });
        }
    }

    /// Passes other processes' announcements on to this process until `stop`. Does nothing on
    /// SQLite.
    pub async fn listen(self, stop: CancellationToken) {
        let Pool::Postgres(pool) = self.store.pool() else {
            return;
        };
        let mut listener = loop {
            let connected = async {
                let mut listener = PgListener::connect_with(pool).await?;
                listener.listen_all([QUEUED, CHANGED]).await?;
                Ok::<_, sqlx::Error>(listener)
            };
            match connected.await {
                Ok(listener) => break listener,
                Err(error) => {
                    tracing::warn!(%error, "cannot listen to other processes; polling meanwhile");
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs(5)) => {}
                        _ = stop.cancelled() => return,
                    }
                }
            }
        };
        loop {
            tokio::select! {
                received = listener.try_recv() => match received {
                    Ok(Some(notice)) if notice.channel() == QUEUED => self.queued.notify_waiters(),
                    Ok(Some(notice)) => self.heard(notice.payload()),
                    // The connection was lost and is being re-established: whatever was
                    // announced meanwhile is unknown.
                    Ok(None) => {
                        self.forget_everything();
                        self.queued.notify_waiters();
                    }
                    Err(error) => {
                        tracing::warn!(%error, "lost the announcements channel; reconnecting");
                        self.forget_everything();
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                },
                _ = stop.cancelled() => return,
            }
        }
    }
}
