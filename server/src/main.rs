//! `hookhub`: parses the command line and runs the chosen sub-command.

use std::process::ExitCode;

use clap::Parser;
use engine::{service::Settings, Engine, EngineError, WorkerConfig};
use server::{
    accounts,
    config::{Cli, Command, LogFormat, ServeArgs, UserCommand, WorkerArgs},
    rate_limit::RateLimiter,
    startup::{self, HttpLimits},
    state::AppState,
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tracing_subscriber::EnvFilter;

/// Many small allocations on several threads (requests, JSON, deliveries in flight): glibc's
/// allocator spent a seventh of the delivery hot path's CPU time consolidating and unlinking;
/// jemalloc cut it with idle memory unchanged (mimalloc, tried too, added 18 MiB idle).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // The whole chain: an internal error says what failed, its causes say why.
            eprintln!("hookhub: {}", engine::error::chain(&*error));
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let settings = cli.engine.settings();
    match cli.command {
        Command::Migrate => {
            Engine::migrate(&cli.database_url).await?;
            println!("database is up to date");
        }
        Command::Serve(args) => serve(&cli.database_url, settings, args).await?,
        Command::Worker(args) => work(&cli.database_url, settings, args).await?,
        Command::User(command) => {
            let engine = open_migrated(&cli.database_url, settings).await?;
            accounts::user(&engine, command).await?;
        }
        Command::Token(command) => {
            let engine = open_migrated(&cli.database_url, settings).await?;
            accounts::token(&engine, command).await?;
        }
    }
    Ok(())
}

async fn serve(
    database_url: &str,
    settings: Settings,
    args: ServeArgs,
) -> Result<(), Box<dyn std::error::Error>> {
    Engine::migrate(database_url).await?;
    let engine = Engine::open(database_url, settings).await?;
    if args.demo_admin {
        let admin = UserCommand::Create {
            username: "admin".into(),
            full_name: "Administrator".into(),
            email: String::new(),
            admin: true,
            if_no_users: true,
        };
        accounts::user(&engine, admin).await?;
    }
    let listener = TcpListener::bind(args.listen).await?;
    // Scripts and tests read this line to learn the port.
    println!("Hookhub listening on http://{}", listener.local_addr()?);

    let shutdown = CancellationToken::new();
    tokio::spawn(cancel_on_signal(shutdown.clone()));
    let worker = (!args.no_worker).then(|| {
        let (engine, retention, shutdown) =
            (engine.clone(), args.worker.retention.0, shutdown.clone());
        let config = worker_config(&args.worker);
        tokio::spawn(async move {
            tokio::join!(
                engine.run_retention(retention, shutdown.clone()),
                engine.run_worker(config, shutdown.clone()),
            );
        })
    });
    let state = AppState {
        engine: engine.clone(),
        leptos_options: startup::leptos_options(&args.site_root),
        rate_limiter: RateLimiter::new(args.rate_limit, args.ingest_rate_limit),
        shutdown: shutdown.clone(),
    };
    let limits = HttpLimits {
        max_body_bytes: args.max_body_bytes,
        trusted_proxies: args.trusted_proxies,
    };
    startup::serve(listener, startup::router(state, limits), shutdown).await?;
    if let Some(worker) = worker {
        worker.await?;
    }
    engine.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn work(
    database_url: &str,
    settings: Settings,
    args: WorkerArgs,
) -> Result<(), Box<dyn std::error::Error>> {
    let engine = open_migrated(database_url, settings).await?;
    let shutdown = CancellationToken::new();
    tokio::spawn(cancel_on_signal(shutdown.clone()));
    tokio::join!(
        engine.run_retention(args.retention.0, shutdown.clone()),
        engine.run_worker(worker_config(&args), shutdown.clone()),
    );
    engine.close().await;
    Ok(())
}

/// The engine, for a command that must not change the schema (all but `migrate` and `serve`):
/// a `token create` during a rolling upgrade must never migrate a database other instances
/// share. A database that is not up to date is refused, saying what to run.
async fn open_migrated(
    database_url: &str,
    settings: Settings,
) -> Result<Engine, Box<dyn std::error::Error>> {
    Engine::open(database_url, settings)
        .await
        .map_err(|error| match error {
            EngineError::NotMigrated(_) => format!("{error}; run `hookhub migrate` first").into(),
            other => other.into(),
        })
}

fn worker_config(args: &WorkerArgs) -> WorkerConfig {
    WorkerConfig {
        concurrency: args.concurrency.max(1),
        lease: args.lease.0,
        queue: args.worker_queue.max(1),
        ..WorkerConfig::default()
    }
}

/// Cancels `shutdown` on ctrl-c or SIGTERM: the one signal every long-running task watches.
async fn cancel_on_signal(shutdown: CancellationToken) {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
    tracing::info!("shutting down");
    shutdown.cancel();
}
