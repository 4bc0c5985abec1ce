//! The leases of deliveries this worker holds: renewed while they wait in memory or are being
//! sent and recorded (so that no other instance claims them meanwhile), and given back at
//! shutdown for whoever starts next.

use std::sync::Arc;

use chrono::Utc;
use tokio_util::sync::CancellationToken;

use super::{Context, Job};
use crate::{error::chain, store::deliveries, EngineError};

/// Renews every lease this worker holds, a third of a lease apart, until `stop`.
pub async fn renew(context: Arc<Context>, stop: CancellationToken) {
    let every = context.lease / 3;
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.cancelled() => return,
        }
        let held = context.queue.leased();
        if held.is_empty() {
            continue;
        }
        let until = Utc::now().timestamp_millis() + context.lease.as_millis() as i64;
        match deliveries::renew_leases(&context.store, &context.worker_id, &held, until).await {
            // A lease that was not renewed ran out before we got to it and may be another
            // worker's now: what still waits of those is not ours to send.
            Ok(renewed) if renewed.len() < held.len() => {
                let lost = context.queue.forget_unless(&renewed);
                tracing::warn!(lost, "leases ran out before they were renewed");
            }
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(error = %chain(&error), held = held.len(), "renewing leases failed; retrying")
            }
        }
    }
}

/// Makes `jobs` pending again, due now, so that another worker (or this one, restarted) takes
/// them without waiting for their leases to run out.
pub async fn give_back(context: &Context, jobs: &[Job]) -> Result<(), EngineError> {
    let ids: Vec<uuid::Uuid> = jobs.iter().map(|j| j.delivery).collect();
    if ids.is_empty() {
        return Ok(());
    }
    deliveries::give_back(&context.store, &context.worker_id, &ids).await?;
    Ok(())
}
