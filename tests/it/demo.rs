//! `attrib demo`: the README's first command. It loads every sample file
//! through the user's commands into a database of its own and prints the
//! report, never touching the user's data.

use std::collections::HashMap;

use crate::harness::{Run, TestDb, attrib_command, sample};

/// Registrations in a sample export, counted independently of attrib: each
/// ticket number once (the last line wins), not cancelled or refunded.
fn registrations_in(file: &str) -> usize {
    let mut reader = csv::Reader::from_path(sample(file)).unwrap();
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (number, status) = (col("Ticket Number"), col("Ticket Status"));
    let mut last: HashMap<String, String> = HashMap::new();
    for row in reader.records() {
        let row = row.unwrap();
        last.insert(row[number].to_string(), row[status].to_lowercase());
    }
    last.values()
        .filter(|s| !matches!(s.as_str(), "cancelled" | "refunded"))
        .count()
}

#[tokio::test]
async fn demo_loads_the_samples_and_reports_without_touching_user_data() {
    let home = tempfile::Builder::new()
        .prefix("attrib-demo-")
        .tempdir_in("/tmp")
        .unwrap();
    // The user's own data: an event in the default database of this home,
    // and a server named by DATABASE_URL.
    let mine = Run::of(attrib_command().arg("--home").arg(home.path()).args([
        "events",
        "add",
        "--name",
        "My Meetup",
        "--starts-on",
        "2026-02-01",
    ]));
    mine.ok();
    let user_db = TestDb::migrated().await;
    user_db
        .exec(
            "INSERT INTO events (name, slug, starts_on) VALUES ('Theirs', 'theirs', '2026-01-01')",
        )
        .await;
    let before = user_db.snapshot().await;

    let demo = || {
        Run::of(
            attrib_command()
                .env("DATABASE_URL", &user_db.url)
                .arg("--home")
                .arg(home.path())
                .arg("demo"),
        )
    };
    let first = demo();
    first.ok();
    let jhb = registrations_in("quicket_data-ai-day-2026.csv");
    let cpt = registrations_in("quicket_data-ai-day-cape-town-2026.csv");
    for (heading, n) in [
        ("Data & AI Day 2026 (data-ai-day-2026, 2026-09-17)", jhb),
        (
            "Data & AI Day Cape Town 2026 (data-ai-day-cape-town-2026, 2026-11-05)",
            cpt,
        ),
    ] {
        assert!(
            first
                .stdout
                .contains(&format!("{heading}: {n} registrations")),
            "{heading}: {n}\n{}",
            first.stdout
        );
    }
    for section in [
        "Registrations per campaign",
        "Unattributed sources",
        "Channel reach",
        "Recipient funnel",
    ] {
        assert!(first.stdout.contains(section), "{section}");
    }
    // Each step is shown as the command a user would type.
    assert!(
        first.stderr.contains(
            "$ attrib import quicket --event data-ai-day-2026 quicket_data-ai-day-2026.csv"
        ),
        "{}",
        first.stderr
    );
    assert!(
        first
            .stderr
            .contains("$ attrib brevo ingest brevo_events_2026.jsonl")
    );

    // Run again: it starts from an empty demo database, so the same report.
    let second = demo();
    second.ok();
    let report = |out: &str| {
        out.lines()
            .filter(|l| !l.starts_with("Generated"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(report(&second.stdout), report(&first.stdout));

    // It says that DATABASE_URL is not used, and how to explore its data;
    // doing so gives the demo's figures.
    assert!(
        first.stderr.contains(
            "DATABASE_URL is set, but the demo uses its own database on the embedded server instead"
        ),
        "{}",
        first.stderr
    );
    assert!(
        first
            .stderr
            .contains("add --demo to any command, e.g.\n  attrib --demo report --event 2026"),
        "{}",
        first.stderr
    );
    let explored = Run::of(
        attrib_command()
            .env("DATABASE_URL", &user_db.url)
            .arg("--home")
            .arg(home.path())
            .args(["--demo", "report", "--event", "2026", "--format", "json"]),
    );
    let explored = explored.json();
    assert_eq!(
        explored["events"][0]["registrations"],
        serde_json::json!(jhb),
        "{explored}"
    );

    // The user's data is untouched, on both servers.
    assert_eq!(user_db.snapshot().await, before);
    let events = Run::of(
        attrib_command()
            .arg("--home")
            .arg(home.path())
            .args(["events", "list", "--format", "json"]),
    );
    let events = events.json();
    let slugs: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["my-meetup"]);
}
