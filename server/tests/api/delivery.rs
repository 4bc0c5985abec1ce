//! Events in, signed deliveries out: through the API, to a real receiver.

use engine::signing;
use serde_json::{json, Value};

use crate::{
    helpers::{spawn_app, spawn_app_with, test_settings, TestApp},
    receiver::Receiver,
};

pub const EVENTS: &str = "/api/v1/projects/default/events";

pub async fn subscribe(app: &TestApp, receiver: &Receiver, extra: Value) -> Value {
    let mut body = json!({"name": format!("to-{}", uuid::Uuid::new_v4()), "url": receiver.url});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    app.create_subscription(body).await
}

#[tokio::test]
async fn an_event_is_delivered_signed_to_matching_subscriptions_only() {
    // Arrange
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let wanted = subscribe(&app, &receiver, json!({"event_types": ["order.*"]})).await;
    subscribe(&app, &receiver, json!({"event_types": ["user.created"]})).await;

    // Act
    let response = app
        .post_json(
            EVENTS,
            json!({"type": "order.paid", "data": {"amount": 12}, "message": "paid"}),
        )
        .await;

    // Assert
    assert_eq!(response.status(), 201);
    let ingested: Value = response.json().await.unwrap();
    assert_eq!(ingested["matched"], 1);
    let event_id = ingested["event"]["id"].as_str().unwrap();
    let page = app.settled_event(event_id, "succeeded").await;
    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    assert_eq!(page["data"][0]["subscription_id"], wanted["id"]);

    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    let header = |name: &str| request.headers[name].to_str().unwrap().to_owned();
    assert_eq!(header("webhook-id"), event_id);
    assert_eq!(header("content-type"), "application/json");
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(body["type"], "order.paid");
    assert_eq!(body["data"]["amount"], 12);

    // The signature is the Standard Webhooks one, over exactly the bytes received.
    let secret = app
        .get_json(&format!(
            "/api/v1/projects/default/subscriptions/{}/secret",
            wanted["id"].as_str().unwrap()
        ))
        .await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let timestamp: i64 = header("webhook-timestamp").parse().unwrap();
    assert_eq!(
        header("webhook-signature"),
        signing::sign(&secret, event_id, timestamp, &request.body)
    );
}

#[tokio::test]
async fn failures_are_retried_with_a_stable_webhook_id_and_every_attempt_is_logged() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    subscribe(&app, &receiver, json!({})).await;
    receiver.answer(500, &[]);
    receiver.answer(503, &[("retry-after", "0")]);

    let ingested = app.ingest(json!({"type": "t"})).await;
    let event_id = ingested["event"]["id"].as_str().unwrap();
    let page = app.settled_event(event_id, "succeeded").await;

    let delivery_id = page["data"][0]["id"].as_str().unwrap();
    let detail = app
        .get_json(&format!(
            "/api/v1/projects/default/deliveries/{delivery_id}"
        ))
        .await;
    assert_eq!(detail["attempts"], 3);
    let log = detail["attempts_log"].as_array().unwrap();
    let statuses: Vec<_> = log.iter().map(|a| a["response_status"].clone()).collect();
    assert_eq!(statuses, [json!(500), json!(503), json!(200)]);
    assert_eq!(log[0]["error_kind"], "http_status");
    assert_eq!(log[2]["error_kind"], Value::Null);
    let ids: Vec<_> = receiver
        .received()
        .iter()
        .map(|r| r.headers["webhook-id"].clone())
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(
        ids.iter().all(|id| id == event_id),
        "webhook-id changed across retries"
    );
}

#[tokio::test]
async fn a_delivery_fails_once_the_schedule_is_used_up() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    subscribe(&app, &receiver, json!({})).await;
    for _ in 0..4 {
        receiver.answer(500, &[]);
    }

    let ingested = app.ingest(json!({"type": "t"})).await;
    let page = app.settled(&ingested, "failed").await;

    // The first attempt and the three retries of the test schedule.
    assert_eq!(page["data"][0]["attempts"], 4);
    assert_eq!(page["data"][0]["last_status_code"], 500);
    assert_eq!(receiver.received().len(), 4);
}

