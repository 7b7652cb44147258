//! `attrib demo`: the whole job on the sample data, for someone trying
//! attrib for the first time, and the README's first command.
//!
//! It uses a database of its own (`attrib_demo`) on the embedded server,
//! never the user's data and never DATABASE_URL (it says so in one line when
//! DATABASE_URL is set), empties it, then loads every
//! sample file through the very commands a user would type (each parsed by
//! the same command line and shown as it runs), and prints
//! `attrib report --event 2026`, and how to explore the data further: the
//! global `--demo` runs any command against the demo's database.

use std::path::{Path, PathBuf};

use clap::Parser;

use crate::app::{App, Outcome};
use crate::cli::Cli;

pub const DATABASE: &str = "attrib_demo";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Keep the sample files in DIR (written there) instead of a temporary
    /// directory that is removed afterwards: handy to try commands on them.
    #[arg(long, value_name = "DIR")]
    pub keep_files: Option<PathBuf>,
}

macro_rules! sample {
    ($name:literal) => {
        (
            $name,
            include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/sample_data/", $name)),
        )
    };
}

/// The sample files, built into the binary so that the demo runs from
/// anywhere (regenerate them with the examples named in sample_data/README.md).
const SAMPLES: &[(&str, &[u8])] = &[
    sample!("quicket_data-ai-day-2026.csv"),
    sample!("quicket_data-ai-day-cape-town-2026.csv"),
    sample!("quicket_data-ai-day-2025.csv"),
    sample!("recipients_cfp-2026.csv"),
    sample!("recipients_early-bird-launch-2026.csv"),
    sample!("recipients_early-bird-last-days-2026.csv"),
    sample!("recipients_last-chance-2026.csv"),
    sample!("recipients_early-bird-2025.csv"),
    sample!("brevo_events_2026.jsonl"),
    sample!("brevo_marketing_events_2026.jsonl"),
];

