//! `attrib mcp` driven by rmcp's own client (a client this project did not
//! write) as a child process, on tests/fixtures/report/outreach.sql (the
//! report's hand-checked fixture); and by raw lines on stdin, for EOF,
//! signals and garbage.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::service::RunningService;
use rmcp::transport::{ConfigureCommandExt, TokioChildProcess};
use rmcp::{RoleClient, ServiceExt};
use serde_json::{Value, json};

use crate::harness::{TestDb, fixture};

const TOOLS: [&str; 10] = [
    "list_events",
    "list_campaigns",
    "registrations_report",
    "unattributed_sources",
    "email_funnel",
    "who_was_sent",
    "outreach",
    "contact_history",
    "campaign_timeline",
    "summary",
];

async fn outreach_db() -> TestDb {
    let db = TestDb::migrated().await;
    let sql = std::fs::read_to_string(fixture("report/outreach.sql")).unwrap();
    db.exec(&sql).await;
    db
}

type Client = RunningService<RoleClient, ()>;

/// `attrib mcp` on `db`, with an initialised session.
async fn client(db: &TestDb) -> Client {
    let command = tokio::process::Command::new(env!("CARGO_BIN_EXE_attrib")).configure(|c| {
        c.arg("mcp")
            .env("DATABASE_URL", &db.url)
            .env_remove("ATTRIB_HOME")
            .env("NO_COLOR", "1");
    });
    let (transport, _stderr) = TokioChildProcess::builder(command)
        .stderr(Stdio::inherit())
        .spawn()
        .expect("cannot start attrib mcp");
    ().serve(transport)
        .await
        .expect("the MCP session did not start")
}

async fn call_result(client: &Client, tool: &str, arguments: Value) -> CallToolResult {
    let Value::Object(arguments) = arguments else {
        panic!("arguments must be an object")
    };
    client
        .call_tool(CallToolRequestParams::new(tool.to_string()).with_arguments(arguments))
        .await
        .unwrap_or_else(|e| panic!("{tool}: protocol error {e}"))
}

