//! The embedded default: first use, start/stop for each command, `db start`
//! keeping it up, concurrent commands, recovery from kills and stale files,
//! one server per data directory, and connecting over TCP with TLS.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

use attrib::db::embedded::{Cluster, ClusterOptions, Home};
use sqlx::{Connection, PgConnection};

use crate::harness::{Run, attrib_command, is_root};

/// The migrations the binary carries (more are added over time).
fn migration_versions() -> Vec<i64> {
    attrib::db::migrate::MIGRATOR
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .map(|m| m.version)
        .collect()
}

/// What `db status` says of a database with every migration: "004 (current)".
fn schema_current() -> String {
    let latest = migration_versions().into_iter().max().unwrap_or(0);
    format!("{latest:03} (current)")
}

/// A home directory of its own for one test, removed at the end.
struct TestHome {
    dir: tempfile::TempDir,
}

impl TestHome {
    fn new() -> TestHome {
        TestHome {
            dir: tempfile::Builder::new()
                .prefix("attrib-home-")
                .tempdir_in("/tmp")
                .unwrap(),
        }
    }
    fn path(&self) -> &Path {
        self.dir.path()
    }
    fn run(&self, args: &[&str]) -> Run {
        Run::of(attrib_command().arg("--home").arg(self.path()).args(args))
    }
    fn spawn(&self, args: &[&str]) -> std::thread::JoinHandle<Run> {
        let mut cmd = attrib_command();
        cmd.arg("--home").arg(self.path()).args(args);
        std::thread::spawn(move || Run::of(&mut cmd))
    }
    fn cluster(&self) -> Cluster {
        Cluster::open(Home::new(self.path()), ClusterOptions::default()).unwrap()
    }
    fn pid_file(&self) -> PathBuf {
        self.path().join("pgdata/postmaster.pid")
    }
    /// The postmaster's pid while a server runs on this data directory.
    fn postmaster_pid(&self) -> Option<i32> {
        let text = std::fs::read_to_string(self.pid_file()).ok()?;
        text.lines().next()?.trim().parse().ok()
    }
    fn server_is_up(&self) -> bool {
        self.postmaster_pid()
            .is_some_and(|pid| unsafe { libc::kill(pid, 0) } == 0)
    }
}

impl Drop for TestHome {
    fn drop(&mut self) {
        // Never leave a server behind, whatever the test did.
        let _ = self.cluster().stop();
        if let Some(pid) = self.postmaster_pid() {
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    }
}

#[test]
fn first_use_initialises_and_each_command_stops_its_server() {
    let home = TestHome::new();
    home.run(&["migrate"]).ok();
    assert!(home.path().join("pgdata/PG_VERSION").is_file());
    assert!(!home.server_is_up(), "the server outlived the command");
    assert!(
        !home.pid_file().exists(),
        "clean shutdown removes postmaster.pid"
    );
    let status = home.run(&["db", "status"]);
    status.ok();
    assert!(
        status
            .stdout
            .contains(&format!("schema version   {}", schema_current())),
        "{status:?}"
    );
    assert!(status.stdout.contains("stopped"), "{status:?}");
    // Directories are private to the server account.
    use std::os::unix::fs::PermissionsExt;
    for dir in ["pgdata", "run", "log"] {
        let mode = std::fs::metadata(home.path().join(dir))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700, "{dir}");
    }
}

#[tokio::test]
async fn db_start_keeps_the_server_up_and_listens_on_no_tcp_port() {
    let home = TestHome::new();
    home.run(&["db", "start"]).ok();
    assert!(home.server_is_up());
    let pid = home.postmaster_pid();
    // Other commands use it and leave it running.
    home.run(&["migrate"]).ok();
    assert!(home.server_is_up());
    assert_eq!(home.postmaster_pid(), pid, "the same server, not a new one");
    let status = home.run(&["db", "status"]);
    assert!(
        status.stdout.contains("kept up by `attrib db start`"),
        "{status:?}"
    );
    // `db url` is a URL that connects (psql accepts the same form).
    let url = home.run(&["db", "url"]).stdout.trim().to_string();
    let options = sqlx::postgres::PgConnectOptions::from_str(&url).unwrap();
    let mut conn = PgConnection::connect_with(&options).await.unwrap();
    let listen: String = sqlx::query_scalar("SHOW listen_addresses")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(listen, "", "no TCP port");
    let tables: i64 =
        sqlx::query_scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(tables, 14);
    conn.close().await.unwrap();
    let stop = home.run(&["db", "stop"]);
    stop.ok();
    assert!(stop.stderr.contains("Stopped"), "{stop:?}");
    assert!(!home.server_is_up());
    assert!(
        home.run(&["db", "stop"])
            .ok()
            .stderr
            .contains("was not running")
    );
}

