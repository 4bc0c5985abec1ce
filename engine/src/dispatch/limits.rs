//! Limits on deliveries: the token bucket behind rate limits, and the bound on deliveries to one
//! subscription in flight in this process.
//!
//! A throttled delivery is deferred, not held, and a claim leaves out the deliveries of
//! subscriptions at their in-flight bound, so a slow or throttled endpoint never occupies the
//! worker slots other subscriptions need. Subscriptions' rate limits live in the
//! database (`store::rate_buckets`), shared by every instance; the in-flight bound protects each
//! process's own slots, so it is per process.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use tokio::sync::Notify;
use uuid::Uuid;

/// A token bucket holding up to one second's worth of deliveries.
#[derive(Debug, Clone, Copy)]
pub struct Bucket {
    tokens: f64,
    last: Instant,
}

impl Bucket {
    pub fn full(rate: u32, now: Instant) -> Bucket {
        Bucket {
            tokens: f64::from(rate),
            last: now,
        }
    }

    /// Takes a token, or says how long until one is there.
    pub fn take(&mut self, rate: u32, now: Instant) -> Result<(), Duration> {
        let rate = f64::from(rate.max(1));
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * rate).min(rate);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - self.tokens) / rate))
        }
    }
}

/// Deliveries in flight in this process, per subscription.
#[derive(Debug, Clone)]
pub struct Limits {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    per_subscription: usize,
    /// Count per subscription with at least one delivery in flight. The lock guards one map
    /// update at a time; it is never held across an await.
    in_flight: Mutex<HashMap<Uuid, usize>>,
    /// Told when a subscription at its bound gets a place back: the worker left its deliveries
    /// out of the last claim and must look again.
    freed: Arc<Notify>,
}

/// Held while a delivery is in flight; frees its place when dropped.
#[derive(Debug)]
pub struct Admitted {
    subscription: Uuid,
    shared: Arc<Shared>,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut in_flight = self.shared.lock();
        if let Some(count) = in_flight.get_mut(&self.subscription) {
            if *count == self.shared.per_subscription {
                self.shared.freed.notify_waiters();
            }
            *count -= 1;
            if *count == 0 {
                in_flight.remove(&self.subscription);
            }
        }
    }
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, usize>> {
        self.in_flight.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Limits {
    /// At most `per_subscription` deliveries per subscription at once; `freed` is notified when
    /// a subscription that was at its bound drops below it.
    pub fn new(per_subscription: usize, freed: Arc<Notify>) -> Limits {
        Limits {
            shared: Arc::new(Shared {
                per_subscription: per_subscription.max(1),
                in_flight: Mutex::default(),
                freed,
            }),
        }
    }

    /// Admits one more delivery to the subscription now, or `None` when it is at its bound.
    pub fn admit(&self, subscription: Uuid) -> Option<Admitted> {
        let mut in_flight = self.shared.lock();
        let count = in_flight.entry(subscription).or_default();
        if *count >= self.shared.per_subscription {
            return None;
        }
        *count += 1;
        Some(Admitted {
            subscription,
            shared: self.shared.clone(),
        })
    }

    /// The subscriptions at their bound: claims leave their deliveries in the queue.
    pub fn saturated(&self) -> Vec<Uuid> {
        let in_flight = self.shared.lock();
        in_flight
            .iter()
            .filter(|(_, &count)| count >= self.shared.per_subscription)
            .map(|(&subscription, _)| subscription)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_a_burst_of_one_second_then_the_rate() {
        let start = Instant::now();
        let mut bucket = Bucket::full(2, start);
        assert!(bucket.take(2, start).is_ok());
        assert!(bucket.take(2, start).is_ok());
        let wait = bucket.take(2, start).unwrap_err();
        assert!((0.49..=0.51).contains(&wait.as_secs_f64()), "{wait:?}");
        assert!(bucket.take(2, start + Duration::from_millis(500)).is_ok());
        assert!(bucket.take(2, start + Duration::from_millis(500)).is_err());
    }

    #[test]
    fn in_flight_deliveries_are_bounded_per_subscription() {
        let limits = Limits::new(2, Arc::default());
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let first = limits.admit(a).unwrap();
        let _second = limits.admit(a).unwrap();
        assert!(limits.admit(a).is_none());
        assert_eq!(limits.saturated(), vec![a]);
        assert!(
            limits.admit(b).is_some(),
            "other subscriptions are not affected"
        );
        drop(first);
        assert!(limits.saturated().is_empty());
        assert!(limits.admit(a).is_some());
    }

    #[tokio::test]
    async fn a_subscription_leaving_its_bound_wakes_the_claimer() {
        let freed = Arc::new(Notify::new());
        let limits = Limits::new(1, freed.clone());
        let held = limits.admit(Uuid::new_v4()).unwrap();
        let woken = freed.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        drop(held);
        tokio::time::timeout(Duration::from_secs(5), woken)
            .await
            .expect("the claimer was woken");
    }
}
