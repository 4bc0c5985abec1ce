//! The command line: sub-commands and their flags, each flag also read from a `HOOKHUB_*` variable.

use std::{fmt, net::SocketAddr, str::FromStr, time::Duration};

use clap::{Args, Parser, Subcommand};
use engine::{
    account::Role,
    retry::{parse_duration, RetryPolicy},
    service::Settings,
    ssrf::{Cidr, TargetPolicy},
    WorkerConfig,
};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/hookhub.db";
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
/// Above the ingest rate Hookhub is built for (10,000 single events per second on two cores),
/// so that one producer token can use all of it.
pub const DEFAULT_INGEST_RATE_LIMIT: u32 = 20_000;

#[derive(Debug, Parser)]
#[command(name = "hookhub", version, about = "Self-hosted webhook management")]
pub struct Cli {
    /// Database URL: `sqlite://path/to/file.db` (`migrate` and `serve` create it if missing) or
    /// `postgres://…`.
    #[arg(long, global = true, env = "HOOKHUB_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,

    /// Log lines as human-readable text or as JSON objects.
    #[arg(long, global = true, env = "HOOKHUB_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    #[command(flatten)]
    pub engine: EngineArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// How deliveries behave; shared by `serve` and `worker`.
#[derive(Debug, Clone, Args)]
pub struct EngineArgs {
    /// Allow callback URLs on loopback and private networks (only for trusted set-ups).
    #[arg(long, global = true, env = "HOOKHUB_ALLOW_PRIVATE_TARGETS")]
    pub allow_private_targets: bool,

    /// Internal ranges callbacks may reach anyway, e.g. `10.1.0.0/16,127.0.0.1` (comma separated).
    #[arg(long, global = true, env = "HOOKHUB_ALLOW_TARGETS", value_delimiter = ',', value_parser = str::parse::<Cidr>)]
    pub allow_targets: Vec<Cidr>,

    /// An HTTP proxy for every delivery, e.g. `http://egress.internal:3128`. It resolves and
    /// connects in Hookhub's place, so it must enforce its own egress policy. `HTTP(S)_PROXY` in
    /// the environment is never used for deliveries.
    #[arg(long, global = true, env = "HOOKHUB_DELIVERY_PROXY")]
    pub delivery_proxy: Option<String>,

    /// A directory the `log` channel may write in: each project gets a folder there, and a
    /// subscription names only a file in its project's folder. Without it, the `log` channel
    /// writes to standard output only.
    #[arg(long, global = true, env = "HOOKHUB_LOG_CHANNEL_DIR")]
    pub log_channel_dir: Option<std::path::PathBuf>,

    /// Delays between retries (comma separated): the first after the first failure, and so on.
    #[arg(long, global = true, env = "HOOKHUB_RETRY_SCHEDULE", value_delimiter = ',', default_values_t = RetryPolicy::default().schedule.into_iter().map(Span))]
    pub retry_schedule: Vec<Span>,

    /// The least wait after a 429 or a timeout.
    #[arg(long, global = true, env = "HOOKHUB_THROTTLED_RETRY_MINIMUM", default_value_t = Span(RetryPolicy::default().throttled_minimum))]
    pub throttled_retry_minimum: Span,

    /// Deliveries to one subscription in flight at once (per process).
    #[arg(
        long,
        global = true,
        env = "HOOKHUB_PER_SUBSCRIPTION_CONCURRENCY",
        default_value_t = Settings::default().per_subscription_concurrency
    )]
    pub per_subscription_concurrency: usize,

    /// How long a subscription's deliveries may keep failing before it is marked failed.
    #[arg(long, global = true, env = "HOOKHUB_FAILURE_WINDOW", default_value_t = Span(Settings::default().failure_window))]
    pub failure_window: Span,
}

impl EngineArgs {
    pub fn settings(&self) -> Settings {
        Settings {
            retry: RetryPolicy {
                schedule: self.retry_schedule.iter().map(|span| span.0).collect(),
                throttled_minimum: self.throttled_retry_minimum.0,
                ..RetryPolicy::default()
            },
            failure_window: self.failure_window.0,
            per_subscription_concurrency: self.per_subscription_concurrency,
            targets: TargetPolicy {
                allow_private: self.allow_private_targets,
                allowed: self.allow_targets.clone(),
                proxy: self.delivery_proxy.clone(),
            },
            log_channel_dir: self.log_channel_dir.clone(),
        }
    }
}

/// A duration flag, written `250ms`, `5s`, `5m` or `2h`. Shown (as a default in `--help`) in
/// the largest unit that is exact, so that a flag's default can be the engine's own value
/// rather than a copy of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span(pub Duration);

impl FromStr for Span {
    type Err = String;

