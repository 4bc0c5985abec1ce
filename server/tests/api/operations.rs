//! Hookhub's own reports (operational events) and retention.

use std::time::Duration;

use serde_json::{json, Value};

use crate::{
    delivery::{subscribe, EVENTS},
    helpers::{spawn_app, spawn_app_with, test_settings},
    receiver::Receiver,
};

#[tokio::test]
async fn exhausted_and_recovered_deliveries_are_reported_as_events_to_subscribers() {
    let app = spawn_app().await;
    let failing = Receiver::start().await;
    let operator = Receiver::start().await;
    subscribe(
        &app,
        &failing,
        json!({"retry": false, "event_types": ["order.*"]}),
    )
    .await;
    subscribe(&app, &operator, json!({"event_groups": ["hookhub"]})).await;
    failing.answer(500, &[]);

    let ingested = app.ingest(json!({"type": "order.paid"})).await;
    app.settled(&ingested, "failed").await;

    let reports = app
        .wait_for(&format!("{EVENTS}?type=delivery.exhausted"), |page| {
            page["data"].as_array().is_some_and(|d| !d.is_empty())
        })
        .await;
    let report = &reports["data"][0];
    assert_eq!(report["group"], "hookhub");
    assert_eq!(report["data"]["event_id"], ingested["event"]["id"]);
    assert_eq!(report["data"]["last_status_code"], 500);
    app.settled_event(report["id"].as_str().unwrap(), "succeeded")
        .await;
    let body: Value = serde_json::from_slice(&operator.received()[0].body).unwrap();
    assert_eq!(body["type"], "delivery.exhausted");
}

#[tokio::test]
async fn the_event_list_filters_types_by_prefix_and_can_leave_out_hookhubs_own() {
    // Arrange: two order events that fail for good (each reported as delivery.exhausted), and
    // one of another type.
    let app = spawn_app().await;
    let failing = Receiver::start().await;
    subscribe(&app, &failing, json!({"retry": false})).await;
    for event_type in ["order.paid", "order.shipped", "orderly.x"] {
        failing.answer(500, &[]);
        let ingested = app.ingest(json!({"type": event_type})).await;
        app.settled(&ingested, "failed").await;
    }
    app.wait_for(&format!("{EVENTS}?type=delivery.exhausted"), |page| {
        page["data"].as_array().is_some_and(|d| d.len() == 3)
    })
    .await;
    let types = |page: Value| -> Vec<String> {
        let mut types: Vec<String> = page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["type"].as_str().unwrap().to_owned())
            .collect();
        types.sort();
        types
    };

    // Act and assert: `order.*` is a prefix, `*` everything, and Hookhub's reports can go.
    let orders = app.get_json(&format!("{EVENTS}?type=order.*")).await;
    assert_eq!(types(orders), ["order.paid", "order.shipped"]);
    let everything = app.get_json(&format!("{EVENTS}?type=*")).await;
    assert_eq!(everything["data"].as_array().unwrap().len(), 6);
    let own_hidden = app
        .get_json(&format!("{EVENTS}?hide_operational=true"))
        .await;
    assert_eq!(
        types(own_hidden),
        ["order.paid", "order.shipped", "orderly.x"]
    );
    let reports = app
        .get_json(&format!("{EVENTS}?type=delivery.*&hide_operational=false"))
        .await;
    assert_eq!(reports["data"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn a_delivery_that_succeeds_after_failing_is_reported_recovered() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    subscribe(&app, &receiver, json!({"event_types": ["t"]})).await;
    receiver.answer(500, &[]);

    app.post_json(EVENTS, json!({"type": "t"})).await;

    let reports = app
        .wait_for(&format!("{EVENTS}?type=delivery.recovered"), |page| {
            page["data"].as_array().is_some_and(|d| !d.is_empty())
        })
        .await;
    assert_eq!(reports["data"][0]["data"]["attempts"], 2);
}

#[tokio::test]
async fn a_subscription_marked_failed_is_reported() {
    let mut settings = test_settings();
    settings.failure_window = Duration::ZERO;
    let app = spawn_app_with(settings).await;
    let receiver = Receiver::start().await;
    subscribe(&app, &receiver, json!({"retry": false})).await;
    receiver.answer(500, &[]);

    app.post_json(EVENTS, json!({"type": "t"})).await;

    let reports = app
        .wait_for(&format!("{EVENTS}?type=subscription.disabled"), |page| {
            page["data"].as_array().is_some_and(|d| !d.is_empty())
        })
        .await;
    assert_eq!(reports["data"][0]["level"], "critical");
}

#[tokio::test]
async fn pruning_removes_old_records_but_never_queued_work() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let subscription = subscribe(&app, &receiver, json!({"event_types": ["done"]})).await;
    let done = app.ingest(json!({"type": "done"})).await;
    let done_id = done["event"]["id"].as_str().unwrap();
    app.settled_event(done_id, "succeeded").await;
    // A delivery still waiting: its subscription is disabled after the event was queued.
    app.client
        .patch(app.url(&format!(
            "/api/v1/projects/default/subscriptions/{}",
            subscription["id"].as_str().unwrap()
        )))
        .json(&json!({"event_types": ["later"]}))
        .send()
        .await
        .unwrap();
    let waiting = app
        .create_subscription(
            json!({"name": "waiting", "url": "http://127.0.0.1:9/", "retry": true}),
        )
        .await;
    let queued = app.ingest(json!({"type": "queued"})).await;
    let queued_id = queued["event"]["id"].as_str().unwrap();
    app.settled_event(queued_id, "pending").await;

    let pruned = app.engine.prune(Duration::ZERO).await.unwrap();

    assert!(pruned.events >= 1 && pruned.attempts >= 1, "{pruned:?}");
    let events = app.get_json(EVENTS).await;
    let ids: Vec<_> = events["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(!ids.contains(&done_id.to_owned()));
    assert!(
        ids.contains(&queued_id.to_owned()),
        "an event with queued work was pruned"
    );
    assert!(waiting["id"].is_string());
}
