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
        Err(e) => {
            eprintln!("{} {e}", console::style("error:").red().bold().for_stderr());
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            let usage = e.downcast_ref::<crate::error::UsageError>().is_some()
                || matches!(
                    e.downcast_ref::<DbError>(),
                    Some(DbError::Timezone(_) | DbError::NotEmbedded { .. })
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
