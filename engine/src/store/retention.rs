//! Pruning what is older than the retention period.

use super::{on_pool, Store};
use crate::EngineError;

/// What one pruning pass removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    pub attempts: u64,
    pub events: u64,
}

/// Deletes attempts and events created before `cutoff` (ms). An event with a delivery still
/// pending, held or being sent is kept: pruning never loses work. Deliveries go with their event.
pub async fn prune(store: &Store, cutoff: i64) -> Result<Pruned, EngineError> {
    let pruned = on_pool!(store, pool => {
        let mut tx = pool.begin().await?;
        let attempts = sqlx::query("DELETE FROM attempts WHERE created_at < $1")
            .bind(cutoff)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let events = sqlx::query(
            "DELETE FROM events WHERE created_at < $1 AND NOT EXISTS (
                 SELECT 1 FROM deliveries d
                 WHERE d.event_id = events.id AND d.status IN ('pending', 'held', 'sending'))",
        )
        .bind(cutoff)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query("DELETE FROM endpoint_tests WHERE created_at < $1")
            .bind(cutoff)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Pruned { attempts, events }
    });
    Ok(pruned)
}
