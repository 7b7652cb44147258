//! Recording outreach (comms, recipients, assets) and the six questions of
//! the spec (who, outreach, contact, assets list, assets where, timeline),
//! run through the real binary against a real database.

use serde_json::{Value, json};

use crate::harness::{TestDb, fixture};

/// Two events, their campaigns, contacts, communications, recipients,
/// assets, distributions and tickets, with explicit ids and times (SAST,
/// +02:00) so that every expected row below can be worked out by hand.
pub const FIXTURE: &str = r#"
INSERT INTO events (id, name, slug, starts_on) VALUES
  (1, 'Data & AI Day 2026', 'data-ai-day-2026', '2026-09-17'),
  (2, 'Data & AI Day 2025', 'data-ai-day-2025', '2025-09-18');
INSERT INTO campaigns (id, name, event_id, campaign_type, status, created_at) VALUES
  (1, 'CFP 2026', 1, 'cfp', 'active', '2026-02-01 09:00+02'),
  (2, 'Early Bird Registration 2026', 1, 'registration', 'active', '2026-03-01 09:00+02'),
  (3, 'CFP 2025', 2, 'cfp', 'completed', '2025-02-01 09:00+02');
INSERT INTO contacts (id, email, first_name, last_name) VALUES
  (1, 'jane@example.com', 'Jane', 'Smith'),
  (2, 'thabo@example.co.za', 'Thabo', 'Nkosi'),
  (3, 'lee@example.org', NULL, NULL);
INSERT INTO communications (id, campaign_id, channel, title, brevo_template_id, post_url, status, sent_at, created_at, recipient_count) VALUES
  (1, 1, 'email', 'Speak at Data & AI Day 2026', 11, NULL, 'sent', '2026-02-03 09:30+02', '2026-02-02 10:00+02', 2),
  (2, 1, 'linkedin_post', 'Our CFP is open', NULL, 'https://www.linkedin.com/posts/dataaiday_cfp', 'published', '2026-02-04 12:00+02', '2026-02-04 11:00+02', 0),
  (3, 2, 'email', 'Early bird tickets', 12, NULL, 'sent', '2026-03-05 08:00+02', '2026-03-04 10:00+02', 1),
  (4, 3, 'email', 'Speak at Data & AI Day 2025', 10, NULL, 'sent', '2025-02-03 09:30+02', '2025-02-02 10:00+02', 1),
  (5, 1, 'email', 'CFP reminder', 13, NULL, 'draft', NULL, '2026-02-20 10:00+02', 0);
INSERT INTO communication_recipients (id, communication_id, contact_id, status, sent_at) VALUES
  (1, 1, 1, 'opened', '2026-02-03 09:31+02'),
  (2, 1, 2, 'bounced', NULL),
  (3, 3, 1, 'clicked', '2026-03-05 08:01+02'),
  (4, 4, 1, 'delivered', NULL);
INSERT INTO marketing_assets (id, event_id, campaign_id, asset_type, title, file_url, created_at) VALUES
  (1, 1, 1, 'flyer', 'CFP flyer', 'https://cdn.example.org/cfp.pdf', '2026-02-02 15:00+02'),
  (2, 1, NULL, 'social_graphic', 'Save the date', NULL, '2026-01-15 10:00+02'),
  (3, 2, 3, 'flyer', 'CFP flyer', NULL, '2025-02-02 10:00+02');
INSERT INTO asset_distributions (id, asset_id, channel, distributed_at, reach_estimate, notes) VALUES
  (1, 1, 'linkedin', '2026-02-05 10:00+02', 1200, 'Posted in SA Data & AI LinkedIn group'),
  (2, 1, 'print', '2026-02-10 08:00+02', 300, NULL),
  (3, 2, 'twitter', '2026-01-16 09:00+02', NULL, 'Pinned');
