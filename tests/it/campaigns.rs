//! `attrib campaigns add`, `list` and `set-status`, with each validation
//! error, and `updated_at` kept current by migration 004's trigger.

use serde_json::Value;

use crate::harness::{TestDb, fixture};

async fn outreach_db() -> TestDb {
    let db = TestDb::migrated().await;
    let sql = std::fs::read_to_string(fixture("report/outreach.sql")).unwrap();
    db.exec(&sql).await;
    db
}

#[tokio::test]
async fn add_records_a_campaign_and_shows_its_slug() {
    let db = outreach_db().await;
    let run = db.run(&[
        "campaigns",
        "add",
        "--event",
        "data-ai-day-2026",
        "--name",
        "  Speaker Spotlight — July ",
        "--type",
        "general",
        "--description",
        "Weekly speaker posts",
        "--format",
        "json",
    ]);
    run.ok();
    let added = run.json();
    assert_eq!(added["id"], 8);
    assert_eq!(added["event"], "data-ai-day-2026");
    assert_eq!(added["name"], "Speaker Spotlight — July");
    assert_eq!(added["slug"], "speaker-spotlight-july");
    assert_eq!(added["campaign_type"], "general");
    assert_eq!(
        added["status"], "draft",
        "draft unless --status says otherwise"
    );
    assert_eq!(added["communications"], 0);
    assert!(
        run.stderr.contains("utm_campaign=speaker-spotlight-july"),
        "{}",
        run.stderr
    );
    let row: (String, i32, String, Option<String>, Option<String>) = sqlx::query_as(
        "SELECT name::text, event_id, campaign_type::text, status::text, description FROM campaigns WHERE id = 8",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        row,
        (
            "Speaker Spotlight — July".into(),
            1,
            "general".into(),
            Some("draft".into()),
            Some("Weekly speaker posts".into())
        )
    );

    // --status, and the table format; the same slug in another event is fine.
    let run = db.run(&[
        "campaigns",
        "add",
        "--event",
        "id:2",
        "--name",
        "Speaker spotlight: July!",
        "--type",
        "general",
        "--status",
        "active",
    ]);
    run.ok();
    assert!(
        run.stdout.contains("speaker-spotlight-july"),
        "{}",
        run.stdout
    );
    assert_eq!(
        db.scalar::<String>("SELECT status::text FROM campaigns WHERE id = 9")
            .await,
        "active"
    );

    // The report attributes tickets to it right away.
    db.exec("INSERT INTO tickets (event_id, contact_id, ticket_number, purchased_at, marketing_source)
             VALUES (1, 16, 'T99', '2026-07-01 10:00+02', 'https://qkt.io/x?utm_campaign=speaker-spotlight-july')")
        .await;
    let doc = db
        .run(&["report", "--event", "data-ai-day-2026", "--format", "json"])
        .ok()
        .json();
    let spotlight = doc["events"][0]["campaigns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["campaign_id"] == 8)
        .unwrap()
        .clone();
    assert_eq!(spotlight["registrations"], 1);
}

#[tokio::test]
async fn add_refuses_a_slug_clash_within_the_event() {
    let db = outreach_db().await;
    let before = db.snapshot().await;
    // "cfp_2026" has the slug of campaign 1, CFP 2026.
    let run = db.run(&[
        "campaigns",
        "add",
        "--event",
        "data-ai-day-2026",
        "--name",
        "cfp_2026",
        "--type",
        "cfp",
    ]);
    run.expect_code(2);
    for needle in [
        "already has campaign id:1 'CFP 2026'",
        "cfp-2026",
        "different slug",
    ] {
        assert!(run.stderr.contains(needle), "{needle}: {}", run.stderr);
    }
    assert_eq!(db.snapshot().await, before, "nothing written");
}

#[tokio::test]
async fn add_validates_every_value_before_writing() {
    let db = outreach_db().await;
    let before = db.snapshot().await;
    let add = |extra: &[&str]| {
        let mut args = vec!["campaigns", "add"];
        args.extend_from_slice(extra);
        db.run(&args)
    };
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "--event",
                "data-ai-day-2026",
                "--name",
                "X",
                "--type",
                "newsletter",
            ],
            "cfp, registration, reminder, thank_you, sponsor, general",
        ),
        (
            vec![
                "--event",
                "data-ai-day-2026",
                "--name",
                "X",
                "--type",
                "cfp",
                "--status",
                "live",
            ],
            "draft, active, completed, cancelled",
        ),
        (
            vec![
                "--event",
                "data-ai-day-2026",
                "--name",
                "  ",
                "--type",
                "cfp",
            ],
            "--name is empty",
        ),
        (
            vec![
                "--event",
                "data-ai-day-2026",
                "--name",
                "???",
                "--type",
                "cfp",
            ],
            "no letter or digit",
        ),
        (
            vec![
                "--event",
                "data-ai-day-2026",
                "--name",
                "2027",
                "--type",
                "cfp",
            ],
            "campaign id",
        ),
        (
            vec![
                "--event",
                "data-ai-day-2026",
                "--name",
                "CFP\n2026 bis",
                "--type",
                "cfp",
            ],
            "one line",
        ),
        (
            vec![
                "--event",
                "data-ai-day-2099",
                "--name",
                "CFP 2099",
                "--type",
                "cfp",
            ],
            "no event matches",
        ),
        (
            // A year with two events is not one event.
            vec!["--event", "2026", "--name", "CFP bis", "--type", "cfp"],
            "matches 2 events",
        ),
        (vec!["--name", "CFP bis", "--type", "cfp"], "--event"),
    ];
    let long = "x".repeat(201);
    let mut cases = cases;
    cases.push((
        vec![
            "--event",
            "data-ai-day-2026",
            "--name",
            &long,
            "--type",
            "cfp",
        ],
        "at most 200",
    ));
    for (args, needle) in cases {
        let run = add(&args);
        run.expect_code(2);
        assert!(run.stderr.contains(needle), "{args:?}: {}", run.stderr);
    }
    assert_eq!(db.snapshot().await, before, "nothing written");
}

