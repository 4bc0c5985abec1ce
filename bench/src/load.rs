//! Load generators: concurrent POSTs, paced POSTs, and waiting for arrivals.

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use serde_json::{json, Value};

use crate::receiver::Receiver;

/// `total` requests made by `concurrency` tasks, each built by `request(n)`; returns the
/// wall time and every response body (JSON), in no particular order.
pub async fn concurrently<F>(total: usize, concurrency: usize, request: F) -> (Duration, Vec<Value>)
where
    F: Fn(usize) -> reqwest::RequestBuilder + Send + Sync + 'static,
{
    let next = Arc::new(AtomicUsize::new(0));
    let request = Arc::new(request);
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (next, request) = (next.clone(), request.clone());
            tokio::spawn(async move {
                let mut bodies = Vec::new();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= total {
                        return bodies;
                    }
                    let response = request(n).send().await.expect("request sent");
                    assert!(response.status().is_success(), "{}", response.status());
                    bodies.push(response.json().await.unwrap_or(Value::Null));
                }
            })
        })
        .collect();
    let mut bodies = Vec::with_capacity(total);
    for task in tasks {
        bodies.extend(task.await.unwrap());
    }
    (started.elapsed(), bodies)
}

/// `count` events (rounded up to whole batches of 500) sent to `events_url` (`…/events`) by
/// four tasks; returns the wall time and how many were sent.
pub async fn send_batches(
    client: &reqwest::Client,
    events_url: &str,
    auth: &str,
    count: usize,
    payload_bytes: usize,
) -> (Duration, usize) {
    let batches = count.div_ceil(500);
    let (client, url, auth) = (
        client.clone(),
        format!("{events_url}/batch"),
        auth.to_owned(),
    );
    let (took, _) = concurrently(batches, 4, move |b| {
        let events: Vec<Value> = (0..500)
            .map(|i| event("bench", b * 500 + i, payload_bytes))
            .collect();
        client
            .post(&url)
            .header("authorization", &auth)
            .json(&json!({"events": events}))
    })
    .await;
    (took, batches * 500)
}

/// One event of type `kind` with a `data` field of about `payload_bytes`.
pub fn event(kind: &str, n: usize, payload_bytes: usize) -> Value {
    json!({"type": kind, "data": {"n": n, "padding": "x".repeat(payload_bytes)}})
}

/// Waits until the receiver holds `count` arrivals (or `limit` passes); whether it got there.
pub async fn until_arrived(receiver: &Receiver, count: usize, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while receiver.count() < count {
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    true
}

/// The `q`-quantile (0–1) of sorted durations.
pub fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[index]
}