#[test]
fn concurrent_commands_on_a_fresh_home_all_succeed() {
    let home = TestHome::new();
    let runs: Vec<_> = (0..4)
        .map(|i| {
            home.spawn(if i % 2 == 0 {
                &["migrate"]
            } else {
                &["db", "status"]
            })
        })
        .collect();
    for run in runs {
        run.join().unwrap().ok();
    }
    assert!(
        !home.server_is_up(),
        "the last command out stops the server"
    );
    assert_eq!(
        home.run(&["migrate", "--status", "--format", "json"])
            .json()
            .as_array()
            .unwrap()
            .len(),
        migration_versions().len()
    );
}

#[tokio::test]
async fn a_finishing_command_does_not_stop_the_server_under_another() {
    let home = TestHome::new();
    let cluster = home.cluster();
    // This test holds a lease, as a long-running attrib command would.
    let lease = tokio::task::spawn_blocking(move || cluster.lease())
        .await
        .unwrap()
        .unwrap();
    assert!(lease.started_server());
    home.run(&["migrate"]).ok();
    assert!(
        home.server_is_up(),
        "migrate finished and stopped the server under us"
    );
    let mut conn = PgConnection::connect_with(&home.cluster().connect_options("postgres"))
        .await
        .unwrap();
    let one: i32 = sqlx::query_scalar("SELECT 1")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(one, 1);
    conn.close().await.unwrap();
    tokio::task::spawn_blocking(move || lease.release())
        .await
        .unwrap()
        .unwrap();
    assert!(!home.server_is_up(), "the last user out stops it");
}

#[test]
fn recovers_a_server_left_running_and_a_killed_postmaster() {
    let home = TestHome::new();
    // A server left running with no attrib using it (as after a killed attrib).
    home.run(&["db", "start"]).ok();
    std::fs::remove_file(home.path().join("keep-running")).unwrap();
    home.run(&["migrate"]).ok();
    assert!(
        !home.server_is_up(),
        "the orphaned server is stopped by the next command"
    );

    // A postmaster killed outright leaves a stale postmaster.pid behind.
    home.run(&["db", "start"]).ok();
    let pid = home.postmaster_pid().unwrap();
    unsafe { libc::kill(pid, libc::SIGKILL) };
    while unsafe { libc::kill(pid, 0) } == 0 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(home.pid_file().exists(), "stale pid file left behind");
    std::fs::remove_file(home.path().join("keep-running")).unwrap();
    // Stale lock files hold nothing: flock locks die with their process.
    std::fs::write(home.path().join("control.lock"), b"garbage").unwrap();
    let run = home.run(&["db", "status"]);
    run.ok();
    assert!(run.stdout.contains(&schema_current()), "{run:?}");
    assert!(!home.server_is_up());
}

#[test]
fn one_data_directory_never_gets_a_second_server() {
    let home = TestHome::new();
    home.run(&["db", "start"]).ok();
    let pid = home.postmaster_pid().unwrap();
    // attrib reuses the running server...
    let again = home.run(&["db", "start"]);
    again.ok();
    assert!(again.stderr.contains("already running"), "{again:?}");
    assert_eq!(home.postmaster_pid(), Some(pid));
    // ...and PostgreSQL itself refuses a second postmaster on the directory.
    let cluster = home.cluster();
    let mut second = Command::new(cluster.binaries().program("postgres"));
    second
        .arg("-D")
        .arg(home.path().join("pgdata"))
        .args(["-c", "listen_addresses=", "-c"])
        .arg(format!("unix_socket_directories={}", home.path().display()))
        .current_dir("/");
    if is_root() {
        use std::os::unix::process::CommandExt;
        second.uid(cluster.account().uid).gid(cluster.account().gid);
    }
    let out = second.output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("postmaster.pid") && err.contains("already exists"),
        "{err}"
    );
    assert_eq!(home.postmaster_pid(), Some(pid));
    home.run(&["db", "stop"]).ok();
}

