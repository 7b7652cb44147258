//! The outreach of the sample events, consistent with the Quicket samples:
//! recipient lists of the sample emails and a Brevo webhook events file.
//! Deterministic: running it again rewrites the same files.
//!
//! ```text
//! cargo run --example gen_sample_outreach -- sample_data
//! ```
//!
//! Reads `quicket_data-ai-day-2026.csv` and `quicket_data-ai-day-2025.csv`
//! from the directory (through attrib's own CSV reader, so the 2025 file's
//! Windows-1252 is decoded) and writes there:
//! - `recipients_*.csv`: who each email went to, as exported from Brevo
//!   (email, names, message id, sent at); people whose ticket names the
//!   email's campaign are mostly on its list, so conversions show;
//! - `brevo_events_2026.jsonl`: Brevo's transactional webhook events for the
//!   four 2026 emails, out of order as Brevo sends them: requests,
//!   deliveries, repeated and proxy opens, clicks, soft and hard bounces with
//!   reasons, a deferral, an unsubscribe, some events carrying only email and
//!   template id, and a few that match nothing;
//! - `brevo_marketing_events_2026.jsonl`: Brevo's marketing-campaign webhook
//!   events of the CFP's closing reminder, sent as Brevo campaign 417 to the
//!   CFP list (no list is imported for it: the events are the record of the
//!   send): deliveries, opens, proxy opens, clicks, bounces, an unsubscribe
//!   and a spam report, addresses in other capitalisations, contact events,
//!   and two events of a test campaign attrib does not know.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use attrib::input::{ColumnMap, open_csv};
use attrib::slug::normalise_source;
use chrono::{NaiveDate, NaiveDateTime};

/// splitmix64: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A ticket holder of a sample export.
#[derive(Clone)]
struct Person {
    email: String,
    first_name: String,
    last_name: String,
    source: String,
}

#[derive(Clone, Copy, PartialEq)]
enum Field {
    Email,
    First,
    Last,
    Holder,
    Source,
}

fn read_people(path: &Path) -> io::Result<Vec<Person>> {
    let mut input = open_csv(path).map_err(|e| io::Error::other(e.to_string()))?;
    let map = ColumnMap::match_headers(
        &input.headers,
        &[
            (Field::Email, &["email"][..]),
            (Field::First, &["firstname"][..]),
            (Field::Last, &["surname", "lastname"][..]),
            (Field::Holder, &["ticketholder"][..]),
            (Field::Source, &["marketingsource", "trackingcode"][..]),
        ],
    );
    let mut record = csv::ByteRecord::new();
    let mut people = Vec::new();
    let mut seen = BTreeSet::new();
    while input
        .reader
        .read_byte_record(&mut record)
        .map_err(io::Error::other)?
    {
        let mut get = |f: Field| {
            map.index(f)
                .and_then(|i| record.get(i))
                .map(|b| input.decoder.field(b).trim().to_string())
                .unwrap_or_default()
        };
        let email = get(Field::Email).to_lowercase();
        let (mut first_name, mut last_name) = (get(Field::First), get(Field::Last));
        if first_name.is_empty() {
            let holder = get(Field::Holder);
            let (f, l) = holder.split_once(' ').unwrap_or((&holder, ""));
            (first_name, last_name) = (f.to_string(), l.to_string());
        }
        let source = normalise_source(&get(Field::Source));
        if !email.is_empty() && seen.insert(email.clone()) {
            people.push(Person {
                email,
                first_name,
                last_name,
                source,
            });
        }
    }
    Ok(people)
}

/// One email of the samples and who it went to.
struct Email {
    file: &'static str,
    template_id: u32,
    sent: NaiveDateTime,
    recipients: Vec<Person>,
    /// Brevo events are generated for the 2026 emails only.
    with_events: bool,
}

fn at(date: (i32, u32, u32), hour: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(date.0, date.1, date.2)
        .and_then(|d| d.and_hms_opt(hour, 0, 0))
        .expect("a valid sample date")
}

