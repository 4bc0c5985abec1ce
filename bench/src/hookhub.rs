//! The real `hookhub` binary as the bench's subject: started on a fresh database, given an API
//! token through its command line, measured through `/proc`.

use std::{path::Path, process::Stdio};

use serde_json::json;

use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

pub struct Hookhub {
    pub child: Child,
    pub url: String,
}

/// Runs a set-up command (`user create`, `token create`) and returns what it printed.
pub async fn command(binary: &Path, database_url: &str, args: &[&str]) -> String {
    let output = Command::new(binary)
        .args(args)
        .args(["--database-url", database_url])
        .env("HOOKHUB_PASSWORD", "benchmark password")
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("hookhub runs");
    assert!(output.status.success(), "hookhub {args:?}: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

/// An admin's API token on a fresh database (migrated first: only `migrate` and `serve` change
/// the schema).
pub async fn token(binary: &Path, database_url: &str) -> String {
    command(binary, database_url, &["migrate"]).await;
    command(
        binary,
        database_url,
        &["user", "create", "--username", "bench", "--admin"],
    )
    .await;
    let token = command(
        binary,
        database_url,
        &["token", "create", "--username", "bench"],
    )
    .await;
    token.trim().to_owned()
}

/// `hookhub serve` on a free port; `extra` adds flags such as `--no-worker`.
pub async fn serve(
    binary: &Path,
    database_url: &str,
    concurrency: usize,
    extra: &[&str],
) -> Hookhub {
    let mut child = Command::new(binary)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            database_url,
        ])
        .args(["--allow-targets", "127.0.0.1", "--rate-limit", "0"])
        .args(["--ingest-rate-limit", "0"])
        .args(["--concurrency", &concurrency.to_string()])
        .args(extra)
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("hookhub starts (build it first: cargo build --release -p server)");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = lines.next_line().await.unwrap().expect("a listening line");
    let url = line.rsplit(' ').next().unwrap().to_owned();
    Hookhub { child, url }
}

impl Hookhub {
    /// Creates `count` subscriptions to `bench` events, each to its own path of `receiver`
    /// (`/s0`, `/s1`, …); the first also takes `latency` events.
    pub async fn subscribe(
        &self,
        client: &reqwest::Client,
        auth: &str,
        receiver: &str,
        count: usize,
    ) {
        for n in 0..count {
            let created = client
                .post(format!(
                    "{}/api/v1/projects/default/subscriptions",
                    self.url
                ))
                .header("authorization", auth)
                .json(&json!({
                    "name": format!("bench-{n}"),
                    "url": format!("{receiver}/s{n}"),
                    "event_types": if n == 0 { vec!["bench", "latency"] } else { vec!["bench"] },
                }))
                .send()
                .await
                .expect("hookhub answers");
            assert!(created.status().is_success(), "{}", created.status());
        }
    }

    /// Its `…/events` URL in the default project.
    pub fn events_url(&self) -> String {
        format!("{}/api/v1/projects/default/events", self.url)
    }

    /// Resident memory in MiB.
    pub fn rss_mib(&self) -> f64 {
        rss_mib(self.child.id().unwrap_or_default())
    }

    /// The most resident memory seen, sampled every 100 ms until `done` resolves.
    pub async fn peak_rss_mib(&self, done: impl std::future::Future<Output = bool>) -> (bool, f64) {
        let pid = self.child.id().unwrap_or_default();
        let mut peak = rss_mib(pid);
        tokio::pin!(done);
        loop {
            tokio::select! {
                finished = &mut done => return (finished, peak.max(rss_mib(pid))),
                _ = tokio::time::sleep(std::time::Duration::from_millis(100)) => {
                    peak = peak.max(rss_mib(pid));
                }
            }
        }
    }
}

/// Resident memory of process `pid` in MiB, from `/proc/<pid>/status`.
fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0)
}
