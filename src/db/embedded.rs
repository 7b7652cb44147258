//! The embedded default: a private PostgreSQL cluster under attrib's home
//! directory, run from the machine's own server binaries.
//!
//! Layout of the home directory:
//!
//! ```text
//! <home>/pgdata/        the cluster (owned by the server account, 0700)
//! <home>/run/           the server's Unix socket (0700); no TCP port is opened
//! <home>/log/           the server log
//! <home>/control.lock   serialises start, stop and first-time setup
//! <home>/users.lock     every attrib command using the server holds a shared lock
//! <home>/keep-running   present while `attrib db start` wants the server kept up
//! ```
//!
//! Every command takes a [`Lease`]: it starts the server if needed and, when the
//! last lease is released (the shared lock on `users.lock` can be upgraded), it
//! stops the server again, unless `attrib db start` asked to keep it running.
//! Locks are `flock(2)` locks, released by the kernel when a process dies, so a
//! killed attrib never leaves a stale lock behind; PostgreSQL itself refuses a
//! second postmaster on one data directory and recovers its own stale pid file.

use std::ffi::{CStr, CString};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use sqlx::postgres::PgConnectOptions;

use crate::error::DbError;

/// The role and database names inside the private cluster.
pub const ROLE: &str = "attrib";
pub const DEFAULT_DATABASE: &str = "attrib";
/// The port only names the socket file (`.s.PGSQL.5432`); no TCP port is opened.
pub const DEFAULT_PORT: u16 = 5432;
/// `sun_path` holds 108 bytes including the terminating NUL.
const MAX_SOCKET_PATH: usize = 107;

/// Where attrib keeps its private cluster.
#[derive(Debug, Clone)]
pub struct Home {
    root: PathBuf,
}

impl Home {
    /// The home directory: `explicit` (from `--home` or `ATTRIB_HOME`) when
    /// given, else `$XDG_DATA_HOME/attrib`, else `~/.local/share/attrib`.
    /// Run as root, the default is `/var/lib/attrib`: the server must run as an
    /// unprivileged account, and that account cannot enter `/root` (0700).
    pub fn resolve(explicit: Option<PathBuf>) -> Result<Home, DbError> {
        let root = match explicit {
            Some(path) if path.as_os_str().is_empty() => return Err(DbError::NoHome),
            Some(path) => absolute(&path),
            None if is_root() => PathBuf::from("/var/lib/attrib"),
            None => default_user_home().ok_or(DbError::NoHome)?,
        };
        Ok(Home { root })
    }

