//! `attrib brevo ingest FILE|-`: take in a file of Brevo webhook events,
//! transactional and marketing, so that each recipient row knows how far
//! its email got. For the organiser who exports or collects Brevo's webhooks
//! (`attrib brevo listen` receives them directly).
//!
//! The file is streamed (standard input too, without a copy): a reader
//! thread checks each event (`crate::brevo::read`, `payload`) and writes it
//! as a COPY row, the command streams those into the staging table, and the
//! shared apply path (`crate::brevo::apply`) matches and applies them, in one
//! transaction. Memory does not grow with the file. A malformed event
//! refuses the whole file unless `--skip-invalid`; unmatched events wait in
//! the database and are written to a file, never dropped.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use serde::Serialize;

use crate::app::{App, Outcome};
use crate::brevo::apply::{self, Applied, UnknownCampaign};
use crate::brevo::payload::{self, Parsed};
use crate::brevo::read::{self, Flow, Item};
use crate::commands::recipients::{Batch, COPY_CHUNK};
use crate::error::UsageError;
use crate::files::OutputFile;
use crate::input::{HashingReader, InputError, InputErrors};
use crate::output::{self, Format, Record, Section};

pub const INGEST_HELP: &str = "\
The file holds Brevo webhook events, one JSON object per line (JSON lines) or one JSON array
of objects, transactional and marketing events alike, even mixed: an event with camp_id is a
marketing-campaign event. Other fields than those below are ignored.

Transactional events are matched by message-id (angle brackets removed), else by email plus
template_id to the latest email communication of that template that has the address as a
recipient; their time is ts_epoch (milliseconds, UTC). Marketing events are matched by camp_id
to the communication recorded with --brevo-campaign-id, and by email; their time is ts_event
(seconds, UTC; ts and date_* are never read). An address of a known campaign that is not yet a
recipient becomes one (and a contact if new): the events are the record of the send.
list_addition, contact_updated and contact_deleted are about contacts: counted and skipped.

A recipient's status only moves forward, whatever the order events arrive in:
  queued < sent (request) < bounced (soft_bounce, hard_bounce, invalid_email, blocked)
         < delivered < opened (opened, unique_opened, proxy_open, unique_proxy_open) < clicked
error sets failed only while nothing beyond queued is known; deferred, spam and unsubscribe(d)
are recorded without changing the status. sent_at is the first request, or a marketing
campaign's ts_sent. Every event is kept once in the row's metadata (brevo_events): ingesting a
file twice, or the same events split over several files, changes nothing.

Events that match no recipient wait in the database and are applied by the next
`attrib recipients import`, `attrib comms add` with a Brevo id, or `attrib brevo rematch`
(list them with `attrib brevo unmatched`). They are also written to FILE.unmatched.jsonl
(for standard input: brevo-stdin.unmatched.jsonl in the current directory), or to
--unmatched PATH; ingesting FILE.unmatched.jsonl itself replaces it with what still does not
match. An event longer than 1 MiB, binary data and CSV files are refused.

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
    /// Email events read and valid.
    pub events: u64,
    /// Of those, marketing-campaign events.
    pub marketing_events: u64,
    /// Contact events (list_addition, contact_updated, contact_deleted), skipped.
    pub contact_events_skipped: u64,
    /// Malformed events skipped (with --skip-invalid).
    pub invalid_skipped: u64,
    pub matched: i64,
    pub matched_by_message_id: i64,
    pub matched_by_email_and_template: i64,
    pub matched_by_campaign: i64,
    pub unmatched: i64,
    pub unmatched_file: Option<String>,
    /// Addresses of a known marketing campaign that became its recipients.
    pub recipients_added_from_events: i64,
    pub contacts_created: i64,
    /// Marketing campaign ids no communication has, with their events.
    pub unknown_campaigns: Vec<UnknownCampaign>,
    /// Events new to their recipient's metadata.
    pub events_recorded: i64,
    /// Events the metadata already had (or that the file repeats).
    pub already_recorded: i64,
    /// Recipient rows whose status, sent_at or metadata changed.
    pub recipients_updated: i64,
    /// Events waiting for their recipient in the database after this run.
    pub waiting: i64,
}
impl Record for IngestSummary {}

/// What the reader thread sends: COPY data, then its report.
enum Message {
    Copy(Vec<u8>),
    Done(ReadReport),
}