INSERT INTO tickets (event_id, contact_id, ticket_number, ticket_type, status, purchased_at, marketing_source) VALUES
  (1, 1, 'T-1001', 'Speaker', 'valid', '2026-04-01 10:00+02', 'cfp-2026'),
  (2, 1, 'T-0900', 'General', 'valid', '2025-05-01 10:00+02', NULL);
SELECT setval('events_id_seq', 2), setval('campaigns_id_seq', 3), setval('contacts_id_seq', 3),
       setval('communications_id_seq', 5), setval('communication_recipients_id_seq', 4),
       setval('marketing_assets_id_seq', 3), setval('asset_distributions_id_seq', 3);
"#;

async fn fixture_db() -> TestDb {
    let db = TestDb::migrated().await;
    db.exec(FIXTURE).await;
    db
}

/// The first line of stderr after `error: `.
fn error_line(stderr: &str) -> &str {
    stderr
        .lines()
        .find_map(|l| l.strip_prefix("error: "))
        .unwrap_or_else(|| panic!("no error line in:\n{stderr}"))
}

// ---------------------------------------------------------------- comms

#[tokio::test]
async fn comms_add_records_each_channel_and_list_shows_them() {
    let db = fixture_db().await;
    let run = db.run(&[
        "comms",
        "add",
        "--campaign",
        "early-bird-registration-2026",
        "--channel",
        "email",
        "--title",
        "Last chance: early bird",
        "--brevo-template-id",
        "14",
        "--sent-at",
        "2026-03-20 09:30",
        "--format",
        "json",
    ]);
    let added = run.ok().json();
    assert_eq!(added["id"], 6);
    assert_eq!(added["status"], "sent", "--sent-at makes an email sent");
    assert_eq!(added["sent_at"], "2026-03-20 09:30");
    // Read in the session time zone (Africa/Johannesburg, UTC+2).
    assert_eq!(
        db.scalar::<String>("SELECT to_char(sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM communications WHERE id = 6").await,
        "2026-03-20 07:30"
    );
    let post = db.run(&[
        "comms",
        "add",
        "--campaign",
        "id:2",
        "--channel",
        "linkedin_post",
        "--title",
        "Early bird ends Friday",
        "--post-url",
        "https://www.linkedin.com/posts/dataaiday_early",
        "--sent-at",
        "2026-03-21T12:00:00+02:00",
        "--summary",
        "Tickets at R450 until Friday",
    ]);
    assert_eq!(
        post.ok().stdout.trim(),
        "communication id:7 added to campaign early-bird-registration-2026 (Early Bird Registration 2026): linkedin_post \"Early bird ends Friday\", published"
    );
    db.run(&[
        "comms",
        "add",
        "--campaign",
        "early-bird-registration-2026",
        "--event",
        "2026",
        "--channel",
        "marketing_material",
        "--title",
        "Early bird poster",
    ])
    .ok();

    let list = db.run(&[
        "comms",
        "list",
        "--campaign",
        "early-bird-registration-2026",
        "--format",
        "json",
    ]);
    let rows = list.ok().json();
    let summary: Vec<(i64, &str, &str, Value)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_i64().unwrap(),
                r["channel"].as_str().unwrap(),
                r["status"].as_str().unwrap(),
                r["sent_at"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (3, "email", "sent", json!("2026-03-05 08:00")),
            (6, "email", "sent", json!("2026-03-20 09:30")),
            (7, "linkedin_post", "published", json!("2026-03-21 12:00")),
            (8, "marketing_material", "draft", Value::Null),
        ]
    );
    assert_eq!(
        rows[2]["post_url"],
        "https://www.linkedin.com/posts/dataaiday_early"
    );
    assert_eq!(rows[2]["summary"], "Tickets at R450 until Friday");
    assert_eq!(rows[1]["brevo_template"], 14);
}

