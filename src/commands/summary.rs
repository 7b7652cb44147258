//! `attrib summary`: the morning summary organisers get by cron, in their
//! inbox or a shared folder. What changed for an event in a time window: new
//! registrations per campaign beside the running totals, newly seen
//! unattributed sources, how the emails sent in the window fared, and when
//! Quicket data was last imported, with a warning first when that is stale.

use std::path::PathBuf;

use crate::app::{App, Outcome};
use crate::error::UsageError;
use crate::event::{self, Event, EventSelector};
use crate::run_lock::RunLock;
use crate::summary::target::{OutTemplate, SummaryFormat};
use crate::summary::window::{self, Instant, Since, Span};
use crate::summary::{self, Request, Summary, render};
use crate::ui::Ui;

pub const LONG_ABOUT: &str = "\
What changed for an event in a time window, for a daily email or a shared folder:

- New registrations per campaign and in total, with the running totals beside them. Tickets are \
attributed to campaigns exactly as `attrib report` does; a registration is a ticket neither \
cancelled nor refunded.
- Newly seen unattributed sources: sources naming no campaign whose first registration falls in \
the window, with a \"did you mean\".
- Emails sent in the window, with their recipients as they stand now: recipients, delivered, \
opened, clicked, bounced.
- The last Quicket import of the event. When it is older than --stale-after, or there was none, \
a warning comes first.

The window is [since, now): a registration counts when since <= purchased_at < now (start \
inclusive, end exclusive). A window with nothing in it says so plainly.";

const AFTER_LONG_HELP: &str = "\
--since takes a length of time before now (90m, 24h, 7d, 2w; a day is 24 hours), a date \
(2026-05-01: its midnight) or a date and time (2026-05-01T08:00), both in the --timezone time \
zone.

