//! Fault drills: a receiver misbehaves in one way for its first requests, then recovers. For each
//! fault, every event must end up delivered (2xx) exactly once — or, for 410, never again — and
//! the drill reports what the receiver saw.
//!
//! The receiver speaks HTTP/1.1 over a raw socket so that it can do what a well-behaved server
//! library never would: reset the connection, hang past the timeout, answer half a response.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use serde_json::{json, Value};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

use crate::{
    delivery::EVENTS,
    helpers::{spawn_app, TestApp},
};

/// What the receiver does instead of answering 200.
#[derive(Debug, Clone, Copy)]
enum Fault {
    /// Answers with this status.
    Status(u16),
    /// 503 with `Retry-After: 1`.
    RetryAfter,
    /// Reads the request and never answers (longer than the subscription's 1 s timeout).
    Hang,
    /// Reads the request and resets the connection (TCP RST).
    Reset,
    /// Answers 200 after 300 ms: slow but inside the timeout, so no fault at all for Hookhub.
    Slow,
    /// 302 to another path of the same receiver, which must not be followed.
    Redirect,
}

/// One request as the receiver saw it.
#[derive(Debug, Clone)]
struct Seen {
    webhook_id: String,
    path: String,
    at: Instant,
    /// Whether the receiver answered it 2xx.
    accepted: bool,
}

#[derive(Clone)]
struct FaultyReceiver {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl FaultyReceiver {
    /// Misbehaves with `fault` for the first `faulty` requests, then answers 200.
    async fn start(fault: Fault, faulty: usize) -> FaultyReceiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let log = seen.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, fault, faulty, log.clone()));
            }
        });
        FaultyReceiver { url, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// Serves one connection's requests (keep-alive) until the client closes it or a fault ends it.
async fn serve(mut stream: TcpStream, fault: Fault, faulty: usize, seen: Arc<Mutex<Vec<Seen>>>) {
    let mut buffer = Vec::new();
    while let Some((path, webhook_id)) = read_request(&mut stream, &mut buffer).await {
        let misbehave = {
            let mut seen = seen.lock().unwrap();
            let misbehave = seen.len() < faulty;
            let accepted = !misbehave || matches!(fault, Fault::Slow);
            seen.push(Seen {
                webhook_id,
                path,
                at: Instant::now(),
                accepted,
            });
            misbehave
        };
        let answer = if !misbehave {
            respond(200, "")
        } else {
            match fault {
                Fault::Status(status) => respond(status, ""),
                Fault::RetryAfter => respond(503, "retry-after: 1\r\n"),
                Fault::Redirect => respond(302, "location: /elsewhere\r\n"),
                Fault::Slow => {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    respond(200, "")
                }
                Fault::Hang => {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    return;
                }
                Fault::Reset => {
                    // Linger 0: closing sends RST instead of FIN.
                    let _ = stream.set_zero_linger();
                    return;
                }
            }
        };
        if stream.write_all(answer.as_bytes()).await.is_err() {
            return;
        }
    }
}

fn respond(status: u16, headers: &str) -> String {
    format!("HTTP/1.1 {status} Drill\r\ncontent-length: 2\r\n{headers}\r\nok")
}

/// Reads one request; returns its path and `webhook-id`, or `None` once the connection ends.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<(String, String)> {
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let n = stream.read(&mut chunk).await.ok().filter(|&n| n > 0)?;
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let header = |name: &str| {
        head.lines()
            .filter_map(|line| line.split_once(':'))
            .find(|(key, _)| key.trim().eq_ignore_ascii_case(name))
            .map(|(_, value)| value.trim().to_owned())
    };
    let length: usize = header("content-length")?.parse().ok()?;
    while buffer.len() < head_end + length {
        let n = stream.read(&mut chunk).await.ok().filter(|&n| n > 0)?;
        buffer.extend_from_slice(&chunk[..n]);
    }
    let path = head.split_whitespace().nth(1)?.to_owned();
    let webhook_id = header("webhook-id")?;
    buffer.drain(..head_end + length);
    Some((path, webhook_id))
}

/// What a drill ends with.
#[derive(Debug)]
struct Outcome {
    /// Distinct events answered 2xx.
    delivered: usize,
    /// 2xx answers beyond the first per event.
    duplicates: usize,
    /// Requests the receiver saw in all.
    requests: usize,
}

const DRILL_EVENTS: usize = 10;

