//! `attrib migrate`: applies, reports, is idempotent, refuses tampering, and
//! two at once are safe.

use crate::harness::TestDb;

/// How many migrations the binary carries (more are added over time).
fn migrations() -> i64 {
    attrib::db::migrate::MIGRATOR
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .count() as i64
}

#[tokio::test]
async fn migrate_applies_then_is_a_no_op() {
    let db = TestDb::empty().await;
    let first = db.run(&["migrate"]);
    first.ok();
    for line in [
        "applied 001 base schema",
        "applied 002 import batches",
        "applied 003 campaign tracking",
    ] {
        assert!(first.stdout.contains(line), "{first:?}");
    }
    let again = db.run(&["migrate"]);
    again.ok();
    assert!(
        again.stdout.is_empty(),
        "nothing applied the second time: {again:?}"
    );
    assert!(again.stderr.contains("schema is current"), "{again:?}");
    assert_eq!(db.count("attrib._sqlx_migrations").await, migrations());
}

#[tokio::test]
async fn migrate_status_lists_applied_and_pending() {
    let db = TestDb::empty().await;
    let before = db.run(&["migrate", "--status", "--format", "json"]);
    before.ok();
    let rows = before.json();
    assert_eq!(rows.as_array().unwrap().len() as i64, migrations());
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .all(|r| r["state"] == "pending")
    );
    // --status changes nothing.
    assert!(
        !db.scalar::<bool>("SELECT to_regclass('attrib._sqlx_migrations') IS NOT NULL")
            .await
    );
    db.run(&["migrate"]).ok();
    let after = db.run(&["migrate", "--status", "--format", "json"]).json();
    assert!(
        after
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["state"] == "applied")
    );
    assert_eq!(after[2]["description"], "campaign tracking");
}

#[tokio::test]
async fn a_changed_migration_is_refused() {
    let db = TestDb::migrated().await;
    // As if 003's file had been edited after it was applied here.
    db.exec("UPDATE attrib._sqlx_migrations SET checksum = '\\x00'::bytea WHERE version = 3")
        .await;
    let run = db.run(&["migrate"]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("migration 003 was changed after it was applied"),
        "{run:?}"
    );
    let status = db.run(&["migrate", "--status"]);
    assert!(status.stdout.contains("file changed since"), "{status:?}");
}

#[tokio::test]
async fn two_concurrent_migrates_apply_once() {
    let db = TestDb::empty().await;
    let mut a = db.attrib();
    let mut b = db.attrib();
    let (ta, tb) = (
        std::thread::spawn(move || crate::harness::Run::of(a.arg("migrate"))),
        std::thread::spawn(move || crate::harness::Run::of(b.arg("migrate"))),
    );
    let (ra, rb) = (ta.join().unwrap(), tb.join().unwrap());
    ra.ok();
    rb.ok();
    // Between them, each migration was applied exactly once.
    let applied = ra
        .stdout
        .lines()
        .chain(rb.stdout.lines())
        .filter(|l| l.starts_with("applied"))
        .count();
    assert_eq!(applied as i64, migrations(), "{ra:?}\n{rb:?}");
    assert_eq!(db.count("attrib._sqlx_migrations").await, migrations());
    assert_eq!(db.count("campaigns").await, 0);
}

#[tokio::test]
async fn commands_on_an_unmigrated_server_ask_for_migrate() {
    let db = TestDb::empty().await;
    let run = db.run(&["db", "status"]);
    run.ok();
    assert!(run.stdout.contains("none: run `attrib migrate`"), "{run:?}");
}

#[test]
fn passwords_never_appear_in_messages() {
    let run = crate::harness::Run::of(crate::harness::attrib_command().args([
        "migrate",
        "--database-url",
        "postgresql://organiser:TopSecret99@127.0.0.1:1/attrib",
    ]));
    run.expect_code(1);
    assert!(run.stderr.contains("organiser:***@127.0.0.1:1"), "{run:?}");
    // The reason, at once: not a pool timeout a minute later.
    assert!(run.stderr.contains("Connection refused"), "{run:?}");
    assert!(
        !run.stderr.contains("TopSecret99") && !run.stdout.contains("TopSecret99"),
        "{run:?}"
    );
    // Nor in --help, even when it comes from the environment.
    let help = crate::harness::Run::of(
        crate::harness::attrib_command()
            .env("DATABASE_URL", "postgresql://u:TopSecret99@h/db")
            .arg("--help"),
    );
    help.ok();
    assert!(!help.stdout.contains("TopSecret99"));
}
