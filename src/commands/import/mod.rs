//! `attrib import quicket`: loads Quicket attendee exports into an event's
//! contacts and tickets, for the organisers who download them again and
//! again as sales go on.
//!
//! Each file is streamed (memory does not grow with its size): rows are
//! validated in Rust on a worker thread ([`crate::quicket`]) while the
//! previous chunk is copied (COPY) into a TEMP staging table; then set-based
//! SQL (`queries/import_quicket_*.sql`) removes duplicate lines, upserts
//! organisations, contacts and tickets, and records the file in
//! `import_batches`, all in one transaction per file. Any invalid row rolls
//! the file back unless `--skip-invalid`.
//!
//! This module holds the command (its help, arguments and summary) and one
//! file's import from start to commit; `lines` parses the file on a thread
//! of its own, `parse` checks and encodes rows, `first_pass` finds the
//! lines a newer export did not change, and `write` runs the SQL that
//! writes contacts and tickets.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgPool};

use crate::app::{App, Outcome};
use crate::event::{self, Event, EventSelector};
use crate::files::OutputFile;
use crate::input::{self, CsvInput, InputError, InputErrors};
use crate::quicket::{Fingerprint, Layout, RowEncoder};

mod first_pass;
mod lines;
mod parse;
mod write;

use first_pass::{LineFilter, first_pass};
use lines::LineReader;
use parse::{
    Chunk, Parser, Repeats, TicketFilter, next_line, rejected_path, rejected_path_display,
    stream_chunks,
};
pub use write::WAITING;
pub(crate) use write::lock_for_writing;
use write::{Counts, Staged, event_has_tickets, refresh_statistics, upsert};

const QUICKET_HELP: &str = "\
Each file is one transaction: either all of its valid rows are imported, or
nothing is. Importing the same export again changes nothing; a newer export
updates status and check-in, and tickets missing from it are kept (the
summary counts them). A ticket's status only moves forward (valid, cancelled,
refunded) and a check-in is never undone, so an older export cannot undo a
newer one.

Columns are matched by name, whatever the case, spaces or punctuation
(\"Ticket Number\", \"ticket_number\"); see docs/import.md for every alias.
Required: a ticket identifier (Ticket Number, Ticket ID or Ticket Barcode),
the holder's Email and the Purchase Date. Columns with no place of their own
(custom questions, Checked in by, ...) are kept with each ticket under their
original header.

Dates without an offset are read in --timezone (default Africa/Johannesburg):
2026-03-14 09:15, 14/03/2026 09:15 (day first), 14 Mar 2026 09:15, ISO 8601.

Examples:
  attrib import quicket --event data-ai-day-2026 attendees.csv
  attrib import quicket --event 2025 --source-column \"Referral\" old-export.csv
  attrib import quicket --event data-ai-day-2026 --dry-run attendees.csv
  attrib import quicket --event data-ai-day-2026 --skip-invalid attendees.csv
      (invalid rows go to attendees.csv.rejected.csv, with an error column)
  attrib -q import quicket --event 2026 --format json export.csv | jq '.[0].tickets_created'

Exit codes: 0 imported; 1 a file was refused (nothing of it was written);
2 usage error; 3 with --strict: imported, but rows were rejected, the file
repeated a ticket, or it held statuses older than the database's.";

#[derive(Debug, clap::Subcommand)]
pub enum ImportCommand {
    /// Import Quicket attendee exports (CSV) into an event's contacts and tickets.
    #[command(after_long_help = QUICKET_HELP)]
    Quicket(QuicketArgs),
}

#[derive(Debug, clap::Args)]
pub struct QuicketArgs {
    /// The event the tickets are for: its slug (data-ai-day-2026), id:N, or
    /// a year in which exactly one event starts (2026).
    #[arg(long, value_name = "EVENT", value_parser = event::parse_selector)]
    pub event: EventSelector,

    /// Quicket attendee exports (CSV: comma, semicolon or tab; UTF-8 or
    /// Windows-1252), imported in the order given.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// The column that holds the marketing source. Default: the first of
    /// Marketing Source, Tracking Code, Tracking Link, Source, utm_campaign,
    /// Campaign, Referral Source, Referral, Referrer, Affiliate, Promoter,
    /// "How did you hear about us?" that the file has.
    #[arg(long, value_name = "NAME")]
    pub source_column: Option<String>,

    /// Import the valid rows and write the invalid ones, with an `error`
    /// column, to FILE.rejected.csv (Excel-safe).
    #[arg(long)]
    pub skip_invalid: bool,

    /// Read and check everything and report what would change, but write
    /// nothing (no database change, no rejected file).
    #[arg(long)]
    pub dry_run: bool,

    /// Exit with code 3 when a file was imported but needs a look: rows
    /// rejected (--skip-invalid), a ticket repeated, older statuses ignored.
    #[arg(long)]
    pub strict: bool,

    /// Summary format: a paragraph per file, or JSON (an array with one
    /// object per file) for scripts and jq.
    #[arg(long, value_enum, default_value_t = SummaryFormat::Text)]
    pub format: SummaryFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SummaryFormat {
    /// One paragraph per file, for a person.
    Text,
    /// One JSON array, an object per file, for scripts and jq.
    Json,
}

/// An earlier import of a file with the same content.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PreviousImport {
    #[sqlx(rename = "id")]
    pub batch_id: i32,
    pub event_id: Option<i32>,
    pub event_slug: Option<String>,
    pub file_name: String,
    pub finished_at: DateTime<Utc>,
    /// `finished_at` in the session time zone: "2026-05-01 10:00 SAST".
    #[serde(skip)]
    pub finished_local: String,
}

/// What importing one file did (or, with --dry-run, would do).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub file: String,
    pub event: String,
    pub event_id: i32,
    pub dry_run: bool,
    /// The `import_batches` row; none for a dry run.
    pub batch_id: Option<i32>,
    pub sha256: String,
    pub bytes: u64,
    pub encoding: &'static str,
    pub delimiter: &'static str,
    pub rows_read: u64,
    pub rows_rejected: u64,
    pub rejected_file: Option<String>,
    pub duplicate_rows: u64,
    pub contacts_created: i64,
    pub contacts_updated: i64,
    pub tickets_created: i64,
    pub tickets_updated: i64,
    pub tickets_unchanged: i64,
    /// Tickets of the event in the database that this file does not hold.
    pub tickets_missing: i64,
    /// Tickets whose status in the file was older than the database's.
    pub statuses_kept: i64,
    /// The same file imported before for this event (or, failing that,
    /// for another one: check --event).
    pub previous_import: Option<PreviousImport>,
    pub duration_ms: u64,
}

