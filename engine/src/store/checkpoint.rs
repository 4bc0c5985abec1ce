//! SQLite's checkpoints, off the hot path: the write-ahead log is copied into the database file
//! by a background task instead of by whichever commit happens to fill it (SQLite's automatic
//! checkpoint runs inside that commit, syncing the file, and holds up the request behind it —
//! the tail of ingest and delivery latencies). PostgreSQL checkpoints on its own.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::{Pool, Store};

/// How often the log is copied back: a second of traffic is a few megabytes.
const EVERY: Duration = Duration::from_millis(500);

/// What the connections are told instead of the automatic checkpoint (0: never by a commit).
pub const AUTOMATIC: &str = "0";

impl Store {
    /// Copies the write-ahead log into the database file every [`EVERY`] until `stop`,
    /// without waiting for writers or readers (a passive checkpoint copies what it can and
    /// leaves the rest for the next). Returns at once on PostgreSQL.
    pub(crate) async fn run_checkpoints(self, stop: CancellationToken) {
        let Pool::Sqlite(pool) = &self.pool else {
            return;
        };
        loop {
            tokio::select! {
                _ = tokio::time::sleep(EVERY) => {}
                _ = stop.cancelled() => return,
            }
            if pool.is_closed() {
                return;
            }
            if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(pool)
                .await
            {
                tracing::warn!(%error, "checkpoint failed; trying again");
            }
        }
    }
}
