//! The event catalogue through the native API: declaring types (and every rule a type must
//! pass), who may see and change them, and what ingest does with them — strict projects refuse
//! what the catalogue does not accept, the others accept it flagged.

use std::time::Duration;

use engine::{event::EventIn, Engine};
use serde_json::{json, Value};
use tokio::net::TcpListener;

use crate::helpers::{client_with_token, expect_error, spawn_app, test_settings, TestApp, ADMIN};

const TYPES: &str = "/api/v1/projects/default/event-types";
const EVENTS: &str = "/api/v1/projects/default/events";

fn order_paid() -> Value {
    json!({
        "name": "order.paid",
        "description": "An order was paid",
        "group": "orders",
        "schema": {
            "type": "object",
            "required": ["amount"],
            "properties": {"amount": {"type": "integer", "minimum": 0}, "currency": {"type": "string"}}
        },
        "example": {"amount": 5, "currency": "EUR"}
    })
}

impl TestApp {
    async fn declare(&self, body: Value) -> Value {
        let response = self.post_json(TYPES, body.clone()).await;
        assert_eq!(response.status(), 201, "declaring {body}");
        response.json().await.unwrap()
    }

    async fn patch_json(&self, path: &str, body: Value) -> reqwest::Response {
        self.client
            .patch(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    async fn set_strict(&self, strict: bool) {
        let response = self
            .patch_json("/api/v1/projects/default", json!({"strict": strict}))
            .await;
        assert_eq!(response.status(), 200);
        let project: Value = response.json().await.unwrap();
        assert_eq!(project["strict"], strict);
    }

    async fn stored_events(&self) -> usize {
        self.get_json(EVENTS).await["data"]
            .as_array()
            .unwrap()
            .len()
    }
}

/// The fields of a 422 answer, after checking that it is one.
async fn refused(response: reqwest::Response) -> Value {
    expect_error(response, 422, "validation_failed").await["fields"].clone()
}

#[tokio::test]
async fn types_are_declared_read_listed_changed_and_deleted() {
    let app = spawn_app().await;

    let response = app.post_json(TYPES, order_paid()).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, format!("{TYPES}/order.paid"));
    let created: Value = response.json().await.unwrap();
    for field in ["name", "description", "group", "schema", "example"] {
        assert_eq!(created[field], order_paid()[field], "{field}");
    }
    assert_eq!(created["deprecated"], false);
    assert!(created["created_at"].is_string());

    assert_eq!(app.get_json(&location).await, created);
    app.declare(json!({"name": "order.created"})).await;
    let list = app.get_json(TYPES).await;
    let names: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["order.created", "order.paid"]);
    let first = app.get_json(&format!("{TYPES}?limit=1")).await;
    assert_eq!(first["data"][0]["name"], "order.created");
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app
        .get_json(&format!("{TYPES}?limit=1&cursor={cursor}"))
        .await;
    assert_eq!(second["data"][0]["name"], "order.paid");

    // A merge patch: what is named changes, `null` resets, the rest stays.
    let response = app
        .patch_json(&location, json!({"deprecated": true, "group": null}))
        .await;
    assert_eq!(response.status(), 200);
    let updated: Value = response.json().await.unwrap();
    assert_eq!(updated["deprecated"], true);
    assert_eq!(updated["group"], Value::Null);
    assert_eq!(updated["schema"], created["schema"]);
    assert_eq!(updated["description"], "An order was paid");

    // A second declaration of the name conflicts; unknown fields are refused.
    expect_error(app.post_json(TYPES, order_paid()).await, 409, "conflict").await;
    let fields = refused(
        app.post_json(TYPES, json!({"name": "x", "colour": 1}))
            .await,
    )
    .await;
    assert!(fields.get("colour").is_some(), "{fields}");
    let fields = refused(app.patch_json(&location, json!({"name": "renamed"})).await).await;
    assert!(
        fields.get("name").is_some(),
        "the name is the key: {fields}"
    );

