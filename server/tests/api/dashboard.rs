//! The dashboard is server-rendered from the same engine the API uses.

use app::{
    api::{deliveries::HeldDeliveries, subscriptions::GetSubscription},
    auth::{Logout, Whoami},
};
use leptos::{prelude::LeptosOptions, server_fn::ServerFn};
use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_with_site, ADMIN, ADMIN_PASSWORD};

#[tokio::test]
async fn subscriptions_page_renders_stored_subscriptions() {
    let app = spawn_app().await;
    app.create_subscription(json!({"name": "rendered-on-server", "url": "https://example.com/x"}))
        .await;

    let session = app.login(ADMIN, ADMIN_PASSWORD).await;

    let response = reqwest::Client::new()
        .get(app.url("/projects/default/subscriptions"))
        .header("cookie", session)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("<h1>Subscriptions"), "{html}");
    assert!(html.contains("rendered-on-server"));
    assert!(html.contains("/pkg/hookhub.css"));
}

#[tokio::test]
async fn without_a_session_only_the_public_server_functions_answer() {
    let app = spawn_app().await;
    let call = |path: &str| reqwest::Client::new().post(app.url(path)).send();
    let whoami = call(Whoami::PATH).await.unwrap();
    assert_eq!(whoami.status(), 200);
    assert_eq!(
        whoami.json::<serde_json::Value>().await.unwrap(),
        json!(null)
    );
    assert_eq!(call(Logout::PATH).await.unwrap().status(), 401);
}

#[tokio::test]
async fn unknown_pages_are_404() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("Page not found"));
}

