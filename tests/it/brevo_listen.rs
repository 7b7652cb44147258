//! `attrib brevo listen`, end to end: the real binary on a loopback port,
//! a real HTTP client (ureq). Authentication, every refusal, single events
//! and arrays, the same funnel as `brevo ingest`, idempotency, events that
//! wait for their recipients, SIGTERM with nothing lost, /healthz, and
//! garbage that never brings the server down.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use sqlx::Connection as _;

use crate::brevo_marketing::{dump, fixture_db, shuffle};
use crate::harness::{TestDb, fixture};

const TOKEN: &str = "test-token-0123456789abcdef";

/// A running `attrib brevo listen`, stopped (SIGTERM) when dropped.
struct Listener {
    child: Child,
    base: String,
    /// What it printed on stderr, line by line.
    stderr: std::sync::Mutex<mpsc::Receiver<String>>,
}

impl Listener {
    fn start(db: &TestDb) -> Listener {
        Listener::start_with(db, &[])
    }

    /// Started with more arguments.
    fn start_with(db: &TestDb, more: &[&str]) -> Listener {
        let mut child = db
            .attrib()
            .args(["brevo", "listen", "--listen", "127.0.0.1:0"])
            .args(more)
            .env("ATTRIB_WEBHOOK_TOKEN", TOKEN)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (lines, stderr) = mpsc::channel();
        let pipe = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let _ = lines.send(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let Ok(line) = stderr.recv_timeout(deadline.saturating_duration_since(Instant::now()))
            else {
                let _ = child.kill();
                let _ = child.wait();
                panic!("brevo listen did not say where it listens");
            };
            if let Some(rest) = line.split("receiving Brevo webhooks on http://").nth(1) {
                let address = rest.split("/brevo").next().unwrap();
                return Listener {
                    child,
                    base: format!("http://{address}"),
                    stderr: std::sync::Mutex::new(stderr),
                };
            }
        }
    }

