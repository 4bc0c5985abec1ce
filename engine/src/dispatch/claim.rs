//! Claiming from the database what was not handed to the worker at birth: retries coming due,
//! the deliveries of a crashed or stopped process once their leases ran out, work another
//! instance queued, and a backlog larger than the in-memory queue. Claims are batches taken
//! with a lease in one transaction (`FOR UPDATE SKIP LOCKED` on PostgreSQL), as many as the
//! queue has room for, leaving out subscriptions whose lane in the queue is full.

use std::{collections::HashMap, sync::Arc, time::Duration};

use chrono::Utc;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::{Context, Job};
use crate::{
    error::chain,
    ids::ProjectId,
    store::{attempts, deliveries, events},
    EngineError,
};

/// The most one claim takes.
const MOST: usize = 512;
/// The least time between two claims: a claim is a write transaction, and a busy worker frees
/// room with every delivery it starts.
const CLAIM_GAP: Duration = Duration::from_millis(2);
/// How often deliveries held for a subscription that was enabled meanwhile are looked for.
const STRAY_HELD_EVERY: Duration = Duration::from_secs(10);

/// Claims until `stop`: when woken (work was queued, here or in another process), when the
/// queue has room again, when a lane left out as full has drained to half, and every
/// `idle_poll` (for retries coming due and expired leases).
pub async fn run(
    context: Arc<Context>,
    idle_poll: Duration,
    room: Arc<Notify>,
    stop: CancellationToken,
) {
    let queued = context.bus.queued.clone();
    let mut swept = tokio::time::Instant::now() - idle_poll;
    let mut strays_swept = tokio::time::Instant::now();
    loop {
        // Armed before looking, so that news arriving meanwhile still wakes us.
        let woken = queued.notified();
        let roomier = room.notified();
        let drained = context.queue.drained();
        tokio::pin!(woken, roomier, drained);
        woken.as_mut().enable();
        roomier.as_mut().enable();
        drained.as_mut().enable();
        if stop.is_cancelled() {
            return;
        }
        if swept.elapsed() >= idle_poll {
            swept = tokio::time::Instant::now();
            let now = Utc::now().timestamp_millis();
            if let Err(error) = deliveries::release_expired(&context.store, now).await {
                tracing::warn!(error = %chain(&error), "releasing expired leases failed; retrying");
            }
        }
        if strays_swept.elapsed() >= STRAY_HELD_EVERY {
            strays_swept = tokio::time::Instant::now();
            match deliveries::release_stray_held(&context.store).await {
                Ok(0) => {}
                Ok(released) => tracing::info!(released, "released deliveries held by mistake"),
                Err(error) => {
                    tracing::warn!(error = %chain(&error), "releasing stray held deliveries failed")
                }
            }
        }
        let (free, full) = context.queue.room();
        // A claim is a write transaction: wait for room for a good batch rather than claiming
        // each freed place on its own.
        if free < MOST.min(context.queue.capacity() / 4).max(1) {
            tokio::select! {
                _ = roomier => {}
                _ = tokio::time::sleep(idle_poll) => {}
                _ = stop.cancelled() => return,
            }
            continue;
        }
        tokio::time::sleep(CLAIM_GAP).await;
        let claimed = match claim(&context, free.min(MOST), &full).await {
            Ok(claimed) => claimed,
            Err(error) => {
                tracing::warn!(error = %chain(&error), "claiming deliveries failed; retrying");
                0
            }
        };
        if claimed == 0 {
            // Nothing due, or only for lanes left out as full: those are claimed for again
            // as soon as one has drained to half.
            tokio::select! {
                _ = woken => {}
                _ = drained, if !full.is_empty() => {}
                _ = tokio::time::sleep(idle_poll) => {}
                _ = stop.cancelled() => return,
            }
        }
    }
}

/// Claims up to `most` due deliveries into the queue; returns how many.
async fn claim(context: &Context, most: usize, full: &[uuid::Uuid]) -> Result<usize, EngineError> {
    let now = Utc::now().timestamp_millis();
    let until = now + context.lease.as_millis() as i64;
    let claimed = deliveries::claim(
        &context.store,
        &context.worker_id,
        now,
        until,
        most as u32,
        full,
    )
    .await?;
    if claimed.is_empty() {
        return Ok(0);
    }
    let ids: Vec<uuid::Uuid> = claimed.iter().map(|c| c.event_id).collect();
    let found: HashMap<uuid::Uuid, Arc<crate::event::Event>> = events::by_ids(&context.store, &ids)
        .await?
        .into_iter()
        .map(|e| (e.id.0, Arc::new(e)))
        .collect();
    let count = claimed.len();
    let mut jobs = Vec::with_capacity(count);
    for delivery in claimed {
        match found.get(&delivery.event_id) {
            Some(event) => jobs.push(Job {
                delivery: delivery.id,
                project: ProjectId(delivery.project_id),
                subscription: delivery.subscription_id,
                event: event.clone(),
                attempts: u32::try_from(delivery.attempts).unwrap_or_default(),
                manual: delivery.manual,
            }),
            None => {
                let reason = "the event no longer exists";
                attempts::cancel(&context.store, delivery.id, &context.worker_id, reason, now)
                    .await?;
            }
        }
    }
    context.queue.push_claimed(jobs);
    Ok(count)
}
