//! `hookhub-bench`: how fast Hookhub is on this machine, next to the machine's own ceiling.
//!
//! Starts the release `hookhub` binary on a fresh database and an in-process receiver on
//! loopback, then measures: the raw HTTP ceiling (the same client stack straight to the
//! receiver), ingest (single events and batches), end-to-end deliveries, latency from ingest to
//! the first attempt at a fixed rate, and memory idle and with a queued backlog (plus the time to
//! drain it). Prints one table. Build the server first: `cargo build --release -p server`.

mod hookhub;
mod load;
mod receiver;

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use clap::Parser;
use serde_json::{json, Value};

use crate::{
    load::{concurrently, event, quantile, send_batches, until_arrived},
    receiver::Receiver,
};

#[derive(Parser, Debug)]
#[command(about = "Measures Hookhub against this machine's own HTTP ceiling")]
struct Args {
    /// The hookhub binary to measure.
    #[arg(long, default_value = "target/release/hookhub")]
    hookhub: PathBuf,
    /// An empty database to use instead of a fresh SQLite file (e.g. postgres://…/bench).
    #[arg(long)]
    database_url: Option<String>,
    /// Events for the ceiling, ingest and delivery runs.
    #[arg(long, default_value_t = 10_000)]
    events: usize,
    /// Requests in flight, and the server's delivery concurrency.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Size of each event's data.
    #[arg(long, default_value_t = 1024)]
    payload_bytes: usize,
    /// Events per second for the latency run.
    #[arg(long, default_value_t = 1000)]
    latency_rate: u32,
    /// How long the latency run lasts.
    #[arg(long, default_value_t = 10)]
    latency_seconds: u64,
    /// Deliveries queued for the memory and drain run (the target: 1,000,000).
    #[arg(long, default_value_t = 50_000)]
    queued: usize,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let dir = tempfile::tempdir().expect("temp dir");
    let database = |name: &str| {
        args.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}/{name}.db", dir.path().display()))
    };
    let client = reqwest::Client::new();
    let row = |name: &str, value: String| println!("{name:<44} {value}");
    println!("{:<44} value\n{}", "measure", "-".repeat(64));
    let per_second = |n: usize, took: Duration| n as f64 / took.as_secs_f64();

    // The ceiling: the same client, concurrency and payload, straight to a receiver.
    let sink = Receiver::start().await;
    let body = serde_json::to_vec(&event(0, args.payload_bytes)).unwrap();
    let (took, _) = {
        let (client, url) = (client.clone(), sink.url.clone());
        concurrently(args.events, args.concurrency, move |n| {
            client
                .post(&url)
                .header("webhook-id", n.to_string())
                .header("content-type", "application/json")
                .body(body.clone())
        })
        .await
    };
    let ceiling = per_second(args.events, took);
    row("ceiling: loopback POSTs/s", format!("{ceiling:.0}"));

    // Hookhub, idle.
    let url = database("bench");
    let token = hookhub::token(&args.hookhub, &url).await;
    let server = hookhub::serve(&args.hookhub, &url, args.concurrency, &[]).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    row("RSS idle (MiB)", format!("{:.1}", server.rss_mib()));
    let auth = format!("Bearer {token}");
    let events_url = format!("{}/api/v1/projects/default/events", server.url);

    // Ingest, with no subscription yet: durably stored events per second.
    let singles = args.events.min(5_000);
    let (took, _) = {
        let (client, url, auth, size) = (
            client.clone(),
            events_url.clone(),
            auth.clone(),
            args.payload_bytes,
        );
        concurrently(singles, args.concurrency, move |n| {
            client
                .post(&url)
                .header("authorization", &auth)
                .json(&event(n, size))
        })
        .await
    };
    row(
        "ingest/s, one event per request",
        format!("{:.0}", per_second(singles, took)),
    );
    let (took, sent) =
        send_batches(&client, &events_url, &auth, args.events, args.payload_bytes).await;
    row(
        "ingest/s, batches of 500",
        format!("{:.0}", per_second(sent, took)),
    );

    // End to end: events in, every delivery answered 2xx at the receiver.
    let receiver = Receiver::start().await;
    let subscription = client
        .post(format!(
            "{}/api/v1/projects/default/subscriptions",
            server.url
        ))
        .header("authorization", &auth)
        .json(&json!({"name": "bench", "url": receiver.url, "event_types": ["bench"]}))
        .send()
        .await
        .unwrap();
    assert!(
        subscription.status().is_success(),
        "{}",
        subscription.status()
    );
    let started = Instant::now();
    let (_, delivered) =
        send_batches(&client, &events_url, &auth, args.events, args.payload_bytes).await;
    let complete = until_arrived(&receiver, delivered, Duration::from_secs(600)).await;
    let took = receiver
        .last_arrival()
        .map_or(started.elapsed(), |last| last - started);
    let rate = per_second(receiver.count(), took);
    let note = if complete {
        ""
    } else {
        " (incomplete after 10 min)"
    };
    row("deliveries/s, end to end", format!("{rate:.0}{note}"));
    row("deliveries/s ÷ ceiling", format!("{:.2}", rate / ceiling));

    // Latency at a fixed rate: ingest → first attempt at the receiver.
    let total = (args.latency_rate as u64 * args.latency_seconds) as usize;
    let interval = Duration::from_secs_f64(1.0 / f64::from(args.latency_rate));
    let sent: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let already = receiver.count();
    let mut ticker = tokio::time::interval(interval);
    let mut requests = Vec::with_capacity(total);
    for n in 0..total {
        ticker.tick().await;
        let (client, url, auth, sent) = (
            client.clone(),
            events_url.clone(),
            auth.clone(),
            sent.clone(),
        );
        let body = event(n, args.payload_bytes);
        requests.push(tokio::spawn(async move {
            let at = Instant::now();
            let response = client
                .post(&url)
                .header("authorization", &auth)
                .json(&body)
                .send()
                .await;
            if let Ok(response) = response {
                let ingested: Value = response.json().await.unwrap_or(Value::Null);
                if let Some(id) = ingested["event"]["id"].as_str() {
                    sent.lock().unwrap().insert(id.to_owned(), at);
                }
            }
        }));
    }
    for request in requests {
        let _ = request.await;
    }
    until_arrived(&receiver, already + total, Duration::from_secs(120)).await;
    let mut latencies: Vec<Duration> = sent
        .lock()
        .unwrap()
        .iter()
        .filter_map(|(id, at)| receiver.arrival(id).map(|arrived| arrived - *at))
        .collect();
    latencies.sort();
    let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
    row(
        &format!("latency ms at {}/s: p50 / p95 / p99", args.latency_rate),
        format!(
            "{} / {} / {}",
            ms(quantile(&latencies, 0.50)),
            ms(quantile(&latencies, 0.95)),
            ms(quantile(&latencies, 0.99))
        ),
    );
    drop(server);

    // A backlog: an API-only instance queues deliveries, then a worker drains them.
    let url = database("backlog");
    let token = hookhub::token(&args.hookhub, &url).await;
    let auth = format!("Bearer {token}");
    let api_only = hookhub::serve(&args.hookhub, &url, args.concurrency, &["--no-worker"]).await;
    let drain = Receiver::start().await;
    client
        .post(format!(
            "{}/api/v1/projects/default/subscriptions",
            api_only.url
        ))
        .header("authorization", &auth)
        .json(&json!({"name": "backlog", "url": drain.url}))
        .send()
        .await
        .unwrap();
    let backlog_url = format!("{}/api/v1/projects/default/events", api_only.url);
    let (_, queued) = send_batches(&client, &backlog_url, &auth, args.queued, 64).await;
    row(
        &format!("RSS with {queued} deliveries queued (MiB)"),
        format!("{:.1}", api_only.rss_mib()),
    );
    let started = Instant::now();
    let worker = hookhub::serve(&args.hookhub, &url, args.concurrency, &[]).await;
    let complete = until_arrived(&drain, queued, Duration::from_secs(1800)).await;
    let took = started.elapsed();
    let note = if complete { "" } else { " (incomplete)" };
    row(
        "time to drain the backlog (s)",
        format!(
            "{:.1} ({:.0}/s){note}",
            took.as_secs_f64(),
            per_second(drain.count(), took)
        ),
    );
    drop((api_only, worker));
}
