//! Hardening (issue 15): files attrib writes, closed pipes, impossible
//! values, control characters, secrets, a lost connection.

use std::os::unix::fs::{FileTypeExt, symlink};
use std::path::Path;

use crate::harness::{TestDb, fixture};

async fn outreach_db() -> TestDb {
    let db = TestDb::migrated().await;
    let sql = std::fs::read_to_string(fixture("report/outreach.sql")).unwrap();
    db.exec(&sql).await;
    db
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

/// `--out /dev/null`, a link to it and a FIFO are written into, never
/// replaced by a regular file.
#[tokio::test]
async fn out_into_devices_and_fifos_writes_through_them() {
    let db = outreach_db().await;
    let summary = |out: &Path| {
        db.run(&[
            "summary",
            "--event",
            "data-ai-day-2026",
            "--format",
            "markdown",
            "--out",
            out.to_str().unwrap(),
        ])
    };
    summary(Path::new("/dev/null")).ok();
    // /dev/stdout: the text goes to stdout; the system's link stays.
    let to_stdout = summary(Path::new("/dev/stdout"));
    assert!(
        to_stdout.ok().stdout.contains("Data & AI Day 2026"),
        "{}",
        to_stdout.stdout
    );
    assert!(
        std::fs::symlink_metadata("/dev/stdout")
            .unwrap()
            .is_symlink()
    );
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );

    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("null.md");
    symlink("/dev/null", &link).unwrap();
    summary(&link).ok();
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());

    let fifo = dir.path().join("pipe.md");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    summary(&fifo).ok();
    let text = reader.join().unwrap();
    assert!(text.contains("# Data & AI Day 2026"), "{text}");
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );

    // A link to a regular file: the link is replaced, its target untouched.
    let precious = dir.path().join("precious.txt");
    std::fs::write(&precious, "keep me").unwrap();
    let to_file = dir.path().join("summary.md");
    symlink(&precious, &to_file).unwrap();
    summary(&to_file).ok();
    assert_eq!(std::fs::read_to_string(&precious).unwrap(), "keep me");
    assert!(std::fs::symlink_metadata(&to_file).unwrap().is_file());
    assert_eq!(
        entries(dir.path()),
        ["null.md", "pipe.md", "precious.txt", "summary.md"]
    );
}

/// `report --out DIR` writes all of its files or none: a write error on one
/// (here a full disk, /dev/full) leaves every old file as it was.
#[tokio::test]
async fn report_out_dir_is_all_or_nothing() {
    let db = outreach_db().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("weekly");
    let report = || db.run(&["report", "--event", "2026", "--out", out.to_str().unwrap()]);
    report().ok();
    let before = entries(&out);
    for name in &before {
        std::fs::write(out.join(name), "old").unwrap();
    }
    // The last file written is the one that fails.
    let failing = out.join("summary.json");
    std::fs::remove_file(&failing).unwrap();
    symlink("/dev/full", &failing).unwrap();
    let run = report();
    run.expect_code(1);
    assert!(
        run.stderr.contains("summary.json") && run.stderr.contains("No space left"),
        "{}",
        run.stderr
    );
    assert_eq!(entries(&out), before, "no temporary file is left");
    for name in before.iter().filter(|n| *n != "summary.json") {
        assert_eq!(
            std::fs::read_to_string(out.join(name)).unwrap(),
            "old",
            "{name} was changed"
        );
    }
}

/// Runs attrib with stdout (and, with `stderr_too`, stderr) on a pipe whose
/// reading end is already closed, as after `| head -1` has exited.
fn run_into_closed_pipe(db: &TestDb, args: &[&str], stderr_too: bool) -> std::process::Output {
    use std::os::fd::{FromRawFd, OwnedFd};
    use std::process::Stdio;
    let mut fds = [0; 2];
    // SAFETY: fds has room for the two descriptors.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    // SAFETY: both were just opened and are owned here only.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(read);
    let mut cmd = db.attrib();
    cmd.args(args)
        .stdout(Stdio::from(write.try_clone().unwrap()));
    if stderr_too {
        cmd.stderr(Stdio::from(write));
    } else {
        drop(write);
        cmd.stderr(Stdio::piped());
    }
    cmd.output().unwrap()
}