    pub fn new(root: impl Into<PathBuf>) -> Home {
        Home {
            root: absolute(&root.into()),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn data_dir(&self) -> PathBuf {
        self.root.join("pgdata")
    }
    pub fn socket_dir(&self) -> PathBuf {
        self.root.join("run")
    }
    fn log_dir(&self) -> PathBuf {
        self.root.join("log")
    }
    pub fn log_file(&self) -> PathBuf {
        self.log_dir().join("postgres.log")
    }
    fn control_lock(&self) -> PathBuf {
        self.root.join("control.lock")
    }
    fn users_lock(&self) -> PathBuf {
        self.root.join("users.lock")
    }
    fn keep_running_marker(&self) -> PathBuf {
        self.root.join("keep-running")
    }
    /// True once `initdb` has completed here.
    pub fn is_initialised(&self) -> bool {
        self.data_dir().join("PG_VERSION").is_file()
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// `$XDG_DATA_HOME/attrib` or `$HOME/.local/share/attrib`; without either
/// variable (cron), the home directory from the password database.
fn default_user_home() -> Option<PathBuf> {
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME").filter(|v| Path::new(v).is_absolute()) {
        return Some(PathBuf::from(xdg).join("attrib"));
    }
    let home = std::env::var_os("HOME")
        .filter(|v| Path::new(v).is_absolute())
        .map(PathBuf::from)
        .or_else(|| {
            // SAFETY: getuid cannot fail.
            let uid = unsafe { libc::getuid() };
            Account::by_uid(uid).map(|a| a.home)
        })?;
    Some(home.join(".local/share/attrib"))
}

/// A Unix account, as read from the password database.
#[derive(Debug, Clone)]
pub struct Account {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    pub home: PathBuf,
}

impl Account {
    fn from_passwd(pw: *const libc::passwd) -> Option<Account> {
        if pw.is_null() {
            return None;
        }
        // SAFETY: a non-null result of getpw* points to a valid passwd record
        // whose strings are NUL-terminated; we copy them out at once.
        unsafe {
            let pw = &*pw;
            Some(Account {
                name: CStr::from_ptr(pw.pw_name).to_string_lossy().into_owned(),
                uid: pw.pw_uid,
                gid: pw.pw_gid,
                home: PathBuf::from(CStr::from_ptr(pw.pw_dir).to_string_lossy().into_owned()),
            })
        }
    }

    pub fn by_name(name: &str) -> Option<Account> {
        let c = CString::new(name).ok()?;
        // SAFETY: c is a valid C string; the result is copied before any other getpw* call.
        Account::from_passwd(unsafe { libc::getpwnam(c.as_ptr()) })
    }

    pub fn by_uid(uid: u32) -> Option<Account> {
        // SAFETY: as above.
        Account::from_passwd(unsafe { libc::getpwuid(uid) })
    }

    /// The account the server runs as: the current user, or when attrib runs
    /// as root (which PostgreSQL refuses), `ATTRIB_SERVER_USER` or `postgres`.
    pub fn for_server() -> Result<Account, DbError> {
        // SAFETY: geteuid cannot fail.
        let euid = unsafe { libc::geteuid() };
        if euid != 0 {
            return Account::by_uid(euid).ok_or(DbError::NoServerAccount {
                name: format!("uid {euid}"),
            });
        }
        let name = std::env::var("ATTRIB_SERVER_USER").unwrap_or_else(|_| "postgres".into());
        match Account::by_name(&name) {
            Some(account) if account.uid != 0 => Ok(account),
            _ => Err(DbError::NoServerAccount { name }),
        }
    }

    fn is_current_user(&self) -> bool {
        // SAFETY: geteuid cannot fail.
        self.uid == unsafe { libc::geteuid() }
    }

    /// Can this account enter `dir` (search permission on it and every parent)?
    fn can_reach(&self, dir: &Path) -> bool {
        if self.uid == 0 || self.is_current_user() {
            return true;
        }
        dir.ancestors().all(|d| match fs::metadata(d) {
            Ok(meta) => {
                let mode = meta.mode();
                if meta.uid() == self.uid {
                    mode & 0o100 != 0
                } else if meta.gid() == self.gid {
                    mode & 0o010 != 0
                } else {
                    mode & 0o001 != 0
                }
            }
            // Does not exist yet: it will be created by us with the right modes.
            Err(_) => true,
        })
    }
}

/// The PostgreSQL server programs attrib needs.
#[derive(Debug, Clone)]
pub struct ServerBinaries {
    pub bindir: PathBuf,
}

impl ServerBinaries {
    /// Finds `initdb`, `pg_ctl` and `postgres`: in `ATTRIB_PG_BINDIR`, on `PATH`,
    /// in `pg_config --bindir`, then in the usual package locations, newest
    /// version first. With `prefer_major`, a directory of that major version wins
    /// (an existing cluster can only be run by its own major version).
    pub fn find(prefer_major: Option<u32>) -> Result<ServerBinaries, DbError> {
        let mut searched = Vec::new();
        let mut candidates: Vec<PathBuf> = Vec::new();
        // An explicit choice is honoured or refused, never silently replaced.
        if let Some(dir) = std::env::var_os("ATTRIB_PG_BINDIR").filter(|d| !d.is_empty()) {
            let dir = PathBuf::from(dir);
            return if has_server_programs(&dir) {
                Ok(ServerBinaries { bindir: dir })
            } else {
                Err(DbError::BinariesNotFound {
                    searched: vec![dir],
                })
            };
        }
        if let Some(path) = std::env::var_os("PATH") {
            candidates.extend(std::env::split_paths(&path));
        }
        if let Some(dir) = pg_config_bindir() {
            candidates.push(dir);
        }
        for pattern in [
            "/usr/lib/postgresql",
            "/usr/local/opt",
            "/opt/homebrew/opt",
            "/usr/pgsql",
        ] {
            candidates.extend(versioned_dirs(pattern));
        }
        candidates.push(PathBuf::from("/usr/local/pgsql/bin"));

        let mut found = Vec::new();
        for dir in candidates {
            if has_server_programs(&dir) {
                found.push(dir);
            } else {
                searched.push(dir);
            }
        }
        if let Some(major) = prefer_major
            && let Some(dir) = found.iter().find(|d| major_version(d) == Some(major))
        {
            return Ok(ServerBinaries {
                bindir: dir.clone(),
            });
        }
        match found.into_iter().next() {
            Some(bindir) => Ok(ServerBinaries { bindir }),
            None => Err(DbError::BinariesNotFound { searched }),
        }
    }

    pub fn program(&self, name: &str) -> PathBuf {
        self.bindir.join(name)
    }

    /// `postgres --version`, e.g. "postgres (PostgreSQL) 15.18".
    pub fn version(&self) -> Option<String> {
        let out = Command::new(self.program("postgres"))
            .arg("--version")
            .output()
            .ok()?;
        Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }
}

fn has_server_programs(dir: &Path) -> bool {
    ["initdb", "pg_ctl", "postgres"]
        .iter()
        .all(|p| is_executable(&dir.join(p)))
}

fn is_executable(path: &Path) -> bool {
    fs::metadata(path)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

fn pg_config_bindir() -> Option<PathBuf> {
    let out = Command::new("pg_config")
        .arg("--bindir")
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

/// `<root>/<version>/bin` (Debian), `<root>/postgresql@<version>/bin`
/// (Homebrew) and `<root>-<version>/bin` (RPM), newest version first.
fn versioned_dirs(root: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<(u32, PathBuf)> = Vec::new();
    let (parent, prefix) = match root {
        "/usr/pgsql" => (Path::new("/usr"), "pgsql-"),
        "/usr/lib/postgresql" => (Path::new(root), ""),
        _ => (Path::new(root), "postgresql@"),
    };
    if let Ok(entries) = fs::read_dir(parent) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(version) = name.strip_prefix(prefix)
                && let Ok(v) = version.split('.').next().unwrap_or("").parse::<u32>()
            {
                dirs.push((v, entry.path().join("bin")));
            }
        }
    }
    dirs.sort_by_key(|d| std::cmp::Reverse(d.0));
    dirs.into_iter().map(|(_, d)| d).collect()
}

/// The major version of the binaries in `bindir`, from `postgres --version`.
fn major_version(bindir: &Path) -> Option<u32> {
    let out = Command::new(bindir.join("postgres"))
        .arg("--version")
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let version = text.split_whitespace().last()?;
    version.split('.').next()?.parse().ok()
}

/// Tuning for the private cluster. The defaults keep data durable; the test
/// harness turns durability off because its clusters are thrown away.
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    pub durable: bool,
    pub max_connections: u32,
    /// Names the socket file; a TCP port only if `extra_settings` opens one.
    pub port: u16,
    /// Extra `postgresql.conf` lines, written after attrib's own (later
    /// settings win). Tests use it to open a TLS port.
    pub extra_settings: Vec<String>,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions {
            durable: true,
            max_connections: 50,
            port: DEFAULT_PORT,
            extra_settings: Vec::new(),
        }
    }
}

/// A private cluster: its home, the binaries that run it and the account they run as.
#[derive(Debug, Clone)]
pub struct Cluster {
    home: Home,
    binaries: ServerBinaries,
    account: Account,
    options: ClusterOptions,
}

/// What `attrib db start` found and did.
#[derive(Debug, PartialEq, Eq)]
pub enum StartOutcome {
    Started,
    AlreadyRunning,
}

/// What `attrib db stop` found and did.
#[derive(Debug, PartialEq, Eq)]
pub enum StopOutcome {
    Stopped,
    NotRunning,
    /// Other attrib commands still use the server; the last one stops it.
    InUse,
}

impl Cluster {
    /// Finds the binaries and the server account for `home`. Nothing is
    /// created or started yet.
    pub fn open(home: Home, options: ClusterOptions) -> Result<Cluster, DbError> {
        let prefer_major = fs::read_to_string(home.data_dir().join("PG_VERSION"))
            .ok()
            .and_then(|v| v.trim().parse().ok());
        let binaries = ServerBinaries::find(prefer_major)?;
        let account = Account::for_server()?;
        Ok(Cluster {
            home,
            binaries,
            account,
            options,
        })
    }

