//! The overview and health figures, counted from real deliveries to a real receiver.

use serde_json::json;

use crate::{
    delivery::subscribe,
    helpers::{expect_error, spawn_app},
    receiver::Receiver,
};

const OVERVIEW: &str = "/api/v1/projects/default/overview";

#[tokio::test]
async fn the_overview_counts_attempts_and_names_the_subscriptions_needing_attention() {
    // Arrange: one healthy endpoint, one that answers 500, one subscription switched off.
    let app = spawn_app().await;
    let good = Receiver::start().await;
    let bad = Receiver::start().await;
    bad.answer(500, &[]);
    let healthy = subscribe(&app, &good, json!({"event_types": ["ok.*"]})).await;
    let failing = subscribe(
        &app,
        &bad,
        json!({"event_types": ["bad.*"], "retry": false}),
    )
    .await;
    let off = subscribe(
        &app,
        &good,
        json!({"enabled": false, "event_types": ["off.*"]}),
    )
    .await;

    // Act
    for event_type in ["ok.one", "ok.two"] {
        let ingested = app.ingest(json!({"type": event_type})).await;
        app.settled(&ingested, "succeeded").await;
    }
    let ingested = app.ingest(json!({"type": "bad.one"})).await;
    app.settled(&ingested, "failed").await;

    // Assert
    for (window, slices) in [("hour", 60), ("day", 96)] {
        let overview = app.get_json(&format!("{OVERVIEW}?window={window}")).await;
        let buckets = overview["buckets"].as_array().unwrap();
        assert_eq!(buckets.len(), slices, "{window}");
        let sum = |key: &str| {
            buckets
                .iter()
                .map(|b| b[key].as_u64().unwrap())
                .sum::<u64>()
        };
        assert_eq!((sum("succeeded"), sum("failed")), (2, 1), "{window}");
        let rate = overview["success_rate"].as_f64().unwrap();
        assert!((rate - 2.0 / 3.0).abs() < 1e-9, "{rate}");
        assert!(overview["latency_p50_ms"].is_u64());
        assert!(overview["latency_p95_ms"].as_u64() >= overview["latency_p50_ms"].as_u64());
        assert_eq!(overview["queue_depth"], 0);
        assert!(overview["oldest_pending_at"].is_null());
        let attention: Vec<_> = overview["attention"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| &s["name"])
            .collect();
        assert_eq!(
            attention,
            [&off["name"]],
            "only the disabled one needs attention"
        );
    }

    let health = |id: &serde_json::Value| {
        format!(
            "/api/v1/projects/default/subscriptions/{}/health",
            id.as_str().unwrap()
        )
    };
    let fine = app.get_json(&health(&healthy["id"])).await;
    assert_eq!(fine["last_status"], 200);
    assert_eq!(fine["success_rate"], 1.0);
    let hourly = fine["hourly"].as_array().unwrap();
    assert_eq!(hourly.len(), 24);
    assert_eq!(hourly[23], 1.0, "this hour is the last one");
    let broken = app.get_json(&health(&failing["id"])).await;
    assert_eq!(broken["last_status"], 500);
    assert_eq!(broken["last_error"], "http_status");
    assert_eq!(broken["success_rate"], 0.0);
    let idle = app.get_json(&health(&off["id"])).await;
    assert!(idle["last_status"].is_null() && idle["success_rate"].is_null());
}

#[tokio::test]
async fn the_queue_shows_on_the_overview_and_bad_windows_are_refused() {
    let app = crate::helpers::spawn_app_without_worker().await;
    let receiver = Receiver::start().await;
    subscribe(&app, &receiver, json!({})).await;
    app.ingest(json!({"type": "waiting"})).await;
    app.ingest(json!({"type": "waiting"})).await;

    let overview = app.get_json(OVERVIEW).await;
    assert_eq!(overview["queue_depth"], 2);
    assert!(overview["oldest_pending_at"].is_string());
    assert_eq!(overview["success_rate"], serde_json::Value::Null);

    let response = app
        .client
        .get(app.url(&format!("{OVERVIEW}?window=week")))
        .send()
        .await
        .unwrap();
    expect_error(response, 400, "invalid_query").await;
}
