//! `attrib brevo ingest FILE|-`: take in Brevo's transactional webhook events
//! (JSON lines or a JSON array) so that each recipient row knows how far its
//! email got. For the organiser who exports or collects Brevo's webhooks.
//!
//! The file is streamed: a reader thread checks each event and writes it in
//! COPY format, the command streams that into a staging table, and set-based
//! SQL (`queries/brevo_*.sql`) matches and applies it, in one transaction.
//! Memory does not grow with the file, for a top-level array too (its
//! elements are read one at a time). A malformed event refuses the whole file
//! unless `--skip-invalid`; unmatched events are written to a file, never
//! dropped.

use std::cell::Cell;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use clap::Subcommand;
use serde::Serialize;
use serde_json::value::RawValue;

use crate::app::{App, Outcome};
use crate::brevo::{self, BrevoEvent, PROGRESSION, Recorded};
use crate::commands::recipients::{Batch, COPY_CHUNK, copy_field};
use crate::error::UsageError;
use crate::input::{HashingReader, InputError, InputErrors};
use crate::output::{self, Format, Record, Section};

#[derive(Debug, Subcommand)]
pub enum BrevoCommand {
    /// Take in Brevo webhook events: statuses, opens, clicks and bounces of
    /// the recipients of your emails.
    #[command(after_long_help = INGEST_HELP)]
    Ingest(IngestArgs),
}

const INGEST_HELP: &str = "\
The file holds Brevo transactional webhook events, one JSON object per line (JSON lines) or
one JSON array of objects. attrib uses event, email, message-id, template_id, ts_epoch
(milliseconds, UTC), link and reason; other fields are ignored.

Each event is matched to a recipient row by message-id (angle brackets removed), else by
email plus template_id to the latest email communication of that template that has the
address as a recipient. A recipient's status only moves forward, whatever the order events
arrive in:
  queued < sent (request) < bounced (soft_bounce, hard_bounce, invalid_email, blocked)
         < delivered < opened (opened, unique_opened, proxy_open, unique_proxy_open) < clicked
error sets failed only while nothing beyond queued is known; deferred, spam and unsubscribed
are recorded without changing the status. sent_at is the time of the first request. Every
event is kept once in the row's metadata (brevo_events): ingesting a file twice changes nothing.

Events that match no recipient are written to FILE.unmatched.jsonl (for standard input:
brevo-stdin.unmatched.jsonl in the current directory), or to --unmatched PATH.

Examples:
  attrib brevo ingest brevo-events.jsonl
  curl -s https://example.org/hook-dump | attrib brevo ingest - --unmatched /tmp/unmatched.jsonl
  attrib brevo ingest events.json --skip-invalid --format json | jq .unmatched";

#[derive(Debug, clap::Args)]
pub struct IngestArgs {
    /// The events file, or - for standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Where to write the events that match no recipient (default:
    /// FILE.unmatched.jsonl, or brevo-stdin.unmatched.jsonl for standard input).
    #[arg(long, value_name = "PATH")]
    pub unmatched: Option<PathBuf>,

    /// Skip malformed events (reported with their line numbers) instead of
    /// refusing the whole file.
    #[arg(long)]
    pub skip_invalid: bool,

    /// Exit with code 3 when events were skipped or matched no recipient.
    #[arg(long)]
    pub strict: bool,

