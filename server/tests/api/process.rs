//! The real `hookhub` binary as a child process: set-up commands, `serve` on a free port, and
//! the helpers the crash and scale-out drills share.

use std::{collections::HashMap, process::Stdio, time::Duration};

use serde_json::{json, Value};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

use crate::receiver::Receiver;

/// `hookhub <args> --database-url <database_url>`, ready to run.
fn command(args: &[&str], database_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookhub"));
    command
        .args(args)
        .args(["--database-url", database_url])
        .env("HOOKHUB_PASSWORD", "correct horse battery")
        .env("RUST_LOG", "warn")
        .kill_on_drop(true);
    command
}

/// Runs a `hookhub` command to completion and returns what it printed.
pub async fn hookhub(args: &[&str], database_url: &str) -> String {
    let output = command(args, database_url)
        .output()
        .await
        .expect("hookhub runs");
    assert!(
        output.status.success(),
        "hookhub {args:?} failed: {output:?}"
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Runs a `hookhub` command that must refuse to work (exit non-zero, no panic, within 30 s);
/// returns what it said on standard error.
pub async fn hookhub_refused(args: &[&str], database_url: &str) -> String {
    let output = tokio::time::timeout(
        Duration::from_secs(30),
        command(args, database_url).output(),
    )
    .await
    .unwrap_or_else(|_| panic!("hookhub {args:?} ran on instead of refusing"))
    .expect("hookhub runs");
    let said = String::from_utf8(output.stderr).unwrap();
    assert!(!output.status.success(), "hookhub {args:?} went ahead");
    assert!(
        !said.contains("panicked"),
        "hookhub {args:?} panicked: {said}"
    );
    said
}

/// A client carrying a token made with the command line, as an operator would.
pub async fn authorised_client(database_url: &str) -> reqwest::Client {
    hookhub(&["migrate"], database_url).await;
    hookhub(
        &["user", "create", "--username", "ops", "--admin"],
        database_url,
    )
    .await;
    let token = hookhub(&["token", "create", "--username", "ops"], database_url).await;
    crate::helpers::client_with_token(token.trim())
}

/// Starts `hookhub serve` on a free port with a short lease (so that a killed process's work
/// is claimed again quickly); returns the process and its base URL.
pub async fn serve(database_url: &str, concurrency: usize) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hookhub"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            database_url,
        ])
        .args([
            "--allow-targets",
            "127.0.0.1",
            "--lease",
            "2s",
            "--rate-limit",
            "0",
        ])
        .args(["--concurrency", &concurrency.to_string()])
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

/// Subscribes `receiver` to everything and sends `count` events in batches; returns their ids.
pub async fn subscribe_and_send(
    client: &reqwest::Client,
    url: &str,
    receiver: &Receiver,
    count: usize,
) -> Vec<String> {
    let response = client
        .post(format!("{url}/api/v1/projects/default/subscriptions"))
        .json(&json!({"name": "drill", "url": receiver.url}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let mut ids = Vec::with_capacity(count);
    for chunk in 0..count.div_ceil(500) {
        let events: Vec<Value> = (chunk * 500..count.min((chunk + 1) * 500))
            .map(|n| json!({"type": "t", "data": {"n": n}}))
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
    ids
}

/// Waits (up to a minute) until every event in `ids` has reached the receiver; returns how
/// often each `webhook-id` arrived.
pub async fn arrivals(receiver: &Receiver, ids: &[String]) -> HashMap<String, usize> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for _ in 0..6000 {
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
    counts
}
