//! `attrib report`: the weekly report organisers paste into their planning.
//! Which campaigns brought in an event's registrations, which sources name no
//! campaign (with "did you mean"), how far each channel reached, and how the
//! emails fared, as tables, Markdown, CSV files for Excel, one JSON document
//! or one HTML page with charts. With `--model` or `--compare-models`, also
//! which emails buyers received before buying (touch-based attribution).

use std::path::{Path, PathBuf};

use crate::app::{App, Outcome};
use crate::error::UsageError;
use sqlx::PgPool;

use crate::event::{self, Event, EventSelector};
use crate::output::{self, Format, UTF8_BOM};
use crate::report::models::{self, Model, View, Window};
use crate::report::{self, BuildOptions, Report, SectionName, html, render};
use crate::summary::window::{self, Span};
use crate::ui::Ui;

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
campaign's slug, or is campaign-N or N for campaign id N. That is the source model.

The touch models credit the emails a buyer received before buying. A touch of a registration \
is an email communication of the event whose recipient row for the ticket's contact reached \
delivered, opened or clicked, sent (the row's sent_at, else the email's) within --window before \
the purchase. first-touch gives the whole credit to the earliest touch, last-touch to the latest \
(at the same time, the lowest communication id wins), linear splits it equally (a campaign with \
k of a ticket's n touches gets k/n). Registrations without a touch are counted as \"no touch\": \
every model's column adds up to the event's registrations.";

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
  attrib report --event 2026 --model last-touch --window 14d
  attrib report --event 2026 --compare-models
  attrib report --event 2026 --compare-models --format json | jq '.events[].models'
  attrib report --event 2026 --out report.html
  attrib report --event 2026 --format html --out reports/

--out follows the extension: report.html (one page), report.md, report.json, funnel.csv \
(one section: add --section), report.txt. A path without an extension, or an existing \
directory, is a directory (created if missing) of CSV files: for each event, \
EVENT-SLUG-campaigns.csv, -unattributed.csv, -reach.csv and \
-funnel.csv (and -models.csv with --model or --compare-models), plus summary.json (the JSON \
document). The CSV files open correctly in Excel (UTF-8 with BOM; cells starting with = + - @ \
are neutralised). Each file is replaced atomically.

--format html writes one self-contained page (no script, nothing fetched from the network; \
printable): every section as a table, the models compared, and charts of cumulative \
registrations per campaign with the days its communications went out, the funnel of each \
email, and channel reach. To stdout, or with --out to FILE.html, or to DIR/report.html.";

/// Output formats of `attrib report`: those of every command, and HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Aligned tables for a terminal.
    Table,
    /// Comma-separated values: one section on stdout (no byte-order mark,
    /// for pipes); files for Excel with --out (BOM, formulas neutralised).
    Csv,
    /// One JSON document on stdout, for jq and scripts.
    Json,
    /// GitHub-flavoured Markdown tables, to paste into planning notes.
    Markdown,
    /// One self-contained HTML page with charts, for a browser or a printer.
    Html,
}

impl ReportFormat {
    /// The shared format, for all but HTML.
    fn tabular(self) -> Option<Format> {
        match self {
            ReportFormat::Table => Some(Format::Table),
            ReportFormat::Csv => Some(Format::Csv),
            ReportFormat::Json => Some(Format::Json),
            ReportFormat::Markdown => Some(Format::Markdown),
            ReportFormat::Html => None,
        }
    }
}

#[derive(Debug, clap::Args)]
#[command(after_long_help = AFTER_LONG_HELP)]
pub struct Args {
    /// The event: its slug (data-ai-day-2026), id:N, or a year (2026) for
    /// every event starting that year, each reported in turn.
    #[arg(long, value_name = "EVENT", value_parser = event::parse_selector)]
    pub event: Option<EventSelector>,

    /// Output format [default: table; CSV files with --out DIR; html with
    /// --out FILE.html].
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,