#[tokio::test]
async fn comms_add_refuses_what_the_schema_or_channel_rules_forbid() {
    let db = fixture_db().await;
    let before = db.snapshot().await;
    let add = |extra: &[&str]| {
        let mut args = vec!["comms", "add", "--campaign", "cfp-2026"];
        args.extend_from_slice(extra);
        db.run(&args)
    };
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "--channel",
                "linkedin_post",
                "--title",
                "x",
                "--brevo-template-id",
                "4",
            ],
            "--brevo-template-id is for emails only (--channel email), not for --channel linkedin_post",
        ),
        (
            &[
                "--channel",
                "email",
                "--title",
                "x",
                "--post-url",
                "https://www.linkedin.com/posts/x",
            ],
            "--post-url is for LinkedIn posts only (--channel linkedin_post), not for --channel email",
        ),
        (
            &[
                "--channel",
                "linkedin_post",
                "--title",
                "x",
                "--post-url",
                "linkedin.com/posts/x",
            ],
            "--post-url 'linkedin.com/posts/x' is not a web address; give the full http(s) address of the post, e.g. https://www.linkedin.com/posts/...",
        ),
        (
            &["--channel", "email", "--title", "  "],
            "--title is empty; give it a name people will recognise",
        ),
    ];
    for (extra, message) in cases {
        let run = add(extra);
        run.expect_code(2);
        assert_eq!(error_line(&run.stderr), *message, "{extra:?}");
    }
    let long = "x".repeat(501);
    let run = add(&["--channel", "email", "--title", &long]);
    assert_eq!(
        error_line(&run.expect_code(2).stderr),
        "--title is 501 characters long; the most is 500"
    );

    // Values clap checks: the message lists what is allowed.
    let run = add(&["--channel", "fax", "--title", "x"]);
    assert!(
        run.expect_code(2)
            .stderr
            .contains("[possible values: email, linkedin_post, marketing_material]"),
        "{}",
        run.stderr
    );
    let run = add(&["--channel", "email", "--title", "x", "--status", "done"]);
    assert!(
        run.expect_code(2)
            .stderr
            .contains("[possible values: draft, sending, sent, published, failed]"),
        "{}",
        run.stderr
    );
    let run = add(&[
        "--channel",
        "email",
        "--title",
        "x",
        "--sent-at",
        "next tuesday",
    ]);
    assert!(run.expect_code(2).stderr.contains(
        "'next tuesday' is not a date and time; write e.g. 2026-03-02 09:30 (read in the --timezone), 02/03/2026 09:30 (day first) or 2026-03-02T09:30:00+02:00"
    ), "{}", run.stderr);
    let run = add(&[
        "--channel",
        "email",
        "--title",
        "x",
        "--brevo-template-id",
        "0",
    ]);
    run.expect_code(2);

    let run = db.run(&[
        "comms",
        "add",
        "--campaign",
        "cfp-2027",
        "--channel",
        "email",
        "--title",
        "x",
    ]);
    assert!(error_line(&run.expect_code(2).stderr).starts_with(
        "no campaign matches --campaign cfp-2027. Campaigns: cfp-2026 (id:1, CFP 2026)"
    ));
    assert_eq!(db.snapshot().await, before, "nothing was written");
}

// ----------------------------------------------------------- recipients

