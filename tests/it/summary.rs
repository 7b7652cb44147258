//! `attrib summary` on tests/fixtures/summary/window.sql, with "now" pinned
//! at 2026-05-02 08:00 (+02): the window [2026-05-01 08:00, 2026-05-02
//! 08:00). Every expected figure is worked out by hand from that file.

use serde_json::{Value, json};

use crate::harness::{Run, TestDb, fixture};

const NOW: &str = "2026-05-02T08:00:00+02:00";

async fn window_db() -> TestDb {
    let db = TestDb::migrated().await;
    let sql = std::fs::read_to_string(fixture("summary/window.sql")).unwrap();
    db.exec(&sql).await;
    db
}

/// `attrib summary ARGS`, at NOW unless ARGS say --now.
fn summary(db: &TestDb, args: &[&str]) -> Run {
    let mut all = vec!["summary"];
    if !args.contains(&"--now") {
        all.extend(["--now", NOW]);
    }
    all.extend_from_slice(args);
    db.run(&all)
}

fn summary_json(db: &TestDb, event: &str, args: &[&str]) -> Value {
    let mut all = vec!["--event", event, "--format", "json"];
    all.extend_from_slice(args);
    summary(db, &all).ok().json()
}

fn campaign(event: &Value, id: i64) -> &Value {
    event["campaigns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["campaign_id"] == id)
        .unwrap_or_else(|| panic!("no campaign {id} in {event:#}"))
}

fn counts(new: i64, all: i64) -> Value {
    json!({"new_registrations": new, "registrations": all})
}

/// The window is [since, until): S2 at 08:00:00 on the first day counts, S3 a
/// second earlier does not; S5 at 08:00:00 on the last day is neither new
/// nor in the running totals yet. Cancelled S6 and refunded S15 never count.
#[tokio::test]
async fn window_boundaries_and_running_totals_by_hand() {
    let db = window_db().await;
    let doc = summary_json(&db, "data-ai-day-2026", &[]);
    assert_eq!(doc["generated_at"], NOW);
    assert_eq!(doc["timezone"], "Africa/Johannesburg");
    assert_eq!(
        doc["window"],
        json!({"since": "2026-05-01T08:00:00+02:00", "until": NOW,
               "label": "the last 24 hours", "stale_after": "3d"})
    );
    let e = &doc["events"][0];
    assert_eq!(e["slug"], "data-ai-day-2026");
    // New: S2, S4, S7, S9, S10, S11, S12, S13, S16. All: those and S1, S3, S8.
    assert_eq!(e["new_registrations"], 9);
    assert_eq!(e["registrations"], 12);
    // CFP: S1, S2 (new), S3.
    assert_eq!(
        campaign(e, 1),
        &json!({"campaign_id": 1, "name": "CFP 2026", "slug": "cfp-2026",
                "new_registrations": 1, "registrations": 3})
    );
    // Early bird: S4 (new); S5 is at the end of the window.
    assert_eq!(campaign(e, 2)["new_registrations"], 1);
    assert_eq!(campaign(e, 2)["registrations"], 1);
    for id in [3, 4] {
        assert_eq!(campaign(e, id)["registrations"], 0);
    }
    assert_eq!(
        e["ambiguous"],
        json!([{"source": "reminder-last-chance", "campaign_ids": [3, 4],
                "new_registrations": 1, "registrations": 1}])
    );
    // S8 (before), S9, S10, S11, S12, S16.
    assert_eq!(e["unattributed"], counts(5, 6));
    assert_eq!(e["no_source"], counts(1, 1));
    // Campaigns by new registrations, then running total.
    let order: Vec<i64> = e["campaigns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["campaign_id"].as_i64().unwrap())
        .collect();
    assert_eq!(order, [1, 2, 3, 4]);

    // Moving "now" one second on takes S5 into both.
    let later = summary_json(
        &db,
        "data-ai-day-2026",
        &["--now", "2026-05-02T08:00:01+02:00"],
    );
    assert_eq!(campaign(&later["events"][0], 2)["new_registrations"], 2);
    // A date starts at its midnight in the session time zone: S3 (07:59:59)
    // is in, S1 (20 April) is not.
    let since_date = summary_json(&db, "data-ai-day-2026", &["--since", "2026-05-01"]);
    let e = &since_date["events"][0];
    assert_eq!(since_date["window"]["since"], "2026-05-01T00:00:00+02:00");
    assert_eq!(campaign(e, 1)["new_registrations"], 2);
    assert_eq!(e["new_registrations"], 10);
    // ... and in UTC, two hours later.
    let utc = db
        .run(&[
            "--timezone",
            "UTC",
            "summary",
            "--event",
            "data-ai-day-2026",
            "--format",
            "json",
            "--now",
            NOW,
            "--since",
            "2026-05-01T06:00",
        ])
        .ok()
        .json();
    assert_eq!(utc["window"]["since"], "2026-05-01T06:00:00+00:00");
    assert_eq!(campaign(&utc["events"][0], 1)["new_registrations"], 1);
    // Minutes: the last 90 minutes hold S4 alone.
    let recent = summary_json(&db, "data-ai-day-2026", &["--since", "90m"]);
    assert_eq!(recent["events"][0]["new_registrations"], 1);
    assert_eq!(recent["window"]["since"], "2026-05-02T06:30:00+02:00");
}

/// The running totals bucket every ticket exactly as `attrib report` does.
#[tokio::test]
async fn running_totals_agree_with_the_report() {
    let db = window_db().await;
    let report = db
        .run(&["report", "--event", "2026", "--format", "json"])
        .ok()
        .json();
    let summary = db
        .run(&[
            "summary",
            "--event",
            "2026",
            "--format",
            "json",
            "--since",
            "2000-01-01",
            "--now",
            "2100-01-01T00:00:00Z",
        ])
        .ok()
        .json();
    let report_events = report["events"].as_array().unwrap();
    let summary_events = summary["events"].as_array().unwrap();
    assert_eq!(report_events.len(), 2);
    assert_eq!(summary_events.len(), 2);
    for (r, s) in report_events.iter().zip(summary_events) {
        assert_eq!(r["slug"], s["slug"]);
        assert_eq!(r["registrations"], s["registrations"], "{}", r["slug"]);
        assert_eq!(s["new_registrations"], s["registrations"]);
        for c in r["campaigns"].as_array().unwrap() {
            let id = c["campaign_id"].as_i64().unwrap();
            assert_eq!(
                c["registrations"],
                campaign(s, id)["registrations"],
                "campaign {id}"
            );
        }
        let sum = |v: &Value, key: &str| -> i64 {
            v.as_array()
                .unwrap()
                .iter()
                .map(|x| x[key].as_i64().unwrap())
                .sum()
        };
        assert_eq!(
            sum(&r["ambiguous"], "registrations"),
            sum(&s["ambiguous"], "registrations")
        );
        assert_eq!(
            sum(&r["unattributed"], "registrations"),
            s["unattributed"]["registrations"].as_i64().unwrap()
        );
        assert_eq!(r["no_source"], s["no_source"]["registrations"]);
    }
    // By hand for data-ai-day-2026, every valid ticket: S1 to S5, S7 to S14
    // and S16.
    assert_eq!(report_events[0]["registrations"], 14);
}

/// Newly seen: unattributed sources whose first registration falls in the
/// window. 'linkedin' was first seen in April (S8); 'twitter' (S14) only
/// after "now".
#[tokio::test]
async fn newly_seen_unattributed_sources() {
    let db = window_db().await;
    let doc = summary_json(&db, "data-ai-day-2026", &[]);
    assert_eq!(
        doc["events"][0]["new_sources"],
        json!([
            {"source": "facebook-ad", "new_registrations": 3, "registrations": 3,
             "first_seen": "2026-05-01 11:00", "suggestion": null, "example": "facebook-ad"},
            {"source": "cfp-206", "new_registrations": 1, "registrations": 1,
             "first_seen": "2026-05-01 13:00", "suggestion": "cfp-2026", "example": "cfp-206"}
        ])
    );
    let text = summary(&db, &["--event", "data-ai-day-2026"])
        .ok()
        .stdout
        .clone();
    assert!(text.contains("Newly seen unattributed sources"), "{text}");
    assert!(text.contains("facebook-ad"), "{text}");
    assert!(!text.contains("twitter"), "{text}");
}

/// Emails sent in [since, until): 1 (at the start) and 5 (nobody on its list
/// yet); not 2 (at the end), 3 (before), the post 4, nor Cape Town's 6.
#[tokio::test]
async fn emails_sent_in_the_window_with_their_funnel_now() {
    let db = window_db().await;
    let doc = summary_json(&db, "data-ai-day-2026", &[]);
    assert_eq!(
        doc["events"][0]["emails"],
        json!([
            {"campaign_id": 1, "campaign": "CFP 2026", "communication_id": 1,
             "title": "CFP closes Friday", "sent_at": "2026-05-01 08:00",
             "recipients": 6, "sent": 4, "delivered": 3, "opened": 2, "clicked": 1,
             "bounced": 1, "failed": 1, "queued": 1,
             "delivery_rate": 0.75, "open_rate": 0.6667, "click_rate": 0.3333, "bounce_rate": 0.25},
            {"campaign_id": 2, "campaign": "Early Bird 2026", "communication_id": 5,
             "title": "Early bird: last days", "sent_at": "2026-05-01 20:00",
             "recipients": 0, "sent": 0, "delivered": 0, "opened": 0, "clicked": 0,
             "bounced": 0, "failed": 0, "queued": 0,
             "delivery_rate": null, "open_rate": null, "click_rate": null, "bounce_rate": null}
        ])
    );
    // The same stages as the report's funnel for the same email.
    db.exec("UPDATE communications SET sent_at = '2026-05-01 09:00+02' WHERE id = 3")
        .await;
    let report = db
        .run(&["report", "--event", "data-ai-day-2026", "--format", "json"])
        .ok()
        .json();
    let doc = summary_json(&db, "data-ai-day-2026", &[]);
    for id in [1, 3] {
        let r = report["events"][0]["funnel"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["communication_id"] == id)
            .unwrap();
        let s = doc["events"][0]["emails"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["communication_id"] == id)
            .unwrap();
        for key in [
            "recipients",
            "sent",
            "delivered",
            "opened",
            "clicked",
            "bounced",
            "failed",
            "queued",
        ] {
            assert_eq!(r[key], s[key], "email {id}, {key}");
        }
    }
}

/// A window with nothing in it says so plainly, in every format.
#[tokio::test]
async fn an_empty_window_says_so() {
    let db = window_db().await;
    let args = [
        "--event",
        "data-ai-day-2026",
        "--now",
        "2026-06-01T00:00:00+02:00",
    ];
    let text = summary(&db, &args).ok().stdout.clone();
    assert!(
        text.contains(
            "Nothing new between 2026-05-31 00:00 and 2026-06-01 00:00: no registrations, no newly \
             seen sources, no emails sent (14 registrations in all)."
        ),
        "{text}"
    );
    assert!(
        text.contains("No newly seen unattributed sources."),
        "{text}"
    );
    assert!(
        text.contains("No emails were sent in this window."),
        "{text}"
    );
    let md = summary(&db, &[&args[..], &["--format", "markdown"]].concat())
        .ok()
        .stdout
        .clone();
    assert!(md.contains("Nothing new between"), "{md}");
    let doc = summary(&db, &[&args[..], &["--format", "json"]].concat())
        .ok()
        .json();
    let e = &doc["events"][0];
    assert_eq!(e["new_registrations"], 0);
    assert_eq!(e["registrations"], 14);
    assert_eq!(e["new_sources"], json!([]));
    assert_eq!(e["emails"], json!([]));
    // Registrations but no emails: not "nothing", and still plain.
    let text = summary(&db, &["--event", "data-ai-day-2026", "--since", "90m"])
        .ok()
        .stdout
        .clone();
    assert!(text.contains("1 new registration (12 in all)."), "{text}");
    assert!(!text.contains("Nothing new"), "{text}");
}

/// The last Quicket import before "now" is exactly three days old: not
/// stale at --stale-after 3d, stale a minute sooner; the warning is then the
/// very first thing in every format.
#[tokio::test]
async fn stale_data_is_announced_at_the_very_top() {
    let db = window_db().await;
    let fresh = summary(&db, &["--event", "data-ai-day-2026"])
        .ok()
        .stdout
        .clone();
    assert!(!fresh.contains("WARNING"), "{fresh}");
    assert!(
        fresh.contains(
            "Last Quicket import: 2026-04-29 08:00, 3 days ago (attendees-0429.csv: 12 rows read, \
             10 tickets created, 2 updated)."
        ),
        "{fresh}"
    );
    let doc = summary_json(&db, "data-ai-day-2026", &[]);
    assert_eq!(
        doc["events"][0]["last_import"],
        json!({"finished_at": "2026-04-29 08:00", "file_name": "attendees-0429.csv",
               "rows_read": 12, "tickets_created": 10, "tickets_updated": 2,
               "age_minutes": 4320, "stale": false})
    );
    assert_eq!(doc["warnings"], json!([]));

    let stale = ["--event", "data-ai-day-2026", "--stale-after", "4319m"];
    let text = summary(&db, &stale).ok().stdout.clone();
    let first = text.lines().next().unwrap();
    assert_eq!(
        first,
        "WARNING (data-ai-day-2026): the last Quicket import finished 2026-04-29 08:00 (3 days \
         ago), longer ago than --stale-after 4319m: these figures may be out of date; import the \
         latest export"
    );
    let md = summary(&db, &[&stale[..], &["--format", "markdown"]].concat())
        .ok()
        .stdout
        .clone();
    assert!(
        md.starts_with("> **WARNING (data-ai-day-2026): the last Quicket import"),
        "{md}"
    );
    let doc = summary(&db, &[&stale[..], &["--format", "json"]].concat())
        .ok()
        .json();
    let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert_eq!(keys[0], "warnings");
    assert!(
        doc["warnings"][0]
            .as_str()
            .unwrap()
            .contains("2026-04-29 08:00")
    );
    assert_eq!(doc["events"][0]["last_import"]["stale"], true);

    // Never imported: Cape Town. With a year, every warning comes first.
    let text = summary(&db, &["--event", "2026", "--stale-after", "4319m"])
        .ok()
        .stdout
        .clone();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("WARNING (data-ai-day-2026)"), "{text}");
    assert_eq!(
        lines[1],
        "WARNING (data-ai-day-cape-town-2026): no Quicket export has ever been imported for this \
         event: these figures may be incomplete; import the latest export"
    );
    assert!(text.contains("Last Quicket import: never."), "{text}");
}

/// --strict: 3 for each of the reasons alone, 0 when clean; and the same
/// rule as `attrib report --strict` for ambiguous sources.
#[tokio::test]
async fn strict_exit_codes() {
    let db = window_db().await;
    let joburg = ["--event", "data-ai-day-joburg-2027", "--strict"];
    // Clean: imported an hour ago, every registration attributed.
    let clean = summary(&db, &[&joburg[..], &["--max-unattributed", "0"]].concat());
    clean.ok();
    assert_eq!(clean.stderr, "", "a clean run says nothing on stderr");
    // The report is made now, not at NOW: the fixture's import is months
    // old by then, which only a long --stale-after forgives.
    db.run(&[
        "report",
        "--event",
        "data-ai-day-joburg-2027",
        "--strict",
        "--stale-after",
        "5200w",
    ])
    .ok();

    // 1. Stale import: a week later.
    let stale = summary(
        &db,
        &[&joburg[..], &["--now", "2026-05-09T08:00:00+02:00"]].concat(),
    );
    stale.expect_code(3);
    assert!(
        stale.stderr.contains("--stale-after 3d"),
        "{}",
        stale.stderr
    );
    assert!(!stale.stdout.is_empty(), "the summary is still printed");

    // 2. Unattributed share: 1 of 2 new registrations names no campaign.
    db.exec(
        "INSERT INTO tickets (event_id, contact_id, ticket_number, purchased_at, marketing_source)
         VALUES (3, 20, 'J3', '2026-05-01 18:00+02', 'linkedin')",
    )
    .await;
    let share = summary(
        &db,
        &[&joburg[..], &["--max-unattributed", "49.9"]].concat(),
    );
    share.expect_code(3);
    assert!(
        share
            .stderr
            .contains("1 of 2 registrations (50.0%) names no campaign"),
        "{}",
        share.stderr
    );
    summary(&db, &[&joburg[..], &["--max-unattributed", "50"]].concat()).ok();
    // Without --max-unattributed, no share is too high.
    summary(&db, &joburg).ok();

    // 3. Ambiguous: a second campaign with the same slug.
    db.exec(
        "INSERT INTO campaigns (name, event_id, campaign_type) VALUES ('Launch — 2027', 3, 'general')",
    )
    .await;
    let ambiguous = summary(&db, &joburg);
    ambiguous.expect_code(3);
    assert!(
        ambiguous
            .stderr
            .contains("'launch-2027' names id:6 and id:7"),
        "{}",
        ambiguous.stderr
    );
    let report = db.run(&["report", "--event", "data-ai-day-joburg-2027", "--strict"]);
    report.expect_code(3);
    assert!(
        report.stderr.contains("'launch-2027' names id:6 and id:7"),
        "{}",
        report.stderr
    );
    // Without --strict the same findings do not change the exit code, and
    // they are in the summary.
    let lenient = summary(&db, &joburg[..2]);
    lenient.ok();
    assert!(lenient.stdout.contains("To look at:"), "{}", lenient.stdout);

    // A likely typo, as the report flags it (event 1: 'cfp-206').
    let typo = summary(&db, &["--event", "data-ai-day-2026", "--strict"]);
    typo.expect_code(3);
    assert!(
        typo.stderr.contains("'cfp-206' for 'cfp-2026'"),
        "{}",
        typo.stderr
    );
}

/// `{date}` is today in the session time zone, `{event}` the slug; missing
/// directories are created and nothing goes to stdout.
#[tokio::test]
async fn out_placeholders() {
    let db = window_db().await;
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("reports/{event}/{date}.json");
    // 23:30 UTC on 1 May is 01:30 on 2 May in Johannesburg.
    let run = db.run(&[
        "summary",
        "--event",
        "2026",
        "--now",
        "2026-05-01T23:30:00Z",
        "--out",
        template.to_str().unwrap(),
    ]);
    run.ok();
    assert_eq!(run.stdout, "");
    for slug in ["data-ai-day-2026", "data-ai-day-cape-town-2026"] {
        let path = dir.path().join(format!("reports/{slug}/2026-05-02.json"));
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let events = doc["events"].as_array().unwrap();
        assert_eq!(events.len(), 1, "one event per file");
        assert_eq!(events[0]["slug"], slug);
        assert!(
            run.stderr.contains(&path.display().to_string()),
            "{}",
            run.stderr
        );
    }
    // In UTC it is still 1 May.
    db.run(&[
        "--timezone",
        "UTC",
        "summary",
        "--event",
        "data-ai-day-2026",
        "--now",
        "2026-05-01T23:30:00Z",
        "--out",
        template.to_str().unwrap(),
    ])
    .ok();
    assert!(
        dir.path()
            .join("reports/data-ai-day-2026/2026-05-01.json")
            .is_file()
    );

    // The extension picks the format; --format overrides it.
    let md = dir.path().join("{event}.md");
    summary(
        &db,
        &["--event", "data-ai-day-2026", "--out", md.to_str().unwrap()],
    )
    .ok();
    let text = std::fs::read_to_string(dir.path().join("data-ai-day-2026.md")).unwrap();
    assert!(text.starts_with("# Data & AI Day 2026"), "{text}");
    assert!(!text.contains('\u{1b}'), "no escape codes in files");
    summary(
        &db,
        &[
            "--event",
            "data-ai-day-2026",
            "--out",
            md.to_str().unwrap(),
            "--format",
            "text",
        ],
    )
    .ok();
    let text = std::fs::read_to_string(dir.path().join("data-ai-day-2026.md")).unwrap();
    assert!(text.starts_with("Data & AI Day 2026"), "{text}");

    // Several events, one file: refused before anything is written.
    let one_file = dir.path().join("new/{date}.md");
    let refused = summary(
        &db,
        &["--event", "2026", "--out", one_file.to_str().unwrap()],
    );
    refused.expect_code(2);
    assert!(
        refused.stderr.contains("put {event} in --out"),
        "{}",
        refused.stderr
    );
    assert!(!dir.path().join("new").exists());
    // An unknown placeholder: refused before the database is touched.
    let bad = summary(&db, &["--event", "2026", "--out", "r/{slug}.md"]);
    bad.expect_code(2);
    assert!(
        bad.stderr.contains("'{slug}' is not a placeholder"),
        "{}",
        bad.stderr
    );
}

/// A reader polling the file while summaries keep replacing it sees the
/// whole old file or the whole new one, never a part.
#[tokio::test]
async fn atomic_writes_are_never_seen_half_written() {
    let db = window_db().await;
    // Enough sources to make the file tens of kilobytes.
    db.exec(
        "INSERT INTO tickets (event_id, contact_id, ticket_number, purchased_at, marketing_source)
         SELECT 1, 1, 'N' || n, '2026-05-01 20:00+02', 'new-source-' || n || '-' || repeat('x', 40)
         FROM generate_series(1, 400) AS n",
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("daily.json");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let path = path.clone();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let (mut reads, mut versions) = (0, std::collections::HashSet::new());
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                reads += 1;
                let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
                    panic!("a reader saw a partial file ({} bytes): {e}", text.len())
                });
                assert_eq!(
                    doc["events"][0]["new_sources"].as_array().unwrap().len(),
                    402
                );
                versions.insert(doc["generated_at"].as_str().unwrap().to_string());
            }
            (reads, versions.len())
        })
    };
    for i in 0..12 {
        // A different "now" each time, so that each file differs.
        let now = format!("2026-05-02T08:{i:02}:00+02:00");
        db.run(&[
            "summary",
            "--event",
            "data-ai-day-2026",
            "--quiet",
            "--now",
            &now,
            "--out",
            path.to_str().unwrap(),
        ])
        .ok();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (reads, versions) = reader.join().expect("the reader saw a partial file");
    assert!(reads > 12, "the reader read {reads} times");
    assert!(versions > 1, "the reader saw {versions} version(s)");
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["daily.json"]);
}

