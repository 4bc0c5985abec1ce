//! Counters this process keeps for `/metrics`, and their Prometheus text rendering.
//!
//! Counts of what happened here (ingested events, attempts by outcome, attempt latency,
//! failures per subscription) live in memory, per process, as Prometheus expects; the queue's
//! depth and age are read from the database at scrape time, so every instance reports the same.

use std::{
    collections::HashMap,
    fmt::Write,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use uuid::Uuid;

/// Upper bounds of the latency histogram's buckets, in seconds.
const LATENCY_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// How an attempt ended, as the metrics count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    Succeeded,
    /// Failed; another attempt is scheduled.
    Retrying,
    /// Failed; no more automatic attempts.
    Failed,
}

impl AttemptOutcome {
    const ALL: [AttemptOutcome; 3] = [Self::Succeeded, Self::Retrying, Self::Failed];

    fn label(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::Retrying => "retrying",
            Self::Failed => "failed",
        }
    }
}

#[derive(Debug, Default)]
struct Counters {
    events_ingested: AtomicU64,
    attempts: [AtomicU64; 3],
    latency_buckets: [AtomicU64; LATENCY_BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_micros: AtomicU64,
    /// Failed attempts per subscription; the lock guards one map update at a time.
    failures: Mutex<HashMap<Uuid, u64>>,
}

/// Shared by every task of the process; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Metrics(Arc<Counters>);

/// The queue as the database sees it at scrape time.
#[derive(Debug, Clone, Copy, Default)]
pub struct QueueGauges {
    pub pending: i64,
    pub oldest_pending_age: Option<Duration>,
}

impl Metrics {
    pub fn events_ingested(&self, count: u64) {
        self.0.events_ingested.fetch_add(count, Ordering::Relaxed);
    }

    pub fn attempt(&self, subscription: Uuid, outcome: AttemptOutcome, took: Duration) {
        let counters = &self.0;
        counters.attempts[outcome as usize].fetch_add(1, Ordering::Relaxed);
        let seconds = took.as_secs_f64();
        if let Some(bucket) = LATENCY_BUCKETS.iter().position(|&le| seconds <= le) {
            counters.latency_buckets[bucket].fetch_add(1, Ordering::Relaxed);
        }
        counters.latency_count.fetch_add(1, Ordering::Relaxed);
        counters
            .latency_sum_micros
            .fetch_add(took.as_micros() as u64, Ordering::Relaxed);
        if outcome != AttemptOutcome::Succeeded {
            let mut failures = counters.failures.lock().unwrap_or_else(|e| e.into_inner());
            *failures.entry(subscription).or_default() += 1;
        }
    }

    /// The Prometheus text exposition (version 0.0.4) of everything above.
    pub fn render(&self, queue: QueueGauges) -> String {
        let c = &self.0;
        let mut out = String::new();
        family(
            &mut out,
            "hookhub_events_ingested_total",
            "counter",
            "Events accepted.",
            |name| format!("{name} {}\n", c.events_ingested.load(Ordering::Relaxed)),
        );
        family(
            &mut out,
            "hookhub_attempts_total",
            "counter",
            "Delivery attempts by outcome.",
            |name| {
                AttemptOutcome::ALL
                    .iter()
                    .map(|o| {
                        let n = c.attempts[*o as usize].load(Ordering::Relaxed);
                        format!("{name}{{outcome=\"{}\"}} {n}\n", o.label())
                    })
                    .collect()
            },
        );
        let help = "Time from sending an attempt to its answer.";
        family(
            &mut out,
            "hookhub_attempt_duration_seconds",
            "histogram",
            help,
            |name| {
                let mut samples = String::new();
                let mut cumulative = 0;
                for (le, bucket) in LATENCY_BUCKETS.iter().zip(&c.latency_buckets) {
                    cumulative += bucket.load(Ordering::Relaxed);
                    let _ = writeln!(samples, "{name}_bucket{{le=\"{le}\"}} {cumulative}");
                }
                let count = c.latency_count.load(Ordering::Relaxed);
                let sum = c.latency_sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
                let _ = writeln!(samples, "{name}_bucket{{le=\"+Inf\"}} {count}");
                let _ = writeln!(samples, "{name}_sum {sum}\n{name}_count {count}");
                samples
            },
        );
        family(
            &mut out,
            "hookhub_queue_depth",
            "gauge",
            "Deliveries waiting to be sent.",
            |name| format!("{name} {}\n", queue.pending),
        );
        let help = "Age of the oldest waiting delivery.";
        family(
            &mut out,
            "hookhub_oldest_pending_age_seconds",
            "gauge",
            help,
            |name| {
                let age = queue.oldest_pending_age.unwrap_or_default().as_secs_f64();
                format!("{name} {age}\n")
            },
        );
        let help = "Failed attempts per subscription.";
        family(
            &mut out,
            "hookhub_subscription_failures_total",
            "counter",
            help,
            |name| {
                let failures = c.failures.lock().unwrap_or_else(|e| e.into_inner());
                failures
                    .iter()
                    .map(|(id, n)| format!("{name}{{subscription=\"{id}\"}} {n}\n"))
                    .collect()
            },
        );
        out
    }
}

/// Appends one metric family: its `HELP` and `TYPE` lines, then its samples.
fn family(
    out: &mut String,
    name: &str,
    kind: &str,
    help: &str,
    samples: impl FnOnce(&str) -> String,
) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
    out.push_str(&samples(name));
}
