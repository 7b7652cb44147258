//! `attrib brevo ingest`, end to end: matching, the forward-only status,
//! metadata kept once in canonical order, sent_at, unmatched events kept in a
//! file, malformed input refused with line numbers, and order independence.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde_json::{Value, json};

use crate::harness::{Run, TestDb, fixture};

const FIXTURE: &str = r#"
INSERT INTO events (id, name, slug, starts_on) VALUES (1, 'Data & AI Day 2026', 'data-ai-day-2026', '2026-09-17');
INSERT INTO campaigns (id, name, event_id, campaign_type) VALUES (1, 'CFP 2026', 1, 'cfp');
INSERT INTO contacts (id, email) VALUES
  (1, 'jane@example.com'), (2, 'thabo@example.co.za'), (3, 'lee@example.org'), (4, 'zoe@example.net');
INSERT INTO communications (id, campaign_id, channel, title, brevo_template_id, status, sent_at) VALUES
  (1, 1, 'email', 'Speak at Data & AI Day 2026', 11, 'sent', '2026-02-03 09:30+02'),
  (2, 1, 'email', 'Speak at Data & AI Day 2026 (test send)', 11, 'sent', '2026-01-10 09:00+02');
INSERT INTO communication_recipients (id, communication_id, contact_id, brevo_message_id) VALUES
  (1, 1, 1, 'a1@smtp-relay.mailin.fr'),
  (2, 1, 2, 'a2@smtp-relay.mailin.fr'),
  (3, 1, 3, NULL),
  (4, 2, 3, NULL),
  (5, 1, 4, 'a4@smtp-relay.mailin.fr');
"#;

/// 2026-02-03 09:30:00 SAST, in milliseconds.
const T: i64 = 1_770_103_800_000;

async fn fixture_db() -> TestDb {
    let db = TestDb::migrated().await;
    db.exec(FIXTURE).await;
    db
}

/// A copy of a fixture in a directory of its own, so that the unmatched
/// file written beside it belongs to this test.
fn copy_fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(Path::new(name).file_name().unwrap());
    std::fs::copy(fixture(name), &path).unwrap();
    (dir, path)
}

