//! The notifier dialect (`/hooks`) over raw HTTP, as its (Japanese) documentation shows it.

use serde_json::{json, Value};

use crate::{
    helpers::{expect_error, spawn_app, TestApp},
    receiver::Receiver,
};

async fn call(app: &TestApp, method: &str, path: &str, body: Option<Value>) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .request(method.parse().unwrap(), app.url(path))
        .header("authorization", format!("Token {}", app.token));
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn hooks_are_pinged_before_they_are_registered_or_reactivated() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;

    // A callback that does not answer the ping with 200 OK is refused, and nothing is stored.
    for status in [500, 204] {
        receiver.answer(status, &[]);
        let body = json!({"callback_url": receiver.url});
        let refused = call(&app, "POST", "/hooks", Some(body)).await;
        expect_error(refused, 400, "endpoint_unreachable").await;
    }
    let none: Value = call(&app, "GET", "/hooks", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none, json!([]));

    let body =
        json!({"callback_url": receiver.url, "filter": {"for_all": ["node"]}, "active": true});
    let created = call(&app, "POST", "/hooks", Some(body)).await;
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let hook: Value = created.json().await.unwrap();
    let id = hook["id"].as_i64().expect("an integer id");
    assert!(location.ends_with(&format!("/hooks/{id}")), "{location}");
    assert_eq!(hook["filter"], json!({"for_all": ["node"]}));
    assert_eq!(hook["failed"], false);
    let pings = receiver.received().len();
    assert_eq!(pings, 3, "two refused pings, one accepted");

    // Pausing does not ping; re-activating does, and a failed ping leaves it paused.
    let path = format!("/hooks/{id}");
    let paused = call(&app, "PATCH", &path, Some(json!({"active": false}))).await;
    assert_eq!(paused.status(), 200);
    assert_eq!(receiver.received().len(), pings);
    receiver.answer(503, &[]);
    let refused = call(&app, "PATCH", &path, Some(json!({"active": true}))).await;
    expect_error(refused, 400, "endpoint_unreachable").await;
    let still: Value = call(&app, "GET", &path, None).await.json().await.unwrap();
    assert_eq!(still["active"], false);
    let resumed: Value = call(&app, "PATCH", &path, Some(json!({"active": true})))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(resumed["active"], true);

    // Only events about nodes reach it.
    let about_user = app
        .ingest(json!({"type": "updated", "object": {"type": "user"}}))
        .await;
    let about_node = app
        .ingest(json!({"type": "updated", "object": {"type": "node"}}))
        .await;
    assert_eq!(about_user["matched"], 0);
    assert_eq!(about_node["matched"], 1);
    // Settled before the next scripted answer, which is meant for a ping, not this delivery.
    app.settled(&about_node, "succeeded").await;

    // `"filter": null` removes the filter; leaving it out keeps it.
    let kept: Value = call(&app, "PATCH", &path, Some(json!({"active": true})))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(kept["filter"], json!({"for_all": ["node"]}));
    let unfiltered: Value = call(&app, "PATCH", &path, Some(json!({"filter": null})))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unfiltered["filter"], Value::Null);
    let about_user = app
        .ingest(json!({"type": "updated", "object": {"type": "user"}}))
        .await;
    assert_eq!(about_user["matched"], 1);
    app.settled(&about_user, "succeeded").await;

    let pinged = call(&app, "POST", &format!("{path}/pings"), None).await;
    assert_eq!(pinged.status(), 204);
    receiver.answer(500, &[]);
    let failed = call(&app, "POST", &format!("{path}/pings"), None).await;
    expect_error(failed, 400, "endpoint_unreachable").await;

    let deleted = call(&app, "DELETE", &path, None).await;
    assert_eq!(deleted.status(), 204);
    let gone = call(&app, "GET", &path, None).await;
    expect_error(gone, 404, "not_found").await;
}

#[tokio::test]
async fn the_notifier_answers_invalid_input_with_400_naming_its_fields() {
    let app = spawn_app().await;
    let cases = [
        (json!({"callback_url": "nope"}), "callback_url"),
        (json!({}), "callback_url"),
        (json!({"callback_url": 42}), "callback_url"),
        (
            json!({"callback_url": "https://example.com", "filter": {"for_all": "node"}}),
            "filter",
        ),
        (
            json!({"callback_url": "https://example.com", "active": "yes"}),
            "active",
        ),
        (json!(["https://example.com"]), "body"),
    ];
    for (body, field) in cases {
        let response = call(&app, "POST", "/hooks", Some(body.clone())).await;
        let error = expect_error(response, 400, "validation_failed").await;
        assert!(error["fields"][field].is_string(), "{body} → {error}");
    }
    let not_json = reqwest::Client::new()
        .post(app.url("/hooks"))
        .header("authorization", format!("Token {}", app.token))
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    expect_error(not_json, 400, "malformed_json").await;
    let not_a_number = call(&app, "GET", "/hooks/abc", None).await;
    expect_error(not_a_number, 404, "not_found").await;
}
