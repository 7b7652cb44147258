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

use std::borrow::Cow;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgPool};

use crate::app::{App, Outcome};
use crate::event::{self, Event, EventSelector};
use crate::files::OutputFile;
use crate::input::{self, CsvInput, InputError, InputErrors};
use crate::output::{UTF8_BOM, neutralise_formula};
use crate::quicket::{Fingerprint, Layout, RowEncoder, STATUS_PROGRESSION};

mod first_pass;
use first_pass::{LineFilter, Reading, first_pass};
use lines::LineReader;

mod lines;

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

/// Bytes of COPY text per round trip: large enough that per-message costs
/// vanish, small enough that memory stays flat.
const CHUNK_BYTES: usize = 1 << 20;
/// Chunks the reader may have ready before the server takes them.
const CHUNKS_AHEAD: usize = 4;
/// Errors shown in full; the rest are counted.
const ERRORS_SHOWN: usize = 20;

/// The part of an import that runs on a worker thread: reading, decoding and
/// validating rows, writing rejected ones, producing COPY text.
struct Parser {
    name: String,
    /// The file's size, for the progress bar (0 for a pipe).
    size: u64,
    /// The lines, parsed on their own thread, and how far it has read.
    lines: LineReader,
    bytes_read: u64,
    decoder: input::Decoder,
    encoder: RowEncoder,
    fingerprint: Fingerprint,
    /// The lines to read in full (the first pass may have found the others
    /// already imported).
    keep: LineFilter,
    skip_invalid: bool,
    rejected: Option<RejectedFile>,
    /// Where rejected rows go (None: they are only counted).
    rejected_path: Option<PathBuf>,
    errors: Vec<InputError>,
    rows_read: u64,
    /// Lines the first pass found already imported, not read in full.
    rows_skipped: u64,
    rows_invalid: u64,
    scratch: Vec<u8>,
    tickets_seen: TicketFilter,
}

/// One chunk of COPY text and how far through the file it reached.
struct Chunk {
    copy_text: Vec<u8>,
    bytes_read: u64,
    done: bool,
}

impl Parser {
    fn next_chunk(&mut self) -> Result<Chunk, InputError> {
        let mut out = Vec::with_capacity(CHUNK_BYTES + 128 * 1024);
        let mut done = false;
        while out.len() < CHUNK_BYTES && !done {
            let batch = self.lines.next()?;
            done = batch.done;
            self.bytes_read = batch.bytes_read;
            for (line, record) in batch.iter() {
                self.row(line, record, &mut out)?;
            }
            self.lines.give_back(batch);
        }
        Ok(Chunk {
            copy_text: out,
            bytes_read: self.bytes_read,
            done,
        })
    }

    /// Checks one line and appends it to `out` as COPY text, unless the
    /// first pass found it already imported.
    fn row(
        &mut self,
        line: u64,
        record: &csv::ByteRecord,
        out: &mut Vec<u8>,
    ) -> Result<(), InputError> {
        self.rows_read += 1;
        let known = match self.keep.reading(line, record, &mut self.decoder) {
            Reading::Skip => {
                self.rows_skipped += 1;
                return Ok(());
            }
            Reading::Full => false,
            Reading::ForItsPerson => true,
        };
        let decoder = &mut self.decoder;
        let fields: Vec<Cow<'_, str>> = match decoder.record(record) {
            Ok(fields) => fields,
            Err(message) => {
                // Not text (a line of another encoding, a NUL byte): an
                // invalid row like any other; --skip-invalid skips it.
                let shown: Vec<Cow<'_, str>> = record.iter().map(|f| decoder.field(f)).collect();
                let problem = crate::quicket::RowError {
                    column: None,
                    message,
                };
                return self.reject(line, problem, &shown);
            }
        };
        // Once a row is invalid without --skip-invalid the file will be
        // rolled back: keep validating (to count errors), stop copying.
        let target = if self.rows_invalid > 0 && !self.skip_invalid {
            self.scratch.clear();
            &mut self.scratch
        } else {
            out
        };
        let fingerprint = self.fingerprint.of(record);
        match self
            .encoder
            .encode(line, &fields, (fingerprint, known), target)
        {
            Ok(ticket_number) => self.tickets_seen.insert(ticket_number),
            Err(problem) => self.reject(line, problem, &fields)?,
        }
        Ok(())
    }

    /// Counts an invalid row, keeps its error for the report and writes it
    /// to the rejected file (with --skip-invalid).
    fn reject(
        &mut self,
        line: u64,
        problem: crate::quicket::RowError,
        fields: &[Cow<'_, str>],
    ) -> Result<(), InputError> {
        {
            {
                self.rows_invalid += 1;
                let error = InputError::at(
                    self.name.clone(),
                    line,
                    problem.column.as_deref(),
                    problem.message,
                );
                if let Some(path) = &self.rejected_path {
                    if self.rejected.is_none() {
                        self.rejected = Some(
                            RejectedFile::create(path, self.encoder.layout().headers())
                                .map_err(|e| InputError::file(path.display().to_string(), e))?,
                        );
                    }
                    let rejected = self.rejected.as_mut().expect("just created");
                    rejected
                        .write(fields, &format!("line {line}: {}", error.short()))
                        .map_err(|e| InputError::file(path.display().to_string(), e))?;
                }
                if self.errors.len() < ERRORS_SHOWN {
                    self.errors.push(error);
                }
            }
        }
        Ok(())
    }
}