#[tokio::test]
async fn list_shows_slugs_and_warns_about_shared_ones() {
    let db = outreach_db().await;
    let run = db.run(&["campaigns", "list", "--format", "json"]);
    run.ok();
    let rows = run.json();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 7);
    // Events in date order (2025 first), campaigns by id.
    let ids: Vec<i64> = rows.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [7, 1, 2, 3, 4, 5, 6]);
    let slugs: Vec<&str> = rows.iter().map(|r| r["slug"].as_str().unwrap()).collect();
    assert_eq!(
        slugs,
        [
            "cfp-2025",
            "cfp-2026",
            "early-bird-registration-2026",
            "reminder-last-chance",
            "reminder-last-chance",
            "sponsors-2026",
            "cfp-2026"
        ]
    );
    assert_eq!(rows[1]["event"], "data-ai-day-2026");
    assert_eq!(rows[1]["communications"], 3);
    assert_eq!(
        rows[1]["updated_at"], "2026-01-01 02:00",
        "Johannesburg time"
    );
    assert!(
        run.stderr
            .contains("id:3 and id:4 of data-ai-day-2026 share the slug 'reminder-last-chance'"),
        "{}",
        run.stderr
    );

    let one = db.run(&[
        "campaigns",
        "list",
        "--event",
        "data-ai-day-cape-town-2026",
        "--format",
        "json",
    ]);
    one.ok();
    let only: Vec<i64> = one
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(only, [6]);
    assert!(!one.stderr.contains("share the slug"));

    let year = db.run(&["campaigns", "list", "--event", "2026", "--format", "json"]);
    assert_eq!(year.ok().json().as_array().unwrap().len(), 6);

    let table = db.run(&["campaigns", "list", "--event", "2025"]);
    table.ok();
    assert!(table.stdout.contains("cfp-2025"), "{}", table.stdout);
    assert!(table.stdout.contains("CFP 2025"));

    db.run(&["campaigns", "list", "--event", "nope"])
        .expect_code(2);
}

