//! The Wazo webhookd dialect over raw HTTP, as Wazo's documentation shows it.

use serde_json::{json, Value};

use crate::{
    helpers::{spawn_app, TestApp},
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
    let error = wazo_error(gone, 404, "no-such-subscription").await;
    assert_eq!(error["details"], json!({}));
}

/// Asserts wazo-webhookd's error answer (`status`, `error_id`, and the rest of xivo's shape);
/// returns it.
async fn wazo_error(response: reqwest::Response, status: u16, error_id: &str) -> Value {
    assert_eq!(response.status(), status);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error_id"], error_id, "{body}");
    assert_eq!(body["reason"], json!([body["message"]]), "{body}");
    assert_eq!(body["resource"], "subscriptions", "{body}");
    assert!(
        body["timestamp"].is_f64() && body["details"].is_object(),
        "{body}"
    );
    body
}

/// Asserts Wazo's answer to invalid input: 400 `invalid-data` with a message at each of
/// `fields` (dotted for nested ones, e.g. `config.method`) in `details`.
async fn expect_invalid(response: reqwest::Response, fields: &[&str]) -> Value {
    let body = wazo_error(response, 400, "invalid-data").await;
    assert_eq!(body["message"], "Sent data is invalid");
    for field in fields {
        let pointer = format!("/details/{}/message", field.replace('.', "/"));
        assert!(
            body.pointer(&pointer).is_some_and(Value::is_string),
            "{field}: {body}"
        );
    }
    body
}

fn http_subscription(name: &str, url: &str) -> Value {
    json!({"name": name, "service": "http", "events": ["user_created"],
           "config": {"url": url, "method": "post"}})
}