/// Which ticket numbers may have appeared twice in the file, found with a
/// fixed-size Bloom filter (16 MiB whatever the file's size): a number whose
/// bits were all set already is a candidate. Every real repeat is among the
/// candidates; a few false ones are harmless (SQL checks them). With no
/// candidate the duplicate-removal pass is skipped; with a few it looks at
/// those tickets only; past [`TicketFilter::MAX_CANDIDATES`] it looks at all.
struct TicketFilter {
    bits: Vec<u64>,
    candidates: Vec<String>,
    too_many: bool,
    /// Tickets inserted but not yet looked up: they are looked up
    /// [`TicketFilter::BATCH`] at a time, so that the CPU overlaps their
    /// cache misses instead of waiting for each in turn.
    pending: String,
    pending_ends: Vec<usize>,
}

/// What the filter says about repeated ticket numbers.
enum Repeats {
    None,
    Among(Vec<String>),
    Unknown,
}

impl TicketFilter {
    const BITS: u64 = 1 << 27;
    const PROBES: u64 = 5;
    const MAX_CANDIDATES: usize = 50_000;

    const BATCH: usize = 256;

    fn new() -> TicketFilter {
        TicketFilter {
            bits: vec![0; (Self::BITS / 64) as usize],
            candidates: Vec::new(),
            too_many: false,
            pending: String::new(),
            pending_ends: Vec::with_capacity(Self::BATCH),
        }
    }

    /// A filter with no memory, once the real one has been read.
    fn empty() -> TicketFilter {
        TicketFilter {
            bits: Vec::new(),
            candidates: Vec::new(),
            too_many: true,
            pending: String::new(),
            pending_ends: Vec::new(),
        }
    }

    fn insert(&mut self, ticket_number: &str) {
        self.pending.push_str(ticket_number);
        self.pending_ends.push(self.pending.len());
        if self.pending_ends.len() == Self::BATCH {
            self.look_up_pending();
        }
    }

    fn look_up_pending(&mut self) {
        use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
        let hasher = BuildHasherDefault::<DefaultHasher>::default();
        let mut hashes = [0u64; Self::BATCH];
        let mut start = 0;
        for (hash, &end) in hashes.iter_mut().zip(&self.pending_ends) {
            *hash = hasher.hash_one(&self.pending[start..end]);
            start = end;
        }
        // A blocked filter: every probe of a ticket falls in one block of
        // 512 bits (a cache line), chosen by the top bits of the hash, so
        // that an insert costs one miss of the CPU cache, not one a probe.
        // The low 45 bits place the probes, 9 bits each. With 2^27 bits and
        // 5 probes, a file of a million distinct tickets usually yields no
        // candidate at all.
        let blocks = Self::BITS / 512;
        let mut start = 0;
        for (hash, &end) in hashes.iter().zip(&self.pending_ends) {
            let block = ((hash >> 46) % blocks) as usize * 8;
            let mut all_set = true;
            for i in 0..Self::PROBES {
                let bit = (hash >> (9 * i)) & 511;
                let (word, mask) = (block + (bit / 64) as usize, 1u64 << (bit % 64));
                all_set &= self.bits[word] & mask != 0;
                self.bits[word] |= mask;
            }
            if all_set && !self.too_many {
                if self.candidates.len() == Self::MAX_CANDIDATES {
                    self.too_many = true;
                    self.candidates = Vec::new();
                } else {
                    self.candidates.push(self.pending[start..end].to_string());
                }
            }
            start = end;
        }
        self.pending.clear();
        self.pending_ends.clear();
    }

