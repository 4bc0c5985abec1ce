//! The live stream (`GET /projects/{project}/live`, Server-Sent Events): what arrives and in
//! which order, who may watch what, a reader that falls behind, and shutting down under it.

use std::time::Duration;

use serde_json::{json, Value};
use server::{
    config::DEFAULT_MAX_BODY_BYTES,
    rate_limit::RateLimiter,
    startup::{self, HttpLimits},
    state::AppState,
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::{
    delivery::{subscribe, EVENTS},
    helpers::{client_with_token, expect_error, spawn_app, TestApp, ADMIN, ADMIN_PASSWORD},
    receiver::Receiver,
};

/// Far longer than anything here takes: only a hang reaches it.
const PATIENCE: Duration = Duration::from_secs(60);

/// A live stream being read: one Server-Sent Event at a time.
struct Watching {
    response: reqwest::Response,
    buffer: String,
}

impl Watching {
    async fn open(client: &reqwest::Client, url: String) -> Watching {
        let response = client.get(url).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        Watching {
            response,
            buffer: String::new(),
        }
    }

    /// The next entry's name and data; `None` once the stream ended. Keep-alive comments are
    /// skipped.
    async fn next(&mut self) -> Option<(String, Value)> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let field = |name: &str| {
                    block
                        .lines()
                        .find_map(|line| line.strip_prefix(name))
                        .map(str::to_owned)
                };
                if let (Some(name), Some(data)) = (field("event: "), field("data: ")) {
                    return Some((name, serde_json::from_str(&data).unwrap()));
                }
                continue;
            }
            let chunk = tokio::time::timeout(PATIENCE, self.response.chunk())
                .await
                .expect("the stream went silent")
                .unwrap()?;
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }

    async fn expect(&mut self) -> (String, Value) {
        self.next().await.expect("the stream ended")
    }
}

fn live_url(app: &TestApp, project: &str) -> String {
    app.url(&format!("/api/v1/projects/{project}/live"))
}

#[tokio::test]
async fn an_event_and_its_delivery_arrive_in_order() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let subscription = subscribe(&app, &receiver, json!({})).await;
    let mut live = Watching::open(&app.client, live_url(&app, "default")).await;

    let ingested = app.ingest(json!({"type": "order.paid"})).await;

    let event_id = &ingested["event"]["id"];
    let (name, event) = live.expect().await;
    assert_eq!((name.as_str(), &event["id"]), ("event", event_id));
    assert_eq!(event["type"], "order.paid");
    let (name, created) = live.expect().await;
    assert_eq!(name, "delivery");
    assert_eq!(created["event_id"], *event_id);
    assert_eq!(created["subscription_id"], subscription["id"]);
    assert_eq!(
        (&created["status"], &created["attempts"]),
        (&json!("pending"), &json!(0))
    );
    let (name, delivered) = live.expect().await;
    assert_eq!(name, "delivery");
    assert_eq!(delivered["id"], created["id"]);
    assert_eq!(delivered["status"], "succeeded");
    assert_eq!(delivered["attempts"], 1);
    assert_eq!(delivered["last_status_code"], 200);
}

