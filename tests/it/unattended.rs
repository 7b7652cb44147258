//! attrib run by cron or systemd: results on stdout, problems on stderr, no
//! colours or progress unless on a terminal (and never with NO_COLOR or, on
//! stdout, --quiet), exit codes documented in --help, and a minimal
//! environment (no HOME, PATH=/usr/bin:/bin) that still finds its home and
//! PostgreSQL, or says which variable to set.

use std::fs::File;
use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::Path;
use std::process::{Command, Stdio};

use attrib::db::embedded::{Cluster, ClusterOptions, Home};
use sqlx::{Connection, PgConnection};

use crate::harness::{Run, TestDb, attrib_command, fixture, is_root};

const NOW: &str = "2026-05-02T08:00:00+02:00";

async fn window_db() -> TestDb {
    let db = TestDb::migrated().await;
    let sql = std::fs::read_to_string(fixture("summary/window.sql")).unwrap();
    db.exec(&sql).await;
    db
}

/// An SGR escape sequence (colour, bold): ESC [ digits/semicolons m.
fn has_colour(text: &str) -> bool {
    text.match_indices('\u{1b}').any(|(i, _)| {
        let rest = &text[i + 1..];
        rest.strip_prefix('[').is_some_and(|r| {
            let end = r.find(|c: char| !(c.is_ascii_digit() || c == ';'));
            end.is_some_and(|e| r[e..].starts_with('m'))
        })
    })
}

#[test]
fn colour_detection() {
    assert!(has_colour("\u{1b}[1mtitle\u{1b}[0m"));
    assert!(has_colour("x \u{1b}[31;1merror"));
    assert!(!has_colour("\r\u{1b}[2K spinner cleared"));
    assert!(!has_colour("plain"));
}

/// Runs `cmd` with stdout and stderr on a new pseudo-terminal (200 columns):
/// the exit code and everything it wrote.
fn run_on_a_terminal(mut cmd: Command) -> (i32, String) {
    let (mut master, mut slave) = (0, 0);
    let size = libc::winsize {
        ws_row: 50,
        ws_col: 200,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two descriptors; no name buffer, default termios.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(rc, 0, "openpty failed");
    // SAFETY: both descriptors were just opened and are owned here alone.
    let (mut master, slave) = unsafe { (File::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    cmd.stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::from(slave));
    let mut child = cmd.spawn().expect("cannot run attrib");
    // The parent's copies of the terminal side go, so that reading ends
    // (EIO) when the child exits.
    drop(cmd);
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let mut chunk = [0u8; 4096];
        while let Ok(n) = master.read(&mut chunk) {
            if n == 0 {
                break;
            }
            out.extend_from_slice(&chunk[..n]);
        }
        String::from_utf8_lossy(&out).into_owned()
    });
    let status = child.wait().unwrap();
    (status.code().unwrap_or(-1), reader.join().unwrap())
}

/// attrib as a terminal user would run it: colours allowed.
fn with_colours(db: &TestDb, args: &[&str]) -> Command {
    let mut cmd = db.attrib();
    cmd.env_remove("NO_COLOR")
        .env("TERM", "xterm-256color")
        .args(args);
    cmd
}