#[tokio::test]
async fn without_retry_a_failure_is_final_and_3xx_is_a_failure() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    subscribe(&app, &receiver, json!({"retry": false})).await;
    receiver.answer(302, &[("location", "http://127.0.0.1:1/elsewhere")]);

    let ingested = app.ingest(json!({"type": "t"})).await;
    let page = app.settled(&ingested, "failed").await;

    assert_eq!(page["data"][0]["attempts"], 1);
    assert_eq!(page["data"][0]["last_status_code"], 302);
    assert_eq!(
        receiver.received().len(),
        1,
        "the redirect was not followed"
    );
}

#[tokio::test]
async fn a_410_marks_the_subscription_failed_at_once() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let subscription = subscribe(&app, &receiver, json!({})).await;
    receiver.answer(410, &[]);

    let ingested = app.ingest(json!({"type": "t"})).await;
    app.settled(&ingested, "failed").await;

    let path = format!(
        "/api/v1/projects/default/subscriptions/{}",
        subscription["id"].as_str().unwrap()
    );
    let stored = app.get_json(&path).await;
    assert_eq!(stored["failed"], true);
    assert!(stored["disabled_reason"].as_str().unwrap().contains("410"));
    // A failed subscription holds what it receives...
    let next = app.ingest(json!({"type": "t"})).await;
    app.settled(&next, "held").await;
    assert_eq!(receiver.received().len(), 1);
    // ...until it is enabled again.
    let response = app
        .client
        .patch(app.url(&path))
        .json(&json!({"enabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    app.settled(&next, "succeeded").await;
}

#[tokio::test]
async fn a_subscription_failing_for_the_whole_window_is_marked_failed() {
    let mut settings = test_settings();
    settings.failure_window = std::time::Duration::ZERO;
    let app = spawn_app_with(settings).await;
    let receiver = Receiver::start().await;
    let subscription = subscribe(&app, &receiver, json!({"retry": false})).await;
    receiver.answer(500, &[]);

    let ingested = app.ingest(json!({"type": "t"})).await;
    app.settled(&ingested, "failed").await;

    let path = format!(
        "/api/v1/projects/default/subscriptions/{}",
        subscription["id"].as_str().unwrap()
    );
    let stored = app.get_json(&path).await;
    assert_eq!(stored["failed"], true);
    assert!(stored["disabled_reason"]
        .as_str()
        .unwrap()
        .contains("failure window"));
}

#[tokio::test]
async fn a_repeated_idempotency_key_returns_the_first_event_and_delivers_once() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    subscribe(&app, &receiver, json!({})).await;
    let event = json!({"type": "t", "idempotency_key": "order-42"});

    let first = app.post_json(EVENTS, event.clone()).await;
    let second = app.post_json(EVENTS, event).await;

    assert_eq!(first.status(), 201);
    assert_eq!(second.status(), 200);
    let (first, second): (Value, Value) =
        (first.json().await.unwrap(), second.json().await.unwrap());
    assert_eq!(first["event"]["id"], second["event"]["id"]);
    assert_eq!(second["repeated"], true);
    app.settled(&first, "succeeded").await;
    assert_eq!(receiver.received().len(), 1);
}

#[tokio::test]
async fn a_batch_is_stored_whole_or_refused_whole() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    subscribe(&app, &receiver, json!({})).await;

    let refused = app
        .post_json(
            &format!("{EVENTS}/batch"),
            json!({"events": [{"type": "ok"}, {"type": "not ok"}]}),
        )
        .await;
    assert_eq!(refused.status(), 422);
    let body: Value = refused.json().await.unwrap();
    assert!(body["fields"]["events.1.type"].is_string());
    assert_eq!(app.get_json(EVENTS).await["data"], json!([]));

    let accepted = app
        .post_json(
            &format!("{EVENTS}/batch"),
            json!({"events": [{"type": "a"}, {"type": "b"}]}),
        )
        .await;
    assert_eq!(accepted.status(), 201);
    let results: Value = accepted.json().await.unwrap();
    assert_eq!(results.as_array().unwrap().len(), 2);
    assert!(results
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["matched"] == 1));
}