#[tokio::test]
async fn wazo_names_repeat_while_native_and_ubiops_names_stay_unique() {
    let app = spawn_app().await;
    let push = http_subscription("Push notification", "https://example.com/a");
    let mut uuids = Vec::new();
    for _ in 0..2 {
        let created = wazo(&app, "POST", "/subscriptions", Some(push.clone())).await;
        assert_eq!(created.status(), 201);
        let created: Value = created.json().await.unwrap();
        uuids.push(created["uuid"].as_str().unwrap().to_owned());
    }
    let listed: Value = wazo(&app, "GET", "/subscriptions", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["total"], 2);
    // Renaming one to the other's name is no conflict either.
    let renamed = http_subscription("Push notification", "https://example.com/b");
    let path = format!("/subscriptions/{}", uuids[1]);
    assert_eq!(wazo(&app, "PUT", &path, Some(renamed)).await.status(), 200);

    // The native API's names are unique among themselves, beside Wazo's.
    let native = json!({"name": "Push notification", "url": "https://example.com/n"});
    let created = app.create_subscription(native.clone()).await;
    assert_eq!(created["unique_name"], true);
    let again = app
        .post_json("/api/v1/projects/default/subscriptions", native)
        .await;
    assert_eq!(again.status(), 409);
    // UbiOps finds a webhook by its unique name, never one of Wazo's.
    let found = app
        .get_json("/v2.1/projects/default/webhooks/Push%20notification")
        .await;
    assert_eq!(found["id"], created["id"]);
    let native_view = app
        .get_json(&format!(
            "/api/v1/projects/default/subscriptions/{}",
            uuids[0]
        ))
        .await;
    assert_eq!(native_view["unique_name"], false);
    let deleted = app
        .client
        .delete(app.url(&format!(
            "/api/v1/projects/default/subscriptions/{}",
            created["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    let only_wazo = app
        .client
        .get(app.url("/v2.1/projects/default/webhooks/Push%20notification"))
        .send()
        .await
        .unwrap();
    assert_eq!(only_wazo.status(), 404);
}

#[tokio::test]
async fn wazo_requires_its_fields_and_accepts_only_its_methods() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let mut missing_events = http_subscription("x", &receiver.url);
    missing_events.as_object_mut().unwrap().remove("events");
    let response = wazo(&app, "POST", "/subscriptions", Some(missing_events)).await;
    expect_invalid(response, &["events"]).await;
    let response = wazo(&app, "POST", "/subscriptions", Some(json!({}))).await;
    expect_invalid(response, &["name", "service", "config", "events"]).await;
    let no_method = json!({"name": "x", "service": "http", "events": ["e"],
                           "config": {"url": receiver.url}});
    let response = wazo(&app, "POST", "/subscriptions", Some(no_method)).await;
    expect_invalid(response, &["config.method"]).await;

    for method in ["patch", "trace", "connect"] {
        let mut body = http_subscription("x", &receiver.url);
        body["config"]["method"] = json!(method);
        let response = wazo(&app, "POST", "/subscriptions", Some(body)).await;
        expect_invalid(response, &["config.method"]).await;
    }
    for method in ["head", "GET", "post", "Put", "delete"] {
        let mut body = http_subscription("x", &receiver.url);
        body["config"]["method"] = json!(method);
        let created = wazo(&app, "POST", "/subscriptions", Some(body)).await;
        assert_eq!(created.status(), 201, "{method}");
        let created: Value = created.json().await.unwrap();
        assert_eq!(created["config"]["method"], method.to_lowercase());
    }
    // A HEAD subscription's deliveries are HEAD requests.
    let ingested = app.ingest(json!({"type": "user_created"})).await;
    assert_eq!(ingested["matched"], 5);
    app.settled(&ingested, "succeeded").await;
    let methods = app
        .get_json(&format!(
            "/api/v1/projects/default/deliveries?event_id={}",
            ingested["event"]["id"].as_str().unwrap()
        ))
        .await;
    let mut sent: Vec<String> = Vec::new();
    for delivery in methods["data"].as_array().unwrap() {
        let path = format!(
            "/api/v1/projects/default/deliveries/{}/attempts",
            delivery["id"].as_str().unwrap()
        );
        let attempts = app.get_json(&path).await;
        sent.push(attempts[0]["request_method"].as_str().unwrap().to_owned());
    }
    sent.sort();
    assert_eq!(sent, ["DELETE", "GET", "HEAD", "POST", "PUT"]);
}

#[tokio::test]
async fn wazo_type_errors_are_invalid_data_like_any_other() {
    let app = spawn_app().await;
    let cases = [
        (
            json!({"name": "x", "service": "http", "events": "user_created",
                "config": {"url": "https://example.com", "method": "post"}}),
            "events",
        ),
        (
            json!({"name": 7, "service": "http", "events": ["e"],
                "config": {"url": "https://example.com", "method": "post"}}),
            "name",
        ),
        (
            json!({"name": "x", "service": "http", "events": ["e"], "config": "https://example.com"}),
            "config",
        ),
        (
            json!({"name": "x", "service": "http", "events": ["e"],
                "config": {"url": "https://example.com", "method": "post",
                           "verify_certificate": false}}),
            "config.verify_certificate",
        ),
        (
            json!({"name": "x", "service": "http", "events": ["e"],
                "config": {"url": "https://example.com", "method": "post",
                           "verify_certificate": "maybe"}}),
            "config.verify_certificate",
        ),
        (
            json!({"name": "x", "service": "http", "events": ["e"], "metadata": ["a"],
                "config": {"url": "https://example.com", "method": "post"}}),
            "metadata",
        ),
    ];
    for (body, field) in cases {
        let response = wazo(&app, "POST", "/subscriptions", Some(body.clone())).await;
        expect_invalid(response, &[field]).await;
    }
    let not_an_object = wazo(&app, "POST", "/subscriptions", Some(json!([1]))).await;
    expect_invalid(not_an_object, &["_schema"]).await;
    let created = wazo(
        &app,
        "POST",
        "/subscriptions",
        Some(http_subscription("x", "https://example.com")),
    )
    .await;
    let created: Value = created.json().await.unwrap();
    let logs = format!(
        "/subscriptions/{}/logs?limit=many",
        created["uuid"].as_str().unwrap()
    );
    expect_invalid(wazo(&app, "GET", &logs, None).await, &[]).await;
    let unauthenticated = reqwest::Client::new()
        .get(app.url("/subscriptions"))
        .send()
        .await
        .unwrap();
    wazo_error(unauthenticated, 401, "unauthenticated").await;
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

    let config = json!({"url": "https://example.com", "method": "post"});
    let cases = [
        (
            json!({"name": "x", "service": "carrier-pigeon", "events": ["e"], "config": {}}),
            "service",
        ),
        (
            json!({"name": "x", "service": "http", "events": ["e"],
                   "config": {"url": "ftp://x", "method": "post"}}),
            "config.url",
        ),
        (
            json!({"name": "x", "service": "http", "events": ["e"],
                   "config": {"url": "https://example.com", "method": "post", "body": "{{ event.id"}}),
            "config",
        ),
        (
            json!({"name": "x", "service": "http", "events": ["e"],
                   "config": {"url": "https://example.com", "method": "post", "content_type": "text/csv"}}),
            "config.content_type",
        ),
        (
            json!({"name": "x", "service": "http", "events": ["bad type!"], "config": config}),
            "events",
        ),
    ];
    for (body, field) in cases {
        let response = wazo(&app, "POST", "/subscriptions", Some(body.clone())).await;
        expect_invalid(response, &[field]).await;
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
