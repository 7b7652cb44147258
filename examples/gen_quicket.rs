//! Realistic, synthetic Quicket attendee exports, deterministic from a seed.
//!
//! ```text
//! cargo run --release --example gen_quicket -- --rows 1000000 --out big.csv
//! cargo run --release --example gen_quicket -- --samples sample_data
//! ```
//!
//! `--rows N` writes one large export in today's Quicket layout (for the
//! benchmark); `--samples DIR` rewrites the three files of `sample_data/`
//! byte for byte (a test checks that they match). People, companies and
//! domains are made up: names are random pairs from short lists, email
//! domains end in `.example`, phone numbers are in the 555 range.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

fn main() {
    let mut rows: u64 = 1_000_000;
    let mut seed: u64 = 2026;
    let mut out: Option<PathBuf> = None;
    let mut samples: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next().unwrap_or_else(|| {
                eprintln!("{name} needs a value");
                std::process::exit(2)
            })
        };
        match arg.as_str() {
            "--rows" => rows = parse_number(&value("--rows")),
            "--seed" => seed = parse_number(&value("--seed")),
            "--out" => out = Some(PathBuf::from(value("--out"))),
            "--samples" => samples = Some(PathBuf::from(value("--samples"))),
            "-h" | "--help" => {
                println!(
                    "gen_quicket [--rows N] [--seed S] [--out FILE]   one export of N tickets (default 1,000,000, to stdout)\n\
                     gen_quicket --samples DIR                       the sample_data files"
                );
                return;
            }
            other => {
                eprintln!("unknown argument {other}; see --help");
                std::process::exit(2);
            }
        }
    }
    let result = match (samples, out) {
        (Some(dir), _) => write_samples(&dir),
        (None, Some(path)) => std::fs::File::create(&path)
            .and_then(|f| write_export(BufWriter::with_capacity(1 << 20, f), rows, seed)),
        (None, None) => write_export(BufWriter::new(io::stdout().lock()), rows, seed),
    };
    if let Err(e) = result {
        eprintln!("gen_quicket: {e}");
        std::process::exit(1);
    }
}

fn parse_number(text: &str) -> u64 {
    text.replace(['_', ','], "").parse().unwrap_or_else(|_| {
        eprintln!("'{text}' is not a number");
        std::process::exit(2)
    })
}

/// SplitMix64: small, fast, and the same on every machine.
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
        self.below(1000) < percent * 10
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// An item of `(weight, item)` pairs, by weight.
    fn weighted<'a, T>(&mut self, items: &'a [(u64, T)]) -> &'a T {
        let total: u64 = items.iter().map(|(w, _)| w).sum();
        let mut r = self.below(total);
        for (w, item) in items {
            if r < *w {
                return item;
            }
            r -= w;
        }
        &items[items.len() - 1].1
    }
}

const FIRST_NAMES: &[&str] = &[
    "Thandi",
    "Sipho",
    "Lerato",
    "Pieter",
    "Anika",
    "Johan",
    "Naledi",
    "Kagiso",
    "Zanele",
    "Themba",
    "Ayesha",
    "Riaan",
    "Nomvula",
    "Bongani",
    "Fatima",
    "Liam",
    "Zoë",
    "Renée",
    "Mpho",
    "Lindiwe",
    "Tshepo",
    "Karabo",
    "Priya",
    "Ruan",
    "Megan",
    "Sizwe",
    "Nadia",
    "Chloé",
    "Dumisani",
    "Refilwe",
    "Yusuf",
    "Emma",
    "Andile",
    "Keabetswe",
    "Jaco",
    "Palesa",
    "Ahmed",
    "Nicole",
    "Lwazi",
    "Hannah",
];

