//! Generates a realistic Brevo workload for `benches/brevo_ingest.sh`:
//! recipient lists for a set of email communications, and a file of Brevo
//! transactional webhook events for them (JSON lines).
//!
//! The events are what Brevo sends: a `request` per message, then
//! `delivered` or a bounce (with a reason) or an `error`, repeated opens
//! (`opened`, `unique_opened`, `proxy_open`), clicks with links, some
//! `deferred`, `unsubscribed` and `spam`, out of order (shuffled within
//! blocks of messages), about 5% without a message id (matched by email and
//! template) and about 1% for messages attrib does not know (unmatched).
//!
//! With `--marketing`, the events are Brevo's marketing-campaign webhooks
//! instead (camp_id 500+n, ts_event in seconds, the campaign's ts_sent, no
//! message id, clicks with URL), about 2% of them for addresses that are
//! not on the list (they become recipients), and the same 1% of campaigns
//! attrib does not know.
//!
//! Deterministic: the same arguments give the same files.
//!
//!     cargo run --release --example gen_brevo -- --events 1000000 --out bench-data/brevo
//!     cargo run --release --example gen_brevo -- --marketing --events 1000000 --out bench-data/brevo-marketing
//!
//! Writes OUT/recipients-<n>.csv for n in 1..=communications (template id
//! 1000+n, Brevo campaign id 500+n) and OUT/events.jsonl.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// xorshift64*: small, fast, and enough for a workload.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(1000) < percent * 10
    }
}

struct Args {
    marketing: bool,
    events: u64,
    communications: u64,
    recipients: u64,
    out: PathBuf,
}

fn parse_args() -> Args {
    let mut args = Args {
        marketing: false,
        events: 1_000_000,
        communications: 10,
        recipients: 25_000,
        out: PathBuf::from("bench-data/brevo"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--marketing" {
            args.marketing = true;
            continue;
        }
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--events" => args.events = value.parse().expect("--events N"),
            "--communications" => args.communications = value.parse().expect("--communications N"),
            "--recipients" => args.recipients = value.parse().expect("--recipients N"),
            "--out" => args.out = PathBuf::from(value),
            other => panic!("unknown option {other}; see the doc comment of examples/gen_brevo.rs"),
        }
    }
    args
}

/// Distinct people across the lists: a person is on several lists.
const PEOPLE: u64 = 60_000;
const BASE_MS: u64 = 1_770_103_800_000; // 2026-02-03 09:30 SAST
const LINKS: [&str; 4] = [
    "https://datai.day/cfp?utm_campaign=cfp-2026",
    "https://datai.day/tickets?utm_campaign=early-bird-registration-2026",
    "https://datai.day/speakers",
    "https://www.quicket.co.za/events/data-ai-day-2026",
];
const SOFT: [&str; 3] = ["mailbox full", "greylisted", "message too large"];
const HARD: [&str; 3] = ["unknown user", "domain not found", "mailbox disabled"];

fn email(person: u64) -> String {
    format!("person{person}@example{}.co.za", person % 50)
}

fn message_id(comm: u64, k: u64) -> String {
    format!(
        "{:012}.{comm}{k:06}@smtp-relay.mailin.fr",
        202602030930u64 + k
    )
}

/// One event as Brevo posts it.
#[allow(clippy::too_many_arguments)]
fn event_json(
    name: &str,
    address: &str,
    mid: Option<&str>,
    template: u64,
    ts_ms: u64,
    link: Option<&str>,
    reason: Option<&str>,
    seq: u64,
) -> String {
    let mut s = format!(
        "{{\"event\":\"{name}\",\"email\":\"{address}\",\"id\":{seq},\"date\":\"2026-02-03 09:30:00\",\"ts\":{},",
        ts_ms / 1000
    );
    if let Some(mid) = mid {
        s.push_str(&format!("\"message-id\":\"<{mid}>\","));
    }
    s.push_str(&format!(
        "\"ts_event\":{},\"subject\":\"Data & AI Day 2026\",\"tag\":\"[\\\"bench\\\"]\",\"sending_ip\":\"185.41.28.109\",\"ts_epoch\":{ts_ms},\"template_id\":{template},\"tags\":[\"bench\"]",
        ts_ms / 1000
    ));
    if let Some(link) = link {
        s.push_str(&format!(",\"link\":\"{link}\""));
    }
    if let Some(reason) = reason {
        s.push_str(&format!(",\"reason\":\"{reason}\""));
    }
    s.push('}');
    s
}

