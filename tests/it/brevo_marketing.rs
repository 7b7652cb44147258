//! Brevo marketing-campaign events, end to end: matched through
//! `comms add --brevo-campaign-id`, new addresses becoming recipients,
//! contact events skipped, unknown campaigns kept waiting and applied once
//! the communication is recorded, order independence and idempotency, and
//! the funnel that results (worked out by hand below).

use serde_json::{Value, json};

use crate::harness::{TestDb, fixture};

/// The CFP campaign with its transactional email (template 11, id 1) and
/// its marketing "last call" (Brevo campaign 417, id 3), sent to Jane and
/// Lee from a list; Zoe is a contact who was not on that list.
const FIXTURE: &str = r#"
INSERT INTO events (id, name, slug, starts_on) VALUES (1, 'Data & AI Day 2026', 'data-ai-day-2026', '2026-09-17');
INSERT INTO campaigns (id, name, event_id, campaign_type) VALUES (1, 'CFP 2026', 1, 'cfp');
INSERT INTO contacts (id, email) VALUES
  (1, 'jane@example.com'), (2, 'thabo@example.co.za'), (3, 'lee@example.org'), (4, 'Zoe@example.net');
SELECT setval('contacts_id_seq', 4);
INSERT INTO communications (id, campaign_id, channel, title, brevo_template_id, brevo_campaign_id, status, sent_at, recipient_count) VALUES
  (1, 1, 'email', 'Speak at Data & AI Day 2026', 11, NULL, 'sent', '2026-02-03 09:30+02', 2),
  (3, 1, 'email', 'Last call for speakers', NULL, 417, 'sent', '2026-06-05 10:00+02', 2);
SELECT setval('communications_id_seq', 3);
INSERT INTO communication_recipients (id, communication_id, contact_id, brevo_message_id) VALUES
  (1, 1, 1, 'a1@smtp-relay.mailin.fr'),
  (2, 1, 2, 'a2@smtp-relay.mailin.fr'),
  (10, 3, 1, NULL),
  (11, 3, 3, NULL);
SELECT setval('communication_recipients_id_seq', 11);
"#;

pub async fn fixture_db() -> TestDb {
    let db = TestDb::migrated().await;
    db.exec(FIXTURE).await;
    db
}

fn copy_fixture(dir: &std::path::Path, name: &str) -> String {
    let path = dir.join(name);
    std::fs::copy(fixture(&format!("brevo/{name}")), &path).unwrap();
    path.to_str().unwrap().to_string()
}

/// Communication 3's recipients: (email, status, sent_at UTC, events).
async fn campaign_rows(db: &TestDb) -> Vec<(String, String, Option<String>, Vec<String>)> {
    let rows: Vec<(String, String, Option<String>, Value)> = sqlx::query_as(
        "SELECT c.email::text, r.status::text,
                to_char(r.sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
                coalesce(r.metadata -> 'brevo_events', '[]')
         FROM communication_recipients r JOIN contacts c ON c.id = r.contact_id
         WHERE r.communication_id = 3 ORDER BY lower(c.email)",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(email, status, sent_at, events)| {
            let names = events
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["event"].as_str().unwrap().to_string())
                .collect();
            (email, status, sent_at, names)
        })
        .collect()
}

/// Every recipient row and the waiting events, to compare databases.
pub async fn dump(db: &TestDb) -> String {
    db.scalar(
        "SELECT json_build_array(
            (SELECT json_agg(json_build_object('c', communication_id, 'p', contact_id, 'status', status,
                                               'sent_at', sent_at, 'metadata', metadata) ORDER BY communication_id, contact_id)
             FROM communication_recipients),
            (SELECT json_agg(json_build_object('email', lower(email)) ORDER BY lower(email)) FROM contacts),
            (SELECT json_agg(entry ORDER BY identity) FROM attrib.brevo_waiting),
            (SELECT json_agg(recipient_count ORDER BY id) FROM communications))::text",
    )
    .await
}

