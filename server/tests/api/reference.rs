//! Signatures checked by the Standard Webhooks reference implementation (Python), not by our own
//! code. `scripts/test.sh` provides the interpreter in HOOKHUB_TEST_PYTHON.

use std::process::Command;

use serde_json::{json, Value};

use crate::{
    delivery::subscribe,
    helpers::{reference_python, spawn_app},
    receiver::{Received, Receiver},
};

const VERIFY: &str = r#"
import sys
from standardwebhooks.webhooks import Webhook
secret, body_path, msg_id, timestamp, signature = sys.argv[1:]
body = open(body_path, "rb").read()
Webhook(secret).verify(body, {"webhook-id": msg_id, "webhook-timestamp": timestamp, "webhook-signature": signature})
"#;

/// `Err` carries the library's complaint.
pub fn verify(python: &str, secret: &str, request: &Received) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("body");
    std::fs::write(&body, &request.body).unwrap();
    let header = |name: &str| request.headers[name].to_str().unwrap().to_owned();
    let output = Command::new(python)
        .args(["-c", VERIFY, secret, body.to_str().unwrap()])
        .args([
            header("webhook-id"),
            header("webhook-timestamp"),
            header("webhook-signature"),
        ])
        .output()
        .expect("python runs");
    match output.status.success() {
        true => Ok(()),
        false => Err(String::from_utf8_lossy(&output.stderr).into_owned()),
    }
}

#[tokio::test]
async fn signatures_verify_with_the_reference_library_also_across_a_rotation() {
    let Some(python) = reference_python() else {
        return;
    };
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let subscription = subscribe(&app, &receiver, json!({})).await;
    let base = format!(
        "/api/v1/projects/default/subscriptions/{}",
        subscription["id"].as_str().unwrap()
    );
    let old = app.get_json(&format!("{base}/secret")).await["secret"]
        .as_str()
        .unwrap()
        .to_owned();

    let first = app.ingest(json!({"type": "t", "data": {"ü": "ñ"}})).await;
    app.settled(&first, "succeeded").await;
    let rotated: Value = app
        .post_json(&format!("{base}/secret/rotate"), json!({}))
        .await
        .json()
        .await
        .unwrap();
    let new = rotated["secret"].as_str().unwrap();
    let second = app.ingest(json!({"type": "t"})).await;
    app.settled(&second, "succeeded").await;

    let received = receiver.received();
    verify(&python, &old, &received[0]).expect("the reference library accepts our signature");
    let wrong = verify(
        &python,
        "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        &received[0],
    );
    assert!(
        wrong.unwrap_err().contains("No matching signature"),
        "a wrong secret must not verify"
    );
    // During the overlap either secret verifies the two-signature header.
    verify(&python, new, &received[1]).expect("the new secret verifies");
    verify(&python, &old, &received[1]).expect("the old secret still verifies");
}