#[tokio::test]
async fn recipients_import_matches_headers_creates_contacts_and_counts_what_was_there() {
    let db = fixture_db().await;
    let file = fixture("recipients/cfp-invite.csv");
    let file = file.to_str().unwrap();
    let run = db.run(&[
        "recipients",
        "import",
        "--communication",
        "5",
        file,
        "--format",
        "json",
    ]);
    let summary = run.ok().json();
    assert_eq!(summary["rows"], 5);
    assert_eq!(summary["duplicates_in_file"], 1);
    assert_eq!(summary["added"], 4);
    assert_eq!(summary["already_there"], 0);
    assert_eq!(summary["contacts_created"], 2);
    assert_eq!(summary["recipient_count"], 4);

    let rows: Vec<(String, String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT c.email::text, r.status::text, r.brevo_message_id::text,
                to_char(r.sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')
         FROM communication_recipients r JOIN contacts c ON c.id = r.contact_id
         WHERE r.communication_id = 5 ORDER BY c.email",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        rows,
        [
            (
                "jane@example.com".into(),
                "sent".into(),
                s("b1@smtp-relay.mailin.fr"),
                s("2026-02-03 07:30")
            ),
            ("naledi@example.org".into(), "queued".into(), None, None),
            (
                "pieter@example.net".into(),
                "sent".into(),
                s("b5@smtp-relay.mailin.fr"),
                s("2026-02-03 07:31")
            ),
            (
                "thabo@example.co.za".into(),
                "sent".into(),
                s("b2@smtp-relay.mailin.fr"),
                s("2026-02-03 07:30")
            ),
        ]
    );
    assert_eq!(
        db.scalar::<String>(
            "SELECT first_name || ' ' || last_name FROM contacts WHERE email = 'naledi@example.org'"
        )
        .await,
        "Naledi Dlamini"
    );
    assert_eq!(
        db.scalar::<i32>("SELECT recipient_count FROM communications WHERE id = 5")
            .await,
        4
    );
    assert_eq!(
        db.scalar::<i64>("SELECT count(*) FROM import_batches WHERE source = 'recipients'")
            .await,
        1
    );

    // The same list again adds nothing and says so.
    let before = db.snapshot().await;
    let again = db.run(&["recipients", "import", "--communication", "id:5", file]);
    assert_eq!(
        again.ok().stdout.trim(),
        format!(
            "{file}: 5 rows; 0 recipients added, 4 already there (1 repeated in the file); 0 new contacts.\n\
                 Communication id:5 (CFP reminder) now has 4 recipients."
        )
    );
    assert_eq!(db.snapshot().await, before);
}

#[tokio::test]
async fn recipients_import_refuses_bad_rows_and_wrong_communications() {
    let db = fixture_db().await;
    let before = db.snapshot().await;
    let file = fixture("recipients/invalid.csv");
    let file = file.to_str().unwrap();
    let run = db.run(&["recipients", "import", "--communication", "5", file]);
    run.expect_code(1);
    let expected = format!(
        "error: 3 invalid rows; nothing was imported:\n\
         \x20 {file}:2: column 'Email': \"bob@\" is not an email address\n\
         \x20 {file}:3: column 'Status': \"read\" is not a recipient status; use one of queued, sent, delivered, opened, clicked, bounced, failed\n\
         \x20 {file}:4: column 'Sent': 'yesterday' is not a date and time; write e.g. 2026-03-02 09:30 (read in the --timezone), 02/03/2026 09:30 (day first) or 2026-03-02T09:30:00+02:00\n\
         Fix these rows in the file and import it again.\n"
    );
    assert_eq!(run.stderr, expected);

    let no_email = fixture("recipients/no-email-column.csv");
    let no_email = no_email.to_str().unwrap();
    let run = db.run(&["recipients", "import", "--communication", "5", no_email]);
    assert_eq!(
        error_line(&run.expect_code(1).stderr),
        format!(
            "{no_email}: has no email column; its columns are: Name, Phone. Name the column of addresses 'email'"
        )
    );

    let good = fixture("recipients/cfp-invite.csv");
    let good = good.to_str().unwrap();
    let run = db.run(&["recipients", "import", "--communication", "2", good]);
    assert_eq!(
        error_line(&run.expect_code(2).stderr),
        "communication id:2 (Our CFP is open) is a linkedin_post; recipients can only be imported for an email"
    );
    let run = db.run(&["recipients", "import", "--communication", "99", good]);
    assert_eq!(
        error_line(&run.expect_code(2).stderr),
        "there is no communication id:99; see `attrib comms list --campaign C`"
    );
    let run = db.run(&["recipients", "import", "--communication", "cfp", good]);
    assert!(
        run.expect_code(2)
            .stderr
            .contains("'cfp' is not a communication id; write 7 or id:7")
    );
    assert_eq!(db.snapshot().await, before, "nothing was written");
}

// --------------------------------------------------------------- assets

#[tokio::test]
async fn assets_add_and_share_check_everything_first() {
    let db = fixture_db().await;
    let run = db.run(&[
        "assets",
        "add",
        "--event",
        "2026",
        "--campaign",
        "early-bird-registration-2026",
        "--type",
        "poster",
        "--title",
        "Early bird poster",
        "--url",
        "https://cdn.example.org/eb.pdf",
        "--description",
        "A2, red",
    ]);
    assert_eq!(
        run.ok().stdout.trim(),
        "asset id:4 added to event data-ai-day-2026, campaign early-bird-registration-2026: poster 'Early bird poster'"
    );
    let run = db.run(&[
        "assets",
        "share",
        "Early bird poster",
        "--event",
        "data-ai-day-2026",
        "--channel",
        "print",
        "--at",
        "2026-03-10 08:00",
        "--reach",
        "250",
        "--notes",
        "Campus notice boards",
        "--format",
        "json",
    ]);
    let shared = run.ok().json();
    assert_eq!(shared["asset_id"], 4);
    assert_eq!(shared["shared_at"], "2026-03-10 08:00");
    assert_eq!(shared["reach"], 250);
    // No --at: now.
    db.run(&["assets", "share", "id:4", "--channel", "whatsapp"])
        .ok();
    assert!(
        db.scalar::<bool>(
            "SELECT distributed_at > now() - interval '1 hour' FROM asset_distributions WHERE id = 5"
        )
        .await
    );

    let before = db.snapshot().await;
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &[
                "assets",
                "add",
                "--event",
                "2026",
                "--type",
                "flyer",
                "--title",
                "CFP flyer",
            ],
            2,
            "event data-ai-day-2026 already has an asset titled 'CFP flyer' (id:1); titles name assets in `attrib assets share`, so give this one another title",
        ),
        (
            &[
                "assets",
                "add",
                "--event",
                "2026",
                "--type",
                "flyer",
                "--title",
                "New",
                "--url",
                "cdn/x.pdf",
            ],
            2,
            "--url 'cdn/x.pdf' is not a web address; give the full http(s) address of the file",
        ),
        (
            &[
                "assets",
                "add",
                "--event",
                "2026",
                "--campaign",
                "cfp-2025",
                "--type",
                "flyer",
                "--title",
                "New",
            ],
            2,
            "no campaign of event data-ai-day-2026 matches --campaign cfp-2025. Did you mean cfp-2026? Campaigns: cfp-2026 (id:1, CFP 2026); early-bird-registration-2026 (id:2, Early Bird Registration 2026)",
        ),
        (
            &["assets", "share", "CFP flyer", "--channel", "linkedin"],
            2,
            "titled 'CFP flyer' names 2 assets (id:1 of data-ai-day-2026; id:3 of data-ai-day-2025); add --event or use id:N",
        ),
        (
            &[
                "assets",
                "share",
                "Flyer",
                "--event",
                "2026",
                "--channel",
                "linkedin",
            ],
            2,
            "no asset of event data-ai-day-2026 is titled 'Flyer'. Its assets: id:2 Save the date; id:1 CFP flyer; id:4 Early bird poster",
        ),
        (
            &["assets", "share", "id:x", "--channel", "linkedin"],
            2,
            "'id:x' is not an asset id; write id:N, e.g. id:3",
        ),
    ];
    for (args, code, message) in cases {
        let run = db.run(args);
        assert_eq!(
            error_line(&run.expect_code(*code).stderr),
            *message,
            "{args:?}"
        );
    }
    let run = db.run(&[
        "assets",
        "share",
        "id:1",
        "--channel",
        "linkedin",
        "--reach",
        "-5",
    ]);
    run.expect_code(2);
    let run = db.run(&["assets", "share", "id:1", "--channel", "fax"]);
    assert!(
        run.expect_code(2)
            .stderr
            .contains("[possible values: linkedin, whatsapp, twitter, print, email, website]")
    );
    let run = db.run(&[
        "assets", "add", "--event", "2026", "--type", "mug", "--title", "x",
    ]);
    assert!(
        run.expect_code(2).stderr.contains(
            "[possible values: social_graphic, flyer, banner, poster, video, presentation]"
        )
    );
    assert_eq!(db.snapshot().await, before, "nothing was written");
}