const SURNAMES: &[&str] = &[
    "Nkosi",
    "Dlamini",
    "van der Merwe",
    "Botha",
    "Naidoo",
    "Mokoena",
    "Pillay",
    "Khumalo",
    "Smith",
    "Ndlovu",
    "du Plessis",
    "Mahlangu",
    "Pretorius",
    "Govender",
    "Molefe",
    "Jacobs",
    "O'Connor",
    "Sithole",
    "Venter",
    "Mthembu",
    "Coetzee",
    "Zulu",
    "Moodley",
    "le Roux",
    "Hendricks",
    "Baloyi",
    "Müller",
    "Petersen",
    "Maseko",
    "Fourie",
];

/// (company, its email domain). Made up; the domains end in `.example`.
const COMPANIES: &[(&str, &str)] = &[
    ("Umoya Analytics", "umoya-analytics.example"),
    ("Karoo Cloud", "karoocloud.example"),
    ("Baobab Data", "baobabdata.example"),
    ("Jacaranda Insights", "jacaranda.example"),
    ("Protea Systems", "protea-systems.example"),
    ("Ubuntu Data, Inc.", "ubuntudata.example"),
    ("Fynbos AI", "fynbos.example"),
    ("Highveld Bank", "highveldbank.example"),
    ("Table Mountain Tech", "tmtech.example"),
    ("Springbok Retail", "springbok-retail.example"),
    ("Kalahari Logistics", "kalahari.example"),
    ("University of the Highveld", "uhighveld.example"),
    ("Msunduzi Municipality", "msunduzi.example"),
    ("Impala Mining", "impala-mining.example"),
    ("Marula Health", "marulahealth.example"),
];

const FREEMAIL: &[&str] = &["mail.example", "inbox.example", "webmail.example"];

const JOB_TITLES: &[&str] = &[
    "Data Scientist",
    "Data Engineer",
    "Analytics Manager",
    "ML Engineer",
    "BI Developer",
    "CTO",
    "Head of Data",
    "Student",
    "Software Developer",
    "Research Fellow",
    "Product Manager",
    "Consultant",
];

/// A made-up person, the same for the same index in every file.
struct Person {
    first: String,
    last: String,
    email: String,
    phone: String,
    company: Option<&'static str>,
    job_title: Option<&'static str>,
}

fn person(index: u64) -> Person {
    let mut rng = Rng(index.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0xDA1D_2026);
    let first = rng.pick(FIRST_NAMES).to_string();
    let last = rng.pick(SURNAMES).to_string();
    let works = rng.chance(75);
    let (company, domain) = if works {
        let (c, d) = *rng.pick(COMPANIES);
        (Some(c), d)
    } else {
        (None, *rng.pick(FREEMAIL))
    };
    let local: String = format!("{}.{}", ascii(&first), ascii(&last))
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    let email = format!("{local}{index}@{domain}");
    let phone = match rng.below(3) {
        0 => format!("+27 8{} 555 {:04}", rng.below(4) + 1, rng.below(10_000)),
        1 => format!("08{} 555 {:04}", rng.below(4) + 1, rng.below(10_000)),
        _ => String::new(),
    };
    Person {
        first,
        last,
        email,
        phone,
        company,
        job_title: works.then(|| *rng.pick(JOB_TITLES)),
    }
}

fn ascii(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'ë' | 'é' => 'e',
            'ü' => 'u',
            c => c.to_ascii_lowercase(),
        })
        .filter(|c| *c != ' ' && *c != '\'')
        .collect()
}

/// A time between `from` and `to`, more often near their ends (launch and
/// last-minute sales), at office-ish hours.
fn purchase_time(rng: &mut Rng, from: NaiveDate, to: NaiveDate) -> NaiveDateTime {
    let days = (to - from).num_days().max(1) as u64;
    let offset = match rng.below(10) {
        0..=2 => rng.below(days / 5 + 1),
        3..=5 => days - 1 - rng.below(days / 6 + 1),
        _ => rng.below(days),
    };
    let date = from + Duration::days(offset as i64);
    let seconds = 6 * 3600 + rng.below(17 * 3600);
    date.and_time(NaiveTime::MIN) + Duration::seconds(seconds as i64)
}

