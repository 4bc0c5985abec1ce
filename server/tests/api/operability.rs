//! Running Hookhub: health and readiness, Prometheus metrics, request ids, the per-token rate
//! limit, and the API's own documentation.

use std::process::Command;

use serde_json::{json, Value};

use crate::{
    delivery::subscribe,
    helpers::{expect_error, reference_python, spawn_app, spawn_rate_limited_app},
    receiver::Receiver,
};

#[tokio::test]
async fn health_and_readiness_answer_without_credentials() {
    let app = spawn_app().await;
    for path in ["/healthz", "/readyz"] {
        let response = reqwest::get(app.url(path)).await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
    }
}

const PARSE_METRICS: &str = r#"
import sys, json
from prometheus_client.parser import text_string_to_metric_families
families = {}
for family in text_string_to_metric_families(sys.stdin.read()):
    families[family.name] = {
        "type": family.type,
        "samples": [[s.name, s.labels, s.value] for s in family.samples],
    }
print(json.dumps(families))
"#;

#[tokio::test]
async fn metrics_are_prometheus_text_and_count_what_happened() {
    let Some(python) = reference_python() else {
        return;
    };
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    subscribe(&app, &receiver, json!({})).await;
    let ingested = app.ingest(json!({"type": "t"})).await;
    app.settled(&ingested, "succeeded").await;

    let response = reqwest::get(app.url("/metrics")).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let text = response.text().await.unwrap();
    let mut parser = Command::new(python)
        .args(["-c", PARSE_METRICS])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    parser
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = parser.wait_with_output().unwrap();
    assert!(output.status.success(), "not Prometheus text:\n{text}");
    let families: Value = serde_json::from_slice(&output.stdout).unwrap();

    // The parser drops `_total` from counter family names.
    assert_eq!(families["hookhub_events_ingested"]["samples"][0][2], 1.0);
    let succeeded = families["hookhub_attempts"]["samples"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s[1]["outcome"] == "succeeded" && s[0] == "hookhub_attempts_total")
        .unwrap();
    assert_eq!(succeeded[2], 1.0);
    assert_eq!(
        families["hookhub_attempt_duration_seconds"]["type"],
        "histogram"
    );
    assert_eq!(families["hookhub_queue_depth"]["samples"][0][2], 0.0);
    assert_eq!(
        families["hookhub_oldest_pending_age_seconds"]["type"],
        "gauge"
    );
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_a_given_one_is_echoed() {
    let app = spawn_app().await;
    let generated = reqwest::get(app.url("/healthz")).await.unwrap();
    let id = generated.headers()["x-request-id"].to_str().unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");

    let echoed = app
        .client
        .get(app.url("/api/v1/projects"))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "trace-me-42");
}

#[tokio::test]
async fn a_token_over_its_rate_gets_429_with_retry_after() {
    let app = spawn_rate_limited_app(3).await;
    let mut statuses = Vec::new();
    let mut limited = None;
    for _ in 0..10 {
        let response = app
            .client
            .get(app.url("/api/v1/projects"))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
        if response.status() == 429 && limited.is_none() {
            limited = Some(response);
        }
    }
    assert_eq!(&statuses[..3], [200, 200, 200], "{statuses:?}");
    let limited = limited.unwrap_or_else(|| panic!("never limited: {statuses:?}"));
    let wait: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait >= 1);
    expect_error(limited, 429, "rate_limited").await;
}

#[tokio::test]
async fn the_api_document_describes_every_route_and_the_docs_page_shows_it_offline() {
    let app = spawn_app().await;
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    assert_eq!(schemes.len(), 4);
    let docs = reqwest::get(app.url("/api/docs")).await.unwrap();
    assert_eq!(docs.status(), 200);
    let page = docs.text().await.unwrap();
    assert!(
        !page.contains("<script"),
        "the docs page must not load anything"
    );
    assert!(
        !page.contains("https://"),
        "the docs page must not reach out"
    );

    for (path, item) in doc["paths"].as_object().unwrap() {
        assert!(
            page.contains(&format!("/api/v1{path}")),
            "{path} missing from the page"
        );
        for (method, operation) in item.as_object().unwrap() {
            let name = format!("{method} {path}");
            assert!(operation["summary"].is_string(), "{name} has no summary");
            assert!(operation["tags"][0].is_string(), "{name} has no tag");
            let responses = operation["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{name}: no success"
            );
            for status in ["401", "403", "404", "422", "429"] {
                assert!(
                    responses.contains_key(status),
                    "{name} does not document {status}"
                );
            }
        }
    }
}
