//! Per-subscription limits: deliveries in flight and deliveries per second.

use std::time::Duration;

use engine::{Engine, WorkerConfig};
use serde_json::{json, Value};

use crate::{
    delivery::{subscribe, EVENTS},
    helpers::{spawn_app_with, test_settings, TestApp},
    receiver::Receiver,
};

async fn ingest_batch(app: &TestApp, count: usize) -> Vec<String> {
    let events: Vec<Value> = (0..count).map(|_| json!({"type": "t"})).collect();
    let results: Value = app
        .post_json(&format!("{EVENTS}/batch"), json!({"events": events}))
        .await
        .json()
        .await
        .unwrap();
    results
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["event"]["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn deliveries_to_one_subscription_are_bounded_in_flight() {
    let mut settings = test_settings();
    settings.per_subscription_concurrency = 1;
    let app = spawn_app_with(settings).await;
    let receiver = Receiver::start_slow(Duration::from_millis(30)).await;
    subscribe(&app, &receiver, json!({})).await;

    for id in ingest_batch(&app, 6).await {
        let page = app.settled_event(&id, "succeeded").await;
        assert_eq!(
            page["data"][0]["attempts"], 1,
            "being held back is not an attempt"
        );
    }

    assert_eq!(receiver.received().len(), 6);
    assert_eq!(receiver.max_in_flight(), 1);
}

#[tokio::test]
async fn a_rate_limit_spreads_deliveries_out() {
    let app = spawn_app_with(test_settings()).await;
    let receiver = Receiver::start().await;
    subscribe(&app, &receiver, json!({"rate_limit": 2})).await;

    for id in ingest_batch(&app, 5).await {
        let page = app.settled_event(&id, "succeeded").await;
        assert_eq!(
            page["data"][0]["attempts"], 1,
            "being held back is not an attempt"
        );
    }

    // A burst of 2, then 2 per second: the last of 5 cannot arrive before 1.5 s after the first.
    // This is the throttle's lower bound, which holds however slow the machine is.
    let received = receiver.received();
    let span = received.last().unwrap().at - received.first().unwrap().at;
    assert!(
        span >= Duration::from_millis(1400),
        "5 deliveries at 2/s took only {span:?}"
    );
}

#[tokio::test]
async fn a_rate_limit_holds_across_instances() {
    // Two workers with engines of their own (as two instances would be) on one database.
    let app = spawn_app_with(test_settings()).await;
    let other = Engine::open(&app.database.url, test_settings())
        .await
        .unwrap();
    let worker = WorkerConfig {
        idle_poll: Duration::from_millis(20),
        ..WorkerConfig::default()
    };
    let shutdown = app.shutdown.clone();
    tokio::spawn(async move { other.run_worker(worker, shutdown).await });
    let receiver = Receiver::start().await;
    subscribe(&app, &receiver, json!({"rate_limit": 2})).await;

    for id in ingest_batch(&app, 5).await {
        app.settled_event(&id, "succeeded").await;
    }

    // One bucket for both: a burst of 2, then 2 per second, however the work was shared.
    // Separate buckets would let 4 go at once and the fifth a quarter-second later.
    let received = receiver.received();
    let span = received.last().unwrap().at - received.first().unwrap().at;
    assert!(
        span >= Duration::from_millis(1400),
        "5 deliveries at 2/s took only {span:?}"
    );
}