async fn status_and_updated_at(db: &TestDb, id: i32) -> (String, String) {
    sqlx::query_as(
        "SELECT status::text, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM campaigns WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn set_status_by_slug_or_id_moves_updated_at() {
    let db = outreach_db().await;
    assert_eq!(
        status_and_updated_at(&db, 2).await,
        ("active".into(), "2026-01-01 00:00:00".into())
    );
    let run = db.run(&[
        "campaigns",
        "set-status",
        "early-bird-registration-2026",
        "completed",
        "--event",
        "data-ai-day-2026",
        "--format",
        "json",
    ]);
    run.ok();
    let change = run.json();
    assert_eq!(change["campaign_id"], 2);
    assert_eq!(change["previous_status"], "active");
    assert_eq!(change["status"], "completed");
    assert_eq!(change["changed"], true);
    let (status, updated) = status_and_updated_at(&db, 2).await;
    assert_eq!(status, "completed");
    assert!(updated.as_str() > "2026-01-01 00:00:00", "{updated}");
    let recent: bool = db
        .scalar("SELECT updated_at > now() - interval '1 minute' FROM campaigns WHERE id = 2")
        .await;
    assert!(recent);
    // Other campaigns untouched.
    assert_eq!(status_and_updated_at(&db, 1).await.1, "2026-01-01 00:00:00");

    // By id, without --event; a slug unique across events works too.
    db.run(&["campaigns", "set-status", "id:7", "cancelled"])
        .ok();
    assert_eq!(status_and_updated_at(&db, 7).await.0, "cancelled");
    db.run(&["campaigns", "set-status", "sponsors-2026", "active"])
        .ok();
    assert_eq!(status_and_updated_at(&db, 5).await.0, "active");
}

#[tokio::test]
async fn set_status_to_the_same_status_changes_nothing() {
    let db = outreach_db().await;
    let run = db.run(&[
        "campaigns",
        "set-status",
        "id:1",
        "active",
        "--format",
        "json",
    ]);
    run.ok();
    assert_eq!(run.json()["changed"], false);
    assert!(run.stderr.contains("already active"), "{}", run.stderr);
    assert_eq!(
        status_and_updated_at(&db, 1).await,
        ("active".into(), "2026-01-01 00:00:00".into())
    );
}

#[tokio::test]
async fn set_status_errors_say_what_is_allowed() {
    let db = outreach_db().await;
    let before = db.snapshot().await;
    let bad_status = db.run(&["campaigns", "set-status", "id:1", "paused"]);
    bad_status.expect_code(2);
    assert!(
        bad_status
            .stderr
            .contains("draft, active, completed, cancelled"),
        "{}",
        bad_status.stderr
    );
    // cfp-2026 is a campaign of two events: name one.
    let ambiguous = db.run(&["campaigns", "set-status", "cfp-2026", "completed"]);
    ambiguous.expect_code(2);
    assert!(
        ambiguous.stderr.contains("matches 2 campaigns"),
        "{}",
        ambiguous.stderr
    );
    assert!(ambiguous.stderr.contains("--event"), "{}", ambiguous.stderr);
    let unknown = db.run(&[
        "campaigns",
        "set-status",
        "cfp-2027",
        "active",
        "--event",
        "data-ai-day-2026",
    ]);
    unknown.expect_code(2);
    assert!(
        unknown.stderr.contains("cfp-2026 (id:1"),
        "{}",
        unknown.stderr
    );
    db.run(&["campaigns", "set-status", "id:99", "active"])
        .expect_code(2);
    db.run(&["campaigns", "set-status", "id:x", "active"])
        .expect_code(2);
    assert_eq!(db.snapshot().await, before);
    assert_eq!(
        db.scalar::<i64>("SELECT count(*) FROM campaigns WHERE updated_at > '2026-01-02'")
            .await,
        0
    );
}

/// The trigger keeps updated_at current for any change, also from psql.
#[tokio::test]
async fn updated_at_follows_every_change_made_in_sql() {
    let db = outreach_db().await;
    db.exec("UPDATE campaigns SET description = 'Reworded' WHERE id = 3")
        .await;
    let moved: bool = db
        .scalar("SELECT updated_at > now() - interval '1 minute' FROM campaigns WHERE id = 3")
        .await;
    assert!(moved);
    // An UPDATE that changes nothing leaves it alone.
    db.exec("UPDATE campaigns SET status = status WHERE id = 4")
        .await;
    assert_eq!(status_and_updated_at(&db, 4).await.1, "2026-01-01 00:00:00");
    let v: Value = db
        .run(&[
            "campaigns",
            "list",
            "--event",
            "data-ai-day-2026",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(v[2]["description"], "Reworded");
}
