//! Who may call what: the token formats, secrets at rest, project isolation, roles, tokens and
//! the audit log.

use serde_json::{json, Value};

use crate::helpers::{client_with_token, expect_error, spawn_app, TestApp, ADMIN, ADMIN_PASSWORD};

const SUBSCRIPTIONS: &str = "/api/v1/projects/default/subscriptions";

async fn get_with(app: &TestApp, path: &str, header: (&str, String)) -> reqwest::Response {
    reqwest::Client::new()
        .get(app.url(path))
        .header(header.0, header.1)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn every_accepted_token_format_authenticates() {
    let app = spawn_app().await;
    let token = &app.token;
    for header in [
        ("authorization", format!("Token {token}")),
        ("authorization", format!("Bearer {token}")),
        ("x-auth-token", token.clone()),
        ("authorization", format!("ApiKey {ADMIN}:{token}")),
    ] {
        let response = get_with(&app, SUBSCRIPTIONS, header.clone()).await;
        assert_eq!(response.status(), 200, "{header:?}");
    }
}

#[tokio::test]
async fn missing_or_wrong_credentials_are_401_with_a_challenge() {
    let app = spawn_app().await;
    let anonymous = reqwest::Client::new()
        .get(app.url(SUBSCRIPTIONS))
        .send()
        .await
        .unwrap();
    let challenge = anonymous.headers()["www-authenticate"].to_str().unwrap();
    assert!(challenge.contains("Bearer"), "{challenge}");
    expect_error(anonymous, 401, "unauthenticated").await;

    let wrong = [
        ("authorization", "Bearer hh_not-a-token".to_owned()),
        (
            "authorization",
            format!("ApiKey someone-else:{}", app.token),
        ),
        ("authorization", format!("Basic {}", app.token)),
    ];
    for header in wrong {
        let response = get_with(&app, SUBSCRIPTIONS, header).await;
        expect_error(response, 401, "unauthenticated").await;
    }
}

#[tokio::test]
async fn tokens_and_passwords_are_not_stored_in_clear() {
    let app = spawn_app().await;
    let created: Value = app
        .post_json("/api/v1/tokens", json!({"name": "ci"}))
        .await
        .json()
        .await
        .unwrap();
    let secret = created["secret"].as_str().unwrap().to_owned();
    if app.database.is_postgres() {
        eprintln!("skipped the file scan: the database is on PostgreSQL");
        return;
    }
    app.engine.close().await;

    let files = app.database.files();
    assert!(!files.is_empty());
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        for needle in [secret.as_str(), app.token.as_str(), ADMIN_PASSWORD] {
            let found = bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
            assert!(!found, "{needle:?} is in {} in clear", file.display());
        }
    }
}