#[tokio::test]
async fn marketing_events_fill_the_funnel_of_their_campaign() {
    let db = fixture_db().await;
    let dir = tempfile::tempdir().unwrap();
    let path = copy_fixture(dir.path(), "marketing.jsonl");
    let run = db.run(&["brevo", "ingest", &path, "--format", "json"]);
    let summary = run.ok().json();
    // The campaign no communication has is named on stderr, with the
    // command that records it.
    assert!(
        run.stderr.contains(
            "Brevo campaign 999 (2 events) matches no communication. Record the email it was: \
             attrib comms add --campaign C --channel email --title T --brevo-campaign-id 999"
        ),
        "{}",
        run.stderr
    );
    // 18 lines: 3 contact events, 14 marketing events (2 of campaign 999,
    // which no communication has) and 1 transactional request.
    assert_eq!(summary["events"], 15);
    assert_eq!(summary["marketing_events"], 14);
    assert_eq!(summary["contact_events_skipped"], 3);
    assert_eq!(summary["matched_by_campaign"], 12);
    assert_eq!(summary["matched_by_message_id"], 1);
    assert_eq!(summary["unmatched"], 2);
    assert_eq!(
        summary["unknown_campaigns"],
        json!([{"camp_id": 999, "events": 2}])
    );
    // Zoe (a contact already) and new.person (a new contact) were sent the
    // email: their events say so.
    assert_eq!(summary["recipients_added_from_events"], 2);
    assert_eq!(summary["contacts_created"], 1);
    // Jane 3 (her second "opened" repeats the first), Lee 1, Zoe 3,
    // new.person 4, and Jane's transactional request 1.
    assert_eq!(summary["events_recorded"], 12);
    assert_eq!(summary["already_recorded"], 1);
    assert_eq!(summary["recipients_updated"], 5);
    assert_eq!(summary["waiting"], 2);

    // By hand: Jane clicked, Lee bounced, Zoe was delivered to (spam and
    // unsubscribe change no status), new.person opened (proxy_open; the
    // soft bounce before the delivery is older news). Every address got
    // the campaign's ts_sent, 2026-06-05 08:00 UTC, as sent_at.
    let sent = Some("2026-06-05 08:00".to_string());
    let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        campaign_rows(&db).await,
        [
            (
                "jane@example.com".into(),
                "clicked".into(),
                sent.clone(),
                names(&["delivered", "opened", "click"])
            ),
            (
                "lee@example.org".into(),
                "bounced".into(),
                sent.clone(),
                names(&["hard_bounce"])
            ),
            (
                "new.person@example.org".into(),
                "opened".into(),
                sent.clone(),
                names(&["soft_bounce", "delivered", "proxy_open", "unsubscribed"])
            ),
            (
                "Zoe@example.net".into(),
                "delivered".into(),
                sent.clone(),
                names(&["delivered", "spam", "unsubscribe"])
            ),
        ]
    );
    let metadata: Value = db
        .scalar("SELECT metadata FROM communication_recipients WHERE id = 10")
        .await;
    assert_eq!(
        metadata["brevo_events"][2],
        json!({"event": "click", "link": "https://datai.day/cfp?utm_campaign=cfp-2026",
               "ts_epoch": 1_780_647_060_000_i64, "ts_sent": 1_780_646_400_000_i64})
    );
    assert_eq!(
        db.scalar::<i32>("SELECT recipient_count FROM communications WHERE id = 3")
            .await,
        4
    );

    // The report's funnel: 4 recipients, all sent; delivered = Jane, Zoe,
    // new.person; opened = Jane, new.person; clicked = Jane; bounced = Lee.
    let report = db
        .run(&["report", "--event", "2026", "--format", "json"])
        .ok()
        .json();
    let funnel = report["events"][0]["funnel"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["communication_id"] == 3)
        .unwrap()
        .clone();
    for (key, value) in [
        ("recipients", json!(4)),
        ("sent", json!(4)),
        ("delivered", json!(3)),
        ("opened", json!(2)),
        ("clicked", json!(1)),
        ("bounced", json!(1)),
        ("delivery_rate", json!(0.75)),
        ("open_rate", json!(0.6667)),
        ("click_rate", json!(0.3333)),
        ("click_to_open", json!(0.5)),
        ("bounce_rate", json!(0.25)),
    ] {
        assert_eq!(funnel[key], value, "{key} in {funnel}");
    }
    // who and contact see the added recipients like any other.
    let who = db
        .run(&["who", "--campaign", "cfp-2026", "--format", "json"])
        .ok()
        .json();
    assert!(who.to_string().contains("new.person@example.org"), "{who}");
    let contact = db
        .run(&["contact", "new.person@example.org", "--format", "json"])
        .ok()
        .json();
    assert!(
        contact.to_string().contains("Last call for speakers"),
        "{contact}"
    );

    // The unmatched file holds the two events of campaign 999, as they came.
    let unmatched = std::fs::read_to_string(format!("{path}.unmatched.jsonl")).unwrap();
    assert_eq!(unmatched.lines().count(), 2);
    assert!(unmatched.lines().all(|l| l.contains("\"camp_id\": 999")));

    // Ingesting the file again changes nothing.
    let before = (db.snapshot().await, dump(&db).await);
    let again = db
        .run(&["brevo", "ingest", &path, "--format", "json"])
        .ok()
        .json();
    assert_eq!(again["events_recorded"], 0);
    assert_eq!(again["recipients_added_from_events"], 0);
    assert_eq!(again["recipients_updated"], 0);
    assert_eq!((db.snapshot().await, dump(&db).await), before);

    // Recording campaign 999 applies its waiting events: someone@ becomes a
    // contact and a recipient, Jane gets her delivery.
    let added = db.run(&[
        "comms",
        "add",
        "--campaign",
        "cfp-2026",
        "--channel",
        "email",
        "--title",
        "Sponsor prospectus",
        "--brevo-campaign-id",
        "999",
    ]);
    assert!(
        added
            .ok()
            .stderr
            .contains("2 waiting Brevo events now matched and applied; 0 still waiting"),
        "{}",
        added.stderr
    );
    let statuses: Vec<(String, String)> = sqlx::query_as(
        "SELECT c.email::text, r.status::text FROM communication_recipients r
         JOIN contacts c ON c.id = r.contact_id JOIN communications co ON co.id = r.communication_id
         WHERE co.brevo_campaign_id = 999 ORDER BY 1",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        statuses,
        [
            ("jane@example.com".into(), "delivered".into()),
            ("someone@example.org".into(), "opened".into())
        ]
    );
    assert_eq!(db.count("attrib.brevo_waiting").await, 0);
}

