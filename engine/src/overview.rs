//! How a project's deliveries are doing: the figures the dashboard's overview, the subscription
//! list's health columns and a subscription's health panel show, and the arithmetic that turns
//! counted rows into them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    delivery::ErrorKind,
    ids::{DeliveryId, SubscriptionId},
};

/// The span an overview covers, and how finely it is cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Window {
    /// The last hour, minute by minute.
    #[default]
    Hour,
    /// The last day, in quarter hours.
    Day,
}

impl Window {
    pub fn as_str(self) -> &'static str {
        match self {
            Window::Hour => "hour",
            Window::Day => "day",
        }
    }

    /// Anything but `day` is the default hour.
    pub fn parse(text: &str) -> Window {
        match text {
            "day" => Window::Day,
            _ => Window::Hour,
        }
    }

    pub fn bucket_seconds(self) -> i64 {
        match self {
            Window::Hour => 60,
            Window::Day => 15 * 60,
        }
    }

    pub fn buckets(self) -> usize {
        match self {
            Window::Hour => 60,
            Window::Day => 96,
        }
    }
}

/// Attempts made in one slice of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bucket {
    pub start: DateTime<Utc>,
    pub succeeded: u64,
    pub failed: u64,
}

/// A subscription that needs someone's attention: failed, or switched off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubscriptionState {
    pub id: SubscriptionId,
    pub name: String,
    pub enabled: bool,
    pub failed: bool,
    pub disabled_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Overview {
    pub window: Window,
    pub generated_at: DateTime<Utc>,
    /// Oldest first, every slice present (empty ones count zero).
    pub buckets: Vec<Bucket>,
    /// Succeeded attempts over all attempts in the window; `None` without attempts.
    pub success_rate: Option<f64>,
    /// Attempt durations over the window's most recent attempts (up to [`LATENCY_SAMPLE`]).
    pub latency_p50_ms: Option<u64>,
    pub latency_p95_ms: Option<u64>,
    /// Deliveries waiting or being sent.
    pub queue_depth: u64,
    pub oldest_pending_at: Option<DateTime<Utc>>,
    pub attention: Vec<SubscriptionState>,
    /// Whether the project has any subscription, and any event: with neither, the dashboard
    /// shows the first steps instead of empty figures.
    pub has_subscriptions: bool,
    pub has_events: bool,
}

/// How many of the latest attempts the latency percentiles are taken over.
pub const LATENCY_SAMPLE: i64 = 10_000;
/// At most this many subscriptions are listed as needing attention.
pub const ATTENTION_LIMIT: i64 = 50;
/// The health columns cover the last day, hour by hour.
pub const HEALTH_HOURS: usize = 24;

/// One subscription's recent record, for the list's health columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubscriptionHealth {
    pub id: SubscriptionId,
    /// The latest attempt's HTTP status, and why it failed if it did.
    pub last_status: Option<u16>,
    pub last_error: Option<ErrorKind>,
    /// Succeeded over all attempts in the last day; `None` without attempts.
    pub success_rate: Option<f64>,
    /// The success rate of each of the last [`HEALTH_HOURS`] hours, oldest first.
    pub hourly: Vec<Option<f64>>,
}

/// A subscription's health panel: its [`SubscriptionHealth`] and the details behind it, over the
/// last [`HEALTH_HOURS`] hours unless said otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EndpointHealth {
    #[serde(flatten)]
    pub summary: SubscriptionHealth,
    /// Attempts hour by hour, oldest first, every hour present.
    pub hours: Vec<Bucket>,
    pub succeeded: u64,
    pub failed: u64,
    /// Attempt durations over its most recent attempts (up to [`LATENCY_SAMPLE`]).
    pub latency_p50_ms: Option<u64>,
    pub latency_p95_ms: Option<u64>,
    /// Its latest failed attempt among its last [`LATENCY_SAMPLE`] attempts, at any time.
    pub last_failure: Option<FailedAttempt>,
    /// When an attempt last succeeded, at any time.
    pub last_success_at: Option<DateTime<Utc>>,
    /// Failed attempts since the last success, counted among its last [`LATENCY_SAMPLE`].
    pub consecutive_failures: u64,
    /// When that run of failures began (none since the last success).
    pub failing_since: Option<DateTime<Utc>>,
}

/// What one failed attempt came to, and which delivery it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FailedAttempt {
    pub delivery_id: DeliveryId,
    pub attempt_number: u32,
    pub kind: ErrorKind,
    /// The receiver's answer, if it answered.
    pub status: Option<u16>,
    pub message: Option<String>,
    pub at: DateTime<Utc>,
}