/// One step of the demo: a command line, `{file}` standing for a sample
/// file's path and `{comm:TITLE}` for the id of the communication titled so.
const STEPS: &[&str] = &[
    "events add --name 'Data & AI Day 2026' --slug data-ai-day-2026 --starts-on 2026-09-17 --venue 'Sandton Convention Centre, Johannesburg'",
    "events add --name 'Data & AI Day Cape Town 2026' --slug data-ai-day-cape-town-2026 --starts-on 2026-11-05 --venue 'CTICC, Cape Town'",
    "events add --name 'Data & AI Day 2025' --slug data-ai-day-2025 --starts-on 2025-09-18 --venue 'Sandton Convention Centre, Johannesburg'",
    "campaigns add --event data-ai-day-2026 --name 'CFP 2026' --type cfp --status completed --description 'Call for speakers, March 2026'",
    "campaigns add --event data-ai-day-2026 --name 'Early Bird Registration 2026' --type registration --status completed",
    "campaigns add --event data-ai-day-2026 --name 'Last Chance Reminder 2026' --type reminder --status active",
    "campaigns add --event data-ai-day-2026 --name 'Sponsor Showcase 2026' --type sponsor --status active",
    "campaigns add --event data-ai-day-cape-town-2026 --name 'CFP 2026' --type cfp --status completed",
    "campaigns add --event data-ai-day-cape-town-2026 --name 'Early Bird Registration 2026' --type registration --status active",
    "campaigns add --event data-ai-day-cape-town-2026 --name 'Cape Town Meetup' --type general --status active",
    "campaigns add --event data-ai-day-2025 --name 'Early Bird 2025' --type registration --status completed",
    "import quicket --event data-ai-day-2026 {quicket_data-ai-day-2026.csv}",
    "import quicket --event data-ai-day-cape-town-2026 {quicket_data-ai-day-cape-town-2026.csv}",
    "import quicket --event data-ai-day-2025 {quicket_data-ai-day-2025.csv}",
    "comms add --event data-ai-day-2026 --campaign cfp-2026 --channel email --title 'Call for speakers: Data & AI Day 2026' --brevo-template-id 101 --sent-at '2026-03-02 09:00'",
    "comms add --event data-ai-day-2026 --campaign cfp-2026 --channel linkedin_post --title 'We are looking for speakers' --post-url https://www.linkedin.com/posts/data-ai-day_cfp-2026 --sent-at '2026-03-03 12:00' --summary 'Share what you built with data this year: the CFP is open until 30 April.'",
    "comms add --event data-ai-day-2026 --campaign cfp-2026 --channel email --title 'The CFP closes on Friday' --brevo-campaign-id 417 --sent-at '2026-04-20 09:00'",
    "comms add --event data-ai-day-2026 --campaign early-bird-registration-2026 --channel email --title 'Early bird tickets are open' --brevo-template-id 102 --sent-at '2026-05-04 09:00'",
    "comms add --event data-ai-day-2026 --campaign early-bird-registration-2026 --channel linkedin_post --title 'Early bird: R450 until 29 May' --post-url https://www.linkedin.com/posts/data-ai-day_early-bird --sent-at '2026-05-05 12:30'",
    "comms add --event data-ai-day-2026 --campaign early-bird-registration-2026 --channel email --title 'Early bird ends Friday' --brevo-template-id 103 --sent-at '2026-05-27 09:00'",
    "comms add --event data-ai-day-2026 --campaign last-chance-reminder-2026 --channel email --title 'Last chance: two weeks to Data & AI Day' --brevo-template-id 104 --sent-at '2026-09-01 09:00'",
    "comms add --event data-ai-day-2026 --campaign sponsor-showcase-2026 --channel linkedin_post --title 'Meet the sponsors of Data & AI Day 2026' --post-url https://www.linkedin.com/posts/data-ai-day_sponsors --sent-at '2026-08-10 10:00'",
    "comms add --event data-ai-day-2026 --campaign sponsor-showcase-2026 --channel marketing_material --title 'Sponsor showcase brochure' --sent-at '2026-08-12 09:00' --summary 'Eight-page brochure handed out at meetups'",
    "comms add --event data-ai-day-2025 --campaign early-bird-2025 --channel email --title 'Early bird tickets for Data & AI Day 2025' --brevo-template-id 51 --sent-at '2025-05-05 09:00'",
    "recipients import --communication {comm:Call for speakers: Data & AI Day 2026} {recipients_cfp-2026.csv}",
    "recipients import --communication {comm:Early bird tickets are open} {recipients_early-bird-launch-2026.csv}",
    "recipients import --communication {comm:Early bird ends Friday} {recipients_early-bird-last-days-2026.csv}",
    "recipients import --communication {comm:Last chance: two weeks to Data & AI Day} {recipients_last-chance-2026.csv}",
    "recipients import --communication {comm:Early bird tickets for Data & AI Day 2025} {recipients_early-bird-2025.csv}",
    "brevo ingest {brevo_events_2026.jsonl}",
    "brevo ingest {brevo_marketing_events_2026.jsonl}",
    "assets add --event data-ai-day-2026 --campaign cfp-2026 --type flyer --title 'CFP flyer' --url https://media.dataaiday.example/cfp-2026-flyer.pdf",
    "assets share 'CFP flyer' --event data-ai-day-2026 --channel linkedin --at '2026-03-03 12:00' --reach 4200 --notes 'Posted in SA Data & AI LinkedIn group'",
    "assets share 'CFP flyer' --event data-ai-day-2026 --channel whatsapp --at '2026-03-04 08:30' --reach 350 --notes 'Data community WhatsApp groups'",
    "assets share 'CFP flyer' --event data-ai-day-2026 --channel print --at '2026-03-10 18:00' --notes 'Printed for the March meetup'",
    "assets add --event data-ai-day-2026 --campaign early-bird-registration-2026 --type social_graphic --title 'Early bird social card' --url https://media.dataaiday.example/early-bird-card.png",
    "assets share 'Early bird social card' --event data-ai-day-2026 --channel linkedin --at '2026-05-05 12:30' --reach 6100",
    "assets share 'Early bird social card' --event data-ai-day-2026 --channel twitter --at '2026-05-05 12:45' --reach 1800",
    "assets add --event data-ai-day-2026 --campaign sponsor-showcase-2026 --type banner --title 'Sponsor wall banner'",
    "assets share 'Sponsor wall banner' --event data-ai-day-2026 --channel website --at '2026-08-10 10:00' --reach 2500",
    "assets add --event data-ai-day-2026 --type poster --title 'Venue poster' --description 'A1 poster for the venue, outside any campaign'",
];