/// The list of an email: the previous year's attendees and a share of this
/// year's buyers, most of those whose ticket names `campaign`.
fn list(
    rng: &mut Rng,
    past: &[Person],
    buyers: &[Person],
    campaign: &str,
    from_campaign: u64,
    others: u64,
) -> Vec<Person> {
    let mut chosen = BTreeSet::new();
    let mut out = Vec::new();
    for p in buyers {
        let percent = if p.source == campaign {
            from_campaign
        } else {
            others
        };
        if rng.chance(percent) && chosen.insert(p.email.clone()) {
            out.push(p.clone());
        }
    }
    for p in past {
        if rng.chance(85) && chosen.insert(p.email.clone()) {
            out.push(p.clone());
        }
    }
    out
}

/// Brevo's message id: `<YYYYMMDDHHMM.NNNNNNNNNNN@smtp-relay.mailin.fr>`.
fn message_id(email: &Email, index: usize) -> String {
    format!(
        "<{}.{:011}@smtp-relay.mailin.fr>",
        email.sent.format("%Y%m%d%H%M"),
        12_697_514_322u64 + u64::from(email.template_id) * 100_000 + index as u64
    )
}

/// Milliseconds since the epoch of a local South-African time (UTC+2, no DST).
fn epoch_ms(local: NaiveDateTime) -> i64 {
    (local - chrono::Duration::hours(2))
        .and_utc()
        .timestamp_millis()
}

fn write_recipients(dir: &Path, email: &Email, rng: &mut Rng) -> io::Result<()> {
    let path = dir.join(email.file);
    let mut out = csv::Writer::from_writer(BufWriter::new(File::create(&path)?));
    out.write_record(["Email", "First Name", "Last Name", "Message-ID", "Sent At"])?;
    for (i, p) in email.recipients.iter().enumerate() {
        let sent = email.sent + chrono::Duration::seconds(rng.below(600) as i64);
        // Brevo's export shows some addresses in capitals: matching ignores case.
        let address = if i % 37 == 0 {
            p.email.to_uppercase()
        } else {
            p.email.clone()
        };
        out.write_record([
            address.as_str(),
            &p.first_name,
            &p.last_name,
            message_id(email, i).trim_matches(['<', '>']),
            &sent.format("%Y-%m-%d %H:%M:%S").to_string(),
        ])?;
    }
    out.flush()?;
    println!("{} ({} recipients)", path.display(), email.recipients.len());
    Ok(())
}

const LINKS: [&str; 3] = [
    "https://www.quicket.co.za/events/data-ai-day-2026/",
    "https://dataaiday.example/programme",
    "https://dataaiday.example/speak",
];

/// The webhook events of one email, as (ts_epoch, JSON line).
fn events_of(email: &Email, rng: &mut Rng, out: &mut Vec<(i64, String)>) {
    let base = epoch_ms(email.sent);
    for (i, p) in email.recipients.iter().enumerate() {
        let id = message_id(email, i);
        let request = base + rng.below(600_000) as i64;
        let mut push = |rng: &mut Rng, event: &str, ts: i64, extra: &str| {
            // One event in fifty comes without its message id: attrib then
            // matches it by email and template id.
            let id_part = if rng.chance(2) {
                String::new()
            } else {
                format!("\"message-id\":\"{id}\",")
            };
            out.push((
                ts,
                format!(
                    "{{\"event\":\"{event}\",\"email\":\"{}\",{id_part}\"template_id\":{},\"tag\":\"data-ai-day-2026\",\"ts_epoch\":{ts},\"ts\":{}{extra}}}",
                    p.email,
                    email.template_id,
                    ts / 1000
                ),
            ));
        };
        push(rng, "request", request, "");
        let roll = rng.below(100);
        if roll < 2 {
            let reason = if rng.chance(50) {
                "550 5.1.1 User unknown"
            } else {
                "552 5.2.2 Mailbox full"
            };
            let event = if reason.starts_with("550") {
                "hard_bounce"
            } else {
                "soft_bounce"
            };
            push(
                rng,
                event,
                request + 4_000,
                &format!(",\"reason\":\"{reason}\""),
            );
            continue;
        }
        if roll < 3 {
            push(
                rng,
                "deferred",
                request + 2_000,
                ",\"reason\":\"421 4.7.0 Try again later\"",
            );
        }
        let delivered = request + 3_000 + rng.below(60_000) as i64;
        push(rng, "delivered", delivered, "");
        if !rng.chance(55) {
            continue;
        }
        let mut opened = delivered + 60_000 + rng.below(2 * 86_400_000) as i64;
        let first_open = if rng.chance(20) {
            "unique_proxy_open"
        } else {
            "unique_opened"
        };
        push(rng, first_open, opened, "");
        for _ in 0..rng.below(3) {
            opened += 60_000 + rng.below(86_400_000) as i64;
            push(rng, "opened", opened, "");
        }
        if rng.chance(25) {
            let link = LINKS[rng.below(LINKS.len() as u64) as usize];
            push(
                rng,
                "click",
                opened + 20_000,
                &format!(",\"link\":\"{link}\""),
            );
        }
        if rng.chance(1) {
            push(rng, "unsubscribed", opened + 90_000, "");
        }
    }
}

