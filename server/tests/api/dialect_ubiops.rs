//! The UbiOps dialect, driven by UbiOps' own Python client, and what the engine made of it.

use serde_json::{json, Value};

use crate::{
    helpers::{reference_python, run_client, spawn_app, TestApp},
    receiver::Receiver,
    reference::verify,
};

const WEBHOOKS: &str = "/v2.1/projects/default/webhooks";
const TESTS: &str = "/v2.1/projects/default/webhooks-tests";

/// Asserts UbiOps' error answer — `status` with `{"error": "…"}` — and returns the message.
async fn ubiops_error(response: reqwest::Response, status: u16) -> String {
    assert_eq!(response.status(), status);
    let body: Value = response.json().await.unwrap();
    let object = body.as_object().expect("an object");
    assert_eq!(object.len(), 1, "only `error` in {body}");
    body["error"].as_str().expect("a message").to_owned()
}

/// Waits for the receiver's `count`th request.
async fn received(receiver: &Receiver, count: usize) -> crate::receiver::Received {
    for _ in 0..500 {
        if let Some(request) = receiver.received().get(count - 1) {
            return request.clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the receiver never got request {count}");
}

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
    let test_secret = output.trim();

    // The test of a bare URL reached the receiver in UbiOps' payload, signed with the secret
    // its answer carried.
    let test = received(&receiver, 1).await;
    let payload: Value = serde_json::from_slice(&test.body).unwrap();
    assert_eq!(payload["event"], "deployment_request_finished");
    assert_eq!(payload["object_type"], "deployment");
    let python = reference_python().unwrap();
    verify(&python, test_secret, &test).expect("the reference library accepts the test");

    // The engine holds a UbiOps-shaped subscription; its protected header survived the PATCH.
    let list = app
        .get_json("/api/v1/projects/default/subscriptions?name=webhook-renamed")
        .await;
    let subscription = &list["data"][0];
    assert_eq!(subscription["payload_format"], "ubiops");
    assert_eq!(subscription["unique_name"], true);
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

/// Creates the webhook `name` to `url` through the dialect; returns its JSON.
async fn create_webhook(app: &TestApp, name: &str, url: &str) -> Value {
    let body = json!({"name": name, "url": url, "object_type": "deployment",
                      "object_name": "deployment-1", "event": "deployment_request_finished"});
    let response = app.post_json(WEBHOOKS, body).await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_test_that_names_a_webhook_is_signed_with_its_secret() {
    let Some(python) = reference_python() else {
        return;
    };
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let webhook = create_webhook(&app, "webhook-1", &receiver.url).await;

    let body = json!({"name": "webhook-1", "object_type": "deployment",
                      "object_name": "deployment-1", "event": "deployment_request_finished"});
    let started: Value = app.post_json(TESTS, body).await.json().await.unwrap();
    assert_eq!(started["status"], "pending");
    assert!(
        started.get("secret").is_none(),
        "the webhook's secret signs: {started}"
    );

    let test = received(&receiver, 1).await;
    let id = webhook["id"].as_str().unwrap();
    let secret = app
        .get_json(&format!(
            "/api/v1/projects/default/subscriptions/{id}/secret"
        ))
        .await;
    let secret = secret["secret"].as_str().unwrap();
    verify(&python, secret, &test).expect("signed with the webhook's secret");
    assert!(verify(&python, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", &test).is_err());
}

#[tokio::test]
async fn the_list_shows_ubiops_webhooks_and_event_names_a_webhooks_own_event() {
    let app = spawn_app().await;
    create_webhook(&app, "finished", "https://example.com/a").await;
    let body = json!({"name": "created", "url": "https://example.com/b", "object_type": "deployment",
                      "object_name": "deployment-1", "event": "deployment_version_created"});
    assert_eq!(app.post_json(WEBHOOKS, body).await.status(), 201);
    // A native subscription to every event: not a UbiOps webhook, and not "for" any event.
    app.create_subscription(json!({"name": "everything", "url": "https://example.com/c"}))
        .await;

    let names = |list: Value| -> Vec<String> {
        let mut names: Vec<String> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["name"].as_str().unwrap().to_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(names(app.get_json(WEBHOOKS).await), ["created", "finished"]);
    let finished = app
        .get_json(&format!("{WEBHOOKS}?event=deployment_request_finished"))
        .await;
    assert_eq!(names(finished), ["finished"]);
}

#[tokio::test]
async fn a_test_of_a_url_carries_the_result_only_when_asked() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    for (include_result, count) in [(true, 1), (false, 2)] {
        let body = json!({"url": receiver.url, "object_type": "deployment",
                          "object_name": "deployment-1", "event": "deployment_request_finished",
                          "include_result": include_result});
        let started = app.post_json(TESTS, body).await;
        assert_eq!(started.status(), 201);
        let test = received(&receiver, count).await;
        let payload: Value = serde_json::from_slice(&test.body).unwrap();
        assert_eq!(payload["event"], "deployment_request_finished");
        assert_eq!(payload.get("result").is_some(), include_result, "{payload}");
    }
}

#[tokio::test]
async fn ubiops_answers_errors_in_its_shape_with_its_field_names() {
    let app = spawn_app().await;
    let cases = [
        (
            json!({"name": "x", "url": "https://example.com", "object_type": "deployment",
                "object_name": "d", "event": "e", "timeout": 0}),
            "timeout",
        ),
        (
            json!({"name": "x", "url": "https://example.com", "object_type": "deployment",
                "object_name": "d", "event": "e", "timeout": "ten"}),
            "timeout",
        ),
        (
            json!({"name": "x", "url": "https://example.com", "object_type": "environment",
                "object_name": "d", "event": "e"}),
            "object_type",
        ),
        (
            json!({"name": "x", "url": "https://example.com", "object_name": "d", "event": "e"}),
            "object_type",
        ),
        (
            json!({"name": "x", "url": "https://example.com", "object_type": "pipeline",
                "object_name": "d", "event": "e", "labels": ["a"]}),
            "labels",
        ),
    ];
    for (body, field) in cases {
        let response = app.post_json(WEBHOOKS, body.clone()).await;
        let message = ubiops_error(response, 400).await;
        assert!(
            message.starts_with(&format!("{field}: ")),
            "{body} → {message}"
        );
    }
    let test = json!({"url": "https://example.com", "object_type": "deployment"});
    let message = ubiops_error(app.post_json(TESTS, test).await, 400).await;
    assert!(message.contains("event: is required"), "{message}");
    assert!(message.contains("object_name: is required"), "{message}");

    let missing = app.client.get(app.url(&format!("{WEBHOOKS}/nope"))).send();
    assert!(ubiops_error(missing.await.unwrap(), 404)
        .await
        .contains("not found"));
    let anonymous = reqwest::Client::new().get(app.url(WEBHOOKS)).send();
    ubiops_error(anonymous.await.unwrap(), 401).await;
}
