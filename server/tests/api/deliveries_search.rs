//! Finding deliveries (what each is about, filters, search) and retrying many at once, through
//! `GET …/deliveries` and `POST …/deliveries/retry`.

use std::{collections::HashSet, time::Duration};

use serde_json::{json, Value};

use crate::{
    delivery::{subscribe, EVENTS},
    helpers::{client_with_token, expect_error, spawn_app, TestApp},
    receiver::Receiver,
};

const DELIVERIES: &str = "/api/v1/projects/default/deliveries";
const RETRY: &str = "/api/v1/projects/default/deliveries/retry";

/// The deliveries a query lists (one page of up to 250), as (event type, subscription name).
async fn listed(app: &TestApp, query: &str) -> Vec<(String, String)> {
    let page = app
        .get_json(&format!("{DELIVERIES}?limit=250&{query}"))
        .await;
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["event_type"].as_str().unwrap().to_owned(),
                d["subscription_name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Ingests events in one batch; returns their ids in order.
async fn ingest_batch(app: &TestApp, events: Vec<Value>) -> Vec<String> {
    let response = app
        .post_json(&format!("{EVENTS}/batch"), json!({ "events": events }))
        .await;
    assert_eq!(response.status(), 201);
    let results: Value = response.json().await.unwrap();
    results
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["event"]["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Waits until `count` deliveries have `status`; returns their ids.
async fn wait_for_status(app: &TestApp, status: &str, count: usize) -> Vec<String> {
    let page = app
        .wait_for(&format!("{DELIVERIES}?status={status}&limit=250"), |page| {
            page["data"].as_array().unwrap().len() == count
        })
        .await;
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_delivery_says_its_event_type_and_subscription_name() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    app.create_subscription(json!({"name": "orders-hook", "url": receiver.url}))
        .await;
    let ingested = app.ingest(json!({"type": "order.paid"})).await;

    let page = app.settled(&ingested, "succeeded").await;
    let delivery = &page["data"][0];
    assert_eq!(delivery["event_type"], "order.paid");
    assert_eq!(delivery["subscription_name"], "orders-hook");
    let read = app
        .get_json(&format!(
            "{DELIVERIES}/{}",
            delivery["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(read["event_type"], "order.paid");
    assert_eq!(read["subscription_name"], "orders-hook");
}

#[tokio::test]
async fn each_filter_narrows_the_list() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let all = app
        .create_subscription(json!({"name": "all", "url": receiver.url}))
        .await;
    // Nothing listens on port 9: every delivery there fails, once.
    app.create_subscription(
        json!({"name": "broken", "url": "http://127.0.0.1:9/", "retry": false}),
    )
    .await;
    ingest_batch(
        &app,
        vec![
            json!({"type": "order.paid"}),
            json!({"type": "order.refunded"}),
            json!({"type": "user.created"}),
        ],
    )
    .await;
    wait_for_status(&app, "succeeded", 3).await;
    wait_for_status(&app, "failed", 3).await;

    let to_all = listed(
        &app,
        &format!("subscription_id={}", all["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(to_all.len(), 3);
    assert!(to_all.iter().all(|(_, name)| name == "all"));

    let paid = listed(&app, "event_type=order.paid").await;
    assert_eq!(paid.len(), 2);
    assert!(paid.iter().all(|(t, _)| t == "order.paid"));

    let orders: HashSet<_> = listed(&app, "event_type=order.*")
        .await
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert_eq!(
        orders,
        HashSet::from(["order.paid".into(), "order.refunded".into()])
    );
    assert_eq!(listed(&app, "event_type=*").await.len(), 6);

    let failed = listed(&app, "status=failed").await;
    assert_eq!(failed.len(), 3);
    assert!(failed.iter().all(|(_, name)| name == "broken"));

    let later = chrono::Utc::now() + chrono::Duration::hours(1);
    let earlier = chrono::Utc::now() - chrono::Duration::hours(1);
    let since_later = format!("since={}", urlencode(&later.to_rfc3339()));
    assert!(listed(&app, &since_later).await.is_empty());
    let until_earlier = format!("until={}", urlencode(&earlier.to_rfc3339()));
    assert!(listed(&app, &until_earlier).await.is_empty());
    let window = format!(
        "since={}&until={}&status=failed&event_type=user.created",
        earlier.format("%Y-%m-%dT%H:%M"),
        urlencode(&later.to_rfc3339())
    );
    assert_eq!(
        listed(&app, &window).await,
        [("user.created".to_owned(), "broken".to_owned())]
    );
    // Blank values are no filter, as a GET form sends them.
    let blank = "subscription_id=&event_type=&status=&since=&until=&q=";
    assert_eq!(listed(&app, blank).await.len(), 6);
}

fn urlencode(text: &str) -> String {
    text.replace('+', "%2B").replace(':', "%3A")
}

#[tokio::test]
async fn search_finds_by_event_id_idempotency_key_or_payload_text() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    subscribe(&app, &receiver, json!({})).await;
    let ids = ingest_batch(
        &app,
        vec![
            json!({"type": "order.paid", "idempotency_key": "order-7781", "data": {"customer": "ACME_50%off"}}),
            json!({"type": "order.paid", "idempotency_key": "order-7782", "data": {"customer": "acme-50-off"}}),
            json!({"type": "user.created", "data": {"email": "ada@example.com"}}),
        ],
    )
    .await;
    wait_for_status(&app, "succeeded", 3).await;
    let search = |q: &str| {
        let path = format!("{DELIVERIES}?q={}", q.replace('%', "%25").replace(' ', "+"));
        let app = &app;
        async move {
            let page = app.get_json(&path).await;
            page["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["event_id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };

    assert_eq!(search("order-7782").await, [ids[1].clone()], "by key");
    assert_eq!(search(&ids[2]).await, [ids[2].clone()], "by event id");
    assert_eq!(
        search("ADA@example").await,
        [ids[2].clone()],
        "payload, any case"
    );
    // `_` and `%` match themselves, not any character.
    assert_eq!(search("acme_50%").await, [ids[0].clone()]);
    assert!(search("acme_50-").await.is_empty());
    assert_eq!(search("acme").await.len(), 2);
    assert!(search("order-778").await.is_empty(), "keys match whole");
    assert!(search("nothing like it").await.is_empty());
    // Search and filters together.
    let page = app
        .get_json(&format!("{DELIVERIES}?q=acme&event_type=user.*"))
        .await;
    assert!(page["data"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn unusable_filters_are_422s_naming_the_field() {
    let app = spawn_app().await;
    let long_search = format!("q={}", "x".repeat(257));
    let long_type = format!("event_type={}", "t".repeat(200));
    for (query, field) in [
        ("subscription_id=nope", "subscription_id"),
        ("event_id=nope", "event_id"),
        ("status=lost", "status"),
        ("since=yesterday", "since"),
        ("until=2026-13-45T00:00", "until"),
        (long_search.as_str(), "q"),
        (long_type.as_str(), "event_type"),
        ("limit=0", "limit"),
        ("limit=251", "limit"),
        ("cursor=not-a-cursor", "cursor"),
    ] {
        let response = app
            .client
            .get(app.url(&format!("{DELIVERIES}?{query}")))
            .send()
            .await
            .unwrap();
        let body = expect_error(response, 422, "validation_failed").await;
        assert!(body["fields"][field].is_string(), "{query}: {body}");
    }
    // The longest search allowed is fine.
    let response = app
        .client
        .get(app.url(&format!("{DELIVERIES}?q={}", "x".repeat(256))))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_hundred_failed_deliveries_are_retried_at_once() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    for _ in 0..100 {
        receiver.answer(500, &[]);
    }
    subscribe(&app, &receiver, json!({"retry": false})).await;
    let events = (0..100)
        .map(|i| json!({"type": "order.paid", "data": {"n": i}}))
        .collect();
    ingest_batch(&app, events).await;
    let failed = wait_for_status(&app, "failed", 100).await;

    let response = app.post_json(RETRY, json!({ "ids": failed })).await;

    assert_eq!(response.status(), 202);
    let result: Value = response.json().await.unwrap();
    assert_eq!(
        result,
        json!({"queued": 100, "skipped": [], "not_found": []})
    );
    wait_for_status(&app, "succeeded", 100).await;
    assert_eq!(receiver.received().len(), 200);
    let page = app.get_json(&format!("{DELIVERIES}?limit=250")).await;
    assert!(page["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["manual"] == true && d["attempts"] == 2));
    let audit = app.get_json("/api/v1/audit").await;
    let retried: Vec<&Value> = audit["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "deliveries.retried")
        .collect();
    assert_eq!(retried.len(), 1, "one audit entry for the whole retry");
    assert_eq!(retried[0]["detail"]["queued"], 100);
}

#[tokio::test]
async fn a_delivery_being_sent_is_skipped_and_unknown_ids_are_reported() {
    let app = spawn_app().await;
    let receiver = Receiver::start_slow(Duration::from_secs(3)).await;
    subscribe(&app, &receiver, json!({})).await;
    let ingested = app.ingest(json!({"type": "t"})).await;
    let sending = app.settled(&ingested, "sending").await;
    let id = sending["data"][0]["id"].as_str().unwrap().to_owned();
    let unknown = uuid::Uuid::new_v4().to_string();

    let response = app
        .post_json(RETRY, json!({"ids": [id, id, unknown]}))
        .await;

    assert_eq!(response.status(), 202);
    let result: Value = response.json().await.unwrap();
    assert_eq!(
        result,
        json!({"queued": 0, "skipped": [id], "not_found": [unknown]})
    );
}

#[tokio::test]
async fn bulk_retry_is_bounded_and_needs_the_write_role() {
    let app = spawn_app().await;
    let response = app.post_json(RETRY, json!({"ids": []})).await;
    let body = expect_error(response, 422, "validation_failed").await;
    assert!(body["fields"]["ids"].is_string(), "{body}");

    let too_many: Vec<String> = (0..1001)
        .map(|_| uuid::Uuid::new_v4().to_string())
        .collect();
    let response = app.post_json(RETRY, json!({ "ids": too_many })).await;
    expect_error(response, 422, "validation_failed").await;
    // Exactly the most is accepted (none of them exist).
    let response = app
        .post_json(RETRY, json!({ "ids": &too_many[..1000] }))
        .await;
    assert_eq!(response.status(), 202);
    let result: Value = response.json().await.unwrap();
    assert_eq!(result["not_found"].as_array().unwrap().len(), 1000);

    let response = app.post_json(RETRY, json!({"ids": ["not-an-id"]})).await;
    assert_eq!(response.status(), 422);
    let response = app.post_json(RETRY, json!({"ids": [], "all": true})).await;
    assert_eq!(response.status(), 422);

    let reader = client_with_token(&app.user_with_token("reader", None, "read").await);
    let response = reader
        .post(app.url(RETRY))
        .json(&json!({"ids": [uuid::Uuid::new_v4()]}))
        .send()
        .await
        .unwrap();
    expect_error(response, 403, "forbidden").await;
}

#[tokio::test]
async fn another_projects_deliveries_are_never_found_or_retried() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    receiver.answer(500, &[]);
    subscribe(&app, &receiver, json!({"retry": false})).await;
    let secret =
        json!({"type": "order.paid", "idempotency_key": "victim-key", "data": {"card": "4242"}});
    let ingested = app.ingest(secret).await;
    let event_id = ingested["event"]["id"].as_str().unwrap().to_owned();
    let page = app.settled(&ingested, "failed").await;
    let victim = page["data"][0]["id"].as_str().unwrap().to_owned();
    let response = app
        .post_json("/api/v1/projects", json!({"name": "team-b"}))
        .await;
    assert_eq!(response.status(), 201);
    let hostile = client_with_token(
        &app.user_with_token("mallory", Some("team-b"), "write")
            .await,
    );
    let theirs = "/api/v1/projects/team-b/deliveries";

    // Searching their own project for what they know of the victim's finds nothing.
    for q in [event_id.as_str(), "victim-key", "4242"] {
        let page: Value = hostile
            .get(app.url(&format!("{theirs}?q={q}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(page["data"], json!([]), "q={q}");
    }
    let filtered: Value = hostile
        .get(app.url(&format!("{theirs}?event_id={event_id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(filtered["data"], json!([]));

    // Retrying the victim's delivery through their own project touches nothing.
    let response = hostile
        .post(app.url(&format!("{theirs}/retry")))
        .json(&json!({"ids": [victim]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let result: Value = response.json().await.unwrap();
    assert_eq!(
        result,
        json!({"queued": 0, "skipped": [], "not_found": [victim]})
    );
    // Through the victim's project, the project is not theirs.
    let response = hostile
        .post(app.url(RETRY))
        .json(&json!({"ids": [victim]}))
        .send()
        .await
        .unwrap();
    expect_error(response, 404, "not_found").await;
    let response = hostile
        .get(app.url(&format!("{DELIVERIES}?q=victim-key")))
        .send()
        .await
        .unwrap();
    expect_error(response, 404, "not_found").await;

    let read = app.get_json(&format!("{DELIVERIES}/{victim}")).await;
    assert_eq!(read["status"], "failed");
    assert_eq!(read["manual"], false);
    assert_eq!(receiver.received().len(), 1);
}
