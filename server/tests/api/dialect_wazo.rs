//! The Wazo webhookd dialect over raw HTTP, as Wazo's documentation shows it.

use serde_json::{json, Value};

use crate::{
    helpers::{expect_error, spawn_app, TestApp},
    receiver::Receiver,
};

/// Sends `body` with Wazo's credential header (`X-Auth-Token`).
async fn wazo(app: &TestApp, method: &str, path: &str, body: Option<Value>) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .request(method.parse().unwrap(), app.url(path))
        .header("x-auth-token", &app.token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn wazo_subscriptions_round_trip_and_log_their_deliveries() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let body = json!({
        "name": "Example webhook",
        "service": "http",
        "config": {"url": receiver.url, "method": "post", "content_type": "application/json",
                   "verify_certificate": "false"},
        "events": ["user_created"],
        "metadata": {"owner": "ops"},
    });

    let created = wazo(&app, "POST", "/subscriptions", Some(body)).await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    let uuid = created["uuid"].as_str().unwrap().to_owned();
    assert_eq!(created["service"], "http");
    assert_eq!(created["config"]["url"], receiver.url.as_str());
    assert_eq!(created["config"]["method"], "post");
    assert_eq!(created["config"]["verify_certificate"], "false");
    assert_eq!(created["events"], json!(["user_created"]));

    let listed: Value = wazo(
        &app,
        "GET",
        "/subscriptions?search_metadata=owner:ops",
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0]["uuid"], uuid.as_str());
    let none: Value = wazo(
        &app,
        "GET",
        "/subscriptions?search_metadata=owner:dev",
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(none["total"], 0);

    // An event of that type is delivered in Wazo's payload and shows in the log.
    let ingested = app
        .ingest(json!({"type": "user_created", "data": {"id": 12}}))
        .await;
    app.settled(&ingested, "succeeded").await;
    let delivered: Value =
        serde_json::from_slice(&receiver.received().last().unwrap().body).unwrap();
    assert_eq!(delivered["name"], "user_created");
    assert_eq!(delivered["data"]["id"], 12);
    let logs: Value = wazo(&app, "GET", &format!("/subscriptions/{uuid}/logs"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(logs["total"], 1);
    assert_eq!(logs["items"][0]["status"], "success");
    assert_eq!(logs["items"][0]["attempts"], 1);

    let replaced = wazo(
        &app,
        "PUT",
        &format!("/subscriptions/{uuid}"),
        Some(
            json!({"name": "Renamed", "service": "log", "config": {}, "events": ["user_deleted"]}),
        ),
    )
    .await;
    assert_eq!(replaced.status(), 200);
    let replaced: Value = replaced.json().await.unwrap();
    assert_eq!(replaced["service"], "log");
    assert_eq!(replaced["metadata"], json!({}));

    let deleted = wazo(&app, "DELETE", &format!("/subscriptions/{uuid}"), None).await;
    assert_eq!(deleted.status(), 204);
    let gone = wazo(&app, "GET", &format!("/subscriptions/{uuid}"), None).await;
    expect_error(gone, 404, "not_found").await;
}

#[tokio::test]
async fn wazo_lists_its_services_and_names_its_own_fields_in_errors() {
    let app = spawn_app().await;
    let services: Value = wazo(&app, "GET", "/subscriptions/services", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(services["services"]["http"].is_object(), "{services}");
    assert!(services["services"]["log"].is_object(), "{services}");

    let cases = [
        (
            json!({"name": "x", "service": "carrier-pigeon", "events": ["e"]}),
            "service",
        ),
        (
            json!({"name": "x", "service": "http", "config": {"url": "ftp://x"}}),
            "config.url",
        ),
        (
            json!({"name": "x", "service": "http", "config": {"url": "https://example.com", "body": "{{ event.id"}}),
            "config",
        ),
        (
            json!({"name": "x", "service": "http", "config": {"url": "https://example.com", "content_type": "text/csv"}}),
            "config.content_type",
        ),
    ];
    for (body, field) in cases {
        let response = wazo(&app, "POST", "/subscriptions", Some(body.clone())).await;
        let error = expect_error(response, 422, "validation_failed").await;
        assert!(error["fields"][field].is_string(), "{body} → {error}");
    }
}

#[tokio::test]
async fn a_body_template_shapes_what_the_receiver_gets() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let template = r#"{"who": "{{ event.user_uuid }}", "what": "{{ event_name }}", "from": "{{ wazo_uuid }}"}"#;
    let body = json!({
        "name": "templated",
        "service": "http",
        "config": {"url": receiver.url, "method": "post", "content_type": "application/json",
                   "body": template},
        "events": ["user_created"],
    });
    let created: Value = wazo(&app, "POST", "/subscriptions", Some(body))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(created["config"]["body"], template);

    let ingested = app
        .ingest(json!({"type": "user_created", "data": {"user_uuid": "u-42"}}))
        .await;
    app.settled(&ingested, "succeeded").await;
    let request = receiver.received().last().unwrap().clone();
    let delivered: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(delivered["who"], "u-42");
    assert_eq!(delivered["what"], "user_created");
    assert_eq!(
        delivered["from"].as_str().unwrap().len(),
        36,
        "the project's uuid"
    );
    assert_eq!(request.headers["content-type"], "application/json");
}