/// How many of `outcomes` (latest first, `true` for a success) failed before the latest success.
pub fn failures_in_a_row(outcomes: impl IntoIterator<Item = bool>) -> u64 {
    outcomes.into_iter().take_while(|ok| !ok).count() as u64
}

/// Attempts counted in the slice that starts `index × width` after the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    pub index: i64,
    pub succeeded: u64,
    pub failed: u64,
}

/// Lays counted slices out on the `count` slices of `width_ms` that end with the one holding
/// `now_ms`; several counts of one slice (e.g. one per subscription) add up, slices nobody
/// counted are zero, counts outside the span are dropped.
pub fn lay_out(counted: &[Counted], now_ms: i64, width_ms: i64, count: usize) -> Vec<Bucket> {
    let last = now_ms.div_euclid(width_ms);
    let first = last - count as i64 + 1;
    (first..=last)
        .map(|index| {
            let (succeeded, failed) = counted
                .iter()
                .filter(|c| c.index == index)
                .fold((0, 0), |(s, f), c| (s + c.succeeded, f + c.failed));
            Bucket {
                start: DateTime::from_timestamp_millis(index * width_ms).unwrap_or_default(),
                succeeded,
                failed,
            }
        })
        .collect()
}

/// Succeeded and failed attempts over all of `buckets`.
pub fn totals(buckets: &[Bucket]) -> (u64, u64) {
    buckets
        .iter()
        .fold((0, 0), |(s, f), b| (s + b.succeeded, f + b.failed))
}

/// `succeeded / (succeeded + failed)`, or `None` when nothing was tried.
pub fn rate(succeeded: u64, failed: u64) -> Option<f64> {
    let total = succeeded + failed;
    (total > 0).then(|| succeeded as f64 / total as f64)
}

/// The nearest-rank `p`-th percentile (0–100) of `values`, which need not be sorted.
pub fn percentile(values: &mut [u64], p: f64) -> Option<u64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let rank = ((p / 100.0) * values.len() as f64).ceil() as usize;
    Some(values[rank.clamp(1, values.len()) - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_are_laid_out_oldest_first_with_gaps_as_zero() {
        let width = 60_000;
        let now = 10 * width + 5;
        let counted = [
            Counted {
                index: 10,
                succeeded: 2,
                failed: 1,
            },
            Counted {
                index: 10,
                succeeded: 1,
                failed: 0,
            },
            Counted {
                index: 8,
                succeeded: 2,
                failed: 0,
            },
            Counted {
                index: 2,
                succeeded: 9,
                failed: 9,
            },
        ];
        let buckets = lay_out(&counted, now, width, 4);
        let counts: Vec<_> = buckets.iter().map(|b| (b.succeeded, b.failed)).collect();
        assert_eq!(
            counts,
            [(0, 0), (2, 0), (0, 0), (3, 1)],
            "slice 2 is outside the span"
        );
        assert_eq!(buckets[0].start.timestamp_millis(), 7 * width);
    }

    #[test]
    fn rates_and_percentiles() {
        assert_eq!(rate(0, 0), None);
        assert_eq!(rate(3, 1), Some(0.75));
        assert_eq!(percentile(&mut [], 50.0), None);
        let mut values: Vec<u64> = (1..=100).rev().collect();
        assert_eq!(percentile(&mut values, 50.0), Some(50));
        assert_eq!(percentile(&mut values, 95.0), Some(95));
        assert_eq!(percentile(&mut [7], 95.0), Some(7));
        assert_eq!(percentile(&mut [1, 2], 0.0), Some(1));
    }

    #[test]
    fn failures_in_a_row_stop_at_the_latest_success() {
        assert_eq!(failures_in_a_row([]), 0);
        assert_eq!(failures_in_a_row([true, false, false]), 0);
        assert_eq!(failures_in_a_row([false, false, true, false]), 2);
        assert_eq!(failures_in_a_row([false; 3]), 3);
    }

    #[test]
    fn windows_read_from_text() {
        assert_eq!(Window::parse("day"), Window::Day);
        assert_eq!(Window::parse("anything"), Window::Hour);
        assert_eq!(
            Window::Day.bucket_seconds() * Window::Day.buckets() as i64,
            86_400
        );
        assert_eq!(
            Window::Hour.bucket_seconds() * Window::Hour.buckets() as i64,
            3_600
        );
    }
}