// --------------------------------------------------------- six questions

#[tokio::test]
async fn who_was_sent_the_cfp() {
    let db = fixture_db().await;
    let expected = json!([
        {"contact": "Jane Smith", "email": "jane@example.com", "campaign": "CFP 2026",
         "communication": "Speak at Data & AI Day 2026", "status": "opened", "sent_at": "2026-02-03 09:31"},
        {"contact": "Thabo Nkosi", "email": "thabo@example.co.za", "campaign": "CFP 2026",
         "communication": "Speak at Data & AI Day 2026", "status": "bounced", "sent_at": "2026-02-03 09:30"},
    ]);
    assert_eq!(
        db.run(&["who", "--campaign", "cfp-2026", "--format", "json"])
            .ok()
            .json(),
        expected
    );
    assert_eq!(
        db.run(&[
            "who",
            "--event",
            "2026",
            "--campaign-type",
            "cfp",
            "--format",
            "json"
        ])
        .ok()
        .json(),
        expected
    );
    let everyone = db
        .run(&["who", "--event", "data-ai-day-2026", "--format", "json"])
        .ok()
        .json();
    assert_eq!(everyone.as_array().unwrap().len(), 3);
    assert_eq!(everyone[2]["communication"], "Early bird tickets");
    assert_eq!(everyone[2]["status"], "clicked");

    let csv = db.run(&["who", "--campaign", "cfp-2026", "--format", "csv"]);
    assert_eq!(
        csv.ok().stdout,
        "contact,email,campaign,communication,status,sent_at\n\
         Jane Smith,jane@example.com,CFP 2026,Speak at Data & AI Day 2026,opened,2026-02-03 09:31\n\
         Thabo Nkosi,thabo@example.co.za,CFP 2026,Speak at Data & AI Day 2026,bounced,2026-02-03 09:30\n"
    );
    let table = db.run(&["who", "--campaign", "cfp-2026"]);
    assert!(
        table.ok().stdout.starts_with("Recipients of CFP 2026\n"),
        "{}",
        table.stdout
    );

    let run = db.run(&["who"]);
    assert_eq!(
        error_line(&run.expect_code(2).stderr),
        "say whose recipients: --campaign C, or --event E (with --campaign-type T for one kind)"
    );
    db.run(&["who", "--campaign-type", "cfp"]).expect_code(2);
}

