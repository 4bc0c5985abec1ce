//! One attempt of one claimed delivery: prepare → send → decide → record.

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
    time::Instant,
};

use chrono::Utc;
use uuid::Uuid;

use super::{operational, target::Target};
use crate::{
    channel::{Outbound, REQUEST_BODY_CAP},
    delivery::ErrorKind,
    event::Event,
    ids::{EventId, ProjectId},
    metrics::AttemptOutcome,
    retry::FailureHints,
    store::{
        attempts::{self, Health, NewAttempt, Next},
        deliveries::{self, Claimed},
        events, rate_buckets,
        subscriptions::{self, Confidential},
    },
    subscription::Subscription,
    Engine, EngineError,
};

/// What a batch of claimed deliveries needs from the database, read in two queries for the
/// whole batch rather than a few per delivery.
pub struct Loaded {
    subscriptions: HashMap<Uuid, (Arc<Subscription>, Confidential)>,
    events: HashMap<Uuid, Arc<Event>>,
}

/// One delivery's subscription (with what sending needs) and event.
pub type Needs = (Arc<Subscription>, Confidential, Arc<Event>);

impl Loaded {
    pub async fn read(engine: &Engine, claimed: &[&Claimed]) -> Result<Loaded, EngineError> {
        let distinct = |id: fn(&Claimed) -> Uuid| {
            let ids: HashSet<Uuid> = claimed.iter().map(|c| id(c)).collect();
            ids.into_iter().collect::<Vec<_>>()
        };
        let (subscription_ids, event_ids) =
            (distinct(|c| c.subscription_id), distinct(|c| c.event_id));
        let (subscriptions, events) = tokio::try_join!(
            subscriptions::for_delivery(engine.store(), &subscription_ids),
            events::by_ids(engine.store(), &event_ids),
        )?;
        Ok(Loaded {
            subscriptions: subscriptions
                .into_iter()
                .map(|(s, confidential)| (s.id.0, (Arc::new(s), confidential)))
                .collect(),
            events: events.into_iter().map(|e| (e.id.0, Arc::new(e))).collect(),
        })
    }

    /// What `claimed` needs; `None` when its subscription or event no longer exists.
    pub fn of(&self, claimed: &Claimed) -> Option<Needs> {
        let (subscription, confidential) = self.subscriptions.get(&claimed.subscription_id)?;
        let event = self.events.get(&claimed.event_id)?;
        Some((subscription.clone(), confidential.clone(), event.clone()))
    }
}

pub async fn run(engine: &Engine, worker: &str, claimed: Claimed, needs: Option<Needs>) {
    let delivery = claimed.id;
    if let Err(error) = attempt(engine, worker, claimed, needs).await {
        // The lease runs out and the delivery is claimed again: nothing is lost.
        tracing::warn!(%delivery, %error, "attempt not recorded; it will be retried after the lease");
    }
}

async fn attempt(
    engine: &Engine,
    worker: &str,
    claimed: Claimed,
    needs: Option<Needs>,
) -> Result<(), EngineError> {
    let prepared = match prepare(&claimed, needs) {
        Ok(prepared) => prepared,
        Err(NotNow::Held) => return deliveries::hold(engine.store(), claimed.id, worker).await,
        Err(NotNow::Gone(reason)) => {
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
        request_headers: prepared.request.logged_headers.clone(),
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
    let finished = std::sync::Arc::new(finished);
    let turned_failed = engine.recorder().submit(finished.clone()).await?;
    let counted = match next {
        Next::Succeeded => AttemptOutcome::Succeeded,
        Next::RetryAt(_) => AttemptOutcome::Retrying,
        Next::Failed => AttemptOutcome::Failed,
    };
    engine
        .metrics()
        .attempt(claimed.subscription_id, counted, duration);
    let record = &finished.attempt;
    if turned_failed {
        tracing::warn!(subscription = %claimed.subscription_id, "subscription marked failed");
    }
    if !prepared.operational {
        let event_id = EventId(claimed.event_id).to_string();
        let events = operational::events_for(
            &prepared.subscription,
            record,
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
    subscription: Arc<Subscription>,
    /// The event is one of Hookhub's own reports.
    operational: bool,
    request: Outbound,
}

/// Why a claimed delivery is not sent now.
enum NotNow {
    /// Its subscription is disabled or failed: it waits, held.
    Held,
    /// It can never be sent (it is cancelled), for this reason.
    Gone(String),
}

/// Renders and signs the delivery, unless it must not be sent now.
fn prepare(claimed: &Claimed, needs: Option<Needs>) -> Result<Prepared, NotNow> {
    let Some((subscription, confidential, event)) = needs else {
        return Err(NotNow::Gone(
            "the subscription or event no longer exists".into(),
        ));
    };
    if !subscription.enabled || subscription.failed {
        return Err(NotNow::Held);
    }
    let target = Target::of_subscription(&subscription, confidential);
    let request = target.request(&event, ProjectId(claimed.project_id));
    Ok(Prepared {
        operational: event.group.as_deref() == Some(operational::GROUP),
        subscription,
        request,
    })
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
