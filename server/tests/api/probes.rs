//! Pings (answered at once) and endpoint tests (run in the background, polled).

use serde_json::{json, Value};

use crate::{
    delivery::subscribe,
    helpers::{spawn_app, TestApp},
    receiver::Receiver,
};

fn ping_path(subscription: &Value) -> String {
    format!(
        "/api/v1/projects/default/subscriptions/{}/ping",
        subscription["id"].as_str().unwrap()
    )
}

#[tokio::test]
async fn a_ping_is_204_when_the_endpoint_answers_2xx_and_400_otherwise() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let subscription = subscribe(&app, &receiver, json!({})).await;

    let ok = app
        .client
        .post(app.url(&ping_path(&subscription)))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 204);
    let received = receiver.received();
    let body: Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(body["type"], "ping");
    assert!(received[0].headers.contains_key("webhook-signature"));

    receiver.answer(500, &[]);
    let refused = app
        .client
        .post(app.url(&ping_path(&subscription)))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["code"], "endpoint_unreachable");
    assert!(body["detail"].as_str().unwrap().contains("500"));
    // Pings are not events.
    assert_eq!(
        app.get_json("/api/v1/projects/default/events").await["data"],
        json!([])
    );
}

async fn run_test(app: &TestApp, body: Value) -> Value {
    let response = app.post_json("/api/v1/projects/default/tests", body).await;
    assert_eq!(response.status(), 202);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let started: Value = response.json().await.unwrap();
    assert_eq!(started["status"], "pending");
    app.wait_for(&location, |t| t["status"] != "pending").await
}

#[tokio::test]
async fn an_endpoint_test_completes_or_fails_with_a_message() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;

    let completed = run_test(
        &app,
        json!({"url": receiver.url, "event_type": "deployment_request_finished"}),
    )
    .await;
    assert_eq!(completed["status"], "completed");
    assert_eq!(completed["error_message"], Value::Null);
    let body: Value = serde_json::from_slice(&receiver.received()[0].body).unwrap();
    assert_eq!(body["type"], "deployment_request_finished");

    receiver.answer(503, &[]);
    let subscription = subscribe(&app, &receiver, json!({})).await;
    let failed = run_test(&app, json!({"subscription_id": subscription["id"]})).await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["response_status"], 503);
    assert!(failed["error_message"].as_str().unwrap().contains("503"));
}

#[tokio::test]
async fn an_endpoint_test_needs_a_target_it_may_reach() {
    let app = spawn_app().await;
    for (body, field) in [
        (json!({}), "url"),
        (json!({"url": "ftp://x"}), "url"),
        (json!({"url": "http://10.0.0.1/"}), "url"),
        (
            json!({"url": "http://127.0.0.1:1/", "event_type": "no spaces"}),
            "event_type",
        ),
    ] {
        let response = app
            .post_json("/api/v1/projects/default/tests", body.clone())
            .await;
        assert_eq!(response.status(), 422, "{body}");
        let error: Value = response.json().await.unwrap();
        assert!(error["fields"][field].is_string(), "{body}: {error}");
    }
}
