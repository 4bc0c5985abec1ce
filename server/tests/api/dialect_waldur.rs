//! The Waldur dialect, driven by Waldur's own Python client; deliveries in Waldur's payload.

use serde_json::{json, Value};

use crate::{
    helpers::{expect_error, run_client, spawn_app},
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
    let created: Value = app
        .post_json(
            "/api/hooks-web/",
            json!({"destination_url": "https://example.com/w"}),
        )
        .await
        .json()
        .await
        .unwrap();
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

    let bad = app
        .client
        .get(app.url("/api/hooks-web/?content_type=7"))
        .send()
        .await
        .unwrap();
    expect_error(bad, 400, "invalid_query").await;
}
