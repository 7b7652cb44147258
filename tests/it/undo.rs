//! Mistakes that can be undone (issue 13, section 2): the safeguards of
//! `recipients import`, `attrib imports list` and `imports undo`, `campaigns
//! rename` and its old-slug aliases, and the `delete` commands. Every
//! refusal is checked to leave the database as it was.

use crate::harness::{TestDb, fixture, sample};

async fn outreach_db() -> TestDb {
    let db = TestDb::migrated().await;
    let sql = std::fs::read_to_string(fixture("report/outreach.sql")).unwrap();
    db.exec(&sql).await;
    db
}

fn path(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

#[tokio::test]
async fn a_ticket_export_is_refused_as_a_recipient_list_unless_forced() {
    let db = outreach_db().await;
    let export = sample("quicket_data-ai-day-2026.csv");
    let before = db.snapshot().await;
    let refused = db.run(&[
        "recipients",
        "import",
        "--communication",
        "1",
        path(&export),
    ]);
    refused.expect_code(1);
    assert!(
        refused
            .stderr
            .contains("looks like a Quicket ticket export")
            && refused.stderr.contains("'Ticket Number' and 'Ticket Type'")
            && refused.stderr.contains("attrib import quicket")
            && refused.stderr.contains("--force"),
        "{}",
        refused.stderr
    );
    assert_eq!(db.snapshot().await, before, "a refusal changes nothing");

    // Forced, it is imported, with a warning: 7 recipients became hundreds.
    let forced = db.run(&[
        "recipients",
        "import",
        "--communication",
        "1",
        "--force",
        path(&export),
    ]);
    forced.ok();
    let batch: i32 = db
        .scalar("SELECT max(id) FROM import_batches WHERE source = 'recipients'")
        .await;
    assert!(
        forced
            .stderr
            .contains("more than doubled the recipients of communication id:1")
            && forced.stderr.contains("from 7 to ")
            && forced
                .stderr
                .contains(&format!("`attrib imports undo {batch}`")),
        "{}",
        forced.stderr
    );
}

#[tokio::test]
async fn a_list_that_does_not_double_the_recipients_brings_no_warning() {
    let db = outreach_db().await;
    let list = fixture("recipients/cfp-invite.csv");
    // Communication 1 has 7 recipients; the list adds 4.
    let run = db.run(&["recipients", "import", "--communication", "1", path(&list)]);
    run.ok();
    assert!(!run.stderr.contains("doubled"), "{}", run.stderr);
    assert!(
        run.stdout.contains("now has 11 recipients"),
        "{}",
        run.stdout
    );
}