    /// Only this section. Needed by --format csv on stdout (one CSV holds one
    /// table); the JSON document always holds every section. `models` needs
    /// --model or --compare-models.
    #[arg(long, value_enum, value_name = "SECTION")]
    pub section: Option<SectionName>,

    /// Write the report to PATH instead of stdout, by its extension: .html
    /// one page; .md or .json one file; .csv one section (needs --section);
    /// .txt the tables. A path without an extension, or an existing
    /// directory, gets one CSV file per section per event and summary.json
    /// (created if missing). --format, when given, decides instead.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,

    /// Note (and with --strict, exit 3) when the event's last Quicket
    /// import is older than this, or there was none, as `attrib summary`
    /// does: 90m, 24h, 3d, 1w.
    #[arg(long, value_name = "AGE", default_value = "3d", value_parser = window::parse_span)]
    pub stale_after: Span,

    /// Every column of every table, however wide the terminal. Without it,
    /// tables fit the terminal (or COLUMNS) and leave out the columns that
    /// matter least, saying which (docs/report.md).
    #[arg(long)]
    pub wide: bool,

    /// Exit with code 3 when registrations need attention: a source naming
    /// several campaigns, or one that looks like a typo of a campaign slug;
    /// or the data is stale (see --stale-after).
    #[arg(long)]
    pub strict: bool,

    /// How registrations are credited to campaigns. source: the ticket's
    /// marketing source names the campaign (section 1). The touch models
    /// add a section crediting the emails the buyer received within
    /// --window before buying.
    #[arg(long, value_enum, value_name = "MODEL", default_value_t = Model::Source)]
    pub model: Model,

    /// Every model side by side, per campaign: source, first-touch,
    /// last-touch and linear, each adding up to the event's registrations.
    /// Prints only that table (the JSON document and --out keep every
    /// section).
    #[arg(long, conflicts_with = "model")]
    pub compare_models: bool,

    /// How long before a purchase an email still counts as a touch: hours,
    /// days or weeks, e.g. 48h, 30d, 2w [default: 30d].
    #[arg(long, value_name = "DURATION", value_parser = models::parse_window)]
    pub window: Option<Window>,

    /// Also write the report's queries, with their parameters, as a psql
    /// script (PREPARE/EXECUTE), for the benchmark.
    #[arg(long, value_name = "FILE", hide = true)]
    pub emit_psql: Option<PathBuf>,
}

/// Where the report goes, decided from the options before any work.
#[derive(Debug)]
enum Destination {
    Stdout(Format),
    /// One file: Markdown, JSON, a table, or one section as CSV.
    File(PathBuf, Format),
    /// A directory: a CSV file per section per event, and summary.json.
    Files(PathBuf),
    /// The HTML page: to stdout (None) or to this file.
    Html(Option<PathBuf>),
}

/// What to read and where it goes, decided from the options alone.
#[derive(Debug)]
struct Plan {
    destination: Destination,
    /// The section to show, if only one.
    only: Option<SectionName>,
    options: BuildOptions,
}

/// The format `--out` names by its extension: None for no extension (the
/// CSV directory); a usage error for an extension attrib does not write.
fn out_format(path: &Path) -> Result<Option<Format>, UsageError> {
    if path.is_dir() || path.extension().is_none() {
        return Ok(None);
    }
    crate::listing::format_of(path).map(Some).ok_or_else(|| {
        UsageError(format!(
            "cannot tell what to write to --out {} from its extension: name a file .html, .md, \
             .json, .csv (with --section) or .txt, or a directory for the CSV files.",
            path.display()
        ))
    })
}

fn is_html_path(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"))
}

