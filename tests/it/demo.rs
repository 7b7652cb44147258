//! `attrib demo`: the README's first command. It loads every sample file
//! through the user's commands into a database of its own and prints the
//! report, never touching the user's data.

use std::collections::HashMap;

use crate::harness::{Run, TestDb, attrib_command, sample};

/// The command lines of the README's "A week of use", as words (without
/// `attrib`): continuation lines joined, comments dropped, double quotes
/// grouping words as a shell does.
fn week_of_use() -> Vec<Vec<String>> {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let block = readme
        .split("## A week of use\n\n```sh\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap()
        .replace("\\\n", " ");
    block
        .lines()
        .map(|line| {
            let line = line.split(" #").next().unwrap();
            let mut words = Vec::new();
            let mut word = String::new();
            let mut quoted = false;
            for c in line.chars() {
                match c {
                    '"' => quoted = !quoted,
                    ' ' if !quoted => {
                        if !word.is_empty() {
                            words.push(std::mem::take(&mut word));
                        }
                    }
                    c => word.push(c),
                }
            }
            if !word.is_empty() {
                words.push(word);
            }
            assert_eq!(words.first().map(String::as_str), Some("attrib"), "{line}");
            words.split_off(1)
        })
        .collect()
}

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

    // The README's week of use, run as written from a checkout, gives the
    // demo's figures for the CFP campaign and its email.
    let week = TestDb::migrated().await;
    let checkout = tempfile::tempdir().unwrap();
    std::fs::create_dir(checkout.path().join("sample_data")).unwrap();
    for file in std::fs::read_dir(sample("")).unwrap() {
        let file = file.unwrap().path();
        std::fs::copy(
            &file,
            checkout
                .path()
                .join("sample_data")
                .join(file.file_name().unwrap()),
        )
        .unwrap();
    }
    for line in week_of_use() {
        let run = Run::of(week.attrib().current_dir(checkout.path()).args(&line));
        assert_eq!(run.code, 0, "attrib {line:?}: {}", run.stderr);
    }
    let readme = week
        .run(&["report", "--event", "2026", "--format", "json"])
        .json();
    let cfp = |report: &serde_json::Value| {
        let event = &report["events"][0];
        let campaign = event["campaigns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["slug"] == "cfp-2026")
            .unwrap()
            .clone();
        let email = event["funnel"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["title"] == "Call for speakers: Data & AI Day 2026")
            .unwrap()
            .clone();
        let pick = |v: &serde_json::Value, keys: &[&str]| -> Vec<serde_json::Value> {
            keys.iter().map(|k| v[*k].clone()).collect()
        };
        (
            pick(
                &campaign,
                &[
                    "registrations",
                    "revenue",
                    "recipients",
                    "converted_recipients",
                ],
            ),
            pick(
                &email,
                &[
                    "recipients",
                    "sent",
                    "delivered",
                    "opened",
                    "clicked",
                    "bounced",
                ],
            ),
        )
    };
    // The same template id as the demo's CFP email (as the demo shows it).
    let template_id = |words: &[&str]| -> Option<String> {
        let at = words.iter().position(|w| *w == "--brevo-template-id")?;
        words.get(at + 1).map(|w| w.to_string())
    };
    let demo_cfp = first
        .stderr
        .lines()
        .find(|l| l.contains("comms add") && l.contains("Call for speakers"))
        .unwrap();
    let readme_cfp = week_of_use()
        .into_iter()
        .find(|w| w.first().map(String::as_str) == Some("comms"))
        .unwrap();
    assert_eq!(
        template_id(&readme_cfp.iter().map(String::as_str).collect::<Vec<_>>()),
        template_id(&demo_cfp.split_whitespace().collect::<Vec<_>>()),
        "{demo_cfp}"
    );
    let (campaign, email) = cfp(&readme);
    assert!(
        email[2].as_i64().unwrap() > 0,
        "the Brevo events matched: {email:?}"
    );
    assert_eq!((campaign, email), cfp(&explored));

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
