//! attrib: which outreach brought in the registrations of Data & AI Day.
//!
//! Data flows one way: input file → validation → staging → set-based SQL →
//! reports. The rules (header mapping, slug normalisation, status progression)
//! are pure Rust functions; joins and aggregation happen in PostgreSQL.

pub mod app;
pub mod attention;
pub mod attribution;
pub mod brevo;
pub mod campaign;
pub mod cli;
pub mod commands;
pub mod db;
pub mod error;
pub mod event;
pub mod input;
pub mod output;
pub mod quicket;
pub mod report;
pub mod run_lock;
pub mod slug;
pub mod sources;
pub mod summary;
pub mod ui;
pub mod vocabulary;

use std::process::ExitCode;

use app::App;
use cli::Cli;
use db::DbConfig;
use error::Interrupted;

/// Runs the parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    init_logging(cli.global.quiet, cli.global.verbose);
    let ui = ui::Ui::detect(cli.global.quiet);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return app::finish(Err(e.into())),
    };
    let mut app = App::new(
        ui,
        DbConfig {
            database_url: cli.global.database_url,
            home: cli.global.home,
            timezone: cli.global.timezone,
        },
    );
    // `attrib mcp` ends on a signal itself, cleanly (exit 0): it is stopped
    // that way by the client that started it.
    let stops_itself = matches!(cli.command, cli::Command::Mcp(_));
    let result = runtime.block_on(async {
        if stops_itself {
            return commands::dispatch(&mut app, cli.command).await;
        }
        tokio::select! {
            result = commands::dispatch(&mut app, cli.command) => result,
            signal = shutdown_signal() => Err(Interrupted(signal).into()),
        }
    });
    // Always: close connections and stop the embedded server if we were its
    // last user, whether the command succeeded, failed or was interrupted.
    let closed = runtime.block_on(app.close());
    let result = match (result, closed) {
        (Ok(outcome), Ok(())) => Ok(outcome),
        (Ok(_), Err(e)) => Err(e.into()),
        (Err(e), Err(close)) => {
            tracing::warn!("{close}");
            Err(e)
        }
        (Err(e), Ok(())) => Err(e),
    };
    // A blocking reader may still be waiting on a pipe (an interrupted import
    // of stdin): do not wait for it, the transaction is already rolled back.
    runtime.shutdown_background();
    app::finish(result)
}

/// Resolves when the process is asked to stop: Ctrl-C, SIGTERM (cron,
/// systemd) or SIGHUP (terminal closed).
pub(crate) async fn shutdown_signal() -> &'static str {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut hup)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::hangup()),
    ) else {
        let _ = tokio::signal::ctrl_c().await;
        return "Ctrl-C";
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "Ctrl-C",
        _ = term.recv() => "SIGTERM",
        _ = hup.recv() => "SIGHUP",
    }
}

/// Diagnostics go to stderr, so that stdout stays clean for results.
fn init_logging(quiet: bool, verbose: u8) {
    let level = match (quiet, verbose) {
        (true, 0) => tracing::Level::ERROR,
        (_, 0) => tracing::Level::WARN,
        (_, 1) => tracing::Level::INFO,
        _ => tracing::Level::DEBUG,
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .without_time()
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()) && !ui::no_color())
        .try_init();
}
