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
