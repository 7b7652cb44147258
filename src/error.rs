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
