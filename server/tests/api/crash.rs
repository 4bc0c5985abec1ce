//! Nothing lost: SIGKILL the real binary with deliveries in flight, restart it, and every event
//! arrives; repeats only for what was in flight, recognisable by `webhook-id`.

use std::{collections::HashMap, process::Stdio, time::Duration};

use serde_json::{json, Value};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

use crate::receiver::Receiver;

const EVENTS: usize = 1_000;
const CONCURRENCY: usize = 16;

/// Runs a `hookhub` command to completion and returns what it printed.
async fn hookhub(args: &[&str], database_url: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_hookhub"))
        .args(args)
        .args(["--database-url", database_url])
        .env("HOOKHUB_PASSWORD", "correct horse battery")
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("hookhub runs");
    assert!(
        output.status.success(),
        "hookhub {args:?} failed: {output:?}"
    );
    String::from_utf8(output.stdout).unwrap()
}

/// A client carrying a token made with the command line, as an operator would.
async fn authorised_client(database_url: &str) -> reqwest::Client {
    hookhub(
        &["user", "create", "--username", "ops", "--admin"],
        database_url,
    )
    .await;
    let token = hookhub(&["token", "create", "--username", "ops"], database_url).await;
    let mut headers = reqwest::header::HeaderMap::new();
    let value = format!("Bearer {}", token.trim());
    headers.insert("authorization", value.parse().unwrap());
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap()
}

/// Starts `hookhub serve` on a free port; returns the process and its base URL.
async fn start(database_url: &str) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hookhub"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            database_url,
        ])
        .args(["--allow-targets", "127.0.0.1", "--lease", "2s"])
        .args(["--concurrency", &CONCURRENCY.to_string()])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("hookhub starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = lines.next_line().await.unwrap().expect("a listening line");
    let url = line.rsplit(' ').next().unwrap().to_owned();
    (child, url)
}

#[tokio::test]
async fn a_killed_server_redelivers_everything_after_restart() {
    // Arrange: a slow receiver so that deliveries are in flight when the process dies.
    let receiver = Receiver::start_slow(Duration::from_millis(5)).await;
    let dir = tempfile::tempdir().unwrap();
    let database_url = format!("sqlite://{}/hookhub.db", dir.path().display());
    let client = authorised_client(&database_url).await;
    let (mut first, url) = start(&database_url).await;
    let response = client
        .post(format!("{url}/api/v1/projects/default/subscriptions"))
        .json(&json!({"name": "crash", "url": receiver.url}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let mut ids = Vec::with_capacity(EVENTS);
    for chunk in 0..EVENTS / 500 {
        let events: Vec<Value> = (0..500)
            .map(|i| json!({"type": "t", "data": {"n": chunk * 500 + i}}))
            .collect();
        let response = client
            .post(format!("{url}/api/v1/projects/default/events/batch"))
            .json(&json!({"events": events}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let results: Vec<Value> = response.json().await.unwrap();
        ids.extend(
            results
                .iter()
                .map(|r| r["event"]["id"].as_str().unwrap().to_owned()),
        );
    }

    // Act: kill it mid-run, then start it again on the same file.
    while receiver.received().len() < 100 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.kill().await.unwrap();
    let delivered_before_kill = receiver.received().len();
    assert!(
        delivered_before_kill < EVENTS,
        "the kill came too late to test anything"
    );
    let (_second, _) = start(&database_url).await;

    // Assert: every event arrives; repeats at most what one worker had in flight.
    let mut counts: HashMap<String, usize> = HashMap::new();
    for _ in 0..3000 {
        counts.clear();
        for request in receiver.received() {
            let id = request.headers["webhook-id"].to_str().unwrap().to_owned();
            *counts.entry(id).or_default() += 1;
        }
        if ids.iter().all(|id| counts.contains_key(id)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let missing = ids.iter().filter(|id| !counts.contains_key(*id)).count();
    assert_eq!(missing, 0, "{missing} events never arrived");
    let repeats: usize = counts.values().map(|n| n - 1).sum();
    assert!(
        repeats <= CONCURRENCY,
        "{repeats} repeats, more than the {CONCURRENCY} in flight"
    );
}
