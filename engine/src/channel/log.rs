//! The `log` channel: appends each delivery as one JSON line to standard output or, when the
//! operator allows it, to a file. Useful as an audit trail, and to see exactly what receivers
//! would get.
//!
//! A tenant never chooses a path: the operator names one directory (`--log-channel-dir`), each
//! project writes only in its own folder there (named by the project's id), and a subscription
//! names at most a plain file name inside it. Protected header values are written masked.

use std::path::PathBuf;

use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;

use super::{only_keys, BoxFuture, Channel, Outbound, Outcome};
use crate::delivery::ErrorKind;

const CONFIG_KEYS: &[(&str, &str)] = &[(
    "file",
    "a file name (letters, digits, . _ -) in this project's folder of the operator's log \
     directory; default: standard output",
)];

/// The longest file name a subscription may give.
const MAX_FILE_NAME: usize = 100;

#[derive(Debug, Default)]
pub struct LogChannel {
    /// The operator's directory for log files; `None` allows standard output only.
    dir: Option<PathBuf>,
}

impl LogChannel {
    pub fn new(dir: Option<PathBuf>) -> LogChannel {
        LogChannel { dir }
    }

    /// Where a delivery of `request`'s project goes, when its config names a file.
    fn file_for(&self, request: &Outbound) -> Option<PathBuf> {
        let name = request.config.get("file")?.as_str()?;
        let dir = self.dir.as_ref()?;
        Some(dir.join(request.project.to_string()).join(name))
    }
}

/// A plain file name: no separators, no `..`, nothing hidden, nothing a shell or terminal would
/// read as more than a name.
fn is_plain_file_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        && name.len() <= MAX_FILE_NAME
}

impl Channel for LogChannel {
    fn name(&self) -> &'static str {
        "log"
    }

    fn description(&self) -> &'static str {
        "one JSON line per delivery, written to standard output or to a file in the operator's \
         log directory"
    }

    fn config_keys(&self) -> &'static [(&'static str, &'static str)] {
        CONFIG_KEYS
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        let object = only_keys(config, CONFIG_KEYS)?;
        match object.get("file") {
            None => Ok(()),
            Some(_) if self.dir.is_none() => Err(
                "file: this server writes the log channel to standard output only (the operator \
                 has not set a log directory)"
                    .into(),
            ),
            Some(Value::String(name)) if is_plain_file_name(name) => Ok(()),
            Some(_) => Err(format!(
                "file must be a plain file name of 1 to {MAX_FILE_NAME} letters, digits, . _ or - \
                 starting with a letter or digit"
            )),
        }
    }

    fn deliver<'a>(&'a self, request: &'a Outbound) -> BoxFuture<'a, Outcome> {
        Box::pin(async move {
            let mut line = json!({
                "timestamp": chrono::Utc::now(),
                "url": request.url,
                "method": request.method,
                "headers": request.logged_headers,
                "body": String::from_utf8_lossy(&request.body),
            })
            .to_string();
            line.push('\n');
            // A config saved before the rules above (or a directory since withdrawn) is checked
            // again here rather than trusted.
            let written = match self.check_config(&request.config) {
                Err(reason) => Err(std::io::Error::other(reason)),
                Ok(()) => match self.file_for(request) {
                    Some(path) => append(path, line.as_bytes()).await,
                    None => tokio::io::stdout().write_all(line.as_bytes()).await,
                },
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

async fn append(path: PathBuf, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(folder) = path.parent() {
        tokio::fs::create_dir_all(folder).await?;
    }
    let mut file = tokio::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .await?;
    file.write_all(bytes).await?;
    file.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subscription_names_a_plain_file_only_where_the_operator_allows_files() {
        let stdout_only = LogChannel::new(None);
        assert!(stdout_only.check_config(&json!({})).is_ok());
        assert!(stdout_only
            .check_config(&json!({"file": "a.jsonl"}))
            .is_err());
        assert!(stdout_only
            .check_config(&json!({"path": "/tmp/x"}))
            .is_err());

        let files = LogChannel::new(Some("/var/log/hookhub".into()));
        for good in ["a.jsonl", "orders-2026_12.log", "A"] {
            assert!(files.check_config(&json!({"file": good})).is_ok(), "{good}");
        }
        for bad in [
            json!({"file": "../x"}),
            json!({"file": "a/b"}),
            json!({"file": ".bashrc"}),
            json!({"file": ".."}),
            json!({"file": "/etc/passwd"}),
            json!({"file": "a\u{0}b"}),
            json!({"file": ""}),
            json!({"file": "x".repeat(101)}),
            json!({"file": 3}),
            json!({"path": "/tmp/x"}),
        ] {
            assert!(files.check_config(&bad).is_err(), "{bad}");
        }
    }
}
