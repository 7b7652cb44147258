//! `attrib report`: the weekly report organisers paste into their planning.
//! Which campaigns brought in an event's registrations, which sources name no
//! campaign (with "did you mean"), how far each channel reached, and how the
//! emails fared, as tables, Markdown, CSV files for Excel or one JSON document.

use std::path::{Path, PathBuf};

use crate::app::{App, Outcome};
use crate::error::UsageError;
use crate::event::{self, EventSelector};
use crate::output::{self, Format, UTF8_BOM};
use crate::report::{self, Report, SectionName, render};

pub const LONG_ABOUT: &str = "\
Reports on an event's registrations (tickets neither cancelled nor refunded), in four sections:

1. Registrations per campaign: registrations, distinct contacts, revenue, share of the event's \
registrations, first and last registration; recipients (distinct contacts on the lists of the \
campaign's emails), converted recipients (of those, how many hold a registration for the event) \
and the conversion rate. Then rows for ambiguous sources (naming several campaigns), \
unattributed sources, tickets with no source, and the total, which equals the event's \
registrations.
2. Unattributed sources: each source (in slug form) that names no campaign, its registrations \
and, when a campaign slug is close, a \"did you mean\".
3. Channel reach: per communication channel, communications, how many were sent or published, \
distinct recipients and how many were delivered (email); per asset-distribution channel, assets \
shared, distributions, summed reach estimate and how many estimates were missing.
4. Recipient funnel, per email and per campaign: recipients (every row), then the cumulative \
stages sent (sent, delivered, opened, clicked or bounced), delivered (delivered, opened or \
clicked), opened (opened or clicked), clicked; and bounced, failed, queued.

A ticket counts for a campaign of the same event when its marketing source, normalised like a \
slug (utm_campaign= of a link taken, case, accents and punctuation ignored), equals the \
campaign's slug, or is campaign-N or N for campaign id N.";

const AFTER_LONG_HELP: &str = "\
Funnel formulas (a rate over zero is left empty, null in JSON; rates are fractions in CSV and JSON):
  delivery rate  = delivered / sent
  open rate      = opened / delivered
  click rate     = clicked / delivered
  click-to-open  = clicked / opened
  bounce rate    = bounced / sent

Examples:
  attrib report --event 2026
  attrib report --event data-ai-day-2026 --format markdown > report.md
  attrib report --event 2026 --format json | jq '.events[].campaigns[] | {slug, registrations}'
  attrib report --event 2026 --format csv --section funnel > funnel.csv
  attrib report --event 2026 --out reports/2026-w14
  attrib report --event 2026 --strict --quiet --out /srv/reports || echo 'check the sources'

--out DIR writes, for each event, EVENT-SLUG-campaigns.csv, -unattributed.csv, -reach.csv and \
-funnel.csv, plus summary.json (the JSON document). The CSV files open correctly in Excel \
(UTF-8 with BOM; cells starting with = + - @ are neutralised). Each file is replaced atomically.";

#[derive(Debug, clap::Args)]
#[command(after_long_help = AFTER_LONG_HELP)]
pub struct Args {
    /// The event: its slug (data-ai-day-2026), id:N, or a year (2026) for
    /// every event starting that year, each reported in turn.
    #[arg(long, value_name = "EVENT", value_parser = event::parse_selector)]
    pub event: Option<EventSelector>,

    /// Output format [default: table, or CSV files with --out].
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Only this section. Needed by --format csv on stdout (one CSV holds one
    /// table); the JSON document always holds every section.
    #[arg(long, value_enum, value_name = "SECTION")]
    pub section: Option<SectionName>,

    /// Write one CSV file per section per event, and summary.json, into DIR
    /// (created if missing). Nothing is printed on stdout.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Exit with code 3 when registrations need attention: a source naming
    /// several campaigns, or one that looks like a typo of a campaign slug.
    #[arg(long)]
    pub strict: bool,

    /// Also write the report's queries, with their parameters, as a psql
    /// script (PREPARE/EXECUTE), for the benchmark.
    #[arg(long, value_name = "FILE", hide = true)]
    pub emit_psql: Option<PathBuf>,
}

/// Where the report goes, decided from the options before any work.
enum Destination {
    Stdout(Format),
    Files(PathBuf),
}

fn destination(args: &Args) -> Result<Destination, UsageError> {
    match (&args.out, args.format) {
        (Some(dir), None | Some(Format::Csv)) => Ok(Destination::Files(dir.clone())),
        (Some(_), Some(other)) => Err(UsageError(format!(
            "--out writes CSV files and summary.json; --format {} cannot be combined with it. \
             Drop --format, or leave out --out to print {} on stdout.",
            format_name(other),
            format_name(other)
        ))),
        (None, Some(Format::Csv)) if args.section.is_none() => Err(UsageError(
            "--format csv prints one section: add --section campaigns, unattributed, reach or \
             funnel, or use --out DIR for a file per section."
                .into(),
        )),
        (None, Some(Format::Json)) if args.section.is_some() => Err(UsageError(
            "the JSON document always holds every section; drop --section and pick one with jq, \
             e.g. jq '.events[].funnel'."
                .into(),
        )),
        (None, format) => Ok(Destination::Stdout(format.unwrap_or(Format::Table))),
    }
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Table => "table",
        Format::Csv => "csv",
        Format::Json => "json",
        Format::Markdown => "markdown",
    }
}

