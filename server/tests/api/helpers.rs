//! `spawn_app()`: a real Hookhub on a free port with its own database, stopped when dropped.

use std::time::Duration;

use crate::database::TestDatabase;
use engine::{
    account::{Role, TokenIn, UserIn},
    retry::RetryPolicy,
    service::Settings,
    ssrf::TargetPolicy,
    Engine, WorkerConfig,
};
use serde_json::{json, Value};
use server::{
    config::DEFAULT_MAX_BODY_BYTES,
    rate_limit::RateLimiter,
    startup::{self, HttpLimits},
    state::AppState,
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// The administrator every test app starts with.
pub const ADMIN: &str = "admin";
pub const ADMIN_PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub address: String,
    pub engine: Engine,
    /// Sends the admin's API token with every request.
    pub client: reqwest::Client,
    /// The admin's API token.
    pub token: String,
    /// Stops the server and its worker; tests may hand it to workers they start.
    pub shutdown: CancellationToken,
    pub database: TestDatabase,
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
            allowed: vec!["127.0.0.0/8".parse().unwrap()],
            ..TargetPolicy::default()
        },
        ..Settings::default()
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(test_settings()).await
}

/// A real server and a delivery worker over a fresh database.
pub async fn spawn_app_with(settings: Settings) -> TestApp {
    spawn(settings, RateLimiter::new(0, 0), Some(fast_worker())).await
}

/// A test app whose API tokens may make `per_second` requests per second, of management and
/// of ingest alike.
pub async fn spawn_rate_limited_app(per_second: u32) -> TestApp {
    spawn_limited_app(RateLimiter::new(per_second, per_second)).await
}

/// A test app with these per-token request limits.
pub async fn spawn_limited_app(limits: RateLimiter) -> TestApp {
    spawn(test_settings(), limits, Some(fast_worker())).await
}

/// A server that only serves (like `hookhub serve --no-worker`): delivering is left to
/// workers the test starts.
pub async fn spawn_app_without_worker() -> TestApp {
    spawn(test_settings(), RateLimiter::new(0, 0), None).await
}

/// A worker that notices due retries within 20 ms.
fn fast_worker() -> WorkerConfig {
    WorkerConfig {
        idle_poll: Duration::from_millis(20),
        ..WorkerConfig::default()
    }
}

/// A test app serving the dashboard's assets as `options` say (where, hashed names or not).
pub async fn spawn_app_with_site(options: leptos::prelude::LeptosOptions) -> TestApp {
    spawn_serving(test_settings(), RateLimiter::new(0, 0), None, options).await
}

async fn spawn(settings: Settings, limits: RateLimiter, worker: Option<WorkerConfig>) -> TestApp {
    let options = startup::leptos_options("target/site");
    spawn_serving(settings, limits, worker, options).await
}

/// A real server and worker over `database` as it is (e.g. written by an older Hookhub), which
/// it migrates first, as `hookhub serve` would.
pub async fn spawn_app_on(database: TestDatabase) -> TestApp {
    let options = startup::leptos_options("target/site");
    let worker = Some(fast_worker());
    spawn_over(
        database,
        test_settings(),
        RateLimiter::new(0, 0),
        worker,
        options,
    )
    .await
}

async fn spawn_serving(
    settings: Settings,
    limits: RateLimiter,
    worker: Option<WorkerConfig>,
    leptos_options: leptos::prelude::LeptosOptions,
) -> TestApp {
    let database = TestDatabase::new().await;
    spawn_over(database, settings, limits, worker, leptos_options).await
}

