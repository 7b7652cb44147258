//! Bad input gets a clear error and writes nothing; --skip-invalid,
//! --dry-run, --quiet and --help.

use super::*;

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
