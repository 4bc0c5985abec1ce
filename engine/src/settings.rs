//! How the engine behaves: what operators set on the command line; the defaults are for
//! production.

use std::{path::PathBuf, time::Duration};

use crate::{retry::RetryPolicy, ssrf::TargetPolicy};

#[derive(Debug, Clone)]
pub struct Settings {
    pub retry: RetryPolicy,
    /// A subscription whose deliveries kept failing this long is marked failed.
    pub failure_window: Duration,
    pub targets: TargetPolicy,
    /// Deliveries to one subscription in flight at once, per process.
    pub per_subscription_concurrency: usize,
    /// Where the `log` channel may write files (one folder per project); `None`: standard
    /// output only.
    pub log_channel_dir: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            retry: RetryPolicy::default(),
            failure_window: Duration::from_secs(5 * 24 * 60 * 60),
            targets: TargetPolicy::default(),
            per_subscription_concurrency: 8,
            log_channel_dir: None,
        }
    }
}