fn text_of(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|c| c.as_text())
        .map(|t| t.text.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A successful call's structured content, checked to equal its text.
async fn call(client: &Client, tool: &str, arguments: Value) -> Value {
    let result = call_result(client, tool, arguments.clone()).await;
    assert_ne!(
        result.is_error,
        Some(true),
        "{tool} {arguments}: {}",
        text_of(&result)
    );
    let structured = result
        .structured_content
        .clone()
        .unwrap_or_else(|| panic!("{tool}: no structured content"));
    assert!(structured.is_object(), "{tool}: {structured}");
    let text: Value = serde_json::from_str(&text_of(&result))
        .unwrap_or_else(|e| panic!("{tool}: the text is not JSON: {e}"));
    assert_eq!(
        text, structured,
        "{tool}: text and structured content differ"
    );
    structured
}

/// A call that must fail as a tool error; its text.
async fn call_error(client: &Client, tool: &str, arguments: Value) -> String {
    let result = call_result(client, tool, arguments.clone()).await;
    assert_eq!(
        result.is_error,
        Some(true),
        "{tool} {arguments} should fail: {}",
        text_of(&result)
    );
    text_of(&result)
}

#[tokio::test]
async fn initialize_and_list_every_tool_with_its_description_and_schema() {
    let db = outreach_db().await;
    let client = client(&db).await;
    let info = client.peer_info().expect("initialised");
    let server = info.server_info.as_ref().expect("server info");
    assert_eq!(server.name, "attrib");
    assert_eq!(server.version, env!("CARGO_PKG_VERSION"));
    assert!(info.capabilities.tools.is_some());
    assert!(
        info.instructions
            .as_deref()
            .is_some_and(|i| i.contains("list_events") && i.contains("read-only")),
        "{:?}",
        info.instructions
    );

    let tools = client.list_all_tools().await.unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(names, TOOLS);
    for tool in &tools {
        let name = tool.name.as_ref();
        let description = tool.description.as_deref().unwrap_or_default();
        assert!(
            description.len() > 150 && description.contains("Use it"),
            "{name}: the description should say what it answers and when to use it: {description}"
        );
        let annotations = tool.annotations.as_ref().expect("annotations");
        assert_eq!(annotations.read_only_hint, Some(true), "{name}");
        let schema = Value::Object((*tool.input_schema).clone());
        assert_eq!(schema["type"], "object", "{name}");
        assert_eq!(schema["additionalProperties"], false, "{name}");
        for (property, spec) in schema["properties"].as_object().unwrap() {
            assert!(
                spec["description"].as_str().is_some_and(|d| d.len() > 20),
                "{name}.{property}: no description"
            );
        }
    }
    let schema = |name: &str| {
        let tool = tools.iter().find(|t| t.name == name).unwrap();
        Value::Object((*tool.input_schema).clone())
    };
    let required = |name: &str| schema(name)["required"].clone();
    assert_eq!(required("list_events"), Value::Null);
    assert_eq!(required("list_campaigns"), Value::Null);
    assert_eq!(required("registrations_report"), json!(["event"]));
    assert_eq!(required("unattributed_sources"), json!(["event"]));
    assert_eq!(required("email_funnel"), json!(["event"]));
    assert_eq!(required("who_was_sent"), Value::Null);
    assert_eq!(required("outreach"), json!(["event"]));
    assert_eq!(required("contact_history"), json!(["email"]));
    assert_eq!(required("campaign_timeline"), json!(["campaign"]));
    assert_eq!(required("summary"), json!(["event"]));
    let report = schema("registrations_report");
    assert_eq!(
        report["properties"]["model"]["enum"],
        json!(["source", "first-touch", "last-touch", "linear", null])
    );
    assert_eq!(
        report["properties"]["section"]["enum"],
        json!([
            "campaigns",
            "unattributed",
            "reach",
            "funnel",
            "models",
            null
        ])
    );
    assert_eq!(
        schema("who_was_sent")["properties"]["campaign_type"]["enum"],
        json!([
            "cfp",
            "registration",
            "reminder",
            "thank_you",
            "sponsor",
            "general",
            null
        ])
    );
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn every_tool_answers_from_the_data() {
    let db = outreach_db().await;
    let client = client(&db).await;

    let events = call(&client, "list_events", json!({})).await;
    let slugs: Vec<&str> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        slugs,
        [
            "data-ai-day-2025",
            "data-ai-day-2026",
            "data-ai-day-cape-town-2026"
        ]
    );
    // 19 tickets, of which T5 cancelled and T7, T16 refunded.
    assert_eq!(events["events"][1]["tickets"], 19);
    assert_eq!(events["events"][1]["registrations"], 16);

    let campaigns = call(
        &client,
        "list_campaigns",
        json!({"event": "data-ai-day-2026"}),
    )
    .await;
    let ids: Vec<i64> = campaigns["campaigns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    assert_eq!(campaigns["campaigns"][0]["slug"], "cfp-2026");
    let warnings = campaigns["warnings"].to_string();
    assert!(warnings.contains("reminder-last-chance"), "{warnings}");
    let all = call(&client, "list_campaigns", json!({})).await;
    assert_eq!(all["campaigns"].as_array().unwrap().len(), 7);

    let unattributed = call(
        &client,
        "unattributed_sources",
        json!({"event": "data-ai-day-2026"}),
    )
    .await;
    let typo = unattributed["unattributed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["source"] == "cfp-206")
        .unwrap_or_else(|| panic!("{unattributed:#}"));
    assert_eq!(typo["suggestion"], "cfp-2026");
    assert_eq!(typo["registrations"], 1);
    assert_eq!(unattributed["registrations"], 16);
    assert!(
        unattributed["attention"]
            .as_str()
            .is_some_and(|a| a.contains("cfp-206")),
        "{unattributed:#}"
    );

    let funnel = call(
        &client,
        "email_funnel",
        json!({"event": "2025", "campaign": "cfp-2025"}),
    )
    .await;
    assert_eq!(funnel["campaign"], "cfp-2025");
    assert!(funnel["formulas"].as_str().unwrap().contains("open rate"));
    let funnel_2026 = call(
        &client,
        "email_funnel",
        json!({"event": "data-ai-day-2026"}),
    )
    .await;
    let cfp = call(
        &client,
        "email_funnel",
        json!({"event": "data-ai-day-2026", "campaign": "id:1"}),
    )
    .await;
    let rows = cfp["funnel"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["campaign_id"] == 1), "{cfp:#}");
    assert!(funnel_2026["funnel"].as_array().unwrap().len() > rows.len());

    // The same rows as the command line prints, for each of these.
    let cli = |args: &[&str]| db.run(args).ok().json();
    let who = call(
        &client,
        "who_was_sent",
        json!({"campaign": "cfp-2026", "event": "data-ai-day-2026"}),
    )
    .await;
    assert_eq!(
        who["recipients"],
        cli(&[
            "who",
            "--campaign",
            "cfp-2026",
            "--event",
            "data-ai-day-2026",
            "--format",
            "json"
        ])
    );
    assert!(!who["recipients"].as_array().unwrap().is_empty());
    assert!(who.get("truncated").is_none());
    let by_type = call(
        &client,
        "who_was_sent",
        json!({"event": "data-ai-day-2026", "campaign_type": "cfp"}),
    )
    .await;
    assert_eq!(by_type["recipients"], who["recipients"]);

    let outreach = call(&client, "outreach", json!({"event": "data-ai-day-2026"})).await;
    let outreach_cli = cli(&[
        "outreach",
        "--event",
        "data-ai-day-2026",
        "--format",
        "json",
    ]);
    for key in ["campaigns", "communications", "assets"] {
        assert_eq!(outreach[key], outreach_cli[key], "{key}");
    }
    assert_eq!(outreach["event"]["slug"], "data-ai-day-2026");

    let history = call(
        &client,
        "contact_history",
        json!({"email": "Person1@Example.org"}),
    )
    .await;
    let history_cli = cli(&["contact", "person1@example.org", "--format", "json"]);
    assert_eq!(history["contact"], history_cli["contact"][0]);
    assert_eq!(history["sent"], history_cli["sent"]);
    assert_eq!(history["tickets"], history_cli["tickets"]);
    // T1, T15, C2 and P1.
    assert_eq!(history["tickets"].as_array().unwrap().len(), 4);

    let timeline = call(
        &client,
        "campaign_timeline",
        json!({"campaign": "cfp-2026", "event": "data-ai-day-2026"}),
    )
    .await;
    assert_eq!(timeline["campaign"]["id"], 1);
    assert_eq!(
        timeline["timeline"],
        cli(&[
            "timeline",
            "--campaign",
            "cfp-2026",
            "--event",
            "data-ai-day-2026",
            "--format",
            "json"
        ])
    );

    let summary = call(
        &client,
        "summary",
        json!({"event": "data-ai-day-2026", "since": "2026-01-01"}),
    )
    .await;
    let summary_cli = cli(&[
        "summary",
        "--event",
        "data-ai-day-2026",
        "--since",
        "2026-01-01",
        "--format",
        "json",
    ]);
    // Now moves on between the two: compare what does not depend on it.
    assert_eq!(
        summary["events"][0]["campaigns"],
        summary_cli["events"][0]["campaigns"]
    );
    assert_eq!(summary["events"][0]["new_registrations"], 16);
    assert_eq!(summary["window"]["label"], summary_cli["window"]["label"]);
    client.cancel().await.unwrap();
}

fn without_generated_at(mut doc: Value) -> Value {
    doc.as_object_mut().unwrap().remove("generated_at");
    doc
}

#[tokio::test]
async fn registrations_report_is_the_report_json_document() {
    let db = outreach_db().await;
    let client = client(&db).await;
    for (tool_args, cli_args) in [
        (json!({"event": "2026"}), vec![]),
        (json!({"event": "data-ai-day-2025"}), vec![]),
        (
            json!({"event": "2026", "model": "last-touch", "window": "14d"}),
            vec!["--model", "last-touch", "--window", "14d"],
        ),
    ] {
        let event = tool_args["event"].as_str().unwrap().to_string();
        let doc = call(&client, "registrations_report", tool_args.clone()).await;
        let mut args = vec!["report", "--event", &event, "--format", "json"];
        args.extend(cli_args);
        let cli = db.run(&args).ok().json();
        assert!(doc["generated_at"].is_string());
        assert_eq!(
            without_generated_at(doc),
            without_generated_at(cli),
            "{tool_args}"
        );
    }
    // One section: the events keep who they are and only that part.
    let doc = call(
        &client,
        "registrations_report",
        json!({"event": "data-ai-day-2026", "section": "unattributed"}),
    )
    .await;
    let event = doc["events"][0].as_object().unwrap();
    let keys: Vec<&str> = event.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "id",
            "slug",
            "name",
            "starts_on",
            "registrations",
            "contacts",
            "revenue",
            "unattributed"
        ]
    );
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn bad_arguments_are_tool_errors_and_the_server_goes_on() {
    let db = outreach_db().await;
    let client = client(&db).await;

    // Unknown event: the events there are.
    let text = call_error(&client, "registrations_report", json!({"event": "2030"})).await;
    assert!(
        text.contains("no event matches event 2030") && text.contains("data-ai-day-2026 (id:1"),
        "{text}"
    );
    // A year matching several events, where one is needed.
    let text = call_error(&client, "outreach", json!({"event": "2026"})).await;
    assert!(
        text.contains("matches 2 events") && text.contains("data-ai-day-cape-town-2026"),
        "{text}"
    );
    // A campaign slug of two events: the candidates.
    let text = call_error(
        &client,
        "campaign_timeline",
        json!({"campaign": "cfp-2026"}),
    )
    .await;
    assert!(
        text.contains("id:1") && text.contains("id:6") && text.contains("add event"),
        "{text}"
    );
    // Unknown campaign: the campaigns there are.
    let text = call_error(
        &client,
        "email_funnel",
        json!({"event": "data-ai-day-2026", "campaign": "cfp-2062"}),
    )
    .await;
    assert!(text.contains("cfp-2026 (id:1"), "{text}");
    // Values out of their enums, malformed values, missing, unknown and
    // mistyped arguments.
    let text = call_error(
        &client,
        "registrations_report",
        json!({"event": "2026", "model": "best"}),
    )
    .await;
    assert!(text.contains("first-touch, last-touch, linear"), "{text}");
    let text = call_error(
        &client,
        "registrations_report",
        json!({"event": "2026", "window": "14d"}),
    )
    .await;
    assert!(text.contains("model"), "{text}");
    let text = call_error(
        &client,
        "who_was_sent",
        json!({"event": "2025", "campaign_type": "webinar"}),
    )
    .await;
    assert!(text.contains("cfp, registration"), "{text}");
    let text = call_error(&client, "who_was_sent", json!({})).await;
    assert!(
        text.contains("campaign") && text.contains("event"),
        "{text}"
    );
    let text = call_error(
        &client,
        "summary",
        json!({"event": "2025", "since": "yesterday"}),
    )
    .await;
    assert!(text.contains("yesterday"), "{text}");
    let text = call_error(&client, "contact_history", json!({})).await;
    assert!(text.contains("missing field `email`"), "{text}");
    let text = call_error(&client, "outreach", json!({"evnt": "2025"})).await;
    assert!(text.contains("unknown field `evnt`"), "{text}");
    let text = call_error(&client, "outreach", json!({"event": 2025})).await;
    assert!(text.contains("invalid type"), "{text}");
    let text = call_error(
        &client,
        "contact_history",
        json!({"email": "nobody@example.org"}),
    )
    .await;
    assert!(text.contains("no contact has the email address"), "{text}");
    // An unknown tool is a protocol error.
    let unknown = client
        .call_tool(CallToolRequestParams::new("drop_tables"))
        .await;
    assert!(unknown.is_err(), "{unknown:?}");

    // Still answering.
    let events = call(&client, "list_events", json!({})).await;
    assert_eq!(events["events"].as_array().unwrap().len(), 3);
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn a_long_recipient_list_is_cut_with_its_total_and_how_to_narrow_it() {
    let db = outreach_db().await;
    db.exec(
        "INSERT INTO contacts (id, email) SELECT n, 'bulk' || n || '@example.org'
           FROM generate_series(1001, 1250) AS n;
         INSERT INTO communication_recipients (communication_id, contact_id, status)
           SELECT 1, n, 'delivered' FROM generate_series(1001, 1250) AS n;",
    )
    .await;
    let all = db
        .run(&["who", "--campaign", "id:1", "--format", "json"])
        .ok()
        .json();
    let total = all.as_array().unwrap().len();
    assert!(total > 250, "{total}");
    let client = client(&db).await;
    let who = call(&client, "who_was_sent", json!({"campaign": "id:1"})).await;
    let recipients = who["recipients"].as_array().unwrap();
    assert_eq!(recipients.len(), 200);
    assert_eq!(recipients[..], all.as_array().unwrap()[..200]);
    let truncated = &who["truncated"]["recipients"];
    assert_eq!(truncated["shown"], 200);
    assert_eq!(truncated["total"], total);
    let note = truncated["note"].as_str().unwrap();
    assert!(
        note.contains(&format!("200 of {total} recipients")) && note.contains("contact_history"),
        "{note}"
    );
    client.cancel().await.unwrap();
}

/// Every row of every table of the database, as one digest per table.
async fn fingerprint(db: &TestDb) -> Vec<(String, String)> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables
         WHERE table_schema IN ('public', 'attrib') AND table_type = 'BASE TABLE' ORDER BY 1",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let mut out = Vec::new();
    for table in tables {
        let digest: Option<String> = db
            .scalar(&format!(
                "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {table} AS t"
            ))
            .await;
        out.push((table, digest.unwrap_or_default()));
    }
    out
}

#[tokio::test]
async fn a_tool_call_cannot_change_the_database() {
    let db = outreach_db().await;
    let before = fingerprint(&db).await;
    let client = client(&db).await;
    let hostile = "2026'; DELETE FROM tickets; --";
    for (tool, arguments) in [
        ("list_events", json!({})),
        ("list_campaigns", json!({"event": hostile})),
        (
            "registrations_report",
            json!({"event": "2026", "model": "linear"}),
        ),
        ("registrations_report", json!({"event": hostile})),
        ("unattributed_sources", json!({"event": "data-ai-day-2026"})),
        ("email_funnel", json!({"event": "data-ai-day-2026"})),
        ("who_was_sent", json!({"event": "data-ai-day-2026"})),
        ("who_was_sent", json!({"campaign": hostile})),
        ("outreach", json!({"event": "data-ai-day-2026"})),
        ("contact_history", json!({"email": hostile})),
        ("contact_history", json!({"email": "person1@example.org"})),
        ("campaign_timeline", json!({"campaign": "id:1"})),
        ("summary", json!({"event": "2026", "since": "2w"})),
    ] {
        call_result(&client, tool, arguments).await;
    }
    // The server's connections are its read-only ones.
    let connections: i64 = db
        .scalar(&format!(
            "SELECT count(*) FROM pg_stat_activity
             WHERE datname = '{}' AND application_name = 'attrib mcp'",
            db.name
        ))
        .await;
    assert!(connections > 0);
    client.cancel().await.unwrap();
    assert_eq!(fingerprint(&db).await, before);
}

/// `attrib mcp` on `db` with raw pipes.
fn spawn_raw(db: &TestDb) -> Child {
    db.attrib()
        .arg("mcp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start attrib mcp")
}

const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#;
const INITIALIZED: &str = r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;

const LIST_EVENTS: &str =
    r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_events"}}"#;
const REPORT_2026: &str = r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"registrations_report","arguments":{"event":"2026"}}}"#;