/// A browser's request for an asset, accepting `encoding`.
async fn asset(address: &str, path: &str, encoding: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{address}{path}"))
        .header("accept-encoding", encoding)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn assets_are_served_precompressed_and_cached_for_good_only_under_hashed_names() {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    for (file, body) in [
        ("hookhub.h4sh.wasm", "plain"),
        ("hookhub.h4sh.wasm.br", "brotli"),
        ("hookhub.h4sh.wasm.gz", "gzip"),
    ] {
        std::fs::write(pkg.join(file), body).unwrap();
    }
    for (hashed, cache) in [
        (true, "public, max-age=31536000, immutable"),
        (false, "no-cache"),
    ] {
        let options = LeptosOptions::builder()
            .output_name("hookhub")
            .site_root(site.path().to_str().unwrap())
            .site_pkg_dir("pkg")
            .hash_files(hashed)
            .build();
        let app = spawn_app_with_site(options).await;
        for (accepted, encoding, body) in [
            ("br", Some("br"), "brotli"),
            ("gzip", Some("gzip"), "gzip"),
            ("identity", None, "plain"),
        ] {
            let response = asset(&app.address, "/pkg/hookhub.h4sh.wasm", accepted).await;
            assert_eq!(response.status(), 200, "{accepted}");
            let headers = response.headers();
            assert_eq!(headers["cache-control"], cache, "{accepted}");
            assert_eq!(headers["vary"], "accept-encoding");
            assert_eq!(headers["content-type"], "application/wasm");
            assert_eq!(
                headers.get("content-encoding").map(|v| v.to_str().unwrap()),
                encoding
            );
            assert_eq!(response.text().await.unwrap(), body);
        }
        let missing = asset(&app.address, "/pkg/hookhub.0ther.wasm", "br").await;
        assert_eq!(missing.status(), 404);
        assert!(!missing.headers().contains_key("cache-control"));
    }
}

#[tokio::test]
async fn pages_and_server_functions_are_compressed_and_the_api_is_left_as_it_is() {
    let app = spawn_app().await;
    let subscription = app
        .create_subscription(
            json!({"name": "squeezed", "url": "http://127.0.0.1:9/x", "enabled": false, "description": "x".repeat(500)}),
        )
        .await;
    let id = subscription["id"].as_str().unwrap();
    for n in 0..3 {
        app.ingest(json!({"type": "t", "data": {"n": n}})).await;
    }
    let session = app.login(ADMIN, ADMIN_PASSWORD).await;
    let browser = reqwest::Client::new();
    let gzip_magic = [0x1f, 0x8b];

    let page = browser
        .get(app.url(&format!("/projects/default/subscriptions/{id}")))
        .header("cookie", &session)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-encoding"], "gzip");
    assert!(page.bytes().await.unwrap().starts_with(&gzip_magic));

    // Server functions, as the hydrated page calls them (a form-encoded POST).
    let call = |path: &'static str, encoding: &'static str| {
        browser
            .post(app.url(path))
            .header("cookie", &session)
            .header("accept-encoding", encoding)
            .form(&[("project", "default"), ("id", id), ("subscription", id)])
            .send()
    };
    let read = call(GetSubscription::PATH, "br").await.unwrap();
    assert_eq!(read.status(), 200);
    assert_eq!(read.headers()["content-encoding"], "br");
    let plain = call(GetSubscription::PATH, "identity").await.unwrap();
    assert!(!plain.headers().contains_key("content-encoding"));
    assert!(plain.text().await.unwrap().contains("squeezed"));
    // The held count of the paused subscription, through the dashboard's own server function.
    let held = call(HeldDeliveries::PATH, "identity").await.unwrap();
    assert_eq!(held.status(), 200);
    assert_eq!(held.text().await.unwrap(), "3");

    // The native API answers as before: producers pay no compression per request.
    let api = app
        .client
        .get(app.url("/api/v1/projects/default/subscriptions"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 200);
    assert!(!api.headers().contains_key("content-encoding"));
}

/// Every rule of the stylesheet is closed. Browsers forgive a missing `}` silently: everything
/// after it becomes part of the open rule and never applies (three merges once did that).
#[test]
fn stylesheet_rules_are_all_closed() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../style/main.css");
    let css = std::fs::read_to_string(path).unwrap();
    let mut depth = 0_i32;
    for (number, line) in css.lines().enumerate() {
        let code = line.split("/*").next().unwrap_or_default();
        depth += code.matches('{').count() as i32 - code.matches('}').count() as i32;
        assert!(depth >= 0, "line {}: a `}}` closes nothing", number + 1);
        // Top-level comments head each section: a section starting inside a rule lost a `}`.
        if line.starts_with("/*") {
            assert_eq!(
                depth,
                0,
                "line {}: a section begins inside an open rule",
                number + 1
            );
        }
    }
    assert_eq!(depth, 0, "the stylesheet ends inside an open rule");
}

/// A page of the dashboard as the logged-in administrator gets it, before any hydration.
async fn rendered(app: &crate::helpers::TestApp, path: &str, session: &str) -> String {
    let response = reqwest::Client::new()
        .get(app.url(path))
        .header("cookie", session)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "GET {path}");
    response.text().await.unwrap()
}

#[tokio::test]
async fn the_catalogue_and_an_events_declared_type_are_rendered_on_the_server() {
    let app = spawn_app().await;
    let declared = app
        .post_json(
            "/api/v1/projects/default/event-types",
            json!({
                "name": "order.paid",
                "description": "An order was paid in full.",
                "schema": {"type": "object", "required": ["amount"]},
                "example": {"amount": 5}
            }),
        )
        .await;
    assert_eq!(declared.status(), 201);
    let flagged = app.ingest(json!({"type": "order.paid", "data": {}})).await;
    let session = app.login(ADMIN, ADMIN_PASSWORD).await;

    let catalogue = rendered(&app, "/projects/default/event-types", &session).await;
    assert!(catalogue.contains("<h1>Event types"), "{catalogue}");
    assert!(catalogue.contains("order.paid"));
    assert!(catalogue.contains("Send example"));

    let id = flagged["event"]["id"].as_str().unwrap();
    let event = rendered(&app, &format!("/projects/default/events/{id}"), &session).await;
    assert!(
        event.contains("This event does not match its type"),
        "{event}"
    );
    // The missing property is reported at the object that lacks it.
    let errors = flagged["event"]["schema_errors"].as_object().unwrap();
    let path = errors.keys().next().unwrap();
    assert!(event.contains(&format!("<code>{path}")), "{event}");
    assert!(event.contains("An order was paid in full."));
}