fn plan(args: &Args) -> Result<Plan, UsageError> {
    let view = if args.compare_models {
        Some(View::Compare)
    } else if args.model.is_touch() {
        Some(View::Single(args.model))
    } else {
        None
    };
    let html = match args.format {
        Some(ReportFormat::Html) => true,
        None => args.out.as_deref().is_some_and(is_html_path),
        Some(_) => false,
    };
    if args.window.is_some() && view.is_none() && !html {
        return Err(UsageError(
            "--window sets how far back the touch models look for emails; add --model \
             first-touch, last-touch or linear, or --compare-models."
                .into(),
        ));
    }
    if args.section == Some(SectionName::Models) && view.is_none() && !html {
        return Err(UsageError(
            "--section models shows the attribution models; add --model first-touch, \
             last-touch or linear, or --compare-models."
                .into(),
        ));
    }
    if args.compare_models && args.section.is_some_and(|s| s != SectionName::Models) {
        return Err(UsageError(
            "--compare-models shows the models section; drop --section, or drop \
             --compare-models to see another section."
                .into(),
        ));
    }
    let window = args.window.unwrap_or_default();

    if html {
        if args.section.is_some() {
            return Err(UsageError(
                "the HTML report always holds every section; drop --section.".into(),
            ));
        }
        let file = args.out.as_ref().map(|out| {
            if is_html_path(out) && !out.is_dir() {
                out.clone()
            } else {
                out.join("report.html")
            }
        });
        return Ok(Plan {
            destination: Destination::Html(file),
            only: None,
            options: BuildOptions {
                models_only: false,
                // The page compares every model, whatever --model says.
                models: Some((window, View::Compare)),
                timeline: true,
            },
        });
    }

    let format = args.format.and_then(ReportFormat::tabular);
    let mut only = args.section;
    let destination = match &args.out {
        Some(out) if format == Some(Format::Csv) && is_html_path(out) => {
            return Err(UsageError(format!(
                "--out {} names an HTML file; use --format html, or give a directory for the \
                 CSV files.",
                out.display()
            )));
        }
        Some(out) => match match format {
            Some(format) => Some(format),
            None => out_format(out)?,
        } {
            // No extension, or an existing directory: a CSV file per section.
            None => Destination::Files(out.clone()),
            Some(Format::Csv) if out.is_dir() || out.extension().is_none() => {
                Destination::Files(out.clone())
            }
            Some(format) => {
                let file = if out.is_dir() {
                    out.join(format!("report.{}", format.extension()))
                } else {
                    out.clone()
                };
                Destination::File(file, format)
            }
        },
        None => Destination::Stdout(format.unwrap_or(Format::Table)),
    };
    if let Destination::Stdout(format) | Destination::File(_, format) = destination {
        if format == Format::Json && args.section.is_some() {
            return Err(UsageError(
                "the JSON document always holds every section; drop --section and pick one \
                 with jq, e.g. jq '.events[].funnel'."
                    .into(),
            ));
        }
        if format != Format::Json && args.compare_models {
            only = Some(SectionName::Models);
        }
        if format == Format::Csv && only.is_none() {
            let advice = match &destination {
                Destination::File(file, _) => format!(
                    "a CSV file holds one section: add --section campaigns, unattributed, \
                     reach or funnel, or give --out a directory ({}) for a file per section.",
                    file.with_extension("").display()
                ),
                _ => "--format csv prints one section: add --section campaigns, unattributed, \
                      reach or funnel, or use --out DIR for a file per section."
                    .to_string(),
            };
            return Err(UsageError(advice));
        }
    }
    // Only the models shown, and no --strict (which judges the sources by
    // the other sections): the four sections need not be read.
    let models_only = only == Some(SectionName::Models)
        && !args.strict
        && matches!(destination, Destination::Stdout(f) | Destination::File(_, f) if f != Format::Json);
    Ok(Plan {
        destination,
        only,
        options: BuildOptions {
            models_only,
            models: view.map(|v| (window, v)),
            timeline: false,
        },
    })
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Table => "table",
        Format::Csv => "csv",
        Format::Json => "json",
        Format::Markdown => "markdown",
    }
}

