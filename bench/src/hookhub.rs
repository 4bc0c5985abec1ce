//! The real `hookhub` binary as the bench's subject: started on a fresh database, given an API
//! token through its command line, measured through `/proc`.

use std::{path::Path, process::Stdio};

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

/// An admin's API token on a fresh database.
pub async fn token(binary: &Path, database_url: &str) -> String {
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
        .args(["--concurrency", &concurrency.to_string()])
        // One subscription receives everything here: let it use every delivery slot.
        .args(["--per-subscription-concurrency", &concurrency.to_string()])
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
    /// Resident memory in MiB, from `/proc/<pid>/status`.
    pub fn rss_mib(&self) -> f64 {
        let pid = self.child.id().unwrap_or_default();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
            .map_or(0.0, |kib| kib / 1024.0)
    }
}
