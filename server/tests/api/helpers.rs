//! `spawn_app()`: a real Hookhub on a free port with its own database, stopped when dropped.

use std::time::Duration;

use engine::{
    dispatch::{run_worker, WorkerConfig},
    retry::RetryPolicy,
    service::Settings,
    ssrf::TargetPolicy,
    Engine,
};
use serde_json::Value;
use server::{config::DEFAULT_MAX_BODY_BYTES, startup, state::AppState};
use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub struct TestApp {
    pub address: String,
    pub engine: Engine,
    pub client: reqwest::Client,
    shutdown: CancellationToken,
    _data_dir: TempDir,
}

/// Settings for tests: loopback allowed explicitly (receivers run there), retries in milliseconds.
pub fn test_settings() -> Settings {
    Settings {
        retry: RetryPolicy {
            schedule: vec![Duration::from_millis(50); 3],
            jitter: 0.0,
            throttled_minimum: Duration::from_millis(50),
            ..RetryPolicy::default()
        },
        targets: TargetPolicy {
            allow_private: false,
            allowed: vec!["127.0.0.0/8".parse().unwrap()],
        },
        ..Settings::default()
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(test_settings()).await
}

/// A fresh, empty database: a SQLite file in `dir`, or a new database on the PostgreSQL server
/// named by HOOKHUB_TEST_POSTGRES_URL when that is set.
async fn fresh_database(dir: &TempDir) -> String {
    match std::env::var("HOOKHUB_TEST_POSTGRES_URL") {
        Err(_) => format!("sqlite://{}/hookhub.db", dir.path().display()),
        Ok(server) => {
            use sqlx::Connection;
            let name = format!("hookhub_test_{}", uuid::Uuid::new_v4().simple());
            let mut admin = sqlx::PgConnection::connect(&server)
                .await
                .expect("PostgreSQL reachable");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .await
                .unwrap();
            format!("{}/{name}", server.trim_end_matches('/'))
        }
    }
}

/// A real server and a delivery worker over a fresh database.
pub async fn spawn_app_with(settings: Settings) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let database_url = fresh_database(&data_dir).await;
    let engine = Engine::open(&database_url, settings)
        .await
        .expect("engine opens");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState {
        engine,
        leptos_options: startup::leptos_options("target/site"),
    };
    let handle = state.engine.clone();
    let shutdown = CancellationToken::new();
    let worker = WorkerConfig {
        idle_poll: Duration::from_millis(20),
        ..WorkerConfig::default()
    };
    tokio::spawn(run_worker(state.engine.clone(), worker, shutdown.clone()));
    tokio::spawn(startup::serve(
        listener,
        startup::router(state, DEFAULT_MAX_BODY_BYTES),
        shutdown.clone(),
    ));
    TestApp {
        address,
        engine: handle,
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

impl TestApp {
    pub async fn get_json(&self, path: &str) -> Value {
        let response = self.client.get(self.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.unwrap()
    }

    pub async fn post_json(&self, path: &str, body: Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// Ingests one event into the default project; returns `{event, matched, repeated}`.
    pub async fn ingest(&self, event: Value) -> Value {
        let response = self
            .post_json("/api/v1/projects/default/events", event)
            .await;
        assert!(
            response.status().is_success(),
            "ingest failed: {}",
            response.status()
        );
        response.json().await.unwrap()
    }

    /// Waits until every delivery of the ingested event has `status`; returns them as a page.
    pub async fn settled(&self, ingested: &Value, status: &str) -> Value {
        let event_id = ingested["event"]["id"].as_str().expect("an ingest result");
        self.settled_event(event_id, status).await
    }

    /// Waits until every delivery of the event has `status`; returns them as a page.
    pub async fn settled_event(&self, event_id: &str, status: &str) -> Value {
        let path = format!("/api/v1/projects/default/deliveries?event_id={event_id}");
        self.wait_for(&path, |page| {
            page["data"]
                .as_array()
                .is_some_and(|d| !d.is_empty() && d.iter().all(|d| d["status"] == status))
        })
        .await
    }

    /// Polls `path` until `done` holds for its JSON, or fails the test after 10 s.
    pub async fn wait_for(&self, path: &str, done: impl Fn(&Value) -> bool) -> Value {
        for _ in 0..500 {
            let value = self.get_json(path).await;
            if done(&value) {
                return value;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!(
            "{path} never reached the expected state: {}",
            self.get_json(path).await
        );
    }
}