pub async fn run(app: &mut App, args: Args) -> anyhow::Result<Outcome> {
    app.use_embedded_database(DATABASE);
    let pool = app.db().await?;
    empty_database(&pool).await?;

    let (dir, temporary) = match args.keep_files {
        Some(dir) => (dir, false),
        None => (
            std::env::temp_dir().join(format!("attrib-demo-{}", std::process::id())),
            true,
        ),
    };
    let result = run_steps(app, &pool, &dir).await;
    if temporary {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result?;

    let ui = app.ui;
    ui.note("\nThe report organisers run every week:\n  $ attrib report --event 2026\n");
    let report = Cli::try_parse_from(["attrib", "report", "--event", "2026"])?;
    let outcome = Box::pin(super::dispatch(app, report.command)).await?;
    ui.note(EXPLORE);
    Ok(outcome)
}

/// How to go on from the demo: its database stays, and `--demo` points any
/// command at it (without it, attrib uses your own database).
pub const EXPLORE: &str = "
Explore the demo's data: add --demo to any command, e.g.
  attrib --demo report --event 2026 --out report.html
  attrib --demo who --event 2026 --campaign cfp-2026
  attrib --demo contact EMAIL
Without --demo, attrib uses your own database, empty until you add an event.";

/// Every table of `public`, emptied: the demo always starts from nothing.
async fn empty_database(pool: &sqlx::PgPool) -> anyhow::Result<()> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    )
    .fetch_all(pool)
    .await?;
    let sql = format!("TRUNCATE {} RESTART IDENTITY CASCADE", tables.join(", "));
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(pool)
        .await?;
    Ok(())
}

async fn run_steps(app: &mut App, pool: &sqlx::PgPool, dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, bytes) in SAMPLES {
        std::fs::write(dir.join(name), bytes)?;
    }
    let shown = app.ui;
    shown.note(format!(
        "Loading the sample data into the demo database ({DATABASE}), as you would:"
    ));
    // The steps' own summaries would drown the report: they run quietly.
    app.ui.quiet = true;
    app.ui.progress = false;
    let mut result = Ok(());
    for step in STEPS {
        let line = expand(step, dir, pool).await?;
        shown.note(format!("  $ attrib {}", display(&line, dir)));
        let cli = Cli::try_parse_from(std::iter::once("attrib".to_string()).chain(line))?;
        if let Err(e) = Box::pin(super::dispatch(app, cli.command)).await {
            result = Err(e.context(format!("demo step failed: attrib {step}")));
            break;
        }
    }
    app.ui = shown;
    result
}

/// The step's words, with sample paths and communication ids filled in.
async fn expand(step: &str, dir: &Path, pool: &sqlx::PgPool) -> anyhow::Result<Vec<String>> {
    let mut words = Vec::new();
    for word in split_words(step) {
        let word = match word.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
            Some(title) if title.starts_with("comm:") => {
                let id: i32 = sqlx::query_scalar("SELECT id FROM communications WHERE title = $1")
                    .bind(&title[5..])
                    .fetch_one(pool)
                    .await?;
                id.to_string()
            }
            Some(file) => dir.join(file).display().to_string(),
            None => word,
        };
        words.push(word);
    }
    Ok(words)
}

/// Splits a step like a shell would: spaces separate words, single quotes
/// group them. `{...}` placeholders may hold spaces too.
fn split_words(step: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let (mut quoted, mut braced, mut started) = (false, false, false);
    for c in step.chars() {
        match c {
            '\'' if !braced => {
                quoted = !quoted;
                started = true;
            }
            '{' if !quoted => {
                braced = true;
                word.push(c);
                started = true;
            }
            '}' if braced => {
                braced = false;
                word.push(c);
            }
            ' ' if !quoted && !braced => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

/// A command line as a person would type it: sample paths shortened,
/// words with spaces quoted.
fn display(words: &[String], dir: &Path) -> String {
    let prefix = format!("{}/", dir.display());
    words
        .iter()
        .map(|w| {
            let w = w.strip_prefix(&prefix).unwrap_or(w);
            if w.is_empty() || w.contains([' ', '&', '\'', ':']) && !w.starts_with("http") {
                format!("'{}'", w.replace('\'', "'\\''"))
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_split_like_a_shell() {
        assert_eq!(
            split_words(
                "comms add --title 'Early bird: R450' --communication {comm:Call for x} {a b.csv}"
            ),
            [
                "comms",
                "add",
                "--title",
                "Early bird: R450",
                "--communication",
                "{comm:Call for x}",
                "{a b.csv}"
            ]
        );
    }

    #[test]
    fn every_step_parses_and_every_sample_is_used() {
        for step in STEPS {
            let words: Vec<String> = split_words(step)
                .into_iter()
                .map(|w| if w.starts_with('{') { "1".into() } else { w })
                .collect();
            let cli = Cli::try_parse_from(std::iter::once("attrib".to_string()).chain(words));
            assert!(
                cli.is_ok(),
                "{step}: {}",
                cli.err().map(|e| e.to_string()).unwrap_or_default()
            );
        }
        for (name, _) in SAMPLES {
            assert!(
                STEPS.iter().any(|s| s.contains(&format!("{{{name}}}"))),
                "{name} unused"
            );
        }
    }
}
