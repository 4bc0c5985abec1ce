//! The Waldur dialect, driven by Waldur's own Python client; deliveries in Waldur's payload.

use serde_json::{json, Value};

use crate::{
    helpers::{run_client, spawn_app, TestApp},
    receiver::Receiver,
};

#[tokio::test]
async fn the_official_waldur_client_round_trips_hooks_and_pages_through_them() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;

    let Some(output) = run_client(
        "waldur_hooks_web.py",
        &[&app.address, &app.token, &receiver.url],
    )
    .await
    else {
        return;
    };
    let uuid = output.trim();

    // The hook is an ordinary subscription: the native API sees it, and events reach it in
    // Waldur's payload format.
    let dashed = uuid::Uuid::parse_str(uuid).unwrap().to_string();
    let native = app
        .get_json(&format!("/api/v1/projects/default/subscriptions/{dashed}"))
        .await;
    assert_eq!(native["payload_format"], "waldur");
    assert_eq!(native["author"]["username"], "admin");
    let ingested = app
        .ingest(json!({
            "type": "customer_update_succeeded",
            "message": "Customer ABC LLC has been updated.",
            "data": {"customer_name": "ABC LLC"},
        }))
        .await;
    assert_eq!(ingested["matched"], 1);
    app.settled(&ingested, "succeeded").await;
    let body: Value = serde_json::from_slice(&receiver.received().last().unwrap().body).unwrap();
    assert_eq!(body["type"], "customer_update_succeeded");
    assert_eq!(body["message"], "Customer ABC LLC has been updated.");
    assert_eq!(body["context"]["customer_name"], "ABC LLC");
    assert_eq!(body["levelname"], "INFO");
    let published = app
        .get_json("/api/hooks-web/?last_published=2020-01-01T00:00:00Z")
        .await;
    let published = uuid::Uuid::parse_str(published[0]["uuid"].as_str().unwrap()).unwrap();
    assert_eq!(published.to_string(), dashed);
}

#[tokio::test]
async fn waldur_paths_take_dashed_uuids_and_answer_head_with_the_count() {
    let app = spawn_app().await;
    let created = create_hook(&app, json!({"event_groups": ["customers"]})).await;
    let simple = created["uuid"].as_str().unwrap();
    assert_eq!(simple.len(), 32, "Waldur shows uuids without dashes");
    let dashed = uuid::Uuid::parse_str(simple).unwrap().to_string();
    let by_dashed = app.get_json(&format!("/api/hooks-web/{dashed}/")).await;
    assert_eq!(by_dashed["uuid"], simple);

    let head = app
        .client
        .head(app.url("/api/hooks-web/"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["x-result-count"], "1");
}

#[tokio::test]
async fn page_links_keep_the_lists_filters() {
    let app = spawn_app().await;
    for _ in 0..3 {
        create_hook(&app, json!({"event_groups": ["customers"]})).await;
    }
    let inactive = create_hook(&app, json!({"event_groups": ["customers"]})).await;
    let path = format!("/api/hooks-web/{}/", inactive["uuid"].as_str().unwrap());
    let patched = app
        .client
        .patch(app.url(&path))
        .json(&json!({"is_active": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);

    let first = app
        .client
        .get(app.url("/api/hooks-web/?is_active=true&page_size=2"))
        .send()
        .await
        .unwrap();
    assert_eq!(first.headers()["x-result-count"], "3");
    let links = first.headers()["link"].to_str().unwrap().to_owned();
    let next = links
        .split(", ")
        .find(|link| link.ends_with("rel=\"next\""))
        .expect("a next page");
    assert!(
        next.contains("is_active=true&page=2&page_size=2"),
        "{links}"
    );
    let url = next.trim_start_matches('<').split('>').next().unwrap();
    let second: Vec<Value> = app
        .client
        .get(url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(second.len(), 1, "the filter still applies on page 2");
    assert!(second.iter().all(|hook| hook["is_active"] == true));
}

/// Creates a hook to `https://example.com/w` for `events` (types or groups); returns its JSON.
async fn create_hook(app: &TestApp, events: Value) -> Value {
    let mut body = json!({"destination_url": "https://example.com/w"});
    body.as_object_mut()
        .unwrap()
        .extend(events.as_object().unwrap().clone());
    let response = app.post_json("/api/hooks-web/", body).await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

/// Asserts Django REST framework's answer to invalid input: 400 with these fields, each with a
/// list of messages.
async fn expect_field_errors(response: reqwest::Response, fields: &[&str]) {
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    let object = body.as_object().expect("an object");
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, fields, "{body}");
    for messages in object.values() {
        assert!(
            messages.as_array().is_some_and(|m| m[0].is_string()),
            "{body}"
        );
    }
}

#[tokio::test]
async fn waldur_refuses_bad_parameters_and_bodies_as_django_rest_framework_does() {
    let app = spawn_app().await;
    let get = |path: &str| app.client.get(app.url(path)).send();
    let bad_filters = get("/api/hooks-web/?content_type=7&author_uuid=x&last_published=soon");
    expect_field_errors(
        bad_filters.await.unwrap(),
        &["author_uuid", "content_type", "last_published"],
    )
    .await;
    // Booleans ignore what they do not understand; bad page sizes fall back to the default.
    let lenient = app
        .get_json("/api/hooks-web/?is_active=maybe&page_size=lots")
        .await;
    assert_eq!(lenient, json!([]));

    let created = create_hook(&app, json!({"event_types": ["customer_update_succeeded"]})).await;
    let path = format!("/api/hooks-web/{}/", created["uuid"].as_str().unwrap());
    // PUT replaces the hook, so it needs a destination; PATCH does not.
    let put = app
        .client
        .put(app.url(&path))
        .json(&json!({"is_active": false}));
    expect_field_errors(put.send().await.unwrap(), &["destination_url"]).await;
    let patch = app
        .client
        .patch(app.url(&path))
        .json(&json!({"is_active": false}));
    assert_eq!(patch.send().await.unwrap().status(), 200);
    let patch = app
        .client
        .patch(app.url(&path))
        .json(&json!({"event_types": "all"}));
    expect_field_errors(patch.send().await.unwrap(), &["event_types"]).await;
    let array = app.client.patch(app.url(&path)).json(&json!(["is_active"]));
    expect_field_errors(array.send().await.unwrap(), &["non_field_errors"]).await;

    let unauthenticated = reqwest::Client::new()
        .get(app.url("/api/hooks-web/"))
        .send();
    let response = unauthenticated.await.unwrap();
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["detail"].is_string() && body.as_object().unwrap().len() == 1,
        "{body}"
    );
}