    fn post(&self, auth: Option<&str>, body: &[u8]) -> (u16, String) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut request = agent.post(format!("{}/brevo", self.base));
        if let Some(auth) = auth {
            request = request.header("Authorization", auth);
        }
        let mut response = request.send(body).unwrap();
        let status = response.status().as_u16();
        (status, response.body_mut().read_to_string().unwrap())
    }

    /// Writes `request` as it is on a fresh connection and reads the
    /// answer (the server may close before reading all of it).
    fn raw(&self, request: &str) -> String {
        use std::io::{Read, Write};
        let mut stream = self.raw_connection(Duration::from_secs(30));
        let _ = stream.write_all(request.as_bytes());
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    }

    /// A plain TCP connection to the listener, whose reads give up after
    /// `read_timeout` (a test that waits for the server fails, not hangs).
    fn raw_connection(&self, read_timeout: Duration) -> std::net::TcpStream {
        let stream = std::net::TcpStream::connect(self.base.trim_start_matches("http://")).unwrap();
        stream.set_read_timeout(Some(read_timeout)).unwrap();
        stream
    }

    /// `n` connections, each sending a request whose body stops halfway
    /// (one byte of the 100 it declares), kept open.
    fn stalled_bodies(&self, n: usize) -> Vec<std::net::TcpStream> {
        use std::io::Write;
        (0..n)
            .map(|_| {
                let mut stream = self.raw_connection(Duration::from_secs(20));
                stream
                    .write_all(
                        format!(
                            "POST /brevo HTTP/1.1\r\nHost: x\r\nAuthorization: {}\r\n\
                             Content-Length: 100\r\n\r\n[",
                            bearer()
                        )
                        .as_bytes(),
                    )
                    .unwrap();
                stream
            })
            .collect()
    }

    fn post_event(&self, body: &str) -> u16 {
        self.post(Some(&format!("Bearer {TOKEN}")), body.as_bytes())
            .0
    }

    fn health(&self) -> u16 {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        agent
            .get(format!("{}/healthz", self.base))
            .call()
            .unwrap()
            .status()
            .as_u16()
    }

    /// Waits until the applier has applied every event answered 200 so
    /// far: they are applied, or waiting to match, once the inbox is empty
    /// (taking them out of it and applying them is one transaction).
    async fn settled(&self, db: &TestDb) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while db.count("attrib.brevo_inbox").await > 0 {
            assert!(
                Instant::now() < deadline,
                "the accepted events were not applied"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Sends SIGTERM and waits: the exit code and the rest of stderr.
    fn stop(mut self) -> (i32, String) {
        // SAFETY: signalling our own child process.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let status = self.child.wait().unwrap();
        let rest: Vec<String> = self.stderr.lock().unwrap().try_iter().collect();
        (status.code().unwrap_or(-1), rest.join("\n"))
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn bearer() -> String {
    format!("Bearer {TOKEN}")
}

#[tokio::test]
async fn refuses_without_the_token_and_what_is_not_brevo_events() {
    let db = fixture_db().await;
    let listener = Listener::start(&db);
    assert_eq!(listener.health(), 200);
    let event =
        br#"{"camp_id":417,"email":"jane@example.com","event":"delivered","ts_event":1780646405}"#;
    let before = dump(&db).await;

    let (status, body) = listener.post(None, event);
    assert_eq!(status, 401);
    assert!(
        body.starts_with("{\"error\":\"missing or wrong token"),
        "{body}"
    );
    assert_eq!(
        listener
            .post(Some("Bearer wrong-token-0123456789"), event)
            .0,
        401
    );
    let wrong_basic = base64::engine::general_purpose::STANDARD.encode("brevo:not-the-token");
    assert_eq!(
        listener
            .post(Some(&format!("Basic {wrong_basic}")), event)
            .0,
        401
    );

    let (status, body) = listener.post(Some(&bearer()), b"event=delivered");
    assert_eq!(status, 400);
    assert!(body.contains("the body is not JSON"), "{body}");
    // Over 1 MiB: refused on the declared length, before the body is read...
    let answer = listener.raw(&format!(
        "POST /brevo HTTP/1.1\r\nHost: x\r\nAuthorization: {}\r\nContent-Length: {}\r\n\r\n[   ",
        bearer(),
        2 << 20
    ));
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("larger than 1 MiB"), "{answer}");
    // ...or, sent in chunks with no length, as soon as it passes the limit.
    let chunk = " ".repeat(64 * 1024);
    let mut chunked = format!(
        "POST /brevo HTTP/1.1\r\nHost: x\r\nAuthorization: {}\r\nTransfer-Encoding: chunked\r\n\r\n",
        bearer()
    );
    for _ in 0..20 {
        chunked.push_str(&format!("{:x}\r\n{chunk}\r\n", chunk.len()));
    }
    let answer = listener.raw(&chunked);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    // One bad event in an array: nothing of the request is written.
    let (status, body) = listener.post(
        Some(&bearer()),
        format!(
            "[{}, {{\"camp_id\":417,\"email\":\"jane@example.com\",\"event\":\"opened\"}}]",
            String::from_utf8_lossy(event)
        )
        .as_bytes(),
    );
    assert_eq!(status, 422);
    let error: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(
        error["error"].as_str().unwrap().starts_with(
            "event 2 of 2 is a marketing event (it has \"camp_id\") with no \"ts_event\""
        ),
        "{body}"
    );
    assert_eq!(dump(&db).await, before, "nothing was written");

    // Basic auth with the token as password, a single event.
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("brevo:{TOKEN}"));
    let (status, body) = listener.post(Some(&format!("Basic {basic}")), event);
    assert_eq!(
        (status, body.as_str()),
        (200, "{\"received\":1,\"contact_events_skipped\":0}")
    );
    listener.settled(&db).await;
    assert_eq!(
        db.scalar::<String>("SELECT status::text FROM communication_recipients WHERE id = 10")
            .await,
        "delivered",
        "a 200 means committed"
    );
    let (code, stderr) = listener.stop();
    assert_eq!(code, 0, "{stderr}");
}

#[tokio::test]
async fn posted_events_give_the_same_funnel_as_ingesting_them() {
    let lines: Vec<String> = std::fs::read_to_string(fixture("brevo/marketing.jsonl"))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let reference = fixture_db().await;
    reference
        .run(&[
            "brevo",
            "ingest",
            fixture("brevo/marketing.jsonl").to_str().unwrap(),
        ])
        .ok();
    let expected = dump(&reference).await;

    let db = fixture_db().await;
    let listener = Listener::start(&db);
    // Shuffled and duplicated, one event per request from four clients at
    // once, and one array.
    let mut events: Vec<String> = lines.iter().chain(lines.iter().take(6)).cloned().collect();
    shuffle(&mut events, 42);
    let array = format!("[{}]", events[..5].join(",\n"));
    assert_eq!(listener.post_event(&array), 200);
    std::thread::scope(|scope| {
        for part in events[5..].chunks(events.len().div_ceil(4)) {
            let listener = &listener;
            scope.spawn(move || {
                for event in part {
                    assert_eq!(listener.post_event(event), 200, "{event}");
                }
            });
        }
    });
    listener.settled(&db).await;
    assert_eq!(dump(&db).await, expected);

    // The same events again change nothing.
    for event in &lines {
        assert_eq!(listener.post_event(event), 200);
    }
    listener.settled(&db).await;
    assert_eq!(dump(&db).await, expected);
    let (code, _) = listener.stop();
    assert_eq!(code, 0);
}

#[tokio::test]
async fn events_before_their_recipients_wait_and_then_apply() {
    let db = fixture_db().await;
    let listener = Listener::start(&db);
    let early = r#"{"event":"opened","email":"late@example.org","template_id":11,"ts_epoch":1770103900000,"message-id":"<zz@x>"}"#;
    assert_eq!(listener.post_event(early), 200);
    listener.settled(&db).await;
    assert_eq!(db.count("attrib.brevo_waiting").await, 1);
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.csv");
    std::fs::write(&list, "email\nlate@example.org\n").unwrap();
    // An ordinary command while the listener runs.
    db.run(&[
        "recipients",
        "import",
        "--communication",
        "1",
        list.to_str().unwrap(),
    ])
    .ok();
    assert_eq!(
        db.scalar::<String>(
            "SELECT r.status::text FROM communication_recipients r JOIN contacts c ON c.id = r.contact_id
             WHERE c.email = 'late@example.org'"
        )
        .await,
        "opened"
    );
    assert_eq!(db.count("attrib.brevo_waiting").await, 0);
    listener.stop();
}

#[tokio::test]
async fn sigterm_exits_zero_and_every_accepted_event_is_stored() {
    let db = fixture_db().await;
    let listener = Listener::start(&db);
    let accepted = std::sync::atomic::AtomicU64::new(0);
    let pid = listener.child.id() as i32;
    std::thread::scope(|scope| {
        for client in 0..4 {
            let (listener, accepted) = (&listener, &accepted);
            scope.spawn(move || {
                for i in 0..200 {
                    let body = format!(
                        r#"{{"camp_id":417,"email":"p{client}-{i}@example.org","event":"delivered","ts_event":1780646405}}"#
                    );
                    let agent: ureq::Agent = ureq::Agent::config_builder()
                        .http_status_as_error(false)
                        .build()
                        .into();
                    match agent
                        .post(format!("{}/brevo", listener.base))
                        .header("Authorization", &bearer())
                        .send(body.as_bytes())
                    {
                        Ok(r) if r.status().as_u16() == 200 => {
                            accepted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        }
                        _ => return,
                    }
                }
            });
        }
        std::thread::sleep(Duration::from_millis(700));
        // SAFETY: signalling our own child process.
        unsafe { libc::kill(pid, libc::SIGTERM) };
    });
    let (code, stderr) = listener.stop();
    assert_eq!(code, 0, "{stderr}");
    let accepted = accepted.into_inner();
    assert!(accepted > 0, "no request was answered before the stop");
    let stored: i64 = db
        .scalar("SELECT count(*) FROM communication_recipients WHERE communication_id = 3 AND status = 'delivered'")
        .await;
    assert!(
        stored >= accepted as i64,
        "{accepted} events answered 200, {stored} stored"
    );
}

/// Starts a listener that accepts `event` (200: committed to its inbox)
/// but cannot apply it, and kills it: a file's application holds the lock
/// every apply takes meanwhile.
async fn killed_after_accepting(db: &TestDb, event: &str) {
    let mut file_lock = sqlx::PgConnection::connect(&db.url).await.unwrap();
    sqlx::query("SELECT pg_advisory_lock(hashtext('attrib: brevo ingest'))")
        .execute(&mut file_lock)
        .await
        .unwrap();
    let mut killed = Listener::start(db);
    assert_eq!(killed.post_event(event), 200);
    killed.child.kill().unwrap();
    killed.child.wait().unwrap();
    file_lock.close().await.unwrap();
    assert_eq!(db.count("attrib.brevo_inbox").await, 1, "accepted, kept");
}

#[tokio::test]
async fn what_a_killed_listener_had_accepted_is_applied_later() {
    let event =
        r#"{"camp_id":417,"email":"jane@example.com","event":"opened","ts_event":1780646405}"#;
    let expected = fixture_db().await;
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), event).unwrap();
    expected
        .run(&["brevo", "ingest", file.path().to_str().unwrap()])
        .ok();
    let expected = dump(&expected).await;

    // By the next listener, when it starts...
    let db = fixture_db().await;
    killed_after_accepting(&db, event).await;
    let listener = Listener::start(&db);
    listener.settled(&db).await;
    assert_eq!(dump(&db).await, expected);
    let (code, stderr) = listener.stop();
    assert_eq!(code, 0, "{stderr}");

    // ...or by brevo rematch; brevo unmatched says they are there.
    let db = fixture_db().await;
    killed_after_accepting(&db, event).await;
    let unmatched = db.run(&["brevo", "unmatched"]);
    assert!(
        unmatched.ok().stderr.contains(
            "1 event accepted by brevo listen is not applied yet: brevo listen applies them \
             when it starts, attrib brevo rematch does now."
        ),
        "{}",
        unmatched.stderr
    );
    let rematch = db.run(&["brevo", "rematch", "--format", "json"]).json();
    assert_eq!(rematch["accepted_by_listen_applied"], 1, "{rematch}");
    assert_eq!(db.count("attrib.brevo_inbox").await, 0);
    assert_eq!(dump(&db).await, expected);
}

