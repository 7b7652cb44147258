//! What exports are read, and how: both layouts, encodings, delimiters,
//! quoting, line endings, dates, prices, repeated tickets and the marketing
//! source column.

use super::*;

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