/// `attrib who ... --format csv | head -1`, also with `2>&1`: a closed pipe
/// ends the command quietly with exit 0, never a panic.
#[tokio::test]
async fn a_closed_pipe_ends_quietly_with_exit_0() {
    let db = outreach_db().await;
    for args in [
        &["who", "--event", "data-ai-day-2026", "--format", "csv"][..],
        &["who", "--event", "data-ai-day-2026"][..],
        &["report", "--event", "2026", "--format", "markdown"][..],
        &["report", "--event", "2026", "--format", "json"][..],
        &[
            "report",
            "--event",
            "2026",
            "--format",
            "csv",
            "--section",
            "campaigns",
        ][..],
        &["events", "list", "--format", "json"][..],
    ] {
        let out = run_into_closed_pipe(&db, args, false);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{args:?}");
        let both = run_into_closed_pipe(&db, args, true);
        assert_eq!(both.status.code(), Some(0), "{args:?} with 2>&1");
    }
    // An error with stderr closed: its exit code, no panic (101).
    let failed = run_into_closed_pipe(&db, &["report", "--event", "data-ai-day-1999"], true);
    assert_eq!(failed.status.code(), Some(2));
}

/// A value far outside any plausible range, already stored (written before
/// attrib refused such values, or by hand): every query still answers.
#[tokio::test]
async fn extreme_stored_times_do_not_break_the_queries() {
    let db = outreach_db().await;
    db.exec(
        "UPDATE communication_recipients
            SET sent_at = '200000-01-01 00:00+00',
                metadata = jsonb_build_object('brevo_events', jsonb_build_array(
                  jsonb_build_object('event', 'opened', 'ts_epoch', 9223372036854775807)))
          WHERE communication_id = 1 AND contact_id = 1;
         UPDATE communication_recipients
            SET metadata = jsonb_build_object('brevo_events', jsonb_build_array(
                  jsonb_build_object('event', 'opened', 'ts_epoch', 'soon')))
          WHERE communication_id = 1 AND contact_id = 2;
         UPDATE communications SET sent_at = '0001-01-01 00:00+00' WHERE id = 2;
         UPDATE tickets SET purchased_at = '200000-06-01 00:00+00' WHERE ticket_number = 'T15';
         UPDATE tickets SET purchased_at = '0001-06-01 00:00+00' WHERE ticket_number = 'T16';",
    )
    .await;
    let contact = db.run(&["contact", "person1@example.org", "--format", "json"]);
    contact.ok();
    let sent = contact.json()["sent"].clone();
    let extreme = sent
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["communication"] == "Call for papers is open")
        .unwrap_or_else(|| panic!("{sent:#}"));
    assert_eq!(extreme["last_event"], "opened");
    assert_eq!(extreme["last_event_at"], serde_json::Value::Null);
    db.run(&["contact", "person2@example.org"]).ok();
    for args in [
        &["report", "--event", "data-ai-day-2026"][..],
        &["report", "--event", "data-ai-day-2026", "--format", "json"][..],
        &["report", "--event", "data-ai-day-2026", "--format", "html"][..],
        &["report", "--event", "data-ai-day-2026", "--compare-models"][..],
        &["summary", "--event", "data-ai-day-2026", "--since", "7d"][..],
        &["outreach", "--event", "data-ai-day-2026"][..],
        &["timeline", "--campaign", "id:1"][..],
        &["who", "--campaign", "id:1"][..],
        &["events", "list"][..],
    ] {
        let run = db.run(args);
        assert!(
            run.code == 0 || run.code == 3,
            "{args:?}: exit {}\n{}",
            run.code,
            run.stderr
        );
    }
}

