//! The `log` channel: appends each delivery as one JSON line to a file, or to standard output.
//! Useful as an audit trail, and to see exactly what receivers would get.

use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;

use super::{only_keys, BoxFuture, Channel, Outbound, Outcome};
use crate::delivery::ErrorKind;

const CONFIG_KEYS: &[(&str, &str)] = &[("path", "file to append to (default: standard output)")];

#[derive(Debug, Default)]
pub struct LogChannel;

impl Channel for LogChannel {
    fn name(&self) -> &'static str {
        "log"
    }

    fn description(&self) -> &'static str {
        "one JSON line per delivery, appended to a file or written to standard output"
    }

    fn config_keys(&self) -> &'static [(&'static str, &'static str)] {
        CONFIG_KEYS
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        let object = only_keys(config, CONFIG_KEYS)?;
        match object.get("path") {
            None => Ok(()),
            Some(Value::String(path)) if !path.trim().is_empty() => Ok(()),
            Some(_) => Err("path must be a non-empty string".into()),
        }
    }

    fn deliver<'a>(&'a self, request: &'a Outbound) -> BoxFuture<'a, Outcome> {
        Box::pin(async move {
            let mut line = json!({
                "timestamp": chrono::Utc::now(),
                "url": request.url,
                "method": request.method,
                "headers": request.headers,
                "body": String::from_utf8_lossy(&request.body),
            })
            .to_string();
            line.push('\n');
            let written = match request.config.get("path").and_then(Value::as_str) {
                Some(path) => append(path, line.as_bytes()).await,
                None => tokio::io::stdout().write_all(line.as_bytes()).await,
            };
            Outcome {
                error: written.err().map(|e| {
                    (
                        ErrorKind::Channel,
                        format!("cannot write the log line: {e}"),
                    )
                }),
                ..Outcome::default()
            }
        })
    }
}

async fn append(path: &str, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = tokio::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .await?;
    file.write_all(bytes).await?;
    file.flush().await
}