impl Summary {
    fn needs_attention(&self) -> bool {
        self.rows_rejected > 0 || self.duplicate_rows > 0 || self.statuses_kept > 0
    }
}

pub async fn run(app: &mut App, cmd: ImportCommand) -> anyhow::Result<Outcome> {
    match cmd {
        ImportCommand::Quicket(args) => quicket(app, args).await,
    }
}

async fn quicket(app: &mut App, args: QuicketArgs) -> anyhow::Result<Outcome> {
    // Every file is opened and its headers checked before anything is
    // imported: a typo in the third file name must not leave two imported.
    let mut files = Vec::with_capacity(args.files.len());
    for path in &args.files {
        let input = input::open_csv(path)?;
        let layout = Layout::new(&input.headers, args.source_column.as_deref())
            .map_err(|message| InputError::file(input.name.clone(), message))?;
        tracing::info!("{}: {}", input.name, layout.describe());
        files.push((input, layout));
    }
    let pool = app.db().await?;
    let event = event::resolve_one(&pool, &args.event).await?;

    let mut summaries: Vec<Summary> = Vec::new();
    let mut outcome = Outcome::Success;
    let names: Vec<String> = files.iter().map(|(i, _)| i.name.clone()).collect();
    for (index, (input, layout)) in files.into_iter().enumerate() {
        match import_file(app, &pool, &event, input, layout, &args).await {
            Ok(summary) => {
                if args.format == SummaryFormat::Text && !app.ui.quiet {
                    crate::outln!("{}", describe(&summary, &event))?;
                }
                if args.strict && summary.needs_attention() {
                    outcome = Outcome::NeedsAttention;
                }
                summaries.push(summary);
            }
            Err(e) => {
                let e = crate::error::ConnectionLost::explain(e, "import");
                if args.format == SummaryFormat::Json && !summaries.is_empty() {
                    print_json(&summaries)?;
                }
                let done = &names[..index];
                let left = &names[index + 1..];
                let mut context = Vec::new();
                if !done.is_empty() {
                    let verb = if args.dry_run { "checked" } else { "imported" };
                    context.push(format!("{verb} before it: {}", done.join(", ")));
                }
                if !left.is_empty() {
                    context.push(format!("not attempted: {}", left.join(", ")));
                }
                if context.is_empty() {
                    return Err(e);
                }
                return Err(e.context(format!(
                    "{} was not imported ({})",
                    names[index],
                    context.join("; ")
                )));
            }
        }
    }
    if args.format == SummaryFormat::Json {
        print_json(&summaries)?;
    }
    Ok(outcome)
}

