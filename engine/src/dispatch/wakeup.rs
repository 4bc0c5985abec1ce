//! Waking idle workers in every process at once. Each process wakes its own workers through an
//! in-memory signal; on PostgreSQL, queuing work also `NOTIFY`s a channel that every worker's
//! process `LISTEN`s on, so a worker on another machine starts at once instead of at its next
//! poll. Best effort: a lost notification costs only the idle poll, never a delivery.

use std::{sync::Arc, time::Duration};

use sqlx::postgres::PgListener;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::store::{Pool, Store};

const CHANNEL: &str = "hookhub_queued";

/// Tells the workers of every process sharing the database that work was queued.
pub fn announce(store: &Store) {
    if let Pool::Postgres(pool) = store.pool() {
        let pool = pool.clone();
        tokio::spawn(async move {
            let sent = sqlx::query("SELECT pg_notify($1, '')")
                .bind(CHANNEL)
                .execute(&pool)
                .await;
            if let Err(error) = sent {
                tracing::debug!(%error, "could not announce queued work");
            }
        });
    }
}

/// Relays the announcements of other processes to this process's `queued` signal until
/// `shutdown`. Does nothing on SQLite, where only one process delivers.
pub async fn relay(store: Store, queued: Arc<Notify>, shutdown: CancellationToken) {
    let Pool::Postgres(pool) = store.pool() else {
        return;
    };
    let mut listener = loop {
        let connected = async {
            let mut listener = PgListener::connect_with(pool).await?;
            listener.listen(CHANNEL).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        match connected.await {
            Ok(listener) => break listener,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for queued work; polling meanwhile");
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(5)) => {}
                    _ = shutdown.cancelled() => return,
                }
            }
        }
    };
    loop {
        tokio::select! {
            received = listener.recv() => match received {
                Ok(_) => queued.notify_waiters(),
                // recv() reconnects by itself; pause so a dead server is not hammered.
                Err(error) => {
                    tracing::warn!(%error, "lost the queued-work channel; reconnecting");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            },
            _ = shutdown.cancelled() => return,
        }
    }
}
