//! SQLite's checkpoints, off the hot path: the write-ahead log is copied into the database file
//! by a background task instead of by whichever commit happens to fill it (SQLite's automatic
//! checkpoint runs inside that commit, syncing the file, and holds up the request behind it —
//! the tail of ingest and delivery latencies). PostgreSQL checkpoints on its own.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::{Pool, Store};

/// How often the log is copied back. Measured with `hookhub-bench`: every 500 ms, the copies'
/// syncs overlapped the commits' often enough to put tens of milliseconds on the 99th
/// percentile of ingest → delivery; every 2 s they did not, and throughput stayed as high.
const EVERY: Duration = Duration::from_secs(2);

/// The log is cut back to this size once copied (it would otherwise keep its largest size).
pub const LOG_SIZE_LIMIT: &str = "67108864";

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

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    #[tokio::test]
    async fn commits_leave_the_log_and_the_background_task_copies_it_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("checkpoints.db");
        let store = Store::open_or_create(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        let Pool::Sqlite(pool) = store.pool() else {
            unreachable!("a SQLite URL")
        };
        let automatic: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint")
            .fetch_one(pool)
            .await
            .unwrap();
        assert_eq!(automatic, 0, "no commit checkpoints");
        sqlx::query("CREATE TABLE filler (x BLOB)")
            .execute(pool)
            .await
            .unwrap();
        for _ in 0..40 {
            sqlx::query("INSERT INTO filler VALUES (randomblob(100000))")
                .execute(pool)
                .await
                .unwrap();
        }
        let size = || std::fs::metadata(&path).unwrap().len();
        assert!(size() < 1_000_000, "the rows are still only in the log");

        let stop = CancellationToken::new();
        tokio::spawn(store.clone().run_checkpoints(stop.clone()));
        let since = Instant::now();
        while size() < 4_000_000 {
            assert!(
                since.elapsed() < Duration::from_secs(60),
                "never copied back"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        stop.cancel();
    }
}
