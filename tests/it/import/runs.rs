//! Imports one after another and side by side: the same file again,
//! several files, other events, concurrency, planner statistics and the
//! sample data.

use super::*;

#[tokio::test]
async fn importing_again_changes_nothing_and_is_noticed() {
    let db = db_with_event().await;
    let first = import_json(&db, &[&quicket("new_export.csv")]);
    let stamp = "SELECT max(updated_at)::text FROM tickets";
    let updated_before = text(&db, stamp).await;
    let contacts_before = text(&db, "SELECT max(updated_at)::text FROM contacts").await;

    let again = import_json(&db, &[&quicket("new_export.csv")]);
    assert_eq!(again["tickets_created"], 0);
    assert_eq!(again["tickets_updated"], 0);
    assert_eq!(again["tickets_unchanged"], 5);
    assert_eq!(again["contacts_created"], 0);
    assert_eq!(again["contacts_updated"], 0);
    assert_eq!(again["previous_import"]["batch_id"], first["batch_id"]);
    assert_eq!(text(&db, stamp).await, updated_before);
    assert_eq!(
        text(&db, "SELECT max(updated_at)::text FROM contacts").await,
        contacts_before
    );
    assert_eq!(db.count("tickets").await, 5);
    assert_eq!(db.count("import_batches").await, 2);

    let run = import(&db, &[&quicket("new_export.csv")]);
    run.ok();
    assert!(
        run.stdout.contains("This file is identical to"),
        "{}",
        run.stdout
    );
}

/// A first import of a big export leaves the planner knowing how many
/// tickets and contacts there are (the next import's plans depend on it);
/// an import that writes little or nothing does not ANALYZE again.
#[tokio::test]
async fn an_import_that_writes_much_of_a_table_refreshes_its_statistics() {
    let db = db_with_event().await;
    let analyzed = |table: &str| {
        format!("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = '{table}'")
    };
    let export = sample("quicket_data-ai-day-2026.csv");
    let export = export.to_str().unwrap();
    import(&db, &["--dry-run", export]).ok();
    assert_eq!(
        db.scalar::<i64>(&analyzed("tickets")).await,
        0,
        "a dry run writes nothing"
    );

    let first = import_json(&db, &[export]);
    assert_eq!(db.scalar::<i64>(&analyzed("tickets")).await, 1);
    assert_eq!(db.scalar::<i64>(&analyzed("contacts")).await, 1);
    let estimate = db
        .scalar::<f32>("SELECT reltuples FROM pg_class WHERE relname = 'tickets'")
        .await;
    assert_eq!(
        f64::from(estimate),
        first["tickets_created"].as_f64().unwrap()
    );

    import_json(&db, &[export]);
    assert_eq!(
        db.scalar::<i64>(&analyzed("tickets")).await,
        1,
        "nothing written"
    );
    import(&db, &[&quicket("new_export.csv")]).ok();
    assert_eq!(
        db.scalar::<i64>(&analyzed("tickets")).await,
        1,
        "5 tickets are not a tenth of the table"
    );
}

