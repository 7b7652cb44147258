//! `attrib report` on tests/fixtures/report/outreach.sql. Every expected
//! figure is worked out by hand below, from the rows of that file.

use serde_json::{Value, json};

use crate::harness::{TestDb, fixture};

async fn outreach_db() -> TestDb {
    let db = TestDb::migrated().await;
    let sql = std::fs::read_to_string(fixture("report/outreach.sql")).unwrap();
    db.exec(&sql).await;
    db
}

fn report_json(db: &TestDb, event: &str) -> Value {
    db.run(&["report", "--event", event, "--format", "json"])
        .ok()
        .json()
}

fn event<'a>(doc: &'a Value, slug: &str) -> &'a Value {
    doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["slug"] == slug)
        .unwrap_or_else(|| panic!("no event {slug} in {doc:#}"))
}

fn campaign(event: &Value, id: i64) -> &Value {
    event["campaigns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["campaign_id"] == id)
        .unwrap_or_else(|| panic!("no campaign {id} in {event:#}"))
}

fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

/// Section 1 of data-ai-day-2026. Registrations are the 16 tickets that are
/// neither cancelled (T5) nor refunded (T7, T16).
#[tokio::test]
async fn registrations_per_campaign_by_hand() {
    let db = outreach_db().await;
    let doc = report_json(&db, "data-ai-day-2026");
    assert_eq!(doc["events"].as_array().unwrap().len(), 1);
    let e = event(&doc, "data-ai-day-2026");
    assert_eq!(e["id"], 1);
    assert_eq!(e["name"], "Data & AI Day 2026");
    assert_eq!(e["starts_on"], "2026-09-17");
    assert_eq!(e["registrations"], 16);
    // Contacts 1 to 12 each hold a registration; 13 to 16 none.
    assert_eq!(e["contacts"], 12);
    // 350 (CFP) + 400 (early bird) + 240 (ambiguous) + 600 (unattributed) + 150 (none).
    assert_eq!(e["revenue"], 1740.0);

    // CFP 2026: T1 'cfp-2026', T2 'CFP_2026 ', T3 the utm link, T4 'cfp 2026'
    // (contact 3 twice); not T5 (cancelled).
    let cfp = campaign(e, 1);
    assert_eq!(cfp["name"], "CFP 2026");
    assert_eq!(cfp["slug"], "cfp-2026");
    assert_eq!(cfp["campaign_type"], "cfp");
    assert_eq!(cfp["status"], "active");
    assert_eq!(cfp["registrations"], 4);
    assert_eq!(cfp["contacts"], 3);
    assert_eq!(cfp["revenue"], 350.0);
    assert_eq!(cfp["share"], 0.25);
    // Times in the session time zone, Africa/Johannesburg by default.
    assert_eq!(cfp["first_registration"], "2026-03-01 10:00");
    assert_eq!(cfp["last_registration"], "2026-03-05 09:31");
    // Emails 1 and 2 went to contacts 1, 2, 9, 13, 14, 15, 16 and 1, 3, 14:
    // eight people, of whom 1, 2, 3 and 9 registered.
    assert_eq!(cfp["recipients"], 8);
    assert_eq!(cfp["converted_recipients"], 4);
    assert_eq!(cfp["conversion_rate"], 0.5);

    // Early bird: T6 'campaign-2' and T8 '2'; not T7 (refunded). Email 4
    // went to contacts 5 (registered) and 14.
    let early = campaign(e, 2);
    assert_eq!(early["slug"], "early-bird-registration-2026");
    assert_eq!(early["registrations"], 2);
    assert_eq!(early["contacts"], 2);
    assert_eq!(early["revenue"], 400.0);
    assert_eq!(early["share"], 0.125);
    assert_eq!(early["first_registration"], "2026-04-01 12:00");
    assert_eq!(early["last_registration"], "2026-04-02 14:15");
    assert_eq!(early["recipients"], 2);
    assert_eq!(early["converted_recipients"], 1);
    assert_eq!(early["conversion_rate"], 0.5);

    // The two reminders share a slug: nothing is theirs. The sponsor
    // campaign has neither tickets nor emails: no conversion rate.
    for id in [3, 4, 5] {
        let c = campaign(e, id);
        assert_eq!(c["registrations"], 0, "{c}");
        assert_eq!(c["revenue"], 0.0, "{c}");
        assert_eq!(c["share"], 0.0, "{c}");
        assert_eq!(c["first_registration"], Value::Null, "{c}");
        assert_eq!(c["recipients"], 0, "{c}");
        assert_eq!(c["conversion_rate"], Value::Null, "{c}");
    }
    assert_eq!(campaign(e, 3)["slug"], "reminder-last-chance");
    assert_eq!(campaign(e, 4)["slug"], "reminder-last-chance");
    assert_eq!(campaign(e, 5)["slug"], "sponsors-2026");
    // Ordered by registrations, then id.
    let order: Vec<i64> = e["campaigns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["campaign_id"].as_i64().unwrap())
        .collect();
    assert_eq!(order, [1, 2, 3, 4, 5]);

    // T9 'reminder-last-chance' and T10 'Reminder Last Chance': counted once,
    // in no campaign.
    assert_eq!(
        e["ambiguous"],
        json!([{
            "source": "reminder-last-chance",
            "campaign_ids": [3, 4],
            "registrations": 2,
            "contacts": 2,
            "revenue": 240.0
        }])
    );
    // T14 NULL and T15 ''; T16 '   ' is refunded.
    assert_eq!(e["no_source"], 2);
}

/// Section 2: T12, T13 'LinkedIn' and T19 'linkedin '; T11 'cfp-206' (a
/// typo); T17 a formula; T18 'campaign-6' (a campaign of another event).
#[tokio::test]
async fn unattributed_sources_by_hand() {
    let db = outreach_db().await;
    let doc = report_json(&db, "data-ai-day-2026");
    let e = event(&doc, "data-ai-day-2026");
    assert_eq!(
        e["unattributed"],
        json!([
            {"source": "linkedin", "registrations": 3, "suggestion": null, "example": "LinkedIn"},
            {"source": "campaign-6", "registrations": 1, "suggestion": null, "example": "campaign-6"},
            {"source": "cfp-206", "registrations": 1, "suggestion": "cfp-2026", "example": "cfp-206"},
            {"source": "hyperlink-http-evil-example-x", "registrations": 1, "suggestion": null,
             "example": "=HYPERLINK(\"http://evil.example\",\"x\")"}
        ])
    );
    // The buckets add up to the event's registrations: 4 + 2 + 2 + 6 + 2.
    let attributed: i64 = e["campaigns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["registrations"].as_i64().unwrap())
        .sum();
    let ambiguous: i64 = e["ambiguous"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["registrations"].as_i64().unwrap())
        .sum();
    let unattributed: i64 = e["unattributed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["registrations"].as_i64().unwrap())
        .sum();
    assert_eq!((attributed, ambiguous, unattributed), (6, 2, 6));
    assert_eq!(
        attributed + ambiguous + unattributed + e["no_source"].as_i64().unwrap(),
        16
    );
}

/// Section 3: emails 1, 2, 4, 5 (1 and 2 sent); post 3; material 6. Assets
/// 1 and 2 of the event; asset 3 belongs to Cape Town.
#[tokio::test]
async fn channel_reach_by_hand() {
    let db = outreach_db().await;
    let doc = report_json(&db, "data-ai-day-2026");
    let reach = &event(&doc, "data-ai-day-2026")["reach"];
    let c = |channel: &str, communications: i64, sent: i64, recipients: Value, delivered: Value| {
        json!({"kind": "communication", "channel": channel, "communications": communications,
               "sent_or_published": sent, "recipients": recipients, "delivered": delivered,
               "assets_shared": null, "distributions": null, "reach_estimate": null,
               "estimates_missing": null})
    };
    let d = |channel: &str, assets: i64, distributions: i64, reach: i64, missing: i64| {
        json!({"kind": "distribution", "channel": channel, "communications": null,
               "sent_or_published": null, "recipients": null, "delivered": null,
               "assets_shared": assets, "distributions": distributions,
               "reach_estimate": reach, "estimates_missing": missing})
    };
    assert_eq!(
        *reach,
        json!([
            // Recipients 1, 2, 9, 13, 14, 15, 16, 3, 5; delivered (delivered,
            // opened, clicked) 1, 2, 9 by email 1 and 1, 3, 14 by email 2.
            c("email", 4, 2, json!(9), json!(5)),
            c("linkedin_post", 1, 1, Value::Null, Value::Null),
            c("marketing_material", 1, 0, Value::Null, Value::Null),
            // 1200 + 800, and the repost without an estimate.
            d("linkedin", 2, 3, 2000, 1),
            d("whatsapp", 1, 1, 0, 1),
            d("twitter", 0, 0, 0, 0),
            d("print", 1, 1, 300, 0),
            d("email", 0, 0, 0, 0),
            d("website", 0, 0, 0, 0),
        ])
    );
}

/// Section 4, with a funnel that has no sends at all (campaign 2).
#[tokio::test]
async fn recipient_funnel_by_hand_including_zero_sends() {
    let db = outreach_db().await;
    let doc = report_json(&db, "data-ai-day-2026");
    let funnel = event(&doc, "data-ai-day-2026")["funnel"]
        .as_array()
        .unwrap()
        .clone();
    let row = |campaign_id: i64, communication_id: Value| -> Value {
        funnel
            .iter()
            .find(|r| r["campaign_id"] == campaign_id && r["communication_id"] == communication_id)
            .unwrap_or_else(|| panic!("no row {campaign_id}/{communication_id}"))
            .clone()
    };
    let counts = |r: &Value| -> Vec<i64> {
        [
            "recipients",
            "sent",
            "delivered",
            "opened",
            "clicked",
            "bounced",
            "failed",
            "queued",
        ]
        .iter()
        .map(|k| r[*k].as_i64().unwrap())
        .collect()
    };
    let rates = |r: &Value| -> Vec<Value> {
        [
            "delivery_rate",
            "open_rate",
            "click_rate",
            "click_to_open",
            "bounce_rate",
        ]
        .iter()
        .map(|k| r[*k].clone())
        .collect()
    };
    // Email 1: clicked, opened, delivered, bounced, sent, queued, failed.
    // sent = 5 (all but queued and failed), delivered = 3, opened = 2.
    let first = row(1, json!(1));
    assert_eq!(first["title"], "Call for papers is open");
    assert_eq!(first["sent_at"], "2026-02-20 09:00");
    assert_eq!(counts(&first), [7, 5, 3, 2, 1, 1, 1, 1]);
    assert_eq!(
        rates(&first),
        [
            json!(0.6),
            json!(0.6667),
            json!(0.3333),
            json!(0.5),
            json!(0.2)
        ]
    );
    // Email 2: delivered, opened, delivered.
    let second = row(1, json!(2));
    assert_eq!(counts(&second), [3, 3, 3, 1, 0, 0, 0, 0]);
    assert_eq!(
        rates(&second),
        [
            json!(1.0),
            json!(0.3333),
            json!(0.0),
            json!(0.0),
            json!(0.0)
        ]
    );
    // All emails of CFP 2026: the sums; rates of the sums.
    let all = row(1, Value::Null);
    assert_eq!(all["title"], "All emails of the campaign");
    assert_eq!(counts(&all), [10, 8, 6, 3, 1, 1, 1, 1]);
    assert_eq!(
        rates(&all),
        [
            json!(0.75),
            json!(0.5),
            json!(0.1667),
            json!(0.3333),
            json!(0.125)
        ]
    );
    // Campaign 2: email 4 with two queued recipients, email 5 with none.
    // Nothing was sent: every rate is empty, never NaN.
    let null5 = vec![Value::Null; 5];
    assert_eq!(counts(&row(2, json!(4))), [2, 0, 0, 0, 0, 0, 0, 2]);
    assert_eq!(rates(&row(2, json!(4))), null5);
    assert_eq!(counts(&row(2, json!(5))), [0; 8]);
    assert_eq!(rates(&row(2, json!(5))), null5);
    assert_eq!(counts(&row(2, Value::Null)), [2, 0, 0, 0, 0, 0, 0, 2]);
    assert_eq!(rates(&row(2, Value::Null)), null5);
    // Order: per campaign, its emails by time, then its total. Email 7 is
    // Cape Town's; the LinkedIn post is not an email.
    let order: Vec<(i64, Value)> = funnel
        .iter()
        .map(|r| {
            (
                r["campaign_id"].as_i64().unwrap(),
                r["communication_id"].clone(),
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            (1, json!(1)),
            (1, json!(2)),
            (1, Value::Null),
            (2, json!(4)),
            (2, json!(5)),
            (2, Value::Null)
        ]
    );
}

/// The JSON document's keys, as docs/report.md documents them.
#[tokio::test]
async fn json_document_has_the_documented_keys() {
    let db = outreach_db().await;
    let doc = report_json(&db, "2026");
    assert_eq!(keys(&doc), ["generated_at", "timezone", "events"]);
    assert_eq!(doc["timezone"], "Africa/Johannesburg");
    let generated = doc["generated_at"].as_str().unwrap();
    assert!(
        generated.len() == 25 && generated.ends_with("+02:00"),
        "{generated}"
    );
    let e = event(&doc, "data-ai-day-2026");
    assert_eq!(
        keys(e),
        [
            "id",
            "slug",
            "name",
            "starts_on",
            "registrations",
            "contacts",
            "revenue",
            "campaigns",
            "ambiguous",
            "unattributed",
            "no_source",
            "reach",
            "funnel"
        ]
    );
    assert_eq!(
        keys(&e["campaigns"][0]),
        [
            "campaign_id",
            "name",
            "slug",
            "campaign_type",
            "status",
            "registrations",
            "contacts",
            "revenue",
            "share",
            "first_registration",
            "last_registration",
            "recipients",
            "converted_recipients",
            "conversion_rate"
        ]
    );
    assert_eq!(
        keys(&e["ambiguous"][0]),
        [
            "source",
            "campaign_ids",
            "registrations",
            "contacts",
            "revenue"
        ]
    );
    assert_eq!(
        keys(&e["unattributed"][0]),
        ["source", "registrations", "suggestion", "example"]
    );
    assert_eq!(
        keys(&e["reach"][0]),
        [
            "kind",
            "channel",
            "communications",
            "sent_or_published",
            "recipients",
            "delivered",
            "assets_shared",
            "distributions",
            "reach_estimate",
            "estimates_missing"
        ]
    );
    assert_eq!(
        keys(&e["funnel"][0]),
        [
            "campaign_id",
            "campaign",
            "communication_id",
            "title",
            "sent_at",
            "recipients",
            "sent",
            "delivered",
            "opened",
            "clicked",
            "bounced",
            "failed",
            "queued",
            "delivery_rate",
            "open_rate",
            "click_rate",
            "click_to_open",
            "bounce_rate"
        ]
    );
}

/// A year selects every event starting that year, in date order; a ticket
/// is only ever attributed to a campaign of its own event.
#[tokio::test]
async fn a_year_reports_each_event_and_campaigns_stay_in_their_event() {
    let db = outreach_db().await;
    let doc = report_json(&db, "2026");
    let slugs: Vec<&str> = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["data-ai-day-2026", "data-ai-day-cape-town-2026"]);
    // Event 1 is the same as on its own.
    assert_eq!(event(&doc, "data-ai-day-2026")["registrations"], 16);
    // Cape Town: C1 'cfp-2026' is its own CFP 2026 (campaign 6, not 1);
    // C2 'campaign-1' names a campaign of another event.
    let ct = event(&doc, "data-ai-day-cape-town-2026");
    assert_eq!(ct["registrations"], 2);
    assert_eq!(ct["campaigns"].as_array().unwrap().len(), 1);
    let cfp = campaign(ct, 6);
    assert_eq!(cfp["slug"], "cfp-2026");
    assert_eq!(cfp["registrations"], 1);
    // Email 7 went to contact 13, who holds C1.
    assert_eq!(cfp["recipients"], 1);
    assert_eq!(cfp["conversion_rate"], 1.0);
    assert_eq!(
        ct["unattributed"],
        json!([{"source": "campaign-1", "registrations": 1, "suggestion": null, "example": "campaign-1"}])
    );
    // Asset 3's distribution is Cape Town's.
    let linkedin = ct["reach"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "distribution" && r["channel"] == "linkedin")
        .unwrap();
    assert_eq!(linkedin["reach_estimate"], 5000);
    // 2025 is another year.
    let past = report_json(&db, "2025");
    assert_eq!(past["events"].as_array().unwrap().len(), 1);
    assert_eq!(
        campaign(event(&past, "data-ai-day-2025"), 7)["registrations"],
        1
    );
    // By id too.
    let by_id = report_json(&db, "id:2");
    assert_eq!(
        event(&by_id, "data-ai-day-cape-town-2026")["registrations"],
        2
    );
}

#[tokio::test]
async fn times_follow_the_global_timezone() {
    let db = outreach_db().await;
    let doc = db
        .run(&[
            "--timezone",
            "UTC",
            "report",
            "--event",
            "data-ai-day-2026",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(doc["timezone"], "UTC");
    assert!(doc["generated_at"].as_str().unwrap().ends_with("+00:00"));
    let cfp = campaign(event(&doc, "data-ai-day-2026"), 1);
    // 10:00 in Johannesburg (+02) is 08:00 UTC.
    assert_eq!(cfp["first_registration"], "2026-03-01 08:00");
}

#[tokio::test]
async fn table_format_shows_every_section_and_bucket() {
    let db = outreach_db().await;
    let run = db.run(&["report", "--event", "data-ai-day-2026"]);
    run.ok();
    let out = &run.stdout;
    for needle in [
        "Data & AI Day 2026 (data-ai-day-2026, 2026-09-17): 16 registrations",
        "Registrations per campaign",
        "Unattributed sources",
        "Channel reach",
        "Recipient funnel",
        "Ambiguous: id:3 Reminder — Last Chance, id:4 Reminder: last chance!",
        "Unattributed (see Unattributed sources)",
        "No source",
        "Total",
        "25.0%",
        "cfp-206",
        "All emails of the campaign",
        "times in Africa/Johannesburg",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
    for bad in ["NaN", "null", "inf"] {
        assert!(!out.contains(bad), "{bad} in\n{out}");
    }
    // Not on a terminal: no colour codes, no spinner; notes on stderr.
    assert!(!out.contains('\u{1b}'));
    assert!(run.stderr.contains("cfp-206"), "{}", run.stderr);
    // --section keeps one.
    let one = db.run(&[
        "report",
        "--event",
        "data-ai-day-2026",
        "--section",
        "reach",
    ]);
    one.ok();
    assert!(one.stdout.contains("Channel reach"));
    assert!(!one.stdout.contains("Recipient funnel"));
    assert!(!one.stdout.contains("Registrations per campaign"));
}

#[tokio::test]
async fn markdown_format() {
    let db = outreach_db().await;
    let run = db.run(&["report", "--event", "2026", "--format", "markdown"]);
    run.ok();
    let md = &run.stdout;
    assert!(md.starts_with("# Registrations report\n"), "{md}");
    assert!(md.contains("## Data & AI Day 2026 (data-ai-day-2026, 2026-09-17): 16 registrations"));
    assert!(md.contains("## Data & AI Day Cape Town 2026"));
    assert!(!md.contains("&amp;"), "{md}");
    assert_eq!(md.matches("### Registrations per campaign").count(), 2);
    assert!(md.contains("### Recipient funnel"));
    // Money reads as money; headers as in the terminal table.
    assert!(
        md.contains("| 1 | CFP 2026 | cfp-2026 | cfp | active | 4 | 3 | R 350 | 25.0% |"),
        "{md}"
    );
    assert!(
        md.contains("| campaign id | campaign | slug | type | status | registrations |"),
        "{md}"
    );
    assert!(md.contains("delivery rate = delivered / sent"));
    assert!(!md.contains("NaN"));
}

fn parse_csv(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(bytes);
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

#[tokio::test]
async fn csv_section_to_stdout() {
    let db = outreach_db().await;
    let run = db.run(&[
        "report",
        "--event",
        "2026",
        "--format",
        "csv",
        "--section",
        "unattributed",
    ]);
    run.ok();
    assert!(!run.stdout.starts_with('\u{feff}'), "no BOM on a pipe");
    let (header, rows) = parse_csv(run.stdout.as_bytes());
    assert_eq!(
        header,
        ["event", "source", "registrations", "suggestion", "example"]
    );
    assert_eq!(rows.len(), 5, "four sources of one event, one of the other");
    assert_eq!(
        rows[0],
        ["data-ai-day-2026", "linkedin", "3", "", "LinkedIn"]
    );
    assert_eq!(rows[2][3], "cfp-2026");
    // The formula a ticket buyer typed is text in a spreadsheet.
    assert_eq!(rows[3][4], "'=HYPERLINK(\"http://evil.example\",\"x\")");
    assert_eq!(rows[4][0], "data-ai-day-cape-town-2026");

    // Rates are fractions; a rate over zero is empty.
    let funnel = db.run(&[
        "report",
        "--event",
        "data-ai-day-2026",
        "--format",
        "csv",
        "--section",
        "funnel",
    ]);
    funnel.ok();
    let (header, rows) = parse_csv(funnel.stdout.as_bytes());
    let rate = header.iter().position(|h| h == "delivery_rate").unwrap();
    assert_eq!(rows[0][rate], "0.6");
    assert_eq!(rows[3][rate], "", "email 4 sent nothing");
    assert!(!funnel.stdout.contains("NaN"));
}

#[tokio::test]
async fn out_dir_writes_excel_safe_files_and_summary_json() {
    let db = outreach_db().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("weekly");
    let run = db.run(&["report", "--event", "2026", "--out", out.to_str().unwrap()]);
    run.ok();
    assert!(run.stdout.is_empty(), "files only: {}", run.stdout);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "data-ai-day-2026-campaigns.csv",
            "data-ai-day-2026-funnel.csv",
            "data-ai-day-2026-reach.csv",
            "data-ai-day-2026-unattributed.csv",
            "data-ai-day-cape-town-2026-campaigns.csv",
            "data-ai-day-cape-town-2026-funnel.csv",
            "data-ai-day-cape-town-2026-reach.csv",
            "data-ai-day-cape-town-2026-unattributed.csv",
            "summary.json",
        ]
    );
    for name in names.iter().filter(|n| n.ends_with(".csv")) {
        let bytes = std::fs::read(out.join(name)).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "{name} has no BOM");
        let (_, rows) = parse_csv(&bytes[3..]);
        for cell in rows.iter().flatten() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{name}: live formula {cell:?}"
            );
        }
    }
    let campaigns = std::fs::read(out.join("data-ai-day-2026-campaigns.csv")).unwrap();
    let (header, rows) = parse_csv(&campaigns[3..]);
    assert_eq!(header[0], "campaign_id");
    assert_eq!(rows[4][1], "'@Sponsors 2026");
    let names_column: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        &names_column[5..],
        [
            "Ambiguous: id:3 Reminder — Last Chance, id:4 Reminder: last chance!",
            "Unattributed (see Unattributed sources)",
            "No source",
            "Total"
        ]
    );
    assert_eq!(rows.last().unwrap()[5], "16");
    let unattributed = std::fs::read(out.join("data-ai-day-2026-unattributed.csv")).unwrap();
    let text = String::from_utf8(unattributed).unwrap();
    assert!(text.contains("\"'=HYPERLINK("), "{text}");

    // summary.json is the JSON document.
    let summary: Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let mut printed = report_json(&db, "2026");
    printed["generated_at"] = summary["generated_at"].clone();
    assert_eq!(summary, printed);

    // Run again: files replaced in place, no temporary files left over.
    db.run(&[
        "report",
        "--event",
        "2026",
        "--out",
        out.to_str().unwrap(),
        "--section",
        "reach",
    ])
    .ok();
    let count = std::fs::read_dir(&out).unwrap().count();
    assert_eq!(count, 9);
}

#[tokio::test]
async fn out_follows_the_extension() {
    let db = outreach_db().await;
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str, more: &[&str]| {
        let path = dir.path().join(name);
        let mut args = vec!["report", "--event", "2026", "--out", path.to_str().unwrap()];
        args.extend(more);
        (db.run(&args), path)
    };
    // .md: one Markdown file, not a directory (as it once was).
    let (run, md) = out("report.md", &[]);
    run.ok();
    assert!(run.stdout.is_empty());
    assert!(md.is_file(), "{}", run.stderr);
    let text = std::fs::read_to_string(&md).unwrap();
    let printed = db.run(&["report", "--event", "2026", "--format", "markdown"]);
    let without_time = |t: &str| {
        t.lines()
            .filter(|l| !l.starts_with("Generated"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(without_time(&text), without_time(&printed.ok().stdout));
    // .json: the JSON document.
    let (run, json) = out("report.json", &[]);
    run.ok();
    let doc: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let mut printed = report_json(&db, "2026");
    printed["generated_at"] = doc["generated_at"].clone();
    assert_eq!(doc, printed);
    // .csv: one section, for Excel; without --section, a usage error.
    let (run, csv) = out("funnel.csv", &["--section", "funnel"]);
    run.ok();
    let bytes = std::fs::read(&csv).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let (header, _) = parse_csv(&bytes[3..]);
    assert_eq!(&header[..3], ["event", "campaign_id", "campaign"]);
    let (run, csv) = out("all.csv", &[]);
    run.expect_code(2);
    assert!(run.stderr.contains("--section"), "{}", run.stderr);
    assert!(!csv.exists());
    // .txt: the whole tables, no colour, whatever COLUMNS says.
    let txt = dir.path().join("report.txt");
    let run = crate::harness::Run::of(db.attrib().env("COLUMNS", "80").args([
        "report",
        "--event",
        "2026",
        "--out",
        txt.to_str().unwrap(),
    ]));
    run.ok();
    let text = std::fs::read_to_string(&txt).unwrap();
    assert!(text.contains("first registration") && !text.contains("Left out"));
    // No extension: the CSV directory; an existing directory too, whatever
    // its name.
    let (run, plain) = out("weekly", &[]);
    run.ok();
    assert!(plain.join("summary.json").is_file());
    let named = dir.path().join("old.md");
    std::fs::create_dir(&named).unwrap();
    out("old.md", &[]).0.ok();
    assert!(named.join("summary.json").is_file());
    // An extension attrib does not write: a usage error, nothing written.
    let (run, xlsx) = out("report.xlsx", &[]);
    run.expect_code(2);
    assert!(run.stderr.contains(".html"), "{}", run.stderr);
    assert!(!xlsx.exists());
}

#[tokio::test]
async fn unknown_or_missing_event_lists_the_events() {
    let db = outreach_db().await;
    let before = db.snapshot().await;
    let run = db.run(&["report", "--event", "data-ai-day-2027"]);
    run.expect_code(2);
    assert!(run.stdout.is_empty());
    for needle in [
        "no event matches --event data-ai-day-2027",
        "data-ai-day-2026 (id:1",
        "data-ai-day-cape-town-2026 (id:2",
        "data-ai-day-2025 (id:3",
    ] {
        assert!(run.stderr.contains(needle), "{needle}: {}", run.stderr);
    }
    let year = db.run(&["report", "--event", "2030"]);
    year.expect_code(2);
    assert!(year.stderr.contains("data-ai-day-2025"), "{}", year.stderr);
    let missing = db.run(&["report"]);
    missing.expect_code(2);
    assert!(missing.stderr.contains("--event"), "{}", missing.stderr);
    assert!(
        missing.stderr.contains("data-ai-day-2026"),
        "{}",
        missing.stderr
    );
    assert_eq!(db.snapshot().await, before);
}

#[tokio::test]
async fn option_combinations_that_cannot_work_are_usage_errors() {
    let db = outreach_db().await;
    let csv = db.run(&["report", "--event", "2026", "--format", "csv"]);
    csv.expect_code(2);
    assert!(csv.stderr.contains("--section"), "{}", csv.stderr);
    let dir = tempfile::tempdir().unwrap();
    let json_out = db.run(&[
        "report",
        "--event",
        "2026",
        "--format",
        "json",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    // --format json with a directory: the document as DIR/report.json.
    json_out.ok();
    assert!(dir.path().join("report.json").is_file());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    let json_section = db.run(&[
        "report",
        "--event",
        "2026",
        "--format",
        "json",
        "--section",
        "funnel",
    ]);
    json_section.expect_code(2);
    assert!(
        json_section.stderr.contains("jq"),
        "{}",
        json_section.stderr
    );
    db.run(&["report", "--event", "2026", "--section", "nope"])
        .expect_code(2);
}

#[tokio::test]
async fn strict_exits_3_only_when_sources_need_attention() {
    let db = outreach_db().await;
    // Both events imported just now: the data is not stale.
    db.exec(
        "INSERT INTO import_batches (source, file_name, sha256, file_bytes, event_id, started_at)
         SELECT 'quicket', 'export.csv', repeat('a', 64), 1, id, now() FROM events",
    )
    .await;
    let run = db.run(&[
        "report",
        "--event",
        "data-ai-day-2026",
        "--strict",
        "--quiet",
    ]);
    run.expect_code(3);
    assert!(!run.stdout.is_empty(), "the report is still printed");
    assert!(
        run.stderr.contains("reminder-last-chance"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("cfp-206"), "{}", run.stderr);
    // Cape Town's only problem is 'campaign-1': no likely typo, nothing ambiguous.
    db.run(&[
        "report",
        "--event",
        "data-ai-day-cape-town-2026",
        "--strict",
    ])
    .ok();
    // Without --strict the same findings do not change the exit code.
    db.run(&["report", "--event", "data-ai-day-2026"]).ok();
}

/// The staleness note of `attrib summary`, on the report: no import, or
/// the last one longer ago than --stale-after (default 3d).
#[tokio::test]
async fn a_stale_or_missing_import_is_noted_as_by_the_summary() {
    let db = outreach_db().await;
    let report = |more: &[&str]| {
        let mut args = vec!["report", "--event", "data-ai-day-2026"];
        args.extend(more);
        db.run(&args)
    };
    let never = "no Quicket export has ever been imported for this event";
    let run = report(&[]);
    run.ok();
    assert!(run.stderr.contains(never), "{}", run.stderr);
    // The same words as the summary's.
    let summary = db.run(&["summary", "--event", "data-ai-day-2026"]);
    assert!(summary.ok().stdout.contains(never), "{}", summary.stdout);

    db.exec(
        "INSERT INTO import_batches (source, file_name, sha256, file_bytes, event_id, started_at, finished_at)
         VALUES ('quicket', 'export.csv', repeat('a', 64), 1, 1, now() - interval '5 days', now() - interval '5 days')",
    )
    .await;
    let run = report(&[]);
    run.ok();
    assert!(
        run.stderr.contains("the last Quicket import finished")
            && run
                .stderr
                .contains("(5 days ago), longer ago than --stale-after 3d"),
        "{}",
        run.stderr
    );
    // --strict: exit 3; a longer --stale-after: no note.
    report(&["--strict"]).expect_code(3);
    let fresh = report(&["--stale-after", "1w"]);
    fresh.ok();
    assert!(!fresh.stderr.contains("Quicket import"), "{}", fresh.stderr);
    report(&["--stale-after", "3"]).expect_code(2);
}

#[tokio::test]
async fn an_event_with_nothing_yet_reports_zeros_not_errors() {
    let db = TestDb::migrated().await;
    db.exec("INSERT INTO events (name, slug, starts_on) VALUES ('Data & AI Day 2027', 'data-ai-day-2027', '2027-09-16')")
        .await;
    let doc = report_json(&db, "2027");
    let e = event(&doc, "data-ai-day-2027");
    assert_eq!(e["registrations"], 0);
    assert_eq!(e["revenue"], 0.0);
    assert_eq!(e["campaigns"], json!([]));
    assert_eq!(e["funnel"], json!([]));
    assert_eq!(e["no_source"], 0);
    let table = db.run(&["report", "--event", "2027"]);
    table.ok();
    assert!(table.stdout.contains("0 registrations"), "{}", table.stdout);
    assert!(!table.stdout.contains("NaN"));
}

#[tokio::test]
async fn the_report_writes_nothing() {
    let db = outreach_db().await;
    let before = db.snapshot().await;
    let updated: String = db
        .scalar("SELECT max(updated_at)::text FROM campaigns")
        .await;
    db.run(&["report", "--event", "2026"]).ok();
    assert_eq!(db.snapshot().await, before);
    let after: String = db
        .scalar("SELECT max(updated_at)::text FROM campaigns")
        .await;
    assert_eq!(updated, after);
}

/// `--emit-psql` writes the very queries and parameters the report ran; run
/// through PostgreSQL they give the same figures.
#[tokio::test]
async fn emitted_psql_script_runs_the_same_queries() {
    let db = outreach_db().await;
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("report.sql");
    db.run(&[
        "report",
        "--event",
        "2026",
        "--format",
        "json",
        "--emit-psql",
        script.to_str().unwrap(),
    ])
    .ok();
    let text = std::fs::read_to_string(&script).unwrap();
    for name in [
        "report_meta",
        "report_event_campaigns",
        "report_sources",
        "report_campaigns",
        "report_unattributed",
        "report_reach",
        "report_funnel",
    ] {
        assert!(text.contains(&format!("PREPARE {name}_")), "{name}");
    }
    assert_eq!(text.matches("EXECUTE report_campaigns_").count(), 2);
    // A hostile source survives quoting.
    assert!(text.contains("'=HYPERLINK(\"http://evil.example\",\"x\")'"));
    use sqlx::Row;
    let rows = sqlx::raw_sql(sqlx::AssertSqlSafe(text))
        .fetch_all(&db.pool)
        .await
        .unwrap();
    // The total row of event 1's section 1 is among them, with 16.
    let totals: Vec<i64> = rows
        .iter()
        .filter(|r| r.try_get::<String, _>("kind").is_ok_and(|k| k == "total"))
        .map(|r| r.get::<i64, _>("registrations"))
        .collect();
    assert_eq!(totals, [16, 2]);
}

/// A recipient whose status was left NULL counts as queued, the column's
/// default: recipients and queued both count it.
#[tokio::test]
async fn a_null_recipient_status_counts_as_queued() {
    let db = outreach_db().await;
    db.exec("INSERT INTO communication_recipients (communication_id, contact_id, status) VALUES (5, 16, NULL)")
        .await;
    let doc = report_json(&db, "data-ai-day-2026");
    let email5 = event(&doc, "data-ai-day-2026")["funnel"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["communication_id"] == 5)
        .unwrap()
        .clone();
    assert_eq!(email5["recipients"], 1);
    assert_eq!(email5["queued"], 1);
    assert_eq!(email5["sent"], 0);
    assert_eq!(email5["delivery_rate"], Value::Null);
}

#[test]
fn help_teaches_the_formulas_and_the_sections() {
    let run = crate::harness::Run::of(crate::harness::attrib_command().args(["report", "--help"]));
    run.ok();
    for needle in [
        "delivery rate  = delivered / sent",
        "open rate      = opened / delivered",
        "click rate     = clicked / delivered",
        "click-to-open  = clicked / opened",
        "bounce rate    = bounced / sent",
        "a rate over zero is left empty",
        "Registrations per campaign",
        "campaign-N",
        "--out reports/",
    ] {
        assert!(
            run.stdout.contains(needle),
            "{needle:?} missing from\n{}",
            run.stdout
        );
    }
}
