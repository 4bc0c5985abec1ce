//! One attempt of one claimed delivery: prepare → send → decide → record.

use std::time::Instant;

use chrono::Utc;

use super::{operational, target::Target};
use crate::{
    channel::{Outbound, REQUEST_BODY_CAP},
    delivery::{ErrorKind, HeaderPair},
    ids::{EventId, ProjectId, SubscriptionId},
    metrics::AttemptOutcome,
    retry::FailureHints,
    store::{
        attempts::{self, Health, NewAttempt, Next},
        deliveries::{self, Claimed},
        events, rate_buckets, subscriptions,
    },
    subscription::Subscription,
    Engine, EngineError,
};

pub async fn run(engine: &Engine, worker: &str, claimed: Claimed) {
    let delivery = claimed.id;
    if let Err(error) = attempt(engine, worker, claimed).await {
        // The lease runs out and the delivery is claimed again: nothing is lost.
        tracing::warn!(%delivery, %error, "attempt not recorded; it will be retried after the lease");
    }
}

async fn attempt(engine: &Engine, worker: &str, claimed: Claimed) -> Result<(), EngineError> {
    let prepared = match prepare(engine, &claimed).await? {
        Ok(prepared) => prepared,
        Err(reason) => {
            let now = Utc::now().timestamp_millis();
            return attempts::cancel(engine.store(), claimed.id, worker, &reason, now).await;
        }
    };
    let Some(channel) = engine.channels().get(&prepared.subscription.channel) else {
        let reason = format!(
            "channel {:?} is not registered",
            prepared.subscription.channel
        );
        return attempts::cancel(
            engine.store(),
            claimed.id,
            worker,
            &reason,
            Utc::now().timestamp_millis(),
        )
        .await;
    };

    // Not yet: deferred, never held, so that a throttled endpoint keeps no worker slot.
    let subscription = &prepared.subscription;
    if let Some(rate) = subscription.rate_limit {
        let now = Utc::now().timestamp_millis();
        if let Err(wait) = rate_buckets::take(engine.store(), subscription.id, rate, now).await? {
            let until = now + wait.as_millis() as i64;
            return deliveries::defer(engine.store(), claimed.id, worker, until).await;
        }
    }

    let started = Instant::now();
    let outcome = channel.deliver(&prepared.request).await;
    let duration = started.elapsed();

    let number = claimed.attempts + 1;
    let (next, health) = decide(engine, &prepared.subscription, &claimed, number, &outcome);
    let record = NewAttempt {
        delivery: claimed.id,
        project: claimed.project_id,
        subscription: claimed.subscription_id,
        number,
        worker: worker.to_owned(),
        request_url: prepared.request.url.clone(),
        request_method: prepared.request.method.clone(),
        request_headers: prepared.logged_headers,
        request_body: capped(&prepared.request.body, REQUEST_BODY_CAP),
        response_status: outcome.status,
        response_headers: outcome.status.map(|_| outcome.headers.clone()),
        response_body: outcome.status.map(|_| outcome.body.clone()),
        error: outcome.error.clone(),
        duration_ms: duration.as_millis() as i64,
        at: Utc::now().timestamp_millis(),
    };
    let finished = attempts::Finished {
        attempt: record,
        next,
        health,
    };
    let turned_failed = engine.recorder().submit(finished.clone()).await?;
    let counted = match next {
        Next::Succeeded => AttemptOutcome::Succeeded,
        Next::RetryAt(_) => AttemptOutcome::Retrying,
        Next::Failed => AttemptOutcome::Failed,
    };
    engine
        .metrics()
        .attempt(claimed.subscription_id, counted, duration);
    let record = finished.attempt;
    if turned_failed {
        tracing::warn!(subscription = %claimed.subscription_id, "subscription marked failed");
    }
    if !prepared.operational {
        let event_id = EventId(claimed.event_id).to_string();
        let events = operational::events_for(
            &prepared.subscription,
            &record,
            &event_id,
            next,
            turned_failed,
        );
        operational::report(engine, &prepared.subscription.project, events).await;
    }
    Ok(())
}

/// A delivery ready to send, and its headers as the attempt log shows them.
struct Prepared {
    subscription: Subscription,
    /// The event is one of Hookhub's own reports.
    operational: bool,
    request: Outbound,
    logged_headers: Vec<HeaderPair>,
}

/// Loads what the delivery needs, renders and signs it. The inner `Err` says why it must not be
/// sent at all (it is cancelled).
async fn prepare(
    engine: &Engine,
    claimed: &Claimed,
) -> Result<Result<Prepared, String>, EngineError> {
    let store = engine.store();
    let subscription_id = SubscriptionId(claimed.subscription_id);
    // Three reads on three pooled connections at once.
    let (subscription, confidential, event) = tokio::try_join!(
        subscriptions::by_id(store, subscription_id),
        subscriptions::secrets_and_headers(store, subscription_id),
        events::by_id(store, EventId(claimed.event_id)),
    )?;
    let (Some(subscription), Some(confidential), Some(event)) = (subscription, confidential, event)
    else {
        return Ok(Err("the subscription or event no longer exists".into()));
    };
    if !subscription.enabled || subscription.failed {
        return Ok(Err("the subscription is disabled or failed".into()));
    }
    let target = Target::of_subscription(&subscription, confidential);
    let (request, logged_headers) = target.request(&event, ProjectId(claimed.project_id));
    Ok(Ok(Prepared {
        operational: event.group.as_deref() == Some(operational::GROUP),
        subscription,
        request,
        logged_headers,
    }))
}

/// What the outcome means for the delivery and for the subscription's health.
fn decide(
    engine: &Engine,
    subscription: &Subscription,
    claimed: &Claimed,
    number: i32,
    outcome: &crate::channel::Outcome,
) -> (Next, Health) {
    let Some((kind, _)) = &outcome.error else {
        return (Next::Succeeded, Health::Healthy);
    };
    let settings = engine.settings();
    if outcome.status == Some(410) {
        return (Next::Failed, Health::Gone);
    }
    let health = Health::Failing {
        give_up_after: settings.failure_window.as_millis() as i64,
    };
    // Manual replays are tried once; so is everything of a subscription with retries off.
    if claimed.manual || !subscription.retry {
        return (Next::Failed, health);
    }
    let hints = FailureHints {
        throttled: outcome.status == Some(429) || *kind == ErrorKind::Timeout,
        retry_after: outcome.retry_after,
    };
    match settings.retry.delay_after(number as u32, hints) {
        Some(delay) => (
            Next::RetryAt(Utc::now().timestamp_millis() + delay.as_millis() as i64),
            health,
        ),
        None => (Next::Failed, health),
    }
}

/// The first `cap` bytes as text, cut at a character boundary.
fn capped(bytes: &[u8], cap: usize) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(cap)]).into_owned();
    text.trim_end_matches(char::REPLACEMENT_CHARACTER)
        .to_owned()
}