fn main() -> io::Result<()> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "sample_data".into()),
    );
    let buyers = read_people(&dir.join("quicket_data-ai-day-2026.csv"))?;
    let past = read_people(&dir.join("quicket_data-ai-day-2025.csv"))?;
    let mut rng = Rng(2026_0302);
    let mut emails = vec![
        Email {
            file: "recipients_cfp-2026.csv",
            template_id: 101,
            sent: at((2026, 3, 2), 9),
            recipients: list(&mut rng, &past, &buyers, "cfp-2026", 80, 10),
            with_events: true,
        },
        Email {
            file: "recipients_early-bird-launch-2026.csv",
            template_id: 102,
            sent: at((2026, 5, 4), 9),
            recipients: list(
                &mut rng,
                &past,
                &buyers,
                "early-bird-registration-2026",
                85,
                25,
            ),
            with_events: true,
        },
        Email {
            file: "recipients_early-bird-last-days-2026.csv",
            template_id: 103,
            sent: at((2026, 5, 27), 9),
            recipients: list(
                &mut rng,
                &past,
                &buyers,
                "early-bird-registration-2026",
                70,
                20,
            ),
            with_events: true,
        },
        Email {
            file: "recipients_last-chance-2026.csv",
            template_id: 104,
            sent: at((2026, 9, 1), 9),
            recipients: list(
                &mut rng,
                &past,
                &buyers,
                "last-chance-reminder-2026",
                90,
                30,
            ),
            with_events: true,
        },
        Email {
            file: "recipients_early-bird-2025.csv",
            template_id: 51,
            sent: at((2025, 5, 5), 9),
            recipients: list(&mut rng, &[], &past, "early-bird-2025", 90, 35),
            with_events: false,
        },
    ];
    for email in &emails {
        write_recipients(&dir, email, &mut rng)?;
    }

    let mut events = Vec::new();
    for email in emails.iter_mut().filter(|e| e.with_events) {
        events_of(email, &mut rng, &mut events);
    }
    // Events nobody sent us a recipient for: kept in the .unmatched.jsonl file.
    for (i, (who, template)) in [
        ("old.subscriber@webmail.example", 104),
        ("press@newsroom.example", 102),
        ("someone.else@inbox.example", 999),
    ]
    .iter()
    .enumerate()
    {
        let ts = epoch_ms(at((2026, 9, 1), 10)) + i as i64 * 1_000;
        events.push((
            ts,
            format!(
                "{{\"event\":\"delivered\",\"email\":\"{who}\",\"message-id\":\"<202609010900.{:011}@smtp-relay.mailin.fr>\",\"template_id\":{template},\"ts_epoch\":{ts}}}",
                99_000_000_000u64 + i as u64
            ),
        ));
    }
    // Brevo does not send events in order: shuffle within hours, roughly.
    events.sort_by_key(|(ts, _)| ts / 3_600_000);
    for i in (1..events.len()).rev() {
        let j = i.saturating_sub(rng.below(40) as usize);
        events.swap(i, j);
    }
    let path = dir.join("brevo_events_2026.jsonl");
    let mut out = BufWriter::new(File::create(&path)?);
    for (_, line) in &events {
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    println!("{} ({} events)", path.display(), events.len());
    write_marketing_events(&dir, &emails[0].recipients)
}

