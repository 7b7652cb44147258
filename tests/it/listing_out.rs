//! `--out FILE` on every listing command: the format from `--format` or the
//! extension, CSV for Excel (byte-order mark, formulas neutralised), written
//! atomically, nothing on stdout.

use crate::harness::TestDb;
use crate::outreach::FIXTURE;

/// Every listing command, with the arguments that make it list something of
/// the fixture.
const LISTINGS: &[&[&str]] = &[
    &["who", "--campaign", "cfp-2026"],
    &["outreach", "--event", "data-ai-day-2026"],
    &["contact", "jane@example.com"],
    &["timeline", "--campaign", "cfp-2026"],
    &["assets", "list", "--event", "data-ai-day-2026"],
    &["campaigns", "list"],
    &["events", "list"],
];

async fn db() -> TestDb {
    let db = TestDb::migrated().await;
    db.exec(FIXTURE).await;
    // A name a spreadsheet would run as a formula.
    db.exec("UPDATE contacts SET first_name = '=HYPERLINK(\"http://x\")' WHERE id = 1")
        .await;
    db
}

fn with<'a>(args: &[&'a str], more: &[&'a str]) -> Vec<&'a str> {
    args.iter().chain(more).copied().collect()
}

#[tokio::test]
async fn every_listing_command_writes_a_file_in_the_format_of_its_extension() {
    let db = db().await;
    let dir = tempfile::tempdir().unwrap();
    for (i, args) in LISTINGS.iter().enumerate() {
        let name = args[..args.len().min(2)].join("-");
        let stdout_json = db.run(&with(args, &["--format", "json"]));
        let expected = stdout_json.ok().json();

        // .json: the same document as on stdout; stdout stays empty.
        let json = dir.path().join(format!("{i}-{name}.json"));
        let run = db.run(&with(args, &["--out", json.to_str().unwrap()]));
        run.ok();
        assert_eq!(run.stdout, "", "{args:?}");
        assert!(run.stderr.contains("Wrote "), "{args:?}: {}", run.stderr);
        let written: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
        assert_eq!(written, expected, "{args:?}");

        // .csv: a byte-order mark, then the CSV as on stdout.
        let csv = dir.path().join(format!("{i}-{name}.csv"));
        db.run(&with(args, &["--out", csv.to_str().unwrap()])).ok();
        let bytes = std::fs::read(&csv).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "{args:?}: no BOM");
        let on_stdout = db.run(&with(args, &["--format", "csv"]));
        assert_eq!(
            String::from_utf8(bytes[3..].to_vec()).unwrap(),
            on_stdout.ok().stdout,
            "{args:?}"
        );
        assert!(!on_stdout.stdout.starts_with('\u{feff}'));

        // .md: Markdown; .txt: the whole table, no colour.
        let md = dir.path().join(format!("{i}-{name}.md"));
        db.run(&with(args, &["--out", md.to_str().unwrap()])).ok();
        let text = std::fs::read_to_string(&md).unwrap();
        assert!(text.starts_with("## "), "{args:?}: {text}");
        let txt = dir.path().join(format!("{i}-{name}.txt"));
        db.attrib()
            .env("COLUMNS", "40")
            .args(with(args, &["--out", txt.to_str().unwrap()]))
            .output()
            .unwrap();
        let text = std::fs::read_to_string(&txt).unwrap();
        assert!(
            text.contains('┌') && !text.contains("Left out"),
            "{args:?}: {text}"
        );
    }
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    assert_eq!(names.len(), LISTINGS.len() * 4);
}

#[tokio::test]
async fn csv_files_neutralise_formulas_and_format_wins_over_the_extension() {
    let db = db().await;
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("who.csv");
    db.run(&[
        "who",
        "--campaign",
        "cfp-2026",
        "--out",
        csv.to_str().unwrap(),
    ])
    .ok();
    let text = String::from_utf8(std::fs::read(&csv).unwrap()[3..].to_vec()).unwrap();
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://x\"\") Smith\""),
        "{text}"
    );
    // --format says what the file holds, whatever its name.
    let out = dir.path().join("who.data");
    db.run(&[
        "who",
        "--campaign",
        "cfp-2026",
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ])
    .ok();
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(doc.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn an_out_whose_format_cannot_be_told_is_a_usage_error_that_writes_nothing() {
    let db = db().await;
    let dir = tempfile::tempdir().unwrap();
    for out in ["everyone", "everyone.xlsx"] {
        let path = dir.path().join(out);
        let run = db.run(&[
            "who",
            "--campaign",
            "cfp-2026",
            "--out",
            path.to_str().unwrap(),
        ]);
        run.expect_code(2);
        assert!(run.stderr.contains(".csv"), "{}", run.stderr);
        assert!(!path.exists());
    }
    // A directory: say to name a file.
    let run = db.run(&["events", "list", "--out", dir.path().to_str().unwrap()]);
    run.expect_code(2);
    assert!(run.stderr.contains("directory"), "{}", run.stderr);
    // A directory that does not exist: a failure naming the file; nothing left.
    let missing = dir.path().join("nope").join("events.csv");
    let run = db.run(&["events", "list", "--out", missing.to_str().unwrap()]);
    run.expect_code(1);
    assert!(run.stderr.contains("events.csv"), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn who_help_no_longer_calls_stdout_csv_excel_safe() {
    let help = crate::harness::Run::of(crate::harness::attrib_command().args(["who", "--help"]));
    help.ok();
    assert!(
        !help.stdout.contains("safe to open in Excel"),
        "{}",
        help.stdout
    );
    assert!(help.stdout.contains("--out"), "{}", help.stdout);
    assert!(help.stdout.contains("byte-order mark"), "{}", help.stdout);
    let report =
        crate::harness::Run::of(crate::harness::attrib_command().args(["report", "--help"]));
    assert!(
        !report.ok().stdout.contains("safe to open in Excel"),
        "{}",
        report.stdout
    );
}
