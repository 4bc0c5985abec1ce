//! `spawn_app()`: a real Hookhub on a free port with its own database, stopped when dropped.

use engine::Engine;
use serde_json::Value;
use server::{config::DEFAULT_MAX_BODY_BYTES, startup, state::AppState};
use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    shutdown: CancellationToken,
    _data_dir: TempDir,
}

pub async fn spawn_app() -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let database_url = format!("sqlite://{}/hookhub.db", data_dir.path().display());
    let engine = Engine::open(&database_url).await.expect("engine opens");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState {
        engine,
        leptos_options: startup::leptos_options("target/site"),
    };
    let shutdown = CancellationToken::new();
    tokio::spawn(startup::serve(
        listener,
        startup::router(state, DEFAULT_MAX_BODY_BYTES),
        shutdown.clone(),
    ));
    TestApp {
        address,
        client: reqwest::Client::new(),
        shutdown,
        _data_dir: data_dir,
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub fn subscriptions_url(&self) -> String {
        self.url("/api/v1/projects/default/subscriptions")
    }

    /// Creates a subscription that must succeed and returns its JSON.
    pub async fn create_subscription(&self, body: Value) -> Value {
        let response = self
            .client
            .post(self.subscriptions_url())
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "create failed for {body}");
        response.json().await.unwrap()
    }
}

/// Asserts an error response's status and `code`, and returns its body.
pub async fn expect_error(response: reqwest::Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status(), status);
    let body: Value = response.json().await.expect("error bodies are JSON");
    assert_eq!(body["code"], code, "unexpected body {body}");
    assert!(body["detail"].is_string(), "no detail in {body}");
    body
}
