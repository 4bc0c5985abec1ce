//! The dashboard is server-rendered from the same engine the API uses.

use serde_json::json;

use crate::helpers::{spawn_app, ADMIN, ADMIN_PASSWORD};

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
