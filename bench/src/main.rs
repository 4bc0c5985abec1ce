//! `hookhub-bench`: how fast Hookhub is on this machine, next to the machine's own ceiling.
//!
//! Starts the release `hookhub` binary on a fresh database and an in-process receiver on
//! loopback, then measures: the raw HTTP ceiling (the same client stack straight to the
//! receiver), ingest (single events and batches), end-to-end deliveries, latency from ingest to
//! the first attempt at a fixed rate, a SIGKILL-and-restart drill, and memory idle and with a
//! queued backlog (plus the time to drain it). Prints one table. Build the server first:
//! `cargo build --release -p server`.

mod hookhub;
mod kill;
mod load;
mod receiver;

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use clap::Parser;
use serde_json::Value;

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
    /// An empty database to use instead of a fresh SQLite file per run (postgres://…/bench);
    /// `{run}` in it is replaced by the run's name.
    #[arg(long)]
    database_url: Option<String>,
    /// Events for the ceiling, ingest and delivery runs.
    #[arg(long, default_value_t = 10_000)]
    events: usize,
    /// Subscriptions each event goes to (each with the default in-flight bound of 8).
    #[arg(long, default_value_t = 8)]
    subscriptions: usize,
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
    /// Events of the SIGKILL drill.
    #[arg(long, default_value_t = 10_000)]
    kill_events: usize,
    /// Deliveries queued for the memory and drain run (the target: 1,000,000).
    #[arg(long, default_value_t = 50_000)]
    queued: usize,
}

fn row(name: &str, value: String) {
    println!("{name:<44} {value}");
}

fn per_second(n: usize, took: Duration) -> f64 {
    n as f64 / took.as_secs_f64()
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let dir = tempfile::tempdir().expect("temp dir");
    let database = |run: &str| match &args.database_url {
        Some(url) => url.replace("{run}", run),
        None => format!("sqlite://{}/{run}.db", dir.path().display()),
    };
    println!("{:<44} value\n{}", "measure", "-".repeat(64));

    let ceiling = ceiling(&args).await;
    row("ceiling: loopback POSTs/s", format!("{ceiling:.0}"));

    let url = database("bench");
    let auth = format!("Bearer {}", hookhub::token(&args.hookhub, &url).await);
    let server = hookhub::serve(&args.hookhub, &url, args.concurrency, &[]).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    row("RSS idle (MiB)", format!("{:.1}", server.rss_mib()));
    ingest(&args, &server, &auth).await;
    let receiver = Receiver::start().await;
    let client = reqwest::Client::new();
    server
        .subscribe(&client, &auth, &receiver.url, args.subscriptions)
        .await;
    let (rate, complete) = end_to_end(&args, &server, &auth, &receiver).await;
    let note = if complete {
        ""
    } else {
        " (incomplete after 10 min)"
    };
    row(
        &format!(
            "deliveries/s, end to end ({} per event)",
            args.subscriptions
        ),
        format!("{rate:.0}{note}"),
    );
    row("deliveries/s ÷ ceiling", format!("{:.2}", rate / ceiling));
    latency(&args, &server, &auth, &receiver).await;
    drop(server);

    let drill = kill::drill(
        &args.hookhub,
        &database("kill"),
        args.kill_events,
        args.concurrency,
    )
    .await;
    row(
        "SIGKILL drill: delivered / expected, repeats",
        format!(
            "{} / {}, {}",
            drill.delivered, drill.expected, drill.duplicates
        ),
    );

    backlog(&args, &database("backlog")).await;
}

/// The same client, concurrency and payload, straight to a receiver: POSTs per second.
async fn ceiling(args: &Args) -> f64 {
    let sink = Receiver::start().await;
    let body = serde_json::to_vec(&event("bench", 0, args.payload_bytes)).unwrap();
    let (client, url) = (reqwest::Client::new(), format!("{}/ceiling", sink.url));
    let (took, _) = concurrently(args.events, args.concurrency, move |n| {
        client
            .post(&url)
            .header("webhook-id", n.to_string())
            .header("content-type", "application/json")
            .body(body.clone())
    })
    .await;
    per_second(args.events, took)
}