#[tokio::test]
async fn a_stream_shows_its_own_project_only() {
    let app = spawn_app().await;
    let created = app
        .post_json("/api/v1/projects", json!({"name": "other"}))
        .await;
    assert_eq!(created.status(), 201);
    let outsider = client_with_token(&app.user_with_token("eve", Some("other"), "write").await);
    let mut ours = Watching::open(&app.client, live_url(&app, "default")).await;
    let mut theirs = Watching::open(&outsider, live_url(&app, "other")).await;

    let first = app.ingest(json!({"type": "ours.first"})).await;
    let response = outsider
        .post(app.url("/api/v1/projects/other/events"))
        .json(&json!({"type": "theirs"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let last = app.ingest(json!({"type": "ours.last"})).await;

    // Theirs was published between our two: a stream showing it would show it in between.
    let (_, seen) = ours.expect().await;
    assert_eq!(seen["id"], first["event"]["id"]);
    let (_, seen) = ours.expect().await;
    assert_eq!(seen["id"], last["event"]["id"]);
    let (_, seen) = theirs.expect().await;
    assert_eq!(seen["type"], "theirs");

    // Their token cannot watch our project, nor can anyone without credentials.
    let response = outsider
        .get(live_url(&app, "default"))
        .send()
        .await
        .unwrap();
    expect_error(response, 404, "not_found").await;
    let response = reqwest::get(live_url(&app, "default")).await.unwrap();
    expect_error(response, 401, "unauthenticated").await;
}

#[tokio::test]
async fn a_read_token_or_a_dashboard_session_may_watch() {
    let app = spawn_app().await;
    let reader = client_with_token(&app.user_with_token("rita", Some("default"), "read").await);
    let mut by_token = Watching::open(&reader, live_url(&app, "default")).await;
    let cookie = app.login(ADMIN, ADMIN_PASSWORD).await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::COOKIE, cookie.parse().unwrap());
    let browser = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let mut by_session = Watching::open(&browser, live_url(&app, "default")).await;

    let ingested = app.ingest(json!({"type": "seen.twice"})).await;

    for live in [&mut by_token, &mut by_session] {
        let (_, seen) = live.expect().await;
        assert_eq!(seen["id"], ingested["event"]["id"]);
    }
    let forged = reqwest::Client::new()
        .get(live_url(&app, "default"))
        .header("cookie", "hookhub_session=forged")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
}

#[tokio::test]
async fn a_subscription_filter_shows_only_that_subscriptions_deliveries() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let wanted = subscribe(&app, &receiver, json!({})).await;
    subscribe(&app, &receiver, json!({})).await;
    let url = format!(
        "{}?subscription_id={}",
        live_url(&app, "default"),
        wanted["id"].as_str().unwrap()
    );
    let mut live = Watching::open(&app.client, url).await;

    app.ingest(json!({"type": "to.both"})).await;
    app.ingest(json!({"type": "to.both"})).await;

    // Each of its two deliveries created, then succeeded; nothing of the other subscription,
    // no events.
    let mut succeeded = 0;
    while succeeded < 2 {
        let (name, entry) = live.expect().await;
        assert_eq!(name, "delivery", "events are left out: {entry}");
        assert_eq!(entry["subscription_id"], wanted["id"]);
        succeeded += usize::from(entry["status"] == "succeeded");
    }

    let unknown = format!(
        "{}?subscription_id={}",
        live_url(&app, "default"),
        uuid::Uuid::new_v4()
    );
    let response = app.client.get(unknown).send().await.unwrap();
    expect_error(response, 404, "not_found").await;
    let malformed = format!("{}?subscription_id=nope", live_url(&app, "default"));
    let response = app.client.get(malformed).send().await.unwrap();
    assert_eq!(response.status(), 400);
}

/// A reader that never reads while 10,000 deliveries complete: every one is delivered, and
/// when the reader reads again the stream says how much it missed.
#[tokio::test]
async fn a_reader_that_falls_behind_is_told_and_never_holds_delivery_back() {
    const EVENTS_SENT: usize = 10_000;
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    subscribe(&app, &receiver, json!({})).await;
    let mut stalled = Watching::open(&app.client, live_url(&app, "default")).await;

    for _ in 0..EVENTS_SENT / 500 {
        let batch: Vec<Value> = (0..500)
            .map(|n| json!({"type": "bulk", "data": {"n": n}}))
            .collect();
        let response = app
            .post_json(&format!("{EVENTS}/batch"), json!({"events": batch}))
            .await;
        assert_eq!(response.status(), 201);
    }
    tokio::time::timeout(PATIENCE, async {
        while receiver.received().len() < EVENTS_SENT {
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    })
    .await
    .expect("every delivery arrives while the reader is stalled");

    let mut missed = 0;
    while missed == 0 {
        let (name, entry) = stalled.expect().await;
        if name == "lagged" {
            missed = entry["missed"].as_u64().unwrap();
        }
    }
    assert!(missed > 0);
}

/// Graceful shutdown waits for every response to end: an open stream ends when it begins.
#[tokio::test]
async fn an_open_stream_does_not_hold_up_shutdown() {
    let app = spawn_app().await;
    let stop = CancellationToken::new();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState {
        engine: app.engine.clone(),
        leptos_options: startup::leptos_options("target/site"),
        rate_limiter: RateLimiter::new(0, 0),
        shutdown: stop.clone(),
    };
    let limits = HttpLimits {
        max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        ..HttpLimits::default()
    };
    let served = tokio::spawn(startup::serve(
        listener,
        startup::router(state, limits),
        stop.clone(),
    ));
    let mut live = Watching::open(
        &app.client,
        format!("{address}/api/v1/projects/default/live"),
    )
    .await;

    stop.cancel();

    tokio::time::timeout(PATIENCE, served)
        .await
        .expect("the server stops with a stream open")
        .unwrap()
        .unwrap();
    assert_eq!(live.next().await, None);
}
