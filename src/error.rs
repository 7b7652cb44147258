//! Error types of the library. Messages are written for the organiser at the
//! terminal: what went wrong, where, and what to do about it.

use std::path::{Path, PathBuf};

/// Problems finding, starting or reaching the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "PostgreSQL server programs (initdb, pg_ctl, postgres) were not found.\n\
         attrib runs its own private PostgreSQL from them. Install them:\n  \
         Debian/Ubuntu: apt-get install postgresql\n  \
         macOS:         brew install postgresql@16\n  \
         Fedora/RHEL:   dnf install postgresql-server\n\
         or set ATTRIB_PG_BINDIR to the directory that holds them,\n\
         or use an existing server instead: --database-url / DATABASE_URL.\n\
         Searched: {}",
        .searched.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    BinariesNotFound { searched: Vec<PathBuf> },

    #[error(
        "cannot tell where attrib should keep its data: neither HOME nor XDG_DATA_HOME is set.\n\
         Set ATTRIB_HOME (or pass --home DIR), e.g. ATTRIB_HOME=/var/lib/attrib"
    )]
    NoHome,

    #[error(
        "PostgreSQL refuses to run as root, and there is no account '{name}' to run it as.\n\
         Create one (useradd --system --user-group postgres), set ATTRIB_SERVER_USER to an \
         existing unprivileged account, or run attrib as an ordinary user."
    )]
    NoServerAccount { name: String },

    #[error(
        "the PostgreSQL server runs as '{account}' (it refuses to run as root), and '{account}' \
         cannot reach {home} (a parent directory such as /root is private).\n\
         Choose a home it can reach, e.g. --home /var/lib/attrib (or ATTRIB_HOME=/var/lib/attrib)."
    )]
    HomeUnreachable { home: PathBuf, account: String },

    #[error(
        "the home directory {home} is too deep: the server's socket path inside it would exceed \
         the 107 bytes Unix allows. Set ATTRIB_HOME to a shorter path."
    )]
    HomeTooLong { home: PathBuf },

    #[error(
        "cannot use {} as attrib's home: {why}.\n\
         Set ATTRIB_HOME (or pass --home DIR) to a directory this account can create and write, \
         e.g. ATTRIB_HOME=/var/lib/attrib (under cron or systemd, set it in the job's environment).",
        .home.display()
    )]
    HomeUnusable { home: PathBuf, why: String },

    #[error("initdb failed to create the embedded PostgreSQL cluster:\n{detail}")]
    Initdb { detail: String },

    #[error("the embedded PostgreSQL server did not start (log: {}):\n{detail}", .log.display())]
    ServerStart { log: PathBuf, detail: String },

    #[error("the embedded PostgreSQL server did not stop:\n{detail}")]
    ServerStop { detail: String },

    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("cannot connect to {target}: {reason}")]
    Connect { target: String, reason: String },

    #[error(
        "the database schema is not up to date ({pending} migration(s) pending).\n\
         Run `attrib migrate` first."
    )]
    SchemaPending { pending: usize },

    #[error("{0}")]
    Migrate(String),

    #[error(
        "'{0}' is not a time zone PostgreSQL knows; use an IANA name such as \
         Africa/Johannesburg, Europe/London or UTC (--timezone / ATTRIB_TIMEZONE)"
    )]
    Timezone(String),

    #[error(
        "'{0}' is an offset, not a time zone: PostgreSQL reads POSIX offsets with the sign \
         flipped ('UTC+5' means five hours west of UTC). Use an IANA name such as \
         Africa/Johannesburg or UTC; for a fixed offset, Etc/GMT-5 means UTC+5 (the sign is \
         reversed in these names too) (--timezone / ATTRIB_TIMEZONE)"
    )]
    TimezoneOffset(String),

    #[error(
        "`{command}` manages the embedded server; attrib is using DATABASE_URL / --database-url ({target})"
    )]
    NotEmbedded { command: String, target: String },
}

