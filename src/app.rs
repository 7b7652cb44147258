//! What every command shares: the user interface settings and the database
//! session, opened on first use and closed (stopping the embedded server if
//! this was its last user) when the command ends, also on error and Ctrl-C.

use std::process::ExitCode;

use sqlx::PgPool;

use crate::db::{DbConfig, Session, Target, embedded, migrate};
use crate::error::DbError;
use crate::ui::Ui;

/// How a command that ran to completion wants to exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit code 0.
    Success,
    /// Exit code 3 under `--strict`: the run succeeded but found data that
    /// needs a person's attention.
    NeedsAttention,
}

/// Exit codes scripts can rely on (documented in `--help` and the README).
pub mod exit {
    pub const SUCCESS: u8 = 0;
    pub const FAILURE: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const NEEDS_ATTENTION: u8 = 3;
    /// Another run of the same command for the same event is still going.
    pub const ALREADY_RUNNING: u8 = 4;
    pub const INTERRUPTED: u8 = 130;
}

pub struct App {
    pub ui: Ui,
    db_config: DbConfig,
    database: String,
    session: Option<Session>,
}

impl App {
    pub fn new(ui: Ui, db_config: DbConfig) -> App {
        App {
            ui,
            db_config,
            database: embedded::DEFAULT_DATABASE.to_string(),
            session: None,
        }
    }

    /// Use the embedded server and the given database on it, whatever
    /// DATABASE_URL says (`attrib demo` must never touch the user's data).
    pub fn use_embedded_database(&mut self, database: &str) {
        self.db_config.database_url = None;
        self.database = database.to_string();
    }

    pub fn target(&self) -> Result<Target, DbError> {
        Target::resolve(&self.db_config)
    }

    /// The database, with the schema current. On the embedded default,
    /// pending migrations are applied (it is attrib's own database); on a
    /// server of the user's, attrib asks for `attrib migrate` instead.
    pub async fn db(&mut self) -> anyhow::Result<PgPool> {
        let pool = self.db_unmigrated().await?;
        let embedded = self.session.as_ref().is_some_and(Session::is_embedded);
        let mut conn = pool.acquire().await?;
        let pending = migrate::pending_count(&mut conn, &migrate::MIGRATOR).await?;
        if pending > 0 {
            if !embedded {
                return Err(DbError::SchemaPending { pending }.into());
            }
            let applied = migrate::apply_pending(&mut conn, &migrate::MIGRATOR).await?;
            for m in applied {
                tracing::info!("applied migration {:03} {}", m.version, m.description);
            }
        }
        Ok(pool)
    }

    /// The database as it is, migrated or not (`attrib migrate`, `db status`).
    pub async fn db_unmigrated(&mut self) -> anyhow::Result<PgPool> {
        if self.session.is_none() {
            let target = self.target()?;
            let spinner = self.ui.spinner("starting PostgreSQL");
            let session = Session::connect(target, &self.database, &self.db_config.timezone).await;
            spinner.finish_and_clear();
            self.session = Some(session?);
        }
        Ok(self
            .session
            .as_ref()
            .map(|s| s.pool.clone())
            .expect("session was just opened"))
    }

    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    /// Ends the session: connections closed, server lease released.
    pub async fn close(&mut self) -> Result<(), DbError> {
        match self.session.take() {
            Some(session) => session.close().await,
            None => Ok(()),
        }
    }
}

/// Maps a command's result to the process exit code, printing the error.
pub fn finish(result: anyhow::Result<Outcome>) -> ExitCode {
    match result {
        Ok(Outcome::Success) => ExitCode::from(exit::SUCCESS),
        Ok(Outcome::NeedsAttention) => ExitCode::from(exit::NEEDS_ATTENTION),
        // The reader of stdout went away (`| head -1`): nothing more is
        // wanted, as for any Unix tool; say nothing (stderr may be the same
        // closed pipe) and succeed, so `set -o pipefail` scripts go on.
        Err(e) if is_broken_pipe(&e) => ExitCode::from(exit::SUCCESS),
        Err(e) => {
            let e = crate::error::ConnectionLost::explain(e, "command");
            // Whatever the error quotes, no connection string's password
            // reaches stderr (cron mails it).
            let mask = |text: String| crate::db::mask_secrets(&text);
            crate::ui::stderr_line(format_args!(
                "{} {}",
                console::style("error:").red().bold().for_stderr(),
                mask(e.to_string())
            ));
            for cause in e.chain().skip(1) {
                crate::ui::stderr_line(format_args!("  caused by: {}", mask(cause.to_string())));
            }
            let usage = e.downcast_ref::<crate::error::UsageError>().is_some()
                || matches!(
                    e.downcast_ref::<DbError>(),
                    Some(
                        DbError::Timezone(_)
                            | DbError::TimezoneOffset(_)
                            | DbError::NotEmbedded { .. }
                    )
                );
            if usage {
                ExitCode::from(exit::USAGE)
            } else if e.downcast_ref::<crate::error::AlreadyRunning>().is_some() {
                ExitCode::from(exit::ALREADY_RUNNING)
            } else if e.downcast_ref::<crate::error::Interrupted>().is_some() {
                ExitCode::from(exit::INTERRUPTED)
            } else {
                ExitCode::from(exit::FAILURE)
            }
        }
    }
}

/// Is the error, or any error it wraps, a write to a closed pipe? Looks
/// inside the wrappers that CSV and JSON writers put around `io::Error`.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(error_is_broken_pipe)
}

fn error_is_broken_pipe(error: &(dyn std::error::Error + 'static)) -> bool {
    if let Some(io) = error.downcast_ref::<std::io::Error>() {
        return io.kind() == std::io::ErrorKind::BrokenPipe
            || io
                .get_ref()
                .is_some_and(|inner| error_is_broken_pipe(inner));
    }
    if let Some(json) = error.downcast_ref::<serde_json::Error>() {
        return json.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe);
    }
    if let Some(csv) = error.downcast_ref::<csv::Error>()
        && let csv::ErrorKind::Io(io) = csv.kind()
    {
        return io.kind() == std::io::ErrorKind::BrokenPipe;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io;

    fn pipe() -> io::Error {
        io::Error::from(io::ErrorKind::BrokenPipe)
    }

    #[test]
    fn closed_pipes_are_found_inside_wrappers() {
        assert!(is_broken_pipe(&anyhow::Error::new(pipe())));
        assert!(is_broken_pipe(
            &anyhow::Error::new(pipe()).context("printing")
        ));
        let csv_error: io::Error = csv::Error::from(pipe()).into();
        assert!(is_broken_pipe(&csv_error.into()));
        let json = serde_json::Error::io(pipe());
        assert!(is_broken_pipe(&json.into()));
        assert_eq!(finish(Err(pipe().into())), ExitCode::from(exit::SUCCESS));
    }

    #[test]
    fn other_errors_are_not_closed_pipes() {
        let full = io::Error::from_raw_os_error(libc::ENOSPC);
        assert!(!is_broken_pipe(&full.into()));
        assert!(!is_broken_pipe(&anyhow::anyhow!("Broken pipe")));
        assert_eq!(
            finish(Err(anyhow::anyhow!("no"))),
            ExitCode::from(exit::FAILURE)
        );
    }
}
