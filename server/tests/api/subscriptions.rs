//! The subscription routes of the native API, including every kind of bad input.

use serde_json::{json, Value};

use crate::helpers::{expect_error, spawn_app, TestApp};

#[tokio::test]
async fn create_then_read_list_update_and_delete() {
    // Arrange
    let app = spawn_app().await;

    // Act: create
    let response = app
        .client
        .post(app.subscriptions_url())
        .json(&json!({
            "name": "orders",
            "url": "https://example.com/hooks",
            "description": "to the CRM",
            "labels": {"env": "prod"}
        }))
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["name"], "orders");
    assert_eq!(created["timeout_seconds"], 10);
    assert_eq!(created["enabled"], true);
    assert_eq!(created["labels"], json!({"env": "prod"}));
    let id = created["id"].as_str().unwrap();
    assert!(location.ends_with(id));

    // read
    let read: Value = app
        .client
        .get(app.url(&location))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read, created);

    // list
    let list: Value = app
        .client
        .get(app.subscriptions_url())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["data"], json!([created]));
    assert_eq!(list["next_cursor"], Value::Null);

    // update: only the given fields change
    let response = app
        .client
        .patch(app.url(&location))
        .json(&json!({"enabled": false, "timeout_seconds": 30}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let updated: Value = response.json().await.unwrap();
    assert_eq!(updated["enabled"], false);
    assert_eq!(updated["timeout_seconds"], 30);
    assert_eq!(updated["name"], "orders");
    assert_eq!(updated["description"], "to the CRM");

    // delete, then it is gone
    let response = app.client.delete(app.url(&location)).send().await.unwrap();
    assert_eq!(response.status(), 204);
    let response = app.client.get(app.url(&location)).send().await.unwrap();
    expect_error(response, 404, "not_found").await;
    let response = app.client.delete(app.url(&location)).send().await.unwrap();
    expect_error(response, 404, "not_found").await;
}

#[tokio::test]
async fn invalid_fields_are_reported_together_with_422() {
    let app = spawn_app().await;

    let response = app
        .client
        .post(app.subscriptions_url())
        .json(&json!({"name": "", "url": "not a url", "timeout_seconds": 0}))
        .send()
        .await
        .unwrap();

    let body = expect_error(response, 422, "validation_failed").await;
    let fields = &body["fields"];
    assert!(fields["name"].is_string());
    assert!(fields["url"].is_string());
    assert!(fields["timeout_seconds"].is_string());
}

#[tokio::test]
async fn timeout_must_be_between_1_and_30() {
    let app = spawn_app().await;
    for timeout in [0, 31] {
        let response = app
            .client
            .post(app.subscriptions_url())
            .json(&json!({"name": "t", "url": "https://example.com", "timeout_seconds": timeout}))
            .send()
            .await
            .unwrap();
        let body = expect_error(response, 422, "validation_failed").await;
        assert!(body["fields"]["timeout_seconds"].is_string());
    }
    for timeout in [1, 30] {
        let created = app
            .create_subscription(json!({"name": format!("t{timeout}"), "url": "https://example.com", "timeout_seconds": timeout}))
            .await;
        assert_eq!(created["timeout_seconds"], timeout);
    }
}

#[tokio::test]
async fn an_update_that_breaks_a_rule_changes_nothing() {
    let app = spawn_app().await;
    let created = app
        .create_subscription(json!({"name": "a", "url": "https://example.com"}))
        .await;
    let location = format!(
        "{}/{}",
        app.subscriptions_url(),
        created["id"].as_str().unwrap()
    );

    let response = app
        .client
        .patch(&location)
        .json(&json!({"url": "ftp://example.com", "enabled": false}))
        .send()
        .await
        .unwrap();

    expect_error(response, 422, "validation_failed").await;
    let read: Value = app
        .client
        .get(&location)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read, created);
}

#[tokio::test]
async fn duplicate_names_conflict_on_create_and_rename() {
    let app = spawn_app().await;
    app.create_subscription(json!({"name": "a", "url": "https://example.com"}))
        .await;
    let b = app
        .create_subscription(json!({"name": "b", "url": "https://example.com"}))
        .await;

    let response = app
        .client
        .post(app.subscriptions_url())
        .json(&json!({"name": "a", "url": "https://example.org"}))
        .send()
        .await
        .unwrap();
    expect_error(response, 409, "conflict").await;

    let response = app
        .client
        .patch(format!(
            "{}/{}",
            app.subscriptions_url(),
            b["id"].as_str().unwrap()
        ))
        .json(&json!({"name": "a"}))
        .send()
        .await
        .unwrap();
    expect_error(response, 409, "conflict").await;
}

#[tokio::test]
async fn unknown_and_malformed_ids_are_404() {
    let app = spawn_app().await;
    let unknown = format!("{}/{}", app.subscriptions_url(), uuid::Uuid::now_v7());
    for url in [unknown, format!("{}/not-a-uuid", app.subscriptions_url())] {
        expect_error(app.client.get(&url).send().await.unwrap(), 404, "not_found").await;
        let response = app
            .client
            .patch(&url)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        expect_error(response, 404, "not_found").await;
        expect_error(
            app.client.delete(&url).send().await.unwrap(),
            404,
            "not_found",
        )
        .await;
    }
}