/// Times a person types: the Quicket import's formats (day first), only
/// from 2000-01-01 to one day after now, refused with the range; time zones
/// are IANA names, never POSIX offsets.
#[tokio::test]
async fn typed_times_are_read_like_quicket_and_kept_plausible() {
    let db = outreach_db().await;
    let comms_add = |sent_at: &str| {
        db.run(&[
            "comms",
            "add",
            "--campaign",
            "id:2",
            "--channel",
            "email",
            "--title",
            "Day first",
            "--sent-at",
            sent_at,
            "--format",
            "json",
        ])
    };
    let added = comms_add("11/08/2026 10:00").ok().json();
    let id = added["id"].as_i64().unwrap();
    let stored: String = db
        .scalar(&format!(
            "SELECT to_char(sent_at AT TIME ZONE 'Africa/Johannesburg', 'YYYY-MM-DD HH24:MI')
               FROM communications WHERE id = {id}"
        ))
        .await;
    assert_eq!(stored, "2026-08-11 10:00");

    let before = db.snapshot().await;
    for bad in [
        "0001-01-01",
        "0000-01-01 00:00",
        "1999-12-31",
        "20260-01-01",
        "9999-01-01",
    ] {
        let run = comms_add(bad);
        run.expect_code(2);
        assert!(
            run.stderr
                .contains("between 2000-01-01 and one day after now")
                || run.stderr.contains("is not a date and time"),
            "{bad}: {}",
            run.stderr
        );
    }
    let share = db.run(&[
        "assets",
        "share",
        "id:1",
        "--channel",
        "print",
        "--at",
        "0001-01-01",
    ]);
    share.expect_code(2);
    assert!(share.stderr.contains("2000-01-01"), "{}", share.stderr);
    let event = db.run(&[
        "events",
        "add",
        "--name",
        "Ancient",
        "--starts-on",
        "0001-01-01",
    ]);
    event.expect_code(2);
    assert!(
        event.stderr.contains("between 2000-01-01"),
        "{}",
        event.stderr
    );
    let since = db.run(&[
        "summary",
        "--event",
        "data-ai-day-2026",
        "--since",
        "0001-01-01",
    ]);
    since.expect_code(2);
    assert!(since.stderr.contains("2000-01-01"), "{}", since.stderr);

    let posix = db.run(&["--timezone", "UTC+5", "events", "list"]);
    posix.expect_code(2);
    assert!(
        posix.stderr.contains("Etc/GMT-5 means UTC+5"),
        "{}",
        posix.stderr
    );
    db.run(&["--timezone", "Z", "events", "list"]).ok();
    db.run(&["--timezone", "Etc/GMT-5", "events", "list"]).ok();
    assert_eq!(db.snapshot().await, before, "nothing refused was written");
}

const QUICKET_HEADER: &str = "Ticket Number,Purchase Date,Email,Price,Ticket Status,First Name,Last Name,Ticket Type,Marketing Source\n";

/// Writes `bytes` as `name` in a fresh directory.
fn temp_file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