    let response = app.client.delete(app.url(&location)).send().await.unwrap();
    assert_eq!(response.status(), 204);
    let gone = app.client.get(app.url(&location)).send().await.unwrap();
    expect_error(gone, 404, "not_found").await;
    let again = app.client.delete(app.url(&location)).send().await.unwrap();
    expect_error(again, 404, "not_found").await;
    let missing = app
        .patch_json(&location, json!({"deprecated": false}))
        .await;
    expect_error(missing, 404, "not_found").await;
}

#[tokio::test]
async fn every_rule_of_a_type_is_enforced_with_its_field_named() {
    let app = spawn_app().await;
    let cases = [
        (json!({"name": ""}), "name"),
        (json!({"name": "order.*"}), "name"),
        (json!({"name": "*"}), "name"),
        (json!({"name": "a b"}), "name"),
        (json!({"name": "t".repeat(129)}), "name"),
        (
            json!({"name": "t", "description": "d".repeat(1001)}),
            "description",
        ),
        (json!({"name": "t", "group": "not a group"}), "group"),
        (
            json!({"name": "t", "description": "nul\u{0}"}),
            "description",
        ),
        (
            json!({"name": "t", "schema": {"type": "nonsense"}}),
            "schema",
        ),
        (json!({"name": "t", "schema": 5}), "schema"),
        (
            json!({"name": "t", "schema": {"$schema": "http://json-schema.org/draft-04/schema#"}}),
            "schema",
        ),
        (
            json!({"name": "t", "schema": {"description": "x".repeat(70_000)}}),
            "schema",
        ),
        (
            json!({"name": "t", "example": "x".repeat(70_000)}),
            "example",
        ),
        (
            json!({"name": "t", "schema": {"type": "string", "pattern": "(a)\\1"}}),
            "schema",
        ),
        (
            json!({"name": "t", "schema": {"type": "object", "properties": {"n": {"type": "integer"}}}, "example": {"n": "five"}}),
            "example.n",
        ),
    ];
    for (body, field) in cases {
        let fields = refused(app.post_json(TYPES, body.clone()).await).await;
        assert!(
            fields.get(field).is_some(),
            "{field} not named for {}: {fields}",
            &body.to_string()[..body.to_string().len().min(120)]
        );
    }
    // The longest name is fine, and nothing refused was stored.
    app.declare(json!({"name": "t".repeat(128)})).await;
    assert_eq!(
        app.get_json(TYPES).await["data"].as_array().unwrap().len(),
        1
    );

    // A change is checked as a whole: the stored example must pass a new schema.
    app.declare(order_paid()).await;
    let fields = refused(
        app.patch_json(
            &format!("{TYPES}/order.paid"),
            json!({"schema": {"type": "object", "properties": {"currency": {"const": "USD"}}}}),
        )
        .await,
    )
    .await;
    assert!(fields.get("example.currency").is_some(), "{fields}");
}

/// A listener stands where the schema's `$ref` points: the schema is refused, and nothing ever
/// connects to the listener.
#[tokio::test]
async fn a_schema_never_makes_the_server_fetch_anything() {
    let app = spawn_app().await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    for reference in [
        format!("http://{address}/schema.json"),
        format!("http://{address}/schema.json#/$defs/amount"),
        "file:///etc/passwd".to_owned(),
    ] {
        let schema = json!({"type": "object", "properties": {"amount": {"$ref": reference}}});
        let fields = refused(
            app.post_json(TYPES, json!({"name": "t", "schema": schema}))
                .await,
        )
        .await;
        assert!(fields.get("schema").is_some(), "{fields}");
    }
    let connected = tokio::time::timeout(Duration::from_millis(200), listener.accept()).await;
    assert!(
        connected.is_err(),
        "the server connected to the $ref target"
    );
    // References within the document work.
    let local = json!({"$defs": {"amount": {"type": "integer"}}, "properties": {"amount": {"$ref": "#/$defs/amount"}}});
    app.declare(json!({"name": "t", "schema": local, "example": {"amount": 1}}))
        .await;
}