#[derive(Debug, Default)]
struct ReadReport {
    events: u64,
    marketing: u64,
    contact_events: u64,
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
struct Stager {
    name: String,
    skip_invalid: bool,
    now_ms: i64,
    sender: SyncSender<Message>,
    buf: Vec<u8>,
    report: ReadReport,
    /// The receiver went away (the command failed); stop reading.
    closed: bool,
}

impl Stager {
    fn item(&mut self, item: Item) -> Flow {
        match item {
            Item::Event { line, json } => match payload::parse_event(json, self.now_ms) {
                Ok(Parsed::Email(event)) => {
                    self.report.events += 1;
                    self.report.marketing += u64::from(event.is_marketing());
                    // Once the file is refused, only problems are collected.
                    if self.report.invalid == 0 || self.skip_invalid {
                        apply::encode_row(&mut self.buf, self.report.events, &event, json);
                        if self.buf.len() >= COPY_CHUNK {
                            self.flush();
                        }
                    }
                }
                Ok(Parsed::Contact(_)) => self.report.contact_events += 1,
                Err(message) => {
                    self.problem(InputError::at(self.name.clone(), line, None, message))
                }
            },
            Item::Problem(problem) => self.problem(problem),
        }
        if self.closed {
            Flow::Stop
        } else {
            Flow::Continue
        }
    }

