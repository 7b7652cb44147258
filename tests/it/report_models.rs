//! Attribution models (`attrib report --model`, `--compare-models`,
//! `--window`) on tests/fixtures/models/touches.sql. Every credit below is
//! worked out by hand from the rows of that file.
//!
//! Registrations of data-ai-day-2026: T1, T2, T3, T4, T5, T8, T9, T10, T11
//! (T6 cancelled, T7 refunded): 9. Their touches in the default 30-day
//! window (email, campaign, time):
//!   T1  1 (c1, 03-01), 2 (c2, 03-10), 3 (c3, 03-10)       tie of 2 and 3
//!   T2  1 (c1)          2 bounced, 4 after the purchase
//!   T3  4 (c1, its row's 03-28)   1 before the window, 2 only sent,
//!                                 3 failed, 6 another event's
//!   T4  1 (c1), 2 (c2)  3 queued
//!   T5  none            only a LinkedIn post
//!   T8  1 (c1), 2 (c2), 3 (c3), 4 (c1, 03-20)
//!   T9  2 (c2), 3 (c3)  both at the purchase minute: tie
//!   T10 1 (c1)          exactly 720 hours before: inside
//!   T11 4 (c1, its row's 03-21)   3 bounced
//!
//! first-touch: c1 T1 T2 T3 T4 T8 T10 T11 = 7; c2 T9 = 1; no touch T5 = 1.
//! last-touch:  c1 T2 T3 T8 T10 T11 = 5; c2 T1 T4 T9 = 3; no touch 1.
//! linear: c1 1/3 + 1 + 1 + 1/2 + 2/4 + 1 + 1 = 5.333; c2 1/3 + 1/2 + 1/4 +
//!   1/2 = 1.583; c3 1/3 + 1/4 + 1/2 = 1.083. In hundredths 533.3, 158.3,
//!   108.3: rounded down 799 of 800, the hundredth left goes to the largest
//!   remainder, equal for all three, so to the lowest id: 5.34, 1.58, 1.08.
//! source: c1 T1 T5 T11 = 3; c2 T4 T9 = 2; c3 T8 = 1; unattributed T3
//!   ('LinkedIn'); no source T2 T10.

use serde_json::{Value, json};

use crate::harness::{TestDb, fixture};

async fn touches_db() -> TestDb {
    let db = TestDb::migrated().await;
    let sql = std::fs::read_to_string(fixture("models/touches.sql")).unwrap();
    db.exec(&sql).await;
    db
}

fn models_of(doc: &Value, slug: &str) -> Value {
    doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["slug"] == slug)
        .unwrap_or_else(|| panic!("no event {slug} in {doc:#}"))["models"]
        .clone()
}

/// (campaign_id, source, first_touch, last_touch, linear) of every campaign.
fn credits(models: &Value) -> Vec<(i64, i64, i64, i64, f64)> {
    models["campaigns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["campaign_id"].as_i64().unwrap(),
                c["source"].as_i64().unwrap(),
                c["first_touch"].as_i64().unwrap(),
                c["last_touch"].as_i64().unwrap(),
                c["linear"].as_f64().unwrap(),
            )
        })
        .collect()
}

fn compare_json(db: &TestDb, event: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "report",
        "--event",
        event,
        "--compare-models",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    db.run(&args).ok().json()
}