#[tokio::test]
async fn an_event_that_cannot_be_applied_does_not_hold_back_the_others() {
    let db = fixture_db().await;
    // The apply path fails for one address: adding it as a contact fails.
    db.exec(
        "CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
             IF NEW.email = 'poison@example.org' THEN RAISE EXCEPTION 'refused for the test'; END IF;
             RETURN NEW;
         END $$;
         CREATE TRIGGER refuse_poison BEFORE INSERT ON contacts
             FOR EACH ROW EXECUTE FUNCTION refuse_poison();",
    )
    .await;
    let listener = Listener::start(&db);
    let event = |email: &str| {
        format!(r#"{{"camp_id":417,"email":"{email}","event":"opened","ts_event":1780646405}}"#)
    };
    assert_eq!(listener.post_event(&event("poison@example.org")), 200);
    for n in 0..3 {
        assert_eq!(
            listener.post_event(&event(&format!("fine{n}@example.org"))),
            200
        );
    }
    let opened = "SELECT count(*) FROM communication_recipients r JOIN contacts c ON c.id = r.contact_id
                  WHERE r.communication_id = 3 AND r.status = 'opened' AND c.email LIKE '%@example.org'
                    AND c.email <> 'jane@example.com'";
    let deadline = Instant::now() + Duration::from_secs(60);
    while db.scalar::<i64>(opened).await < 3 {
        assert!(Instant::now() < deadline, "the other events were held back");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        db.count("attrib.brevo_inbox").await,
        1,
        "the failing one is kept"
    );

    // Once the cause is gone, brevo rematch applies it.
    db.exec("DROP TRIGGER refuse_poison ON contacts").await;
    let rematch = db.run(&["brevo", "rematch", "--format", "json"]).json();
    assert_eq!(rematch["accepted_by_listen_applied"], 1, "{rematch}");
    assert_eq!(db.scalar::<i64>(opened).await, 4);
    let (code, stderr) = listener.stop();
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("could not be applied") && stderr.contains("refused for the test"),
        "{stderr}"
    );
}

