//! `attrib import quicket`: every input class, validation, atomicity,
//! idempotency, --skip-invalid, --dry-run, concurrency and the sample data.
//! The helpers the tests share are here; each module below holds the tests
//! of one concern.

mod changes;
mod errors;
mod files;
mod runs;
mod statements;

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