fn print_json(summaries: &[Summary]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, summaries)?;
    writeln!(out)?;
    Ok(())
}

/// Logs how long each step took (`-v`), for profiling.
struct Stopwatch(Instant);

impl Stopwatch {
    fn lap(&mut self, step: &str) {
        tracing::info!("{step}: {} ms", self.0.elapsed().as_millis());
        self.0 = Instant::now();
    }
}

async fn import_file(
    app: &App,
    pool: &PgPool,
    event: &Event,
    input: CsvInput,
    layout: Layout,
    args: &QuicketArgs,
) -> anyhow::Result<Summary> {
    let started_at = Utc::now();
    let clock = Instant::now();
    let mut watch = Stopwatch(Instant::now());
    let name = input.name.clone();
    let size = input.size;
    let delimiter = match input.delimiter {
        b';' => "semicolon",
        b'\t' => "tab",
        _ => "comma",
    };
    let rejected_path = (args.skip_invalid && !args.dry_run).then(|| rejected_path(&input.path));

    let mut tx = pool.begin().await?;
    // Room for the staging table and its joins and sorts in memory
    // (temp_buffers only takes effect before the session's first temporary
    // table). No JIT: compiling costs more than it saves on these statements.
    // random_page_cost as for data in memory or on an SSD: a newer export's
    // few thousand changed lines then look up their tickets and contacts
    // through the indexes instead of hashing the whole tables.
    sqlx::raw_sql(
        "SET LOCAL work_mem = '256MB'; SET LOCAL jit = off; SET LOCAL random_page_cost = 1.1;
         -- On a connection that already used a temporary table (a second
         -- file, a pooled connection) temp_buffers cannot change: keep it.
         DO $$ BEGIN PERFORM set_config('temp_buffers', '512MB', true);
               EXCEPTION WHEN invalid_parameter_value THEN NULL; END $$;",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::raw_sql(include_str!("../../../queries/import_quicket_staging.sql"))
        .execute(&mut *tx)
        .await?;
    // Times without an offset are read in the session time zone, so it is
    // part of what a line means.
    let timezone: String = sqlx::query_scalar("SELECT current_setting('TimeZone')")
        .fetch_one(&mut *tx)
        .await?;
    let fingerprint = Fingerprint::new(&layout, input.decoder.encoding().name(), &timezone);

    // An event that has tickets is likely getting a newer export of the same
    // sales: a first pass finds the lines already imported as they are.
    let has_tickets = event_has_tickets(&mut tx, event).await?;
    let first = if has_tickets && input.regular {
        let first = first_pass(app, &mut tx, event, &input, &layout, &fingerprint).await?;
        watch.lap("lines already imported found");
        first
    } else {
        None
    };

    let mut loaded = match first {
        Some(first) if first.nothing_changed() => {
            // Every line is the one last imported: nothing to read again.
            tracing::info!(
                "{name}: 0 of {} lines differ from the ones last imported",
                first.rows
            );
            let rows = i64::try_from(first.rows).unwrap_or(i64::MAX);
            Loaded {
                bytes_read: first.bytes_read,
                rows_read: first.rows,
                rows_invalid: 0,
                rejected: None,
                sha256: first.sha256,
                encoding: first.encoding,
                counts: Counts {
                    tickets_unchanged: rows,
                    tickets_missing: first.tickets_of_event - rows,
                    ..Counts::default()
                },
            }
        }
        _ => {
            let (keep, first_sha256, tickets_before) = match first {
                Some(first) => (
                    first.filter,
                    Some(first.sha256),
                    Some(first.tickets_of_event),
                ),
                None => (LineFilter::All, None, None),
            };
            let compared = first_sha256.is_some();
            let parser = Parser {
                name: input.name.clone(),
                size: input.size,
                decoder: input.decoder.clone(),
                bytes_read: 0,
                lines: LineReader::start(input),
                encoder: RowEncoder::new(layout, size),
                fingerprint,
                keep,
                skip_invalid: args.skip_invalid,
                rejected: None,
                rejected_path: rejected_path.clone(),
                errors: Vec::new(),
                rows_read: 0,
                rows_skipped: 0,
                rows_invalid: 0,
                scratch: Vec::new(),
                tickets_seen: TicketFilter::new(),
            };
            let loaded = full_pass(
                app,
                &mut tx,
                event,
                parser,
                tickets_before,
                compared,
                &mut watch,
            )
            .await?;
            if first_sha256.is_some_and(|sha256| sha256 != loaded.sha256) {
                return Err(InputError::file(
                    name,
                    "changed while it was being imported; nothing was imported: import it again",
                )
                .into());
            }
            loaded
        }
    };
    if loaded.encoding == input::TextEncoding::Windows1252 {
        app.ui.note(format!(
            "{name} is not UTF-8; read it as Windows-1252 (what Excel writes)."
        ));
    }
    let counts = loaded.counts;
    let previous: Option<PreviousImport> =
        sqlx::query_as(include_str!("../../../queries/import_quicket_previous.sql"))
            .bind(&loaded.sha256)
            .bind(event.id)
            .fetch_optional(&mut *tx)
            .await?;

    let mut summary = Summary {
        file: name.clone(),
        event: event.slug.clone(),
        event_id: event.id,
        dry_run: args.dry_run,
        batch_id: None,
        sha256: loaded.sha256,
        bytes: size,
        encoding: loaded.encoding.name(),
        delimiter,
        rows_read: loaded.rows_read,
        rows_rejected: loaded.rows_invalid,
        rejected_file: loaded
            .rejected
            .is_some()
            .then(|| format!("{name}.rejected.csv")),
        duplicate_rows: counts.duplicate_rows,
        contacts_created: counts.contacts_created,
        contacts_updated: counts.contacts_updated,
        tickets_created: counts.tickets_created,
        tickets_updated: counts.tickets_updated,
        tickets_unchanged: counts.tickets_unchanged,
        tickets_missing: counts.tickets_missing,
        statuses_kept: counts.statuses_kept,
        previous_import: previous,
        duration_ms: 0,
    };
    if args.dry_run {
        tx.rollback().await?;
        watch.lap("rolled back (dry run)");
    } else {
        let count = |n: u64| i32::try_from(n).unwrap_or(i32::MAX);
        let narrow = |n: i64| i32::try_from(n).unwrap_or(i32::MAX);
        let batch_id: i32 =
            sqlx::query_scalar(include_str!("../../../queries/import_quicket_batch.sql"))
                .bind(&summary.file)
                .bind(&summary.sha256)
                .bind(i64::try_from(loaded.bytes_read).unwrap_or(i64::MAX))
                .bind(event.id)
                .bind(summary.encoding)
                .bind(count(summary.rows_read))
                .bind(count(summary.rows_rejected))
                .bind(count(summary.duplicate_rows))
                .bind(narrow(summary.contacts_created))
                .bind(narrow(summary.contacts_updated))
                .bind(narrow(summary.tickets_created))
                .bind(narrow(summary.tickets_updated))
                .bind(narrow(summary.tickets_unchanged))
                .bind(narrow(summary.tickets_missing))
                .bind(started_at)
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await.context("committing the import failed")?;
        summary.batch_id = Some(batch_id);
        if let Some(file) = loaded.rejected.take()
            && let Err(e) = file.commit()
        {
            app.ui.warn(format!("the import is committed, but {e}"));
        }
        watch.lap("record and commit");
        let tickets = summary.tickets_created + summary.tickets_updated;
        let contacts = summary.contacts_created + summary.contacts_updated;
        // A small sample (3,000 rows, not 30,000): what the next import's
        // plans need is how many rows there are, which ANALYZE counts
        // whatever the sample; autovacuum's own ANALYZE comes later with
        // the full one. 0.05 s instead of 0.6 s after a million tickets.
        let written = [
            (
                "tickets",
                "SET LOCAL default_statistics_target = 10; ANALYZE tickets",
                tickets,
            ),
            (
                "contacts",
                "SET LOCAL default_statistics_target = 10; ANALYZE contacts",
                contacts,
            ),
        ];
        if refresh_statistics(pool, &written).await {
            watch.lap("planner statistics refreshed");
        }
    }
    summary.duration_ms = u64::try_from(clock.elapsed().as_millis()).unwrap_or(u64::MAX);
    Ok(summary)
}

/// What reading a file produced, whichever way it was read.
struct Loaded {
    /// Bytes read from the file (its size, also for a pipe).
    bytes_read: u64,
    rows_read: u64,
    rows_invalid: u64,
    /// The rejected rows, to put in place when the import commits.
    rejected: Option<OutputFile>,
    sha256: String,
    encoding: input::TextEncoding,
    counts: Counts,
}

/// Reads the file in full (the lines `parser.keep` lets through), checks
/// every row, COPYs the valid ones into the staging table and upserts them.
/// `tickets_before`: the event's tickets as the first pass counted them;
/// `compared`: a first pass ran, so `-v` says how many lines were read.
async fn full_pass(
    app: &App,
    tx: &mut PgConnection,
    event: &Event,
    parser: Parser,
    tickets_before: Option<i64>,
    compared: bool,
    watch: &mut Stopwatch,
) -> anyhow::Result<Loaded> {
    let name = parser.name.clone();
    let rejected_path = parser.rejected_path.clone();
    let bar = app.ui.progress_bar(parser.size, &format!("reading {name}"));
    let mut copy = tx
        .copy_in_raw("COPY quicket_staging FROM STDIN")
        .await
        .context("cannot start loading the staging table")?;
    let (mut parser, unreadable) = stream_chunks(parser, Parser::next_chunk, &bar, async |text| {
        copy.send(text).await.map(|_| ())
    })
    .await?;
    bar.finish_and_clear();
    if let Some(e) = unreadable {
        copy.abort("unreadable file").await?;
        return Err(e.into());
    }
    if parser.rows_invalid > 0 && !parser.skip_invalid {
        copy.abort("invalid rows").await?;
        return Err(InputErrors {
            errors: parser.errors,
            total: parser.rows_invalid as usize,
            hint: format!(
                "Fix these rows in {name} and import it again, or import the valid rows \
                 with --skip-invalid (the others go to {name}.rejected.csv)."
            ),
        }
        .into());
    }
    let staged = copy
        .finish()
        .await
        .context("loading the staging table failed")?;
    watch.lap("read, validate and copy");
    let unchanged = parser.rows_skipped;
    if compared {
        tracing::info!(
            "{name}: {} of {} lines differ from the ones last imported (or share a ticket or a \
             person with one): only those were read in full",
            parser.rows_read - unchanged,
            parser.rows_read
        );
    }
    let mut input = parser.lines.finish()?;
    let sha256 = input
        .sha256_hex()
        .map_err(|e| InputError::file(name.clone(), format!("cannot be read: {e}")))?;
    let encoding = parser.decoder.encoding();
    let rejected = match parser.rejected.take() {
        Some(file) => Some(
            file.finish()
                .map_err(|e| InputError::file(rejected_path_display(&rejected_path), e))?,
        ),
        None => None,
    };
    let rejected_written = rejected.is_some();
    if staged == 0 && unchanged == 0 {
        if parser.rows_read == 0 {
            return Err(InputError::file(
                name,
                "has a header row but no tickets: export the attendee list again once tickets are sold",
            )
            .into());
        }
        let mut message = format!(
            "none of its {} rows is valid; nothing was imported",
            parser.rows_read
        );
        if rejected_written {
            // The rejected rows are what the organiser needs to fix them.
            if let Some(file) = rejected {
                file.commit()?;
            }
            message.push_str(&format!(" (see {name}.rejected.csv)"));
        }
        return Err(InputError::file(name, message).into());
    }
    if parser.rows_invalid > 0 {
        app.ui.note(format!(
            "{} invalid {} skipped{}:",
            parser.rows_invalid,
            if parser.rows_invalid == 1 {
                "row"
            } else {
                "rows"
            },
            if rejected_written {
                format!(", written to {name}.rejected.csv")
            } else {
                String::new()
            }
        ));
        for e in &parser.errors {
            app.ui.note(format!("  {e}"));
        }
        if parser.rows_invalid as usize > parser.errors.len() {
            app.ui.note(format!(
                "  ... and {} more",
                parser.rows_invalid as usize - parser.errors.len()
            ));
        }
    }

    let repeats = std::mem::replace(&mut parser.tickets_seen, TicketFilter::empty()).repeats();
    let spinner = app.ui.spinner("updating contacts and tickets");
    // Asked before finish() frees the encoder's tables of people.
    let every_line_numbered = parser.encoder.every_line_numbered();
    let staged = Staged {
        lines: staged,
        unchanged,
        repeats,
        every_line_numbered,
        latest_details: parser.encoder.finish(),
    };
    let result = upsert(tx, event, staged, tickets_before, watch).await;
    spinner.finish_and_clear();
    Ok(Loaded {
        bytes_read: input.bytes_read(),
        rows_read: parser.rows_read,
        rows_invalid: parser.rows_invalid,
        rejected,
        sha256,
        encoding,
        counts: result?,
    })
}

/// Thousands separated: 1,512.
fn n(value: impl Into<i128>) -> String {
    let digits = value.into().to_string();
    let (sign, digits) = match digits.strip_prefix('-') {
        Some(rest) => ("-", rest.to_string()),
        None => ("", digits),
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

fn plural(count: impl Into<i128> + Copy, one: &str, many: &str) -> String {
    let c: i128 = count.into();
    format!("{} {}", n(c), if c == 1 { one } else { many })
}

/// The one-paragraph summary of a file.
pub fn describe(s: &Summary, event: &Event) -> String {
    let would = if s.dry_run { "would be " } else { "" };
    let mut parts = vec![format!(
        "{} {} for {} ({}): {} read ({}, {}-separated).",
        if s.dry_run { "Checked" } else { "Imported" },
        s.file,
        event.slug,
        event.name,
        plural(s.rows_read, "row", "rows"),
        if s.encoding == "utf-8" {
            "UTF-8"
        } else {
            "Windows-1252"
        },
        s.delimiter
    )];
    parts.push(format!(
        "Tickets: {} {would}new, {} {would}updated, {} unchanged.",
        n(s.tickets_created),
        n(s.tickets_updated),
        n(s.tickets_unchanged)
    ));
    parts.push(format!(
        "Contacts: {} {would}new, {} {would}updated.",
        n(s.contacts_created),
        n(s.contacts_updated)
    ));
    if s.duplicate_rows > 0 {
        parts.push(format!(
            "{} repeated a ticket of a later line; the later line {}.",
            plural(s.duplicate_rows, "line", "lines"),
            if s.dry_run { "would win" } else { "won" }
        ));
    }
    if s.rows_rejected > 0 {
        parts.push(match &s.rejected_file {
            Some(f) => format!(
                "{} skipped and written to {f}.",
                plural(s.rows_rejected, "invalid row", "invalid rows")
            ),
            None => format!(
                "{} {}skipped.",
                plural(s.rows_rejected, "invalid row", "invalid rows"),
                would
            ),
        });
    }
    if s.statuses_kept > 0 {
        parts.push(format!(
            "{} an older status in this file than in the database (e.g. valid, \
             but refunded since); the database's status was kept.",
            plural(s.statuses_kept, "ticket has", "tickets have")
        ));
    }
    if s.tickets_missing > 0 {
        parts.push(format!(
            "{} of the event {} not in this file; {} kept.",
            plural(s.tickets_missing, "ticket", "tickets"),
            if s.tickets_missing == 1 { "is" } else { "are" },
            if s.tickets_missing == 1 {
                "it is"
            } else {
                "they are"
            }
        ));
    }
    if let Some(p) = &s.previous_import {
        let when = &p.finished_local;
        if p.event_id == Some(s.event_id) {
            parts.push(format!(
                "This file is identical to {} imported on {when} (batch {}).",
                p.file_name, p.batch_id
            ));
        } else {
            parts.push(format!(
                "This same file was imported on {when} for another event, {} (batch {}): \
                 check that --event is right.",
                p.event_slug.as_deref().unwrap_or("(deleted)"),
                p.batch_id
            ));
        }
    }
    if s.dry_run {
        parts.push("Dry run: nothing was written.".into());
    } else {
        parts.push(format!("Took {:.1} s.", s.duration_ms as f64 / 1000.0));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(n(0u64), "0");
        assert_eq!(n(999u64), "999");
        assert_eq!(n(1512u64), "1,512");
        assert_eq!(n(1_000_000u64), "1,000,000");
        assert_eq!(n(-1234i64), "-1,234");
    }
}