    fn repeats(mut self) -> Repeats {
        if !self.pending_ends.is_empty() {
            self.look_up_pending();
        }
        match (self.too_many, self.candidates.is_empty()) {
            (true, _) => Repeats::Unknown,
            (false, true) => Repeats::None,
            (false, false) => Repeats::Among(self.candidates),
        }
    }
}

/// `FILE.rejected.csv`, written to a temporary file (see [`crate::files`])
/// and put in place only when the import commits; dropped, it leaves
/// nothing behind.
struct RejectedFile {
    writer: csv::Writer<BufWriter<OutputFile>>,
}

impl RejectedFile {
    fn create(path: &Path, headers: &[String]) -> Result<RejectedFile, String> {
        let file =
            OutputFile::create(path).map_err(|e| format!("cannot be written: {}", e.source))?;
        let mut out = BufWriter::new(file);
        out.write_all(UTF8_BOM)
            .map_err(|e| format!("cannot be written: {e}"))?;
        let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(out);
        let mut row: Vec<String> = headers.iter().map(|h| neutralise_formula(h)).collect();
        row.push("error".into());
        writer
            .write_record(&row)
            .map_err(|e| format!("cannot be written: {e}"))?;
        Ok(RejectedFile { writer })
    }

    fn write(&mut self, fields: &[Cow<'_, str>], error: &str) -> Result<(), String> {
        let mut row: Vec<String> = fields.iter().map(|f| neutralise_formula(f)).collect();
        row.push(neutralise_formula(error));
        self.writer
            .write_record(&row)
            .map_err(|e| format!("cannot be written: {e}"))
    }

    /// Every row flushed; the file is put in place by its commit.
    fn finish(self) -> Result<OutputFile, String> {
        let out = self
            .writer
            .into_inner()
            .map_err(|e| format!("cannot be written: {e}"))?;
        out.into_inner()
            .map_err(|e| format!("cannot be written: {e}"))
    }
}

fn rejected_path(input: &Path) -> PathBuf {
    let mut name = input.as_os_str().to_owned();
    name.push(".rejected.csv");
    PathBuf::from(name)
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
                encoder: RowEncoder::new(layout),
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
/// `unchanged`: lines the first pass found already imported, skipped here.
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
    let result = upsert(tx, event, staged, unchanged, tickets_before, repeats, watch).await;
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

/// Runs `next_chunk` on a worker thread until the file is read, handing
/// each chunk's COPY text to `send` (into the server), the worker running
/// up to [`CHUNKS_AHEAD`] chunks ahead, so that neither waits for the other
/// and memory stays bounded. Returns the worker, and why reading stopped
/// early if it did (a COPY is then left for the caller to abort).
async fn stream_chunks<W: Send + 'static>(
    mut worker: W,
    next_chunk: fn(&mut W) -> Result<Chunk, InputError>,
    bar: &indicatif::ProgressBar,
    mut send: impl AsyncFnMut(Vec<u8>) -> Result<(), sqlx::Error>,
) -> anyhow::Result<(W, Option<InputError>)> {
    let (chunks_out, mut chunks) =
        tokio::sync::mpsc::channel::<Result<Chunk, InputError>>(CHUNKS_AHEAD);
    let reader = tokio::task::spawn_blocking(move || {
        loop {
            let chunk = next_chunk(&mut worker);
            let last = chunk.as_ref().map_or(true, |c| c.done);
            // A closed channel: the import stopped (an error, Ctrl-C).
            if chunks_out.blocking_send(chunk).is_err() || last {
                return worker;
            }
        }
    });
    // Where the time goes, for -vv: waiting for rows or for the server.
    let (mut waiting_for_rows, mut waiting_for_server) = (Duration::ZERO, Duration::ZERO);
    let (mut unreadable, mut lost) = (None, None);
    loop {
        let waited = Instant::now();
        let Some(chunk) = chunks.recv().await else {
            break;
        };
        waiting_for_rows += waited.elapsed();
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) => {
                unreadable = Some(e);
                break;
            }
        };
        bar.set_position(chunk.bytes_read);
        if !chunk.copy_text.is_empty() {
            let waited = Instant::now();
            if let Err(e) = send(chunk.copy_text).await {
                lost = Some(e);
                break;
            }
            waiting_for_server += waited.elapsed();
        }
        if chunk.done {
            break;
        }
    }
    // The reader stops at its next chunk once the channel is closed; wait
    // for it, so that nothing is written to a rejected file after this.
    drop(chunks);
    let worker = reader.await.context("the reading thread failed")?;
    if let Some(e) = lost {
        return Err(anyhow::Error::new(e).context("loading the staging table failed"));
    }
    tracing::debug!(
        "copy: waited {} ms for rows, {} ms for the server",
        waiting_for_rows.as_millis(),
        waiting_for_server.as_millis()
    );
    Ok((worker, unreadable))
}

