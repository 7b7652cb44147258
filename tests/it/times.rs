//! Every time attrib shows is in the configured time zone (`--timezone`,
//! default Africa/Johannesburg), also those it reads from its own
//! bookkeeping: "imported on ..." and `migrate --status`.

use crate::harness::{TestDb, fixture};

#[tokio::test]
async fn migrate_status_shows_when_in_the_configured_zone() {
    let db = TestDb::migrated().await;
    db.exec(
        "UPDATE attrib._sqlx_migrations SET installed_on = '2026-05-01 08:00+00' \
         WHERE version = 1",
    )
    .await;
    let applied_on = |tz: &str| {
        let rows = db
            .run(&["--timezone", tz, "migrate", "--status", "--format", "json"])
            .ok()
            .json();
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["version"] == 1)
            .unwrap()["applied_on"]
            .clone()
    };
    assert_eq!(applied_on("Africa/Johannesburg"), "2026-05-01 10:00 SAST");
    assert_eq!(applied_on("UTC"), "2026-05-01 08:00 UTC");
    assert_eq!(applied_on("Asia/Kolkata"), "2026-05-01 13:30 IST");
    // Every applied migration has its time; the table shows them too.
    let table = db.run(&["migrate", "--status"]);
    assert!(
        table.ok().stdout.contains("2026-05-01 10:00 SAST"),
        "{}",
        table.stdout
    );
}

#[tokio::test]
async fn imported_on_is_in_the_configured_zone() {
    let db = TestDb::migrated().await;
    db.run(&[
        "events",
        "add",
        "--name",
        "Data & AI Day 2026",
        "--starts-on",
        "2026-09-17",
    ])
    .ok();
    let file = fixture("quicket/new_export.csv");
    let import = |tz: &str| {
        db.run(&[
            "--timezone",
            tz,
            "import",
            "quicket",
            "--event",
            "data-ai-day-2026",
            file.to_str().unwrap(),
        ])
    };
    import("Africa/Johannesburg").ok();
    db.exec("UPDATE import_batches SET started_at = '2026-05-01 07:59+00', finished_at = '2026-05-01 08:00+00'")
        .await;
    let again = import("Africa/Johannesburg");
    assert!(
        again
            .ok()
            .stdout
            .contains("imported on 2026-05-01 10:00 SAST"),
        "{}",
        again.stdout
    );
    db.exec("UPDATE import_batches SET started_at = '2026-05-01 07:59+00', finished_at = '2026-05-01 08:00+00'")
        .await;
    let utc = import("UTC");
    assert!(
        utc.ok().stdout.contains("imported on 2026-05-01 08:00 UTC"),
        "{}",
        utc.stdout
    );
}
