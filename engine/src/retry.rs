//! Retries as data: a schedule of delays, jitter, and the rules that stretch or stop them.

use std::time::Duration;

use rand::Rng;

/// When the next attempt of a failed delivery happens, if at all.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// The delay before each retry: `schedule[0]` after the first failure, and so on. Its length
    /// is the number of retries.
    pub schedule: Vec<Duration>,
    /// Each delay is moved by up to this fraction either way, so that retries of many deliveries
    /// failed at once do not arrive at once.
    pub jitter: f64,
    /// The least wait after a 429 or a timeout: the receiver is overloaded, do not add to it.
    pub throttled_minimum: Duration,
    /// The most a receiver's `Retry-After` may ask for.
    pub retry_after_maximum: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        let minutes = |m: u64| Duration::from_secs(m * 60);
        RetryPolicy {
            schedule: vec![
                Duration::from_secs(5),
                minutes(5),
                minutes(30),
                minutes(120),
                minutes(300),
                minutes(600),
                minutes(600),
            ],
            jitter: 0.2,
            throttled_minimum: Duration::from_secs(60),
            retry_after_maximum: Duration::from_secs(6 * 60 * 60),
        }
    }
}

/// What the failed attempt tells about when to try again.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FailureHints {
    /// The receiver answered 429 or the attempt timed out.
    pub throttled: bool,
    /// The receiver's `Retry-After`, if it sent one.
    pub retry_after: Option<Duration>,
}

impl RetryPolicy {
    /// The delay before the retry that follows failed attempt number `attempts` (1-based), or
    /// `None` when the schedule is used up.
    pub fn delay_after(&self, attempts: u32, hints: FailureHints) -> Option<Duration> {
        let planned = *self.schedule.get(attempts.checked_sub(1)? as usize)?;
        let mut delay = self.jittered(planned);
        if hints.throttled {
            delay = delay.max(self.throttled_minimum);
        }
        if let Some(asked) = hints.retry_after {
            delay = delay.max(asked.min(self.retry_after_maximum));
        }
        Some(delay)
    }

    fn jittered(&self, delay: Duration) -> Duration {
        if self.jitter <= 0.0 || delay.is_zero() {
            return delay;
        }
        let factor = rand::rng().random_range(1.0 - self.jitter..=1.0 + self.jitter);
        delay.mul_f64(factor)
    }
}

/// `250ms`, `5s`, `5m`, `2h` (spaces around it ignored).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("{text:?} needs a unit (ms, s, m or h)"))?;
    let (number, unit) = text.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} does not start with a whole number"))?;
    match unit {
        "ms" => Ok(Duration::from_millis(n)),
        "s" => Ok(Duration::from_secs(n)),
        "m" => Ok(Duration::from_secs(n * 60)),
        "h" => Ok(Duration::from_secs(n * 3600)),
        _ => Err(format!("{text:?} has an unknown unit (use ms, s, m or h)")),
    }
}

/// A `Retry-After` header: delay seconds (HTTP dates are read as "no hint").
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact() -> RetryPolicy {
        RetryPolicy {
            jitter: 0.0,
            ..RetryPolicy::default()
        }
    }

    #[test]
    fn the_default_schedule_is_used_in_order_then_ends() {
        let policy = exact();
        let hints = FailureHints::default();
        assert_eq!(policy.delay_after(1, hints), Some(Duration::from_secs(5)));
        assert_eq!(policy.delay_after(2, hints), Some(Duration::from_secs(300)));
        assert_eq!(
            policy.delay_after(7, hints),
            Some(Duration::from_secs(36_000))
        );
        assert_eq!(policy.delay_after(8, hints), None);
        assert_eq!(policy.delay_after(0, hints), None);
    }

    #[test]
    fn jitter_stays_within_bounds() {
        let policy = RetryPolicy::default();
        for _ in 0..200 {
            let delay = policy.delay_after(2, FailureHints::default()).unwrap();
            assert!((240.0..=360.0).contains(&delay.as_secs_f64()), "{delay:?}");
        }
    }

    #[test]
    fn throttling_and_retry_after_stretch_the_delay() {
        let policy = exact();
        let throttled = FailureHints {
            throttled: true,
            retry_after: None,
        };
        assert_eq!(
            policy.delay_after(1, throttled),
            Some(Duration::from_secs(60))
        );
        let asked = FailureHints {
            throttled: false,
            retry_after: Some(Duration::from_secs(120)),
        };
        assert_eq!(policy.delay_after(1, asked), Some(Duration::from_secs(120)));
        let greedy = FailureHints {
            throttled: false,
            retry_after: Some(Duration::from_secs(1 << 30)),
        };
        assert_eq!(
            policy.delay_after(1, greedy),
            Some(policy.retry_after_maximum)
        );
        // Retry-After never shortens the schedule.
        let short = FailureHints {
            throttled: false,
            retry_after: Some(Duration::from_secs(1)),
        };
        assert_eq!(policy.delay_after(2, short), Some(Duration::from_secs(300)));
    }

    #[test]
    fn schedules_and_retry_after_are_parsed() {
        let schedule: Result<Vec<_>, _> =
            "250ms, 5s,5m,2h".split(',').map(parse_duration).collect();
        assert_eq!(
            schedule.unwrap(),
            [
                Duration::from_millis(250),
                Duration::from_secs(5),
                Duration::from_secs(300),
                Duration::from_secs(7200)
            ]
        );
        assert!(parse_duration("5").is_err());
        assert!(parse_duration("5d").is_err());
        assert_eq!(parse_retry_after(" 30 "), Some(Duration::from_secs(30)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }
}