/// The events `--event` names. None given is a usage error listing them.
pub async fn events(pool: &PgPool, selector: Option<&EventSelector>) -> anyhow::Result<Vec<Event>> {
    let Some(selector) = selector else {
        let events = event::list(pool).await?;
        return Err(UsageError(format!(
            "which event? Name it with --event (a slug, id:N or a year). {}",
            event::describe_choices(&events)
        ))
        .into());
    };
    event::resolve_all(pool, selector).await
}

/// `--stale-after`'s default, as `summary` has it.
pub const DEFAULT_STALE_AFTER: Span = Span::days(3);

/// What `report --format json --model MODEL [--window W]` reads: the same
/// rules (a window needs a touch model) decide it.
pub fn json_options(model: Model, window: Option<Window>) -> Result<BuildOptions, UsageError> {
    let args = Args {
        event: None,
        format: Some(ReportFormat::Json),
        section: None,
        out: None,
        strict: false,
        model,
        compare_models: false,
        window,
        emit_psql: None,
        stale_after: DEFAULT_STALE_AFTER,
        wide: false,
    };
    plan(&args).map(|plan| plan.options)
}

pub async fn run(app: &mut App, args: Args) -> anyhow::Result<Outcome> {
    let plan = plan(&args)?;
    let pool = app.db().await?;
    let events = events(&pool, args.event.as_ref()).await?;
    let spinner = app.ui.spinner("building the report");
    let built = report::build_with(&pool, events, args.emit_psql.is_some(), plan.options).await;
    spinner.finish_and_clear();
    let (report, script) = built?;

    if let (Some(path), Some(script)) = (&args.emit_psql, script) {
        output::write_atomically(path, script.as_bytes())
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    }

    match plan.destination {
        Destination::Stdout(format) => {
            let ui = if args.wide {
                Ui {
                    width: None,
                    ..app.ui
                }
            } else {
                app.ui
            };
            print(&ui, &report, format, plan.only)?
        }
        Destination::File(file, format) => write_file(app, &report, format, plan.only, &file)?,
        Destination::Files(dir) => write_files(app, &report, &dir, plan.only)?,
        Destination::Html(file) => write_html(app, &report, file.as_deref())?,
    }

    let attention: Vec<String> = report
        .events
        .iter()
        .filter_map(|e| e.attention(args.stale_after))
        .collect();
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

/// The report in `format`, as bytes: tables laid out for `ui`.
fn render_bytes(
    ui: &Ui,
    report: &Report,
    format: Format,
    only: Option<SectionName>,
) -> anyhow::Result<Vec<u8>> {
    Ok(match format {
        Format::Table => render::table(report, ui, only).into_bytes(),
        Format::Markdown => render::markdown(report, only).into_bytes(),
        Format::Json => render::json(report)?.into_bytes(),
        Format::Csv => render::csv_section(report, only.expect("checked by plan()"))?,
    })
}

fn print(
    ui: &Ui,
    report: &Report,
    format: Format,
    only: Option<SectionName>,
) -> anyhow::Result<()> {
    use std::io::Write;
    let bytes = render_bytes(ui, report, format, only)?;
    let mut out = std::io::stdout().lock();
    out.write_all(&bytes)?;
    out.flush()?;
    Ok(())
}

/// The report as one file, replaced atomically (its directory created if
/// missing): whole tables without colour, CSV with a byte-order mark.
fn write_file(
    app: &App,
    report: &Report,
    format: Format,
    only: Option<SectionName>,
    file: &Path,
) -> anyhow::Result<()> {
    let mut bytes = render_bytes(&Ui::plain(), report, format, only)?;
    if format == Format::Csv {
        bytes.splice(0..0, UTF8_BOM.iter().copied());
    }
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("cannot create the directory {}: {e}", dir.display()))?;
    }
    output::write_atomically(file, &bytes)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", file.display()))?;
    app.ui.note(format!(
        "Wrote the report ({}) to {}.",
        format_name(format),
        file.display()
    ));
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
        for name in event.shown_sections(only) {
            let mut bytes = UTF8_BOM.to_vec();
            event.section(name).write_csv(&mut bytes)?;
            let file = dir.join(format!("{}-{}.csv", event.event.slug, name.name()));
            files.push((file, bytes));
        }
    }
    files.push((dir.join("summary.json"), render::json(report)?.into_bytes()));
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create the directory {}: {e}", dir.display()))?;
    // All or nothing: exit 1 promises that no file changed.
    crate::files::write_all_or_nothing(&files)?;
    app.ui
        .note(format!("Wrote {} files to {}.", files.len(), dir.display()));
    Ok(())
}