pub async fn run(app: &mut App, args: Args) -> anyhow::Result<Outcome> {
    let destination = destination(&args)?;
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
    let spinner = app.ui.spinner("building the report");
    let built = report::build(&pool, events, args.emit_psql.is_some()).await;
    spinner.finish_and_clear();
    let (report, script) = built?;

    if let (Some(path), Some(script)) = (&args.emit_psql, script) {
        output::write_atomically(path, script.as_bytes())
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    }

    match destination {
        Destination::Stdout(format) => print(app, &report, format, args.section)?,
        Destination::Files(dir) => write_files(app, &report, &dir, args.section)?,
    }

    let attention: Vec<String> = report.events.iter().filter_map(|e| e.attention()).collect();
    if attention.is_empty() {
        return Ok(Outcome::Success);
    }
    for line in &attention {
        if args.strict {
            app.ui.warn(line);
        } else {
            app.ui.note(format!("note: {line}"));
        }
    }
    Ok(if args.strict {
        Outcome::NeedsAttention
    } else {
        Outcome::Success
    })
}

fn print(
    app: &App,
    report: &Report,
    format: Format,
    only: Option<SectionName>,
) -> anyhow::Result<()> {
    use std::io::Write;
    let bytes = match format {
        Format::Table => render::table(report, &app.ui, only).into_bytes(),
        Format::Markdown => render::markdown(report, only).into_bytes(),
        Format::Json => render::json(report)?.into_bytes(),
        Format::Csv => render::csv_section(report, only.expect("checked by destination()"))?,
    };
    let mut out = std::io::stdout().lock();
    out.write_all(&bytes)?;
    out.flush()?;
    Ok(())
}

/// One CSV per section per event and summary.json, all rendered before the
/// first is written.
fn write_files(
    app: &App,
    report: &Report,
    dir: &Path,
    only: Option<SectionName>,
) -> anyhow::Result<()> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for event in &report.events {
        for name in SectionName::ALL
            .into_iter()
            .filter(|s| only.is_none_or(|o| o == *s))
        {
            let mut bytes = UTF8_BOM.to_vec();
            event.section(name).write_csv(&mut bytes)?;
            let file = dir.join(format!("{}-{}.csv", event.event.slug, name.name()));
            files.push((file, bytes));
        }
    }
    files.push((dir.join("summary.json"), render::json(report)?.into_bytes()));
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create the directory {}: {e}", dir.display()))?;
    for (path, bytes) in &files {
        output::write_atomically(path, bytes)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    }
    app.ui
        .note(format!("Wrote {} files to {}.", files.len(), dir.display()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(format: Option<Format>, section: Option<SectionName>, out: Option<&str>) -> Args {
        Args {
            event: None,
            format,
            section,
            out: out.map(PathBuf::from),
            strict: false,
            emit_psql: None,
        }
    }

    #[test]
    fn destinations() {
        assert!(matches!(
            destination(&args(None, None, None)),
            Ok(Destination::Stdout(Format::Table))
        ));
        assert!(matches!(
            destination(&args(None, None, Some("d"))),
            Ok(Destination::Files(_))
        ));
        assert!(matches!(
            destination(&args(
                Some(Format::Csv),
                Some(SectionName::Reach),
                Some("d")
            )),
            Ok(Destination::Files(_))
        ));
        assert!(matches!(
            destination(&args(Some(Format::Csv), Some(SectionName::Reach), None)),
            Ok(Destination::Stdout(Format::Csv))
        ));
        let e = destination(&args(Some(Format::Csv), None, None))
            .err()
            .unwrap();
        assert!(e.0.contains("--section"), "{e}");
        let e = destination(&args(Some(Format::Json), None, Some("d")))
            .err()
            .unwrap();
        assert!(e.0.contains("--out"), "{e}");
        let e = destination(&args(Some(Format::Json), Some(SectionName::Funnel), None))
            .err()
            .unwrap();
        assert!(e.0.contains("jq"), "{e}");
    }
}
