//! The threat model, one attack per test: what a hostile tenant with a token, a careless
//! client and a crash can try, and what Hookhub answers. Each case was reproduced against the
//! server before it was closed; the tests run on SQLite and PostgreSQL alike.

use std::{process::Stdio, time::Duration};

use engine::{service::Settings, ssrf::TargetPolicy};
use serde_json::{json, Value};
use server::rate_limit::RateLimiter;
use tokio::{io::AsyncReadExt, net::TcpListener, process::Command};

use crate::{
    helpers::{
        client_with_token, expect_error, spawn_app, spawn_app_with, spawn_limited_app,
        test_settings, TestApp, ADMIN, ADMIN_PASSWORD,
    },
    process::authorised_client,
    receiver::Receiver,
};

/// A second project, and an administrator whose token reaches only `default`.
async fn scoped_admin(app: &TestApp) -> reqwest::Client {
    let response = app
        .post_json("/api/v1/projects", json!({"name": "team-b"}))
        .await;
    assert_eq!(response.status(), 201);
    let response = app
        .post_json(
            "/api/v1/users",
            json!({"username": "boss", "password": ADMIN_PASSWORD, "is_admin": true}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let caller = app.engine.local_caller("boss").await.unwrap();
    let token = engine::account::TokenIn {
        name: "scoped".into(),
        project: Some("default".into()),
        role: engine::account::Role::Admin,
    };
    let secret = app
        .engine
        .create_token(&caller, token)
        .await
        .unwrap()
        .secret;
    client_with_token(&secret)
}

#[tokio::test]
async fn a_project_scoped_admin_manages_nothing_beyond_its_project() {
    let app = spawn_app().await;
    let scoped = scoped_admin(&app).await;
    let response = app
        .post_json(
            "/api/v1/projects/team-b/subscriptions",
            json!({"name": "b-secret-hook", "url": "http://127.0.0.1:9/b"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    app.create_subscription(json!({"name": "a-hook", "url": "http://127.0.0.1:9/a"}))
        .await;

    // Users are the installation's: no scoped token creates (least of all an admin) or lists them.
    let response = scoped
        .post(app.url("/api/v1/users"))
        .json(&json!({"username": "mallory", "password": ADMIN_PASSWORD, "is_admin": true}))
        .send()
        .await
        .unwrap();
    expect_error(response, 403, "forbidden").await;
    let response = scoped.get(app.url("/api/v1/users")).send().await.unwrap();
    expect_error(response, 403, "forbidden").await;

    // The audit log shows its own project only.
    let audit: Value = scoped
        .get(app.url("/api/v1/audit"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entries = audit["data"].as_array().unwrap();
    assert!(entries.iter().any(|e| e["detail"]["name"] == "a-hook"));
    assert!(entries.iter().all(|e| e["project"] == "default"), "{audit}");
    assert!(!audit.to_string().contains("b-secret-hook"));

    // Other people's tokens stay out of reach.
    let tokens: Value = scoped
        .get(app.url("/api/v1/tokens"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(tokens["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["username"] == "boss"));
}

#[tokio::test]
async fn a_scoped_token_reaches_only_tokens_of_its_own_scope() {
    let app = spawn_app().await;
    let response = app
        .post_json("/api/v1/projects", json!({"name": "team-b"}))
        .await;
    assert_eq!(response.status(), 201);
    let caller = app.engine.local_caller(ADMIN).await.unwrap();
    let mint = |project: Option<&str>, role| engine::account::TokenIn {
        name: "t".into(),
        project: project.map(str::to_owned),
        role,
    };
    use engine::account::Role;
    let wide = app
        .engine
        .create_token(&caller, mint(None, Role::Admin))
        .await
        .unwrap();
    let other = app
        .engine
        .create_token(&caller, mint(Some("team-b"), Role::Write))
        .await
        .unwrap();
    let reader = app
        .engine
        .create_token(&caller, mint(Some("default"), Role::Read))
        .await
        .unwrap();
    let reader_client = client_with_token(&reader.secret);

    let listed: Value = reader_client
        .get(app.url("/api/v1/tokens"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let projects: Vec<&Value> = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["project"])
        .collect();
    assert!(
        !projects.is_empty() && projects.iter().all(|p| *p == "default"),
        "{listed}"
    );
    for token in [&wide, &other] {
        let revoke = reader_client
            .delete(app.url(&format!("/api/v1/tokens/{}", token.token.id)))
            .send()
            .await
            .unwrap();
        expect_error(revoke, 404, "not_found").await;
    }
    let minted = reader_client
        .post(app.url("/api/v1/tokens"))
        .json(&json!({"name": "fresh", "project": "default", "role": "read"}))
        .send()
        .await
        .unwrap();
    expect_error(minted, 403, "forbidden").await;
}

#[tokio::test]
async fn readers_cannot_read_signing_secrets_or_inbound_call_urls() {
    let app = spawn_app().await;
    let reader = client_with_token(&app.user_with_token("reader", None, "read").await);
    let subscription = app
        .create_subscription(json!({"name": "s", "url": "http://127.0.0.1:9/"}))
        .await;
    let secret = app.url(&format!(
        "/api/v1/projects/default/subscriptions/{}/secret",
        subscription["id"].as_str().unwrap()
    ));
    expect_error(reader.get(&secret).send().await.unwrap(), 403, "forbidden").await;
    assert_eq!(app.client.get(&secret).send().await.unwrap().status(), 200);

    let object: Value = app
        .post_json(
            "/api/v1/projects/default/objects",
            json!({"type": "service", "name": "web"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let handlers = app.url(&format!(
        "/api/v1/projects/default/objects/{}/handlers",
        object["id"].as_str().unwrap()
    ));
    let handler: Value = app
        .client
        .post(&handlers)
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    expect_error(
        reader.get(&handlers).send().await.unwrap(),
        403,
        "forbidden",
    )
    .await;
    // A call's event names the handler, never its secret id.
    let call = app.url(handler["call_url"].as_str().unwrap());
    let called = reqwest::Client::new().post(&call).send().await.unwrap();
    assert_eq!(called.status(), 202);
    let events = reader
        .get(app.url("/api/v1/projects/default/events"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(events.contains("service.redeploy"), "{events}");
    assert!(
        !events.contains(handler["id"].as_str().unwrap()),
        "{events}"
    );
    let objects = app.url("/api/v1/projects/default/objects");
    assert_eq!(reader.get(&objects).send().await.unwrap().status(), 200);
}

/// Starts `hookhub serve` with extra arguments and environment; returns the process (its
/// standard error piped) and its base URL.
async fn serve_with(
    database_url: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> (tokio::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hookhub"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            database_url,
        ])
        .args(args)
        .envs(env.iter().copied())
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("hookhub starts");
    let mut stdout = child.stdout.take().unwrap();
    let mut first = Vec::new();
    let mut byte = [0u8];
    while stdout.read(&mut byte).await.unwrap() == 1 && byte[0] != b'\n' {
        first.push(byte[0]);
    }
    let line = String::from_utf8(first).unwrap();
    let url = line.rsplit(' ').next().unwrap().to_owned();
    (child, url)
}

#[tokio::test]
async fn inbound_call_urls_never_reach_the_log() {
    let database = crate::database::TestDatabase::new().await;
    let client = authorised_client(&database.url).await;
    let (mut child, url) = serve_with(&database.url, &[], &[]).await;
    let object: Value = client
        .post(format!("{url}/api/v1/projects/default/objects"))
        .json(&json!({"type": "service", "name": "web"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let handler: Value = client
        .post(format!(
            "{url}/api/v1/projects/default/objects/{}/handlers",
            object["id"].as_str().unwrap()
        ))
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let call = format!("{url}{}", handler["call_url"].as_str().unwrap());
    let called = reqwest::Client::new().post(&call).send().await.unwrap();
    assert_eq!(called.status(), 202);
    child.start_kill().unwrap();
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .await
        .unwrap();
    assert!(
        log.contains("/api/v1/inbound/"),
        "the call is logged:\n{log}"
    );
    assert!(
        !log.contains(handler["id"].as_str().unwrap()),
        "the handler's secret id is not:\n{log}"
    );
}

#[tokio::test]
async fn internal_addresses_are_refused_in_every_disguise() {
    let app = spawn_app_with(Settings {
        targets: TargetPolicy::default(),
        ..test_settings()
    })
    .await;
    for url in [
        "http://[::127.0.0.1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[64:ff9b::a9fe:a9fe]/",
        "http://[2002:7f00:1::]/",
        "http://198.18.0.1/",
        "http://240.0.0.1/",
        "http://169.254.169.254/latest/meta-data",
        "http://[fd00:ec2::254]/",
        "http://0.0.0.0/",
    ] {
        let response = app
            .post_json(
                "/api/v1/projects/default/subscriptions",
                json!({"name": "ssrf", "url": url}),
            )
            .await;
        let body = expect_error(response, 422, "validation_failed").await;
        assert!(body["fields"]["url"].is_string(), "{url}: {body}");
    }
}

#[tokio::test]
async fn deliveries_ignore_proxies_from_the_environment() {
    // A "proxy" that would see every delivery if the client used HTTP_PROXY: it must see none.
    let proxy = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    let receiver = Receiver::start().await;
    let database = crate::database::TestDatabase::new().await;
    let client = authorised_client(&database.url).await;
    let env = [
        ("HTTP_PROXY", proxy_url.as_str()),
        ("http_proxy", proxy_url.as_str()),
        ("ALL_PROXY", proxy_url.as_str()),
    ];
    let (_child, url) = serve_with(&database.url, &["--allow-targets", "127.0.0.1"], &env).await;
    let ids = crate::process::subscribe_and_send(&client, &url, &receiver, 3).await;
    crate::process::arrivals(&receiver, &ids).await;
    let proxied = tokio::time::timeout(Duration::from_millis(200), proxy.accept()).await;
    assert!(proxied.is_err(), "a delivery went through the proxy");
}

#[tokio::test]
async fn a_tenant_never_chooses_where_the_log_channel_writes() {
    let app = spawn_app().await;
    for config in [
        json!({"path": "/tmp/owned"}),
        json!({"file": "../../.bashrc"}),
        json!({"file": "hooks.jsonl"}), // no log directory configured: standard output only
    ] {
        let response = app
            .post_json(
                "/api/v1/projects/default/subscriptions",
                json!({"name": "log", "channel": "log", "channel_config": config}),
            )
            .await;
        let body = expect_error(response, 422, "validation_failed").await;
        assert!(body["fields"]["channel_config"].is_string(), "{body}");
    }

    // With the operator's directory: a file in the project's own folder, secrets masked.
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_with(Settings {
        log_channel_dir: Some(dir.path().to_owned()),
        ..test_settings()
    })
    .await;
    let subscription = app
        .create_subscription(json!({
            "name": "log", "channel": "log", "channel_config": {"file": "hooks.jsonl"},
            "headers": [{"key": "authorization", "value": "Bearer s3cr3t", "protected": true}]
        }))
        .await;
    let ping = app
        .client
        .post(app.url(&format!(
            "/api/v1/projects/default/subscriptions/{}/ping",
            subscription["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(ping.status(), 204);
    let project = app.get_json("/api/v1/projects/default").await;
    let file = dir
        .path()
        .join(project["id"].as_str().unwrap())
        .join("hooks.jsonl");
    let written = std::fs::read_to_string(&file).expect("the log file in the project's folder");
    assert!(written.contains("webhook-signature"), "{written}");
    assert!(
        !written.contains("s3cr3t"),
        "a protected value in clear: {written}"
    );
}

/// Posts the login form as a browser would; returns the response (redirects not followed).
async fn log_in(app: &TestApp, password: &str, next: &str) -> reqwest::Response {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.url("/_hookhub/login"))
        .header("accept", "text/html")
        .form(&[("username", ADMIN), ("password", password), ("next", next)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_login_returns_only_to_a_page_of_this_site() {
    let app = spawn_app().await;
    for (next, expected) in [
        ("/\\evil.example", "/"),
        ("//evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/projects/default", "/projects/default"),
    ] {
        let response = log_in(&app, ADMIN_PASSWORD, next).await;
        assert!(response.status().is_redirection(), "{next}");
        assert_eq!(response.headers()["location"], expected, "{next}");
    }
}

/// Found by bench/fuzz-api.sh: a server function called without its arguments answered 500.
#[tokio::test]
async fn server_functions_answer_missing_or_malformed_arguments_with_400() {
    let app = spawn_app().await;
    let client = reqwest::Client::new();
    for body in ["", "username=admin", "password=only", "\u{0}"] {
        let response = client
            .post(app.url("/_hookhub/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{body:?}");
        let error: serde_json::Value = response.json().await.unwrap();
        assert_eq!(error["code"], "invalid_body", "{body:?}: {error}");
    }
}

#[tokio::test]
async fn wrong_passwords_are_throttled() {
    let app = spawn_app().await;
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(log_in(&app, "wrong", "/").await.status().as_u16());
    }
    assert_eq!(
        &statuses[..6],
        [401; 6],
        "five free failures, the sixth counted"
    );
    assert_eq!(statuses[6], 429, "{statuses:?}");
    let throttled = log_in(&app, ADMIN_PASSWORD, "/").await;
    assert_eq!(throttled.status(), 429, "even the right password waits");
    let wait: u64 = throttled.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait >= 1);
}

/// The deliveries of `subscription` (an id) as a page of JSON.
/// The headers every response carries: no framing, no sniffing, no referrer to other sites.
fn assert_common_headers(response: &reqwest::Response) {
    let headers = response.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["referrer-policy"], "same-origin");
}

/// The page's Content-Security-Policy and its script nonce; panics unless the policy is strict.
fn strict_policy(response: &reqwest::Response) -> String {
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let directives: Vec<&str> = policy.split(';').map(str::trim).collect();
    for expected in [
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ] {
        assert!(directives.contains(&expected), "{expected} in {policy}");
    }
    let script = directives
        .iter()
        .find_map(|d| d.strip_prefix("script-src "))
        .unwrap_or_else(|| panic!("no script-src in {policy}"));
    let sources: Vec<&str> = script.split_whitespace().collect();
    assert!(sources.contains(&"'strict-dynamic'"), "{policy}");
    assert!(sources.contains(&"'wasm-unsafe-eval'"), "{policy}");
    assert!(
        !sources
            .iter()
            .any(|s| *s == "'unsafe-inline'" || *s == "'unsafe-eval'"),
        "{policy}"
    );
    let nonce = sources
        .iter()
        .find_map(|s| s.strip_prefix("'nonce-")?.strip_suffix('\''))
        .unwrap_or_else(|| panic!("no nonce in {policy}"));
    assert!(nonce.len() >= 22, "128 bits at least: {nonce}");
    nonce.to_owned()
}

/// The opening tags of every `<script>` in `html`.
fn script_tags(html: &str) -> Vec<&str> {
    html.match_indices("<script")
        .map(|(at, _)| &html[at..at + html[at..].find('>').unwrap()])
        .collect()
}

#[tokio::test]
async fn pages_carry_a_strict_content_security_policy_with_a_fresh_nonce() {
    let app = spawn_app().await;
    app.create_subscription(json!({"name": "csp", "url": "http://127.0.0.1:9/csp"}))
        .await;
    let session = app.login(ADMIN, ADMIN_PASSWORD).await;
    let browser = reqwest::Client::new();

    // A dashboard page: only the scripts the server wrote, each with this response's nonce.
    let mut nonces = Vec::new();
    for _ in 0..2 {
        let response = browser
            .get(app.url("/projects/default/subscriptions"))
            .header("cookie", &session)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_common_headers(&response);
        let nonce = strict_policy(&response);
        let html = response.text().await.unwrap();
        assert!(html.contains("csp"), "the page rendered: {html}");
        let scripts = script_tags(&html);
        assert!(!scripts.is_empty(), "the hydration script: {html}");
        for tag in scripts {
            assert!(
                tag.contains(&format!("nonce=\"{nonce}\"")),
                "{tag} lacks {nonce}"
            );
        }
        nonces.push(nonce);
    }
    assert_ne!(nonces[0], nonces[1], "a fresh nonce for every response");

    // The login page, a 404 page and the API reference (whose one <style> has the nonce).
    for (path, status) in [("/login", 200), ("/no/such/page", 404), ("/api/docs", 200)] {
        let response = browser.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), status, "{path}");
        assert_common_headers(&response);
        let nonce = strict_policy(&response);
        let html = response.text().await.unwrap();
        for tag in script_tags(&html) {
            assert!(tag.contains(&format!("nonce=\"{nonce}\"")), "{path}: {tag}");
        }
        if path == "/api/docs" {
            assert!(
                html.contains(&format!("<style nonce=\"{nonce}\">")),
                "{html}"
            );
        }
    }

    // The API and the assets: the same headers; a policy only where there is a page.
    for path in ["/api/v1/projects", "/healthz", "/api/v1/projects/nope"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_common_headers(&response);
        assert!(
            !response.headers().contains_key("content-security-policy"),
            "{path}"
        );
    }
}

async fn deliveries_of(app: &TestApp, subscription: &Value) -> Value {
    app.get_json(&format!(
        "/api/v1/projects/default/deliveries?subscription_id={}",
        subscription["id"].as_str().unwrap()
    ))
    .await
}

fn path_of(subscription: &Value, rest: &str) -> String {
    format!(
        "/api/v1/projects/default/subscriptions/{}{rest}",
        subscription["id"].as_str().unwrap()
    )
}

#[tokio::test]
async fn a_paused_subscription_holds_its_deliveries_until_enabled() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let subscription = app
        .create_subscription(json!({"name": "paused", "url": receiver.url, "enabled": false}))
        .await;
    for n in 0..5 {
        app.ingest(json!({"type": "t", "data": {"n": n}})).await;
    }
    let held = app.get_json(&path_of(&subscription, "/held")).await;
    assert_eq!(held["held"], 5);
    let page = deliveries_of(&app, &subscription).await;
    assert!(page["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["status"] == "held"));
    assert!(
        receiver.received().is_empty(),
        "nothing is attempted while paused"
    );

    let response = app
        .client
        .patch(app.url(&path_of(&subscription, "")))
        .json(&json!({"enabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    for n in 5..7 {
        app.ingest(json!({"type": "t", "data": {"n": n}})).await;
    }
    let page = app
        .wait_for(&path_of(&subscription, "/held"), |held| held["held"] == 0)
        .await;
    assert_eq!(page["held"], 0);
    for _ in 0..500 {
        if receiver.received().len() >= 7 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut seen: Vec<i64> = receiver
        .received()
        .iter()
        .map(|r| {
            serde_json::from_slice::<Value>(&r.body).unwrap()["data"]["n"]
                .as_i64()
                .unwrap()
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        (0..7).collect::<Vec<_>>(),
        "every event, the held ones too"
    );
}

#[tokio::test]
async fn held_deliveries_are_dropped_only_when_someone_asks() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let subscription = app
        .create_subscription(json!({"name": "paused", "url": receiver.url, "enabled": false}))
        .await;
    for _ in 0..3 {
        app.ingest(json!({"type": "t"})).await;
    }
    let reader = client_with_token(&app.user_with_token("reader", None, "read").await);
    let discard = app.url(&path_of(&subscription, "/held"));
    expect_error(
        reader.delete(&discard).send().await.unwrap(),
        403,
        "forbidden",
    )
    .await;
    let discarded: Value = app
        .client
        .delete(&discard)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(discarded["discarded"], 3);
    let page = deliveries_of(&app, &subscription).await;
    assert!(page["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["status"] == "cancelled"));
}

#[tokio::test]
async fn a_failed_subscription_holds_new_events_and_sends_them_once_enabled() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    receiver.answer(410, &[]);
    let subscription = app
        .create_subscription(json!({"name": "gone", "url": receiver.url}))
        .await;
    let first = app.ingest(json!({"type": "t"})).await;
    app.settled(&first, "failed").await;
    let failed = app.get_json(&path_of(&subscription, "")).await;
    assert_eq!(failed["failed"], true);
    let later = app.ingest(json!({"type": "t"})).await;
    app.settled(&later, "held").await;
    let response = app
        .client
        .patch(app.url(&path_of(&subscription, "")))
        .json(&json!({"enabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    app.settled(&later, "succeeded").await;
}

#[tokio::test]
async fn nul_characters_are_refused_at_the_door_or_stored_safely() {
    let app = spawn_app().await;
    for (event, field) in [
        (json!({"type": "t", "message": "a\u{0}b"}), "message"),
        (
            json!({"type": "t", "data": {"k": ["x", "y\u{0}"]}}),
            "data.k.1",
        ),
        (
            json!({"type": "t", "idempotency_key": "\u{0}"}),
            "idempotency_key",
        ),
    ] {
        let response = app
            .post_json("/api/v1/projects/default/events", event)
            .await;
        let body = expect_error(response, 422, "validation_failed").await;
        assert!(body["fields"][field].is_string(), "{field}: {body}");
    }
    let response = app
        .post_json(
            "/api/v1/projects/default/subscriptions",
            json!({"name": "a\u{0}b", "url": "http://127.0.0.1:9/"}),
        )
        .await;
    expect_error(response, 422, "validation_failed").await;
    // A NUL in a path or a query names nothing; it is never a 500.
    let response = app
        .client
        .get(app.url("/api/v1/projects/a%00b"))
        .send()
        .await
        .unwrap();
    expect_error(response, 404, "not_found").await;
    let response = app
        .client
        .get(app.url("/api/v1/projects/default/events?type=a%00b"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    // A receiver answering with a NUL byte is recorded (the byte replaced), and so are the
    // attempts committed beside it.
    let receiver = Receiver::start().await;
    receiver.answer_with_body(200, &[], b"ok\0then more");
    app.create_subscription(json!({"name": "nul", "url": receiver.url}))
        .await;
    let events: Vec<Value> = (0..20)
        .map(|n| json!({"type": "t", "data": {"n": n}}))
        .collect();
    let response = app
        .post_json(
            "/api/v1/projects/default/events/batch",
            json!({"events": events}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let ingested: Vec<Value> = response.json().await.unwrap();
    for event in &ingested {
        let page = app.settled(event, "succeeded").await;
        let delivery = page["data"][0]["id"].as_str().unwrap().to_owned();
        let detail = app
            .get_json(&format!("/api/v1/projects/default/deliveries/{delivery}"))
            .await;
        assert_eq!(
            detail["attempts_log"].as_array().unwrap().len(),
            1,
            "{detail}"
        );
    }
}

#[tokio::test]
async fn a_stored_filter_that_cannot_be_used_fails_closed() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let subscription = app
        .create_subscription(json!({
            "name": "filtered", "url": receiver.url, "filter": {"data.n": {"$gte": 1}}
        }))
        .await;
    // As if saved under other rules, or changed behind Hookhub's back.
    let broken = r#"'{"data.n": {"$bogus": 1}}'"#;
    app.database
        .execute(&if app.database.is_postgres() {
            format!("UPDATE subscriptions SET spec = jsonb_set(spec, '{{filter}}', {broken})")
        } else {
            format!("UPDATE subscriptions SET spec = json_set(spec, '$.filter', json({broken}))")
        })
        .await;
    let ingested = app.ingest(json!({"type": "t", "data": {"n": 5}})).await;
    assert_eq!(ingested["matched"], 0, "a broken filter matches nothing");
    let marked = app.get_json(&path_of(&subscription, "")).await;
    assert_eq!(marked["failed"], true);
    assert!(marked["disabled_reason"]
        .as_str()
        .unwrap()
        .contains("filter"));
}

#[tokio::test]
async fn filters_are_bounded_in_what_they_may_ask() {
    let app = spawn_app().await;
    let regexes: Vec<Value> = (0..9)
        .map(|i| json!({format!("data.f{i}"): {"$regex": "^a"}}))
        .collect();
    let huge_pattern = json!({"data.x": {"$regex": "\\w{500}\\w{500}"}});
    for filter in [json!({"$or": regexes}), huge_pattern] {
        let response = app
            .post_json(
                "/api/v1/projects/default/subscriptions",
                json!({"name": "greedy", "url": "http://127.0.0.1:9/", "filter": filter}),
            )
            .await;
        let body = expect_error(response, 422, "validation_failed").await;
        assert!(body["fields"]["filter"].is_string(), "{body}");
    }
}

#[tokio::test]
async fn every_rotated_out_secret_signs_until_its_own_overlap_ends() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let subscription = app
        .create_subscription(json!({"name": "rotating", "url": receiver.url}))
        .await;
    let rotate = app.url(&path_of(&subscription, "/secret/rotate"));
    for _ in 0..2 {
        let response = app
            .client
            .post(&rotate)
            .json(&json!({"overlap_seconds": 3600}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    let event = app.ingest(json!({"type": "t"})).await;
    app.settled(&event, "succeeded").await;
    let signature = receiver.received()[0].headers["webhook-signature"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(signature.split(' ').count(), 3, "{signature}");

    let response = app
        .client
        .post(&rotate)
        .json(&json!({"overlap_seconds": 9_999_999_999u64}))
        .send()
        .await
        .unwrap();
    let body = expect_error(response, 422, "validation_failed").await;
    assert!(body["fields"]["overlap_seconds"].is_string());
    let mut last = 0;
    for _ in 0..3 {
        last = app
            .client
            .post(&rotate)
            .json(&json!({"overlap_seconds": 3600}))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
    }
    assert_eq!(last, 409, "at most five secrets sign at once");
}

#[tokio::test]
async fn concurrent_changes_of_different_fields_all_stand() {
    let app = spawn_app().await;
    let subscription = app
        .create_subscription(json!({"name": "busy", "url": "http://127.0.0.1:9/"}))
        .await;
    let url = app.url(&path_of(&subscription, ""));
    let changes = [
        json!({"description": "changed"}),
        json!({"timeout_seconds": 7}),
        json!({"method": "PUT"}),
        json!({"content_type": "form"}),
        json!({"retry": false}),
        json!({"rate_limit": 5}),
        json!({"labels": {"env": "prod"}}),
        json!({"event_types": ["order.*"]}),
        json!({"object_type": "order"}),
        json!({"include_result": true}),
    ];
    let patches: Vec<_> = changes
        .iter()
        .map(|change| {
            let (client, url, change) = (app.client.clone(), url.clone(), change.clone());
            tokio::spawn(async move {
                client
                    .patch(url)
                    .json(&change)
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    for patch in patches {
        assert_eq!(patch.await.unwrap(), 200);
    }
    let stored = app.get_json(&path_of(&subscription, "")).await;
    for change in &changes {
        let (field, value) = change.as_object().unwrap().iter().next().unwrap();
        assert_eq!(&stored[field], value, "{field} was lost: {stored}");
    }
}

#[tokio::test]
async fn unknown_fields_and_wrong_types_are_named_on_the_native_api() {
    let app = spawn_app().await;
    let response = app
        .post_json(
            "/api/v1/projects/default/subscriptions",
            json!({"name": "typo", "url": "http://127.0.0.1:9/", "timeout": 31}),
        )
        .await;
    let body = expect_error(response, 422, "validation_failed").await;
    assert!(body["fields"]["timeout"].is_string(), "{body}");
    let response = app
        .post_json(
            "/api/v1/projects/default/subscriptions",
            json!({"name": "typed", "url": "http://127.0.0.1:9/", "event_types": "order.paid"}),
        )
        .await;
    let body = expect_error(response, 422, "validation_failed").await;
    assert!(body["fields"]["event_types"].is_string(), "{body}");
}

#[tokio::test]
async fn producers_have_an_ingest_budget_of_their_own() {
    let app = spawn_limited_app(RateLimiter::new(2, 1000)).await;
    for n in 0..20 {
        let ingested = app
            .post_json(
                "/api/v1/projects/default/events",
                json!({"type": "t", "data": {"n": n}}),
            )
            .await;
        assert_eq!(ingested.status(), 201, "event {n}");
    }
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let response = app
            .client
            .get(app.subscriptions_url())
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert!(
        statuses.contains(&429),
        "management keeps its limit: {statuses:?}"
    );
}