#[tokio::test]
async fn emails_match_whatever_their_case_across_events() {
    let db = db_with_event().await;
    add_event(&db, "Data & AI Day 2025", "2025-09-18");
    import(&db, &[&quicket("new_export.csv")]).ok();
    let (_dir, path) = write_temp(
        "upper.csv",
        "Ticket Number,Purchase Date,Email,Ticket Holder\nU-1,2025-05-01,PIETER@KAROO.EXAMPLE,Piet\n",
    );
    let s = db
        .run(&[
            "import",
            "quicket",
            "--event",
            "2025",
            "--format",
            "json",
            path.to_str().unwrap(),
        ])
        .ok()
        .json();
    assert_eq!(s[0]["contacts_created"], 0);
    assert_eq!(s[0]["contacts_updated"], 1, "first name Piet");
    assert_eq!(db.count("contacts").await, 5);
    assert_eq!(
        db.scalar::<i64>(
            "SELECT count(DISTINCT contact_id) FROM tickets WHERE ticket_number IN ('T-005', 'U-1')"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn several_files_in_order_each_its_own_transaction() {
    let db = db_with_event().await;
    let run = import(
        &db,
        &[
            "--format",
            "json",
            &quicket("new_export.csv"),
            &quicket("newer_export.csv"),
        ],
    );
    run.ok();
    let json = run.json();
    assert_eq!(json.as_array().unwrap().len(), 2);
    assert_eq!(json[1]["tickets_updated"], 2);

    // The second file fails: the first stays imported, and the message says so.
    let other = db_with_event().await;
    let run = import(
        &other,
        &[
            &quicket("new_export.csv"),
            &quicket("bad_last_row.csv"),
            &quicket("prices.csv"),
        ],
    );
    run.expect_code(1);
    assert!(run.stderr.contains("imported before it:"), "{}", run.stderr);
    assert!(run.stderr.contains("not attempted:"), "{}", run.stderr);
    assert!(run.stdout.contains("Imported"), "{}", run.stdout);
    assert_eq!(other.count("tickets").await, 5);
    assert_eq!(other.count("import_batches").await, 1);
}

/// A Quicket-like file of `rows` tickets numbered from `first`, holders
/// drawn from a shared set of `people`.
fn write_export(path: &Path, first: usize, rows: usize, people: usize) {
    let mut body = String::from("Ticket Number,Purchase Date,Email,First name,Company\n");
    for i in first..first + rows {
        let p = i * 7 % people;
        body.push_str(&format!(
            "C-{i:06},2026-03-14 09:15,Person{p}@Example.org,P{p},Company {}\n",
            p % 40
        ));
    }
    std::fs::write(path, body).unwrap();
}

#[tokio::test]
async fn concurrent_imports_of_overlapping_files_create_no_duplicates() {
    let db = db_with_event().await;
    add_event(&db, "Data & AI Day Cape Town 2026", "2026-11-05");
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    let c = dir.path().join("c.csv");
    write_export(&a, 0, 3_000, 2_000);
    write_export(&b, 1_500, 3_000, 2_000);
    write_export(&c, 500, 3_000, 2_000);
    let spawn = |event: &str, file: &Path| {
        db.attrib()
            .args([
                "import",
                "quicket",
                "--event",
                event,
                file.to_str().unwrap(),
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let children = [
        spawn(EVENT, &a),
        spawn(EVENT, &b),
        spawn("data-ai-day-cape-town-2026", &c),
    ];
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(
        db.scalar::<i64>("SELECT count(*) FROM tickets WHERE event_id = 1")
            .await,
        4_500
    );
    assert_eq!(
        db.scalar::<i64>("SELECT count(*) FROM tickets WHERE event_id = 2")
            .await,
        3_000
    );
    assert_eq!(db.count("contacts").await, 2_000);
    assert_eq!(db.count("organisations").await, 40);
    assert_eq!(
        db.scalar::<i64>("SELECT count(*) FROM (SELECT event_id, ticket_number FROM tickets GROUP BY 1, 2 HAVING count(*) > 1) d")
            .await,
        0
    );
}

#[allow(dead_code)]
#[path = "../../../examples/gen_quicket.rs"]
mod gen_quicket;

#[test]
fn sample_data_is_what_the_generator_makes() {
    let dir = tempfile::tempdir().unwrap();
    gen_quicket::write_samples(dir.path()).unwrap();
    for name in [
        "quicket_data-ai-day-2026.csv",
        "quicket_data-ai-day-cape-town-2026.csv",
        "quicket_data-ai-day-2025.csv",
    ] {
        let made = std::fs::read(dir.path().join(name)).unwrap();
        let committed = std::fs::read(sample(name)).unwrap();
        assert!(
            made == committed,
            "{name} differs from the generator's output: cargo run --example gen_quicket -- --samples sample_data"
        );
    }
}

#[tokio::test]
async fn the_sample_data_imports_cleanly() {
    let db = TestDb::migrated().await;
    for (name, starts_on) in [
        ("Data & AI Day 2026", "2026-09-17"),
        ("Data & AI Day Cape Town 2026", "2026-11-05"),
        ("Data & AI Day 2025", "2025-09-18"),
    ] {
        db.run(&["events", "add", "--name", name, "--starts-on", starts_on])
            .ok();
    }
    let mut totals = Vec::new();
    for (event, file) in [
        ("data-ai-day-2026", "quicket_data-ai-day-2026.csv"),
        (
            "data-ai-day-cape-town-2026",
            "quicket_data-ai-day-cape-town-2026.csv",
        ),
        ("data-ai-day-2025", "quicket_data-ai-day-2025.csv"),
    ] {
        let json = db
            .run(&[
                "import",
                "quicket",
                "--strict",
                "--event",
                event,
                "--format",
                "json",
                sample(file).to_str().unwrap(),
            ])
            .ok()
            .json();
        assert_eq!(json[0]["rows_rejected"], 0);
        totals.push(json[0]["tickets_created"].as_i64().unwrap());
    }
    assert_eq!(totals, [1_512, 418, 936]);
    // The sources the demo's campaigns and the report need are there, in
    // their messy real-world forms.
    for source in [
        "cfp-2026",
        "CFP_2026",
        "early-bird-registration-2026",
        "linkedin",
        "cfp-2062",
        "early-bird-2025",
    ] {
        assert!(
            db.scalar::<bool>(&format!(
                "SELECT EXISTS (SELECT 1 FROM tickets WHERE marketing_source = '{source}')"
            ))
            .await,
            "{source}"
        );
    }
    assert!(
        db.scalar::<bool>(
            "SELECT EXISTS (SELECT 1 FROM tickets WHERE marketing_source LIKE '%utm_campaign=last-chance-reminder-2026%')"
        )
        .await
    );
    // Some people hold tickets for several events.
    assert!(
        db.scalar::<i64>(
            "SELECT count(*) FROM (SELECT contact_id FROM tickets GROUP BY 1 HAVING count(DISTINCT event_id) > 1) x"
        )
        .await
            > 50
    );
    assert!(
        db.scalar::<i64>("SELECT count(*) FROM tickets WHERE status <> 'valid'")
            .await
            > 10
    );
}