/// Sends `DRILL_EVENTS` events to a receiver that misbehaves with `fault` for as many requests,
/// waits until every delivery reached one of the `settled` states, and counts what arrived.
async fn drill(fault: Fault, settled: &[&str]) -> (TestApp, FaultyReceiver, Outcome) {
    let app = spawn_app().await;
    let receiver = FaultyReceiver::start(fault, DRILL_EVENTS).await;
    let subscription = app
        .create_subscription(json!({"name": "drill", "url": receiver.url, "timeout_seconds": 1}))
        .await;
    let events: Vec<Value> = (0..DRILL_EVENTS)
        .map(|n| json!({"type": "drill", "data": {"n": n}}))
        .collect();
    let response = app
        .post_json(&format!("{EVENTS}/batch"), json!({"events": events}))
        .await;
    assert_eq!(response.status(), 201);

    let path = format!(
        "/api/v1/projects/default/deliveries?subscription_id={}&limit=100",
        subscription["id"].as_str().unwrap()
    );
    app.wait_for(&path, |page| {
        page["data"].as_array().is_some_and(|d| {
            d.len() == DRILL_EVENTS
                && d.iter()
                    .all(|d| settled.iter().any(|&state| d["status"] == state))
        })
    })
    .await;
    let seen = receiver.seen();
    let mut accepted: HashMap<&str, usize> = HashMap::new();
    for request in seen.iter().filter(|r| r.accepted) {
        *accepted.entry(&request.webhook_id).or_default() += 1;
    }
    let outcome = Outcome {
        delivered: accepted.len(),
        duplicates: accepted.values().map(|n| n - 1).sum(),
        requests: seen.len(),
    };
    println!("{fault:?}: {outcome:?}");
    (app, receiver, outcome)
}

/// Every event delivered once, after the faulty requests were retried.
fn all_delivered_once(outcome: &Outcome) {
    assert_eq!(outcome.delivered, DRILL_EVENTS, "{outcome:?}");
    assert_eq!(outcome.duplicates, 0, "{outcome:?}");
}

#[tokio::test]
async fn drill_500_is_retried_until_delivered() {
    let (_, _, outcome) = drill(Fault::Status(500), &["succeeded"]).await;
    all_delivered_once(&outcome);
    assert_eq!(outcome.requests, 2 * DRILL_EVENTS, "{outcome:?}");
}

#[tokio::test]
async fn drill_503_waits_out_retry_after() {
    let (_, receiver, outcome) = drill(Fault::RetryAfter, &["succeeded"]).await;
    all_delivered_once(&outcome);
    // The schedule says 50 ms; the receiver asked for a second.
    let seen = receiver.seen();
    for refused in &seen[..DRILL_EVENTS] {
        let retried = seen[DRILL_EVENTS..]
            .iter()
            .find(|r| r.webhook_id == refused.webhook_id)
            .expect("the refused delivery came back");
        assert!(retried.at - refused.at >= Duration::from_secs(1));
    }
}

#[tokio::test]
async fn drill_410_stops_delivering_and_fails_the_subscription() {
    // What was queued behind the 410 waits, held, for the subscription to be enabled again.
    let (app, _, outcome) = drill(Fault::Status(410), &["failed", "held"]).await;
    assert_eq!(outcome.delivered, 0, "{outcome:?}");
    assert!(outcome.requests <= DRILL_EVENTS, "{outcome:?}");
    let subscriptions = app.get_json("/api/v1/projects/default/subscriptions").await;
    assert_eq!(subscriptions["data"][0]["failed"], true);
}

#[tokio::test]
async fn drill_a_hang_past_the_timeout_is_retried_until_delivered() {
    let (_, _, outcome) = drill(Fault::Hang, &["succeeded"]).await;
    all_delivered_once(&outcome);
}

#[tokio::test]
async fn drill_a_reset_connection_is_retried_until_delivered() {
    let (_, _, outcome) = drill(Fault::Reset, &["succeeded"]).await;
    all_delivered_once(&outcome);
}

#[tokio::test]
async fn drill_a_slow_answer_inside_the_timeout_is_one_delivery() {
    let (_, _, outcome) = drill(Fault::Slow, &["succeeded"]).await;
    all_delivered_once(&outcome);
    assert_eq!(outcome.requests, DRILL_EVENTS, "{outcome:?}");
}

#[tokio::test]
async fn drill_a_redirect_is_not_followed_and_is_retried() {
    let (_, receiver, outcome) = drill(Fault::Redirect, &["succeeded"]).await;
    all_delivered_once(&outcome);
    assert!(
        receiver.seen().iter().all(|r| r.path == "/hook"),
        "a redirect was followed"
    );
}