--out PATH writes the summary to a file instead of stdout, atomically (a reader sees the old \
file or the new one, never half of one), creating missing directories. Placeholders: {date} \
(YYYY-MM-DD, today in --timezone) and {event} (the event's slug). The format follows the file \
name (.md Markdown, .json JSON, else text) unless --format says otherwise. When --event \
selects several events (a year), {event} must be in PATH: one file per event.

Exit codes:
  0  success
  1  failure (database unreachable, file not writable); nothing was written
  2  usage error (bad option value, unknown event)
  3  with --strict: written, but the data needs attention: the last Quicket import is older
     than --stale-after (or there was none), a source names several campaigns or looks like a
     typo of a campaign slug, or the window's unattributed share is above --max-unattributed
  4  another `attrib summary` for the same event is still running (a PostgreSQL advisory lock
     per event); this run stopped at once without writing anything

Examples:
  attrib summary --event data-ai-day-2026
  attrib summary --event 2026 --since 7d --format markdown
  attrib summary --event data-ai-day-2026 --since 2026-05-01 --format json | jq '.events[0].campaigns'
  attrib summary --event 2026 --quiet --strict --max-unattributed 20 \\
      --out '/srv/reports/{event}-{date}.md'";

#[derive(Debug, clap::Args)]
#[command(after_long_help = AFTER_LONG_HELP)]
pub struct Args {
    /// The event: its slug (data-ai-day-2026), id:N, or a year (2026) for
    /// one summary per event starting that year.
    #[arg(long, value_name = "EVENT", value_parser = event::parse_selector)]
    pub event: Option<EventSelector>,

    /// Start of the window: 90m, 24h, 7d, 2w before now, a date
    /// (2026-05-01, its midnight) or a date and time (2026-05-01T08:00).
    #[arg(long, value_name = "WHEN", default_value = "24h", value_parser = window::parse_since)]
    pub since: Since,

    /// Output format [default: text, or as the --out file name says].
    #[arg(long, value_enum)]
    pub format: Option<SummaryFormat>,

    /// Write to this file (atomically; directories created) instead of
    /// stdout. Placeholders: {date} (YYYY-MM-DD) and {event} (event slug).
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,

    /// Warn (first thing in the summary) when the last Quicket import is
    /// older than this: 90m, 24h, 3d, 1w.
    #[arg(long, value_name = "AGE", default_value = "3d", value_parser = window::parse_span)]
    pub stale_after: Span,

    /// Exit with code 3 when the data needs attention: a stale or missing
    /// import, a source naming several campaigns or looking like a typo, an
    /// unattributed share above --max-unattributed.
    #[arg(long)]
    pub strict: bool,

    /// With --strict: the largest share (percent, 0 to 100) of the window's
    /// new registrations that may name no campaign.
    #[arg(long, value_name = "PCT", value_parser = crate::attention::parse_percent)]
    pub max_unattributed: Option<f64>,

    /// Pretend it is this time (2026-05-02T08:00:00+02:00, or local as
    /// 2026-05-02T08:00): for tests and reproducible summaries.
    #[arg(long, value_name = "TIMESTAMP", hide = true, value_parser = window::parse_instant)]
    pub now: Option<Instant>,
}

/// Where the summary goes, decided from the options before any work.
#[derive(Debug)]
enum Destination {
    Stdout(SummaryFormat),
    File(OutTemplate, SummaryFormat),
}

fn destination(args: &Args) -> Result<Destination, UsageError> {
    match &args.out {
        None => Ok(Destination::Stdout(
            args.format.unwrap_or(SummaryFormat::Text),
        )),
        Some(path) => {
            let template = OutTemplate::parse(path).map_err(UsageError)?;
            let format = args.format.unwrap_or_else(|| template.format());
            Ok(Destination::File(template, format))
        }
    }
}

pub async fn run(app: &mut App, args: Args) -> anyhow::Result<Outcome> {
    let destination = destination(&args)?;
    if args.max_unattributed.is_some() && !args.strict {
        app.ui
            .note("note: --max-unattributed only changes the exit code with --strict.");
    }
    let pool = app.db().await?;
    let Some(selector) = &args.event else {
        let events = event::list(&pool).await?;
        return Err(UsageError(format!(
            "which event? Name it with --event (a slug, id:N or a year). {}",
            event::describe_choices(&events)
        ))
        .into());
    };
    let events = event::resolve_all(&pool, selector).await?;
    if let Destination::File(template, _) = &destination {
        check_one_file_per_event(template, selector, &events)?;
    }

    // Held until the files are written: an overlapping run stops here.
    let lock = RunLock::acquire(&pool, "summary", &events).await?;
    let request = Request {
        since: args.since.clone(),
        now: args.now,
        stale_after: args.stale_after,
        max_unattributed: args.max_unattributed,
    };
    let spinner = app.ui.spinner("building the summary");
    let built = summary::build(&pool, events, &request).await;
    spinner.finish_and_clear();
    let result = match built {
        Ok(summary) => deliver(app, &summary, &destination).map(|()| summary),
        Err(e) => Err(e),
    };
    // The lock goes with the connection anyway: a failure to let go of it
    // must not turn a delivered summary into a failed run.
    if let Err(e) = lock.release().await {
        tracing::warn!("could not release the summary's lock cleanly: {e}");
    }
    let summary = result?;

    // The findings are in the summary itself; on stderr too when it went to
    // a file (cron mails stderr), and as warnings under --strict.
    let attention: Vec<String> = summary
        .events
        .iter()
        .filter_map(|e| e.attention())
        .collect();
    for line in &attention {
        if args.strict {
            app.ui.warn(line);
        } else if matches!(destination, Destination::File(..)) {
            app.ui.note(format!("note: {line}"));
        }
    }
    Ok(if args.strict && !attention.is_empty() {
        Outcome::NeedsAttention
    } else {
        Outcome::Success
    })
}

/// Several events in one file would be overwritten by one another.
fn check_one_file_per_event(
    template: &OutTemplate,
    selector: &EventSelector,
    events: &[Event],
) -> Result<(), UsageError> {
    if events.len() < 2 || template.names_event() {
        return Ok(());
    }
    let slugs: Vec<&str> = events.iter().map(|e| e.slug.as_str()).collect();
    Err(UsageError(format!(
        "--event {selector} selects {} events ({}), one summary each: put {{event}} in --out so \
         that each gets its own file, e.g. --out 'reports/{{event}}-{{date}}.md'.",
        events.len(),
        slugs.join(", ")
    )))
}

fn deliver(app: &App, summary: &Summary, destination: &Destination) -> anyhow::Result<()> {
    match destination {
        Destination::Stdout(format) => {
            use std::io::Write;
            let text = render::render(summary, *format, &app.ui)?;
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
        Destination::File(template, format) => {
            // Every file rendered before the first is written.
            let mut files: Vec<(PathBuf, String)> = Vec::new();
            for i in 0..summary.events.len() {
                let one = summary.only(i);
                let path = template.expand(&summary.window.date, &one.events[0].event.slug);
                files.push((path, render::render(&one, *format, &Ui::plain())?));
            }
            if !template.names_event() && files.len() > 1 {
                anyhow::bail!("internal error: several summaries for one file");
            }
            for (path, _) in &files {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        anyhow::anyhow!("cannot create the directory {}: {e}", dir.display())
                    })?;
                }
            }
            // One summary per event: all are written, or none.
            let files: Vec<(PathBuf, Vec<u8>)> = files
                .into_iter()
                .map(|(path, text)| (path, text.into_bytes()))
                .collect();
            crate::files::write_all_or_nothing(&files)?;
            for (path, _) in &files {
                app.ui.note(format!("Wrote {}.", path.display()));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, clap::Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    fn parse(argv: &[&str]) -> Result<Args, clap::Error> {
        Cli::try_parse_from(std::iter::once("summary").chain(argv.iter().copied())).map(|c| c.args)
    }

    #[test]
    fn defaults() {
        let args = parse(&[]).unwrap();
        assert_eq!(args.since, Since::default());
        assert_eq!(args.stale_after.to_string(), "3d");
        assert!(matches!(
            destination(&args),
            Ok(Destination::Stdout(SummaryFormat::Text))
        ));
    }

    #[test]
    fn the_file_name_picks_the_format_unless_told() {
        let args = parse(&["--out", "r/{event}-{date}.md"]).unwrap();
        assert!(matches!(
            destination(&args),
            Ok(Destination::File(_, SummaryFormat::Markdown))
        ));
        let args = parse(&["--out", "r/{event}.md", "--format", "json"]).unwrap();
        assert!(matches!(
            destination(&args),
            Ok(Destination::File(_, SummaryFormat::Json))
        ));
        let args = parse(&["--out", "r/{evnt}.md"]).unwrap();
        assert!(destination(&args).unwrap_err().0.contains("{evnt}"));
    }

    #[test]
    fn bad_values_are_usage_errors() {
        for argv in [
            &["--since", "yesterday"][..],
            &["--stale-after", "3"],
            &["--max-unattributed", "120"],
            &["--now", "tomorrow"],
            &["--format", "csv"],
        ] {
            let e = parse(argv).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{argv:?}");
        }
    }

    #[test]
    fn a_year_needs_event_in_the_path() {
        let event = |id: i32, slug: &str| Event {
            id,
            slug: slug.into(),
            ..Event::default()
        };
        let two = [event(1, "a"), event(2, "b")];
        let year = EventSelector::Year(2026);
        let plain = OutTemplate::parse(std::path::Path::new("r/{date}.md")).unwrap();
        let e = check_one_file_per_event(&plain, &year, &two).unwrap_err();
        assert!(e.0.contains("{event}") && e.0.contains("a, b"), "{e}");
        assert!(check_one_file_per_event(&plain, &year, &two[..1]).is_ok());
        let per_event = OutTemplate::parse(std::path::Path::new("r/{event}.md")).unwrap();
        assert!(check_one_file_per_event(&per_event, &year, &two).is_ok());
    }
}