#[tokio::test]
async fn colours_only_on_a_terminal_and_never_with_no_color() {
    let db = window_db().await;
    let summary = ["summary", "--event", "data-ai-day-2026", "--now", NOW];
    let error = ["report", "--event", "no-such-event"];
    // A usage error clap reports itself.
    let clap_error = [
        "summary",
        "--event",
        "data-ai-day-2026",
        "--since",
        "yesterday",
    ];

    // On a terminal: bold titles on stdout, a red "error:" on stderr.
    let (code, out) = run_on_a_terminal(with_colours(&db, &summary));
    assert_eq!(code, 0, "{out}");
    assert!(has_colour(&out), "no colours on a terminal: {out:?}");
    for args in [&error[..], &clap_error] {
        let (code, out) = run_on_a_terminal(with_colours(&db, args));
        assert_eq!(code, 2, "{out}");
        assert!(has_colour(&out), "{args:?}: {out:?}");
    }

    // NO_COLOR: none, on stdout or stderr.
    for args in [&summary[..], &error[..], &["report", "--event", "2026"]] {
        let mut cmd = with_colours(&db, args);
        cmd.env("NO_COLOR", "1");
        let (_, out) = run_on_a_terminal(cmd);
        assert!(!has_colour(&out), "NO_COLOR ignored by {args:?}: {out:?}");
        assert!(out.contains("data-ai-day"), "{out}");
    }
    let mut cmd = with_colours(&db, &clap_error);
    cmd.env("NO_COLOR", "1");
    let (code, out) = run_on_a_terminal(cmd);
    assert_eq!(code, 2, "{out}");
    assert!(!has_colour(&out), "{out:?}");
    assert!(out.contains("yesterday"), "{out}");
    // --quiet: results only, plain.
    let (code, out) = run_on_a_terminal(with_colours(&db, &[&summary[..], &["--quiet"]].concat()));
    assert_eq!(code, 0, "{out}");
    assert!(!has_colour(&out), "{out:?}");
}

/// Piped (cron, systemd, a script): no escape codes at all, results on
/// stdout, nothing on stderr when all is well, for every command.
#[tokio::test]
async fn piped_output_is_plain_and_stderr_is_for_problems() {
    let db = window_db().await;
    for args in [
        &["summary", "--event", "data-ai-day-2026", "--now", NOW][..],
        &[
            "summary", "--event", "2026", "--now", NOW, "--format", "markdown",
        ],
        &["report", "--event", "2026"],
        &["report", "--event", "2026", "--format", "json"],
        &["campaigns", "list"],
        &["migrate", "--status"],
    ] {
        let run = Run::of(&mut with_colours(&db, args));
        run.ok();
        assert!(!run.stdout.is_empty(), "{args:?}");
        assert!(!run.stdout.contains('\u{1b}'), "{args:?}: {:?}", run.stdout);
        assert!(!run.stderr.contains('\u{1b}'), "{args:?}: {:?}", run.stderr);
    }
    // Only the summary went to stdout: JSON parses with its notes elsewhere.
    let run = Run::of(&mut with_colours(
        &db,
        &[
            "summary", "--event", "2026", "--now", NOW, "--format", "json", "--strict",
        ],
    ));
    run.expect_code(3);
    assert_eq!(run.json()["events"].as_array().unwrap().len(), 2);
    assert!(run.stderr.contains("warning:"), "{}", run.stderr);
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
    // An error: stderr only.
    let run = Run::of(&mut with_colours(
        &db,
        &["report", "--event", "no-such-event"],
    ));
    run.expect_code(2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.starts_with("error: no event matches"),
        "{:?}",
        run.stderr
    );
}

/// What a cron job sees: with --quiet and --out, nothing at all when all is
/// well; under --strict, only the finding, on stderr.
#[tokio::test]
async fn quiet_cron_runs_are_silent_unless_something_needs_attention() {
    let db = window_db().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("{event}-{date}.md");
    let clean = db.run(&[
        "summary",
        "--event",
        "data-ai-day-joburg-2027",
        "--now",
        NOW,
        "--quiet",
        "--strict",
        "--out",
        out.to_str().unwrap(),
    ]);
    clean.ok();
    assert_eq!((clean.stdout.as_str(), clean.stderr.as_str()), ("", ""));
    assert!(
        dir.path()
            .join("data-ai-day-joburg-2027-2026-05-02.md")
            .is_file()
    );
    let stale = db.run(&[
        "summary",
        "--event",
        "data-ai-day-joburg-2027",
        "--now",
        "2026-05-09T08:00:00+02:00",
        "--quiet",
        "--strict",
        "--out",
        out.to_str().unwrap(),
    ]);
    stale.expect_code(3);
    assert_eq!(stale.stdout, "");
    assert_eq!(stale.stderr.lines().count(), 1, "{}", stale.stderr);
    assert!(
        stale
            .stderr
            .starts_with("warning: data-ai-day-joburg-2027: the last Quicket import")
    );
}