/// `^(a+)+$` against `aaaa…!` takes exponential time on a backtracking engine; here it is an
/// ordinary mismatch (the answer is asserted, not the time it took).
#[tokio::test]
async fn patterns_cannot_backtrack_catastrophically() {
    let app = spawn_app().await;
    app.declare(json!({
        "name": "user.named",
        "schema": {"type": "object", "properties": {"name": {"type": "string", "pattern": "^(a+)+$"}}}
    }))
    .await;
    app.set_strict(true).await;
    let evil = format!("{}!", "a".repeat(100_000));
    let response = app
        .post_json(
            EVENTS,
            json!({"type": "user.named", "data": {"name": evil}}),
        )
        .await;
    let fields = refused(response).await;
    assert!(fields.get("data.name").is_some(), "{fields}");
    let response = app
        .post_json(
            EVENTS,
            json!({"type": "user.named", "data": {"name": "aaaa"}}),
        )
        .await;
    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn a_strict_project_refuses_what_its_catalogue_does_not_accept_and_stores_nothing() {
    let app = spawn_app().await;
    app.declare(order_paid()).await;
    app.declare(json!({"name": "ping"})).await;
    app.set_strict(true).await;

    // One event: each failing path is named.
    let response = app
        .post_json(
            EVENTS,
            json!({"type": "order.paid", "data": {"amount": -1, "currency": 3}}),
        )
        .await;
    let fields = refused(response).await;
    assert!(
        fields["data.amount"].as_str().unwrap().contains("minimum"),
        "{fields}"
    );
    assert!(fields.get("data.currency").is_some(), "{fields}");
    let fields = refused(app.post_json(EVENTS, json!({"type": "order.paid"})).await).await;
    assert!(
        fields["data"].as_str().unwrap().contains("amount"),
        "{fields}"
    );
    // An undeclared type.
    let fields = refused(app.post_json(EVENTS, json!({"type": "order.lost"})).await).await;
    assert!(fields.get("type").is_some(), "{fields}");

    // A batch: all or none, each failure named by the event's position.
    let batch = json!({"events": [
        {"type": "order.paid", "data": {"amount": 1}},
        {"type": "order.paid", "data": {"amount": "1"}},
        {"type": "nope"},
    ]});
    let fields = refused(app.post_json(&format!("{EVENTS}/batch"), batch).await).await;
    assert!(fields.get("events.1.data.amount").is_some(), "{fields}");
    assert!(fields.get("events.2.type").is_some(), "{fields}");
    assert!(fields.get("events.0.data.amount").is_none(), "{fields}");
    assert_eq!(
        app.stored_events().await,
        0,
        "a refused event is never stored"
    );

    // What the catalogue accepts goes in, unflagged; a type without a schema takes any data.
    let ok = app
        .ingest(json!({"type": "order.paid", "data": {"amount": 5}}))
        .await;
    assert_eq!(ok["event"]["schema_errors"], Value::Null);
    app.ingest(json!({"type": "ping", "data": {"anything": [1, 2]}}))
        .await;
    let batch =
        json!({"events": [{"type": "ping"}, {"type": "order.paid", "data": {"amount": 0}}]});
    let response = app.post_json(&format!("{EVENTS}/batch"), batch).await;
    assert_eq!(response.status(), 201);
    assert_eq!(app.stored_events().await, 4);
}

#[tokio::test]
async fn a_project_that_is_not_strict_accepts_events_and_flags_them() {
    let app = spawn_app().await;

    // No catalogue: nothing to flag.
    let plain = app
        .ingest(json!({"type": "anything", "data": {"x": 1}}))
        .await;
    assert_eq!(plain["event"]["schema_errors"], Value::Null);

    app.declare(order_paid()).await;
    let response = app
        .post_json(
            EVENTS,
            json!({"type": "order.paid", "data": {"amount": "5"}}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let flagged: Value = response.json().await.unwrap();
    let errors = &flagged["event"]["schema_errors"];
    assert!(errors["data.amount"].is_string(), "{flagged}");
    // Stored with the event: reading it back (one and in the list) shows them.
    let id = flagged["event"]["id"].as_str().unwrap();
    let read = app.get_json(&format!("{EVENTS}/{id}")).await;
    assert_eq!(&read["schema_errors"], errors);
    assert_eq!(
        &app.get_json(EVENTS).await["data"][0]["schema_errors"],
        errors
    );

    let unknown = app.ingest(json!({"type": "order.lost"})).await;
    assert!(
        unknown["event"]["schema_errors"]["type"].is_string(),
        "{unknown}"
    );
    let good = app
        .ingest(json!({"type": "order.paid", "data": {"amount": 5}}))
        .await;
    assert_eq!(good["event"]["schema_errors"], Value::Null);

    // In a batch each event carries its own, named from the event itself.
    let batch = json!({"events": [{"type": "order.paid", "data": {"amount": 1}}, {"type": "order.paid", "data": {}}]});
    let response = app.post_json(&format!("{EVENTS}/batch"), batch).await;
    assert_eq!(response.status(), 201);
    let results: Value = response.json().await.unwrap();
    assert_eq!(results[0]["event"]["schema_errors"], Value::Null);
    assert!(
        results[1]["event"]["schema_errors"]["data"].is_string(),
        "{results}"
    );
}

#[tokio::test]
async fn the_next_event_is_judged_by_the_catalogue_as_it_is_now() {
    let app = spawn_app().await;
    app.declare(order_paid()).await;
    app.set_strict(true).await;
    let text_amount = json!({"type": "order.paid", "data": {"amount": "5"}});
    refused(app.post_json(EVENTS, text_amount.clone()).await).await;

    // A new schema applies to the very next event.
    let response = app
        .patch_json(
            &format!("{TYPES}/order.paid"),
            json!({"schema": {"type": "object", "properties": {"amount": {"type": "string"}}}, "example": null}),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        app.post_json(EVENTS, text_amount.clone()).await.status(),
        201
    );
    let number = json!({"type": "order.paid", "data": {"amount": 5}});
    refused(app.post_json(EVENTS, number.clone()).await).await;

    // So does turning strict off, and deleting the type.
    app.set_strict(false).await;
    assert_eq!(app.post_json(EVENTS, number.clone()).await.status(), 201);
    app.set_strict(true).await;
    let response = app
        .client
        .delete(app.url(&format!("{TYPES}/order.paid")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let fields = refused(app.post_json(EVENTS, text_amount).await).await;
    assert!(fields.get("type").is_some(), "{fields}");
}

/// Another instance on the same database hears of the change (on PostgreSQL through its
/// announcements; on SQLite, where one process serves, within the caches' age limit).
#[tokio::test]
async fn other_instances_judge_by_the_changed_catalogue_too() {
    let app = spawn_app().await;
    app.declare(json!({"name": "order.paid"})).await;
    app.set_strict(true).await;
    let other = Engine::open(&app.database.url, test_settings())
        .await
        .unwrap();
    let caller = other.local_caller(ADMIN).await.unwrap();
    let event = || EventIn {
        event_type: "order.paid".into(),
        data: Some(json!({"amount": "5"})),
        ..EventIn::default()
    };
    other
        .ingest_event(&caller, "default", event())
        .await
        .expect("no schema yet: any data");

    let response = app
        .patch_json(
            &format!("{TYPES}/order.paid"),
            json!({"schema": {"properties": {"amount": {"type": "integer"}}}}),
        )
        .await;
    assert_eq!(response.status(), 200);
    for _ in 0..200 {
        if other
            .ingest_event(&caller, "default", event())
            .await
            .is_err()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the other instance never applied the new schema");
}

#[tokio::test]
async fn projects_keep_their_catalogues_to_themselves_and_read_tokens_cannot_write() {
    let app = spawn_app().await;
    app.declare(order_paid()).await;
    let response = app
        .post_json("/api/v1/projects", json!({"name": "other"}))
        .await;
    assert_eq!(response.status(), 201);
    let outsider = client_with_token(&app.user_with_token("eve", Some("other"), "write").await);

    // Another project's types are out of reach, as if the project did not exist.
    let path = format!("{TYPES}/order.paid");
    let response = outsider.get(app.url(&path)).send().await.unwrap();
    expect_error(response, 404, "not_found").await;
    let response = outsider
        .patch(app.url(&path))
        .json(&json!({"deprecated": true}))
        .send()
        .await
        .unwrap();
    expect_error(response, 404, "not_found").await;
    let response = outsider.delete(app.url(&path)).send().await.unwrap();
    expect_error(response, 404, "not_found").await;

    // Its own catalogue is its own: the same name, another schema, and strict there does not
    // touch the default project.
    let own = "/api/v1/projects/other/event-types";
    let response = outsider
        .post(app.url(own))
        .json(&json!({"name": "order.paid"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let list: Value = outsider
        .get(app.url(own))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    assert_eq!(list["data"][0]["schema"], Value::Null);
    assert_eq!(app.get_json(&path).await["schema"], order_paid()["schema"]);
    let response = app
        .patch_json("/api/v1/projects/other", json!({"strict": true}))
        .await;
    assert_eq!(response.status(), 200);
    let flagged = app
        .ingest(json!({"type": "order.paid", "data": {"amount": "5"}}))
        .await;
    assert!(flagged["event"]["schema_errors"]["data.amount"].is_string());

    // A read token reads the catalogue and changes nothing.
    let reader = client_with_token(&app.user_with_token("rita", Some("default"), "read").await);
    let response = reader.get(app.url(TYPES)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let response = reader
        .post(app.url(TYPES))
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    expect_error(response, 403, "forbidden").await;
    let response = reader
        .patch(app.url(&path))
        .json(&json!({"deprecated": true}))
        .send()
        .await
        .unwrap();
    expect_error(response, 403, "forbidden").await;
    let response = reader.delete(app.url(&path)).send().await.unwrap();
    expect_error(response, 403, "forbidden").await;
    // Nor may a write token make its project strict: that is the project's admins' call.
    let response = outsider
        .patch(app.url("/api/v1/projects/other"))
        .json(&json!({"strict": false}))
        .send()
        .await
        .unwrap();
    expect_error(response, 403, "forbidden").await;
    assert_eq!(app.get_json(&path).await["deprecated"], false);
}

#[tokio::test]
async fn the_api_document_describes_the_catalogue() {
    let app = spawn_app().await;
    let doc = app.get_json("/api/v1/openapi.json").await;
    let paths = &doc["paths"];
    let collection = &paths["/projects/{project}/event-types"];
    assert!(collection["get"].is_object() && collection["post"].is_object());
    let one = &paths["/projects/{project}/event-types/{name}"];
    for method in ["get", "patch", "delete"] {
        assert!(one[method].is_object(), "{method}");
    }
    let schemas = &doc["components"]["schemas"];
    for name in ["EventTypeIn", "EventTypeOut", "EventTypePatch"] {
        assert!(schemas[name].is_object(), "{name}");
    }
    assert!(schemas["Event"]["properties"]["schema_errors"].is_object());
    assert!(schemas["ProjectPatch"]["properties"]["strict"].is_object());
}

/// The dialects keep accepting what their originals accept: Tutum's handler call (which emits
/// `service.redeploy`, a type no catalogue here declares) works in a strict project, as do the
/// native API's inbound handlers, which are the same call.
#[tokio::test]
async fn a_strict_catalogue_does_not_apply_to_what_hookhub_emits_itself() {
    let app = spawn_app().await;
    app.declare(json!({"name": "order.paid"})).await;
    app.set_strict(true).await;
    let response = app
        .post_json(
            "/api/v1/projects/default/objects",
            json!({"type": "service", "name": "web"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let service: Value = response.json().await.unwrap();
    let service = service["id"].as_str().unwrap();
    let base = format!("/api/v1/service/{service}/webhook/handler/");
    let response = app.post_json(&base, json!({"name": "ci"})).await;
    assert_eq!(response.status(), 201);
    let handler: Value = response.json().await.unwrap();
    let call = handler["url"].as_str().unwrap();
    let called = reqwest::Client::new()
        .post(app.url(call))
        .send()
        .await
        .unwrap();
    assert_eq!(called.status(), 202);
    let events = app
        .get_json(&format!("{EVENTS}?type=service.redeploy"))
        .await;
    assert_eq!(events["data"].as_array().unwrap().len(), 1);
    assert_eq!(events["data"][0]["schema_errors"], Value::Null);
}