/// The HTML page, to stdout or atomically to `file` (its directory created
/// if missing).
fn write_html(app: &App, report: &Report, file: Option<&Path>) -> anyhow::Result<()> {
    let page = html::render(report)?;
    let Some(file) = file else {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        out.write_all(page.as_bytes())?;
        out.flush()?;
        return Ok(());
    };
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("cannot create the directory {}: {e}", dir.display()))?;
    }
    output::write_atomically(file, page.as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", file.display()))?;
    app.ui
        .note(format!("Wrote the HTML report to {}.", file.display()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(format: Option<ReportFormat>, section: Option<SectionName>, out: Option<&str>) -> Args {
        Args {
            event: None,
            format,
            section,
            out: out.map(PathBuf::from),
            wide: false,
            stale_after: window::parse_span("3d").unwrap(),
            strict: false,
            model: Model::Source,
            compare_models: false,
            window: None,
            emit_psql: None,
        }
    }

    fn destination(args: &Args) -> Result<Destination, UsageError> {
        plan(args).map(|p| p.destination)
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
                Some(ReportFormat::Csv),
                Some(SectionName::Reach),
                Some("d")
            )),
            Ok(Destination::Files(_))
        ));
        assert!(matches!(
            destination(&args(
                Some(ReportFormat::Csv),
                Some(SectionName::Reach),
                None
            )),
            Ok(Destination::Stdout(Format::Csv))
        ));
        let e = destination(&args(Some(ReportFormat::Csv), None, None))
            .err()
            .unwrap();
        assert!(e.0.contains("--section"), "{e}");
        // --format decides what a path without an extension gets.
        match destination(&args(Some(ReportFormat::Json), None, Some("d"))) {
            Ok(Destination::File(p, Format::Json)) => assert_eq!(p, Path::new("d")),
            other => panic!("{other:?}"),
        }
        let e = destination(&args(
            Some(ReportFormat::Json),
            Some(SectionName::Funnel),
            None,
        ))
        .err()
        .unwrap();
        assert!(e.0.contains("jq"), "{e}");
    }

    #[test]
    fn out_follows_the_extension() {
        let file =
            |out: &str, section: Option<SectionName>| destination(&args(None, section, Some(out)));
        for (out, format) in [
            ("r.md", Format::Markdown),
            ("r.MARKDOWN", Format::Markdown),
            ("r.json", Format::Json),
            ("r.txt", Format::Table),
        ] {
            match file(out, None) {
                Ok(Destination::File(p, f)) => {
                    assert_eq!((p.as_path(), f), (Path::new(out), format));
                }
                other => panic!("{out}: {other:?}"),
            }
        }
        // .csv: one section, which must be named.
        match file("funnel.csv", Some(SectionName::Funnel)) {
            Ok(Destination::File(p, Format::Csv)) => assert_eq!(p, Path::new("funnel.csv")),
            other => panic!("{other:?}"),
        }
        let e = file("report.csv", None).err().unwrap();
        assert!(e.0.contains("--section"), "{e}");
        // No extension, or an existing directory whatever its name: CSV files.
        assert!(matches!(file("reports", None), Ok(Destination::Files(_))));
        let dir = tempfile::tempdir().unwrap();
        let odd = dir.path().join("week.md");
        std::fs::create_dir(&odd).unwrap();
        assert!(matches!(
            file(odd.to_str().unwrap(), None),
            Ok(Destination::Files(_))
        ));
        // An extension attrib does not write: say what it does write.
        let e = file("report.xlsx", None).err().unwrap();
        assert!(e.0.contains(".md") && e.0.contains("directory"), "{e}");
        // JSON holds every section.
        let e = file("r.json", Some(SectionName::Funnel)).err().unwrap();
        assert!(e.0.contains("jq"), "{e}");
    }

    #[test]
    fn html_goes_to_stdout_a_file_or_report_html_in_a_directory() {
        let html = Some(ReportFormat::Html);
        assert!(matches!(
            destination(&args(html, None, None)),
            Ok(Destination::Html(None))
        ));
        match destination(&args(html, None, Some("out/week.html"))) {
            Ok(Destination::Html(Some(p))) => assert_eq!(p, Path::new("out/week.html")),
            other => panic!("{other:?}"),
        }
        match destination(&args(html, None, Some("reports"))) {
            Ok(Destination::Html(Some(p))) => assert_eq!(p, Path::new("reports/report.html")),
            other => panic!("{other:?}"),
        }
        // A .html path is HTML without --format.
        match destination(&args(None, None, Some("Report.HTML"))) {
            Ok(Destination::Html(Some(p))) => assert_eq!(p, Path::new("Report.HTML")),
            other => panic!("{other:?}"),
        }
        let e = destination(&args(Some(ReportFormat::Csv), None, Some("r.html")))
            .err()
            .unwrap();
        assert!(e.0.contains("--format html"), "{e}");
        let e = destination(&args(html, Some(SectionName::Funnel), None))
            .err()
            .unwrap();
        assert!(e.0.contains("every section"), "{e}");
        // The page always compares the models, and reads the timeline.
        let p = plan(&args(html, None, None)).unwrap();
        assert!(p.options.timeline);
        assert_eq!(p.options.models, Some((Window::DEFAULT, View::Compare)));
        assert!(!p.options.models_only);
    }

    #[test]
    fn models_options() {
        // The default reads no model.
        let p = plan(&args(None, None, None)).unwrap();
        assert_eq!(p.options.models, None);

        let mut a = args(None, None, None);
        a.model = Model::LastTouch;
        a.window = Some(models::parse_window("2w").unwrap());
        let p = plan(&a).unwrap();
        assert_eq!(
            p.options.models,
            Some((a.window.unwrap(), View::Single(Model::LastTouch)))
        );
        assert_eq!(p.only, None);
        assert!(!p.options.models_only);

        // --compare-models shows only the comparison, and reads only it.
        let mut a = args(None, None, None);
        a.compare_models = true;
        let p = plan(&a).unwrap();
        assert_eq!(p.only, Some(SectionName::Models));
        assert!(p.options.models_only);
        assert_eq!(p.options.models, Some((Window::DEFAULT, View::Compare)));
        // ... also as CSV, without --section.
        a.format = Some(ReportFormat::Csv);
        assert!(matches!(
            plan(&a).unwrap().destination,
            Destination::Stdout(Format::Csv)
        ));
        // JSON, files and --strict need every section.
        a.format = Some(ReportFormat::Json);
        let p = plan(&a).unwrap();
        assert_eq!(p.only, None);
        assert!(!p.options.models_only);
        a.format = None;
        a.strict = true;
        assert!(!plan(&a).unwrap().options.models_only);
        a.strict = false;
        a.out = Some("d".into());
        let p = plan(&a).unwrap();
        assert!(matches!(p.destination, Destination::Files(_)));
        assert!(!p.options.models_only);

        // What cannot work is refused.
        let mut a = args(None, None, None);
        a.window = Some(Window::DEFAULT);
        assert!(plan(&a).unwrap_err().0.contains("--model"));
        let a = args(None, Some(SectionName::Models), None);
        assert!(plan(&a).unwrap_err().0.contains("--compare-models"));
        let mut a = args(None, Some(SectionName::Funnel), None);
        a.compare_models = true;
        assert!(plan(&a).unwrap_err().0.contains("--section"));
    }
}