#[tokio::test]
async fn outreach_shows_every_campaign_communication_and_asset_of_the_event() {
    let db = fixture_db().await;
    let doc = db
        .run(&["outreach", "--event", "2026", "--format", "json"])
        .ok()
        .json();
    assert_eq!(
        doc["campaigns"],
        json!([
            {"id": 1, "slug": "cfp-2026", "name": "CFP 2026", "campaign_type": "cfp", "status": "active",
             "communications": 3, "recipients": 2, "assets": 1},
            {"id": 2, "slug": "early-bird-registration-2026", "name": "Early Bird Registration 2026",
             "campaign_type": "registration", "status": "active", "communications": 1, "recipients": 1, "assets": 0},
        ])
    );
    let comms: Vec<Value> = doc["communications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            json!([
                c["id"],
                c["channel"],
                c["sent_at"],
                c["recipients"],
                c["delivered"],
                c["opened"],
                c["clicked"],
                c["bounced_or_failed"]
            ])
        })
        .collect();
    assert_eq!(
        comms,
        [
            json!([1, "email", "2026-02-03 09:30", 2, 1, 1, 0, 1]),
            json!([2, "linkedin_post", "2026-02-04 12:00", 0, 0, 0, 0, 0]),
            json!([3, "email", "2026-03-05 08:00", 1, 1, 1, 1, 0]),
            json!([5, "email", null, 0, 0, 0, 0, 0]),
        ]
    );
    assert_eq!(
        doc["communications"][1]["post_url"],
        "https://www.linkedin.com/posts/dataaiday_cfp"
    );
    let assets: Vec<Value> = doc["assets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            json!([
                a["id"],
                a["title"],
                a["campaign"],
                a["times_shared"],
                a["reach"],
                a["last_shared"]
            ])
        })
        .collect();
    assert_eq!(
        assets,
        [
            json!([2, "Save the date", null, 1, null, "2026-01-16 09:00"]),
            json!([1, "CFP flyer", "CFP 2026", 2, 1500, "2026-02-10 08:00"]),
        ]
    );
    let run = db.run(&["outreach", "--event", "2030"]);
    assert!(
        error_line(&run.expect_code(2).stderr)
            .starts_with("no event matches --event 2030. Events: ")
    );
    let md = db.run(&["outreach", "--event", "2026", "--format", "markdown"]);
    assert!(
        md.ok()
            .stdout
            .contains("## Campaigns of Data & AI Day 2026\n")
    );
}