    /// Output format of the summary.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// What an ingestion did, on stdout.
#[derive(Debug, Default, Serialize)]
pub struct IngestSummary {
    pub file: String,
    /// Events read and valid.
    pub events: u64,
    /// Malformed events skipped (with --skip-invalid).
    pub invalid_skipped: u64,
    pub matched: i64,
    pub matched_by_message_id: i64,
    pub matched_by_email_and_template: i64,
    pub unmatched: i64,
    pub unmatched_file: Option<String>,
    /// Events new to their recipient's metadata.
    pub events_recorded: i64,
    /// Events the metadata already had (or that the file repeats).
    pub already_recorded: i64,
    /// Recipient rows whose status, sent_at or metadata changed.
    pub recipients_updated: i64,
}
impl Record for IngestSummary {}

pub async fn run(app: &mut App, command: BrevoCommand) -> anyhow::Result<Outcome> {
    match command {
        BrevoCommand::Ingest(args) => ingest(app, args).await,
    }
}

/// What the reader thread sends: COPY data, then its report.
enum Message {
    Copy(Vec<u8>),
    Done(ReadReport),
}

#[derive(Debug, Default)]
struct ReadReport {
    events: u64,
    invalid: u64,
    /// The first few problems, with line numbers.
    problems: Vec<InputError>,
    /// A problem after which the rest of the file cannot be read.
    fatal: Option<InputError>,
    sha256: String,
    bytes: u64,
}

const MAX_REPORTED: usize = 20;

/// Turns checked events into COPY rows and sends them in chunks.
struct Sink {
    name: String,
    skip_invalid: bool,
    sender: SyncSender<Message>,
    buf: Vec<u8>,
    report: ReadReport,
    /// The receiver went away (the command failed); stop reading.
    closed: bool,
}

impl Sink {
    /// One event's JSON text, found at `line`, `offset` bytes into the file.
    fn event(&mut self, line: u64, offset: u64, json: &str) {
        match brevo::parse_event(json) {
            Ok(event) => {
                self.report.events += 1;
                // Once the file is refused, only problems are collected.
                if self.report.invalid == 0 || self.skip_invalid {
                    self.push_row(&event, offset, json.len());
                }
            }
            Err(message) => self.problem(InputError::at(self.name.clone(), line, None, message)),
        }
    }

    fn problem(&mut self, error: InputError) {
        self.report.invalid += 1;
        if self.report.problems.len() < MAX_REPORTED {
            self.report.problems.push(error);
        }
    }

    fn push_row(&mut self, e: &BrevoEvent, offset: u64, length: usize) {
        let buf = &mut self.buf;
        buf.extend_from_slice(self.report.events.to_string().as_bytes());
        for value in [e.message_id.as_deref(), e.email.as_deref()] {
            buf.push(b'\t');
            copy_field(buf, value);
        }
        buf.push(b'\t');
        copy_field(buf, e.template_id.map(|t| t.to_string()).as_deref());
        buf.push(b'\t');
        copy_field(buf, Some(&e.event));
        buf.push(b'\t');
        buf.extend_from_slice(e.ts_epoch.to_string().as_bytes());
        for value in [e.link.as_deref(), e.reason.as_deref()] {
            buf.push(b'\t');
            copy_field(buf, value);
        }
        buf.push(b'\t');
        copy_field(buf, e.kind.rank().map(|r| r.to_string()).as_deref());
        buf.push(b'\t');
        buf.push(if e.kind == brevo::EventKind::Error {
            b't'
        } else {
            b'f'
        });
        buf.push(b'\t');
        copy_field(buf, Some(&Recorded::from(e).to_json().to_string()));
        buf.extend_from_slice(format!("\t{offset}\t{length}\n").as_bytes());
        if buf.len() >= COPY_CHUNK {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.buf.is_empty() || self.closed {
            return;
        }
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(COPY_CHUNK + 8192));
        if self.sender.send(Message::Copy(chunk)).is_err() {
            self.closed = true;
        }
    }
}

/// Counts the newlines read through it, for the line numbers of array
/// elements. serde_json reads byte by byte, so the count is exact.
struct LineCounter<R> {
    inner: R,
    newlines: Rc<Cell<u64>>,
    bytes: Rc<Cell<u64>>,
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let count = buf[..n].iter().filter(|b| **b == b'\n').count() as u64;
        self.newlines.set(self.newlines.get() + count);
        self.bytes.set(self.bytes.get() + n as u64);
        Ok(n)
    }
}

type Source = BufReader<HashingReader<File>>;