/// One marketing-campaign event as Brevo posts it.
#[allow(clippy::too_many_arguments)]
fn marketing_json(
    name: &str,
    address: &str,
    camp_id: u64,
    sent_ms: u64,
    ts_ms: u64,
    link: Option<&str>,
    reason: Option<&str>,
    seq: u64,
) -> String {
    let mut s = format!(
        "{{\"id\":{seq},\"camp_id\":{camp_id},\"email\":\"{address}\",\"campaign name\":\"Bench campaign {camp_id}\",\
         \"date_sent\":\"2026-02-03 09:30:00\",\"date_event\":\"2026-02-03 10:00:00\",\"event\":\"{name}\",\"tag\":\"\",\
         \"ts_sent\":{},\"ts_event\":{},\"ts\":{}",
        sent_ms / 1000,
        ts_ms / 1000,
        ts_ms / 1000 + 3600
    );
    if let Some(link) = link {
        s.push_str(&format!(",\"URL\":\"{link}\""));
    }
    if let Some(reason) = reason {
        s.push_str(&format!(",\"reason\":\"{reason}\""));
    }
    s.push('}');
    s
}

/// The life of one marketing email, in true order: no request and no
/// message id; the campaign id and the address say which email it was.
fn campaign_events(rng: &mut Rng, comm: u64, k: u64, known: bool, seq: &mut u64) -> Vec<String> {
    let person = (comm * 1000 + k) % PEOPLE;
    // About 2% of the addresses were not on the imported list.
    let address = if rng.chance(2) {
        format!("forwarded{k}.{comm}@example.org")
    } else {
        email(person)
    };
    let camp_id = if known { 500 + comm } else { 9000 + comm };
    let sent = BASE_MS + comm * 86_400_000;
    let mut t = sent + k * 40 + rng.below(1000);
    let mut out = Vec::new();
    let mut push = |rng: &mut Rng,
                    name: &str,
                    link: Option<&str>,
                    reason: Option<&str>,
                    out: &mut Vec<String>| {
        t += 1000 + rng.below(600_000);
        *seq += 1;
        out.push(marketing_json(
            name, &address, camp_id, sent, t, link, reason, *seq,
        ));
    };
    if rng.chance(5) {
        let soft = rng.chance(50);
        let reason = if soft {
            SOFT[rng.below(3) as usize]
        } else {
            HARD[rng.below(3) as usize]
        };
        push(
            rng,
            if soft { "soft_bounce" } else { "hard_bounce" },
            None,
            Some(reason),
            &mut out,
        );
        if !soft || rng.chance(50) {
            return out;
        }
    }
    push(rng, "delivered", None, None, &mut out);
    if rng.chance(55) {
        push(rng, "opened", None, None, &mut out);
        for _ in 0..rng.below(4) {
            let name = if rng.chance(30) {
                "proxy_open"
            } else {
                "opened"
            };
            push(rng, name, None, None, &mut out);
        }
        if rng.chance(30) {
            let link = LINKS[rng.below(LINKS.len() as u64) as usize];
            push(rng, "click", Some(link), None, &mut out);
        }
        if rng.chance(2) {
            push(rng, "unsubscribe", None, None, &mut out);
        }
    }
    if rng.chance(1) {
        push(rng, "spam", None, Some("complaint"), &mut out);
    }
    out
}