/// Help text with its line wrapping undone.
fn help(args: &[&str]) -> String {
    let run = Run::of(attrib_command().args(args));
    run.ok();
    run.stdout.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn exit_codes_are_documented_in_help() {
    let top = help(&["--help"]);
    for line in [
        "0 success",
        "1 failure",
        "2 usage error",
        "3 with --strict",
        "4 another run of the same command for the same event is still going",
    ] {
        assert!(top.contains(line), "missing {line:?} in\n{top}");
    }
    let summary = help(&["summary", "--help"]);
    for text in [
        "4 another `attrib summary` for the same event is still running",
        "3 with --strict",
        "start inclusive, end exclusive",
        "{date}",
        "{event}",
        "--max-unattributed",
        "--stale-after",
    ] {
        assert!(summary.contains(text), "missing {text:?} in\n{summary}");
    }
    assert!(!summary.contains("--now"), "--now is hidden");
}

/// A home directory of its own, with the server stopped at the end.
struct TestHome {
    dir: tempfile::TempDir,
}

impl TestHome {
    fn new() -> TestHome {
        TestHome {
            dir: tempfile::Builder::new()
                .prefix("attrib-cron-")
                .tempdir_in("/tmp")
                .unwrap(),
        }
    }
    fn path(&self) -> &Path {
        self.dir.path()
    }
    fn cluster(&self) -> Cluster {
        Cluster::open(Home::new(self.path()), ClusterOptions::default()).unwrap()
    }
    /// attrib as cron runs it: nothing in the environment but PATH and
    /// ATTRIB_HOME (no HOME, USER, LANG, TZ or TERM).
    fn cron(&self, args: &[&str]) -> Run {
        Run::of(
            Command::new(env!("CARGO_BIN_EXE_attrib"))
                .env_clear()
                .env("PATH", "/usr/bin:/bin")
                .env("ATTRIB_HOME", self.path())
                .stdin(Stdio::null())
                .args(args),
        )
    }
    fn server_is_up(&self) -> bool {
        let pid = std::fs::read_to_string(self.path().join("pgdata/postmaster.pid"))
            .ok()
            .and_then(|t| t.lines().next()?.trim().parse::<i32>().ok());
        // SAFETY: signal 0 only checks that the process exists.
        pid.is_some_and(|pid| unsafe { libc::kill(pid, 0) } == 0)
    }
}

impl Drop for TestHome {
    fn drop(&mut self) {
        let _ = self.cluster().stop();
    }
}

/// `attrib summary` by cron on the embedded default: an empty environment
/// but PATH=/usr/bin:/bin and ATTRIB_HOME still finds the PostgreSQL server
/// programs, starts the server, writes the summary and stops the server.
#[tokio::test]
async fn summary_under_cron_with_an_empty_environment() {
    let home = TestHome::new();
    home.cron(&["migrate"]).ok();
    // The data, put in as the test: a lease on the same server.
    let cluster = home.cluster();
    let lease = tokio::task::spawn_blocking(move || cluster.lease())
        .await
        .unwrap()
        .unwrap();
    let mut conn = PgConnection::connect_with(&home.cluster().connect_options("attrib"))
        .await
        .unwrap();
    let sql = std::fs::read_to_string(fixture("summary/window.sql")).unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    tokio::task::spawn_blocking(move || lease.release())
        .await
        .unwrap()
        .unwrap();
    assert!(!home.server_is_up());

    let out = home.path().join("reports/{event}-{date}.md");
    let run = home.cron(&[
        "summary",
        "--event",
        "data-ai-day-2026",
        "--now",
        NOW,
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    run.ok();
    assert_eq!((run.stdout.as_str(), run.stderr.as_str()), ("", ""));
    let text = std::fs::read_to_string(home.path().join("reports/data-ai-day-2026-2026-05-02.md"))
        .unwrap();
    assert!(text.contains("9 new registrations (12 in all)."), "{text}");
    assert!(!home.server_is_up(), "the cron run left the server running");

    // On stdout, without TERM: plain text.
    let run = home.cron(&["summary", "--event", "data-ai-day-2026", "--now", NOW]);
    run.ok();
    assert!(
        run.stdout.starts_with("Data & AI Day 2026"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains('\u{1b}'));
}

/// Without ATTRIB_HOME, and a HOME that cannot hold attrib's data (a system
/// account's /nonexistent), the error names the variable to set; so does a
/// PostgreSQL that cannot be found.
#[test]
fn a_minimal_environment_that_cannot_work_names_the_variable_to_set() {
    let no_binaries = Run::of(
        Command::new(env!("CARGO_BIN_EXE_attrib"))
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("ATTRIB_HOME", "/tmp/attrib-never-created")
            .env("ATTRIB_PG_BINDIR", "/nonexistent/bin")
            .args(["summary", "--event", "2026"]),
    );
    no_binaries.expect_code(1);
    assert!(
        no_binaries.stderr.contains("set ATTRIB_PG_BINDIR"),
        "{}",
        no_binaries.stderr
    );

    if !is_root() {
        return; // Only root can run the binary as another account.
    }
    use std::os::unix::process::CommandExt;
    let nobody = attrib::db::embedded::Account::by_name("nobody").expect("no account nobody");
    let run = Run::of(
        Command::new(env!("CARGO_BIN_EXE_attrib"))
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .current_dir("/")
            .uid(nobody.uid)
            .gid(nobody.gid)
            .args(["summary", "--event", "2026"]),
    );
    run.expect_code(1);
    assert!(
        run.stderr.contains("Set ATTRIB_HOME (or pass --home DIR)"),
        "{}",
        run.stderr
    );
}

/// The command lines the README's Scheduling section gives for cron and systemd run as
/// written (reports directory moved to a temporary one) and write their
/// files.
#[tokio::test]
async fn the_documented_jobs_run() {
    let db = window_db().await;
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().to_str().unwrap().to_string();
    let mut jobs = Vec::new();
    for line in doc.lines() {
        // `ExecStart=/usr/local/bin/attrib ...`, or a crontab line: five time
        // fields, then `attrib ...`.
        let fields: Vec<&str> = line.split_whitespace().collect();
        let is_job = line.starts_with("ExecStart=")
            || (fields.len() > 6
                && fields[5] == "attrib"
                && fields[..5]
                    .iter()
                    .all(|f| f.chars().all(|c| c.is_ascii_digit() || "*/,-".contains(c))));
        let Some((_, command)) = line.split_once("attrib ").filter(|_| is_job) else {
            continue;
        };
        let args: Vec<String> = command
            .split_whitespace()
            .map(|a| {
                a.trim_matches('\'')
                    .replace("/srv/attrib/reports", &reports)
            })
            .collect();
        jobs.push(args);
    }
    assert_eq!(
        jobs.len(),
        4,
        "two cron lines and two ExecStart lines: {jobs:?}"
    );
    for args in &jobs {
        let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
        if all[0] == "summary" {
            all.extend(["--now", NOW]);
        }
        let run = db.run(&all);
        // 3: the fixture's Cape Town event was never imported.
        assert!(matches!(run.code, 0 | 3), "{args:?}: {run:?}");
        assert_eq!(run.stdout, "", "{args:?}");
    }
    for file in [
        "daily/data-ai-day-2026-2026-05-02.md",
        "daily/data-ai-day-cape-town-2026-2026-05-02.md",
        "weekly/summary.json",
        "weekly/data-ai-day-2026-campaigns.csv",
    ] {
        assert!(dir.path().join(file).is_file(), "{file} missing");
    }
}
