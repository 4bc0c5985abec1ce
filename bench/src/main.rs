//! `hookhub-bench`: how fast Hookhub is on this machine, next to the machine's own ceiling.
//!
//! Starts the release `hookhub` binary on a fresh database and an in-process receiver on
//! loopback, then measures: the raw HTTP ceiling (the same client stack straight to the
//! receiver), ingest (single events and batches), end-to-end deliveries to one busy
//! subscription and to several, latency from ingest to the first attempt at a fixed rate and the
//! highest paced rate whose p99 stays under a bound, the live stream's cost (deliveries per second
//! with and without SSE clients watching, and what they were streamed), a SIGKILL-and-restart
//! drill, and memory idle and with a queued backlog (plus the time to drain it). Prints one table. Build the server
//! first: `cargo build --release -p server`.

mod hookhub;
mod kill;
mod live;
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
    /// Paced rates tried, in order, for the highest one whose p99 stays under `--latency-bound-ms`.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "1000,2000,3000,5000,7000,10000,14000"
    )]
    paced_rates: Vec<u32>,
    /// How long each paced rate is held.
    #[arg(long, default_value_t = 3)]
    paced_seconds: u64,
    /// The p99 a paced rate must stay under to count as sustained.
    #[arg(long, default_value_t = 25)]
    latency_bound_ms: u64,
    /// SSE clients watching the live stream while it delivers.
    #[arg(long, default_value_t = 10)]
    live_clients: usize,
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

    let rate = one_subscription(&args, &database("one")).await;
    row(
        "deliveries/s, one subscription, single events",
        format!("{rate:.0}"),
    );
    row("  ÷ ceiling", format!("{:.3}", rate / ceiling));

    let clients = args.live_clients;
    let live = live::cost(&args, &database("live"), clients).await;
    row(
        "live: deliveries/s, one subscription, unwatched",
        format!("{:.0} ({:.3} ×)", live.alone, live.alone / ceiling),
    );
    row(
        &format!("live: the same with {clients} SSE clients"),
        format!("{:.0} ({:.3} ×)", live.watched, live.watched / ceiling),
    );
    row(
        &format!("live: entries/s streamed to each of {clients}"),
        format!(
            "{:.0} ({} missed in all)",
            live.streamed_per_client, live.missed
        ),
    );

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
    row("  ÷ ceiling", format!("{:.3}", rate / ceiling));
    let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
    let seconds = args.latency_seconds;
    let (p50, p95, p99) = paced(&server, &auth, &receiver, args.latency_rate, seconds, &args).await;
    row(
        &format!("latency ms at {}/s: p50 / p95 / p99", args.latency_rate),
        format!("{} / {} / {}", ms(p50), ms(p95), ms(p99)),
    );
    let bound = Duration::from_millis(args.latency_bound_ms);
    let mut sustained = None;
    for &rate in &args.paced_rates {
        let (_, _, p99) = paced(&server, &auth, &receiver, rate, args.paced_seconds, &args).await;
        if p99 >= bound {
            break;
        }
        sustained = Some((rate, p99));
    }
    row(
        &format!(
            "highest paced rate with p99 < {} ms (/s)",
            args.latency_bound_ms
        ),
        sustained.map_or("none".to_owned(), |(rate, p99)| {
            format!("{rate} (p99 {})", ms(p99))
        }),
    );
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

/// `--events` single events fired at `--concurrency` at a fresh server with one subscription:
/// deliveries per second from the first request to the last arrival (the most common shape of
/// real traffic: one busy endpoint).
async fn one_subscription(args: &Args, url: &str) -> f64 {
    let client = reqwest::Client::new();
    let auth = format!("Bearer {}", hookhub::token(&args.hookhub, url).await);
    let server = hookhub::serve(&args.hookhub, url, args.concurrency, &[]).await;
    let receiver = Receiver::start().await;
    server.subscribe(&client, &auth, &receiver.url, 1).await;
    let started = Instant::now();
    let (events_url, size) = (server.events_url(), args.payload_bytes);
    concurrently(args.events, args.concurrency, move |n| {
        client
            .post(&events_url)
            .header("authorization", &auth)
            .json(&event("bench", n, size))
    })
    .await;
    until_arrived(&receiver, args.events, Duration::from_secs(600)).await;
    let took = receiver
        .last_arrival()
        .map_or(started.elapsed(), |last| last - started);
    per_second(receiver.count(), took)
}

/// Ingest → first attempt at `rate` single events per second for `seconds`, which only the
/// first subscription takes (one delivery per event): p50, p95 and p99. An event that never
/// arrives counts as taking forever.
async fn paced(
    server: &hookhub::Hookhub,
    auth: &str,
    receiver: &Receiver,
    rate: u32,
    seconds: u64,
    args: &Args,
) -> (Duration, Duration, Duration) {
    let client = reqwest::Client::new();
    let total = (u64::from(rate) * seconds) as usize;
    let interval = Duration::from_secs_f64(1.0 / f64::from(rate));
    let sent: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let already = receiver.count();
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
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
    until_arrived(receiver, already + total, Duration::from_secs(120)).await;
    let never = Duration::from_secs(3600);
    let mut latencies: Vec<Duration> = sent
        .lock()
        .unwrap()
        .iter()
        .map(|(id, at)| {
            receiver
                .arrival("/s0", id)
                .map_or(never, |arrived| arrived - *at)
        })
        .collect();
    latencies.resize(total, never);
    latencies.sort();
    (
        quantile(&latencies, 0.50),
        quantile(&latencies, 0.95),
        quantile(&latencies, 0.99),
    )
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