    pub fn home(&self) -> &Home {
        &self.home
    }
    pub fn binaries(&self) -> &ServerBinaries {
        &self.binaries
    }
    pub fn account(&self) -> &Account {
        &self.account
    }

    /// The server's socket file.
    pub fn socket_path(&self) -> PathBuf {
        self.home
            .socket_dir()
            .join(format!(".s.PGSQL.{}", self.options.port))
    }

    /// Connection options for `database` over the private socket.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new_without_pgpass()
            .socket(self.home.socket_dir())
            .port(self.options.port)
            .username(ROLE)
            .database(database)
            .application_name("attrib")
    }

    /// A URL that both psql and attrib accept. The `host` parameter (the
    /// socket directory) overrides `localhost`; sqlx refuses an empty host.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgresql://{ROLE}@localhost/{database}?host={}&port={}",
            percent_encode_path(&self.home.socket_dir()),
            self.options.port
        )
    }

    /// Takes a lease on the server for this process, setting up the cluster
    /// on first use and starting the server when it is not running.
    pub fn lease(&self) -> Result<Lease, DbError> {
        self.prepare_home()?;
        let control = self.lock_control()?;
        let users = open_lock_file(&self.home.users_lock())?;
        // Shared: any number of commands may use the server at once. Nobody
        // holds it exclusively without also holding the control lock, which
        // we hold now, so this does not wait.
        flock(&users, libc::LOCK_SH, &self.home.users_lock())?;
        let started = self.ensure_running()?;
        drop(control);
        Ok(Lease {
            cluster: self.clone(),
            users: Some(users),
            started_server: started,
        })
    }

    /// `attrib db start`: start the server and keep it running after this
    /// command exits, until `attrib db stop`.
    pub fn start_detached(&self) -> Result<StartOutcome, DbError> {
        self.prepare_home()?;
        let _control = self.lock_control()?;
        let started = self.ensure_running()?;
        fs::write(self.home.keep_running_marker(), b"attrib db start\n")
            .map_err(|e| DbError::io(&self.home.keep_running_marker(), e))?;
        Ok(if started {
            StartOutcome::Started
        } else {
            StartOutcome::AlreadyRunning
        })
    }

    /// `attrib db stop`: no longer keep the server running; stop it now unless
    /// other attrib commands still use it (the last of them stops it).
    pub fn stop(&self) -> Result<StopOutcome, DbError> {
        if !self.home.root().exists() {
            return Ok(StopOutcome::NotRunning);
        }
        let _control = self.lock_control()?;
        let marker = self.home.keep_running_marker();
        if marker.exists() {
            fs::remove_file(&marker).map_err(|e| DbError::io(&marker, e))?;
        }
        if !self.is_running()? {
            return Ok(StopOutcome::NotRunning);
        }
        let users = open_lock_file(&self.home.users_lock())?;
        if try_flock(&users, libc::LOCK_EX, &self.home.users_lock())? {
            self.pg_ctl_stop()?;
            Ok(StopOutcome::Stopped)
        } else {
            Ok(StopOutcome::InUse)
        }
    }

    /// Is a server running on this data directory?
    pub fn is_running(&self) -> Result<bool, DbError> {
        if !self.home.is_initialised() {
            return Ok(false);
        }
        let out = self.run_as_server(
            self.pg_ctl()
                .arg("status")
                .arg("-D")
                .arg(self.home.data_dir()),
        )?;
        // pg_ctl status: 0 running, 3 not running, 4 no accessible data directory.
        Ok(out.status.code() == Some(0))
    }

    /// True while `attrib db start` wants the server kept running.
    pub fn keep_running(&self) -> bool {
        self.home.keep_running_marker().exists()
    }

    /// Creates the home directory with modes that let the server account in
    /// and nobody else.
    fn prepare_home(&self) -> Result<(), DbError> {
        let root = self.home.root();
        let socket_path = self.socket_path();
        if socket_path.as_os_str().len() > MAX_SOCKET_PATH {
            return Err(DbError::HomeTooLong {
                home: root.to_path_buf(),
            });
        }
        if let Some(bad) = root
            .to_str()
            .map(|s| s.contains(['\'', '"', ',', '\n', '\\']))
            .unwrap_or(true)
            .then_some(root)
        {
            return Err(DbError::HomeUnusable {
                home: bad.to_path_buf(),
                why: "its path contains a quote, comma, backslash, newline or non-UTF-8 byte"
                    .into(),
            });
        }
        if !self.account.can_reach(root) {
            return Err(DbError::HomeUnreachable {
                home: root.to_path_buf(),
                account: self.account.name.clone(),
            });
        }
        // Typically a HOME that does not exist or is not ours (cron, system
        // accounts): say which variable to set.
        fs::create_dir_all(root).map_err(|e| DbError::HomeUnusable {
            home: root.to_path_buf(),
            why: e.to_string(),
        })?;
        // Private to us, but the server account (when it is another one) must
        // be able to pass through to its own directories.
        let mode = if self.account.is_current_user() {
            0o700
        } else {
            0o711
        };
        set_mode(root, mode)?;
        for dir in [self.home.socket_dir(), self.home.log_dir()] {
            self.create_server_dir(&dir)?;
        }
        Ok(())
    }

    /// A directory owned by the server account, mode 0700.
    fn create_server_dir(&self, dir: &Path) -> Result<(), DbError> {
        match fs::create_dir(dir) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(DbError::io(dir, e)),
        }
        if !self.account.is_current_user() {
            std::os::unix::fs::chown(dir, Some(self.account.uid), Some(self.account.gid))
                .map_err(|e| DbError::io(dir, e))?;
        }
        set_mode(dir, 0o700)
    }

    fn lock_control(&self) -> Result<File, DbError> {
        let path = self.home.control_lock();
        let file = open_lock_file(&path)?;
        flock(&file, libc::LOCK_EX, &path)?;
        Ok(file)
    }

    /// Initialises the cluster if needed and starts the server if it is not
    /// running. Returns true when this call started it. Caller holds the control lock.
    fn ensure_running(&self) -> Result<bool, DbError> {
        if !self.home.is_initialised() {
            self.initdb()?;
        }
        if self.is_running()? {
            return Ok(false);
        }
        self.write_settings()?;
        let log = self.home.log_file();
        let out = self.run_as_server(
            self.pg_ctl()
                .arg("start")
                .arg("-D")
                .arg(self.home.data_dir())
                .arg("-l")
                .arg(&log)
                .args(["-w", "-t", "60", "-s"]),
        )?;
        if !out.status.success() {
            return Err(DbError::ServerStart {
                log: log.clone(),
                detail: format!("{}{}", stderr_text(&out), tail(&log, 15)),
            });
        }
        tracing::info!(data_dir = %self.home.data_dir().display(), "started the embedded PostgreSQL server");
        Ok(true)
    }

    /// Runs `initdb` into a scratch directory and renames it into place, so an
    /// interrupted first run never leaves a half-made cluster behind.
    fn initdb(&self) -> Result<(), DbError> {
        let data = self.home.data_dir();
        if data.exists() {
            let empty = fs::read_dir(&data)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if !empty {
                return Err(DbError::HomeUnusable {
                    home: self.home.root().to_path_buf(),
                    why: format!(
                        "{} exists but holds no PostgreSQL cluster (no PG_VERSION); move it away",
                        data.display()
                    ),
                });
            }
            fs::remove_dir(&data).map_err(|e| DbError::io(&data, e))?;
        }
        let scratch = self.home.root().join("pgdata.init");
        if scratch.exists() {
            fs::remove_dir_all(&scratch).map_err(|e| DbError::io(&scratch, e))?;
        }
        self.create_server_dir(&scratch)?;
        let mut cmd = Command::new(self.binaries.program("initdb"));
        cmd.arg("-D")
            .arg(&scratch)
            .args(["-U", ROLE, "-E", "UTF8", "--no-locale"])
            .args(["--auth-local=trust", "--auth-host=scram-sha-256"]);
        if !self.options.durable {
            cmd.arg("--no-sync");
        }
        let out = self.run_as_server(&mut cmd)?;
        if !out.status.success() {
            return Err(DbError::Initdb {
                detail: stderr_text(&out),
            });
        }
        // Our settings live in their own file, rewritten at every start.
        let conf = scratch.join("postgresql.conf");
        let mut text = fs::read_to_string(&conf).map_err(|e| DbError::io(&conf, e))?;
        text.push_str("\n# Written by attrib: settings for the embedded server.\ninclude_if_exists = 'attrib.conf'\n");
        fs::write(&conf, text).map_err(|e| DbError::io(&conf, e))?;
        fs::rename(&scratch, &data).map_err(|e| DbError::io(&data, e))?;
        tracing::info!(data_dir = %data.display(), "initialised the embedded PostgreSQL cluster");
        Ok(())
    }

    /// `attrib.conf`: no TCP, the socket in our private directory, and
    /// settings for bulk loads.
    fn write_settings(&self) -> Result<(), DbError> {
        let socket_dir = self.home.socket_dir();
        let mut conf = format!(
            "listen_addresses = ''\n\
             unix_socket_directories = '{}'\n\
             unix_socket_permissions = 0700\n\
             port = {}\n\
             max_connections = {}\n\
             shared_buffers = 128MB\n\
             max_wal_size = 4GB\n\
             checkpoint_timeout = 30min\n\
             log_min_messages = warning\n\
             log_line_prefix = '%m [%p] '\n",
            socket_dir.display(),
            self.options.port,
            self.options.max_connections,
        );
        if !self.options.durable {
            conf.push_str("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        }
        for line in &self.options.extra_settings {
            conf.push_str(line);
            conf.push('\n');
        }
        let path = self.home.data_dir().join("attrib.conf");
        fs::write(&path, conf).map_err(|e| DbError::io(&path, e))?;
        if !self.account.is_current_user() {
            std::os::unix::fs::chown(&path, Some(self.account.uid), Some(self.account.gid))
                .map_err(|e| DbError::io(&path, e))?;
        }
        Ok(())
    }

    fn pg_ctl_stop(&self) -> Result<(), DbError> {
        let out = self.run_as_server(
            self.pg_ctl()
                .arg("stop")
                .arg("-D")
                .arg(self.home.data_dir())
                .args(["-m", "fast", "-w", "-t", "60", "-s"]),
        )?;
        if out.status.success() {
            tracing::info!("stopped the embedded PostgreSQL server");
            Ok(())
        } else if !self.is_running()? {
            Ok(())
        } else {
            Err(DbError::ServerStop {
                detail: stderr_text(&out),
            })
        }
    }

    fn pg_ctl(&self) -> Command {
        Command::new(self.binaries.program("pg_ctl"))
    }

    /// Runs a server program as the server account, in its own process
    /// group so that a Ctrl-C at the terminal reaches attrib, which then stops
    /// the server cleanly, and not the server directly.
    fn run_as_server(&self, cmd: &mut Command) -> Result<Output, DbError> {
        cmd.current_dir("/")
            .stdin(Stdio::null())
            .process_group(0)
            .env_remove("PGDATA")
            .env("LC_ALL", "C");
        if !self.account.is_current_user() {
            cmd.uid(self.account.uid).gid(self.account.gid);
        }
        let program = PathBuf::from(cmd.get_program());
        cmd.output().map_err(|e| DbError::io(&program, e))
    }
}

/// One process's use of the embedded server. Released explicitly with
/// [`Lease::release`], or on drop (errors, panics); the last lease out stops
/// the server unless `attrib db start` is keeping it up.
#[derive(Debug)]
pub struct Lease {
    cluster: Cluster,
    users: Option<File>,
    started_server: bool,
}

impl Lease {
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// Did taking this lease start the server?
    pub fn started_server(&self) -> bool {
        self.started_server
    }

    pub fn release(mut self) -> Result<(), DbError> {
        self.release_inner()
    }

    fn release_inner(&mut self) -> Result<(), DbError> {
        let Some(users) = self.users.take() else {
            return Ok(());
        };
        let _control = self.cluster.lock_control()?;
        let users_path = self.cluster.home.users_lock();
        // Drop our shared lock, then see whether anyone else still holds one.
        flock(&users, libc::LOCK_UN, &users_path)?;
        if self.cluster.keep_running() {
            return Ok(());
        }
        if try_flock(&users, libc::LOCK_EX, &users_path)? && self.cluster.is_running()? {
            self.cluster.pg_ctl_stop()?;
        }
        Ok(())
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Err(e) = self.release_inner() {
            tracing::warn!("could not stop the embedded PostgreSQL server: {e}");
        }
    }
}

fn open_lock_file(path: &Path) -> Result<File, DbError> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| DbError::io(path, e))
}