    fn from_str(text: &str) -> Result<Span, String> {
        parse_duration(text).map(Span)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let millis = self.0.as_millis();
        let unit = [(3_600_000, "h"), (60_000, "m"), (1_000, "s")]
            .into_iter()
            .find(|(size, _)| millis > 0 && millis.is_multiple_of(*size));
        match unit {
            Some((size, unit)) => write!(f, "{}{unit}", millis / size),
            None => write!(f, "{millis}ms"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API and the dashboard, and deliver (unless --no-worker).
    Serve(ServeArgs),
    /// Only deliver: claim due deliveries and send them.
    Worker(WorkerArgs),
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user. The password comes from HOOKHUB_PASSWORD, or is generated and printed.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "")]
        full_name: String,
        #[arg(long, default_value = "")]
        email: String,
        /// May manage projects, users and everyone's tokens.
        #[arg(long)]
        admin: bool,
        /// Do nothing (and succeed) when any user exists already: for first-run scripts.
        #[arg(long)]
        if_no_users: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user and print it (it is shown only once).
    Create {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "command line")]
        name: String,
        /// The only project the token may touch; every project when absent.
        #[arg(long)]
        project: Option<String>,
        #[arg(long, value_parser = parse_role, default_value = "write")]
        role: Role,
    },
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| "expected read, write or admin".to_owned())
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address and port to listen on (port 0 picks a free one).
    #[arg(long, env = "HOOKHUB_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// Directory holding the dashboard's compiled assets (`pkg/`), as cargo-leptos builds them.
    #[arg(long, env = "HOOKHUB_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,

    /// Largest request body accepted, in bytes; larger ones get 413.
    #[arg(long, env = "HOOKHUB_MAX_BODY_BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,

    /// On first start (no users yet), create the administrator `admin` with a random password
    /// and print it once.
    #[arg(long, env = "HOOKHUB_DEMO_ADMIN")]
    pub demo_admin: bool,

    /// Management requests per second each API token may make (0: no limit); more get 429.
    #[arg(long, env = "HOOKHUB_RATE_LIMIT", default_value_t = 100)]
    pub rate_limit: u32,

    /// Ingest requests (`POST …/events`, `…/events/batch`) per second each API token may make
    /// (0: no limit); more get 429. Counted apart from the management limit.
    #[arg(long, env = "HOOKHUB_INGEST_RATE_LIMIT", default_value_t = DEFAULT_INGEST_RATE_LIMIT)]
    pub ingest_rate_limit: u32,

    /// Proxies in front of Hookhub whose `X-Forwarded-For` names the client, e.g. `10.0.0.0/8`
    /// (comma separated). Login throttling counts per client; without this, behind a proxy
    /// every client looks like the proxy.
    #[arg(long, env = "HOOKHUB_TRUSTED_PROXIES", value_delimiter = ',', value_parser = str::parse::<Cidr>)]
    pub trusted_proxies: Vec<Cidr>,

    /// Serve only; leave delivering to `hookhub worker` processes.
    #[arg(long, env = "HOOKHUB_NO_WORKER")]
    pub no_worker: bool,

    #[command(flatten)]
    pub worker: WorkerArgs,
}

#[derive(Debug, Clone, Args)]
pub struct WorkerArgs {
    /// Deliveries in flight at once.
    #[arg(long, env = "HOOKHUB_CONCURRENCY", default_value_t = WorkerConfig::default().concurrency)]
    pub concurrency: usize,

    /// Deliveries that may wait in the worker's memory, in all (each subscription may have 16
    /// per place in flight); the rest wait in the database.
    #[arg(long, env = "HOOKHUB_WORKER_QUEUE", default_value_t = WorkerConfig::default().queue)]
    pub worker_queue: usize,

    /// How long a claimed delivery stays with its worker; a crashed worker's deliveries are
    /// claimed again after this. Keep it above the longest timeout (30 s).
    #[arg(long, env = "HOOKHUB_LEASE", default_value_t = Span(WorkerConfig::default().lease))]
    pub lease: Span,

    /// How long attempts and events are kept (pruned hourly; queued work is never pruned).
    #[arg(long, env = "HOOKHUB_RETENTION", default_value = "720h")]
    pub retention: Span,
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[test]
    fn engine_flags_reach_the_settings() {
        let cli = Cli::try_parse_from([
            "hookhub",
            "serve",
            "--retry-schedule",
            "1s, 250ms",
            "--failure-window",
            "2s",
            "--allow-targets",
            "127.0.0.1",
        ])
        .unwrap();
        let settings = cli.engine.settings();
        assert_eq!(
            settings.retry.schedule,
            [Duration::from_secs(1), Duration::from_millis(250)]
        );
        assert_eq!(settings.failure_window, Duration::from_secs(2));
        let defaults = Cli::try_parse_from(["hookhub", "serve"]).unwrap();
        assert_eq!(
            defaults.engine.settings().retry.schedule,
            RetryPolicy::default().schedule
        );
        assert!(Cli::try_parse_from(["hookhub", "serve", "--retry-schedule", "5d"]).is_err());
    }

    #[test]
    fn unset_flags_take_the_engines_defaults() {
        let cli = Cli::try_parse_from(["hookhub", "serve"]).unwrap();
        let (settings, engine) = (cli.engine.settings(), Settings::default());
        assert_eq!(settings.retry, engine.retry);
        assert_eq!(settings.failure_window, engine.failure_window);
        assert_eq!(
            settings.per_subscription_concurrency,
            engine.per_subscription_concurrency
        );
        let Command::Serve(serve) = cli.command else {
            unreachable!("parsed as serve")
        };
        let worker = WorkerConfig::default();
        assert_eq!(serve.worker.concurrency, worker.concurrency);
        assert_eq!(serve.worker.worker_queue, worker.queue);
        assert_eq!(serve.worker.lease.0, worker.lease);
    }

    #[test]
    fn durations_are_shown_as_they_are_written() {
        for text in ["250ms", "1500ms", "90s", "5m", "120h"] {
            let span: Span = text.parse().unwrap();
            assert_eq!(span.to_string(), text);
        }
        assert_eq!(Span(Duration::from_secs(7200)).to_string(), "2h");
        assert_eq!(Span(Duration::ZERO).to_string(), "0ms");
    }
}
