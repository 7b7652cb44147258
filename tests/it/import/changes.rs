//! A newer export: every kind of ticket change is written, and only the
//! lines that changed (with their people's other lines) are read again.

use super::*;

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