/// A UTF-8 export with one line that is not UTF-8: that line is refused by
/// FILE:LINE and byte, never the whole file read as Windows-1252;
/// `--skip-invalid` imports the rest with every "Zoë" intact.
#[tokio::test]
async fn a_utf8_file_with_a_bad_line_is_refused_by_line() {
    let db = outreach_db().await;
    let mut bytes = QUICKET_HEADER.as_bytes().to_vec();
    for n in 1..=50 {
        bytes.extend_from_slice(
            format!(
                "U-{n},2026-03-14 09:15,zoe{n}@example.org,R100,Valid,Zoë,Ndlovu,General,cfp-2026\n"
            )
            .as_bytes(),
        );
    }
    bytes.extend_from_slice(
        b"U-51,2026-03-14 09:15,bad@example.org,R100,Valid,Zo\x81,X,General,cfp-2026\n",
    );
    let (_dir, path) = temp_file("mixed.csv", &bytes);
    let file = path.to_str().unwrap();
    let before = db.snapshot().await;
    let run = db.run(&["import", "quicket", "--event", "data-ai-day-2026", file]);
    run.expect_code(1);
    let expected = format!("{file}:52: not valid UTF-8 (byte 0x81 at column 52)");
    assert!(run.stderr.contains(&expected), "{}", run.stderr);
    assert_eq!(db.snapshot().await, before);

    db.run(&[
        "import",
        "quicket",
        "--event",
        "data-ai-day-2026",
        "--skip-invalid",
        file,
    ])
    .ok();
    let names: i64 = db
        .scalar("SELECT count(*) FROM contacts WHERE first_name = 'Zoë'")
        .await;
    assert_eq!(names, 50);
    let garbled: i64 = db
        .scalar("SELECT count(*) FROM contacts WHERE first_name LIKE '%Ã%' OR first_name ~ '[\\x80-\\x9f]'")
        .await;
    assert_eq!(garbled, 0);

    // The same rule for recipient lists.
    let list = b"email,first name\nnaledi@example.org,Zo\xc3\xab\nthabo@example.org,Th\x81bo\n";
    let (_dir2, list_path) = temp_file("list.csv", list);
    let list_file = list_path.to_str().unwrap();
    let run = db.run(&["recipients", "import", "--communication", "id:5", list_file]);
    run.expect_code(1);
    assert!(
        run.stderr.contains(&format!(
            "{list_file}:3: not valid UTF-8 (byte 0x81 at column 21)"
        )),
        "{}",
        run.stderr
    );
}

/// A NUL byte near the top gives its line; control characters in a file
/// never reach the database (line breaks become spaces, others U+FFFD), and
/// flags refuse them.
#[tokio::test]
async fn nul_bytes_and_control_characters() {
    let db = outreach_db().await;
    let mut bytes = QUICKET_HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(b"N-1,2026-03-14 09:15,n@example.org,R100,Valid,A\x00,B,General,x\n");
    let (_dir, path) = temp_file("nul.csv", &bytes);
    let file = path.to_str().unwrap();
    let run = db.run(&["import", "quicket", "--event", "data-ai-day-2026", file]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains(&format!("{file}:2: contains a NUL byte")),
        "{}",
        run.stderr
    );

    let mut bytes = QUICKET_HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(
        b"C-1,2026-03-14 09:15,c@example.org,R100,Valid,\x1b[31mRed\x07,\"Two\nLines\",VIP\x08\x08,src\x1b]0;x\n",
    );
    let (_dir, path) = temp_file("controls.csv", &bytes);
    db.run(&[
        "import",
        "quicket",
        "--event",
        "data-ai-day-2026",
        path.to_str().unwrap(),
    ])
    .ok();
    let stored: String = db
        .scalar(
            "SELECT concat_ws('|', c.first_name, c.last_name, t.ticket_type, t.marketing_source)
               FROM tickets t JOIN contacts c ON c.id = t.contact_id WHERE t.ticket_number = 'C-1'",
        )
        .await;
    assert_eq!(
        stored,
        "\u{FFFD}[31mRed\u{FFFD}|Two Lines|VIP\u{FFFD}\u{FFFD}|src\u{FFFD}]0;x"
    );

    let before = db.snapshot().await;
    let event = db.run(&[
        "events",
        "add",
        "--name",
        "Evil\x1b[2J",
        "--starts-on",
        "2026-09-17",
    ]);
    event.expect_code(2);
    assert!(
        event.stderr.contains("control character"),
        "{}",
        event.stderr
    );
    let title = db.run(&[
        "comms",
        "add",
        "--campaign",
        "id:2",
        "--channel",
        "email",
        "--title",
        "Two\nlines",
    ]);
    title.expect_code(2);
    assert_eq!(db.snapshot().await, before);
}