/// The CFP's closing reminder, a Brevo marketing campaign (id 417) sent on
/// 2026-04-20 09:00 to the CFP list. A generator of its own, so that the
/// other sample files stay as they are.
fn write_marketing_events(dir: &Path, list: &[Person]) -> io::Result<()> {
    let mut rng = Rng(2026_0420);
    let sent = epoch_ms(at((2026, 4, 20), 9)) / 1000;
    let mut events: Vec<(i64, String)> = Vec::new();
    let mut push = |camp: u32, email: &str, name: &str, ts: i64, extra: &str| {
        events.push((
            ts,
            format!(
                "{{\"id\":{},\"camp_id\":{camp},\"email\":\"{email}\",\"campaign name\":\"CFP closes Friday\",\
                 \"date_sent\":\"2026-04-20 09:00:00\",\"event\":\"{name}\",\"tag\":\"\",\"ts_sent\":{sent},\
                 \"ts_event\":{ts},\"ts\":{}{extra}}}",
                880_000 + events.len(),
                ts + 7200
            ),
        ));
    };
    for (i, person) in list.iter().enumerate() {
        if !rng.chance(92) {
            continue;
        }
        // Brevo writes addresses as the contact was saved.
        let address = if i % 17 == 0 {
            person.email.to_uppercase()
        } else {
            person.email.clone()
        };
        let mut t = sent + 30 + rng.below(900) as i64;
        if rng.chance(3) {
            push(
                417,
                &address,
                "hard_bounce",
                t,
                ",\"reason\":\"unknown user\"",
            );
            continue;
        }
        if rng.chance(3) {
            push(
                417,
                &address,
                "soft_bounce",
                t,
                ",\"reason\":\"mailbox full\"",
            );
            t += 3600;
        }
        push(417, &address, "delivered", t, "");
        if rng.chance(48) {
            t += 60 + rng.below(86_400) as i64;
            let open = if rng.chance(20) {
                "proxy_open"
            } else {
                "opened"
            };
            push(417, &address, open, t, "");
            if rng.chance(10) {
                push(417, &address, "opened", t + 3600, "");
            }
            if rng.chance(30) {
                push(
                    417,
                    &address,
                    "click",
                    t + 45,
                    ",\"URL\":\"https://datai.day/cfp?utm_campaign=cfp-2026\"",
                );
            }
        }
        if rng.chance(1) {
            push(417, &address, "unsubscribe", t + 120, "");
        }
    }
    if let Some(first) = list.first() {
        push(
            417,
            &first.email,
            "spam",
            sent + 5000,
            ",\"reason\":\"complaint\"",
        );
    }
    // A test send from another campaign, never recorded in attrib.
    push(416, "organiser@datai.example", "delivered", sent - 3600, "");
    push(416, "organiser@datai.example", "opened", sent - 3000, "");
    // Contact events come through the same webhook: counted and skipped.
    for (name, who) in [
        ("list_addition", "new.speaker@inbox.example"),
        ("contact_updated", "old.subscriber@webmail.example"),
    ] {
        events.push((
            sent,
            format!("{{\"event\":\"{name}\",\"email\":\"{who}\",\"id\":880999,\"key\":\"k\",\"list_id\":[7],\"date\":\"2026-04-20 09:00:00\",\"ts\":{sent}}}"),
        ));
    }
    events.sort_by_key(|(ts, _)| ts / 3600);
    for i in (1..events.len()).rev() {
        let j = i.saturating_sub(rng.below(30) as usize);
        events.swap(i, j);
    }
    let path = dir.join("brevo_marketing_events_2026.jsonl");
    let mut out = BufWriter::new(File::create(&path)?);
    for (_, line) in &events {
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    println!("{} ({} events)", path.display(), events.len());
    Ok(())
}
