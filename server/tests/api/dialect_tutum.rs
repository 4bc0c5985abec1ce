//! The Tutum dialect, driven by python-tutum; calling a handler's URL redeploys the service.

use serde_json::{json, Value};

use crate::{
    delivery::subscribe,
    helpers::{run_client, spawn_app, TestApp, ADMIN},
    receiver::Receiver,
};

/// Registers the service `web` through the native API; returns its uuid.
async fn register_service(app: &TestApp) -> String {
    let response = app
        .post_json(
            "/api/v1/projects/default/objects",
            json!({"type": "service", "name": "web"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let object: Value = response.json().await.unwrap();
    object["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn python_tutum_manages_handlers_and_a_call_redeploys_the_service() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    subscribe(&app, &receiver, json!({"event_types": ["service.*"]})).await;
    let service = register_service(&app).await;

    let Some(output) = run_client(
        "tutum_webhook_handlers.py",
        &[&app.address, ADMIN, &app.token, &service],
    )
    .await
    else {
        return;
    };
    let left: Value = serde_json::from_str(output.trim()).unwrap();
    assert_eq!(left.as_array().unwrap().len(), 1);

    // The client's call emitted service.redeploy about `web`, delivered to the subscriber.
    let events = app
        .get_json("/api/v1/projects/default/events?type=service.redeploy")
        .await;
    let event = &events["data"][0];
    assert_eq!(
        event["object"],
        json!({"type": "service", "name": "web", "version": null})
    );
    app.settled_event(event["id"].as_str().unwrap(), "succeeded")
        .await;
    let delivered: Value =
        serde_json::from_slice(&receiver.received().last().unwrap().body).unwrap();
    assert_eq!(delivered["type"], "service.redeploy");

    // The call URL needs no credentials; it counts the calls.
    let call_url = format!("{}call/", left[0]["resource_uri"].as_str().unwrap());
    let anonymous = reqwest::Client::new();
    let called = anonymous.post(app.url(&call_url)).send().await.unwrap();
    assert_eq!(called.status(), 202);
    let body: Value = called.json().await.unwrap();
    assert_eq!(body["operation"], "redeploy");
    let handlers = app
        .get_json(&format!(
            "/api/v1/projects/default/objects/{service}/handlers"
        ))
        .await;
    assert_eq!(handlers[0]["call_count"], 2);
    assert!(handlers[0]["last_called_at"].is_string());
}

#[tokio::test]
async fn a_deleted_handler_or_a_guessed_url_answers_404() {
    let app = spawn_app().await;
    let service = register_service(&app).await;
    let base = format!("/api/v1/service/{service}/webhook/handler/");
    let created: Value = app
        .client
        .post(app.url(&base))
        .header("authorization", format!("ApiKey {ADMIN}:{}", app.token))
        .json(&json!({"name": "deploy"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let call_url = created["url"].as_str().unwrap().to_owned();
    let anonymous = reqwest::Client::new();

    let guessed = format!("{base}{}/call/", uuid::Uuid::new_v4());
    let response = anonymous.post(app.url(&guessed)).send().await.unwrap();
    tastypie_error(response, 404).await;

    let deleted = app
        .client
        .delete(app.url(created["resource_uri"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    let response = anonymous.post(app.url(&call_url)).send().await.unwrap();
    tastypie_error(response, 404).await;

    // Handlers need credentials to be listed; invalid ones are a 400 naming the field.
    let listed = anonymous.get(app.url(&base)).send().await.unwrap();
    tastypie_error(listed, 401).await;
    let cases = [
        (json!({"name": "x".repeat(129)}), "name: "),
        (json!({"name": 7}), "name: invalid type"),
        (
            json!([{"name": "ok"}, {"name": ["no"]}]),
            "1.name: invalid type",
        ),
        (json!([{"name": "ok"}, "no"]), "1: must be a JSON object"),
        (json!("deploy"), "body: must be a JSON object"),
    ];
    for (body, start) in cases {
        let response = app.post_json(&base, body.clone()).await;
        let message = tastypie_error(response, 400).await;
        assert!(message.starts_with(start), "{body} → {message}");
    }
}

/// Asserts Tastypie's error answer, `status` with `{"error": "…"}`; returns the message.
async fn tastypie_error(response: reqwest::Response, status: u16) -> String {
    assert_eq!(response.status(), status);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body.as_object().unwrap().len(), 1, "only `error` in {body}");
    body["error"].as_str().expect("a message").to_owned()
}

#[tokio::test]
async fn filtered_lists_keep_their_filters_in_the_links_to_other_windows() {
    let app = spawn_app().await;
    let service = register_service(&app).await;
    let base = format!("/api/v1/service/{service}/webhook/handler/");
    let handlers: Vec<Value> = (0..5).map(|_| json!({"name": "same"})).collect();
    let created = app.post_json(&base, Value::Array(handlers)).await;
    assert_eq!(created.status(), 201);
    app.post_json(&base, json!({"name": "other"})).await;

    let page = app
        .get_json(&format!("{base}?name=same&limit=2&offset=2"))
        .await;
    let meta = &page["meta"];
    assert_eq!(meta["total_count"], 5);
    assert_eq!(page["objects"].as_array().unwrap().len(), 2);
    assert_eq!(meta["next"], format!("{base}?limit=2&offset=4&name=same"));
    assert_eq!(
        meta["previous"],
        format!("{base}?limit=2&offset=0&name=same")
    );
    let last = app.get_json(meta["next"].as_str().unwrap()).await;
    assert_eq!(last["objects"].as_array().unwrap().len(), 1);
    assert_eq!(last["meta"]["next"], Value::Null);
}
