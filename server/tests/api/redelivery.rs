//! Manual redelivery (retry now, replay, recover) and secret rotation.

use engine::signing;
use serde_json::{json, Value};

use crate::{
    delivery::{subscribe, EVENTS},
    helpers::spawn_app,
    receiver::Receiver,
};

#[tokio::test]
async fn a_failed_delivery_can_be_retried_now_once() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    subscribe(&app, &receiver, json!({"retry": false})).await;
    receiver.answer(500, &[]);
    let ingested = app.ingest(json!({"type": "t"})).await;
    let event_id = ingested["event"]["id"].as_str().unwrap();
    let page = app.settled_event(event_id, "failed").await;
    let delivery = page["data"][0]["id"].as_str().unwrap();

    let response = app
        .post_json(
            &format!("/api/v1/projects/default/deliveries/{delivery}/retry"),
            json!({}),
        )
        .await;

    assert_eq!(response.status(), 202);
    let page = app.settled_event(event_id, "succeeded").await;
    assert_eq!(page["data"][0]["attempts"], 2);
    assert_eq!(page["data"][0]["manual"], true);
    assert_eq!(receiver.received().len(), 2);
}

#[tokio::test]
async fn an_event_can_be_replayed_to_all_or_one_subscription() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let one = subscribe(&app, &receiver, json!({})).await;
    subscribe(&app, &receiver, json!({})).await;
    let ingested = app.ingest(json!({"type": "t"})).await;
    let event_id = ingested["event"]["id"].as_str().unwrap();
    app.settled_event(event_id, "succeeded").await;
    let replay = format!("{EVENTS}/{event_id}/replay");

    let all: Value = app
        .post_json(&replay, json!({}))
        .await
        .json()
        .await
        .unwrap();
    let single: Value = app
        .post_json(&replay, json!({"subscription_id": one["id"]}))
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(all["queued"], 2);
    assert_eq!(single["queued"], 1);
    let page = app.settled_event(event_id, "succeeded").await;
    assert_eq!(page["data"].as_array().unwrap().len(), 5);
    // Receivers see the same webhook-id each time, and can tell it is a repeat.
    let ids: Vec<_> = receiver
        .received()
        .iter()
        .map(|r| r.headers["webhook-id"].clone())
        .collect();
    assert_eq!(ids.len(), 5);
    assert!(ids.iter().all(|id| id == event_id));
}

#[tokio::test]
async fn a_subscriptions_failed_deliveries_can_be_recovered() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let subscription = subscribe(&app, &receiver, json!({"retry": false})).await;
    let since = chrono::Utc::now();
    receiver.answer(500, &[]);
    receiver.answer(500, &[]);
    let batch: Value = app
        .post_json(
            &format!("{EVENTS}/batch"),
            json!({"events": [{"type": "a"}, {"type": "b"}]}),
        )
        .await
        .json()
        .await
        .unwrap();
    for result in batch.as_array().unwrap() {
        app.settled(result, "failed").await;
    }

    let path = format!(
        "/api/v1/projects/default/subscriptions/{}/recover",
        subscription["id"].as_str().unwrap()
    );
    let response = app.post_json(&path, json!({"since": since})).await;

    assert_eq!(response.status(), 202);
    assert_eq!(response.json::<Value>().await.unwrap()["queued"], 2);
    for result in batch.as_array().unwrap() {
        app.settled(result, "succeeded").await;
    }
}

#[tokio::test]
async fn after_a_rotation_both_secrets_sign_during_the_overlap() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let subscription = subscribe(&app, &receiver, json!({})).await;
    let base = format!(
        "/api/v1/projects/default/subscriptions/{}",
        subscription["id"].as_str().unwrap()
    );
    let old = app.get_json(&format!("{base}/secret")).await["secret"]
        .as_str()
        .unwrap()
        .to_owned();

    let rotated: Value = app
        .post_json(
            &format!("{base}/secret/rotate"),
            json!({"overlap_seconds": 3600}),
        )
        .await
        .json()
        .await
        .unwrap();
    let new = rotated["secret"].as_str().unwrap();
    assert_ne!(new, old);
    assert_eq!(app.get_json(&format!("{base}/secret")).await["secret"], new);

    let ingested = app.ingest(json!({"type": "t"})).await;
    let event_id = ingested["event"]["id"].as_str().unwrap();
    app.settled_event(event_id, "succeeded").await;
    let request = &receiver.received()[0];
    let timestamp: i64 = request.headers["webhook-timestamp"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let header = request.headers["webhook-signature"].to_str().unwrap();
    let expected = format!(
        "{} {}",
        signing::sign(new, event_id, timestamp, &request.body),
        signing::sign(&old, event_id, timestamp, &request.body)
    );
    assert_eq!(header, expected);
}
