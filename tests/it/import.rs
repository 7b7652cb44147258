//! `attrib import quicket`: every input class, validation, atomicity,
//! idempotency, --skip-invalid, --dry-run, concurrency and the sample data.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::harness::{Run, TestDb, fixture, sample};

const EVENT: &str = "data-ai-day-2026";

async fn db_with_event() -> TestDb {
    let db = TestDb::migrated().await;
    add_event(&db, "Data & AI Day 2026", "2026-09-17");
    db
}

/// `attrib events add --name NAME --starts-on DATE` (slug from the name).
fn add_event(db: &TestDb, name: &str, starts_on: &str) {
    db.run(&["events", "add", "--name", name, "--starts-on", starts_on])
        .ok();
}

fn quicket(name: &str) -> String {
    fixture(&format!("quicket/{name}"))
        .to_str()
        .unwrap()
        .to_string()
}

/// `attrib import quicket --event data-ai-day-2026 ARGS...`
fn import(db: &TestDb, args: &[&str]) -> Run {
    let mut full = vec!["import", "quicket", "--event", EVENT];
    full.extend_from_slice(args);
    db.run(&full)
}

/// The JSON summary of importing one file.
#[track_caller]
fn import_json(db: &TestDb, args: &[&str]) -> Value {
    let mut full = vec!["--format", "json"];
    full.extend_from_slice(args);
    let json = import(db, &full).ok().json();
    assert_eq!(json.as_array().map(Vec::len), Some(1), "{json}");
    json[0].clone()
}

async fn text(db: &TestDb, sql: &str) -> Option<String> {
    db.scalar::<Option<String>>(sql).await
}

/// A file named `name` holding `contents`, in a fresh directory (kept
/// while the returned TempDir lives).
fn write_temp(name: &str, contents: impl AsRef<[u8]>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, contents).unwrap();
    (dir, path)
}

/// A copy of a fixture in a fresh directory (rejected files are written
/// beside the input; the fixtures directory stays clean).
fn copy_to_temp(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::copy(fixture(&format!("quicket/{name}")), &path).unwrap();
    (dir, path)
}

