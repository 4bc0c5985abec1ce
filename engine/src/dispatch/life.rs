//! The rules of a delivery's life, as pure functions: what one attempt's outcome means for the
//! delivery (succeeded, retry at, failed for good) and for its subscription's health (healthy,
//! failing since, gone, failed after the failure window). The recorder applies what these
//! decide; nothing here reads a clock or a database, so every rule is tested on its own.

use std::{collections::BTreeMap, time::Duration};

use uuid::Uuid;

use crate::{
    channel::Outcome,
    delivery::ErrorKind,
    retry::{FailureHints, RetryPolicy},
};

/// Where the delivery goes after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Succeeded,
    /// Pending again, due at this time (epoch ms).
    RetryAt(i64),
    /// No more automatic attempts.
    Failed,
}

/// What an attempt says about the subscription's endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    Healthy,
    /// It failed. Once the endpoint has kept failing for the failure window and a delivery has
    /// no attempts left, the subscription is marked failed.
    Failing,
    /// It said it is gone for good (410): the subscription is marked failed at once.
    Gone,
}

/// What the attempt's settings are, as far as deciding goes.
#[derive(Debug, Clone, Copy)]
pub struct Attempted {
    /// 1-based.
    pub number: u32,
    /// A manual retry, replay or recovery: tried once.
    pub manual: bool,
    /// The subscription retries failed deliveries.
    pub retries: bool,
    /// When the attempt ended (epoch ms).
    pub at: i64,
}

/// What `outcome` means for the delivery and for its subscription's health.
pub fn decide(policy: &RetryPolicy, attempted: Attempted, outcome: &Outcome) -> (Next, Health) {
    let Some((kind, _)) = &outcome.error else {
        return (Next::Succeeded, Health::Healthy);
    };
    if outcome.status == Some(410) {
        return (Next::Failed, Health::Gone);
    }
    if attempted.manual || !attempted.retries {
        return (Next::Failed, Health::Failing);
    }
    let hints = FailureHints {
        throttled: outcome.status == Some(429) || *kind == ErrorKind::Timeout,
        retry_after: outcome.retry_after,
    };
    match policy.delay_after(attempted.number, hints) {
        Some(delay) => (
            Next::RetryAt(attempted.at + delay.as_millis() as i64),
            Health::Failing,
        ),
        None => (Next::Failed, Health::Failing),
    }
}

/// How a batch of attempts changes one subscription's health, folded in the order they ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HealthChange {
    /// The last success, if any: it ends the failing streak (`failing_since` cleared) and is the
    /// subscription's last delivery.
    pub succeeded_at: Option<i64>,
    /// The first failure after the last success: the streak's start, unless one runs already
    /// (and no success in the batch ended it).
    pub failing_from: Option<i64>,
    /// It answered 410: failed at once.
    pub gone: bool,
    /// The latest failure of a delivery with no attempts left: failed if the streak began a
    /// failure window before it.
    pub exhausted_at: Option<i64>,
}

impl HealthChange {
    fn add(&mut self, at: i64, next: Next, health: Health) {
        match health {
            Health::Healthy => {
                self.succeeded_at = Some(at);
                self.failing_from = None;
                self.exhausted_at = None;
            }
            Health::Failing | Health::Gone => {
                self.failing_from.get_or_insert(at);
                if health == Health::Gone {
                    self.gone = true;
                }
                if next == Next::Failed {
                    self.exhausted_at = Some(at);
                }
            }
        }
    }

    /// Whether the subscription is to be marked failed, given when its failing streak began once
    /// this change is applied, and the failure window.
    pub fn turns_failed(&self, streak_since: Option<i64>, window: Duration) -> bool {
        self.gone
            || self.exhausted_at.is_some_and(|at| {
                streak_since.is_some_and(|since| since <= at - window.as_millis() as i64)
            })
    }
}