/// Each model's column, with the rows it credits to no campaign, adds up to
/// the event's registrations; in hundredths, so that linear is exact.
fn assert_columns_add_up(models: &Value) {
    let registrations = models["registrations"].as_i64().unwrap();
    let sum = |key: &str| -> i64 {
        models["campaigns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c[key].as_f64().unwrap() * 100.0).round() as i64)
            .sum()
    };
    let bucket = |key: &str| models[key].as_i64().unwrap() * 100;
    assert_eq!(
        sum("source") + bucket("ambiguous") + bucket("unattributed") + bucket("no_source"),
        registrations * 100,
        "source: {models:#}"
    );
    for key in ["first_touch", "last_touch", "linear"] {
        assert_eq!(
            sum(key) + bucket("no_touch"),
            registrations * 100,
            "{key}: {models:#}"
        );
    }
}

#[tokio::test]
async fn credits_by_hand_in_the_default_30_day_window() {
    let db = touches_db().await;
    let doc = compare_json(&db, "2026", &[]);
    let m = models_of(&doc, "data-ai-day-2026");
    assert_eq!(m["window"], "30d");
    assert_eq!(m["window_hours"], 720);
    assert_eq!(
        credits(&m),
        [(1, 3, 7, 5, 5.34), (2, 2, 1, 3, 1.58), (3, 1, 0, 0, 1.08)]
    );
    assert_eq!(m["campaigns"][0]["name"], "CFP 2026");
    assert_eq!(m["campaigns"][0]["slug"], "cfp-2026");
    assert_eq!(
        (
            &m["ambiguous"],
            &m["unattributed"],
            &m["no_source"],
            &m["no_touch"],
            &m["registrations"]
        ),
        (&json!(0), &json!(1), &json!(2), &json!(1), &json!(9))
    );
    assert_columns_add_up(&m);

    // Durban: D1 touched by its own email 6 only; event 1's emails to the
    // same contact are not Durban's touches.
    let durban = models_of(&doc, "data-ai-day-durban-2026");
    assert_eq!(credits(&durban), [(4, 1, 1, 1, 1.0)]);
    assert_eq!(durban["no_touch"], 0);
    assert_eq!(durban["registrations"], 1);

    // The rest of the document is the report as always.
    let e = &doc["events"][0];
    assert_eq!(e["registrations"], 9);
    assert_eq!(e["no_source"], 2);
    assert!(e["funnel"].as_array().is_some_and(|f| !f.is_empty()));
}

/// --window 2w (336 hours): T3's email 4 (03-28 for 04-25), T10's email 1
/// (30 days), T11's email 4 (03-21 for 04-15) fall out; T8 keeps only
/// email 4 (03-20; emails 1 to 3 are before 03-11 10:00).
/// first-touch: c1 T1 T2 T4 T8 = 4; c2 T9 = 1; no touch T3 T5 T10 T11 = 4.
/// last-touch: c1 T2 T8 = 2; c2 T1 T4 T9 = 3. linear: c1 1/3 + 1 + 1/2 + 1
/// = 2.833, c2 1/3 + 1/2 + 1/2 = 1.333, c3 1/3 + 1/2 = 0.833; in
/// hundredths 499 of 500 rounded down, the last to the lowest id.
#[tokio::test]
async fn a_shorter_window_drops_older_touches() {
    let db = touches_db().await;
    let m = models_of(
        &compare_json(&db, "data-ai-day-2026", &["--window", "2w"]),
        "data-ai-day-2026",
    );
    assert_eq!(m["window"], "2w");
    assert_eq!(m["window_hours"], 336);
    assert_eq!(
        credits(&m),
        [(1, 3, 4, 2, 2.84), (2, 2, 1, 3, 1.33), (3, 1, 0, 0, 0.83)]
    );
    assert_eq!(m["no_touch"], 4);
    assert_columns_add_up(&m);
    // The same window in hours or days gives the same credits.
    for same in ["336h", "14d"] {
        let other = models_of(
            &compare_json(&db, "data-ai-day-2026", &["--window", same]),
            "data-ai-day-2026",
        );
        assert_eq!(credits(&other), credits(&m), "{same}");
    }
}

/// Emails 2 and 3 swap campaigns: a tie now goes to campaign 3, whose email
/// has the lower id. T1, T4 and T9's last touch and T9's first touch are
/// email 2.
#[tokio::test]
async fn ties_go_to_the_lowest_communication_id_not_campaign_id() {
    let db = touches_db().await;
    db.exec(
        "UPDATE communications SET campaign_id = 3 WHERE id = 2;
         UPDATE communications SET campaign_id = 2 WHERE id = 3;",
    )
    .await;
    let m = models_of(
        &compare_json(&db, "data-ai-day-2026", &[]),
        "data-ai-day-2026",
    );
    let touch: Vec<(i64, i64, i64)> = credits(&m)
        .into_iter()
        .map(|(id, _, first, last, _)| (id, first, last))
        .collect();
    assert_eq!(touch, [(1, 7, 5), (2, 0, 0), (3, 1, 3)]);
    assert_columns_add_up(&m);
}

/// Whatever the window, every model adds up to the registrations: on this
/// fixture, on the report's fixture (ambiguous sources) and on the
/// realistic one (hundreds of tickets, linear shares of thirds).
#[tokio::test]
async fn every_model_adds_up_to_the_registrations() {
    let db = touches_db().await;
    for window in ["1h", "48h", "30d", "2w", "3653d"] {
        let doc = compare_json(&db, "2026", &["--window", window]);
        for slug in ["data-ai-day-2026", "data-ai-day-durban-2026"] {
            assert_columns_add_up(&models_of(&doc, slug));
        }
    }
    // A window of one hour: T9 (bought the minute emails 2 and 3 went out)
    // is the only ticket touched.
    let hour = models_of(
        &compare_json(&db, "data-ai-day-2026", &["--window", "1h"]),
        "data-ai-day-2026",
    );
    assert_eq!(hour["no_touch"], 8);
    assert_eq!(
        credits(&hour)
            .iter()
            .map(|c| (c.0, c.4))
            .collect::<Vec<_>>(),
        [(1, 0.0), (2, 0.5), (3, 0.5)]
    );

    let report = TestDb::migrated().await;
    report
        .exec(&std::fs::read_to_string(fixture("report/outreach.sql")).unwrap())
        .await;
    let m = models_of(
        &compare_json(&report, "data-ai-day-2026", &[]),
        "data-ai-day-2026",
    );
    assert_eq!(m["registrations"], 16);
    assert_eq!(m["ambiguous"], 2, "T9 and T10 name campaigns 3 and 4");
    assert_columns_add_up(&m);

    let realistic = TestDb::migrated().await;
    realistic
        .exec(&std::fs::read_to_string(fixture("models/realistic.sql")).unwrap())
        .await;
    for window in ["2d", "30d", "8w"] {
        let m = models_of(
            &compare_json(&realistic, "2026", &["--window", window]),
            "data-ai-day-2026",
        );
        assert!(m["registrations"].as_i64().unwrap() > 300);
        assert!(m["no_touch"].as_i64().unwrap() > 0);
        assert_columns_add_up(&m);
    }
}

#[tokio::test]
async fn compare_models_in_every_format() {
    let db = touches_db().await;

    let table = db.run(&["report", "--event", "data-ai-day-2026", "--compare-models"]);
    table.ok();
    let out = &table.stdout;
    for needle in [
        "Data & AI Day 2026 (data-ai-day-2026, 2026-09-17): 9 registrations",
        "Attribution models compared (touches: 30-day window)",
        "first touch",
        "last touch",
        "linear",
        "5.34",
        "No touch",
        "Unattributed source",
        "Total",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
    // Only the comparison: not the four sections.
    assert!(!out.contains("Registrations per campaign"), "{out}");
    assert!(!out.contains("Recipient funnel"), "{out}");

    let md = db.run(&[
        "report",
        "--event",
        "data-ai-day-2026",
        "--compare-models",
        "--format",
        "markdown",
    ]);
    md.ok();
    assert!(
        md.stdout
            .contains("| 1 | CFP 2026 | cfp-2026 | 3 | 7 | 5 | 5.34 |"),
        "{}",
        md.stdout
    );
    assert!(md.stdout.contains("|  | No touch |  |  | 1 | 1 | 1 |"));
    assert!(md.stdout.contains("|  | Total |  | 9 | 9 | 9 | 9 |"));

    let csv = db.run(&[
        "report",
        "--event",
        "2026",
        "--compare-models",
        "--format",
        "csv",
    ]);
    csv.ok();
    let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "event",
            "campaign_id",
            "name",
            "slug",
            "source",
            "first_touch",
            "last_touch",
            "linear"
        ]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(
        rows[0],
        [
            "data-ai-day-2026",
            "1",
            "CFP 2026",
            "cfp-2026",
            "3",
            "7",
            "5",
            "5.34"
        ]
    );
    let total = rows
        .iter()
        .find(|r| r[0] == "data-ai-day-2026" && r[2] == "Total")
        .unwrap();
    assert_eq!(&total[4..], ["9", "9", "9", "9.0"]);
    assert!(rows.iter().any(|r| r[0] == "data-ai-day-durban-2026"));

    // JSON: the whole document, with "models"; without a model asked for,
    // the document is as it always was (no "models" key).
    let doc = compare_json(&db, "data-ai-day-2026", &[]);
    let keys: Vec<&str> = doc["events"][0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.last(), Some(&"models"));
    assert_eq!(
        models_of(&doc, "data-ai-day-2026")
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        [
            "window",
            "window_hours",
            "campaigns",
            "ambiguous",
            "unattributed",
            "no_source",
            "no_touch",
            "registrations"
        ]
    );
    let plain = db
        .run(&["report", "--event", "data-ai-day-2026", "--format", "json"])
        .ok()
        .json();
    assert!(plain["events"][0].get("models").is_none());
}

#[tokio::test]
async fn one_model_adds_its_section_to_the_report() {
    let db = touches_db().await;
    let run = db.run(&[
        "report",
        "--event",
        "data-ai-day-2026",
        "--model",
        "last-touch",
    ]);
    run.ok();
    let out = &run.stdout;
    let section_1 = out.find("Registrations per campaign\n").expect(out);
    let models = out
        .find("Registrations per campaign, last-touch model (30-day window)")
        .expect(out);
    let unattributed = out.find("\nUnattributed sources\n").expect(out);
    assert!(section_1 < models && models < unattributed, "{out}");
    assert!(out.contains("Recipient funnel"));

    // Its rows: campaigns by credit, then no touch and the total, with shares.
    let csv = db.run(&[
        "report",
        "--event",
        "data-ai-day-2026",
        "--model",
        "last-touch",
        "--format",
        "csv",
        "--section",
        "models",
    ]);
    csv.ok();
    let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "event",
            "campaign_id",
            "name",
            "slug",
            "registrations",
            "share"
        ]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let summary: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r[2].as_str(), r[4].as_str(), r[5].as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("CFP 2026", "5.0", "0.5556"),
            ("Early Bird 2026", "3.0", "0.3333"),
            ("Last Call 2026", "0.0", "0.0"),
            ("No touch", "1.0", "0.1111"),
            ("Total", "9.0", "1.0"),
        ]
    );

    // --out: a models file beside the others, and models in summary.json.
    let dir = tempfile::tempdir().unwrap();
    db.run(&[
        "report",
        "--event",
        "data-ai-day-2026",
        "--model",
        "linear",
        "--out",
        dir.path().to_str().unwrap(),
    ])
    .ok();
    let models_csv =
        std::fs::read_to_string(dir.path().join("data-ai-day-2026-models.csv")).unwrap();
    assert!(models_csv.starts_with('\u{feff}'), "BOM for Excel");
    assert!(
        models_csv.contains("CFP 2026,cfp-2026,5.34,0.5933"),
        "{models_csv}"
    );
    assert!(dir.path().join("data-ai-day-2026-funnel.csv").exists());
    let summary: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["events"][0]["models"]["no_touch"], 1);

    // --model source is the report as always.
    let source = db.run(&["report", "--event", "data-ai-day-2026", "--model", "source"]);
    source.ok();
    assert!(!source.stdout.contains(" model ("), "{}", source.stdout);
}