pub fn shuffle<T>(items: &mut [T], mut seed: u64) {
    for i in (1..items.len()).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        items.swap(i, (seed % (i as u64 + 1)) as usize);
    }
}

#[tokio::test]
async fn any_order_and_any_split_of_marketing_events_gives_the_same_result() {
    let lines: Vec<String> = std::fs::read_to_string(fixture("brevo/marketing.jsonl"))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let reference = fixture_db().await;
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.jsonl");
    std::fs::write(&whole, lines.join("\n")).unwrap();
    reference
        .run(&["brevo", "ingest", whole.to_str().unwrap()])
        .ok();
    let expected = dump(&reference).await;
    for seed in [7u64, 1234, 98765] {
        let db = fixture_db().await;
        let mut shuffled = lines.clone();
        shuffle(&mut shuffled, seed);
        // Mixed with a transactional array-free file: three files, in turns.
        let cut = (seed as usize % (shuffled.len() - 2)) + 1;
        for (i, part) in [&shuffled[..cut], &shuffled[cut..]].iter().enumerate() {
            let file = dir.path().join(format!("part-{seed}-{i}.jsonl"));
            std::fs::write(&file, part.join("\n")).unwrap();
            db.run(&["brevo", "ingest", file.to_str().unwrap()]).ok();
        }
        assert_eq!(dump(&db).await, expected, "seed {seed}");
    }
}