#[tokio::test]
async fn unknown_project_is_404() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/projects/nope/subscriptions"))
        .json(&json!({"name": "a", "url": "https://example.com"}))
        .send()
        .await
        .unwrap();
    expect_error(response, 404, "not_found").await;
    let response = app
        .client
        .get(app.url("/api/v1/projects/nope/subscriptions"))
        .send()
        .await
        .unwrap();
    expect_error(response, 404, "not_found").await;
}

#[tokio::test]
async fn malformed_bodies_are_4xx_with_a_json_error() {
    let app = spawn_app().await;
    let send = |body: &'static str, content_type: &'static str| {
        app.client
            .post(app.subscriptions_url())
            .header("content-type", content_type)
            .body(body)
            .send()
    };

    expect_error(
        send("{not json", "application/json").await.unwrap(),
        400,
        "malformed_json",
    )
    .await;
    let wrong_type = expect_error(
        send(
            r#"{"name": 5, "url": "https://example.com"}"#,
            "application/json",
        )
        .await
        .unwrap(),
        422,
        "validation_failed",
    )
    .await;
    assert!(wrong_type["fields"]["name"].is_string(), "{wrong_type}");
    expect_error(
        send("{}", "text/plain").await.unwrap(),
        415,
        "unsupported_media_type",
    )
    .await;
}

#[tokio::test]
async fn bodies_over_the_limit_get_413() {
    let app = spawn_app().await;
    let description = "x".repeat(server::config::DEFAULT_MAX_BODY_BYTES + 1);

    let response = app
        .client
        .post(app.subscriptions_url())
        .json(&json!({"name": "big", "url": "https://example.com", "description": description}))
        .send()
        .await
        .unwrap();

    expect_error(response, 413, "payload_too_large").await;
}

#[tokio::test]
async fn lists_page_with_a_cursor_and_bounded_limit() {
    let app = spawn_app().await;
    for name in ["a", "b", "c"] {
        app.create_subscription(json!({"name": name, "url": "https://example.com"}))
            .await;
    }

    let first: Value = app
        .client
        .get(format!("{}?limit=2", app.subscriptions_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<_> = first["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].clone())
        .collect();
    assert_eq!(names, [json!("a"), json!("b")]);
    let cursor = first["next_cursor"].as_str().expect("a next page");

    let second: Value = app
        .client
        .get(format!(
            "{}?limit=2&cursor={cursor}",
            app.subscriptions_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(second["data"].as_array().unwrap().len(), 1);
    assert_eq!(second["data"][0]["name"], "c");
    assert_eq!(second["next_cursor"], Value::Null);

    for bad in ["limit=0", "limit=251", "cursor=garbage"] {
        let response = app
            .client
            .get(format!("{}?{bad}", app.subscriptions_url()))
            .send()
            .await
            .unwrap();
        expect_error(response, 422, "validation_failed").await;
    }
    let response = app
        .client
        .get(format!("{}?limit=many", app.subscriptions_url()))
        .send()
        .await
        .unwrap();
    expect_error(response, 400, "invalid_query").await;
}

#[tokio::test]
async fn unknown_api_routes_are_json_404() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/api/v1/nothing-here"))
        .send()
        .await
        .unwrap();
    expect_error(response, 404, "not_found").await;
}

/// The names a filtered list query returns, following its cursor to the end two at a time.
async fn names_matching(app: &TestApp, query: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut cursor = String::new();
    loop {
        let path = format!("/api/v1/projects/default/subscriptions?limit=2&{query}{cursor}");
        let page = app.get_json(&path).await;
        for subscription in page["data"].as_array().unwrap() {
            names.push(subscription["name"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return names,
        }
    }
}

#[tokio::test]
async fn lists_filter_by_name_text_label_event_type_and_state() {
    let app = spawn_app().await;
    let specs = [
        json!({"name": "orders-prod", "url": "https://example.com/orders", "labels": {"env": "prod", "team": "shop"}, "event_types": ["order.*"]}),
        json!({"name": "orders-dev", "url": "https://example.com/orders", "labels": {"env": "dev"}, "event_types": ["order.created"]}),
        json!({"name": "billing", "url": "https://billing.example.com", "labels": {"env": "prod"}, "event_types": ["invoice.paid"], "enabled": false}),
        json!({"name": "firehose", "url": "https://example.com/all", "description": "Everything for the ORDERS audit"}),
        json!({"name": "zeta", "url": "https://example.com/z", "event_types": ["user.created"]}),
    ];
    for spec in specs {
        app.create_subscription(spec).await;
    }

    let cases = [
        ("name=billing", vec!["billing"]),
        (
            "query=orders",
            vec!["orders-prod", "orders-dev", "firehose"],
        ),
        ("label=env:prod", vec!["orders-prod", "billing"]),
        ("label=env:prod,team:shop", vec!["orders-prod"]),
        ("event_type=order.refunded", vec!["orders-prod", "firehose"]),
        ("enabled=false", vec!["billing"]),
        (
            "enabled=true&failed=false&event_type=user.created",
            vec!["firehose", "zeta"],
        ),
        ("channel=log", vec![]),
    ];
    for (query, expected) in cases {
        assert_eq!(names_matching(&app, query).await, expected, "{query}");
    }
    let bad = app
        .client
        .get(app.url("/api/v1/projects/default/subscriptions?label=novalue"))
        .send()
        .await
        .unwrap();
    let body = expect_error(bad, 422, "validation_failed").await;
    assert!(body["fields"]["label"].is_string());
}