#[tokio::test]
async fn imports_todays_layout_with_every_column() {
    let db = db_with_event().await;
    let s = import_json(&db, &[&quicket("new_export.csv")]);
    assert_eq!(s["rows_read"], 5);
    assert_eq!(s["tickets_created"], 5);
    assert_eq!(s["contacts_created"], 5);
    assert_eq!(s["encoding"], "utf-8");
    assert_eq!(s["delimiter"], "comma");
    assert_eq!(s["dry_run"], false);
    assert!(s["batch_id"].is_i64());

    assert_eq!(
        text(&db, "SELECT concat_ws('|', t.order_number, t.barcode, t.ticket_type, t.price, t.discount_code, t.status, t.checked_in, t.marketing_source)
             FROM tickets t WHERE ticket_number = 'T-003'").await.unwrap(),
        "ORD-2|100000000003|General Admission|1250.00|WIT2026|valid|f|CFP_2026"
    );
    assert_eq!(
        text(
            &db,
            "SELECT status FROM tickets WHERE ticket_number = 'T-004'"
        )
        .await
        .unwrap(),
        "cancelled"
    );
    assert_eq!(
        text(
            &db,
            "SELECT status FROM tickets WHERE ticket_number = 'T-005'"
        )
        .await
        .unwrap(),
        "refunded"
    );
    // Naive times are read in Africa/Johannesburg (UTC+2).
    assert!(
        db.scalar::<bool>("SELECT purchased_at = '2026-03-14 07:15:00Z' FROM tickets WHERE ticket_number = 'T-001'")
            .await
    );
    // Custom questions are kept under their original header; empty cells
    // are left out.
    assert_eq!(
        text(
            &db,
            "SELECT extra::text FROM tickets WHERE ticket_number = 'T-001'"
        )
        .await
        .unwrap(),
        r#"{"T-Shirt Size": "M", "Dietary Requirements": "Vegan"}"#
    );
    assert_eq!(
        text(
            &db,
            "SELECT extra::text FROM tickets WHERE ticket_number = 'T-002'"
        )
        .await
        .unwrap(),
        r#"{"T-Shirt Size": "L"}"#
    );
    // Contacts: names, phone, job title; "Umoya Analytics" and "umoya
    // analytics" are one organisation.
    assert_eq!(
        text(
            &db,
            "SELECT concat_ws('|', c.first_name, c.last_name, c.phone, o.name, c.job_title)
             FROM contacts c JOIN organisations o ON o.id = c.organisation_id
             WHERE c.email = 'thandi@umoya.example'"
        )
        .await
        .unwrap(),
        "Thandi|Nkosi|+27 82 555 0101|Umoya Analytics|Data Scientist"
    );
    assert_eq!(db.count("organisations").await, 2);
    assert_eq!(
        db.scalar::<i64>(
            "SELECT count(DISTINCT organisation_id) FROM contacts WHERE email LIKE '%umoya%'"
        )
        .await,
        1
    );
    assert_eq!(
        text(
            &db,
            "SELECT email FROM contacts WHERE lower(email) = 'pieter@karoo.example'"
        )
        .await
        .unwrap(),
        "Pieter@Karoo.example"
    );
    // The batch is recorded with the file's SHA-256.
    let mut hashing =
        attrib::input::HashingReader::new(std::fs::File::open(quicket("new_export.csv")).unwrap());
    std::io::copy(&mut hashing, &mut std::io::sink()).unwrap();
    assert_eq!(
        text(&db, "SELECT concat_ws('|', source, sha256, rows_read, tickets_created, contacts_created, encoding) FROM import_batches")
            .await
            .unwrap(),
        format!("quicket|{}|5|5|5|utf-8", hashing.sha256_hex().unwrap())
    );
}

#[tokio::test]
async fn old_layout_splits_the_ticket_holder_name() {
    let db = TestDb::migrated().await;
    add_event(&db, "Data & AI Day 2025", "2025-09-18");
    db.run(&[
        "import",
        "quicket",
        "--event",
        "2025",
        &quicket("old_export.csv"),
    ])
    .ok();
    let names: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT c.first_name::text, c.last_name::text FROM contacts c
             JOIN tickets t ON t.contact_id = c.id ORDER BY t.ticket_number",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let names: Vec<(&str, Option<&str>)> = names
        .iter()
        .map(|(f, l)| (f.as_str(), l.as_deref()))
        .collect();
    assert_eq!(
        names,
        [
            ("Nadia", Some("van der Merwe")),
            ("Kagiso", Some("Khumalo")),
            ("Madonna", None)
        ]
    );
    assert!(
        db.scalar::<bool>(
            "SELECT checked_in AND checked_in_at = '2025-09-18 06:39:00Z' AND barcode = '043406381237'
                    AND price IS NULL AND order_number IS NULL
             FROM tickets WHERE ticket_number = 'DAID25-00001'"
        )
        .await
    );
    // "Checked in by" and "Complimentary" have no column of their own.
    assert_eq!(
        text(
            &db,
            "SELECT extra::text FROM tickets WHERE ticket_number = 'DAID25-00001'"
        )
        .await
        .unwrap(),
        r#"{"Checked in by": "Door 1", "Complimentary": "No"}"#
    );
    // Checked in without a time: checked in, no time.
    assert!(
        db.scalar::<bool>(
            "SELECT checked_in AND checked_in_at IS NULL FROM tickets WHERE ticket_number = 'DAID25-00003'"
        )
        .await
    );
}

#[tokio::test]
async fn utf8_with_bom() {
    let db = db_with_event().await;
    let s = import_json(&db, &[&quicket("bom.csv")]);
    assert_eq!(s["tickets_created"], 1);
    assert_eq!(
        text(&db, "SELECT first_name || ' ' || last_name FROM contacts")
            .await
            .unwrap(),
        "Zoë Müller"
    );
}

#[tokio::test]
async fn windows_1252_is_detected_decoded_and_said() {
    let db = db_with_event().await;
    let run = import(&db, &["--format", "json", &quicket("windows1252.csv")]);
    run.ok();
    assert_eq!(run.json()[0]["encoding"], "windows-1252");
    assert!(
        run.stderr.contains("is not UTF-8; read it as Windows-1252"),
        "{}",
        run.stderr
    );
    assert_eq!(
        text(&db, "SELECT string_agg(first_name || ' ' || last_name, ', ' ORDER BY email DESC) FROM contacts")
            .await
            .unwrap(),
        "Zoë Müller, Renée Coetzée"
    );
    assert_eq!(
        text(&db, "SELECT name FROM organisations").await.unwrap(),
        "Café “Data” Co"
    );
    assert_eq!(
        text(&db, "SELECT encoding FROM import_batches")
            .await
            .unwrap(),
        "windows-1252"
    );
}

#[tokio::test]
async fn semicolon_and_tab_delimiters() {
    let db = db_with_event().await;
    let s = import_json(&db, &[&quicket("semicolon.csv")]);
    assert_eq!(s["delimiter"], "semicolon");
    assert_eq!(s["tickets_created"], 2);
    let s = import_json(&db, &[&quicket("tab.tsv")]);
    assert_eq!(s["delimiter"], "tab");
    let orgs: Vec<String> = sqlx::query_scalar("SELECT name::text FROM organisations ORDER BY id")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(orgs, ["Smith; Sons", "Acme, Inc."]);
}

#[tokio::test]
async fn quoted_commas_quotes_and_newlines() {
    let db = db_with_event().await;
    let s = import_json(&db, &[&quicket("quoted.csv")]);
    assert_eq!(s["rows_read"], 2);
    assert_eq!(
        text(
            &db,
            "SELECT first_name FROM contacts WHERE email = 'ann@example.org'"
        )
        .await
        .unwrap(),
        "Smith, Jr."
    );
    assert_eq!(
        text(
            &db,
            "SELECT first_name FROM contacts WHERE email = 'ben@example.org'"
        )
        .await
        .unwrap(),
        "Say \"hi\""
    );
    assert_eq!(
        text(
            &db,
            "SELECT extra->>'Dietary Requirements' FROM tickets WHERE ticket_number = 'Q-1'"
        )
        .await
        .unwrap(),
        "Vegetarian\nNo mushrooms, please"
    );
    assert_eq!(
        text(&db, "SELECT name FROM organisations").await.unwrap(),
        "Acme, Inc."
    );
}

#[tokio::test]
async fn crlf_line_endings() {
    let db = db_with_event().await;
    let s = import_json(&db, &[&quicket("crlf.csv")]);
    assert_eq!(s["rows_read"], 2);
    // No carriage return sticks to the last column.
    assert_eq!(
        text(&db, "SELECT name FROM organisations").await.unwrap(),
        "Acme"
    );
    assert_eq!(
        db.scalar::<i64>("SELECT count(*) FROM contacts WHERE organisation_id IS NULL")
            .await,
        1
    );
}

#[tokio::test]
async fn blank_trailing_lines_are_ignored() {
    let db = db_with_event().await;
    let s = import_json(&db, &[&quicket("blank_trailing.csv")]);
    assert_eq!(s["rows_read"], 2);
    assert_eq!(s["rows_rejected"], 0);
    assert_eq!(db.count("tickets").await, 2);
}

#[tokio::test]
async fn every_date_format_in_the_session_time_zone() {
    let db = db_with_event().await;
    import(&db, &[&quicket("dates.csv")]).ok();
    let wrong: Vec<String> = sqlx::query_scalar(
        "SELECT ticket_number::text FROM tickets WHERE purchased_at <> '2026-03-14 07:15:00Z' ORDER BY 1",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert!(wrong.is_empty(), "read at another instant: {wrong:?}");
    assert_eq!(db.count("tickets").await, 8);

    // --timezone changes how times without an offset are read, not the others.
    let other = db_with_event().await;
    other
        .run(&[
            "--timezone",
            "UTC",
            "import",
            "quicket",
            "--event",
            EVENT,
            &quicket("dates.csv"),
        ])
        .ok();
    assert!(
        other
            .scalar::<bool>(
                "SELECT bool_and(CASE WHEN ticket_number IN ('D-iso-z', 'D-iso-offset')
                                      THEN purchased_at = '2026-03-14 07:15:00Z'
                                      ELSE purchased_at = '2026-03-14 09:15:00Z' END) FROM tickets"
            )
            .await
    );
    let bad = other.run(&[
        "--timezone",
        "Mars/Olympus",
        "import",
        "quicket",
        "--event",
        EVENT,
        &quicket("dates.csv"),
    ]);
    bad.expect_code(2);
}

#[tokio::test]
async fn prices_with_rand_and_separators() {
    let db = db_with_event().await;
    import(&db, &[&quicket("prices.csv")]).ok();
    let prices: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT ticket_number::text, price::text FROM tickets ORDER BY ticket_number",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let prices: Vec<(&str, Option<&str>)> = prices
        .iter()
        .map(|(t, p)| (t.as_str(), p.as_deref()))
        .collect();
    assert_eq!(
        prices,
        [
            ("P-1", Some("1250.00")),
            ("P-2", Some("450.00")),
            ("P-3", Some("1250.50")),
            ("P-4", Some("99.90")),
            ("P-5", Some("0.00")),
            ("P-6", None),
            ("P-7", Some("0.00")),
        ]
    );
}

#[tokio::test]
async fn the_later_line_of_a_repeated_ticket_wins() {
    let db = db_with_event().await;
    let run = import(&db, &[&quicket("duplicate_ticket.csv")]);
    run.ok();
    assert!(
        run.stdout
            .contains("1 line repeated a ticket of a later line"),
        "{}",
        run.stdout
    );
    assert_eq!(db.count("tickets").await, 2);
    assert_eq!(
        text(
            &db,
            "SELECT concat_ws('|', t.ticket_type, t.status, c.email) FROM tickets t
             JOIN contacts c ON c.id = t.contact_id WHERE ticket_number = 'DUP-1'"
        )
        .await
        .unwrap(),
        "General Admission|cancelled|second@example.org"
    );
    assert_eq!(
        text(&db, "SELECT duplicate_rows::text FROM import_batches")
            .await
            .unwrap(),
        "1"
    );
    // --strict: imported, but needs a look.
    let again = db.run(&[
        "import",
        "quicket",
        "--strict",
        "--event",
        EVENT,
        &quicket("duplicate_ticket.csv"),
    ]);
    again.expect_code(3);
    // Read again in full (both lines of a repeated ticket are): the later
    // line still wins.
    assert_eq!(
        text(
            &db,
            "SELECT c.email FROM tickets t JOIN contacts c ON c.id = t.contact_id
             WHERE ticket_number = 'DUP-1'"
        )
        .await
        .unwrap(),
        "second@example.org"
    );
}

#[tokio::test]
async fn missing_required_headers_list_expected_and_found() {
    let db = db_with_event().await;
    let before = db.snapshot().await;
    let run = import(&db, &[&quicket("missing_headers.csv")]);
    run.expect_code(1);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    for wanted in [
        "is missing required columns",
        "a ticket identifier (\"Ticket Number\", \"Ticket ID\" or \"Ticket Barcode\")",
        "the ticket holder's email",
        "a purchase date",
        "Its columns are: \"Name\", \"Phone\", \"When\"",
    ] {
        assert!(run.stderr.contains(wanted), "{wanted}: {}", run.stderr);
    }
    assert_eq!(db.snapshot().await, before);
}

#[tokio::test]
async fn each_invalid_row_is_reported_and_nothing_is_written() {
    let db = db_with_event().await;
    let before = db.snapshot().await;
    let file = quicket("invalid_rows.csv");
    let run = import(&db, &[&file]);
    run.expect_code(1);
    let expected = [
        format!("{file}:3: column 'Email': \"bob@\" is not an email address"),
        format!(
            "{file}:4: column 'Email': is empty; every ticket needs the ticket holder's email address"
        ),
        format!(
            "{file}:5: column 'Purchase Date': \"yesterday\" is not a date and time; write e.g. \
             2026-03-14 09:15, 14/03/2026 09:15 or 14 Mar 2026 09:15"
        ),
        format!("{file}:6: column 'Ticket Number': is empty; every ticket needs its ticket number"),
        format!(
            "{file}:7: column 'Price': \"ten rand\" is not a price; write e.g. R 1,250.00, 1250.00 or 0"
        ),
        format!(
            "{file}:8: column 'Ticket Status': \"pending\" is not a ticket status; expected valid, \
             cancelled, refunded"
        ),
        format!("{file}:9: column 'Checked in': \"maybe\" is not yes or no"),
        format!("{file}:11: column 'Purchase Date': \"03/14/2026 09:15\" is not a date"),
    ];
    for line in &expected {
        assert!(run.stderr.contains(line.as_str()), "{line}\n{}", run.stderr);
    }
    assert!(
        run.stderr.contains("8 invalid rows; nothing was imported"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--skip-invalid"), "{}", run.stderr);
    assert_eq!(db.snapshot().await, before);
}

#[tokio::test]
async fn at_most_twenty_errors_are_shown_with_a_count_of_the_rest() {
    let db = db_with_event().await;
    let mut body = String::from("Ticket Number,Purchase Date,Email\n");
    for i in 0..25 {
        body.push_str(&format!("M-{i},2026-03-14,broken{i}\n"));
    }
    let (_dir, path) = write_temp("many.csv", body);
    let run = import(&db, &[path.to_str().unwrap()]);
    run.expect_code(1);
    assert_eq!(run.stderr.matches("is not an email address").count(), 20);
    assert!(run.stderr.contains("25 invalid rows"), "{}", run.stderr);
    assert!(run.stderr.contains("... and 5 more"), "{}", run.stderr);
}

#[tokio::test]
async fn a_bad_last_row_leaves_the_database_unchanged() {
    let db = db_with_event().await;
    import(&db, &[&quicket("new_export.csv")]).ok();
    let before = db.snapshot().await;
    let run = import(&db, &[&quicket("bad_last_row.csv")]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains(":201: column 'Email': \"not-an-email\" is not an email address"),
        "{}",
        run.stderr
    );
    assert_eq!(db.snapshot().await, before);
}

#[tokio::test]
async fn skip_invalid_imports_the_rest_and_writes_an_excel_safe_rejected_file() {
    let db = db_with_event().await;
    let (dir, path) = copy_to_temp("invalid_rows.csv");
    let run = import(
        &db,
        &[
            "--skip-invalid",
            "--strict",
            "--format",
            "json",
            path.to_str().unwrap(),
        ],
    );
    run.expect_code(3);
    let s = &run.json()[0];
    assert_eq!(s["rows_read"], 10);
    assert_eq!(s["rows_rejected"], 8);
    assert_eq!(s["tickets_created"], 2);
    let rejected = dir.path().join("invalid_rows.csv.rejected.csv");
    assert_eq!(
        s["rejected_file"].as_str().unwrap(),
        rejected.to_str().unwrap()
    );
    assert_eq!(db.count("tickets").await, 2);
    assert_eq!(
        text(&db, "SELECT rows_rejected::text FROM import_batches")
            .await
            .unwrap(),
        "8"
    );

    let bytes = std::fs::read(&rejected).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "Excel needs the BOM");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        headers,
        [
            "Ticket Number",
            "Purchase Date",
            "Email",
            "Price",
            "Ticket Status",
            "Checked in",
            "error"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 8);
    assert_eq!(
        &rows[0][6],
        "line 3: column 'Email': \"bob@\" is not an email address"
    );
    // A value a spreadsheet would run as a formula is neutralised.
    assert_eq!(&rows[7][3], "'=HYPERLINK(\"http://x\")");
    let temporaries: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(temporaries.is_empty(), "{temporaries:?}");

    // Fixed in the spreadsheet and imported on its own: the neutralising
    // quote and the error column do not end up in the database.
    let fixed = std::fs::read_to_string(&rejected)
        .unwrap()
        .replace("bob@,", "bob@example.org,");
    let fixed_path = dir.path().join("fixed.csv");
    std::fs::write(&fixed_path, fixed).unwrap();
    let again = import(
        &db,
        &[
            "--skip-invalid",
            "--format",
            "json",
            fixed_path.to_str().unwrap(),
        ],
    );
    again.ok();
    assert_eq!(again.json()[0]["tickets_created"], 1);
    assert_eq!(
        text(
            &db,
            "SELECT extra::text FROM tickets WHERE ticket_number = 'I-2'"
        )
        .await
        .unwrap(),
        "{}"
    );
}

#[tokio::test]
async fn dry_run_reports_and_writes_nothing() {
    let db = db_with_event().await;
    let before = db.snapshot().await;
    let (dir, path) = copy_to_temp("invalid_rows.csv");
    let s = import_json(
        &db,
        &["--dry-run", "--skip-invalid", path.to_str().unwrap()],
    );
    assert_eq!(s["dry_run"], true);
    assert_eq!(s["batch_id"], Value::Null);
    assert_eq!(s["tickets_created"], 2);
    assert_eq!(s["rows_rejected"], 8);
    assert_eq!(s["rejected_file"], Value::Null);
    assert_eq!(db.snapshot().await, before);
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(files.len(), 1, "no rejected file on a dry run");

    let run = import(&db, &["--dry-run", &quicket("new_export.csv")]);
    run.ok();
    assert!(
        run.stdout.contains("Tickets: 5 would be new"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Dry run: nothing was written."));
    assert_eq!(db.snapshot().await, before);
}

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
async fn a_newer_export_updates_status_and_check_in_and_keeps_missing_tickets() {
    let db = db_with_event().await;
    import(&db, &[&quicket("new_export.csv")]).ok();
    let s = import_json(&db, &[&quicket("newer_export.csv")]);
    assert_eq!(s["tickets_created"], 1, "T-006");
    assert_eq!(s["tickets_updated"], 2, "T-001 checked in, T-002 refunded");
    assert_eq!(s["tickets_unchanged"], 2, "T-004, T-005");
    assert_eq!(s["tickets_missing"], 1, "T-003");
    assert_eq!(s["statuses_kept"], 1, "T-004: cancelled, file says valid");
    assert_eq!(s["contacts_created"], 1, "Naledi");
    assert_eq!(s["contacts_updated"], 1, "Sipho's phone");

    let status = |t: &'static str| {
        let db = &db;
        async move {
            text(
                db,
                &format!(
                    "SELECT status || '|' || checked_in FROM tickets WHERE ticket_number = '{t}'"
                ),
            )
            .await
            .unwrap()
        }
    };
    assert_eq!(status("T-001").await, "valid|true");
    assert_eq!(status("T-002").await, "refunded|false");
    assert_eq!(status("T-003").await, "valid|false", "missing, kept");
    assert_eq!(status("T-004").await, "cancelled|false", "never moves back");
    assert!(
        db.scalar::<bool>(
            "SELECT checked_in_at = '2026-09-17 06:05:00Z' FROM tickets WHERE ticket_number = 'T-001'"
        )
        .await
    );
    // Empty cells never erase a contact's details.
    assert_eq!(
        text(
            &db,
            "SELECT concat_ws('|', c.phone, o.name, c.job_title) FROM contacts c
             JOIN organisations o ON o.id = c.organisation_id WHERE c.email = 'thandi@umoya.example'"
        )
        .await
        .unwrap(),
        "+27 82 555 0101|Umoya Analytics|Data Scientist"
    );
    assert_eq!(
        text(
            &db,
            "SELECT phone FROM contacts WHERE email = 'sipho@umoya.example'"
        )
        .await
        .unwrap(),
        "083 555 0199"
    );

    // The older export again: statuses and check-ins do not move back.
    let run = import(&db, &["--strict", &quicket("new_export.csv")]);
    run.expect_code(3);
    assert!(
        run.stdout.contains("the database's status was kept"),
        "{}",
        run.stdout
    );
    assert_eq!(status("T-001").await, "valid|true");
    assert_eq!(status("T-002").await, "refunded|false");
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
async fn the_marketing_source_column() {
    let db = db_with_event().await;
    import(&db, &[&quicket("sources.csv")]).ok();
    let sources: Vec<(Option<String>, String)> =
        sqlx::query_as("SELECT marketing_source, extra::text FROM tickets ORDER BY ticket_number")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert_eq!(
        sources,
        [
            (Some("cfp-2026".into()), r#"{"Referral": "friend"}"#.into()),
            (None, r#"{"Referral": "newsletter"}"#.into())
        ]
    );

    let other = db_with_event().await;
    import(
        &other,
        &["--source-column", "referral", &quicket("sources.csv")],
    )
    .ok();
    assert_eq!(
        text(
            &other,
            "SELECT string_agg(marketing_source || ' ' || extra::text, ', ' ORDER BY ticket_number) FROM tickets"
        )
        .await
        .unwrap(),
        r#"friend {"Tracking Code": "cfp-2026"}, newsletter {}"#
    );

    let run = import(
        &other,
        &["--source-column", "Nope", &quicket("sources.csv")],
    );
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("has no column 'Nope' (--source-column)"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn unreadable_inputs_get_one_clear_line() {
    let db = db_with_event().await;
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (quicket("empty.csv"), "is empty"),
        (
            quicket("header_only.csv"),
            "has a header row but no tickets",
        ),
        (quicket("workbook.xlsx"), "not CSV"),
        (dir.path().to_str().unwrap().to_string(), "is a directory"),
        ("/no/such/export.csv".to_string(), "no such file"),
    ];
    let before = db.snapshot().await;
    for (path, message) in cases {
        let run = import(&db, &[&path]);
        run.expect_code(1);
        assert!(run.stderr.contains(message), "{path}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{path}: {}", run.stderr);
        assert!(run.stdout.is_empty());
    }
    // A bad file among good ones: nothing is imported, not even the first.
    let run = import(
        &db,
        &[&quicket("new_export.csv"), &quicket("workbook.xlsx")],
    );
    run.expect_code(1);
    assert_eq!(db.snapshot().await, before);
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

#[tokio::test]
async fn quiet_prints_nothing_on_success_and_json_still_pipes() {
    let db = db_with_event().await;
    let run = db.run(&[
        "--quiet",
        "import",
        "quicket",
        "--event",
        EVENT,
        &quicket("windows1252.csv"),
    ]);
    run.ok();
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, "");
    let run = db.run(&[
        "--quiet",
        "import",
        "quicket",
        "--event",
        EVENT,
        "--format",
        "json",
        &quicket("windows1252.csv"),
    ]);
    run.ok();
    assert_eq!(run.json()[0]["tickets_unchanged"], 2);
    assert_eq!(run.stderr, "");
}

#[tokio::test]
async fn help_teaches() {
    let run = crate::harness::Run::of(
        crate::harness::attrib_command().args(["import", "quicket", "--help"]),
    );
    run.ok();
    for wanted in [
        "--skip-invalid",
        "--dry-run",
        "--source-column",
        "Examples:",
        "14/03/2026 09:15",
    ] {
        assert!(run.stdout.contains(wanted), "{wanted}");
    }
    let run = crate::harness::Run::of(
        crate::harness::attrib_command().args(["import", "quicket", "--event", "2026"]),
    );
    run.expect_code(2);
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
#[path = "../../examples/gen_quicket.rs"]
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

/// Both duplicate-removal statements, on the staging table itself: the
/// full one (used when the reader saw too many possible repeats) and the
/// one limited to candidates (where false candidates must change nothing).
#[tokio::test]
async fn duplicate_removal_keeps_the_later_line() {
    let db = TestDb::migrated().await;
    let mut conn = db.pool.acquire().await.unwrap();
    let mut tx = sqlx::Connection::begin(&mut *conn).await.unwrap();
    let fill =
        "INSERT INTO quicket_staging (line, ticket_number, purchased_at, extra, email, fingerprint)
                SELECT line, 'T-' || (line % 4), now(), '{}', 'x@example.org', line
                FROM generate_series(2, 11) AS line";
    let lines = "SELECT string_agg(line::text, ',' ORDER BY line) FROM quicket_staging";
    for (statement, candidates) in [
        (
            include_str!("../../queries/import_quicket_dedupe.sql"),
            None,
        ),
        (
            include_str!("../../queries/import_quicket_dedupe_candidates.sql"),
            Some(vec!["T-1", "T-2", "T-3", "T-0", "not-there"]),
        ),
    ] {
        sqlx::raw_sql(include_str!("../../queries/import_quicket_staging.sql"))
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::raw_sql(fill).execute(&mut *tx).await.unwrap();
        let mut query = sqlx::query(statement);
        if let Some(c) = candidates {
            query = query.bind(c);
        }
        let removed = query.execute(&mut *tx).await.unwrap().rows_affected();
        assert_eq!(removed, 6);
        let kept: String = sqlx::query_scalar(lines).fetch_one(&mut *tx).await.unwrap();
        assert_eq!(kept, "8,9,10,11");
        sqlx::raw_sql("DROP TABLE quicket_staging, quicket_work, quicket_people")
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    // Candidates that are not repeated change nothing.
    sqlx::raw_sql(include_str!("../../queries/import_quicket_staging.sql"))
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::raw_sql(fill).execute(&mut *tx).await.unwrap();
    let removed = sqlx::query(include_str!(
        "../../queries/import_quicket_dedupe_candidates.sql"
    ))
    .bind(vec!["not-there"])
    .execute(&mut *tx)
    .await
    .unwrap()
    .rows_affected();
    assert_eq!(removed, 0);
}

/// The tickets' insert by the people's numbers, on the staging table
/// itself: right when the numbers are 1..n, one each; when they are not (a
/// gap, a number shared, none), every line still gets its own contact, by
/// email.
#[tokio::test]
async fn tickets_found_by_number_fall_back_to_email_unless_the_numbers_are_one_each() {
    let db = db_with_event().await;
    let event: i32 = db.scalar("SELECT id FROM events").await;
    db.exec("INSERT INTO contacts (email) VALUES ('zed@example.org'), ('Known@Example.org')")
        .await;
    let holders =
        "SELECT string_agg(t.ticket_number || '=' || c.email, ' ' ORDER BY t.ticket_number)
                   FROM tickets t JOIN contacts c ON c.id = t.contact_id";
    // Lines 2..6: ann, known, bob, ann, cy; each case numbers their people.
    for (case, numbers) in [
        ("one each", [Some(1), Some(2), Some(3), Some(1), Some(4)]),
        ("a gap", [Some(1), Some(3), Some(4), Some(1), Some(5)]),
        (
            "a number shared",
            [Some(1), Some(1), Some(2), Some(1), Some(3)],
        ),
        ("one without", [Some(1), Some(2), Some(3), Some(1), None]),
    ] {
        let mut conn = db.pool.acquire().await.unwrap();
        let mut tx = sqlx::Connection::begin(&mut *conn).await.unwrap();
        sqlx::raw_sql(include_str!("../../queries/import_quicket_staging.sql"))
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO quicket_staging (line, ticket_number, purchased_at, extra, email,
                                          fingerprint, person)
             SELECT n + 1, 'T-' || (n + 1), now(), '{}', ($1::text[])[n], n, ($2::int[])[n]
             FROM generate_series(1, 5) AS n",
        )
        .bind([
            "ann@example.org",
            "KNOWN@example.org",
            "bob@example.org",
            "Ann@example.org",
            "cy@example.org",
        ])
        .bind(numbers)
        .execute(&mut *tx)
        .await
        .unwrap();
        for statement in [
            include_str!("../../queries/import_quicket_contacts_staging.sql"),
            include_str!("../../queries/import_quicket_contacts_insert.sql"),
        ] {
            sqlx::raw_sql(statement).execute(&mut *tx).await.unwrap();
        }
        let created = sqlx::query(include_str!(
            "../../queries/import_quicket_tickets_insert_numbered.sql"
        ))
        .bind(event)
        .execute(&mut *tx)
        .await
        .unwrap()
        .rows_affected();
        assert_eq!(created, 5, "{case}");
        let got: String = sqlx::query_scalar(holders)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        assert_eq!(
            got,
            "T-2=Ann@example.org T-3=Known@Example.org T-4=bob@example.org \
             T-5=Ann@example.org T-6=cy@example.org",
            "{case}"
        );
        tx.rollback().await.unwrap();
    }
}

/// The statements run before duplicate removal: every line of the people
/// named on possibly repeated tickets counts again for their details (all
/// lines, when the reader saw too many to list).
#[tokio::test]
async fn before_duplicate_removal_the_people_of_repeated_tickets_count_again() {
    let db = TestDb::migrated().await;
    let mut conn = db.pool.acquire().await.unwrap();
    let mut tx = sqlx::Connection::begin(&mut *conn).await.unwrap();
    let not_counted = "SELECT coalesce(string_agg(line::text, ',' ORDER BY line), '')
                       FROM quicket_staging WHERE NOT details";
    for (statement, candidates, left) in [
        (
            include_str!("../../queries/import_quicket_dedupe_people.sql"),
            None,
            "",
        ),
        (
            include_str!("../../queries/import_quicket_dedupe_candidates_people.sql"),
            // T-1 is on lines 5 and 9, of p2 and p0: p1's lines stay.
            Some(vec!["T-1", "not-there"]),
            "4,7,10",
        ),
    ] {
        sqlx::raw_sql(include_str!("../../queries/import_quicket_staging.sql"))
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::raw_sql(
            "INSERT INTO quicket_staging (line, ticket_number, purchased_at, extra, email,
                                          fingerprint, details)
             SELECT line, 'T-' || (line % 4), now(), '{}', 'P' || (line % 3) || '@example.org',
                    line, false
             FROM generate_series(2, 11) AS line",
        )
        .execute(&mut *tx)
        .await
        .unwrap();
        let mut query = sqlx::query(statement);
        if let Some(c) = candidates {
            query = query.bind(c);
        }
        query.execute(&mut *tx).await.unwrap();
        let lines: String = sqlx::query_scalar(not_counted)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        assert_eq!(lines, left);
        sqlx::raw_sql("DROP TABLE quicket_staging, quicket_work, quicket_people")
            .execute(&mut *tx)
            .await
            .unwrap();
    }
}

/// Lines that repeat their person's previous line are not sorted for the
/// person's details; a line that goes back to an earlier value is not such a
/// line, and a person whose counted line was the earlier line of a repeated
/// ticket (dropped: the later line wins) takes their details from the lines
/// that stay.
#[tokio::test]
async fn repeated_details_are_skipped_without_changing_who_people_are() {
    let db = db_with_event().await;
    let (_dir, path) = write_temp(
        "repeats.csv",
        "Ticket Number,Purchase Date,Email,First name,Cellphone\n\
         A-1,2026-03-14,ann@example.org,Ann,082 555 0001\n\
         A-2,2026-03-14,ann@example.org,Annie,082 555 0001\n\
         A-3,2026-03-14,ann@example.org,Ann,082 555 0001\n\
         A-4,2026-03-14,ann@example.org,Ann,082 555 0001\n\
         C-1,2026-03-14,cat@example.org,Cat,082 555 0003\n\
         C-2,2026-03-14,cat@example.org,Cat,082 555 0003\n\
         C-1,2026-03-14,dan@example.org,Dan,\n",
    );
    let s = import_json(&db, &[path.to_str().unwrap()]);
    assert_eq!(s["tickets_created"], 6);
    assert_eq!(s["duplicate_rows"], 1);
    assert_eq!(s["contacts_created"], 3);
    assert_eq!(
        text(
            &db,
            "SELECT string_agg(concat_ws('|', c.first_name, c.phone, t.ticket_number), ', '
                               ORDER BY t.ticket_number)
             FROM tickets t JOIN contacts c ON c.id = t.contact_id"
        )
        .await
        .unwrap(),
        "Ann|082 555 0001|A-1, Ann|082 555 0001|A-2, Ann|082 555 0001|A-3, \
         Ann|082 555 0001|A-4, Dan|C-1, Cat|082 555 0003|C-2"
    );
}

#[tokio::test]
async fn one_person_on_several_lines_gets_the_latest_non_empty_details() {
    let db = db_with_event().await;
    let (_dir, path) = write_temp(
        "family.csv",
        "Ticket Number,Purchase Date,Email,First name,Cellphone,Company\n\
         F-1,2026-03-14,ann@example.org,Ann,082 555 0001,Acme\n\
         F-2,2026-03-14,ANN@example.org,Annie,,\n\
         F-3,2026-03-14,bob@example.org,Bob,,\n",
    );
    let s = import_json(&db, &[path.to_str().unwrap()]);
    assert_eq!(s["contacts_created"], 2);
    assert_eq!(
        text(
            &db,
            "SELECT concat_ws('|', c.email, c.first_name, c.phone, o.name) FROM contacts c
             JOIN organisations o ON o.id = c.organisation_id WHERE lower(c.email) = 'ann@example.org'"
        )
        .await
        .unwrap(),
        "ANN@example.org|Annie|082 555 0001|Acme"
    );
    // Only an earlier line of a known person says something new: still
    // noticed, and the later line's name still wins.
    std::fs::write(
        &path,
        "Ticket Number,Purchase Date,Email,First name,Job Title\n\
         F-1,2026-03-14,ann@example.org,Ann,Data Engineer\n\
         F-2,2026-03-14,ANN@example.org,Annie,\n",
    )
    .unwrap();
    let s = import_json(&db, &[path.to_str().unwrap()]);
    assert_eq!(s["contacts_updated"], 1);
    assert_eq!(
        text(
            &db,
            "SELECT concat_ws('|', first_name, job_title, phone) FROM contacts WHERE lower(email) = 'ann@example.org'"
        )
        .await
        .unwrap(),
        "Annie|Data Engineer|082 555 0001"
    );
    let again = import_json(&db, &[path.to_str().unwrap()]);
    assert_eq!(again["contacts_updated"], 0);
}

/// attrib chooses each person's latest details while reading when every
/// email is ASCII (quicket::LatestDetails), and the database chooses them
/// from the staging table otherwise: on the same lines, the same people.
#[tokio::test]
async fn the_people_are_the_same_whether_attrib_or_the_database_chooses_their_details() {
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut lines = String::from(
        "Ticket Number,Purchase Date,Email,First name,Surname,Cellphone,Company,Job Title\n",
    );
    for ticket in 0..300 {
        let person = next(40);
        let email = match next(3) {
            0 => format!("p{person}@example.org"),
            1 => format!("P{person}@Example.org"),
            _ => format!("p{person}@EXAMPLE.ORG"),
        };
        let mut detail = |name: &str| match next(3) {
            0 => String::new(),
            n => format!("{name}{}", next(2) + n),
        };
        let (first, last, phone, company, job) = (
            detail("Name"),
            detail("Surname"),
            detail("082 555 00"),
            detail("Company "),
            detail("Job "),
        );
        lines.push_str(&format!(
            "T-{ticket},2026-03-14,{email},{first},{last},{phone},{company},{job}\n"
        ));
    }
    let people =
        "SELECT string_agg(concat_ws('|', c.email, c.first_name, c.last_name, c.phone, o.name,
                                           c.job_title), E'\\n' ORDER BY lower(c.email))
                  FROM contacts c LEFT JOIN organisations o ON o.id = c.organisation_id
                  WHERE c.email NOT LIKE 'zo%'";
    let holders =
        "SELECT string_agg(t.ticket_number || '=' || c.email, ' ' ORDER BY t.ticket_number)
                   FROM tickets t JOIN contacts c ON c.id = t.contact_id
                   WHERE c.email NOT LIKE 'zo%'";
    let mut seen = Vec::new();
    // One email that is not ASCII: the database chooses.
    for extra in ["", "Z-1,2026-03-14,zoë@example.org,Zoë,,,,\n"] {
        let db = db_with_event().await;
        let (_dir, path) = write_temp("people.csv", format!("{lines}{extra}"));
        let s = import_json(&db, &[path.to_str().unwrap()]);
        assert_eq!(
            s["contacts_created"],
            if extra.is_empty() { 40 } else { 41 },
            "{s}"
        );
        seen.push((
            text(&db, people).await.unwrap(),
            text(&db, holders).await.unwrap(),
        ));
    }
    assert_eq!(seen[0].0, seen[1].0);
    assert_eq!(seen[0].1, seen[1].1);
    assert!(seen[0].0.contains("Company"), "{}", seen[0].0);
}

#[tokio::test]
async fn a_known_person_without_a_company_gets_a_company_new_to_the_database() {
    let db = db_with_event().await;
    let (_dir, path) = write_temp(
        "first.csv",
        "Ticket Number,Purchase Date,Email,First name
N-1,2026-03-14,nomsa@example.org,Nomsa
",
    );
    import_json(&db, &[path.to_str().unwrap()]);
    std::fs::write(
        &path,
        "Ticket Number,Purchase Date,Email,First name,Company
         N-1,2026-03-14,nomsa@example.org,Nomsa,Ubuntu Analytics
",
    )
    .unwrap();
    let s = import_json(&db, &[path.to_str().unwrap()]);
    assert_eq!(s["contacts_updated"], 1, "{s}");
    assert_eq!(
        text(
            &db,
            "SELECT o.name FROM contacts c JOIN organisations o ON o.id = c.organisation_id
             WHERE c.email = 'nomsa@example.org'"
        )
        .await
        .as_deref(),
        Some("Ubuntu Analytics")
    );
}

/// The aggregate behind "the latest non-empty value" (migration 013): in
/// the order it is given, the first value that is not null, of any type.
#[tokio::test]
async fn first_not_null_keeps_the_first_value_given_and_skips_nulls() {
    let db = TestDb::migrated().await;
    let got: String = db
        .scalar(
            "SELECT string_agg(concat_ws(':', k, first_text, first_number), ' ' ORDER BY k)
             FROM (SELECT k, attrib.first_not_null(v ORDER BY i) AS first_text,
                          attrib.first_not_null(n ORDER BY i DESC) AS first_number
                   FROM (VALUES (1, 1, NULL, 10), (1, 2, 'b', NULL), (1, 3, 'c', 30),
                                (2, 1, NULL, NULL), (2, 2, NULL, NULL),
                                (3, 1, 'x', 7)) AS t(k, i, v, n)
                   GROUP BY k) AS firsts",
        )
        .await;
    assert_eq!(got, "1:b:30 2 3:x:7");
}

#[tokio::test]
async fn every_kind_of_ticket_change_is_found_and_written() {
    let db = db_with_event().await;
    let header = "Ticket Number,Barcode,Order Number,Ticket Type,Price,Purchase Date,Discount Code,Marketing Source,Email,Dietary\n";
    let base =
        "K-{n},B{n},O{n},Early Bird,R450,2026-03-14 09:15,EB,cfp-2026,k{n}@example.org,Vegan\n";
    let rows: String = (1..=9)
        .map(|n| base.replace("{n}", &n.to_string()))
        .collect();
    let (_dir, path) = write_temp("changes.csv", format!("{header}{rows}"));
    import(&db, &[path.to_str().unwrap()]).ok();

    let changed = [
        ("K-1,B1,", "K-1,B1-new,"),
        ("O2,", "O2-new,"),
        ("K-3,B3,O3,Early Bird", "K-3,B3,O3,VIP"),
        ("K-4,B4,O4,Early Bird,R450", "K-4,B4,O4,Early Bird,R500"),
        (
            "K-5,B5,O5,Early Bird,R450,2026-03-14 09:15",
            "K-5,B5,O5,Early Bird,R450,2026-03-15 09:15",
        ),
        ("09:15,EB,cfp-2026,k6@", "09:15,EB2,cfp-2026,k6@"),
        ("cfp-2026,k7@", "linkedin,k7@"),
        ("k8@example.org", "someone.else@example.org"),
        ("k9@example.org,Vegan", "k9@example.org,Halaal"),
    ];
    let mut newer = rows.clone();
    for (from, to) in changed {
        assert!(newer.contains(from), "{from}");
        newer = newer.replacen(from, to, 1);
    }
    std::fs::write(&path, format!("{header}{newer}")).unwrap();
    let s = import_json(&db, &[path.to_str().unwrap()]);
    assert_eq!(s["tickets_updated"], 9, "{s}");
    assert_eq!(s["tickets_unchanged"], 0);
    assert_eq!(s["contacts_created"], 1);
    let after: String = text(
        &db,
        "SELECT string_agg(concat_ws(',', t.barcode, t.order_number, t.ticket_type, t.price,
                                     to_char(t.purchased_at AT TIME ZONE 'Africa/Johannesburg', 'DD HH24:MI'),
                                     t.discount_code, t.marketing_source, c.email, t.extra->>'Dietary'),
                           E'\\n' ORDER BY t.ticket_number)
         FROM tickets t JOIN contacts c ON c.id = t.contact_id",
    )
    .await
    .unwrap();
    assert_eq!(
        after,
        "B1-new,O1,Early Bird,450.00,14 09:15,EB,cfp-2026,k1@example.org,Vegan\n\
         B2,O2-new,Early Bird,450.00,14 09:15,EB,cfp-2026,k2@example.org,Vegan\n\
         B3,O3,VIP,450.00,14 09:15,EB,cfp-2026,k3@example.org,Vegan\n\
         B4,O4,Early Bird,500.00,14 09:15,EB,cfp-2026,k4@example.org,Vegan\n\
         B5,O5,Early Bird,450.00,15 09:15,EB,cfp-2026,k5@example.org,Vegan\n\
         B6,O6,Early Bird,450.00,14 09:15,EB2,cfp-2026,k6@example.org,Vegan\n\
         B7,O7,Early Bird,450.00,14 09:15,EB,linkedin,k7@example.org,Vegan\n\
         B8,O8,Early Bird,450.00,14 09:15,EB,cfp-2026,someone.else@example.org,Vegan\n\
         B9,O9,Early Bird,450.00,14 09:15,EB,cfp-2026,k9@example.org,Halaal"
    );
    let again = import_json(&db, &[path.to_str().unwrap()]);
    assert_eq!(again["tickets_unchanged"], 9);
}

#[tokio::test]
async fn a_file_with_no_valid_row_imports_nothing_even_with_skip_invalid() {
    let db = db_with_event().await;
    let before = db.snapshot().await;
    let (dir, path) = write_temp(
        "hopeless.csv",
        "Ticket Number,Purchase Date,Email\nH-1,soon,h1@example.org\nH-2,2026-03-14,nobody\n",
    );
    let run = import(&db, &["--skip-invalid", path.to_str().unwrap()]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("none of its 2 rows is valid"),
        "{}",
        run.stderr
    );
    assert_eq!(db.snapshot().await, before);
    // The rejected rows are there to be fixed.
    let rejected = std::fs::read_to_string(dir.path().join("hopeless.csv.rejected.csv")).unwrap();
    assert_eq!(rejected.lines().count(), 3);
}

/// Each ticket's row version (`xmin`), to tell which rows an import rewrote.
async fn row_versions(db: &TestDb) -> String {
    text(
        db,
        "SELECT string_agg(ticket_number || ':' || xmin::text, ',' ORDER BY ticket_number) FROM tickets",
    )
    .await
    .unwrap()
}

/// What `attrib -v import quicket --dry-run FILE` says on stderr.
fn what_a_dry_run_says(db: &TestDb, file: &str) -> String {
    let run = db.run(&[
        "-v",
        "import",
        "quicket",
        "--event",
        EVENT,
        "--dry-run",
        file,
    ]);
    run.ok().stderr.clone()
}

/// A newer export is compared line by line with what was last imported
/// (migration 005's fingerprints): unchanged lines are not even read again,
/// so their tickets are not rewritten, while a changed line is read in full
/// together with every other line of its person, and the result is what
/// reading the whole file would give.
#[tokio::test]
async fn a_newer_export_reads_again_only_what_changed() {
    let db = db_with_event().await;
    add_event(&db, "Data & AI Day Cape Town 2026", "2026-11-05");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.csv");
    let file = path.to_str().unwrap();
    let header = "Ticket Number,Purchase Date,Email,First name,Cellphone,Ticket Status\n";
    let ann_first = "T-1,2026-03-14 09:00,ann@example.org,Ann,082 555 0001,Valid\n";
    let bob = "T-3,2026-03-15 10:00,bob@example.org,Bob,,Valid\n";
    std::fs::write(
        &path,
        format!("{header}{ann_first}T-2,2026-03-14 09:05,ann@example.org,Annie,082 555 0002,Valid\n{bob}"),
    )
    .unwrap();
    import(&db, &[file]).ok();
    assert_eq!(
        db.scalar::<i64>("SELECT count(*) FROM tickets WHERE import_fingerprint IS NULL")
            .await,
        0,
        "every ticket written records the line it came from"
    );
    // Another event's export gives Ann a newer phone.
    let cape_town = dir.path().join("cape-town.csv");
    std::fs::write(
        &cape_town,
        "Ticket Number,Purchase Date,Email,Cellphone\nC-1,2026-06-01 12:00,ann@example.org,082 555 0003\n",
    )
    .unwrap();
    db.run(&[
        "import",
        "quicket",
        "--event",
        "data-ai-day-cape-town-2026",
        cape_town.to_str().unwrap(),
    ])
    .ok();
    let before = row_versions(&db).await;

    // The newer export: T-2 cancelled, its phone cell now empty; T-1 and
    // T-3 exactly as before.
    std::fs::write(
        &path,
        format!("{header}{ann_first}T-2,2026-03-14 09:05,ann@example.org,Annie,,Cancelled\n{bob}"),
    )
    .unwrap();
    let told = what_a_dry_run_says(&db, file);
    assert!(
        told.contains("2 of 3 lines differ from the ones last imported"),
        "T-2 and, for Ann, T-1: {told}"
    );
    let dry = import_json(&db, &["--dry-run", file]);
    assert_eq!(dry["tickets_updated"], 1);
    assert_eq!(row_versions(&db).await, before, "a dry run writes nothing");
    let s = import_json(&db, &[file]);
    assert_eq!(s["rows_read"], 3);
    assert_eq!(s["tickets_updated"], 1, "{s}");
    assert_eq!(s["tickets_unchanged"], 2, "{s}");
    assert_eq!(s["tickets_missing"], 0, "{s}");
    assert_eq!(
        text(
            &db,
            "SELECT status FROM tickets WHERE ticket_number = 'T-2'"
        )
        .await
        .unwrap(),
        "cancelled"
    );
    let after = row_versions(&db).await;
    let version = |all: &str, ticket: &str| {
        all.split(',')
            .find(|v| v.starts_with(&format!("{ticket}:")))
            .unwrap()
            .to_string()
    };
    for unchanged in ["T-1", "T-3", "C-1"] {
        assert_eq!(
            version(&after, unchanged),
            version(&before, unchanged),
            "{unchanged}"
        );
    }
    assert_ne!(version(&after, "T-2"), version(&before, "T-2"));
    // Ann's unchanged line T-1 was read again with her changed one: her
    // latest phone in this file is T-1's (T-2's is empty now), as a full
    // reading of the file says, not the Cape Town one.
    assert_eq!(
        text(
            &db,
            "SELECT concat_ws('|', first_name, phone) FROM contacts WHERE email = 'ann@example.org'"
        )
        .await
        .unwrap(),
        "Annie|082 555 0001"
    );
    assert_eq!(s["contacts_updated"], 1, "{s}");

    // And once more: nothing to read again, nothing rewritten.
    let told = what_a_dry_run_says(&db, file);
    assert!(told.contains("0 of 3 lines differ"), "{told}");
    let again = import_json(&db, &[file]);
    assert_eq!(again["tickets_unchanged"], 3, "{again}");
    assert_eq!(again["tickets_updated"], 0, "{again}");
    assert_eq!(again["contacts_updated"], 0, "{again}");
    assert_eq!(row_versions(&db).await, after);
}

/// A newer export in which only the earlier line of a repeated ticket
/// changed (another holder's): both lines are read again, with every line
/// of their people, so the later line still wins, as a reading of the whole
/// file would say.
#[tokio::test]
async fn a_newer_export_with_a_changed_earlier_line_of_a_repeated_ticket() {
    let db = db_with_event().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.csv");
    let file = path.to_str().unwrap();
    let header = "Ticket Number,Purchase Date,Email,First name,Cellphone,Ticket Type\n";
    let carol_first = "T-5,2026-03-14 09:00,carol@example.org,Carol,082 555 0111,Early Bird\n";
    let dave = "T-2,2026-03-14 09:10,dave@example.org,Dave,,Early Bird\n";
    let repeat_later = "T-1,2026-03-14 09:20,erin@example.org,Erin,082 555 0999,VIP\n";
    let write = |earlier_type: &str| {
        let repeat_earlier =
            format!("T-1,2026-03-14 09:05,carol@example.org,Carol,,{earlier_type}\n");
        std::fs::write(
            &path,
            format!("{header}{carol_first}{repeat_earlier}{dave}{repeat_later}"),
        )
        .unwrap();
    };
    write("General");
    import(&db, &[file]).ok();
    let state = "SELECT string_agg(concat_ws('|', t.ticket_number, t.ticket_type, c.first_name, c.phone), ',' ORDER BY t.ticket_number)
                 FROM tickets t JOIN contacts c ON c.id = t.contact_id";
    let before = text(&db, state).await.unwrap();
    assert_eq!(
        before,
        "T-1|VIP|Erin|082 555 0999,T-2|Early Bird|Dave,T-5|Early Bird|Carol|082 555 0111"
    );
    let versions = row_versions(&db).await;

    write("Student");
    let s = import_json(&db, &[file]);
    assert_eq!(s["duplicate_rows"], 1, "{s}");
    assert_eq!(s["tickets_updated"], 0, "the later line still wins: {s}");
    assert_eq!(s["contacts_updated"], 0, "{s}");
    assert_eq!(s["tickets_unchanged"], 3, "{s}");
    assert_eq!(text(&db, state).await.unwrap(), before);
    assert_eq!(row_versions(&db).await, versions);
}

/// How a line is read is part of what was imported: under another
/// --timezone the same file is read again in full and its times move.
/// Tickets without a fingerprint (written before migration 005) get theirs
/// on the next import, without counting as updated.
#[tokio::test]
async fn lines_are_read_again_when_how_they_are_read_changes() {
    let db = db_with_event().await;
    import(&db, &[&quicket("new_export.csv")]).ok();
    let fingerprints =
        "SELECT string_agg(import_fingerprint::text, ',' ORDER BY ticket_number) FROM tickets";
    let recorded = text(&db, fingerprints).await.unwrap();
    let updated_at = text(&db, "SELECT max(updated_at)::text FROM tickets").await;
    db.exec(
        "UPDATE tickets SET import_fingerprint = NULL WHERE ticket_number IN ('T-001', 'T-004')",
    )
    .await;
    let again = import_json(&db, &[&quicket("new_export.csv")]);
    assert_eq!(again["tickets_updated"], 0, "{again}");
    assert_eq!(again["tickets_unchanged"], 5, "{again}");
    assert_eq!(text(&db, fingerprints).await.unwrap(), recorded, "restored");
    assert_eq!(
        text(&db, "SELECT max(updated_at)::text FROM tickets").await,
        updated_at
    );

    let purchased = "SELECT to_char(purchased_at AT TIME ZONE 'UTC', 'HH24:MI') FROM tickets WHERE ticket_number = 'T-001'";
    assert_eq!(
        text(&db, purchased).await.unwrap(),
        "07:15",
        "09:15 in Johannesburg"
    );
    let utc = db.run(&[
        "-v",
        "--timezone",
        "UTC",
        "import",
        "quicket",
        "--event",
        EVENT,
        "--format",
        "json",
        &quicket("new_export.csv"),
    ]);
    assert!(
        utc.ok().stderr.contains("5 of 5 lines differ"),
        "{}",
        utc.stderr
    );
    let utc = utc.json()[0].clone();
    assert_eq!(utc["tickets_updated"], 5, "{utc}");
    assert_eq!(text(&db, purchased).await.unwrap(), "09:15", "09:15 in UTC");
    assert_ne!(text(&db, fingerprints).await.unwrap(), recorded);
}

/// A pipe cannot be read twice: an export piped in is read once, in full,
/// also into an event that has tickets, and its size is recorded.
#[tokio::test]
async fn an_export_from_a_pipe_is_read_once_in_full() {
    use std::io::Write;
    use std::process::Stdio;
    let db = db_with_event().await;
    import(&db, &[&quicket("new_export.csv")]).ok();
    let content = std::fs::read(quicket("newer_export.csv")).unwrap();
    let mut child = db
        .attrib()
        .args([
            "-v",
            "import",
            "quicket",
            "--event",
            EVENT,
            "--format",
            "json",
            "/dev/stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = {
        let content = content.clone();
        std::thread::spawn(move || stdin.write_all(&content).unwrap())
    };
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        !stderr.contains("lines differ"),
        "no first pass on a pipe: {stderr}"
    );
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s[0]["tickets_created"], 1, "{s}");
    assert_eq!(s[0]["tickets_updated"], 2, "{s}");
    assert_eq!(
        db.scalar::<i64>("SELECT file_bytes FROM import_batches ORDER BY id DESC LIMIT 1")
            .await,
        content.len() as i64
    );
}
