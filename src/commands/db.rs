//! `attrib db`: the embedded PostgreSQL server, for organisers who run many
//! commands in a row or want to look at the data with psql.
//!
//! Normally each attrib command starts the private server for its own
//! duration. `db start` keeps it running between commands until `db stop`;
//! `db url` prints a connection URL for psql; `db status` says what is where.

use crate::app::{App, Outcome};
use crate::db::embedded::{Cluster, StartOutcome, StopOutcome};
use crate::db::{Target, migrate};
use crate::error::DbError;
use crate::output::Format;

#[derive(Debug, clap::Subcommand)]
pub enum DbCommand {
    /// Start the embedded server and keep it running after this command, so
    /// that later commands (and psql) use it without starting it each time.
    Start,
    /// Stop the embedded server started by `attrib db start` (once no other
    /// attrib command is using it).
    Stop,
    /// Is the server running, where are its data and socket, which versions.
    Status {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Print a connection URL that psql accepts: psql "$(attrib db url)".
    Url,
}

pub async fn run(app: &mut App, cmd: DbCommand) -> anyhow::Result<Outcome> {
    match cmd {
        DbCommand::Start => {
            let cluster = embedded(app, "attrib db start")?;
            let outcome = blocking(move || cluster.start_detached()).await?;
            app.ui.note(match outcome {
                StartOutcome::Started => "Started the embedded PostgreSQL server; it keeps running until `attrib db stop`.",
                StartOutcome::AlreadyRunning => "The embedded PostgreSQL server was already running; it now keeps running until `attrib db stop`.",
            });
        }
        DbCommand::Stop => {
            let cluster = embedded(app, "attrib db stop")?;
            let outcome = blocking(move || cluster.stop()).await?;
            app.ui.note(match outcome {
                StopOutcome::Stopped => "Stopped the embedded PostgreSQL server.",
                StopOutcome::NotRunning => "The embedded PostgreSQL server was not running.",
                StopOutcome::InUse => {
                    "Other attrib commands are using the server; the last of them will stop it."
                }
            });
        }
        DbCommand::Url => {
            let cluster = embedded(app, "attrib db url")?;
            crate::outln!("{}", cluster.url(crate::db::embedded::DEFAULT_DATABASE))?;
            let running = blocking(move || cluster.is_running()).await?;
            if !running {
                app.ui
                    .note("The server is not running now; `attrib db start` keeps it up for psql.");
            }
        }
        DbCommand::Status { format } => status(app, format).await?,
    }
    Ok(Outcome::Success)
}

/// The cluster, or a clear refusal when the user pointed attrib at a server.
fn embedded(app: &App, command: &str) -> anyhow::Result<Cluster> {
    match app.target()? {
        Target::Embedded(cluster) => Ok(cluster),
        target @ Target::Url { .. } => Err(DbError::NotEmbedded {
            command: command.into(),
            target: target.describe(),
        }
        .into()),
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, DbError> + Send + 'static,
) -> anyhow::Result<T> {
    Ok(tokio::task::spawn_blocking(f).await??)
}

async fn status(app: &mut App, format: Format) -> anyhow::Result<()> {
    let target = app.target()?;
    let mut fields: Vec<(&str, String)> = Vec::new();
    if let Target::Embedded(cluster) = &target {
        let probe = cluster.clone();
        let (was_running, kept) =
            blocking(move || Ok((probe.is_running()?, probe.keep_running()))).await?;
        let home = cluster.home();
        fields.push((
            "server",
            match (was_running, kept) {
                (true, true) => "running (kept up by `attrib db start`)".into(),
                (true, false) => "running (in use by another attrib command)".into(),
                (false, _) => "stopped (each command starts it for its own duration)".into(),
            },
        ));
        fields.push(("home", home.root().display().to_string()));
        fields.push(("data directory", home.data_dir().display().to_string()));
        fields.push(("socket", cluster.socket_path().display().to_string()));
        fields.push(("server account", cluster.account().name.clone()));
        fields.push((
            "server programs",
            cluster.binaries().bindir.display().to_string(),
        ));
    } else {
        fields.push(("server", target.describe()));
    }
    let pool = app.db_unmigrated().await?;
    let mut conn = pool.acquire().await?;
    let version: String = sqlx::query_scalar("SHOW server_version")
        .fetch_one(&mut *conn)
        .await?;
    let database: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(&mut *conn)
        .await?;
    let statuses = migrate::status(&mut conn, &migrate::MIGRATOR).await?;
    let applied = statuses.iter().filter(|s| s.applied).count();
    let latest = statuses
        .iter()
        .filter(|s| s.applied)
        .map(|s| s.version)
        .max();
    let pending = statuses.len() - applied;
    fields.push(("server version", format!("PostgreSQL {version}")));
    fields.push(("database", database));
    fields.push((
        "schema version",
        match (latest, pending) {
            (None, _) => "none: run `attrib migrate`".into(),
            (Some(v), 0) => format!("{v:03} (current)"),
            (Some(v), n) => format!("{v:03} ({n} pending: run `attrib migrate`)"),
        },
    ));
    if format == Format::Json {
        let map: serde_json::Map<String, serde_json::Value> = fields
            .iter()
            .map(|(k, v)| (k.replace(' ', "_"), serde_json::Value::String(v.clone())))
            .chain([
                (
                    "schema_version_number".to_string(),
                    serde_json::json!(latest),
                ),
                ("pending_migrations".to_string(), serde_json::json!(pending)),
            ])
            .collect();
        crate::outln!("{}", serde_json::to_string_pretty(&map)?)?;
    } else {
        let width = fields.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        for (k, v) in fields {
            crate::outln!("{k:<width$}  {v}")?;
        }
    }
    Ok(())
}
