//! A subscription's health panel (`GET …/subscriptions/{id}/health`), counted from real
//! deliveries to a real receiver that fails some of them and to an address nobody answers on.

use serde_json::{json, Value};

use crate::{
    delivery::subscribe,
    helpers::{client_with_token, expect_error, spawn_app, TestApp},
    receiver::Receiver,
};

fn health_path(project: &str, subscription: &Value) -> String {
    format!(
        "/api/v1/projects/{project}/subscriptions/{}/health",
        subscription["id"].as_str().unwrap()
    )
}

/// Sends one event of `event_type` and waits until its deliveries are `status`; returns the
/// (only) delivery's id.
async fn deliver(app: &TestApp, event_type: &str, status: &str) -> Value {
    let ingested = app.ingest(json!({"type": event_type})).await;
    let page = app.settled(&ingested, status).await;
    page["data"][0]["id"].clone()
}

#[tokio::test]
async fn the_health_panel_counts_attempts_and_names_the_latest_failure() {
    // Arrange: one receiver that fails the first and last of four requests, and a subscription
    // to an address where nothing listens. No retries, so each event is one attempt.
    let app = spawn_app().await;
    let flaky = Receiver::start().await;
    let answering = subscribe(
        &app,
        &flaky,
        json!({"event_types": ["flaky.*"], "retry": false}),
    )
    .await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nowhere = format!("http://{}/hook", closed.local_addr().unwrap());
    drop(closed);
    let silent = app
        .create_subscription(json!({
            "name": "nowhere", "url": nowhere, "event_types": ["silent.*"], "retry": false,
        }))
        .await;

    // Act
    flaky.answer(500, &[]);
    deliver(&app, "flaky.one", "failed").await;
    deliver(&app, "flaky.two", "succeeded").await;
    deliver(&app, "flaky.three", "succeeded").await;
    flaky.answer_with_body(503, &[], b"down for maintenance");
    let last_failed = deliver(&app, "flaky.four", "failed").await;
    deliver(&app, "silent.one", "failed").await;
    deliver(&app, "silent.two", "failed").await;

    // Assert: the flaky endpoint.
    let health = app.get_json(&health_path("default", &answering)).await;
    assert_eq!(
        (&health["succeeded"], &health["failed"]),
        (&json!(2), &json!(2))
    );
    assert_eq!(health["success_rate"], 0.5);
    let hours = health["hours"].as_array().unwrap();
    assert_eq!(hours.len(), 24);
    let sum = |key: &str| hours.iter().map(|h| h[key].as_u64().unwrap()).sum::<u64>();
    assert_eq!((sum("succeeded"), sum("failed")), (2, 2));
    assert_eq!(health["hourly"].as_array().unwrap().len(), 24);
    let (p50, p95) = (
        health["latency_p50_ms"].as_u64(),
        health["latency_p95_ms"].as_u64(),
    );
    assert!(p50.is_some() && p95 >= p50, "{p50:?} {p95:?}");
    let failure = &health["last_failure"];
    assert_eq!(failure["delivery_id"], last_failed);
    assert_eq!(failure["attempt_number"], 1);
    assert_eq!(failure["kind"], "http_status");
    assert_eq!(failure["status"], 503);
    assert!(failure["message"].is_string() && failure["at"].is_string());
    assert_eq!(health["last_status"], 503);
    assert_eq!(health["last_error"], "http_status");
    assert!(health["last_success_at"].is_string());
    assert_eq!(health["consecutive_failures"], 1);
    assert!(health["failing_since"].is_string());

    // Assert: the endpoint that never answered.
    let health = app.get_json(&health_path("default", &silent)).await;
    assert_eq!(
        (&health["succeeded"], &health["failed"]),
        (&json!(0), &json!(2))
    );
    assert_eq!(health["success_rate"], 0.0);
    assert_eq!(health["last_failure"]["kind"], "connect");
    assert!(health["last_failure"]["status"].is_null());
    assert!(health["last_success_at"].is_null());
    assert_eq!(health["consecutive_failures"], 2);
}

#[tokio::test]
async fn a_quiet_endpoint_has_no_figures_yet() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let quiet = subscribe(&app, &receiver, json!({"event_types": ["never.*"]})).await;

    let health = app.get_json(&health_path("default", &quiet)).await;

    assert_eq!(
        (&health["succeeded"], &health["failed"]),
        (&json!(0), &json!(0))
    );
    for empty in [
        "success_rate",
        "latency_p50_ms",
        "last_failure",
        "last_success_at",
        "failing_since",
    ] {
        assert!(health[empty].is_null(), "{empty} in {health}");
    }
    assert_eq!(health["consecutive_failures"], 0);
}

#[tokio::test]
async fn another_projects_subscription_has_no_health_here() {
    // Arrange: a failing subscription in `default`, and a tenant with a write token for `other`
    // that has a subscription of its own.
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    receiver.answer(500, &[]);
    let ours = subscribe(&app, &receiver, json!({"retry": false})).await;
    deliver(&app, "secret.business", "failed").await;
    let response = app
        .post_json("/api/v1/projects", json!({"name": "other"}))
        .await;
    assert_eq!(response.status(), 201);
    let tenant = client_with_token(&app.user_with_token("eve", Some("other"), "write").await);
    let theirs: Value = tenant
        .post(app.url("/api/v1/projects/other/subscriptions"))
        .json(&json!({"name": "theirs", "url": receiver.url}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ask = |client: &reqwest::Client, path: String| client.get(app.url(&path)).send();

    // Act and assert: our subscription through their project, and through ours.
    let through_theirs = ask(&tenant, health_path("other", &ours)).await.unwrap();
    expect_error(through_theirs, 404, "not_found").await;
    let through_ours = ask(&tenant, health_path("default", &ours)).await.unwrap();
    expect_error(through_ours, 404, "not_found").await;
    // Nor does an admin find their subscription in the wrong project.
    let misplaced = ask(&app.client, health_path("default", &theirs))
        .await
        .unwrap();
    expect_error(misplaced, 404, "not_found").await;
    // Their own is theirs to read.
    let own = ask(&tenant, health_path("other", &theirs)).await.unwrap();
    assert_eq!(own.status(), 200);
}