#[test]
fn missing_server_programs_explain_how_to_install_them() {
    let home = TestHome::new();
    let run = Run::of(
        attrib_command()
            .env("ATTRIB_PG_BINDIR", "/nonexistent/bin")
            .arg("--home")
            .arg(home.path())
            .arg("migrate"),
    );
    run.expect_code(1);
    for hint in [
        "apt-get install postgresql",
        "brew install postgresql@16",
        "DATABASE_URL",
        "/nonexistent/bin",
    ] {
        assert!(
            run.stderr.contains(hint),
            "missing {hint:?} in {}",
            run.stderr
        );
    }
}

#[test]
fn as_root_a_home_the_server_account_cannot_reach_is_explained() {
    if !is_root() {
        return; // Only root hands the server to another account.
    }
    let home = Path::new("/root/attrib-unreachable-home-test");
    let run = Run::of(attrib_command().arg("--home").arg(home).arg("migrate"));
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("cannot reach /root/attrib-unreachable-home-test"),
        "{run:?}"
    );
    assert!(run.stderr.contains("--home /var/lib/attrib"), "{run:?}");
    assert!(!home.exists(), "nothing created on the way to the error");
}

#[test]
fn runs_under_cron_with_a_minimal_environment() {
    let home = TestHome::new();
    let run = Run::of(
        Command::new(env!("CARGO_BIN_EXE_attrib"))
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("ATTRIB_HOME", home.path())
            .args(["migrate"]),
    );
    run.ok();
    assert!(!home.server_is_up());
}