/// The life of one message, in true order.
fn message_events(rng: &mut Rng, comm: u64, k: u64, known: bool, seq: &mut u64) -> Vec<String> {
    let person = (comm * 1000 + k) % PEOPLE;
    let (address, mid) = if known {
        (email(person), message_id(comm, k))
    } else {
        (
            format!("stranger{k}@elsewhere.org"),
            format!("unknown.{comm}.{k}@smtp-relay.mailin.fr"),
        )
    };
    // About 5% come without a message id: matched by email and template.
    let mid = (!known || !rng.chance(5)).then_some(mid.as_str());
    let template = 1000 + comm;
    let mut t = BASE_MS + comm * 86_400_000 + k * 40 + rng.below(1000);
    let mut out = Vec::new();
    let mut push = |rng: &mut Rng,
                    name: &str,
                    link: Option<&str>,
                    reason: Option<&str>,
                    out: &mut Vec<String>| {
        t += 1000 + rng.below(600_000);
        *seq += 1;
        out.push(event_json(
            name, &address, mid, template, t, link, reason, *seq,
        ));
    };
    push(rng, "request", None, None, &mut out);
    if rng.chance(1) {
        push(rng, "error", None, Some("invalid sender"), &mut out);
        return out;
    }
    if rng.chance(4) {
        push(rng, "deferred", None, Some(SOFT[1]), &mut out);
    }
    if rng.chance(6) {
        let soft = rng.chance(50);
        let reason = if soft {
            SOFT[rng.below(3) as usize]
        } else {
            HARD[rng.below(3) as usize]
        };
        push(
            rng,
            if soft { "soft_bounce" } else { "hard_bounce" },
            None,
            Some(reason),
            &mut out,
        );
        if !soft || rng.chance(50) {
            return out;
        }
    }
    if rng.chance(1) {
        push(
            rng,
            "blocked",
            None,
            Some("blocked by recipient's server"),
            &mut out,
        );
        return out;
    }
    push(rng, "delivered", None, None, &mut out);
    if rng.chance(55) {
        push(rng, "unique_opened", None, None, &mut out);
        push(rng, "opened", None, None, &mut out);
        for _ in 0..rng.below(3) {
            let name = if rng.chance(30) {
                "proxy_open"
            } else {
                "opened"
            };
            push(rng, name, None, None, &mut out);
        }
        if rng.chance(30) {
            let link = LINKS[rng.below(LINKS.len() as u64) as usize];
            push(rng, "click", Some(link), None, &mut out);
        }
        if rng.chance(2) {
            push(rng, "unsubscribed", None, None, &mut out);
        }
    }
    if rng.chance(1) {
        push(rng, "spam", None, None, &mut out);
    }
    out
}

fn main() -> std::io::Result<()> {
    let args = parse_args();
    std::fs::create_dir_all(&args.out)?;
    for comm in 1..=args.communications {
        let mut csv = BufWriter::new(File::create(
            args.out.join(format!("recipients-{comm}.csv")),
        )?);
        writeln!(csv, "email,brevo_message_id")?;
        for k in 0..args.recipients {
            let person = (comm * 1000 + k) % PEOPLE;
            writeln!(csv, "{},<{}>", email(person), message_id(comm, k))?;
        }
        csv.flush()?;
    }

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut out = BufWriter::with_capacity(1 << 20, File::create(args.out.join("events.jsonl"))?);
    let mut written = 0u64;
    let mut seq = 0u64;
    let mut unmatched = 0u64;
    // Messages in blocks of 500, each block's events shuffled: out of order,
    // as Brevo delivers them.
    let mut k = 0u64;
    'outer: loop {
        let mut block: Vec<String> = Vec::new();
        for _ in 0..500 {
            let comm = 1 + k % args.communications;
            let index = (k / args.communications) % args.recipients;
            let known = !rng.chance(1);
            if !known {
                unmatched += 1;
            }
            block.extend(if args.marketing {
                campaign_events(&mut rng, comm, index, known, &mut seq)
            } else {
                message_events(&mut rng, comm, index, known, &mut seq)
            });
            k += 1;
        }
        for i in (1..block.len()).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            block.swap(i, j);
        }
        for line in block {
            if written == args.events {
                break 'outer;
            }
            out.write_all(line.as_bytes())?;
            out.write_all(b"\n")?;
            written += 1;
        }
    }
    out.flush()?;
    eprintln!(
        "wrote {written} events ({unmatched} messages unknown to attrib) and {} recipient lists of {} to {}",
        args.communications,
        args.recipients,
        args.out.display()
    );
    Ok(())
}