fn write_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn run_with_stdin(db: &TestDb, dir: &Path, args: &[&str], input: &[u8]) -> Run {
    let mut child = db
        .attrib()
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every recipient row as JSON text, to compare databases.
async fn recipients_dump(db: &TestDb) -> String {
    db.scalar(
        "SELECT json_agg(json_build_object('id', id, 'status', status, 'sent_at', sent_at, 'metadata', metadata) ORDER BY id)::text
         FROM communication_recipients",
    )
    .await
}

fn lines_of(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn ingest_matches_moves_statuses_forward_and_keeps_every_event_once() {
    let db = fixture_db().await;
    let (_dir, file) = copy_fixture("brevo/events.jsonl");
    let path = file.to_str().unwrap();
    let summary = db
        .run(&["brevo", "ingest", path, "--format", "json"])
        .ok()
        .json();
    let unmatched_path = format!("{path}.unmatched.jsonl");
    assert_eq!(
        summary,
        json!({
            "file": path, "events": 17, "marketing_events": 0, "contact_events_skipped": 0,
            "invalid_skipped": 0, "matched": 15,
            "matched_by_message_id": 13, "matched_by_email_and_template": 2,
            "matched_by_campaign": 0,
            "unmatched": 2, "unmatched_file": unmatched_path,
            "recipients_added_from_events": 0, "contacts_created": 0, "unknown_campaigns": [],
            "events_recorded": 14, "already_recorded": 1, "recipients_updated": 4,
            "waiting": 2,
        })
    );

    let rows: Vec<(i32, String, Option<String>)> = sqlx::query_as(
        "SELECT id, status::text, to_char(sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS')
         FROM communication_recipients ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        rows,
        [
            (1, "clicked".into(), s("2026-02-03 07:30:01.000")),
            (2, "bounced".into(), s("2026-02-03 07:30:01.500")),
            // lee by email + template 11: the latest communication of it.
            (3, "delivered".into(), s("2026-02-03 07:30:02.000")),
            (4, "queued".into(), None),
            // error while nothing beyond queued is known; deferred changes nothing.
            (5, "failed".into(), None),
        ]
    );

    let metadata = |id: i32| {
        let pool = db.pool.clone();
        async move {
            sqlx::query_scalar::<_, Value>(
                "SELECT metadata FROM communication_recipients WHERE id = $1",
            )
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    assert_eq!(
        metadata(1).await,
        json!({"brevo_events": [
            {"event": "request", "ts_epoch": T + 1000},
            {"event": "delivered", "ts_epoch": T + 3000},
            {"event": "opened", "ts_epoch": T + 600_000},
            {"event": "unique_opened", "ts_epoch": T + 600_000},
            {"event": "opened", "ts_epoch": T + 3_600_000},
            {"event": "click", "link": "https://datai.day/cfp?utm_campaign=cfp-2026", "ts_epoch": T + 3_660_000},
            {"event": "unsubscribed", "ts_epoch": T + 7_200_000},
        ]})
    );
    assert_eq!(
        metadata(2).await,
        json!({"brevo_events": [
            {"event": "request", "ts_epoch": T + 1500},
            {"event": "soft_bounce", "reason": "mailbox full", "ts_epoch": T + 5000},
            {"event": "hard_bounce", "reason": "unknown user", "ts_epoch": T + 9000},
        ]})
    );
    assert_eq!(
        metadata(5).await,
        json!({"brevo_events": [
            {"event": "error", "reason": "invalid sender", "ts_epoch": T + 7000},
            {"event": "deferred", "reason": "greylisted", "ts_epoch": T + 8000},
        ]})
    );
    assert_eq!(
        db.scalar::<Option<Value>>("SELECT metadata FROM communication_recipients WHERE id = 4")
            .await,
        None
    );

    // The unmatched events, as they were in the file, in file order.
    let all = lines_of(&file);
    assert_eq!(
        lines_of(Path::new(&unmatched_path)),
        [all[14].clone(), all[16].clone()]
    );

    // The six questions see what Brevo said.
    let who = db
        .run(&["who", "--campaign", "cfp-2026", "--format", "json"])
        .ok()
        .json();
    let statuses: Vec<&str> = who
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    // The test send (comm 2, earlier) first, then comm 1 by address.
    assert_eq!(
        statuses,
        ["queued", "clicked", "delivered", "bounced", "failed"]
    );
    let contact = db
        .run(&["contact", "jane@example.com", "--format", "json"])
        .ok()
        .json();
    assert_eq!(contact["sent"][0]["last_event"], "unsubscribed");
    assert_eq!(contact["sent"][0]["last_event_at"], "2026-02-03 11:30");
}

#[tokio::test]
async fn ingesting_the_same_file_twice_changes_nothing() {
    let db = fixture_db().await;
    let (_dir, file) = copy_fixture("brevo/events.jsonl");
    let path = file.to_str().unwrap();
    db.run(&["brevo", "ingest", path]).ok();
    let before = (db.snapshot().await, recipients_dump(&db).await);
    let again = db
        .run(&["brevo", "ingest", path, "--format", "json"])
        .ok()
        .json();
    assert_eq!(again["events_recorded"], 0);
    assert_eq!(again["already_recorded"], 15);
    assert_eq!(again["recipients_updated"], 0);
    assert_eq!((db.snapshot().await, recipients_dump(&db).await), before);
    let table = db.run(&["brevo", "ingest", path]);
    assert_eq!(
        table.ok().stdout,
        format!(
            "{path}: 17 events; 15 matched (13 by message id, 2 by email and template), 2 unmatched \
             (written to {path}.unmatched.jsonl).\n0 new events recorded, 15 already known; 0 recipients updated.\n"
        )
    );
}

/// A deterministic shuffle (the tests must not depend on luck).
fn shuffle<T>(items: &mut [T], mut seed: u64) {
    for i in (1..items.len()).rev() {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let j = (seed >> 33) as usize % (i + 1);
        items.swap(i, j);
    }
}

#[tokio::test]
async fn any_order_and_any_split_of_the_events_gives_the_same_result() {
    let reference = fixture_db().await;
    let (dir, file) = copy_fixture("brevo/events.jsonl");
    reference
        .run(&["brevo", "ingest", file.to_str().unwrap()])
        .ok();
    let expected = recipients_dump(&reference).await;

    let lines = lines_of(&file);
    for seed in [1u64, 7, 42] {
        let mut shuffled = lines.clone();
        shuffle(&mut shuffled, seed);
        let (first, second) = shuffled.split_at(seed as usize % lines.len());
        let db = fixture_db().await;
        for (i, part) in [first, second].iter().enumerate() {
            let path = write_file(
                dir.path(),
                &format!("part-{seed}-{i}.jsonl"),
                &(part.join("\n") + "\n"),
            );
            db.run(&["brevo", "ingest", path.to_str().unwrap(), "--quiet"])
                .ok();
        }
        assert_eq!(recipients_dump(&db).await, expected, "seed {seed}");
    }
}

#[tokio::test]
async fn malformed_lines_refuse_the_file_unless_skipped() {
    let db = fixture_db().await;
    let (dir, file) = copy_fixture("brevo/malformed.jsonl");
    let path = file.to_str().unwrap();
    let before = (db.snapshot().await, recipients_dump(&db).await);
    let run = db.run(&["brevo", "ingest", path]);
    run.expect_code(1);
    let expected = format!(
        "error: 2 invalid rows; nothing was imported:\n\
         \x20 {path}:3: is not valid JSON (EOF while parsing an object at line 1 column 47)\n\
         \x20 {path}:5: has an unknown event \"bounced\"; Brevo's email events are request, delivered, \
         opened, unique_opened, proxy_open, unique_proxy_open, click, soft_bounce, hard_bounce, invalid_email, \
         blocked, deferred, spam, unsubscribed, unsubscribe, error, and its contact events list_addition, \
         contact_updated, contact_deleted\n\
         Fix them, or pass --skip-invalid to ingest the other events.\n"
    );
    assert_eq!(run.stderr, expected);
    assert_eq!(
        (db.snapshot().await, recipients_dump(&db).await),
        before,
        "nothing was written"
    );
    assert!(!dir.path().join("malformed.jsonl.unmatched.jsonl").exists());

    let skipped = db.run(&[
        "brevo",
        "ingest",
        path,
        "--skip-invalid",
        "--format",
        "json",
    ]);
    let summary = skipped.ok().json();
    assert_eq!(summary["events"], 4);
    assert_eq!(summary["invalid_skipped"], 2);
    assert_eq!(summary["events_recorded"], 4);
    assert!(
        skipped
            .stderr
            .contains("warning: skipped 2 malformed events:"),
        "{}",
        skipped.stderr
    );
    assert!(
        skipped
            .stderr
            .contains(&format!("{path}:3: is not valid JSON"))
    );
    assert!(
        skipped
            .stderr
            .contains(&format!("{path}:5: has an unknown event \"bounced\""))
    );
    assert_eq!(
        db.scalar::<String>("SELECT status::text FROM communication_recipients WHERE id = 1")
            .await,
        "opened"
    );

    // --strict: skipped events need attention.
    db.run(&[
        "brevo",
        "ingest",
        path,
        "--skip-invalid",
        "--strict",
        "--quiet",
    ])
    .expect_code(3);
}

#[tokio::test]
async fn a_json_array_on_standard_input_is_streamed_too() {
    let db = fixture_db().await;
    let dir = tempfile::tempdir().unwrap();
    let array = std::fs::read(fixture("brevo/events-array.json")).unwrap();
    let run = run_with_stdin(
        &db,
        dir.path(),
        &["brevo", "ingest", "-", "--format", "json"],
        &array,
    );
    let summary = run.ok().json();
    assert_eq!(summary["file"], "(standard input)");
    assert_eq!(summary["events"], 4);
    assert_eq!(summary["matched"], 4);
    assert_eq!(summary["unmatched_file"], Value::Null);
    assert_eq!(
        db.scalar::<String>("SELECT status::text FROM communication_recipients WHERE id = 1")
            .await,
        "clicked"
    );
    assert_eq!(
        db.scalar::<String>("SELECT status::text FROM communication_recipients WHERE id = 2")
            .await,
        "bounced"
    );

    // Unmatched events from standard input go to the current directory by default...
    let ghost = r#"[{"event":"delivered","email":"ghost@example.com","template_id":99,"ts_epoch":1770103805000}]"#;
    let run = run_with_stdin(
        &db,
        dir.path(),
        &["brevo", "ingest", "-", "--strict"],
        ghost.as_bytes(),
    );
    run.expect_code(3);
    let default = dir.path().join("brevo-stdin.unmatched.jsonl");
    assert_eq!(
        lines_of(&default),
        [
            r#"{"event":"delivered","email":"ghost@example.com","template_id":99,"ts_epoch":1770103805000}"#
        ]
    );
    // ...or where --unmatched says.
    let chosen = dir.path().join("elsewhere.jsonl");
    let run = run_with_stdin(
        &db,
        dir.path(),
        &[
            "brevo",
            "ingest",
            "-",
            "--unmatched",
            chosen.to_str().unwrap(),
            "--format",
            "json",
        ],
        ghost.as_bytes(),
    );
    assert_eq!(run.ok().json()["unmatched"], 1);
    assert_eq!(lines_of(&chosen).len(), 1);

    // A broken array: the line of the break, and nothing written.
    let before = recipients_dump(&db).await;
    let broken = "[\n{\"event\":\"click\",\"message-id\":\"<a2@smtp-relay.mailin.fr>\",\"ts_epoch\":1770103900000},\n{\"event\": oops}\n]";
    let run = run_with_stdin(
        &db,
        dir.path(),
        &["brevo", "ingest", "-", "--skip-invalid"],
        broken.as_bytes(),
    );
    run.expect_code(1);
    assert!(
        run.stderr.contains("(standard input):3: is not valid JSON (expected value at line 3 column 11); the rest of the array cannot be read"),
        "{}",
        run.stderr
    );
    assert_eq!(recipients_dump(&db).await, before);
}

#[tokio::test]
async fn unreadable_inputs_are_refused_clearly() {
    let db = fixture_db().await;
    let run = db.run(&["brevo", "ingest", "/no/such/events.jsonl"]);
    assert!(
        run.expect_code(1)
            .stderr
            .contains("error: /no/such/events.jsonl: no such file")
    );
    let dir = tempfile::tempdir().unwrap();
    let run = db.run(&["brevo", "ingest", dir.path().to_str().unwrap()]);
    assert!(
        run.expect_code(1)
            .stderr
            .contains("is a directory, not a file of Brevo events")
    );
    let events = write_file(dir.path(), "events.jsonl", "{}\n");
    let run = db.run(&[
        "brevo",
        "ingest",
        events.to_str().unwrap(),
        "--unmatched",
        events.to_str().unwrap(),
    ]);
    assert_eq!(
        run.expect_code(2).stderr.lines().next().unwrap(),
        format!(
            "error: --unmatched {} is the events file itself; choose another path",
            events.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&events).unwrap(), "{}\n");
    let empty = write_file(dir.path(), "empty.jsonl", "\n\n");
    let summary = db
        .run(&[
            "brevo",
            "ingest",
            empty.to_str().unwrap(),
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(summary["events"], 0);
}

#[tokio::test]
async fn endless_or_binary_input_is_refused_at_once() {
    let db = fixture_db().await;
    let before = (db.snapshot().await, recipients_dump(&db).await);
    // /dev/zero never ends: refused at its first bytes, as a file...
    let run = db.run(&["brevo", "ingest", "/dev/zero"]);
    assert!(
        run.expect_code(1)
            .stderr
            .contains("/dev/zero:1: is binary data (it has a NUL byte), not Brevo's JSON events"),
        "{}",
        run.stderr
    );
    // ...and on standard input, which is streamed, never copied to disk.
    let mut child = db
        .attrib()
        .args(["brevo", "ingest", "-"])
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = child.wait().unwrap();
    assert_eq!(out.code(), Some(1));
    // A CSV file given by mistake.
    let dir = tempfile::tempdir().unwrap();
    let csv = write_file(
        dir.path(),
        "list.csv",
        "email,first_name\njane@example.com,Jane\n",
    );
    let run = db.run(&["brevo", "ingest", csv.to_str().unwrap()]);
    assert!(
        run.expect_code(1).stderr.contains("looks like a CSV file"),
        "{}",
        run.stderr
    );
    // An endless line: cut at 1 MiB, never held whole.
    let long = dir.path().join("long.jsonl");
    let mut text = format!(
        "{{\"event\":\"delivered\",\"email\":\"{}\"}}\n",
        "x".repeat(3 << 20)
    );
    text.push_str(r#"{"event":"delivered","message-id":"<a1@smtp-relay.mailin.fr>","ts_epoch":1770103900000}"#);
    std::fs::write(&long, text).unwrap();
    let run = db.run(&["brevo", "ingest", long.to_str().unwrap()]);
    assert!(
        run.expect_code(1)
            .stderr
            .contains(&format!("{}:1: event is longer than 1 MiB", long.display())),
        "{}",
        run.stderr
    );
    assert_eq!((db.snapshot().await, recipients_dump(&db).await), before);
    assert!(std::fs::read_dir("/tmp").unwrap().flatten().all(|e| {
        !e.file_name()
            .to_string_lossy()
            .starts_with("attrib-brevo-stdin")
    }));
}

#[tokio::test]
async fn the_unmatched_file_never_follows_a_link_nor_replaces_a_device() {
    let db = fixture_db().await;
    let dir = tempfile::tempdir().unwrap();
    let ghost = r#"{"event":"delivered","email":"ghost@example.com","template_id":99,"ts_epoch":1770103805000}"#;
    let events = write_file(dir.path(), "events.jsonl", ghost);
    // A link planted at the default name: replaced, its target untouched.
    let victim = write_file(dir.path(), "victim.txt", "precious\n");
    let planted = dir.path().join("events.jsonl.unmatched.jsonl");
    std::os::unix::fs::symlink(&victim, &planted).unwrap();
    db.run(&["brevo", "ingest", events.to_str().unwrap()]).ok();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    assert!(!std::fs::symlink_metadata(&planted).unwrap().is_symlink());
    assert_eq!(lines_of(&planted), [ghost]);
    // A device is written into, never replaced (as root too).
    db.run(&[
        "brevo",
        "ingest",
        events.to_str().unwrap(),
        "--unmatched",
        "/dev/null",
    ])
    .ok();
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    // Ingesting the unmatched file itself rewrites it, with no second suffix.
    db.run(&["brevo", "ingest", planted.to_str().unwrap()]).ok();
    assert_eq!(lines_of(&planted), [ghost]);
    assert!(
        !dir.path()
            .join("events.jsonl.unmatched.jsonl.unmatched.jsonl")
            .exists()
    );
    // No temporary file is left behind.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["events.jsonl", "events.jsonl.unmatched.jsonl", "victim.txt"]
    );
}