#[tokio::test]
async fn bad_marketing_events_are_reported_by_line() {
    let db = fixture_db().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.jsonl");
    std::fs::write(
        &file,
        [
            r#"{"camp_id": 417, "email": "jane@example.com", "event": "opened", "ts_event": 1780647000}"#,
            r#"{"camp_id": 417, "email": "jane@example.com", "event": "opened"}"#,
            r#"{"camp_id": 417, "email": "jane@example.com", "event": "opened", "ts_event": "soon"}"#,
            r#"{"camp_id": 417, "email": "jane@example.com", "event": "opened", "ts_event": 1780647000123}"#,
            r#"{"camp_id": 417, "email": "jane@example.com", "event": "forwarded", "ts_event": 1780647000}"#,
        ]
        .join("\n"),
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let before = (db.snapshot().await, dump(&db).await);
    let run = db.run(&["brevo", "ingest", path]);
    let stderr = &run.expect_code(1).stderr;
    for expected in [
        format!("{path}:2: is a marketing event (it has \"camp_id\") with no \"ts_event\""),
        format!("{path}:3: has \"ts_event\" \"soon\"; it should be a whole number"),
        format!("{path}:4: has \"ts_event\" 1780647000123, which looks like milliseconds"),
        format!("{path}:5: has an unknown event \"forwarded\""),
    ] {
        assert!(stderr.contains(&expected), "{expected}\nin\n{stderr}");
    }
    assert_eq!((db.snapshot().await, dump(&db).await), before);
    let skipped = db
        .run(&[
            "brevo",
            "ingest",
            path,
            "--skip-invalid",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(skipped["events"], 1);
    assert_eq!(skipped["invalid_skipped"], 4);
    assert_eq!(skipped["matched_by_campaign"], 1);
}

#[tokio::test]
async fn brevo_campaign_ids_are_checked_before_anything_is_written() {
    let db = fixture_db().await;
    let before = (db.snapshot().await, dump(&db).await);
    let add = |extra: &[&str]| {
        let mut args = vec![
            "comms",
            "add",
            "--campaign",
            "cfp-2026",
            "--title",
            "Another",
        ];
        args.extend_from_slice(extra);
        db.run(&args)
    };
    let run = add(&["--channel", "linkedin_post", "--brevo-campaign-id", "5"]);
    assert!(
        run.expect_code(2)
            .stderr
            .contains("--brevo-campaign-id is for emails only"),
        "{}",
        run.stderr
    );
    let run = add(&["--channel", "email", "--brevo-campaign-id", "0"]);
    assert!(
        run.expect_code(2)
            .stderr
            .contains("'0' is not a Brevo campaign id"),
        "{}",
        run.stderr
    );
    let run = add(&["--channel", "email", "--brevo-campaign-id", "417"]);
    assert!(
        run.expect_code(2).stderr.contains(
            "Brevo campaign 417 is already communication id:3 (\"Last call for speakers\")"
        ),
        "{}",
        run.stderr
    );
    assert_eq!((db.snapshot().await, dump(&db).await), before);

    // Shown in comms list and outreach, JSON included.
    let list = db
        .run(&[
            "comms",
            "list",
            "--campaign",
            "cfp-2026",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert!(
        list.to_string().contains("\"brevo_campaign\":417"),
        "{list}"
    );
    let outreach = db
        .run(&["outreach", "--event", "2026", "--format", "json"])
        .ok()
        .json();
    assert!(
        outreach.to_string().contains("\"brevo_campaign\":417"),
        "{outreach}"
    );
}

#[tokio::test]
async fn transactional_events_before_their_recipients_wait_and_then_apply() {
    let db = fixture_db().await;
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("early.jsonl");
    std::fs::write(
        &events,
        r#"{"event":"delivered","email":"Late@Example.org","template_id":11,"ts_epoch":1770103900000}"#,
    )
    .unwrap();
    let run = db.run(&[
        "brevo",
        "ingest",
        events.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(run.ok().json()["waiting"], 1);
    let waiting = db
        .run(&["brevo", "unmatched", "--format", "json"])
        .ok()
        .json();
    assert_eq!(
        waiting,
        json!([{"kind": "transactional", "brevo_id": 11, "domain": "example.org", "events": 1,
                "addresses": 1, "first_received": waiting[0]["first_received"],
                "last_received": waiting[0]["last_received"]}])
    );
    // Brevo's own contact export: EMAIL, FIRSTNAME, LASTNAME.
    let list = dir.path().join("brevo-contacts.csv");
    std::fs::write(
        &list,
        "EMAIL;FIRSTNAME;LASTNAME\nlate@example.org;Lara;Late\n",
    )
    .unwrap();
    let imported = db.run(&[
        "recipients",
        "import",
        "--communication",
        "1",
        list.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(imported.ok().json()["waiting_events_applied"], 1);
    assert_eq!(
        db.scalar::<String>(
            "SELECT r.status::text || ' ' || c.first_name || ' ' || c.last_name
             FROM communication_recipients r JOIN contacts c ON c.id = r.contact_id
             WHERE lower(c.email) = 'late@example.org'"
        )
        .await,
        "delivered Lara Late"
    );
    assert_eq!(db.count("attrib.brevo_waiting").await, 0);
    let rematch = db
        .run(&["brevo", "rematch", "--format", "json"])
        .ok()
        .json();
    assert_eq!(rematch["applied"], 0);
}