/// Fills the default project with one of everything, so every route has something to name.
async fn one_of_everything(app: &TestApp) -> Value {
    let subscription = app
        .create_subscription(json!({"name": "s", "url": "https://example.com/hook"}))
        .await;
    let ingested = app.ingest(json!({"type": "t", "data": {}})).await;
    let deliveries = app.get_json("/api/v1/projects/default/deliveries").await;
    let test: Value = app
        .post_json(
            "/api/v1/projects/default/tests",
            json!({"url": "https://example.com/t"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let object: Value = app
        .post_json(
            "/api/v1/projects/default/objects",
            json!({"type": "service", "name": "web"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let object_path = format!(
        "/api/v1/projects/default/objects/{}/handlers",
        object["id"].as_str().unwrap()
    );
    let handler: Value = app
        .post_json(&object_path, json!({}))
        .await
        .json()
        .await
        .unwrap();
    json!({
        "subscriptions": subscription["id"],
        "events": ingested["event"]["id"],
        "deliveries": deliveries["data"][0]["id"],
        "tests": test["id"],
        "objects": object["id"],
        "handler_id": handler["id"],
    })
}

/// Every operation of the API document as (method, concrete path) in the default project: `{id}`
/// filled from `ids` by the collection the path names, other parameters by their own name.
async fn documented_operations(app: &TestApp, ids: &Value) -> Vec<(String, String)> {
    let doc = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let collection = path.split('/').nth(3).unwrap_or_default();
        let mut concrete = path.replace("{project}", "default");
        while let Some(start) = concrete.find('{') {
            let end = start + concrete[start..].find('}').unwrap();
            let name = &concrete[start + 1..end];
            let key = if name == "id" { collection } else { name };
            let value = ids[key]
                .as_str()
                .unwrap_or("00000000-0000-7000-8000-000000000000")
                .to_owned();
            concrete.replace_range(start..=end, &value);
        }
        for method in item.as_object().unwrap().keys() {
            operations.push((method.to_uppercase(), format!("/api/v1{concrete}")));
        }
    }
    operations
}

#[tokio::test]
async fn another_projects_token_gets_404_on_every_project_route() {
    let app = spawn_app().await;
    let ids = one_of_everything(&app).await;
    let response = app
        .post_json("/api/v1/projects", json!({"name": "other"}))
        .await;
    assert_eq!(response.status(), 201);
    let outsider = client_with_token(&app.user_with_token("eve", Some("other"), "write").await);

    let scoped: Vec<_> = documented_operations(&app, &ids)
        .await
        .into_iter()
        .filter(|(_, path)| path.starts_with("/api/v1/projects/default"))
        .collect();
    assert!(scoped.len() >= 20, "only {} project routes", scoped.len());
    // The project outside the token's reach answers exactly like one that does not exist:
    // 404 wherever the request itself is fine (bodies are read strictly, so a route whose body
    // this is not refuses it the same way for both).
    let body = json!({"since": "2026-01-01T00:00:00Z"});
    let mut not_found = 0;
    for (method, path) in scoped {
        let ask = |path: String| {
            outsider
                .request(method.parse().unwrap(), app.url(&path))
                .json(&body)
                .send()
        };
        let hidden = ask(path.clone()).await.unwrap();
        let missing = ask(path.replacen("/default", "/no-such-project", 1))
            .await
            .unwrap();
        assert_eq!(hidden.status(), missing.status(), "{method} {path}");
        let (hidden, missing): (Value, Value) =
            (hidden.json().await.unwrap(), missing.json().await.unwrap());
        assert_eq!(hidden, missing, "{method} {path}");
        if hidden["detail"] == "project not found" {
            not_found += 1;
        }
    }
    assert!(not_found >= 20, "only {not_found} routes answered 404");
    // Its own project is reachable, and the project list shows only that one.
    let projects: Value = outsider
        .get(app.url("/api/v1/projects"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(projects["data"].as_array().unwrap().len(), 1);
    assert_eq!(projects["data"][0]["name"], "other");
}

#[tokio::test]
async fn every_documented_operation_is_routed() {
    let app = spawn_app().await;
    let ids = one_of_everything(&app).await;
    for (method, path) in documented_operations(&app, &ids).await {
        let response = app
            .client
            .request(method.parse().unwrap(), app.url(&path))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_ne!(response.status(), 405, "{method} {path}");
        // A stream (the live log) answers with its headers and never ends: routed.
        let streams = response
            .headers()
            .get("content-type")
            .is_some_and(|kind| kind.as_bytes().starts_with(b"text/event-stream"));
        if streams {
            continue;
        }
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert_ne!(body["detail"], "no such API route", "{method} {path}");
    }
}

#[tokio::test]
async fn roles_limit_what_a_token_may_do() {
    let app = spawn_app().await;
    let reader = client_with_token(&app.user_with_token("rita", None, "read").await);
    let writer = client_with_token(&app.user_with_token("walt", None, "write").await);
    let subscription = json!({"name": "x", "url": "https://example.com/x"});

    let read = reader.get(app.url(SUBSCRIPTIONS)).send().await.unwrap();
    assert_eq!(read.status(), 200);
    // The admin sees every user, in username order.
    let users = app.get_json("/api/v1/users?limit=2").await;
    let names: Vec<&str> = users["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["admin", "rita"]);
    let rest = app
        .get_json(&format!(
            "/api/v1/users?cursor={}",
            users["next_cursor"].as_str().unwrap()
        ))
        .await;
    assert_eq!(rest["data"][0]["username"], "walt");
    let write = reader
        .post(app.url(SUBSCRIPTIONS))
        .json(&subscription)
        .send()
        .await
        .unwrap();
    expect_error(write, 403, "forbidden").await;

    let write = writer
        .post(app.url(SUBSCRIPTIONS))
        .json(&subscription)
        .send()
        .await
        .unwrap();
    assert_eq!(write.status(), 201);
    for (method, path, body) in [
        ("POST", "/api/v1/projects", json!({"name": "nope"})),
        (
            "POST",
            "/api/v1/users",
            json!({"username": "nope", "password": "long enough"}),
        ),
        ("GET", "/api/v1/users", json!({})),
        ("GET", "/api/v1/audit", json!({})),
    ] {
        let response = writer
            .request(method.parse().unwrap(), app.url(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        expect_error(response, 403, "forbidden").await;
    }
    // Nobody mints a token stronger than themselves.
    let stronger = writer
        .post(app.url("/api/v1/tokens"))
        .json(&json!({"name": "escalate", "role": "admin"}))
        .send()
        .await
        .unwrap();
    expect_error(stronger, 403, "forbidden").await;
}

#[tokio::test]
async fn projects_are_created_listed_and_deleted_only_with_confirmation() {
    let app = spawn_app().await;
    let created = app
        .post_json(
            "/api/v1/projects",
            json!({"name": "team-a", "description": "A"}),
        )
        .await;
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers()["location"], "/api/v1/projects/team-a");
    let again = app
        .post_json("/api/v1/projects", json!({"name": "team-a"}))
        .await;
    expect_error(again, 409, "conflict").await;
    let invalid = app
        .post_json("/api/v1/projects", json!({"name": "Team A"}))
        .await;
    let body = expect_error(invalid, 422, "validation_failed").await;
    assert!(body["fields"]["name"].is_string());

    let subscriptions = "/api/v1/projects/team-a/subscriptions";
    let response = app
        .post_json(
            subscriptions,
            json!({"name": "s", "url": "https://example.com/a"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let names: Vec<String> = app.get_json("/api/v1/projects").await["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["default", "team-a"]);

    let unconfirmed = app
        .client
        .delete(app.url("/api/v1/projects/team-a"))
        .send()
        .await
        .unwrap();
    let body = expect_error(unconfirmed, 422, "validation_failed").await;
    assert!(body["fields"]["confirm"].is_string());
    assert_eq!(
        app.get_json(subscriptions).await["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let confirmed = app
        .client
        .delete(app.url("/api/v1/projects/team-a?confirm=team-a"))
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), 204);
    let gone = app.client.get(app.url(subscriptions)).send().await.unwrap();
    expect_error(gone, 404, "not_found").await;
}

#[tokio::test]
async fn tokens_are_shown_once_listed_by_prefix_and_revocable() {
    let app = spawn_app().await;
    let created: Value = app
        .post_json(
            "/api/v1/tokens",
            json!({"name": "deploy", "project": "default", "role": "read"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let secret = created["secret"].as_str().unwrap();
    assert!(secret.starts_with("hh_"));
    assert!(secret.starts_with(created["prefix"].as_str().unwrap()));

    let fresh = client_with_token(secret);
    let used = fresh.get(app.url(SUBSCRIPTIONS)).send().await.unwrap();
    assert_eq!(used.status(), 200);
    let listed = app.get_json("/api/v1/tokens").await;
    let text = listed.to_string();
    assert!(!text.contains(secret), "a listed token shows its secret");
    let deploy = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "deploy")
        .unwrap();
    assert_eq!(deploy["project"], "default");
    assert_eq!(deploy["role"], "read");
    assert!(deploy["last_used_at"].is_string());
    // Newest first, a page at a time.
    let first = app.get_json("/api/v1/tokens?limit=1").await;
    assert_eq!(first["data"][0]["name"], "deploy");
    let cursor = first["next_cursor"].as_str().expect("a second page");
    let second = app
        .get_json(&format!("/api/v1/tokens?limit=1&cursor={cursor}"))
        .await;
    assert_eq!(second["data"][0]["name"], "tests");
    assert_eq!(second["next_cursor"], Value::Null);

    let path = format!("/api/v1/tokens/{}", created["id"].as_str().unwrap());
    let revoked = app.client.delete(app.url(&path)).send().await.unwrap();
    assert_eq!(revoked.status(), 204);
    let refused = fresh.get(app.url(SUBSCRIPTIONS)).send().await.unwrap();
    expect_error(refused, 401, "unauthenticated").await;
}

#[tokio::test]
async fn the_audit_log_says_who_changed_what() {
    let app = spawn_app().await;
    let subscription = app
        .create_subscription(json!({"name": "audited", "url": "https://example.com/a"}))
        .await;
    let path = format!("{SUBSCRIPTIONS}/{}", subscription["id"].as_str().unwrap());
    let patched = app
        .client
        .patch(app.url(&path))
        .json(&json!({"description": "changed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    let deleted = app.client.delete(app.url(&path)).send().await.unwrap();
    assert_eq!(deleted.status(), 204);

    let log = app.get_json("/api/v1/audit").await;
    let entries: Vec<(String, String)> = log["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["target_id"] == subscription["id"])
        .map(|e| {
            (
                e["actor"].as_str().unwrap().to_owned(),
                e["action"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let by_admin = |action: &str| (ADMIN.to_owned(), action.to_owned());
    assert_eq!(
        entries,
        [
            by_admin("subscription.deleted"),
            by_admin("subscription.updated"),
            by_admin("subscription.created"),
        ]
    );
}
