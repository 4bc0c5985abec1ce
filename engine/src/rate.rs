//! A token bucket: the per-token request limits of the HTTP API. (Subscriptions' rate limits
//! are buckets too, kept in the database so that every instance draws from the same one:
//! `store::rate_buckets`.)

use std::time::{Duration, Instant};

/// A token bucket holding up to one second's worth of requests.
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
}