/// Reads the whole file: JSON lines, or a top-level array streamed element
/// by element.
fn read_events(file: File, sink: &mut Sink, progress: &indicatif::ProgressBar) {
    let mut reader: Source = BufReader::with_capacity(256 * 1024, HashingReader::new(file));
    // Skip a byte-order mark and blank space to see the format, counting the
    // lines and bytes skipped so that line numbers and offsets stay right.
    let mut lines_before = 0u64;
    let mut consumed = 0u64;
    let first = loop {
        let buf = match reader.fill_buf() {
            Ok(buf) => buf,
            Err(e) => {
                sink.report.fatal = Some(InputError::file(sink.name.clone(), e.to_string()));
                break None;
            }
        };
        if buf.is_empty() {
            break None;
        }
        if consumed == 0 && buf.starts_with(b"\xEF\xBB\xBF") {
            reader.consume(3);
            consumed += 3;
            continue;
        }
        let blank = buf.iter().position(|b| !b.is_ascii_whitespace());
        let skip = blank.unwrap_or(buf.len());
        lines_before += buf[..skip].iter().filter(|b| **b == b'\n').count() as u64;
        let first = blank.map(|i| buf[i]);
        reader.consume(skip);
        consumed += skip as u64;
        if first.is_some() {
            break first;
        }
    };
    match first {
        Some(b'[') => read_array(&mut reader, lines_before, consumed, sink, progress),
        Some(_) => read_lines(&mut reader, lines_before, consumed, sink, progress),
        None => {}
    }
    // Read what is left, for the digest.
    let _ = io::copy(&mut reader, &mut io::sink());
    let hashing = reader.get_ref();
    sink.report.sha256 = hashing.sha256_hex();
    sink.report.bytes = hashing.bytes_read();
}

fn read_lines(
    reader: &mut Source,
    lines_before: u64,
    consumed: u64,
    sink: &mut Sink,
    progress: &indicatif::ProgressBar,
) {
    let mut line = Vec::with_capacity(1024);
    let mut number = lines_before;
    let mut offset = consumed;
    loop {
        line.clear();
        let start = offset;
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(n) => offset += n as u64,
            Err(e) => {
                sink.report.fatal = Some(InputError::at(
                    sink.name.clone(),
                    number + 1,
                    None,
                    e.to_string(),
                ));
                return;
            }
        }
        number += 1;
        if number.is_multiple_of(4096) {
            progress.set_position(offset);
        }
        let Ok(text) = std::str::from_utf8(&line) else {
            sink.problem(InputError::at(
                sink.name.clone(),
                number,
                None,
                "is not UTF-8 text; Brevo writes UTF-8",
            ));
            continue;
        };
        let trimmed = text.trim_start();
        let lead = (text.len() - trimmed.len()) as u64;
        let trimmed = trimmed.trim_end();
        if trimmed.is_empty() {
            continue;
        }
        sink.event(number, start + lead, trimmed);
        if sink.closed {
            return;
        }
    }
}

fn read_array(
    reader: &mut Source,
    lines_before: u64,
    consumed: u64,
    sink: &mut Sink,
    progress: &indicatif::ProgressBar,
) {
    use serde::de::{Deserializer as _, SeqAccess, Visitor};

    struct Elements<'a> {
        sink: &'a mut Sink,
        newlines: Rc<Cell<u64>>,
        bytes: Rc<Cell<u64>>,
        progress: &'a indicatif::ProgressBar,
    }

    impl<'de> Visitor<'de> for Elements<'_> {
        type Value = ();

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON array of Brevo events")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let mut count = 0u64;
            while let Some(raw) = seq.next_element::<Box<RawValue>>()? {
                let text = raw.get();
                // An element ends where the counters are (serde_json reads
                // byte by byte and does not look past a closing bracket or
                // quote); it starts its own length and newlines earlier.
                let inside = text.bytes().filter(|b| *b == b'\n').count() as u64;
                let line = self.newlines.get() + 1 - inside;
                let offset = self.bytes.get() - text.len() as u64;
                self.sink.event(line, offset, text);
                if self.sink.closed {
                    return Err(serde::de::Error::custom("stopped"));
                }
                count += 1;
                if count.is_multiple_of(4096) {
                    self.progress.set_position(self.bytes.get());
                }
            }
            Ok(())
        }
    }

    let newlines = Rc::new(Cell::new(lines_before));
    let bytes = Rc::new(Cell::new(consumed));
    let counter = LineCounter {
        inner: reader,
        newlines: newlines.clone(),
        bytes: bytes.clone(),
    };
    let mut de = serde_json::Deserializer::from_reader(counter);
    let result = (&mut de)
        .deserialize_seq(Elements {
            sink,
            newlines,
            bytes,
            progress,
        })
        .and_then(|()| de.end());
    if let Err(e) = result
        && !sink.closed
    {
        sink.report.fatal = Some(InputError::at(
            sink.name.clone(),
            lines_before.max(e.line() as u64),
            None,
            format!(
                "is not valid JSON ({e}); the rest of the array cannot be read. \
                 Brevo events must be one JSON object per line, or one JSON array of objects"
            ),
        ));
    }
}