/// Durably stored events per second, one per request and in batches (no subscription yet).
async fn ingest(args: &Args, server: &hookhub::Hookhub, auth: &str) {
    let client = reqwest::Client::new();
    let singles = args.events.min(5_000);
    let (took, _) = {
        let (client, url, auth, size) = (
            client.clone(),
            server.events_url(),
            auth.to_owned(),
            args.payload_bytes,
        );
        concurrently(singles, args.concurrency, move |n| {
            client
                .post(&url)
                .header("authorization", &auth)
                .json(&event("bench", n, size))
        })
        .await
    };
    row(
        "ingest/s, one event per request",
        format!("{:.0}", per_second(singles, took)),
    );
    let (took, sent) = send_events(args, server, auth).await;
    row(
        "ingest/s, batches of 500",
        format!("{:.0}", per_second(sent, took)),
    );
}

/// `--events` events in batches of 500 to the server: the wall time and how many were sent.
async fn send_events(args: &Args, server: &hookhub::Hookhub, auth: &str) -> (Duration, usize) {
    let client = reqwest::Client::new();
    send_batches(
        &client,
        &server.events_url(),
        auth,
        args.events,
        args.payload_bytes,
    )
    .await
}

/// Events in, every delivery answered 2xx at the receiver: deliveries per second, and whether
/// all of them arrived.
async fn end_to_end(
    args: &Args,
    server: &hookhub::Hookhub,
    auth: &str,
    receiver: &Receiver,
) -> (f64, bool) {
    let started = Instant::now();
    let (_, sent) = send_events(args, server, auth).await;
    let expected = sent * args.subscriptions;
    let complete = until_arrived(receiver, expected, Duration::from_secs(600)).await;
    let took = receiver
        .last_arrival()
        .map_or(started.elapsed(), |last| last - started);
    (per_second(receiver.count(), took), complete)
}

/// Ingest → first attempt at a fixed rate of single events, which only the first subscription
/// takes (the measure: one delivery per event).
async fn latency(args: &Args, server: &hookhub::Hookhub, auth: &str, receiver: &Receiver) {
    let client = reqwest::Client::new();
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
            server.events_url(),
            auth.to_owned(),
            sent.clone(),
        );
        let body = event("latency", n, args.payload_bytes);
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
    let expected = already + total;
    until_arrived(receiver, expected, Duration::from_secs(120)).await;
    let mut latencies: Vec<Duration> = sent
        .lock()
        .unwrap()
        .iter()
        .filter_map(|(id, at)| receiver.arrival("/s0", id).map(|arrived| arrived - *at))
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
}

/// A backlog: an API-only instance queues deliveries, then a worker drains them.
async fn backlog(args: &Args, url: &str) {
    let client = reqwest::Client::new();
    let auth = format!("Bearer {}", hookhub::token(&args.hookhub, url).await);
    let api_only = hookhub::serve(&args.hookhub, url, args.concurrency, &["--no-worker"]).await;
    let drain = Receiver::start().await;
    api_only
        .subscribe(&client, &auth, &drain.url, args.subscriptions)
        .await;
    let events = args.queued.div_ceil(args.subscriptions);
    let (_, sent) = send_batches(&client, &api_only.events_url(), &auth, events, 64).await;
    let queued = sent * args.subscriptions;
    row(
        &format!("RSS with {queued} deliveries queued (MiB)"),
        format!("{:.1}", api_only.rss_mib()),
    );
    let started = Instant::now();
    let worker = hookhub::serve(&args.hookhub, url, args.concurrency, &[]).await;
    let (complete, peak) = worker
        .peak_rss_mib(until_arrived(&drain, queued, Duration::from_secs(3600)))
        .await;
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
    row(
        "RSS of the worker draining it, peak (MiB)",
        format!("{peak:.1}"),
    );
    drop((api_only, worker));
}
