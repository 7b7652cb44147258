//! Small inconsistencies of everyday use (issue 13, section 4): exit codes,
//! "did you mean" for events and campaigns, the hint for `attrib import`
//! without `quicket`, and plurals.

use crate::harness::{Run, TestDb, attrib_command, fixture};

async fn outreach_db() -> TestDb {
    let db = TestDb::migrated().await;
    let sql = std::fs::read_to_string(fixture("report/outreach.sql")).unwrap();
    db.exec(&sql).await;
    db
}

#[tokio::test]
async fn a_mistyped_campaign_or_event_slug_suggests_the_closest() {
    let db = outreach_db().await;
    let campaign = db.run(&[
        "who",
        "--event",
        "data-ai-day-2026",
        "--campaign",
        "cfp-2062",
    ]);
    assert!(
        campaign
            .expect_code(2)
            .stderr
            .contains("no campaign of event data-ai-day-2026 matches --campaign cfp-2062. Did you mean cfp-2026?"),
        "{}",
        campaign.stderr
    );
    let event = db.run(&["report", "--event", "data-ai-day-cape-twon-2026"]);
    assert!(
        event
            .expect_code(2)
            .stderr
            .contains("Did you mean data-ai-day-cape-town-2026?"),
        "{}",
        event.stderr
    );
    // Nothing close: no guess.
    let far = db.run(&["report", "--event", "devconf"]);
    assert!(
        !far.expect_code(2).stderr.contains("Did you mean"),
        "{}",
        far.stderr
    );
}

#[tokio::test]
async fn a_duplicate_event_and_a_duplicate_campaign_exit_alike() {
    let db = outreach_db().await;
    let event = db.run(&[
        "events",
        "add",
        "--name",
        "Data & AI Day 2026",
        "--starts-on",
        "2026-09-17",
    ]);
    let campaign = db.run(&[
        "campaigns",
        "add",
        "--event",
        "data-ai-day-2026",
        "--name",
        "CFP 2026",
        "--type",
        "cfp",
    ]);
    assert_eq!(event.code, 2, "{}", event.stderr);
    assert_eq!(campaign.code, event.code, "{}", campaign.stderr);
}

#[test]
fn import_without_quicket_suggests_it() {
    let run = Run::of(attrib_command().args(["import", "--event", "2026", "attendees.csv"]));
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("attrib import quicket --event 2026 attendees.csv"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn an_import_that_waits_for_another_says_so_in_a_sentence() {
    use std::io::{BufRead, BufReader};
    let db = TestDb::migrated().await;
    db.run(&[
        "events",
        "add",
        "--name",
        "Data & AI Day 2026",
        "--starts-on",
        "2026-09-17",
    ])
    .ok();
    // Another import holds the imports' lock ("attrib:import").
    let mut holder = db.pool.acquire().await.unwrap();
    sqlx::query("SELECT pg_advisory_lock(x'6174747269623a69'::bigint)")
        .execute(&mut *holder)
        .await
        .unwrap();
    let mut child = db
        .attrib()
        .args([
            "import",
            "quicket",
            "--event",
            "data-ai-day-2026",
            fixture("quicket/new_export.csv").to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The import blocks until the lock is released: read its first line of
    // stderr on a thread (the message comes before the wait).
    let stderr = child.stderr.take().unwrap();
    let first_line = std::thread::spawn(move || {
        let mut line = String::new();
        BufReader::new(stderr).read_line(&mut line).unwrap();
        line
    });
    let mut waited = 0;
    while !first_line.is_finished() && waited < 600 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited += 1;
    }
    sqlx::query("SELECT pg_advisory_unlock_all()")
        .execute(&mut *holder)
        .await
        .unwrap();
    let status = child.wait().unwrap();
    let line = first_line.join().unwrap();
    assert_eq!(
        line.trim_end(),
        "Waiting for another import to finish; this one goes on as soon as it is done."
    );
    assert!(status.success());
    assert_eq!(db.count("tickets").await, 5);
}

#[tokio::test]
async fn one_new_contact_is_one() {
    let db = outreach_db().await;
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("one.csv");
    std::fs::write(&list, "email\nnew.person@example.org\n").unwrap();
    let run = db.run(&[
        "recipients",
        "import",
        "--communication",
        "1",
        list.to_str().unwrap(),
    ]);
    assert!(
        run.ok()
            .stdout
            .contains(": 1 row; 1 recipient added, 0 already there; 1 new contact.\n"),
        "{}",
        run.stdout
    );
}

#[tokio::test]
async fn with_no_events_the_error_points_at_the_demo_database() {
    let db = TestDb::migrated().await;
    let run = db.run(&["report", "--event", "2026"]);
    assert!(
        run.expect_code(2)
            .stderr
            .contains("add --demo, e.g. `attrib --demo report --event 2026`"),
        "{}",
        run.stderr
    );
}