#[tokio::test]
async fn bodies_in_memory_at_once_are_bounded() {
    let db = fixture_db().await;
    let listener = Listener::start(&db);
    // As many requests as may hold a body in memory at once (64,
    // MAX_BODIES_IN_MEMORY), each stalling halfway through its body.
    let mut stalled = listener.stalled_bodies(64);
    let event =
        r#"{"camp_id":417,"email":"jane@example.com","event":"opened","ts_event":1780646405}"#;
    std::thread::scope(|scope| {
        let waiting = scope.spawn(|| listener.post_event(event));
        std::thread::sleep(Duration::from_millis(700));
        assert!(!waiting.is_finished(), "a 65th body was taken in");
        // One stalled client goes: its place goes to the one waiting.
        drop(stalled.pop());
        assert_eq!(waiting.join().unwrap(), 200);
    });
    drop(stalled);
    assert_eq!(listener.health(), 200);
    let (code, stderr) = listener.stop();
    assert_eq!(code, 0, "{stderr}");
}

#[tokio::test]
async fn a_body_that_stalls_is_answered_408_and_frees_its_place() {
    use std::io::Read;
    let db = fixture_db().await;
    let listener = Listener::start_with(&db, &["--body-timeout", "1"]);
    // Every place among the bodies in memory, taken by a client that
    // stalls halfway through its body.
    let stalled = listener.stalled_bodies(64);
    for mut stream in stalled {
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?}");
        assert!(answer.contains("--body-timeout"), "{answer}");
    }
    // Their places are free again.
    let event =
        r#"{"camp_id":417,"email":"jane@example.com","event":"opened","ts_event":1780646405}"#;
    assert_eq!(listener.post_event(event), 200);
    let (code, stderr) = listener.stop();
    assert_eq!(code, 0, "{stderr}");
}