#[tokio::test]
async fn model_options_that_cannot_work_are_usage_errors() {
    let db = touches_db().await;
    let before = db.snapshot().await;
    let cases: &[(&[&str], &str)] = &[
        (&["--window", "14d"], "--model"),
        (&["--model", "linear", "--window", "0d"], "no touch"),
        (&["--model", "linear", "--window", "30"], "no unit"),
        (&["--model", "linear", "--window", "1.5d"], "48h, 30d or 2w"),
        (&["--section", "models"], "--compare-models"),
        (
            &["--compare-models", "--model", "linear"],
            "cannot be used with",
        ),
        (&["--compare-models", "--section", "funnel"], "--section"),
        (&["--model", "every-touch"], "first-touch"),
    ];
    for (extra, needle) in cases {
        let mut args = vec!["report", "--event", "data-ai-day-2026"];
        args.extend_from_slice(extra);
        let run = db.run(&args);
        run.expect_code(2);
        assert!(run.stdout.is_empty(), "{extra:?}: {}", run.stdout);
        assert!(run.stderr.contains(needle), "{extra:?}: {}", run.stderr);
    }
    assert_eq!(db.snapshot().await, before);
}

/// `--emit-psql` carries the models query with its parameters; psql's run of
/// it gives the same credits.
#[tokio::test]
async fn the_psql_script_holds_the_models_query() {
    let db = touches_db().await;
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("models.sql");
    db.run(&[
        "report",
        "--event",
        "data-ai-day-2026",
        "--compare-models",
        "--emit-psql",
        script.to_str().unwrap(),
    ])
    .ok();
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(text.contains("PREPARE report_models_"), "{text}");
    assert!(text.contains("EXECUTE report_models_"), "{text}");
    // Only what --compare-models shows was read.
    assert!(!text.contains("PREPARE report_funnel_"), "{text}");
    use sqlx::Row;
    let rows = sqlx::raw_sql(sqlx::AssertSqlSafe(text))
        .fetch_all(&db.pool)
        .await
        .unwrap();
    let linear: Vec<(String, f64)> = rows
        .iter()
        .filter(|r| {
            r.try_get::<String, _>("kind")
                .is_ok_and(|k| k == "campaign")
        })
        .map(|r| (r.get::<String, _>("name"), r.get::<f64, _>("linear")))
        .collect();
    assert_eq!(
        linear,
        [
            ("CFP 2026".to_string(), 5.34),
            ("Early Bird 2026".to_string(), 1.58),
            ("Last Call 2026".to_string(), 1.08)
        ]
    );
}