fn flock(file: &File, op: libc::c_int, path: &Path) -> Result<(), DbError> {
    loop {
        // SAFETY: the descriptor is valid for the life of `file`.
        if unsafe { libc::flock(file.as_raw_fd(), op) } == 0 {
            return Ok(());
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(DbError::io(path, err));
        }
    }
}

/// Non-blocking `flock`: false when another process holds a conflicting lock.
fn try_flock(file: &File, op: libc::c_int, path: &Path) -> Result<bool, DbError> {
    match flock(file, op | libc::LOCK_NB, path) {
        Ok(()) => Ok(true),
        Err(DbError::Io { source, .. }) if source.kind() == io::ErrorKind::WouldBlock => Ok(false),
        Err(e) => Err(e),
    }
}

fn set_mode(path: &Path, mode: u32) -> Result<(), DbError> {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).map_err(|e| DbError::io(path, e))
}

fn stderr_text(out: &Output) -> String {
    let mut text = String::from_utf8_lossy(&out.stderr).trim().to_string();
    if text.is_empty() {
        text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text
}

/// The last `lines` lines of a log file, for error messages.
fn tail(path: &Path, lines: usize) -> String {
    let Ok(mut file) = File::open(path) else {
        return String::new();
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = file.seek(SeekFrom::Start(len.saturating_sub(8192)));
    let mut buf = String::new();
    let _ = file.read_to_string(&mut buf);
    let all: Vec<&str> = buf.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn percent_encode_path(path: &Path) -> String {
    let mut out = String::new();
    for b in path.as_os_str().as_encoded_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(*b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_percent_encodes_the_socket_directory() {
        assert_eq!(
            percent_encode_path(Path::new("/var/lib/attrib/run")),
            "%2Fvar%2Flib%2Fattrib%2Frun"
        );
        assert_eq!(percent_encode_path(Path::new("/a b")), "%2Fa%20b");
    }

    #[test]
    fn explicit_home_is_made_absolute() {
        let home = Home::resolve(Some(PathBuf::from("relative/dir"))).unwrap();
        assert!(home.root().is_absolute());
        assert!(home.root().ends_with("relative/dir"));
        assert!(Home::resolve(Some(PathBuf::new())).is_err());
    }

    #[test]
    fn layout_is_inside_home() {
        let home = Home::new("/srv/attrib");
        assert_eq!(home.data_dir(), Path::new("/srv/attrib/pgdata"));
        assert_eq!(home.socket_dir(), Path::new("/srv/attrib/run"));
        assert!(home.log_file().starts_with("/srv/attrib"));
    }
}
