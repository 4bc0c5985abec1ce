//! The UbiOps dialect, driven by UbiOps' own Python client, and what the engine made of it.

use serde_json::{json, Value};

use crate::{
    helpers::{expect_error, run_client, spawn_app},
    receiver::Receiver,
};

#[tokio::test]
async fn the_official_ubiops_client_round_trips_webhooks_and_tests() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;

    let Some(output) = run_client(
        "ubiops_webhooks.py",
        &[&app.address, &app.token, &receiver.url],
    )
    .await
    else {
        return;
    };
    assert_eq!(output.trim(), "ok");

    // The engine holds a UbiOps-shaped subscription; its protected header survived the PATCH.
    let list = app
        .get_json("/api/v1/projects/default/subscriptions?name=webhook-renamed")
        .await;
    let subscription = &list["data"][0];
    assert_eq!(subscription["payload_format"], "ubiops");
    assert_eq!(
        subscription["event_types"],
        json!(["deployment_request_finished"])
    );
    assert_eq!(subscription["object_version"], "v1");
    let ingested = app
        .ingest(json!({
            "type": "deployment_request_finished",
            "object": {"type": "deployment", "name": "deployment-1", "version": "v1"},
            "data": {"request_id": "r-1"},
        }))
        .await;
    assert_eq!(ingested["matched"], 1);
    app.settled(&ingested, "succeeded").await;
    let delivered = receiver.received().last().unwrap().clone();
    assert_eq!(delivered.headers["authorization"], "Token 123");
}

#[tokio::test]
async fn ubiops_errors_use_ubiops_field_names() {
    let app = spawn_app().await;
    let response = app
        .post_json(
            "/v2.1/projects/default/webhooks",
            json!({"name": "x", "url": "https://example.com", "event": "", "timeout": 0}),
        )
        .await;
    let body: Value = expect_error(response, 422, "validation_failed").await;
    assert!(body["fields"]["timeout"].is_string(), "{body}");
    assert!(body["fields"].get("timeout_seconds").is_none(), "{body}");

    let missing = app
        .client
        .get(app.url("/v2.1/projects/default/webhooks/nope"))
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    expect_error(missing, 404, "not_found").await;
}