/// Waits for the child to exit, at most a minute.
fn wait(mut child: Child) -> (i32, String, String) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("attrib mcp did not exit");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every stdout line is a JSON-RPC message; the responses by id.
fn responses(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|line| {
            let message: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("stdout carries a non-protocol line ({e}): {line}"));
            assert_eq!(message["jsonrpc"], "2.0", "{line}");
            message
        })
        .collect()
}

#[tokio::test]
async fn eof_on_stdin_ends_the_server_with_exit_0() {
    let db = outreach_db().await;
    let mut child = spawn_raw(&db);
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{INITIALIZE}\n{INITIALIZED}").unwrap();
    writeln!(
        stdin,
        r#"{{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{{"name":"list_events","arguments":{{}}}}}}"#
    )
    .unwrap();
    drop(stdin);
    let (code, stdout, stderr) = wait(child);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let messages = responses(&stdout);
    let answer = messages
        .iter()
        .find(|m| m["id"] == 2)
        .unwrap_or_else(|| panic!("no answer to the call before EOF: {stdout}"));
    assert_eq!(
        answer["result"]["structuredContent"]["events"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // EOF before the session began is a clean exit too.
    let mut child = spawn_raw(&db);
    drop(child.stdin.take());
    let (code, stdout, stderr) = wait(child);
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
}

#[tokio::test]
async fn sigterm_ends_the_server_with_exit_0() {
    let db = outreach_db().await;
    let mut child = spawn_raw(&db);
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{INITIALIZE}\n{INITIALIZED}").unwrap();
    stdin.flush().unwrap();
    // Serving once the initialize answer is out.
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert!(line.contains(r#""id":1"#), "{line}");
    // SAFETY: a signal to the child this test started.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let (code, _, stderr) = wait(child);
    assert_eq!(code, 0, "{stderr}");
    drop(stdin);
}

#[tokio::test]
async fn garbage_on_stdin_gets_protocol_errors_and_no_panic() {
    let db = outreach_db().await;
    let mut child = spawn_raw(&db);
    let mut stdin = child.stdin.take().unwrap();
    for line in [
        "hello",
        "{not json",
        "\u{0}\u{1}\u{7f}binary",
        INITIALIZE,
        INITIALIZED,
        r#"{"foo": 1}"#,
        "[1, 2, 3]",
        "42",
        r#"{"jsonrpc":"2.0","id":3,"method":"no/such/method"}"#,
        r#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"list_events","arguments":"not an object"}}"#,
        r#"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"outreach","arguments":{"event":["x"]}}}"#,
        "))))",
        r#"{"jsonrpc":"2.0","id":6,"method":"tools/list"}"#,
    ] {
        writeln!(stdin, "{line}").unwrap();
    }
    drop(stdin);
    let (code, stdout, stderr) = wait(child);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let messages = responses(&stdout);
    let by_id = |id: i64| messages.iter().find(|m| m["id"] == id);
    // Lines that are not JSON: "Parse error", one each.
    let unparsable = messages
        .iter()
        .filter(|m| m["error"]["code"] == -32700 && m["id"].is_null())
        .count();
    assert_eq!(unparsable, 4, "{stdout}");
    // JSON that is no message: "Invalid request", with no id to answer to.
    let invalid = messages
        .iter()
        .filter(|m| m["error"]["code"] == -32600)
        .count();
    assert!(invalid >= 3, "{stdout}");
    assert_eq!(
        by_id(3).unwrap()["error"]["code"],
        -32601,
        "unknown method: {stdout}"
    );
    assert!(by_id(4).unwrap()["error"].is_object(), "{stdout}");
    assert_eq!(by_id(5).unwrap()["result"]["isError"], true, "{stdout}");
    assert_eq!(
        by_id(6).unwrap()["result"]["tools"]
            .as_array()
            .unwrap()
            .len(),
        TOOLS.len(),
        "still answering after the garbage: {stdout}"
    );
}

/// Lines that are not JSON, sent last, just before the input ends: each is
/// still answered, though rmcp has finished and closed its output by then.
#[tokio::test]
async fn parse_errors_sent_last_are_answered_before_the_exit() {
    let db = outreach_db().await;
    let mut child = spawn_raw(&db);
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{INITIALIZE}\n{INITIALIZED}").unwrap();
    writeln!(stdin, r#"{{"jsonrpc":"2.0","id":2,"method":"tools/list"}}"#).unwrap();
    for n in 0..60 {
        writeln!(stdin, "not json {n}").unwrap();
    }
    drop(stdin);
    let (code, stdout, stderr) = wait(child);
    assert_eq!(code, 0, "{stderr}");
    let messages = responses(&stdout);
    let unparsable = messages
        .iter()
        .filter(|m| m["error"]["code"] == -32700)
        .count();
    assert_eq!(unparsable, 60, "{stdout}");
    assert!(messages.iter().any(|m| m["id"] == 2), "{stdout}");
}

#[tokio::test]
async fn several_servers_and_commands_run_at_once() {
    let db = outreach_db().await;
    let children: Vec<Child> = (0..3)
        .map(|_| {
            let mut child = spawn_raw(&db);
            let mut stdin = child.stdin.take().unwrap();
            writeln!(stdin, "{INITIALIZE}\n{INITIALIZED}\n{REPORT_2026}").unwrap();
            // Closed once the answer is read below.
            child.stdin = Some(stdin);
            child
        })
        .collect();
    let report = db
        .run(&["report", "--event", "2026", "--format", "json"])
        .ok()
        .json();
    for mut child in children {
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let answer = loop {
            let mut line = String::new();
            assert!(stdout.read_line(&mut line).unwrap() > 0, "no answer");
            let message: Value = serde_json::from_str(&line).unwrap();
            if message["id"] == 2 {
                break message;
            }
        };
        assert_eq!(
            without_generated_at(answer["result"]["structuredContent"].clone()),
            without_generated_at(report.clone())
        );
        drop(child.stdin.take());
        let (code, _, stderr) = wait(child);
        assert_eq!(code, 0, "{stderr}");
    }
}

/// With no DATABASE_URL: the embedded server is started on first use and
/// stopped when the client goes away.
#[test]
fn the_embedded_server_is_started_and_stopped_with_the_session() {
    let home = tempfile::Builder::new()
        .prefix("attrib-home-")
        .tempdir_in("/tmp")
        .unwrap();
    let mut child = crate::harness::attrib_command()
        .arg("--home")
        .arg(home.path())
        .arg("mcp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{INITIALIZE}\n{INITIALIZED}\n{LIST_EVENTS}").unwrap();
    drop(stdin);
    let (code, stdout, stderr) = wait(child);
    let pid_file = home.path().join("pgdata/postmaster.pid");
    let still_up = pid_file.exists();
    if still_up {
        // Never leave a server behind, whatever happened.
        let _ = crate::harness::attrib_command()
            .arg("--home")
            .arg(home.path())
            .args(["db", "stop"])
            .output();
    }
    assert_eq!(code, 0, "{stderr}");
    assert!(!still_up, "the embedded server outlived attrib mcp");
    let messages = responses(&stdout);
    let answer = messages.iter().find(|m| m["id"] == 2).expect("an answer");
    assert_eq!(answer["result"]["structuredContent"]["events"], json!([]));
}