/// Standard input, saved to a private temporary file so that it can be
/// read like any file (the unmatched events are read back from it). Removed
/// when dropped.
struct Spool(PathBuf);

impl Spool {
    fn from_stdin() -> io::Result<Spool> {
        use std::os::unix::fs::OpenOptionsExt;
        let path = std::env::temp_dir().join(format!(
            "attrib-brevo-stdin-{}-{}.jsonl",
            std::process::id(),
            chrono::Utc::now().timestamp_micros()
        ));
        let spool = Spool(path);
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&spool.0)?;
        io::copy(&mut io::stdin().lock(), &mut file)?;
        Ok(spool)
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn default_unmatched_path(file: &Path) -> PathBuf {
    if file == Path::new("-") {
        PathBuf::from("brevo-stdin.unmatched.jsonl")
    } else {
        let mut name = file.as_os_str().to_owned();
        name.push(".unmatched.jsonl");
        PathBuf::from(name)
    }
}

#[derive(sqlx::FromRow)]
struct MatchCounts {
    by_message_id: i64,
    by_email_and_template: i64,
    unmatched: i64,
}

struct ApplyCounts {
    recipients_updated: i64,
    events_recorded: i64,
}

async fn ingest(app: &mut App, args: IngestArgs) -> anyhow::Result<Outcome> {
    let started_at = chrono::Utc::now();
    let stdin = args.file == Path::new("-");
    let name = if stdin {
        "(standard input)".to_string()
    } else {
        args.file.display().to_string()
    };
    // Standard input is saved first, so that unmatched events can be read
    // back from it like from a file.
    let spool =
        if stdin {
            Some(Spool::from_stdin().map_err(|e| {
                anyhow::anyhow!("cannot save standard input to a temporary file: {e}")
            })?)
        } else {
            None
        };
    let source_path: PathBuf = spool
        .as_ref()
        .map_or_else(|| args.file.clone(), |s| s.0.clone());
    let meta = std::fs::metadata(&source_path)
        .map_err(|e| InputError::file(name.clone(), io_reason(&e)))?;
    if meta.is_dir() {
        return Err(InputError::file(name, "is a directory, not a file of Brevo events").into());
    }
    let source =
        File::open(&source_path).map_err(|e| InputError::file(name.clone(), io_reason(&e)))?;
    let size = meta.len();
    let unmatched_path = args
        .unmatched
        .clone()
        .unwrap_or_else(|| default_unmatched_path(&args.file));
    // The unmatched events are read back from the events file: writing them
    // over it would destroy what is being read.
    if let (Ok(a), Ok(b)) = (
        std::fs::canonicalize(&unmatched_path),
        std::fs::canonicalize(&source_path),
    ) && a == b
    {
        return Err(UsageError(format!(
            "--unmatched {} is the events file itself; choose another path",
            unmatched_path.display()
        ))
        .into());
    }

    let pool = app.db().await?;
    let mut tx = pool.begin().await?;
    sqlx::raw_sql(include_str!("../../queries/brevo_staging.sql"))
        .execute(&mut *tx)
        .await?;
    let mut copy = tx
        .copy_in_raw(
            "COPY brevo_staging (seq, message_id, email, template_id, event, ts_epoch, link, reason, rank, is_error, entry, raw_offset, raw_length) FROM STDIN",
        )
        .await?;

    let progress = app.ui.progress_bar(size, "reading Brevo events");
    let (sender, receiver) = sync_channel::<Message>(4);
    let reader_thread = {
        let name = name.clone();
        let skip_invalid = args.skip_invalid;
        let progress = progress.clone();
        std::thread::spawn(move || {
            let mut sink = Sink {
                name,
                skip_invalid,
                sender,
                buf: Vec::with_capacity(COPY_CHUNK + 8192),
                report: ReadReport::default(),
                closed: false,
            };
            read_events(source, &mut sink, &progress);
            sink.flush();
            let report = std::mem::take(&mut sink.report);
            let _ = sink.sender.send(Message::Done(report));
        })
    };
    let mut receiver: Receiver<Message> = receiver;
    let clock = std::time::Instant::now();
    let report = loop {
        let (back, message) = tokio::task::spawn_blocking(move || {
            let m = receiver.recv();
            (receiver, m)
        })
        .await?;
        receiver = back;
        match message {
            Ok(Message::Copy(chunk)) => {
                copy.send(chunk).await?;
            }
            Ok(Message::Done(report)) => break report,
            Err(_) => anyhow::bail!("internal error: the reader of {name} stopped unexpectedly"),
        }
    };
    let _ = reader_thread.join();
    progress.finish_and_clear();

    if let Some(fatal) = report.fatal {
        copy.abort("unreadable file").await?;
        let mut errors = report.problems;
        errors.push(fatal);
        return Err(InputErrors {
            errors,
            total: usize::try_from(report.invalid + 1).unwrap_or(usize::MAX),
            hint: "Nothing was ingested.".into(),
        }
        .into());
    }
    if report.invalid > 0 && !args.skip_invalid {
        copy.abort("malformed events").await?;
        return Err(InputErrors {
            errors: report.problems,
            total: usize::try_from(report.invalid).unwrap_or(usize::MAX),
            hint: "Fix them, or pass --skip-invalid to ingest the other events.".into(),
        }
        .into());
    }
    copy.finish().await?;
    tracing::info!(
        "read and staged {} events in {:.1} s",
        report.events,
        clock.elapsed().as_secs_f64()
    );
    if report.invalid > 0 {
        app.ui
            .warn(format!("skipped {} malformed event(s):", report.invalid));
        for problem in &report.problems {
            eprintln!("  {problem}");
        }
        if report.invalid > report.problems.len() as u64 {
            eprintln!(
                "  ... and {} more",
                report.invalid - report.problems.len() as u64
            );
        }
    }

    let (matched, applied) = match_and_apply(&mut tx).await?;
    let total_matched = matched.by_message_id + matched.by_email_and_template;
    let unmatched = matched.unmatched;

    let mut written: Option<PathBuf> = None;
    if unmatched > 0 {
        let file = File::create(&unmatched_path).map_err(|e| {
            anyhow::anyhow!(
                "cannot write the unmatched events to {}: {}; nothing was ingested. Choose another place with --unmatched PATH",
                unmatched_path.display(),
                io_reason(&e)
            )
        })?;
        written = Some(unmatched_path.clone());
        let mut out = BufWriter::new(file);
        let result = write_unmatched(&mut tx, &source_path, &mut out).await;
        if let Err(e) = result {
            let _ = std::fs::remove_file(&unmatched_path);
            return Err(e.context(format!(
                "cannot write the unmatched events to {}; nothing was ingested",
                unmatched_path.display()
            )));
        }
    }

    Batch {
        source: "brevo",
        file_name: &name,
        sha256: &report.sha256,
        bytes: report.bytes,
        event_id: None,
        encoding: "utf-8",
        rows_read: report.events + report.invalid,
        rows_rejected: report.invalid,
        duplicate_rows: u64::try_from(total_matched - applied.events_recorded).unwrap_or(0),
        contacts_created: 0,
        started_at,
    }
    .record(&mut tx)
    .await?;
    if let Err(e) = tx.commit().await {
        if let Some(path) = &written {
            let _ = std::fs::remove_file(path);
        }
        return Err(e.into());
    }

    let summary = IngestSummary {
        file: name,
        events: report.events,
        invalid_skipped: report.invalid,
        matched: total_matched,
        matched_by_message_id: matched.by_message_id,
        matched_by_email_and_template: matched.by_email_and_template,
        unmatched,
        unmatched_file: written.map(|p| p.display().to_string()),
        events_recorded: applied.events_recorded,
        already_recorded: total_matched - applied.events_recorded,
        recipients_updated: applied.recipients_updated,
    };
    print_summary(app, args.format, &summary)?;
    if summary.unmatched > 0 && !args.strict {
        app.ui.note(format!(
            "{} event(s) matched no recipient; they are in {}. Import the recipients \
             (attrib recipients import) and ingest that file to match them.",
            summary.unmatched,
            summary.unmatched_file.as_deref().unwrap_or("")
        ));
    }
    if args.strict && (summary.unmatched > 0 || summary.invalid_skipped > 0) {
        return Ok(Outcome::NeedsAttention);
    }
    Ok(Outcome::Success)
}

/// Matches the staged events to recipient rows and applies them, set-based
/// (queries/brevo_match.sql, brevo_apply.sql, brevo_update.sql).
async fn match_and_apply(
    tx: &mut sqlx::PgConnection,
) -> anyhow::Result<(MatchCounts, ApplyCounts)> {
    let clock = std::time::Instant::now();
    sqlx::raw_sql(include_str!("../../queries/brevo_match.sql"))
        .execute(&mut *tx)
        .await?;
    let matched: MatchCounts = sqlx::query_as(include_str!("../../queries/brevo_summary.sql"))
        .fetch_one(&mut *tx)
        .await?;
    tracing::info!("matched in {:.1} s", clock.elapsed().as_secs_f64());
    let clock = std::time::Instant::now();
    let progression: Vec<&str> = PROGRESSION.iter().map(|s| s.as_str()).collect();
    sqlx::query(include_str!("../../queries/brevo_apply.sql"))
        .bind(&progression)
        .execute(&mut *tx)
        .await?;
    sqlx::raw_sql("ANALYZE brevo_changes")
        .execute(&mut *tx)
        .await?;
    tracing::info!("merged in {:.1} s", clock.elapsed().as_secs_f64());
    let clock = std::time::Instant::now();
    let recipients_updated = sqlx::query(include_str!("../../queries/brevo_update.sql"))
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let events_recorded: i64 =
        sqlx::query_scalar("SELECT coalesce(sum(recorded), 0)::bigint FROM brevo_changes")
            .fetch_one(&mut *tx)
            .await?;
    tracing::info!(
        "updated {recipients_updated} recipients in {:.1} s",
        clock.elapsed().as_secs_f64()
    );
    let applied = ApplyCounts {
        recipients_updated: i64::try_from(recipients_updated)?,
        events_recorded,
    };
    Ok((matched, applied))
}

/// Writes the unmatched events into `out`, one per line, as they are in
/// the file (pretty-printed array elements made compact), a page at a time.
async fn write_unmatched(
    conn: &mut sqlx::PgConnection,
    source: &Path,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    use std::io::{Seek, SeekFrom};
    let mut file = BufReader::new(File::open(source)?);
    let mut text = Vec::new();
    sqlx::raw_sql(include_str!("../../queries/brevo_unmatched.sql"))
        .execute(&mut *conn)
        .await?;
    loop {
        let page: Vec<(i64, i32)> = sqlx::query_as("FETCH 10000 FROM brevo_unmatched")
            .fetch_all(&mut *conn)
            .await?;
        if page.is_empty() {
            break;
        }
        for (offset, length) in page {
            file.seek(SeekFrom::Start(u64::try_from(offset)?))?;
            text.resize(usize::try_from(length)?, 0);
            file.read_exact(&mut text)?;
            if text.contains(&b'\n') {
                let value: serde_json::Value = serde_json::from_slice(&text)?;
                serde_json::to_writer(&mut *out, &value)?;
            } else {
                out.write_all(&text)?;
            }
            out.write_all(b"\n")?;
        }
    }
    sqlx::raw_sql("CLOSE brevo_unmatched")
        .execute(&mut *conn)
        .await?;
    out.flush()?;
    Ok(())
}

fn print_summary(app: &App, format: Format, s: &IngestSummary) -> anyhow::Result<()> {
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(s)?),
        Format::Table => {
            if !app.ui.quiet {
                let mut text = format!(
                    "{}: {} events; {} matched ({} by message id, {} by email and template), {} unmatched",
                    s.file,
                    s.events,
                    s.matched,
                    s.matched_by_message_id,
                    s.matched_by_email_and_template,
                    s.unmatched
                );
                if let Some(path) = &s.unmatched_file {
                    text.push_str(&format!(" (written to {path})"));
                }
                if s.invalid_skipped > 0 {
                    text.push_str(&format!(", {} malformed skipped", s.invalid_skipped));
                }
                text.push_str(&format!(
                    ".\n{} new events recorded, {} already known; {} recipients updated.",
                    s.events_recorded, s.already_recorded, s.recipients_updated
                ));
                println!("{text}");
            }
        }
        other => output::print_sections(
            &app.ui,
            other,
            &[Section::new(
                "Brevo events ingested",
                std::slice::from_ref(s),
            )],
        )?,
    }
    Ok(())
}

fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, skip_invalid: bool) -> (ReadReport, String) {
        let (sender, receiver) = sync_channel(1024);
        let mut sink = Sink {
            name: "events".into(),
            skip_invalid,
            sender,
            buf: Vec::new(),
            report: ReadReport::default(),
            closed: false,
        };
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(text.as_bytes()).unwrap();
        io::Seek::rewind(&mut file).unwrap();
        read_events(file, &mut sink, &indicatif::ProgressBar::hidden());
        sink.flush();
        drop(sink.sender);
        let mut copy = Vec::new();
        while let Ok(Message::Copy(chunk)) = receiver.recv() {
            copy.extend(chunk);
        }
        (sink.report, String::from_utf8(copy).unwrap())
    }

    const DELIVERED: &str =
        r#"{"event":"delivered","email":"a@b.co","message-id":"<m1@x>","ts_epoch":1700000000000}"#;

    #[test]
    fn json_lines_become_copy_rows() {
        let (report, copy) = read(&format!("\u{feff}{DELIVERED}\n\n{DELIVERED}\r\n"), false);
        assert_eq!(report.events, 2);
        assert_eq!(report.invalid, 0);
        let first = copy.lines().next().unwrap();
        assert_eq!(
            first,
            "1\tm1@x\ta@b.co\t\\N\tdelivered\t1700000000000\t\\N\t\\N\t3\tf\t\
             {\"event\":\"delivered\",\"ts_epoch\":1700000000000}\t3\t85"
        );
        // The second event starts after the first line, its CR LF and a blank line.
        assert!(
            copy.lines()
                .nth(1)
                .unwrap()
                .ends_with(&format!("\t{}\t85", 3 + 85 + 2))
        );
    }

    #[test]
    fn malformed_lines_are_reported_by_number() {
        let text = format!("{DELIVERED}\nnot json\n\n{{\"event\":\"opened\"}}\n{DELIVERED}\n");
        let (report, _) = read(&text, false);
        assert_eq!(report.events, 2);
        assert_eq!(report.invalid, 2);
        let lines: Vec<u64> = report.problems.iter().filter_map(|p| p.line).collect();
        assert_eq!(lines, [2, 4]);
    }

    #[test]
    fn arrays_are_streamed_with_line_numbers() {
        let text = format!(
            "[\n  {DELIVERED},\n  {{\n    \"event\": \"nope\",\n    \"email\": \"a@b.co\", \"ts_epoch\": 1\n  }},\n  {DELIVERED}\n]\n"
        );
        let (report, copy) = read(&text, true);
        assert_eq!(report.events, 2);
        assert_eq!(report.invalid, 1);
        assert_eq!(report.problems[0].line, Some(3));
        assert!(report.fatal.is_none());
        assert_eq!(copy.lines().count(), 2);
        assert!(copy.lines().nth(1).unwrap().starts_with("2\t"));
    }

    #[test]
    fn a_broken_array_is_fatal_at_its_line() {
        let (report, _) = read(&format!("[\n{DELIVERED},\n{{\"event\": }}\n]"), true);
        let fatal = report.fatal.unwrap();
        assert_eq!(fatal.line, Some(3));
        assert!(
            fatal
                .message
                .contains("the rest of the array cannot be read")
        );
    }

    #[test]
    fn array_elements_are_located_by_offset_and_length() {
        let text = "[{\n\"event\": \"delivered\",\n\"email\": \"a@b.co\",\n\"ts_epoch\": 5\n}, {\"event\":\"click\",\"email\":\"a@b.co\",\"ts_epoch\":6}]";
        let (_, copy) = read(text, false);
        let located: Vec<(usize, usize)> = copy
            .lines()
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                (
                    f[f.len() - 2].parse().unwrap(),
                    f[f.len() - 1].parse().unwrap(),
                )
            })
            .collect();
        let first = &text[located[0].0..located[0].0 + located[0].1];
        assert!(first.starts_with('{') && first.ends_with('}') && first.contains("delivered"));
        let second = &text[located[1].0..located[1].0 + located[1].1];
        assert_eq!(
            second,
            "{\"event\":\"click\",\"email\":\"a@b.co\",\"ts_epoch\":6}"
        );
    }

    #[test]
    fn the_digest_covers_the_whole_input() {
        let (report, _) = read(DELIVERED, false);
        assert_eq!(report.bytes, DELIVERED.len() as u64);
        assert_eq!(report.sha256.len(), 64);
    }
}
