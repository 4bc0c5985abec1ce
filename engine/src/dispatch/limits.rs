//! Limits on deliveries: the token bucket behind rate limits, and the bound on deliveries to one
//! subscription in flight in this process.
//!
//! A delivery that may not go yet is deferred, not held, so a slow or throttled endpoint never
//! occupies the worker slots other subscriptions need. Subscriptions' rate limits live in the
//! database (`store::rate_buckets`), shared by every instance; the in-flight bound protects each
//! process's own slots, so it is per process.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

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
    per_subscription: usize,
    in_flight: Arc<Mutex<HashMap<Uuid, usize>>>,
}

/// Held while a delivery is in flight; frees its place when dropped.
#[derive(Debug)]
pub struct Admitted {
    subscription: Uuid,
    in_flight: Arc<Mutex<HashMap<Uuid, usize>>>,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        // The lock guards one map update; it is never held across an await.
        let mut in_flight = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = in_flight.get_mut(&self.subscription) {
            *count -= 1;
            if *count == 0 {
                in_flight.remove(&self.subscription);
            }
        }
    }
}

/// How long to wait before trying a delivery that was not admitted because of concurrency.
const BUSY_RETRY: Duration = Duration::from_millis(50);

impl Limits {
    pub fn new(per_subscription: usize) -> Limits {
        Limits {
            per_subscription: per_subscription.max(1),
            in_flight: Arc::default(),
        }
    }

    /// Admits one more delivery to the subscription now, or says how long to wait.
    pub fn admit(&self, subscription: Uuid) -> Result<Admitted, Duration> {
        let mut in_flight = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        let count = in_flight.entry(subscription).or_default();
        if *count >= self.per_subscription {
            return Err(BUSY_RETRY);
        }
        *count += 1;
        Ok(Admitted {
            subscription,
            in_flight: self.in_flight.clone(),
        })
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
        let limits = Limits::new(2);
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let first = limits.admit(a).unwrap();
        let _second = limits.admit(a).unwrap();
        assert!(limits.admit(a).is_err());
        assert!(
            limits.admit(b).is_ok(),
            "other subscriptions are not affected"
        );
        drop(first);
        assert!(limits.admit(a).is_ok());
    }
}