impl DbError {
    pub fn io(path: &Path, source: std::io::Error) -> DbError {
        DbError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// A mistake in how attrib was called that clap could not catch (an event
/// selector that names nothing, conflicting options). Exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The command was interrupted by a signal (Ctrl-C, SIGTERM from cron).
#[derive(Debug, thiserror::Error)]
#[error("interrupted by {0}; nothing was left half-written")]
pub struct Interrupted(pub &'static str);

/// Another run of the same command for the same event still holds its lock
/// (a slow run when the next cron tick fires). Exit code 4; nothing was
/// written.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct AlreadyRunning(pub String);

/// The connection to PostgreSQL went away in the middle of a command (the
/// server stopped, or the session was killed): what happened and what it
/// means, instead of sqlx's "expected to read 5 bytes, got 0 bytes at EOF".
#[derive(Debug, thiserror::Error)]
pub enum ConnectionLost {
    #[error(
        "the connection to PostgreSQL was lost (the server stopped or the session was killed); \
         nothing of this {what} was committed; run it again"
    )]
    BeforeCommit { what: &'static str },
    #[error(
        "the connection to PostgreSQL was lost while this {what} was being committed (the server \
         stopped or the session was killed); it may or may not have been recorded: run it again \
         (what is already there is left as it is)"
    )]
    AtCommit { what: &'static str },
}

impl ConnectionLost {
    /// `error` as a lost connection when that is what it is (anywhere in
    /// its chain), else `error` unchanged. `what` names the work ("import").
    pub fn explain(error: anyhow::Error, what: &'static str) -> anyhow::Error {
        if error.downcast_ref::<ConnectionLost>().is_some() || !is_connection_lost(&error) {
            return error;
        }
        tracing::debug!("connection lost: {error:#}");
        let at_commit = error
            .chain()
            .any(|cause| cause.to_string().starts_with("committing"));
        if at_commit {
            ConnectionLost::AtCommit { what }.into()
        } else {
            ConnectionLost::BeforeCommit { what }.into()
        }
    }
}

/// Does the error, or one it wraps, say the database connection is gone?
pub fn is_connection_lost(error: &anyhow::Error) -> bool {
    // Only sqlx's errors: a bare io::Error may be a closed stdout or an
    // input file, which are no database problem.
    error.chain().any(|cause| {
        cause
            .downcast_ref::<sqlx::Error>()
            .is_some_and(sqlx_connection_lost)
    })
}

fn sqlx_connection_lost(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(e) => io_connection_lost(e),
        // 57P01-57P03: the server is shutting down or the session was
        // terminated; class 08: connection exceptions.
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|code| code.starts_with("57P0") || code.starts_with("08")),
        sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => true,
        _ => false,
    }
}

fn io_connection_lost(error: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(
        error.kind(),
        ErrorKind::UnexpectedEof
            | ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::BrokenPipe
            | ErrorKind::NotConnected
    )
}

#[cfg(test)]
mod connection_tests {
    use super::*;

    fn eof() -> anyhow::Error {
        sqlx::Error::Io(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "expected to read 5 bytes, got 0 bytes at EOF",
        ))
        .into()
    }

    #[test]
    fn a_lost_connection_is_explained() {
        let e = ConnectionLost::explain(eof().context("loading the staging table"), "import");
        assert_eq!(
            e.to_string(),
            "the connection to PostgreSQL was lost (the server stopped or the session was \
             killed); nothing of this import was committed; run it again"
        );
        assert_eq!(e.chain().count(), 1, "no repeated cause");
        let at_commit =
            ConnectionLost::explain(eof().context("committing the import failed"), "import");
        assert!(
            at_commit
                .to_string()
                .contains("while this import was being committed")
        );
        assert!(is_connection_lost(&sqlx::Error::PoolClosed.into()));
    }

    #[test]
    fn other_errors_pass_unchanged() {
        let e = ConnectionLost::explain(anyhow::anyhow!("bad row"), "import");
        assert_eq!(e.to_string(), "bad row");
        let refused = sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
        assert!(!is_connection_lost(&refused.into()));
        // Writing to a closed stdout is not a database problem.
        let pipe = anyhow::Error::new(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert!(!is_connection_lost(&pipe));
    }
}
