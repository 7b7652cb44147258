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

#[tokio::test]
async fn a_recipient_list_imported_by_mistake_is_undone_exactly() {
    let db = outreach_db().await;
    let export = sample("quicket_data-ai-day-2026.csv");
    let before = db.snapshot().await;
    let conversion = || {
        db.run(&["report", "--event", "data-ai-day-2026", "--format", "json"])
            .ok()
            .json()["events"][0]["campaigns"][0]["conversion_rate"]
            .clone()
    };
    let rate_before = conversion();
    db.run(&[
        "recipients",
        "import",
        "--communication",
        "1",
        "--force",
        path(&export),
    ])
    .ok();
    assert_ne!(conversion(), rate_before, "the mistake shows in the report");
    let id: i32 = db.scalar("SELECT max(id) FROM import_batches").await;
    let added: i64 = db
        .scalar("SELECT count(*) FROM communication_recipients WHERE communication_id = 1")
        .await;

    let listed = db.run(&["imports", "list", "--format", "json"]).ok().json();
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(row["source"], "recipients");
    assert_eq!(row["event"], "data-ai-day-2026");
    assert_eq!(row["communication_id"], 1);
    assert_eq!(row["recipients"], added - 7);
    assert_eq!(row["undone_at"], serde_json::Value::Null);
    // --event keeps the imports of that event only.
    let other = db
        .run(&[
            "imports",
            "list",
            "--event",
            "data-ai-day-2025",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(other, serde_json::json!([]));

    // --dry-run says what would go and changes nothing.
    let after_import = db.snapshot().await;
    let dry = db.run(&["imports", "undo", &id.to_string(), "--dry-run"]);
    assert!(
        dry.ok()
            .stdout
            .contains(&format!("would remove {} recipients and ", added - 7))
            && dry.stdout.contains("Nothing was changed"),
        "{}",
        dry.stdout
    );
    assert_eq!(db.snapshot().await, after_import);

    let undo = db.run(&["imports", "undo", &id.to_string(), "--format", "json"]);
    let summary = undo.ok().json();
    assert_eq!(summary["recipients_removed"], added - 7);
    assert_eq!(summary["dry_run"], false);
    // Every table as before the mistake: recipients, the contacts it
    // created, the recipient count, and the import's record.
    assert_eq!(db.snapshot().await, before);
    assert_eq!(
        db.scalar::<i32>("SELECT recipient_count FROM communications WHERE id = 1")
            .await,
        db.scalar::<i64>("SELECT count(*) FROM communication_recipients WHERE communication_id = 1")
            .await as i32
    );
    assert_eq!(conversion(), rate_before);
    // The undo is recorded and listed.
    let listed = db.run(&["imports", "list", "--format", "json"]).ok().json();
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap()
        .clone();
    assert_ne!(row["undone_at"], serde_json::Value::Null, "{row}");

    // Twice is refused; an unknown id is a usage error.
    let again = db.run(&["imports", "undo", &id.to_string()]);
    assert!(
        again.expect_code(1).stderr.contains("was already undone"),
        "{}",
        again.stderr
    );
    db.run(&["imports", "undo", "999"]).expect_code(2);
}

#[tokio::test]
async fn a_list_whose_recipients_brevo_has_reached_is_not_undone() {
    let db = outreach_db().await;
    let list = fixture("recipients/cfp-invite.csv");
    db.run(&["recipients", "import", "--communication", "1", path(&list)])
        .ok();
    let id: i32 = db.scalar("SELECT max(id) FROM import_batches").await;
    db.exec(
        "UPDATE communication_recipients SET status = 'opened', metadata = '{\"brevo_events\": []}'
         WHERE id = (SELECT max(id) FROM communication_recipients)",
    )
    .await;
    let before = db.snapshot().await;
    let refused = db.run(&["imports", "undo", &id.to_string()]);
    assert!(
        refused
            .expect_code(1)
            .stderr
            .contains("Brevo events have reached 1 recipient it added since"),
        "{}",
        refused.stderr
    );
    assert_eq!(db.snapshot().await, before);

    // A list recorded before migration 008 kept no rows: refused, explained.
    db.exec("DELETE FROM attrib.import_batch_rows").await;
    let old = db.run(&["imports", "undo", &id.to_string()]);
    assert!(
        old.expect_code(1).stderr.contains("before attrib recorded"),
        "{}",
        old.stderr
    );
    assert_eq!(db.snapshot().await, before);
}

async fn db_with_event() -> TestDb {
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
    db
}

fn import_quicket(db: &TestDb, name: &str) {
    let file = fixture(&format!("quicket/{name}"));
    db.run(&[
        "import",
        "quicket",
        "--event",
        "data-ai-day-2026",
        path(&file),
    ])
    .ok();
}

#[tokio::test]
async fn a_quicket_import_is_undone_also_when_recorded_before_migration_008() {
    for recorded_before_008 in [false, true] {
        let db = db_with_event().await;
        let before = db.snapshot().await;
        import_quicket(&db, "new_export.csv");
        assert_eq!(db.count("tickets").await, 5);
        if recorded_before_008 {
            db.exec("UPDATE import_batches SET written_at = NULL").await;
        }
        let undo = db.run(&["imports", "undo", "1"]);
        assert!(
            undo.ok().stdout.starts_with("Undid import 1 (quicket, ")
                && undo.stdout.trim().ends_with(
                    "new_export.csv, data-ai-day-2026): removed 5 tickets, 5 contacts and 2 organisations."
                ),
            "recorded before 008: {recorded_before_008}: {}",
            undo.stdout
        );
        assert_eq!(db.snapshot().await, before);
    }
}

#[tokio::test]
async fn an_import_later_imports_read_or_changed_is_not_undone() {
    let db = db_with_event().await;
    import_quicket(&db, "new_export.csv");
    import_quicket(&db, "newer_export.csv");
    let before = db.snapshot().await;

    let refused = db.run(&["imports", "undo", "1"]);
    assert!(
        refused.expect_code(1).stderr.contains("newer_export.csv, ")
            && refused.stderr.contains("`attrib imports undo 2`"),
        "{}",
        refused.stderr
    );
    assert_eq!(db.snapshot().await, before);

    // The later one goes: only what it created (T-006, its buyer and her
    // organisation); the changes it made to T-001 and others stay.
    let undo = db.run(&["imports", "undo", "2"]);
    assert!(
        undo.ok()
            .stdout
            .contains("removed 1 ticket, 1 contact and 1 organisation."),
        "{}",
        undo.stdout
    );
    assert_eq!(db.count("tickets").await, 5);
    assert!(
        db.scalar::<bool>("SELECT checked_in FROM tickets WHERE ticket_number = 'T-001'")
            .await
    );

    // Now the first one's tickets were changed by the second: refused.
    let before = db.snapshot().await;
    let changed = db.run(&["imports", "undo", "1"]);
    assert!(
        changed
            .expect_code(1)
            .stderr
            .contains("tickets it created were changed since"),
        "{}",
        changed.stderr
    );
    assert_eq!(db.snapshot().await, before);
}

#[tokio::test]
async fn brevo_events_cannot_be_undone() {
    let db = outreach_db().await;
    db.run(&[
        "brevo",
        "ingest",
        path(&fixture("brevo/events.jsonl")),
        "--unmatched",
        "/dev/null",
    ]);
    let Some(id) = db
        .scalar::<Option<i32>>("SELECT max(id) FROM import_batches WHERE source = 'brevo'")
        .await
    else {
        panic!("the Brevo fixture was not recorded");
    };
    let before = db.snapshot().await;
    let refused = db.run(&["imports", "undo", &id.to_string()]);
    assert!(
        refused.expect_code(1).stderr.contains("cannot be undone"),
        "{}",
        refused.stderr
    );
    assert_eq!(db.snapshot().await, before);
}

fn campaign_json(db: &TestDb, id: i64) -> serde_json::Value {
    let report = db
        .run(&["report", "--event", "data-ai-day-2026", "--format", "json"])
        .ok()
        .json();
    report["events"][0]["campaigns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["campaign_id"] == id)
        .unwrap()
        .clone()
}

#[tokio::test]
async fn a_rename_that_changes_the_slug_keeps_the_old_one_only_when_asked() {
    let db = outreach_db().await;
    let before = db.snapshot().await;
    let cfp = campaign_json(&db, 1);
    assert_eq!(cfp["registrations"], 4);

    // Five tickets (one cancelled) name cfp-2026 in some spelling.
    let refused = db.run(&[
        "campaigns",
        "rename",
        "cfp-2026",
        "--event",
        "data-ai-day-2026",
        "--name",
        "Call for Speakers 2026",
    ]);
    assert!(
        refused
            .expect_code(2)
            .stderr
            .contains("5 tickets of its event name cfp-2026")
            && refused.stderr.contains("--keep-old-slug"),
        "{}",
        refused.stderr
    );
    assert_eq!(db.snapshot().await, before);
    let name: String = db
        .scalar("SELECT name::text FROM campaigns WHERE id = 1")
        .await;
    assert_eq!(name, "CFP 2026");

    // --slug must be the new name's slug.
    db.run(&[
        "campaigns",
        "rename",
        "id:1",
        "--name",
        "Call for Speakers 2026",
        "--slug",
        "speakers",
        "--keep-old-slug",
    ])
    .expect_code(2);
    assert_eq!(db.snapshot().await, before);

    let renamed = db.run(&[
        "campaigns",
        "rename",
        "id:1",
        "--name",
        "Call for Speakers 2026",
        "--slug",
        "call-for-speakers-2026",
        "--keep-old-slug",
        "--format",
        "json",
    ]);
    let change = renamed.ok().json();
    assert_eq!(change["slug"], "call-for-speakers-2026");
    assert_eq!(change["previous_slug"], "cfp-2026");
    assert_eq!(change["tickets_naming_old_slug"], 5);
    assert_eq!(change["aliases"], serde_json::json!(["cfp-2026"]));

    // Still attributed, and shown, through the one attribution path.
    let after = campaign_json(&db, 1);
    assert_eq!(after["registrations"], cfp["registrations"]);
    assert_eq!(after["revenue"], cfp["revenue"]);
    assert_eq!(after["slug"], "call-for-speakers-2026 (also cfp-2026)");
    // `summary` buckets through the same path: the 4 registrations stay.
    let summary = db
        .run(&[
            "summary",
            "--event",
            "data-ai-day-2026",
            "--since",
            "2025-01-01",
            "--format",
            "json",
        ])
        .ok()
        .stdout
        .clone();
    let compact: String = summary.split_whitespace().collect();
    assert!(
        compact.contains(r#""campaign_id":1,"name":"CallforSpeakers2026","slug":"call-for-speakers-2026(alsocfp-2026)","new_registrations":4,"registrations":4"#),
        "{summary}"
    );
    assert_eq!(
        compact
            .matches(r#""campaign_id":1,"name":"CallforSpeakers2026","slug""#)
            .count(),
        1,
        "{summary}"
    );

    // `--campaign` still finds it by its old slug.
    let by_alias = db
        .run(&[
            "campaigns",
            "set-status",
            "cfp-2026",
            "completed",
            "--event",
            "data-ai-day-2026",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(by_alias["campaign_id"], 1);

    // A new campaign cannot take the old slug.
    db.run(&[
        "campaigns",
        "add",
        "--event",
        "data-ai-day-2026",
        "--name",
        "CFP 2026",
        "--type",
        "cfp",
    ])
    .expect_code(2);

    // A rename that keeps the slug needs nothing.
    db.run(&[
        "campaigns",
        "rename",
        "id:2",
        "--name",
        "EARLY BIRD registration 2026",
    ])
    .ok();
}

/// Runs a refused deletion and checks it changed nothing.
async fn refused(db: &TestDb, args: &[&str], needle: &str) -> String {
    let before = db.snapshot().await;
    let run = db.run(args);
    run.expect_code(2);
    assert!(run.stderr.contains(needle), "{args:?}: {}", run.stderr);
    assert_eq!(db.snapshot().await, before, "{args:?} changed the database");
    run.stdout.clone()
}

#[tokio::test]
async fn campaigns_delete_says_what_goes_and_needs_cascade_and_yes() {
    let db = outreach_db().await;
    let cfp = [
        "campaigns",
        "delete",
        "cfp-2026",
        "--event",
        "data-ai-day-2026",
    ];
    let plan = refused(
        &db,
        &cfp,
        "still referenced by 3 communications, 1 material",
    )
    .await;
    assert!(
        plan.contains(
            "Deleting campaign id:1 (cfp-2026, CFP 2026) removes it and 3 communications, \
             10 recipients, 1 material, 3 distributions."
        ) && plan.contains("5 tickets name its slug cfp-2026"),
        "{plan}"
    );
    refused(&db, &[&cfp[..], &["--yes"]].concat(), "add --cascade --yes").await;
    refused(&db, &[&cfp[..], &["--cascade"]].concat(), "add --yes").await;

    let run = db.run(&[&cfp[..], &["--cascade", "--yes"]].concat());
    assert!(
        run.ok().stdout.contains("Deleted campaign id:1"),
        "{}",
        run.stdout
    );
    assert_eq!(db.count("campaigns").await, 6);
    assert_eq!(db.count("communications").await, 4);
    assert_eq!(db.count("communication_recipients").await, 3);
    assert_eq!(db.count("marketing_assets").await, 2);
    assert_eq!(db.count("asset_distributions").await, 3);
    assert_eq!(db.count("tickets").await, 22, "tickets stay");

    // An unreferenced campaign needs --yes only.
    refused(&db, &["campaigns", "delete", "id:7"], "add --yes").await;
    db.run(&["campaigns", "delete", "id:7", "--yes"]).ok();
    assert_eq!(db.count("campaigns").await, 5);
}

#[tokio::test]
async fn comms_and_assets_delete_follow_the_same_rules() {
    let db = outreach_db().await;
    let plan = refused(&db, &["comms", "delete", "1", "--yes"], "7 recipients").await;
    assert!(
        plan.contains("Deleting communication id:1 (email, Call for papers is open) removes it and 7 recipients."),
        "{plan}"
    );
    refused(&db, &["comms", "delete", "5"], "add --yes").await;
    db.run(&["comms", "delete", "id:5", "--yes"]).ok();
    db.run(&["comms", "delete", "1", "--cascade", "--yes"]).ok();
    assert_eq!(db.count("communications").await, 5);
    assert_eq!(db.count("communication_recipients").await, 6);
    refused(
        &db,
        &["comms", "delete", "99", "--yes"],
        "no communication id:99",
    )
    .await;

    refused(
        &db,
        &["assets", "delete", "Save the date", "--yes"],
        "2 distributions",
    )
    .await;
    db.run(&["assets", "delete", "Save the date", "--cascade", "--yes"])
        .ok();
    assert_eq!(db.count("marketing_assets").await, 2);
    assert_eq!(db.count("asset_distributions").await, 4);
}

#[tokio::test]
async fn events_delete_refuses_an_event_with_tickets_unless_cascade_and_yes() {
    let db = outreach_db().await;
    let event = ["events", "delete", "data-ai-day-2025"];
    let plan = refused(&db, &event, "still referenced by 1 ticket, 1 campaign").await;
    assert!(
        plan.contains("removes it and 1 campaign, 1 ticket."),
        "{plan}"
    );
    refused(&db, &[&event[..], &["--yes"]].concat(), "--cascade --yes").await;
    refused(&db, &[&event[..], &["--cascade"]].concat(), "add --yes").await;
    refused(
        &db,
        &["events", "delete", "data-ai-day-2062", "--cascade", "--yes"],
        "no event matches",
    )
    .await;
    db.run(&[&event[..], &["--cascade", "--yes"]].concat()).ok();
    assert_eq!(db.count("events").await, 2);
    assert_eq!(db.count("tickets").await, 21);
    assert_eq!(db.count("campaigns").await, 6);
    assert_eq!(db.count("contacts").await, 16, "people stay");
}