/// Where a ticket came from, as organisers really get it.
type Sources = [(u64, &'static str)];

const SOURCES_JHB_2026: &Sources = &[
    (300, ""),
    (80, "cfp-2026"),
    (30, "CFP_2026 "),
    (170, "early-bird-registration-2026"),
    (30, "Early Bird Registration 2026"),
    (
        70,
        "https://www.quicket.co.za/events/data-ai-day-2026/?utm_source=brevo&utm_medium=email&utm_campaign=last-chance-reminder-2026",
    ),
    (
        40,
        "https://qkt.io/daid26?utm_source=linkedin&utm_medium=social&utm_campaign=sponsor-showcase-2026",
    ),
    (100, "linkedin"),
    (30, "LinkedIn"),
    (30, "twitter"),
    (30, "whatsapp-group"),
    (20, "friend"),
    (15, "meetup"),
    (10, "cfp-2062"),
    (10, "early-bird-registation-2026"),
    (10, "last-chance-remider-2026"),
];

const SOURCES_CPT_2026: &Sources = &[
    (450, ""),
    (150, "linkedin"),
    (120, "early-bird-registration-2026"),
    (60, "cfp-2026"),
    (40, "whatsapp-group"),
    (30, "twitter"),
    (20, "cape-town-meetup"),
];

const SOURCES_2025: &Sources = &[
    (400, ""),
    (250, "early-bird-2025"),
    (50, "EARLY-BIRD-2025"),
    (
        60,
        "https://www.quicket.co.za/events/data-ai-day-2025/?utm_campaign=early-bird-2025&utm_source=brevo",
    ),
    (120, "linkedin"),
    (40, "twitter"),
    (20, "early-bird-2024"),
    (15, "earlybird-2025"),
];

const DIETARY: &[(u64, &str)] = &[
    (60, "None"),
    (14, "Vegetarian"),
    (6, "Vegan"),
    (10, "Halaal"),
    (2, "Kosher"),
    (4, "Gluten-free"),
    (3, ""),
    (1, "Vegetarian\nNo mushrooms, please"),
];

const HEARD: &[&str] = &[
    "LinkedIn",
    "A friend or colleague",
    "Email newsletter",
    "Twitter/X",
    "Meetup group",
    "",
];

/// One event's export, described.
struct EventSpec {
    code: &'static str,
    sales_from: NaiveDate,
    event_day: NaiveDate,
    tickets: u64,
    /// People are drawn from indices `pool_from..pool_to` of [`person`]:
    /// overlapping ranges put the same people in several events.
    pool_from: u64,
    pool_to: u64,
    sources: &'static Sources,
    seed: u64,
}

/// (ticket type, price as written, chance weight). Early Bird only sells
/// before the early-bird end.
const TYPES_2026: &[(u64, (&str, &str))] = &[
    (45, ("General Admission", "R 850.00")),
    (12, ("Student", "R 150.00")),
    (4, ("VIP", "R 2,500.00")),
    (3, ("Speaker", "R 0.00")),
    (2, ("Sponsor Guest", "R 0.00")),
];

const NEW_HEADERS: &[&str] = &[
    "Order Number",
    "Ticket Number",
    "Ticket Barcode",
    "Purchase Date",
    "Ticket Type",
    "Price",
    "Discount Code",
    "First name",
    "Surname",
    "Email",
    "Cellphone",
    "Company",
    "Job Title",
    "Ticket Status",
    "Checked in",
    "Checked in date",
    "Checked in by",
    "Marketing Source",
    "Dietary Requirements",
    "T-Shirt Size",
    "How did you hear about us?",
];

/// Rows in today's layout. `date_style` formats the purchase date.
fn new_style_rows(
    spec: &EventSpec,
    date_style: fn(NaiveDateTime) -> String,
    mut emit: impl FnMut(Vec<String>) -> io::Result<()>,
) -> io::Result<()> {
    let mut rng = Rng(spec.seed);
    let early_bird_end = spec.sales_from
        + Duration::days(((spec.event_day - spec.sales_from).num_days() / 3).max(1));
    let pool = spec.pool_to - spec.pool_from;
    let mut ticket_seq: u64 = 0;
    let mut order_seq: u64 = 0;
    while ticket_seq < spec.tickets {
        order_seq += 1;
        let order = format!(
            "{}{:07}",
            &spec.code[..2],
            1_000_000 + order_seq * 7 % 9_000_000
        );
        let bought = purchase_time(&mut rng, spec.sales_from, spec.event_day);
        let in_order = 1 + u64::from(rng.chance(20)) + u64::from(rng.chance(5));
        let source = *rng.weighted(spec.sources);
        for _ in 0..in_order.min(spec.tickets - ticket_seq) {
            ticket_seq += 1;
            let p = person(spec.pool_from + rng.below(pool));
            let (kind, price) = if bought.date() < early_bird_end && rng.chance(70) {
                ("Early Bird", "R 450.00")
            } else {
                *rng.weighted(TYPES_2026)
            };
            let discount = match kind {
                "Speaker" => "SPEAKER",
                "Sponsor Guest" => "SPONSOR",
                _ if rng.chance(4) => "WIT2026",
                _ if rng.chance(3) => "COMMUNITY",
                _ => "",
            };
            let status = match rng.below(100) {
                0..=1 => "Cancelled",
                2 => "Refunded",
                _ => "Valid",
            };
            let checked_in = spec.event_day
                < NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default()
                && status == "Valid"
                && rng.chance(85);
            let checked_at = checked_in.then(|| {
                spec.event_day.and_time(NaiveTime::MIN)
                    + Duration::seconds((7 * 3600 + rng.below(3 * 3600)) as i64)
            });
            // Now and then a person types their address in capitals.
            let email = if rng.chance(3) {
                p.email.to_uppercase()
            } else {
                p.email.clone()
            };
            emit(vec![
                order.clone(),
                format!("{}-{:06}", spec.code, ticket_seq),
                format!("{:012}", rng.next() % 1_000_000_000_000),
                date_style(bought),
                kind.to_string(),
                price.to_string(),
                discount.to_string(),
                p.first.clone(),
                p.last.clone(),
                email,
                p.phone.clone(),
                p.company.unwrap_or("").to_string(),
                p.job_title.unwrap_or("").to_string(),
                status.to_string(),
                if checked_in { "Yes" } else { "No" }.to_string(),
                checked_at.map_or(String::new(), date_style),
                if checked_in {
                    rng.pick(&["Door 1", "Door 2", "Scanner App"]).to_string()
                } else {
                    String::new()
                },
                source.to_string(),
                rng.weighted(DIETARY).to_string(),
                rng.pick(&["S", "M", "L", "XL", "XXL"]).to_string(),
                rng.pick(HEARD).to_string(),
            ])?;
        }
    }
    Ok(())
}

fn iso_minutes(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

fn iso_seconds(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn day_first(t: NaiveDateTime) -> String {
    t.format("%d/%m/%Y %H:%M").to_string()
}

fn month_name(t: NaiveDateTime) -> String {
    t.format("%d %b %Y %H:%M").to_string()
}

fn csv_writer<W: Write>(out: W, delimiter: u8, crlf: bool) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(if crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .from_writer(out)
}

/// One large export in today's layout, for the benchmark.
pub fn write_export(out: impl Write, rows: u64, seed: u64) -> io::Result<()> {
    let mut writer = csv_writer(out, b',', false);
    writer.write_record(NEW_HEADERS)?;
    let spec = EventSpec {
        code: "BENCH",
        sales_from: NaiveDate::from_ymd_opt(2026, 1, 15).expect("a date"),
        event_day: NaiveDate::from_ymd_opt(2026, 9, 17).expect("a date"),
        tickets: rows,
        pool_from: 0,
        pool_to: (rows * 7 / 10).max(1),
        sources: SOURCES_JHB_2026,
        seed,
    };
    new_style_rows(&spec, iso_seconds, |row| {
        writer.write_record(&row).map_err(io::Error::from)
    })?;
    writer.flush()
}

/// The three files of `sample_data/`.
pub fn write_samples(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a date");

    // Johannesburg 2026: today's layout, UTF-8 with BOM and CRLF, as
    // downloaded.
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv_writer(&mut bytes, b',', true);
        writer.write_record(NEW_HEADERS)?;
        let spec = EventSpec {
            code: "JHB26",
            sales_from: date(2026, 3, 2),
            event_day: date(2026, 9, 17),
            tickets: 1_512,
            pool_from: 0,
            pool_to: 2_400,
            sources: SOURCES_JHB_2026,
            seed: 17,
        };
        new_style_rows(&spec, iso_minutes, |row| {
            writer.write_record(&row).map_err(io::Error::from)
        })?;
        writer.flush()?;
    }
    std::fs::write(dir.join("quicket_data-ai-day-2026.csv"), bytes)?;

    // Cape Town 2026: the same layout, day-first dates, no BOM.
    let mut bytes = Vec::new();
    {
        let mut writer = csv_writer(&mut bytes, b',', false);
        writer.write_record(NEW_HEADERS)?;
        let spec = EventSpec {
            code: "CPT26",
            sales_from: date(2026, 6, 1),
            event_day: date(2026, 11, 5),
            tickets: 418,
            pool_from: 1_800,
            pool_to: 3_200,
            sources: SOURCES_CPT_2026,
            seed: 1105,
        };
        new_style_rows(&spec, day_first, |row| {
            writer.write_record(&row).map_err(io::Error::from)
        })?;
        writer.flush()?;
    }
    std::fs::write(dir.join("quicket_data-ai-day-cape-town-2026.csv"), bytes)?;

    // 2025: the older layout (one "Ticket Holder" name, no order numbers or
    // prices, a tracking code), saved from Excel as Windows-1252.
    let mut text = Vec::new();
    {
        let mut writer = csv_writer(&mut text, b',', true);
        writer.write_record([
            "Ticket Number",
            "Ticket Barcode",
            "Purchase Date",
            "Ticket Type",
            "Ticket Holder",
            "Email",
            "Cellphone",
            "Checked in",
            "Checked in date",
            "Checked in by",
            "Complimentary",
            "Tracking Code",
        ])?;
        let mut rng = Rng(918);
        let (from, day) = (date(2025, 3, 3), date(2025, 9, 18));
        for seq in 1..=936u64 {
            let p = person(rng.below(2_000));
            let bought = purchase_time(&mut rng, from, day);
            let comp = rng.chance(4);
            let kind = if comp {
                "Speaker"
            } else if bought.date() < date(2025, 5, 31) {
                "Early Bird"
            } else {
                *rng.pick(&["General Admission", "General Admission", "Student"])
            };
            let checked_in = rng.chance(82);
            let checked_at = checked_in.then(|| {
                day.and_time(NaiveTime::MIN)
                    + Duration::seconds((7 * 3600 + rng.below(3 * 3600)) as i64)
            });
            writer.write_record([
                format!("DAID25-{seq:05}"),
                format!("{:012}", rng.next() % 1_000_000_000_000),
                month_name(bought),
                kind.to_string(),
                format!("{} {}", p.first, p.last),
                p.email.clone(),
                p.phone.clone(),
                if checked_in { "Yes" } else { "No" }.to_string(),
                checked_at.map_or(String::new(), month_name),
                if checked_in { "Door 1" } else { "" }.to_string(),
                if comp { "Yes" } else { "No" }.to_string(),
                rng.weighted(SOURCES_2025).to_string(),
            ])?;
        }
        writer.flush()?;
    }
    let text = String::from_utf8(text).map_err(io::Error::other)?;
    let windows_1252: Vec<u8> = text
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect();
    std::fs::write(dir.join("quicket_data-ai-day-2025.csv"), windows_1252)?;
    Ok(())
}