/// A run that finds the previous one still going exits at once with 4 and
/// writes nothing; the lock is per event.
#[tokio::test]
async fn overlapping_runs_exit_4_and_write_nothing() {
    let db = window_db().await;
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("{event}.txt");
    let out = template.to_str().unwrap();
    // The test plays the slow run: it holds the lock of event 1.
    let mut holder = db.pool.acquire().await.unwrap();
    sqlx::query("SELECT pg_advisory_lock(hashtext('attrib summary'), 1)")
        .execute(&mut *holder)
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let second = summary(&db, &["--event", "data-ai-day-2026", "--out", out]);
    second.expect_code(4);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "it did not wait"
    );
    assert!(
        second
            .stderr
            .contains("another `attrib summary` for data-ai-day-2026 is still running"),
        "{}",
        second.stderr
    );
    assert!(
        second.stderr.contains("without writing anything"),
        "{}",
        second.stderr
    );
    assert!(!dir.path().join("data-ai-day-2026.txt").exists());
    // A year including event 1: nothing is written for any of its events.
    summary(&db, &["--event", "2026", "--out", out]).expect_code(4);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    // Another event is not held up.
    summary(
        &db,
        &["--event", "data-ai-day-cape-town-2026", "--out", out],
    )
    .ok();

    sqlx::query("SELECT pg_advisory_unlock(hashtext('attrib summary'), 1)")
        .execute(&mut *holder)
        .await
        .unwrap();
    summary(&db, &["--event", "data-ai-day-2026", "--out", out]).ok();
    assert!(dir.path().join("data-ai-day-2026.txt").is_file());
    // Each run let go of its lock: the test can take it again at once.
    let free: bool =
        sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtext('attrib summary'), 1)")
            .fetch_one(&mut *holder)
            .await
            .unwrap();
    assert!(free, "a finished run kept its lock");
}