/// Reads the next record that is not blank and returns its line number;
/// None at the end of the file.
fn next_line(
    input: &mut CsvInput,
    record: &mut csv::ByteRecord,
) -> Result<Option<u64>, InputError> {
    loop {
        let more = input
            .reader
            .read_byte_record(record)
            .map_err(|e| input::csv_error(&input.name, &e))?;
        if !more {
            return Ok(None);
        }
        if !input::is_blank(record) {
            return Ok(Some(record.position().map_or(0, |p| p.line())));
        }
    }
}

/// Whether the event has any ticket in the database.
async fn event_has_tickets(tx: &mut PgConnection, event: &Event) -> anyhow::Result<bool> {
    Ok(
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM tickets WHERE event_id = $1)")
            .bind(event.id)
            .fetch_one(&mut *tx)
            .await?,
    )
}

/// The event's tickets in the database.
async fn tickets_of_event(tx: &mut PgConnection, event: &Event) -> anyhow::Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT count(*) FROM tickets WHERE event_id = $1")
            .bind(event.id)
            .fetch_one(&mut *tx)
            .await?,
    )
}

/// One import at a time past this point, and no one else adding or
/// changing contacts or organisations until this one commits: contacts are
/// shared by all events, so what the file changes is found against a stable
/// database, and new contacts need no ON CONFLICT. Reading and copying
/// still run side by side. (The advisory lock only lets the import say that
/// it waits for another.) Taking it again in the same transaction is free.
pub(crate) async fn lock_for_writing(tx: &mut PgConnection) -> anyhow::Result<()> {
    let free: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
        .bind(IMPORT_LOCK)
        .fetch_one(&mut *tx)
        .await?;
    if !free {
        // A sentence like attrib's other notes, not a log line; shown
        // unless --quiet (which sets the log level above warnings).
        if tracing::enabled!(tracing::Level::WARN) {
            crate::ui::stderr_line(format_args!("{WAITING}"));
        }
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(IMPORT_LOCK)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::raw_sql("LOCK TABLE organisations, contacts IN SHARE ROW EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// After a commit that wrote a large share of `tickets` or `contacts` (a
/// first import of a big export), brings the planner's statistics of that
/// table up to date, as autovacuum would only a minute or more later: the
/// next import's plans then know how many rows there are (the first pass
/// of the newer export of a million tickets took 11.9 s before, 3.3 s
/// after). Not part of the import: one that fails (a table the user does
/// not own) is logged and the import still succeeds. Says whether it ran.
async fn refresh_statistics(pool: &PgPool, written: &[(&str, &'static str, i64)]) -> bool {
    let mut ran = false;
    for &(table, analyze, rows_written) in written {
        let estimate: Option<(f32, bool)> = match sqlx::query_as(
            "SELECT reltuples, pg_has_role(relowner, 'USAGE') FROM pg_class WHERE oid = $1::regclass",
        )
        .bind(table)
        .fetch_optional(pool)
        .await
        {
            Ok(estimate) => estimate,
            Err(e) => {
                tracing::warn!("could not read the statistics of {table}: {e}");
                continue;
            }
        };
        let Some((estimated_rows, may_analyze)) = estimate else {
            continue;
        };
        if !may_analyze || !statistics_are_stale(rows_written, estimated_rows) {
            continue;
        }
        match sqlx::raw_sql(analyze).execute(pool).await {
            Ok(_) => ran = true,
            Err(e) => tracing::warn!("could not refresh the statistics of {table}: {e}"),
        }
    }
    ran
}

/// Whether writing `rows_written` rows into a table the planner believes
/// holds `estimated_rows` (pg_class.reltuples: -1 when never analyzed)
/// leaves its statistics stale: autovacuum's own rule (50 rows and 10% of
/// the table), applied at once.
fn statistics_are_stale(rows_written: i64, estimated_rows: f32) -> bool {
    if rows_written <= 0 {
        return false;
    }
    if estimated_rows < 0.0 {
        return true;
    }
    rows_written as f64 > 50.0 + 0.1 * f64::from(estimated_rows)
}

fn rejected_path_display(path: &Option<PathBuf>) -> String {
    path.as_ref()
        .map_or_else(String::new, |p| p.display().to_string())
}

#[derive(Debug, Default)]
struct Counts {
    duplicate_rows: u64,
    contacts_created: i64,
    contacts_updated: i64,
    tickets_created: i64,
    tickets_updated: i64,
    tickets_unchanged: i64,
    tickets_missing: i64,
    statuses_kept: i64,
}

/// The set-based part: from the staging table into the real tables.
async fn upsert(
    tx: &mut PgConnection,
    event: &Event,
    staged: u64,
    unchanged: u64,
    tickets_before: Option<i64>,
    repeats: Repeats,
    watch: &mut Stopwatch,
) -> anyhow::Result<Counts> {
    let progression: Vec<&str> = STATUS_PROGRESSION.iter().map(|s| s.as_str()).collect();
    let duplicate_rows = match repeats {
        Repeats::None => 0,
        Repeats::Among(candidates) => sqlx::query(include_str!(
            "../../../queries/import_quicket_dedupe_candidates.sql"
        ))
        .bind(candidates)
        .execute(&mut *tx)
        .await?
        .rows_affected(),
        Repeats::Unknown => sqlx::query(include_str!("../../../queries/import_quicket_dedupe.sql"))
            .execute(&mut *tx)
            .await?
            .rows_affected(),
    };
    let mut counts = Counts {
        duplicate_rows,
        ..Counts::default()
    };
    // Lines skipped as already imported are tickets of the file too (never
    // repeated ones: every line of a repeated ticket is read in full).
    let tickets_in_file = i64::try_from(staged - duplicate_rows + unchanged).unwrap_or(i64::MAX);
    watch.lap("repeated tickets removed");

    lock_for_writing(tx).await?;
    // Asked again under the lock: another import into this event may have
    // committed since the first look.
    let event_was_empty = !event_has_tickets(tx, event).await?;

    // What the file changes in the event's tickets, in one pass; on a
    // re-import, nothing. Into an event with no tickets, every line is a
    // new ticket: nothing to compare.
    let tickets_new = if event_was_empty {
        None
    } else {
        sqlx::query(include_str!("../../../queries/import_quicket_work.sql"))
            .bind(event.id)
            .bind(&progression)
            .execute(&mut *tx)
            .await?;
        let (tickets_new, statuses_kept): (i64, i64) = sqlx::query_as(
            "SELECT count(*) FILTER (WHERE ticket_new), count(*) FILTER (WHERE status_behind)
             FROM quicket_work",
        )
        .fetch_one(&mut *tx)
        .await?;
        counts.statuses_kept = statuses_kept;
        Some(tickets_new)
    };
    watch.lap("changes found");

    sqlx::raw_sql(include_str!(
        "../../../queries/import_quicket_contacts_staging.sql"
    ))
    .execute(&mut *tx)
    .await?;
    sqlx::query(include_str!(
        "../../../queries/import_quicket_organisations.sql"
    ))
    .execute(&mut *tx)
    .await?;
    counts.contacts_updated = sqlx::query(include_str!(
        "../../../queries/import_quicket_contacts_update.sql"
    ))
    .execute(&mut *tx)
    .await?
    .rows_affected() as i64;
    counts.contacts_created = sqlx::query(include_str!(
        "../../../queries/import_quicket_contacts_insert.sql"
    ))
    .execute(&mut *tx)
    .await?
    .rows_affected() as i64;
    watch.lap("organisations and contacts");

    let tickets_of_event = match tickets_new {
        None => {
            let created = sqlx::query(include_str!(
                "../../../queries/import_quicket_tickets_insert.sql"
            ))
            .bind(event.id)
            .execute(&mut *tx)
            .await?
            .rows_affected() as i64;
            counts.tickets_created = created;
            counts.tickets_updated = 0;
            created
        }
        Some(tickets_new) => {
            let written = sqlx::query(include_str!(
                "../../../queries/import_quicket_tickets_merge.sql"
            ))
            .bind(event.id)
            .bind(&progression)
            .execute(&mut *tx)
            .await?
            .rows_affected() as i64;
            sqlx::query(include_str!(
                "../../../queries/import_quicket_fingerprints.sql"
            ))
            .bind(event.id)
            .bind(&progression)
            .execute(&mut *tx)
            .await?;
            counts.tickets_created = tickets_new;
            counts.tickets_updated = written - tickets_new;
            // Counted by the first pass under the lock held since.
            match tickets_before {
                Some(before) => before + tickets_new,
                None => tickets_of_event(tx, event).await?,
            }
        }
    };
    watch.lap("tickets written");
    counts.tickets_missing = tickets_of_event - tickets_in_file;
    counts.tickets_unchanged = tickets_in_file - counts.tickets_created - counts.tickets_updated;
    Ok(counts)
}

/// The advisory lock key of the upsert phase ("attrib:import" as bytes).
const IMPORT_LOCK: i64 = 0x6174_7472_6962_3a69;

/// What an import (or `imports undo`) says while another holds the lock.
pub const WAITING: &str =
    "Waiting for another import to finish; this one goes on as soon as it is done.";

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

    #[test]
    fn the_ticket_filter_keeps_every_repeat_among_few_candidates() {
        let mut filter = TicketFilter::new();
        for i in 0..100_000 {
            filter.insert(&format!("T-{i:07}"));
        }
        assert!(filter.candidates.len() < 10, "{}", filter.candidates.len());
        filter.insert("T-0001234");
        filter.insert("T-0099999");
        let Repeats::Among(candidates) = filter.repeats() else {
            panic!("repeats must be candidates");
        };
        assert!(candidates.contains(&"T-0001234".to_string()));
        assert!(candidates.contains(&"T-0099999".to_string()));

        let mut distinct = TicketFilter::new();
        for i in 0..1_000 {
            distinct.insert(&format!("D-{i}"));
        }
        assert!(matches!(distinct.repeats(), Repeats::None));
    }

    #[test]
    fn a_million_distinct_tickets_yield_few_false_candidates() {
        let mut filter = TicketFilter::new();
        for i in 0..1_000_000 {
            filter.insert(&format!("T-{i:07}"));
        }
        match filter.repeats() {
            Repeats::None => {}
            Repeats::Among(candidates) => {
                assert!(candidates.len() <= 5, "{}", candidates.len())
            }
            Repeats::Unknown => panic!("too many candidates"),
        }
    }

    #[test]
    fn past_the_candidate_limit_every_ticket_is_checked() {
        let mut filter = TicketFilter::new();
        for _ in 0..=TicketFilter::MAX_CANDIDATES + 1 {
            filter.insert("same");
        }
        assert!(matches!(filter.repeats(), Repeats::Unknown));
    }

    #[test]
    fn statistics_are_stale_after_writing_a_tenth_of_a_table() {
        assert!(!statistics_are_stale(0, -1.0), "nothing written");
        assert!(statistics_are_stale(1, -1.0), "never analyzed");
        assert!(!statistics_are_stale(50, 0.0));
        assert!(statistics_are_stale(51, 0.0));
        assert!(statistics_are_stale(1_000_000, 0.0), "a first import");
        assert!(
            !statistics_are_stale(1_500, 1_000_000.0),
            "a small file into a big table"
        );
        assert!(!statistics_are_stale(100_050, 1_000_000.0));
        assert!(statistics_are_stale(100_051, 1_000_000.0));
    }

    #[test]
    fn rejected_file_is_named_after_the_input() {
        assert_eq!(
            rejected_path(Path::new("dir/export.csv")),
            PathBuf::from("dir/export.csv.rejected.csv")
        );
    }
}