/// Each subscription's health change from a batch of `(subscription, at, next, health)`.
pub fn health_changes(
    attempts: impl IntoIterator<Item = (Uuid, i64, Next, Health)>,
) -> BTreeMap<Uuid, HealthChange> {
    let mut changes: BTreeMap<Uuid, HealthChange> = BTreeMap::new();
    for (subscription, at, next, health) in attempts {
        changes
            .entry(subscription)
            .or_default()
            .add(at, next, health);
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            schedule: vec![Duration::from_secs(5), Duration::from_secs(60)],
            jitter: 0.0,
            throttled_minimum: Duration::from_secs(30),
            retry_after_maximum: Duration::from_secs(3600),
        }
    }

    fn attempt(number: u32) -> Attempted {
        Attempted {
            number,
            manual: false,
            retries: true,
            at: 1_000,
        }
    }

    fn failed(status: Option<u16>, kind: ErrorKind) -> Outcome {
        Outcome {
            status,
            error: Some((kind, "no".into())),
            ..Outcome::default()
        }
    }

    #[test]
    fn a_success_is_final_and_healthy() {
        let (next, health) = decide(&policy(), attempt(1), &Outcome::default());
        assert_eq!((next, health), (Next::Succeeded, Health::Healthy));
    }

    #[test]
    fn failures_follow_the_schedule_then_fail() {
        let outcome = failed(Some(500), ErrorKind::HttpStatus);
        assert_eq!(
            decide(&policy(), attempt(1), &outcome),
            (Next::RetryAt(6_000), Health::Failing)
        );
        assert_eq!(
            decide(&policy(), attempt(2), &outcome),
            (Next::RetryAt(61_000), Health::Failing)
        );
        assert_eq!(
            decide(&policy(), attempt(3), &outcome),
            (Next::Failed, Health::Failing)
        );
    }

    #[test]
    fn throttling_and_retry_after_stretch_the_wait() {
        let timeout = failed(None, ErrorKind::Timeout);
        assert_eq!(
            decide(&policy(), attempt(1), &timeout).0,
            Next::RetryAt(31_000)
        );
        let slow_down = Outcome {
            retry_after: Some(Duration::from_secs(120)),
            ..failed(Some(503), ErrorKind::HttpStatus)
        };
        assert_eq!(
            decide(&policy(), attempt(1), &slow_down).0,
            Next::RetryAt(121_000)
        );
    }

    #[test]
    fn gone_manual_and_retry_less_attempts_fail_at_once() {
        let gone = failed(Some(410), ErrorKind::HttpStatus);
        assert_eq!(
            decide(&policy(), attempt(1), &gone),
            (Next::Failed, Health::Gone)
        );
        let error = failed(Some(500), ErrorKind::HttpStatus);
        let manual = Attempted {
            manual: true,
            ..attempt(1)
        };
        assert_eq!(decide(&policy(), manual, &error).0, Next::Failed);
        let no_retries = Attempted {
            retries: false,
            ..attempt(1)
        };
        assert_eq!(decide(&policy(), no_retries, &error).0, Next::Failed);
    }

    #[test]
    fn a_batch_folds_into_one_change_per_subscription() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let changes = health_changes([
            (a, 10, Next::RetryAt(99), Health::Failing),
            (a, 20, Next::Succeeded, Health::Healthy),
            (a, 30, Next::RetryAt(99), Health::Failing),
            (a, 40, Next::Failed, Health::Failing),
            (b, 15, Next::Succeeded, Health::Healthy),
        ]);
        assert_eq!(
            changes[&a],
            HealthChange {
                succeeded_at: Some(20),
                failing_from: Some(30),
                gone: false,
                exhausted_at: Some(40),
            }
        );
        assert_eq!(changes[&b].failing_from, None);
        assert_eq!(changes[&b].succeeded_at, Some(15));
    }

    #[test]
    fn a_subscription_turns_failed_after_the_window_or_at_once_when_gone() {
        let window = Duration::from_millis(100);
        let exhausted = HealthChange {
            failing_from: Some(500),
            exhausted_at: Some(500),
            ..HealthChange::default()
        };
        assert!(
            exhausted.turns_failed(Some(400), window),
            "streak since 400"
        );
        assert!(
            !exhausted.turns_failed(Some(450), window),
            "window not over"
        );
        assert!(
            !exhausted.turns_failed(Some(500), window),
            "the streak starts now"
        );
        let gone = HealthChange {
            gone: true,
            ..HealthChange::default()
        };
        assert!(gone.turns_failed(None, window));
    }
}
