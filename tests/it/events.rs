//! `attrib events add|list` and how `--event` resolves (slug, id:N, year).

use crate::harness::{TestDb, fixture};

fn add(db: &TestDb, name: &str, starts_on: &str) -> crate::harness::Run {
    db.run(&["events", "add", "--name", name, "--starts-on", starts_on])
}

#[tokio::test]
async fn add_derives_the_slug_and_list_shows_it() {
    let db = TestDb::migrated().await;
    let run = add(&db, "Data & AI Day 2026", "2026-09-17");
    run.ok();
    assert!(run.stdout.contains("data-ai-day-2026"), "{}", run.stdout);
    let added = db
        .run(&[
            "events",
            "add",
            "--name",
            "Data & AI Day Cape Town 2026",
            "--starts-on",
            "2026-11-05",
            "--ends-on",
            "2026-11-06",
            "--venue",
            " Cape Town ",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(added["slug"], "data-ai-day-cape-town-2026");
    assert_eq!(added["ends_on"], "2026-11-06");
    assert_eq!(added["venue"], "Cape Town");
    assert!(added["id"].as_i64().unwrap() > 0);

    let list = db.run(&["events", "list", "--format", "json"]).ok().json();
    let slugs: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["data-ai-day-2026", "data-ai-day-cape-town-2026"]);
    assert_eq!(list[0]["tickets"], 0);
    assert_eq!(list[0]["last_import"], serde_json::Value::Null);

    let table = db.run(&["events", "list"]).ok().stdout.clone();
    assert!(table.contains("Data & AI Day Cape Town 2026"), "{table}");
}

#[tokio::test]
async fn list_counts_tickets_and_registrations() {
    let db = TestDb::migrated().await;
    add(&db, "Data & AI Day 2026", "2026-09-17").ok();
    db.run(&[
        "import",
        "quicket",
        "--event",
        "data-ai-day-2026",
        fixture("quicket/new_export.csv").to_str().unwrap(),
    ])
    .ok();
    let list = db.run(&["events", "list", "--format", "json"]).ok().json();
    assert_eq!(list[0]["tickets"], 5);
    // One cancelled and one refunded ticket are not registrations.
    assert_eq!(list[0]["registrations"], 3);
    assert!(list[0]["last_import"].is_string());
}

#[tokio::test]
async fn a_slug_clash_is_a_clear_error() {
    let db = TestDb::migrated().await;
    add(&db, "Data & AI Day 2026", "2026-09-17").ok();
    let run = add(&db, "Data & AI Day 2026!", "2026-09-18");
    // The same code as a campaign name already taken (tests/it/campaigns.rs).
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("the slug 'data-ai-day-2026' already exists"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--slug"), "{}", run.stderr);
    assert_eq!(db.count("events").await, 1);
    // Another slug makes it fine.
    db.run(&[
        "events",
        "add",
        "--name",
        "Data & AI Day 2026",
        "--starts-on",
        "2026-09-18",
        "--slug",
        "data-ai-day-2026-b",
    ])
    .ok();
    assert_eq!(db.count("events").await, 2);
}

#[tokio::test]
async fn bad_values_are_usage_errors() {
    let db = TestDb::migrated().await;
    let cases: [&[&str]; 5] = [
        &["--name", "X", "--starts-on", "17/09/2026"],
        &[
            "--name",
            "X",
            "--starts-on",
            "2026-09-17",
            "--slug",
            "Not A Slug",
        ],
        &["--name", "  ", "--starts-on", "2026-09-17"],
        &[
            "--name",
            "X",
            "--starts-on",
            "2026-09-17",
            "--ends-on",
            "2026-09-16",
        ],
        &["--name", "2026", "--starts-on", "2026-09-17"],
    ];
    for args in cases {
        let mut full = vec!["events", "add"];
        full.extend_from_slice(args);
        let run = db.run(&full);
        run.expect_code(2);
        assert!(
            run.stderr.starts_with("error: "),
            "{args:?}: {}",
            run.stderr
        );
    }
    assert!(
        db.run(&[
            "events",
            "add",
            "--name",
            "X",
            "--starts-on",
            "2026-09-17",
            "--slug",
            "Not A Slug"
        ])
        .stderr
        .contains("e.g. not-a-slug")
    );
    assert_eq!(db.count("events").await, 0);
}

#[tokio::test]
async fn event_selectors_slug_id_and_year() {
    let db = TestDb::migrated().await;
    add(&db, "Data & AI Day 2025", "2025-09-18").ok();
    add(&db, "Data & AI Day 2026", "2026-09-17").ok();
    add(&db, "Data & AI Day Cape Town 2026", "2026-11-05").ok();
    let file = fixture("quicket/dates.csv");
    let file = file.to_str().unwrap();
    let import = |event: &str| db.run(&["import", "quicket", "--event", event, file]);

    // A year with one event selects it.
    let run = import("2025");
    run.ok();
    assert!(run.stdout.contains("data-ai-day-2025"), "{}", run.stdout);

    // A year with several: an error listing them, nothing imported.
    let run = import("2026");
    run.expect_code(2);
    assert!(
        run.stderr.contains("--event 2026 matches 2 events"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("data-ai-day-2026 (id:2"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("data-ai-day-cape-town-2026 (id:3"),
        "{}",
        run.stderr
    );

    // No match: the events there are.
    let run = import("2030");
    run.expect_code(2);
    assert!(run.stderr.contains("no event matches --event 2030"));
    assert!(run.stderr.contains("data-ai-day-2025"));

    // id:N and a name typed instead of a slug.
    import("id:3").ok();
    import("Data & AI Day 2026").ok();
    let per_event: Vec<i64> = sqlx::query_scalar(
        "SELECT count(t.id) FROM events e LEFT JOIN tickets t ON t.event_id = e.id GROUP BY e.id ORDER BY e.id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(per_event, [8, 8, 8]);
}
