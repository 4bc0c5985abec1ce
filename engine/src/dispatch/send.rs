//! One attempt of one leased delivery: prepare (the subscription as it is now, the body
//! rendered and signed) → send → decide → record.
//!
//! The delivery's place in its subscription's lane is given up as soon as the receiver has
//! answered, not when the result is committed: recording is batched, and the next delivery to
//! the same endpoint need not wait for it. Its place in the worker's concurrency is kept until
//! the result is committed: a crash in between repeats the delivery (its lease runs out), which
//! at-least-once allows, and this bounds the repeats after a crash by the worker's concurrency.

use std::{sync::Arc, time::Instant};

use chrono::Utc;
use tokio::sync::OwnedSemaphorePermit;

use super::{
    life::{self, Attempted, Next},
    queue::{InFlight, Job},
    recorder::Finished,
    target::Target,
    Context,
};
use crate::{
    channel::REQUEST_BODY_CAP,
    error::chain,
    event::OPERATIONAL_GROUP,
    metrics::AttemptOutcome,
    roster::Member,
    store::{
        attempts::{self, NewAttempt},
        deliveries, rate_buckets, storable,
    },
    EngineError,
};

/// A job's place in flight in its subscription's lane and in the worker's concurrency.
pub type Place = (InFlight, OwnedSemaphorePermit);

/// Runs one attempt of `job`: its lane's place until the receiver answered, its place in the
/// worker's concurrency until the result is recorded.
pub async fn run(context: Arc<Context>, job: Job, place: Place) {
    let delivery = job.delivery;
    if let Err(error) = attempt(&context, job, place).await {
        // Its lease runs out and the delivery is claimed again: nothing is lost.
        tracing::warn!(%delivery, error = %chain(&error), "attempt not recorded; it is tried again after its lease");
        context.queue.settled(delivery);
    }
}

async fn attempt(context: &Arc<Context>, job: Job, place: Place) -> Result<(), EngineError> {
    let (in_lane, _concurrency) = place;
    let store = &context.store;
    let worker = &context.worker_id;
    let now = Utc::now().timestamp_millis();
    let Some(member) = context.roster.member(job.project, job.subscription).await? else {
        let reason = "the subscription no longer exists";
        attempts::cancel(store, job.delivery, worker, reason, now).await?;
        context.queue.settled(job.delivery);
        return Ok(());
    };
    let subscription = &member.receiver.subscription;
    if member.receiver.holds() {
        deliveries::hold(store, job.delivery, worker).await?;
        context.queue.settled(job.delivery);
        return Ok(());
    }
    let Some(channel) = context.channels.get(&subscription.spec.channel) else {
        let reason = format!("channel {:?} is not registered", subscription.spec.channel);
        attempts::cancel(store, job.delivery, worker, &reason, now).await?;
        context.queue.settled(job.delivery);
        return Ok(());
    };
    // Held back by the rate limit: given back to the queue in the database, due when a token
    // will be there; it keeps no place in the meantime.
    if let Some(rate) = subscription.spec.rate_limit {
        if let Err(wait) = rate_buckets::take(store, subscription.id, rate, now).await? {
            let until = now + wait.as_millis() as i64;
            deliveries::defer(store, job.delivery, worker, until).await?;
            context.queue.settled(job.delivery);
            return Ok(());
        }
    }

    let request = Target::of_member(&member, now).request(&job.event, job.project);
    let started = Instant::now();
    let outcome = channel.deliver(&request).await;
    let took = started.elapsed();
    drop(in_lane);

    let at = Utc::now().timestamp_millis();
    let number = job.attempts + 1;
    let attempted = Attempted {
        number,
        manual: job.manual,
        retries: subscription.spec.retry,
        at,
    };
    let (next, health) = life::decide(&context.settings.retry, attempted, &outcome);
    context.metrics.attempt(
        job.subscription,
        match next {
            Next::Succeeded => AttemptOutcome::Succeeded,
            Next::RetryAt(_) => AttemptOutcome::Retrying,
            Next::Failed => AttemptOutcome::Failed,
        },
        took,
    );
    let finished = Arc::new(Finished {
        attempt: NewAttempt {
            delivery: job.delivery,
            project: job.project.0,
            subscription: job.subscription,
            number: number as i32,
            worker: worker.clone(),
            request_url: request.url.clone(),
            request_method: request.method.clone(),
            request_headers: request.logged_headers.clone(),
            request_body: capped(&request.body, REQUEST_BODY_CAP),
            response_status: outcome.status,
            response_headers: outcome.status.map(|_| outcome.headers.clone()),
            response_body: outcome.status.map(|_| storable(&outcome.body).into_owned()),
            error: outcome.error.clone(),
            duration_ms: took.as_millis() as i64,
            at,
        },
        event: job.event.id,
        next,
        health,
    });
    let reports = job.event.group.as_deref() != Some(OPERATIONAL_GROUP);
    context.record(finished, member_of(reports, &member)).await
}

/// The subscription to report on, when the event is not itself one of Hookhub's reports (which
/// report nothing, so that a failing subscriber to them cannot set off a loop).
fn member_of(reports: bool, member: &Arc<Member>) -> Option<Arc<Member>> {
    reports.then(|| member.clone())
}

/// The first `cap` bytes as text, cut at a character boundary.
fn capped(bytes: &[u8], cap: usize) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(cap)]);
    storable(text.trim_end_matches(char::REPLACEMENT_CHARACTER)).into_owned()
}