#[tokio::test]
async fn a_request_whose_headers_stall_is_dropped_with_its_connection() {
    use std::io::{Read, Write};
    let db = fixture_db().await;
    let listener = Listener::start_with(&db, &["--header-timeout", "1"]);
    // Half a request, and a connection that never says anything.
    let mut half = listener.raw_connection(Duration::from_secs(20));
    half.write_all(b"POST /brevo HTTP/1.1\r\nHost: x\r\nContent-Le")
        .unwrap();
    let silent = listener.raw_connection(Duration::from_secs(20));
    let started = Instant::now();
    for (what, mut stream) in [("half a request", half), ("nothing", silent)] {
        let mut answer = Vec::new();
        let read = stream.read_to_end(&mut answer);
        assert!(
            read.is_ok(),
            "{what}: the connection is still open after {:?}: {read:?}",
            started.elapsed()
        );
        assert!(
            answer.is_empty(),
            "{what}: {}",
            String::from_utf8_lossy(&answer)
        );
    }
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    // Everyone else is still served.
    let event =
        r#"{"camp_id":417,"email":"jane@example.com","event":"opened","ts_event":1780646405}"#;
    assert_eq!(listener.post_event(event), 200);
    assert_eq!(listener.health(), 200);
    let (code, stderr) = listener.stop();
    assert_eq!(code, 0, "{stderr}");
}

#[tokio::test]
async fn garbage_never_brings_the_server_down() {
    let db = fixture_db().await;
    let listener = Listener::start(&db);
    let before = dump(&db).await;
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let fragments: [&[u8]; 12] = [
        b"{",
        b"}",
        b"[",
        b"]",
        b"\"event\":",
        b"\"camp_id\":",
        b"9223372036854775807",
        b"-1e999",
        b"\"\\u0000\"",
        b"null",
        b",",
        "\u{202e}é\u{1b}[31m".as_bytes(),
    ];
    for round in 0..300 {
        let mut body = Vec::new();
        for _ in 0..(next() % 40) {
            if round % 3 == 0 {
                body.push((next() % 256) as u8);
            } else {
                body.extend_from_slice(fragments[(next() % 12) as usize]);
            }
        }
        let (status, text) = listener.post(Some(&bearer()), &body);
        assert!(
            status == 200 || status == 400 || status == 422,
            "{status} {text} for {:?}",
            String::from_utf8_lossy(&body)
        );
        assert!(text.starts_with('{'), "{text}");
    }
    // Deeply nested JSON is refused, not a stack overflow.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let status = listener.post(Some(&bearer()), deep.as_bytes()).0;
    assert!(status == 400 || status == 422, "{status}");
    assert_eq!(listener.health(), 200);
    assert_eq!(dump(&db).await, before);
    let (code, stderr) = listener.stop();
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[tokio::test]
async fn refuses_to_start_without_a_token() {
    let db = TestDb::migrated().await;
    let run = db.run(&["brevo", "listen", "--listen", "127.0.0.1:0"]);
    assert!(
        run.expect_code(2).stderr.contains("openssl rand -hex 32"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn healthz_says_when_the_database_is_gone() {
    let db = fixture_db().await;
    let listener = Listener::start(&db);
    assert_eq!(listener.health(), 200);
    // The database disappears under the listener.
    let mut admin = sqlx::PgConnection::connect(&db.url.replace(&db.name, "postgres"))
        .await
        .unwrap();
    db.pool.close().await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE {} WITH (FORCE)",
        db.name
    )))
    .execute(&mut admin)
    .await
    .unwrap();
    assert_eq!(listener.health(), 503);
    assert_eq!(
        listener.post_event(
            r#"{"camp_id":417,"email":"jane@example.com","event":"delivered","ts_event":1780646405}"#
        ),
        503,
        "not stored, so not 2xx: Brevo retries"
    );
    listener.stop();
}
