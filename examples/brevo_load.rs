//! Load generator for `benches/brevo_listen.sh`: POSTs single Brevo
//! marketing events to `attrib brevo listen` from several connections at
//! once, bounded in count and in time, to a loopback address only.
//!
//! Each request carries one distinct event (campaign 501..=510, a person,
//! an event name and a second of its own), so that every answer 200 can be
//! counted in the database afterwards. Prints one line of figures:
//! requests, answers by status, events/s, latency p50/p99/max, and writes
//! the number of 200s to --accepted FILE as it goes (for a run that is
//! killed part-way).
//!
//!     cargo run --release --example brevo_load -- --url http://127.0.0.1:8787/brevo \
//!         --token TOKEN --requests 100000 --connections 32 --seconds 120
//!
//! `--print` writes the same events as JSON lines on stdout instead, for
//! `brevo ingest` (the benchmark's baseline).

use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

struct Args {
    url: String,
    token: String,
    requests: u64,
    connections: u64,
    seconds: u64,
    accepted: Option<String>,
    first: u64,
    print: bool,
}

fn parse_args() -> Args {
    let mut args = Args {
        url: "http://127.0.0.1:8787/brevo".into(),
        token: std::env::var("ATTRIB_WEBHOOK_TOKEN").unwrap_or_default(),
        requests: 100_000,
        connections: 32,
        seconds: 120,
        accepted: None,
        first: 0,
        print: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--print" {
            args.print = true;
            continue;
        }
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => args.url = value,
            "--token" => args.token = value,
            "--requests" => args.requests = value.parse().expect("--requests N"),
            "--connections" => args.connections = value.parse().expect("--connections N"),
            "--seconds" => args.seconds = value.parse().expect("--seconds N"),
            "--accepted" => args.accepted = Some(value),
            "--first" => args.first = value.parse().expect("--first N"),
            other => panic!("unknown option {other}; see examples/brevo_load.rs"),
        }
    }
    let host = args
        .url
        .strip_prefix("http://")
        .and_then(|r| r.split(['/', ':']).next())
        .unwrap_or("");
    assert!(
        host == "127.0.0.1" || host == "localhost" || host == "[",
        "the load generator only targets this machine (127.0.0.1), not {host}"
    );
    args
}

const NAMES: [&str; 4] = ["delivered", "opened", "click", "proxy_open"];

fn event(i: u64) -> String {
    let camp = 501 + i % 10;
    let person = i % 40_000;
    let name = NAMES[(i / 40_000 % 4) as usize];
    // 2026-02-03 10:00 UTC plus one second per request: every event distinct.
    let ts = 1_770_112_800 + i;
    let url = if name == "click" {
        ",\"URL\":\"https://datai.day/tickets\""
    } else {
        ""
    };
    format!(
        "{{\"id\":{i},\"camp_id\":{camp},\"email\":\"load{person}@example.org\",\"event\":\"{name}\",\
         \"ts_sent\":1770109200,\"ts_event\":{ts},\"ts\":{}{url}}}",
        ts + 3600
    )
}

fn main() {
    let args = parse_args();
    if args.print {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        for i in args.first..args.first + args.requests {
            writeln!(out, "{}", event(i)).expect("stdout");
        }
        return;
    }
    let next = AtomicU64::new(0);
    let ok = AtomicU64::new(0);
    let refused = AtomicU64::new(0);
    let failed = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let latencies = Mutex::new(Vec::with_capacity(args.requests as usize));
    let accepted_file = args
        .accepted
        .as_ref()
        .map(|p| Mutex::new(std::fs::File::create(p).expect("--accepted FILE")));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.seconds);
    let auth = format!("Bearer {}", args.token);
    std::thread::scope(|scope| {
        for _ in 0..args.connections {
            scope.spawn(|| {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .timeout_global(Some(Duration::from_secs(30)))
                    .build()
                    .into();
                let mut mine = Vec::new();
                while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= args.requests {
                        break;
                    }
                    let body = event(args.first + i);
                    let clock = Instant::now();
                    match agent
                        .post(&args.url)
                        .header("Authorization", &auth)
                        .header("Content-Type", "application/json")
                        .send(body.as_bytes())
                    {
                        Ok(r) if r.status().as_u16() == 200 => {
                            mine.push(clock.elapsed());
                            let n = ok.fetch_add(1, Ordering::SeqCst) + 1;
                            if let Some(file) = &accepted_file
                                && n.is_multiple_of(100)
                            {
                                let mut f = file.lock().unwrap();
                                let _ = writeln!(f, "{n}");
                            }
                        }
                        Ok(_) => {
                            refused.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(_) => {
                            // The listener is gone (killed): stop.
                            failed.fetch_add(1, Ordering::Relaxed);
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                }
                latencies.lock().unwrap().extend(mine);
            });
        }
    });
    let took = started.elapsed().as_secs_f64();
    let ok = ok.into_inner();
    if let Some(file) = &accepted_file {
        let mut f = file.lock().unwrap();
        let _ = writeln!(f, "{ok}");
    }
    let mut latencies = latencies.into_inner().unwrap();
    latencies.sort();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "requests {} ok {} refused {} failed {} seconds {:.2} events/s {:.0} p50_ms {:.1} p99_ms {:.1} max_ms {:.1}",
        ok + refused.load(Ordering::Relaxed) + failed.load(Ordering::Relaxed),
        ok,
        refused.into_inner(),
        failed.into_inner(),
        took,
        ok as f64 / took,
        at(0.50),
        at(0.99),
        latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    );
}