/// TCP with a password and TLS (`sslmode=require`), as managed hosts need:
/// a cluster whose pg_hba refuses every connection that is not TLS.
#[tokio::test]
async fn tcp_with_password_and_tls() {
    let home = TestHome::new();
    let port = free_port();
    let certs = home.path().join("certs");
    std::fs::create_dir(&certs).unwrap();
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
        ])
        .arg("-keyout")
        .arg(certs.join("server.key"))
        .arg("-out")
        .arg(certs.join("server.crt"))
        .output()
        .expect("openssl is needed for the TLS test");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let options = ClusterOptions {
        durable: false,
        port,
        extra_settings: vec![
            "listen_addresses = '127.0.0.1'".into(),
            "ssl = on".into(),
            format!("ssl_cert_file = '{}'", certs.join("server.crt").display()),
            format!("ssl_key_file = '{}'", certs.join("server.key").display()),
        ],
        ..ClusterOptions::default()
    };
    let cluster = Cluster::open(Home::new(home.path()), options).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        let account = cluster.account().clone();
        for f in ["server.key", "server.crt"] {
            std::os::unix::fs::chown(certs.join(f), Some(account.uid), Some(account.gid)).unwrap();
        }
        std::os::unix::fs::chown(&certs, Some(account.uid), Some(account.gid)).unwrap();
        std::fs::set_permissions(
            certs.join("server.key"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
    }
    let c = cluster.clone();
    let lease = tokio::task::spawn_blocking(move || c.lease())
        .await
        .unwrap()
        .unwrap();
    // Only TLS with a password from 127.0.0.1; plain TCP is rejected.
    let hba = home.path().join("pgdata/pg_hba.conf");
    let text = std::fs::read_to_string(&hba).unwrap();
    std::fs::write(
        &hba,
        format!("hostssl all all 127.0.0.1/32 scram-sha-256\nhostnossl all all 127.0.0.1/32 reject\n{text}"),
    )
    .unwrap();
    let mut admin = PgConnection::connect_with(&cluster.connect_options("postgres"))
        .await
        .unwrap();
    for sql in [
        "SELECT pg_reload_conf()",
        "CREATE ROLE organiser LOGIN PASSWORD 'S3cret-pw'",
        "CREATE DATABASE managed OWNER organiser",
    ] {
        sqlx::raw_sql(sql).execute(&mut admin).await.unwrap();
    }
    admin.close().await.unwrap();
    let url = format!("postgresql://organiser:S3cret-pw@127.0.0.1:{port}/managed?sslmode=require");
    let run = Run::of(attrib_command().env("DATABASE_URL", &url).arg("migrate"));
    run.ok();
    assert!(
        run.stdout.contains("applied 003 campaign tracking"),
        "{run:?}"
    );
    let status = Run::of(
        attrib_command()
            .env("DATABASE_URL", &url)
            .args(["db", "status"]),
    );
    status.ok();
    assert!(
        status.stdout.contains("organiser:***@127.0.0.1"),
        "{status:?}"
    );
    assert!(!status.stdout.contains("S3cret-pw"));
    // Without TLS the server refuses: so the runs above were encrypted.
    let plain = url.replace("sslmode=require", "sslmode=disable");
    let refused = Run::of(
        attrib_command()
            .env("DATABASE_URL", &plain)
            .args(["db", "status"]),
    );
    refused.expect_code(1);
    assert!(
        refused.stderr.contains("no encryption") || refused.stderr.contains("rejects"),
        "{refused:?}"
    );
    // A wrong password is a clear error that does not echo it.
    let wrong = format!("postgresql://organiser:Wrong-pw@127.0.0.1:{port}/managed?sslmode=require");
    let denied = Run::of(
        attrib_command()
            .env("DATABASE_URL", &wrong)
            .args(["db", "status"]),
    );
    denied.expect_code(1);
    assert!(
        denied.stderr.contains("password authentication failed"),
        "{denied:?}"
    );
    assert!(!denied.stderr.contains("Wrong-pw"));
    tokio::task::spawn_blocking(move || lease.release())
        .await
        .unwrap()
        .unwrap();
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `attrib import quicket` reading a pipe that gets a header and then
/// nothing more: it holds the server (and a transaction) while it waits, as
/// a slow import does. Returns the process and its stdin, kept open.
fn start_stuck_import(home: &TestHome) -> (std::process::Child, std::process::ChildStdin) {
    home.run(&[
        "events",
        "add",
        "--name",
        "Stuck Day",
        "--starts-on",
        "2026-01-01",
    ])
    .ok();
    let mut child = attrib_command()
        .arg("--home")
        .arg(home.path())
        .args(["import", "quicket", "--event", "stuck-day", "/dev/stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    use std::io::Write;
    stdin
        .write_all(b"Ticket Number,Email,Purchase Date\n")
        .unwrap();
    stdin.flush().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !home.server_is_up() {
        assert!(
            std::time::Instant::now() < deadline,
            "the import never started the server"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // Give it a moment to connect and reach the read.
    std::thread::sleep(std::time::Duration::from_millis(500));
    (child, stdin)
}

#[test]
fn a_killed_attrib_leaves_nothing_the_next_command_cannot_recover() {
    let home = TestHome::new();
    let (mut child, _stdin) = start_stuck_import(&home);
    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    child.wait().unwrap();
    // The server outlives the killed process; nobody uses it any more.
    assert!(home.server_is_up());
    let next = home.run(&["events", "list", "--format", "json"]);
    next.ok();
    assert_eq!(next.json().as_array().unwrap().len(), 1, "{next:?}");
    assert!(
        !home.server_is_up(),
        "the next command, the last user, stops the orphaned server"
    );
    assert_eq!(
        home.run(&["events", "list", "--format", "json"]).json()[0]["tickets"],
        0
    );
}

#[test]
fn ctrl_c_stops_the_server_cleanly_and_writes_nothing() {
    let home = TestHome::new();
    let (child, _stdin) = start_stuck_import(&home);
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted by Ctrl-C"), "{stderr}");
    assert!(
        !home.server_is_up(),
        "Ctrl-C must stop the server it started"
    );
    assert!(
        !home.pid_file().exists(),
        "a clean shutdown removes postmaster.pid"
    );
    let batches = home.run(&["events", "list", "--format", "json"]);
    assert_eq!(batches.json()[0]["tickets"], 0);
}
