//! The live stream's cost: one server delivering at full speed to one subscription, first with
//! nobody watching, then with SSE clients reading `GET /projects/default/live` — the delivery
//! rate of each half of the same run, and the entries the clients were streamed.

use std::time::{Duration, Instant};

use tokio::{sync::watch, task::JoinHandle};

use crate::{
    hookhub::{self, Hookhub},
    load::{concurrently, event, until_arrived},
    per_second,
    receiver::Receiver,
    Args,
};

/// What the run measured.
pub struct LiveCost {
    /// Deliveries per second with nobody watching.
    pub alone: f64,
    /// Deliveries per second with the clients watching.
    pub watched: f64,
    /// Entries per second each client was streamed, on average, while delivering.
    pub streamed_per_client: f64,
    /// Entries the clients missed for falling behind (`lagged`), all together.
    pub missed: u64,
}

/// What one client read.
#[derive(Default)]
struct Read {
    entries: u64,
    missed: u64,
}

pub async fn cost(args: &Args, database_url: &str, clients: usize) -> LiveCost {
    let http = reqwest::Client::new();
    let auth = format!(
        "Bearer {}",
        hookhub::token(&args.hookhub, database_url).await
    );
    let server = hookhub::serve(&args.hookhub, database_url, args.concurrency, &[]).await;
    let receiver = Receiver::start().await;
    server.subscribe(&http, &auth, &receiver.url, 1).await;

    let alone = deliver(args, &server, &auth, &receiver).await.0;

    let (stop, stopped) = watch::channel(false);
    let mut readers = Vec::with_capacity(clients);
    for _ in 0..clients {
        readers.push(watch_live(&http, &server, &auth, stopped.clone()).await);
    }
    let (watched, took) = deliver(args, &server, &auth, &receiver).await;
    let _ = stop.send(true);
    let mut read = Read::default();
    for reader in readers {
        let one = reader.await.unwrap_or_default();
        read.entries += one.entries;
        read.missed += one.missed;
    }
    LiveCost {
        alone,
        watched,
        streamed_per_client: read.entries as f64 / clients.max(1) as f64 / took.as_secs_f64(),
        missed: read.missed,
    }
}

/// `--events` single events at `--concurrency`, each delivered once: deliveries per second from
/// the first request to the last arrival, and that time.
async fn deliver(
    args: &Args,
    server: &Hookhub,
    auth: &str,
    receiver: &Receiver,
) -> (f64, Duration) {
    let (client, events_url, auth) = (reqwest::Client::new(), server.events_url(), auth.to_owned());
    let (already, size) = (receiver.count(), args.payload_bytes);
    let started = Instant::now();
    concurrently(args.events, args.concurrency, move |n| {
        client
            .post(&events_url)
            .header("authorization", &auth)
            .json(&event("bench", n, size))
    })
    .await;
    until_arrived(receiver, already + args.events, Duration::from_secs(600)).await;
    let took = receiver
        .last_arrival()
        .map_or(started.elapsed(), |last| last - started);
    (per_second(receiver.count() - already, took), took)
}

/// A client reading the live stream as fast as it can until `stop`; connected on return.
async fn watch_live(
    http: &reqwest::Client,
    server: &Hookhub,
    auth: &str,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<Read> {
    let mut response = http
        .get(format!("{}/api/v1/projects/default/live", server.url))
        .header("authorization", auth)
        .send()
        .await
        .expect("hookhub answers");
    assert!(response.status().is_success(), "{}", response.status());
    tokio::spawn(async move {
        let (mut read, mut pending) = (Read::default(), String::new());
        loop {
            let chunk = tokio::select! {
                chunk = response.chunk() => chunk,
                _ = stop.changed() => return read,
            };
            let Ok(Some(chunk)) = chunk else { return read };
            pending.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = pending.find("\n\n") {
                let block: String = pending.drain(..end + 2).collect();
                if block.starts_with("event: lagged") {
                    read.missed += block
                        .lines()
                        .find_map(|l| l.strip_prefix("data: "))
                        .and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok())
                        .and_then(|d| d["missed"].as_u64())
                        .unwrap_or_default();
                } else if block.starts_with("event: ") {
                    read.entries += 1;
                }
            }
        }
    })
}