    fn problem(&mut self, error: InputError) {
        self.report.invalid += 1;
        if self.report.problems.len() < MAX_REPORTED {
            self.report.problems.push(error);
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

    /// Reads the whole source through the stager; the digest covers every
    /// byte, also those after a fatal problem.
    fn read_all(&mut self, source: Box<dyn Read>, progress: &indicatif::ProgressBar) {
        let mut hashing = HashingReader::new(source);
        let name = self.name.clone();
        self.report.fatal =
            read::read_events(&mut hashing, &name, progress, &mut |item| self.item(item));
        // Read what is left, for the digest, unless the input is refused
        // (binary data from /dev/zero never ends).
        if self.report.fatal.is_none() && !self.closed {
            let _ = io::copy(&mut hashing, &mut io::sink());
        }
        self.flush();
        match hashing.sha256_hex() {
            Ok(sha256) => self.report.sha256 = sha256,
            Err(e) => {
                let problem = InputError::file(name, format!("cannot be read: {e}"));
                self.report.fatal.get_or_insert(problem);
            }
        }
        self.report.bytes = hashing.bytes_read();
    }
}

/// The default place of the unmatched events: beside the file, or the
/// file itself when it is already an unmatched-events file.
fn default_unmatched_path(file: &Path) -> PathBuf {
    if file == Path::new("-") {
        PathBuf::from("brevo-stdin.unmatched.jsonl")
    } else if file.to_string_lossy().ends_with(".unmatched.jsonl") {
        file.to_path_buf()
    } else {
        let mut name = file.as_os_str().to_owned();
        name.push(".unmatched.jsonl");
        PathBuf::from(name)
    }
}

pub async fn ingest(app: &mut App, args: IngestArgs) -> anyhow::Result<Outcome> {
    let started_at = chrono::Utc::now();
    let stdin = args.file == Path::new("-");
    let name = if stdin {
        "(standard input)".to_string()
    } else {
        args.file.display().to_string()
    };
    let (source, size): (Box<dyn Read + Send>, u64) = if stdin {
        (Box::new(io::stdin()), 0)
    } else {
        let meta = std::fs::metadata(&args.file)
            .map_err(|e| InputError::file(name.clone(), io_reason(&e)))?;
        if meta.is_dir() {
            return Err(
                InputError::file(name, "is a directory, not a file of Brevo events").into(),
            );
        }
        let file =
            File::open(&args.file).map_err(|e| InputError::file(name.clone(), io_reason(&e)))?;
        (Box::new(file), meta.len())
    };
    if let Some(chosen) = &args.unmatched
        && !stdin
        && let (Ok(a), Ok(b)) = (
            std::fs::canonicalize(chosen),
            std::fs::canonicalize(&args.file),
        )
        && a == b
    {
        return Err(UsageError(format!(
            "--unmatched {} is the events file itself; choose another path",
            chosen.display()
        ))
        .into());
    }
    let unmatched_path = args
        .unmatched
        .clone()
        .unwrap_or_else(|| default_unmatched_path(&args.file));

    let pool = app.db().await?;
    let mut tx = pool.begin().await?;
    let staging = apply::begin_staging(&mut tx, apply::Lock::Exclusive).await?;
    let mut copy = tx.copy_in_raw(apply::COPY_STAGING).await?;

    let progress = app.ui.progress_bar(size, "reading Brevo events");
    let (sender, receiver) = sync_channel::<Message>(4);
    let reader_thread = {
        let name = name.clone();
        let skip_invalid = args.skip_invalid;
        let progress = progress.clone();
        std::thread::spawn(move || {
            let mut stager = Stager {
                name,
                skip_invalid,
                now_ms: crate::brevo::now_ms(),
                sender,
                buf: Vec::with_capacity(COPY_CHUNK + 8192),
                report: ReadReport::default(),
                closed: false,
            };
            stager.read_all(source, &progress);
            let report = std::mem::take(&mut stager.report);
            let _ = stager.sender.send(Message::Done(report));
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
        app.ui.warn(format!(
            "skipped {}:",
            crate::vocabulary::plural(
                i64::try_from(report.invalid).unwrap_or(i64::MAX),
                "malformed event",
                "malformed events"
            )
        ));
        for problem in &report.problems {
            crate::ui::stderr_line(format_args!("  {problem}"));
        }
        if report.invalid > report.problems.len() as u64 {
            crate::ui::stderr_line(format_args!(
                "  ... and {} more",
                report.invalid - report.problems.len() as u64
            ));
        }
    }

    let staged = apply::Staged {
        events: report.events,
        marketing: report.marketing,
    };
    let applied = apply::apply(&mut tx, staging, &name, staged).await?;

    // The unmatched events go to a temporary file beside the target first
    // (crate::files), which takes its place once the transaction has
    // committed.
    let mut pending: Option<OutputFile> = None;
    if applied.unmatched > 0 {
        let fail = |e: &dyn std::fmt::Display| {
            anyhow::anyhow!(
                "cannot write the unmatched events to {}: {e}; nothing was ingested. \
                 Choose another place with --unmatched PATH",
                unmatched_path.display()
            )
        };
        let mut file =
            OutputFile::create(&unmatched_path).map_err(|e| fail(&io_reason(&e.source)))?;
        let mut out = BufWriter::new(&mut file);
        if let Err(e) = write_unmatched(&mut tx, &mut out).await {
            return Err(fail(&e));
        }
        out.flush().map_err(|e| fail(&io_reason(&e)))?;
        drop(out);
        pending = Some(file);
    }

    Batch {
        source: "brevo",
        file_name: &name,
        sha256: &report.sha256,
        bytes: report.bytes,
        event_id: None,
        encoding: "utf-8",
        rows_read: report.events + report.invalid + report.contact_events,
        rows_rejected: report.invalid,
        duplicate_rows: u64::try_from(applied.matched() - applied.events_recorded).unwrap_or(0),
        contacts_created: applied.contacts_created,
        started_at,
    }
    .record(&mut tx)
    .await?;
    tx.commit().await?;
    let written = match pending {
        Some(file) => {
            file.commit().map_err(|e| {
                anyhow::anyhow!(
                    "the events were ingested, but the unmatched ones could not be written to {}: {}; \
                     they wait in the database (attrib brevo unmatched)",
                    unmatched_path.display(),
                    io_reason(&e.source)
                )
            })?;
            Some(unmatched_path.clone())
        }
        None => None,
    };

    let summary = summarise(name, &report, &applied, written);
    print_summary(app, args.format, &summary)?;
    notes(app, &summary);
    if args.strict && (summary.unmatched > 0 || summary.invalid_skipped > 0) {
        return Ok(Outcome::NeedsAttention);
    }
    Ok(Outcome::Success)
}

fn summarise(
    file: String,
    report: &ReadReport,
    applied: &Applied,
    written: Option<PathBuf>,
) -> IngestSummary {
    IngestSummary {
        file,
        events: report.events,
        marketing_events: report.marketing,
        contact_events_skipped: report.contact_events,
        invalid_skipped: report.invalid,
        matched: applied.matched(),
        matched_by_message_id: applied.matched_by_message_id,
        matched_by_email_and_template: applied.matched_by_email_and_template,
        matched_by_campaign: applied.matched_by_campaign,
        unmatched: applied.unmatched,
        unmatched_file: written.map(|p| p.display().to_string()),
        recipients_added_from_events: applied.recipients_added_from_events,
        contacts_created: applied.contacts_created,
        unknown_campaigns: applied.unknown_campaigns.clone(),
        events_recorded: applied.events_recorded,
        already_recorded: applied.matched() - applied.events_recorded,
        recipients_updated: applied.recipients_updated,
        waiting: applied.waiting.unwrap_or_default(),
    }
}

/// What to do about unmatched events, on stderr.
fn notes(app: &App, s: &IngestSummary) {
    for note in unknown_campaign_notes(&s.unknown_campaigns) {
        app.ui.note(note);
    }
    let unknown: i64 = s.unknown_campaigns.iter().map(|u| u.events).sum();
    if s.unmatched > unknown {
        app.ui.note(format!(
            "{} event{} matched no recipient; they wait in the database and are applied when \
             their recipients are imported (attrib recipients import) or on attrib brevo rematch.",
            s.unmatched - unknown,
            if s.unmatched - unknown == 1 { "" } else { "s" },
        ));
    }
}

/// How many unknown campaigns are named one by one; the rest are counted
/// in one line, so that a file of many stays readable.
const UNKNOWN_CAMPAIGNS_NAMED: usize = 3;

/// One line per Brevo campaign that matches no communication (the most
/// events first), with the command that records it; past a few, one line
/// for the rest.
fn unknown_campaign_notes(unknown: &[apply::UnknownCampaign]) -> Vec<String> {
    let events = |n: i64| format!("{n} event{}", if n == 1 { "" } else { "s" });
    let mut notes: Vec<String> = unknown
        .iter()
        .take(UNKNOWN_CAMPAIGNS_NAMED)
        .map(|u| {
            format!(
                "Brevo campaign {} ({}) matches no communication. Record the email it was: \
                 attrib comms add --campaign C --channel email --title T --brevo-campaign-id {}",
                u.camp_id,
                events(u.events),
                u.camp_id
            )
        })
        .collect();
    if let Some(rest) = unknown
        .get(UNKNOWN_CAMPAIGNS_NAMED..)
        .filter(|r| !r.is_empty())
    {
        notes.push(format!(
            "{} more Brevo campaign{} ({}) match no communication either; \
             attrib brevo unmatched lists every one.",
            rest.len(),
            if rest.len() == 1 { "" } else { "s" },
            events(rest.iter().map(|u| u.events).sum())
        ));
    }
    notes
}

/// Writes the unmatched events into `out`, one per line, as they arrived,
/// a page at a time.
async fn write_unmatched(
    conn: &mut sqlx::PgConnection,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    sqlx::raw_sql(include_str!("../../../queries/brevo_unmatched.sql"))
        .execute(&mut *conn)
        .await?;
    loop {
        let page: Vec<String> = sqlx::query_scalar("FETCH 10000 FROM brevo_unmatched")
            .fetch_all(&mut *conn)
            .await?;
        if page.is_empty() {
            break;
        }
        for raw in page {
            out.write_all(raw.as_bytes())?;
            out.write_all(b"\n")?;
        }
    }
    sqlx::raw_sql("CLOSE brevo_unmatched")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

fn print_summary(app: &App, format: Format, s: &IngestSummary) -> anyhow::Result<()> {
    match format {
        Format::Json => crate::outln!("{}", serde_json::to_string_pretty(s)?)?,
        Format::Table => {
            if !app.ui.quiet {
                crate::outln!("{}", summary_text(s))?;
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

/// The summary for a person: what was read, how it matched, what changed.
fn summary_text(s: &IngestSummary) -> String {
    let mut how = vec![
        format!("{} by message id", s.matched_by_message_id),
        format!("{} by email and template", s.matched_by_email_and_template),
    ];
    if s.marketing_events > 0 {
        how.push(format!("{} by campaign", s.matched_by_campaign));
    }
    let mut text = format!("{}: {} events", s.file, s.events);
    if s.marketing_events > 0 {
        text.push_str(&format!(
            " ({} marketing, {} transactional)",
            s.marketing_events,
            s.events - s.marketing_events
        ));
    }
    text.push_str(&format!(
        "; {} matched ({}), {} unmatched",
        s.matched,
        how.join(", "),
        s.unmatched
    ));
    if let Some(path) = &s.unmatched_file {
        text.push_str(&format!(" (written to {path})"));
    }
    if s.invalid_skipped > 0 {
        text.push_str(&format!(", {} malformed skipped", s.invalid_skipped));
    }
    text.push('.');
    if s.contact_events_skipped > 0 {
        text.push_str(&format!(
            "\n{} contact event{} (list_addition, contact_updated, contact_deleted) skipped: \
             they are about contacts, not emails.",
            s.contact_events_skipped,
            if s.contact_events_skipped == 1 {
                ""
            } else {
                "s"
            }
        ));
    }
    if s.recipients_added_from_events > 0 {
        text.push_str(&format!(
            "\n{} recipient{} added from events ({} new contact{}).",
            s.recipients_added_from_events,
            if s.recipients_added_from_events == 1 {
                ""
            } else {
                "s"
            },
            s.contacts_created,
            if s.contacts_created == 1 { "" } else { "s" }
        ));
    }
    text.push_str(&format!(
        "\n{} recorded, {} already known; {} updated.",
        crate::vocabulary::plural(s.events_recorded, "new event", "new events"),
        s.already_recorded,
        crate::vocabulary::plural(s.recipients_updated, "recipient", "recipients")
    ));
    text
}

fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_unknown_campaigns_are_named_and_the_rest_counted() {
        let unknown = |ids: &[(i32, i64)]| -> Vec<apply::UnknownCampaign> {
            ids.iter()
                .map(|&(camp_id, events)| apply::UnknownCampaign { camp_id, events })
                .collect()
        };
        assert!(unknown_campaign_notes(&[]).is_empty());
        let one = unknown_campaign_notes(&unknown(&[(417, 1)]));
        assert_eq!(one.len(), 1);
        assert!(one[0].starts_with("Brevo campaign 417 (1 event) matches no communication"));
        assert!(one[0].ends_with("--brevo-campaign-id 417"));
        let three = unknown_campaign_notes(&unknown(&[(1, 9), (2, 8), (3, 7)]));
        assert_eq!(three.len(), 3, "{three:?}");
        let many = unknown_campaign_notes(&unknown(&[(1, 9), (2, 8), (3, 7), (4, 6), (5, 1)]));
        assert_eq!(many.len(), 4, "{many:?}");
        assert!(many[2].starts_with("Brevo campaign 3 (7 events)"));
        assert_eq!(
            many[3],
            "2 more Brevo campaigns (7 events) match no communication either; \
             attrib brevo unmatched lists every one."
        );
    }

    #[test]
    fn the_unmatched_file_of_an_unmatched_file_is_itself() {
        assert_eq!(
            default_unmatched_path(Path::new("x/events.jsonl")),
            Path::new("x/events.jsonl.unmatched.jsonl")
        );
        assert_eq!(
            default_unmatched_path(Path::new("x/events.jsonl.unmatched.jsonl")),
            Path::new("x/events.jsonl.unmatched.jsonl")
        );
        assert_eq!(
            default_unmatched_path(Path::new("-")),
            Path::new("brevo-stdin.unmatched.jsonl")
        );
    }

    #[test]
    fn the_summary_names_marketing_figures_only_when_there_are_some() {
        let mut s = IngestSummary {
            file: "e.jsonl".into(),
            events: 3,
            matched: 2,
            matched_by_message_id: 2,
            unmatched: 1,
            events_recorded: 2,
            recipients_updated: 1,
            ..IngestSummary::default()
        };
        assert_eq!(
            summary_text(&s),
            "e.jsonl: 3 events; 2 matched (2 by message id, 0 by email and template), 1 unmatched.\n\
             2 new events recorded, 0 already known; 1 recipient updated."
        );
        s.marketing_events = 1;
        s.matched_by_campaign = 1;
        s.contact_events_skipped = 1;
        s.recipients_added_from_events = 1;
        s.contacts_created = 1;
        let text = summary_text(&s);
        assert!(
            text.contains("3 events (1 marketing, 2 transactional)"),
            "{text}"
        );
        assert!(text.contains(", 1 by campaign)"), "{text}");
        assert!(text.contains("\n1 contact event (list_addition"), "{text}");
        assert!(
            text.contains("\n1 recipient added from events (1 new contact)."),
            "{text}"
        );
    }
}