/// A DATABASE_URL that does not parse, or names a server that is not
/// there, never has its password printed.
#[test]
fn passwords_in_database_urls_are_never_printed() {
    for password in [
        "SECRET#PASS",
        "SE/CRET",
        "SECRET?X",
        "SE@CRET",
        "S#E/C?R@ET",
    ] {
        for url in [
            format!("postgresql://u:{password}@127.0.0.1:1/db"),
            format!("postgresql://u:{password}@127.0.0.1:notaport/db"),
            format!("host=127.0.0.1 port=1 user=u password={password}"),
        ] {
            let run = crate::harness::Run::of(
                crate::harness::attrib_command()
                    .env("DATABASE_URL", &url)
                    .args(["events", "list"]),
            );
            assert_ne!(run.code, 0, "{url}");
            let secret = password.replace(['#', '/', '?', '@'], "");
            assert!(
                !run.stderr.contains(password) && !run.stderr.contains(&secret[..4]),
                "{url}: {}",
                run.stderr
            );
            assert!(
                run.stderr.contains("***") || run.stderr.contains("not valid"),
                "{}",
                run.stderr
            );
        }
    }
}

/// The database session killed in the middle of an import (here while it
/// waits to write the tickets): a message that says what happened and that
/// nothing was committed, and indeed nothing was.
#[tokio::test]
async fn a_killed_session_mid_import_says_what_happened() {
    let db = outreach_db().await;
    let mut bytes = QUICKET_HEADER.as_bytes().to_vec();
    for n in 1..=2000 {
        bytes.extend_from_slice(
            format!("K-{n},2026-03-14 09:15,k{n}@example.org,R100,Valid,K,N,General,cfp-2026\n")
                .as_bytes(),
        );
    }
    let (_dir, path) = temp_file("killed.csv", &bytes);
    let before = db.snapshot().await;

    // Hold the tickets table so that the import stops, mid-transaction,
    // where it writes them.
    let mut blocker = db.pool.begin().await.unwrap();
    sqlx::query("LOCK TABLE tickets IN EXCLUSIVE MODE")
        .execute(&mut *blocker)
        .await
        .unwrap();
    let child = db
        .attrib()
        .args([
            "import",
            "quicket",
            "--event",
            "data-ai-day-2026",
            path.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut killed = false;
    for _ in 0..1200 {
        let waiting: Option<i32> = sqlx::query_scalar(
            "SELECT pid FROM pg_stat_activity
              WHERE datname = current_database() AND application_name = 'attrib'
                AND wait_event_type = 'Lock'",
        )
        .fetch_optional(&db.pool)
        .await
        .unwrap();
        if let Some(pid) = waiting {
            sqlx::query("SELECT pg_terminate_backend($1)")
                .bind(pid)
                .execute(&db.pool)
                .await
                .unwrap();
            killed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    blocker.rollback().await.unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(killed, "the import never waited for the lock: {stderr}");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "the connection to PostgreSQL was lost (the server stopped or the session was \
             killed); nothing of this import was committed; run it again"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("expected to read"), "{stderr}");
    assert_eq!(db.snapshot().await, before);
}

/// One field of 3 MiB (a missing closing quote, a broken export): refused
/// at once by FILE:LINE, as the Quicket import and as a recipient list.
#[tokio::test]
async fn a_record_past_one_mib_is_refused_by_line() {
    let db = outreach_db().await;
    let mut bytes = QUICKET_HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(b"L-1,2026-03-14 09:15,l1@example.org,R100,Valid,L,N,General,x\n");
    bytes.extend_from_slice(b"L-2,2026-03-14 09:15,l2@example.org,R100,Valid,\"");
    bytes.extend(std::iter::repeat_n(b'x', 3 << 20));
    let (_dir, path) = temp_file("long.csv", &bytes);
    let file = path.to_str().unwrap();
    let before = db.snapshot().await;
    let run = db.run(&["import", "quicket", "--event", "data-ai-day-2026", file]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains(&format!("{file}:3: a row is longer than 1 MiB")),
        "{}",
        run.stderr
    );
    // (--force: the file is a ticket export, which recipients import
    // refuses otherwise.)
    let run = db.run(&[
        "recipients",
        "import",
        "--communication",
        "id:5",
        "--force",
        file,
    ]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains(&format!("{file}:3: a row is longer than 1 MiB")),
        "{}",
        run.stderr
    );
    assert_eq!(db.snapshot().await, before);
}