async fn spawn_over(
    database: TestDatabase,
    settings: Settings,
    limits: RateLimiter,
    worker: Option<WorkerConfig>,
    leptos_options: leptos::prelude::LeptosOptions,
) -> TestApp {
    Engine::migrate(&database.url)
        .await
        .expect("migrations apply");
    let engine = Engine::open(&database.url, settings)
        .await
        .expect("engine opens");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = format!("http://{}", listener.local_addr().unwrap());
    let token = bootstrap_admin(&engine).await;
    let shutdown = CancellationToken::new();
    let state = AppState {
        engine,
        leptos_options,
        rate_limiter: limits,
        shutdown: shutdown.clone(),
    };
    let handle = state.engine.clone();
    if let Some(worker) = worker {
        let (engine, shutdown) = (state.engine.clone(), shutdown.clone());
        tokio::spawn(async move { engine.run_worker(worker, shutdown).await });
    }
    tokio::spawn(startup::serve(
        listener,
        startup::router(
            state,
            HttpLimits {
                max_body_bytes: DEFAULT_MAX_BODY_BYTES,
                ..HttpLimits::default()
            },
        ),
        shutdown.clone(),
    ));
    TestApp {
        address,
        engine: handle,
        client: client_with_token(&token),
        token,
        shutdown,
        database,
    }
}

/// Creates the admin user and an API token for them; returns the token.
async fn bootstrap_admin(engine: &Engine) -> String {
    let admin = UserIn {
        username: ADMIN.into(),
        full_name: "Ada Admin".into(),
        email: "ada@example.com".into(),
        password: ADMIN_PASSWORD.into(),
        is_admin: true,
    };
    engine
        .create_user(None, admin)
        .await
        .expect("admin created");
    let caller = engine.local_caller(ADMIN).await.unwrap();
    let token = TokenIn {
        name: "tests".into(),
        project: None,
        role: Role::Admin,
    };
    engine.create_token(&caller, token).await.unwrap().secret
}

/// A client that sends `Authorization: Bearer <token>` with every request.
pub fn client_with_token(token: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    let value = format!("Bearer {token}");
    headers.insert(reqwest::header::AUTHORIZATION, value.parse().unwrap());
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap()
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
    /// Logs in to the dashboard as `username`; returns the `Cookie` header value of the session.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let response = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .post(self.url("/_hookhub/login"))
            // As a browser's plain form post (before hydration): answered with a redirect.
            .header("accept", "text/html")
            .form(&[
                ("username", username),
                ("password", password),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_redirection(),
            "login: {}",
            response.status()
        );
        let cookie = response
            .headers()
            .get("set-cookie")
            .expect("a session cookie")
            .to_str()
            .unwrap();
        cookie.split(';').next().unwrap().to_owned()
    }

    /// Creates a user and a token for them; returns the token.
    pub async fn user_with_token(
        &self,
        username: &str,
        project: Option<&str>,
        role: &str,
    ) -> String {
        let user = json!({"username": username, "password": ADMIN_PASSWORD});
        let response = self.post_json("/api/v1/users", user).await;
        assert_eq!(response.status(), 201);
        let caller = self.engine.local_caller(username).await.unwrap();
        let input = TokenIn {
            name: format!("{username}'s"),
            project: project.map(str::to_owned),
            role: Role::parse(role).unwrap(),
        };
        self.engine
            .create_token(&caller, input)
            .await
            .unwrap()
            .secret
    }

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

/// The test venv's interpreter (`standardwebhooks`, `prometheus_client`), which
/// `scripts/test.sh` provides in HOOKHUB_TEST_PYTHON; in CI its absence is a failure, elsewhere a
/// skip.
pub fn reference_python() -> Option<String> {
    match std::env::var("HOOKHUB_TEST_PYTHON") {
        Ok(python) => Some(python),
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("HOOKHUB_TEST_PYTHON is not set (scripts/test.sh sets it)")
        }
        Err(_) => {
            eprintln!("skipped: HOOKHUB_TEST_PYTHON is not set; run scripts/test.sh");
            None
        }
    }
}

/// Runs one of the Python scripts in `tests/api/clients/` (an official client driving a
/// dialect) with the test venv's interpreter; fails the test with its output unless it succeeds.
/// `None` when the interpreter is not available outside CI (the test is skipped).
pub async fn run_client(script: &str, args: &[&str]) -> Option<String> {
    let python = reference_python()?;
    let path = format!("{}/tests/api/clients/{script}", env!("CARGO_MANIFEST_DIR"));
    let output = tokio::process::Command::new(python)
        .arg(path)
        .args(args)
        .output()
        .await
        .expect("python runs");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(
        output.status.success(),
        "{script} failed:\n{stdout}\n{stderr}"
    );
    Some(stdout.into_owned())
}
