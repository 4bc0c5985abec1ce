//! The command line: sub-commands and their flags, each flag also read from a `HOOKHUB_*` variable.

use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/hookhub.db";
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Debug, Parser)]
#[command(name = "hookhub", version, about = "Self-hosted webhook management")]
pub struct Cli {
    /// Database URL: `sqlite://path/to/file.db` (created if missing) or `postgres://…`.
    #[arg(long, global = true, env = "HOOKHUB_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API and the dashboard.
    Serve(ServeArgs),
    /// Bring the database schema up to date, then exit.
    Migrate,
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
}