#[tokio::test]
async fn internal_callback_urls_are_refused_unless_allowed() {
    let mut settings = test_settings();
    settings.targets.allowed.clear();
    let app = spawn_app_with(settings).await;
    for url in [
        "http://127.0.0.1:9/hook",
        "http://localhost:9/hook",
        "http://[::1]:9/",
        "http://169.254.169.254/latest",
    ] {
        let response = app
            .post_json(
                "/api/v1/projects/default/subscriptions",
                json!({"name": "x", "url": url}),
            )
            .await;
        assert_eq!(response.status(), 422, "{url} accepted");
        let body: Value = response.json().await.unwrap();
        assert!(
            body["fields"]["url"]
                .as_str()
                .unwrap()
                .contains("internal address"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn invalid_filters_and_channels_are_refused_with_the_field() {
    let app = spawn_app().await;
    let cases = [
        (json!({"filter": {"data.x": {"$nope": 1}}}), "filter"),
        (json!({"channel": "carrier-pigeon"}), "channel"),
        (
            json!({"channel": "log", "channel_config": {"path": 5}}),
            "channel_config",
        ),
    ];
    for (extra, field) in cases {
        let mut body = json!({"name": "x", "url": "https://example.com"});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let response = app
            .post_json("/api/v1/projects/default/subscriptions", body)
            .await;
        assert_eq!(response.status(), 422);
        let body: Value = response.json().await.unwrap();
        assert!(body["fields"][field].is_string(), "{field}: {body}");
    }
    let channels = app.get_json("/api/v1/channels").await;
    let names: Vec<_> = channels
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].clone())
        .collect();
    assert_eq!(names, [json!("http"), json!("log")]);
}

#[tokio::test]
async fn the_log_channel_writes_one_json_line_per_delivery() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_with(engine::service::Settings {
        log_channel_dir: Some(dir.path().to_owned()),
        ..test_settings()
    })
    .await;
    app.create_subscription(
        json!({"name": "audit", "channel": "log", "channel_config": {"file": "audit.jsonl"}}),
    )
    .await;

    let ingested = app.ingest(json!({"type": "audit.me"})).await;
    app.settled(&ingested, "succeeded").await;

    let project = app.get_json("/api/v1/projects/default").await;
    let path = dir
        .path()
        .join(project["id"].as_str().unwrap())
        .join("audit.jsonl");
    let lines = std::fs::read_to_string(&path).unwrap();
    let line: Value = serde_json::from_str(lines.lines().next().unwrap()).unwrap();
    let body: Value = serde_json::from_str(line["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["type"], "audit.me");
}

#[tokio::test]
async fn a_receiver_slower_than_the_timeout_is_a_timeout() {
    let app = spawn_app().await;
    let receiver = Receiver::start_slow(std::time::Duration::from_millis(2500)).await;
    subscribe(
        &app,
        &receiver,
        json!({"retry": false, "timeout_seconds": 1}),
    )
    .await;

    let attempt = first_attempt_of_a_failed_event(&app).await;

    assert_eq!(attempt["error_kind"], "timeout");
    assert_eq!(attempt["response_status"], Value::Null);
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error() {
    let app = spawn_app().await;
    // Bound and dropped: nothing listens on this port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    app.create_subscription(
        json!({"name": "nobody", "url": format!("http://127.0.0.1:{port}/"), "retry": false}),
    )
    .await;

    let attempt = first_attempt_of_a_failed_event(&app).await;

    assert_eq!(attempt["error_kind"], "connect");
}

/// Ingests one event, waits until its delivery failed, and returns that delivery's first attempt.
async fn first_attempt_of_a_failed_event(app: &TestApp) -> Value {
    let ingested = app.ingest(json!({"type": "t"})).await;
    let page = app.settled(&ingested, "failed").await;
    let delivery = page["data"][0]["id"].as_str().unwrap();
    let attempts = app
        .get_json(&format!(
            "/api/v1/projects/default/deliveries/{delivery}/attempts"
        ))
        .await;
    attempts[0].clone()
}