#[tokio::test]
async fn contact_shows_what_a_person_was_sent_and_their_tickets() {
    let db = fixture_db().await;
    let doc = db
        .run(&["contact", "JANE@example.com", "--format", "json"])
        .ok()
        .json();
    assert_eq!(
        doc["contact"],
        json!([{"id": 1, "email": "jane@example.com", "name": "Jane Smith"}])
    );
    let sent: Vec<Value> = doc["sent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| json!([s["event"], s["communication"], s["status"], s["sent_at"]]))
        .collect();
    assert_eq!(
        sent,
        [
            json!([
                "data-ai-day-2025",
                "Speak at Data & AI Day 2025",
                "delivered",
                "2025-02-03 09:30"
            ]),
            json!([
                "data-ai-day-2026",
                "Speak at Data & AI Day 2026",
                "opened",
                "2026-02-03 09:31"
            ]),
            json!([
                "data-ai-day-2026",
                "Early bird tickets",
                "clicked",
                "2026-03-05 08:01"
            ]),
        ]
    );
    assert_eq!(
        doc["tickets"],
        json!([
            {"event": "data-ai-day-2025", "ticket_number": "T-0900", "ticket_type": "General", "status": "valid",
             "purchased_at": "2025-05-01 10:00", "marketing_source": null},
            {"event": "data-ai-day-2026", "ticket_number": "T-1001", "ticket_type": "Speaker", "status": "valid",
             "purchased_at": "2026-04-01 10:00", "marketing_source": "cfp-2026"},
        ])
    );
    let only_2026 = db
        .run(&[
            "contact",
            "jane@example.com",
            "--event",
            "2026",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(only_2026["sent"].as_array().unwrap().len(), 2);
    assert_eq!(only_2026["tickets"].as_array().unwrap().len(), 1);

    let run = db.run(&["contact", "nobody@example.com"]);
    assert_eq!(
        error_line(&run.expect_code(2).stderr),
        "no contact has the email address nobody@example.com; contacts come from ticket imports and recipient lists"
    );
}

#[tokio::test]
async fn assets_list_and_where_they_were_shared() {
    let db = fixture_db().await;
    let list = db
        .run(&["assets", "list", "--event", "2026", "--format", "json"])
        .ok()
        .json();
    assert_eq!(
        list,
        json!([
            {"id": 2, "asset_type": "social_graphic", "title": "Save the date", "campaign": null, "file_url": null,
             "created_at": "2026-01-15 10:00", "times_shared": 1, "reach": null, "last_shared": "2026-01-16 09:00"},
            {"id": 1, "asset_type": "flyer", "title": "CFP flyer", "campaign": "CFP 2026",
             "file_url": "https://cdn.example.org/cfp.pdf", "created_at": "2026-02-02 15:00",
             "times_shared": 2, "reach": 1500, "last_shared": "2026-02-10 08:00"},
        ])
    );
    let expected = json!([
        {"channel": "linkedin", "shared_at": "2026-02-05 10:00", "reach": 1200, "notes": "Posted in SA Data & AI LinkedIn group"},
        {"channel": "print", "shared_at": "2026-02-10 08:00", "reach": 300, "notes": null},
    ]);
    assert_eq!(
        db.run(&[
            "assets",
            "where",
            "CFP flyer",
            "--event",
            "2026",
            "--format",
            "json"
        ])
        .ok()
        .json(),
        expected
    );
    assert_eq!(
        db.run(&["assets", "where", "id:1", "--format", "json"])
            .ok()
            .json(),
        expected
    );
    let table = db.run(&["assets", "where", "id:1"]);
    assert!(
        table
            .ok()
            .stdout
            .starts_with("Where 'CFP flyer' (id:1) was shared\n")
    );
    // Times follow --timezone.
    let utc = db
        .run(&[
            "--timezone",
            "UTC",
            "assets",
            "where",
            "id:1",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(utc[0]["shared_at"], "2026-02-05 08:00");
}

#[tokio::test]
async fn timeline_puts_a_campaign_in_date_order() {
    let db = fixture_db().await;
    let rows = db
        .run(&["timeline", "--campaign", "cfp-2026", "--format", "json"])
        .ok()
        .json();
    assert_eq!(
        rows,
        json!([
            {"at": "2026-02-02 15:00", "kind": "asset", "channel": "flyer", "title": "CFP flyer",
             "detail": "created, https://cdn.example.org/cfp.pdf"},
            {"at": "2026-02-03 09:30", "kind": "communication", "channel": "email",
             "title": "Speak at Data & AI Day 2026", "detail": "sent, 2 recipients"},
            {"at": "2026-02-04 12:00", "kind": "communication", "channel": "linkedin_post", "title": "Our CFP is open",
             "detail": "published, https://www.linkedin.com/posts/dataaiday_cfp"},
            {"at": "2026-02-05 10:00", "kind": "shared", "channel": "linkedin", "title": "CFP flyer",
             "detail": "reach 1200, Posted in SA Data & AI LinkedIn group"},
            {"at": "2026-02-10 08:00", "kind": "shared", "channel": "print", "title": "CFP flyer", "detail": "reach 300"},
            {"at": "2026-02-20 10:00", "kind": "communication", "channel": "email", "title": "CFP reminder",
             "detail": "draft, 0 recipients"},
        ])
    );
    let run = db.run(&["timeline", "--campaign", "cfp-2027"]);
    assert!(error_line(&run.expect_code(2).stderr).starts_with(
        "no campaign matches --campaign cfp-2027. Campaigns: cfp-2026 (id:1, CFP 2026)"
    ));
    let run = db.run(&["timeline", "--campaign", "cfp-2026", "--event", "2025"]);
    assert!(
        error_line(&run.expect_code(2).stderr)
            .starts_with("no campaign of event data-ai-day-2025 matches --campaign cfp-2026.")
    );
    let md = db
        .run(&["timeline", "--campaign", "cfp-2026", "--format", "markdown"])
        .ok()
        .stdout
        .clone();
    assert!(
        md.starts_with("## Timeline of CFP 2026\n\n| at | kind | channel | title | detail |\n"),
        "{md}"
    );
}