#[tokio::test]
async fn the_summary_writes_nothing_to_the_database() {
    let db = window_db().await;
    let before = db.snapshot().await;
    summary(&db, &["--event", "2026", "--format", "json", "--strict"]).expect_code(3);
    assert_eq!(db.snapshot().await, before);
}

#[tokio::test]
async fn usage_errors_exit_2_with_a_way_out() {
    let db = window_db().await;
    let unknown = summary(&db, &["--event", "no-such-event"]);
    unknown.expect_code(2);
    assert!(
        unknown.stderr.contains("data-ai-day-2026"),
        "{}",
        unknown.stderr
    );
    let none = summary(&db, &[]);
    none.expect_code(2);
    assert!(none.stderr.contains("--event"), "{}", none.stderr);
    let future = summary(
        &db,
        &["--event", "data-ai-day-2026", "--since", "2026-06-01"],
    );
    future.expect_code(2);
    assert!(
        future.stderr.contains("is not before now"),
        "{}",
        future.stderr
    );
    let bad = summary(
        &db,
        &["--event", "data-ai-day-2026", "--since", "yesterday"],
    );
    bad.expect_code(2);
    assert!(bad.stderr.contains("90m, 24h, 7d"), "{}", bad.stderr);
}

/// Hostile strings: a source carrying a terminal escape sequence does not
/// reach the terminal; Markdown cells are escaped.
#[tokio::test]
async fn hostile_sources_are_made_harmless() {
    let db = window_db().await;
    db.exec(
        "INSERT INTO tickets (event_id, contact_id, ticket_number, purchased_at, marketing_source)
         VALUES (1, 1, 'H1', '2026-05-01 21:00+02', E'evil\\x1b[2J|<b>x</b>')",
    )
    .await;
    let text = summary(&db, &["--event", "data-ai-day-2026"])
        .ok()
        .stdout
        .clone();
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(text.contains("evil\u{FFFD}[2J|<b>x</b>"), "{text}");
    let md = summary(
        &db,
        &["--event", "data-ai-day-2026", "--format", "markdown"],
    )
    .ok()
    .stdout
    .clone();
    assert!(md.contains("evil\u{FFFD}\\[2J\\|\\<b>x\\</b>"), "{md}");
}
