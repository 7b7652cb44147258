//! Reading an export: the worker that decodes, checks and encodes each line
//! as COPY text (`Parser`), the filter that notices repeated tickets, the
//! file of rejected rows, and the loop that streams chunks to the server.

use std::borrow::Cow;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;

use super::first_pass::{LineFilter, Reading};
use super::lines::LineReader;
use crate::files::OutputFile;
use crate::input::{self, CsvInput, InputError};
use crate::output::{UTF8_BOM, neutralise_formula};
use crate::quicket::{Fingerprint, RowEncoder};

/// Bytes of COPY text per round trip: large enough that per-message costs
/// vanish, small enough that memory stays flat.
pub(super) const CHUNK_BYTES: usize = 1 << 20;
/// Chunks the reader may have ready before the server takes them.
pub(super) const CHUNKS_AHEAD: usize = 4;
/// Errors shown in full; the rest are counted.
pub(super) const ERRORS_SHOWN: usize = 20;

/// The part of an import that runs on a worker thread: reading, decoding and
/// validating rows, writing rejected ones, producing COPY text.
pub(super) struct Parser {
    pub(super) name: String,
    /// The file's size, for the progress bar (0 for a pipe).
    pub(super) size: u64,
    /// The lines, parsed on their own thread, and how far it has read.
    pub(super) lines: LineReader,
    pub(super) bytes_read: u64,
    pub(super) decoder: input::Decoder,
    pub(super) encoder: RowEncoder,
    pub(super) fingerprint: Fingerprint,
    /// The lines to read in full (the first pass may have found the others
    /// already imported).
    pub(super) keep: LineFilter,
    pub(super) skip_invalid: bool,
    pub(super) rejected: Option<RejectedFile>,
    /// Where rejected rows go (None: they are only counted).
    pub(super) rejected_path: Option<PathBuf>,
    pub(super) errors: Vec<InputError>,
    pub(super) rows_read: u64,
    /// Lines the first pass found already imported, not read in full.
    pub(super) rows_skipped: u64,
    pub(super) rows_invalid: u64,
    pub(super) scratch: Vec<u8>,
    pub(super) tickets_seen: TicketFilter,
}

/// One chunk of COPY text and how far through the file it reached.
pub(super) struct Chunk {
    pub(super) copy_text: Vec<u8>,
    pub(super) bytes_read: u64,
    pub(super) done: bool,
}

impl Parser {
    pub(super) fn next_chunk(&mut self) -> Result<Chunk, InputError> {
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
    pub(super) fn row(
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
    pub(super) fn reject(
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
pub(super) struct TicketFilter {
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
pub(super) enum Repeats {
    None,
    Among(Vec<String>),
    Unknown,
}

impl TicketFilter {
    pub(super) const BITS: u64 = 1 << 27;
    pub(super) const PROBES: u64 = 5;
    pub(super) const MAX_CANDIDATES: usize = 50_000;

    pub(super) const BATCH: usize = 256;

    pub(super) fn new() -> TicketFilter {
        TicketFilter {
            bits: vec![0; (Self::BITS / 64) as usize],
            candidates: Vec::new(),
            too_many: false,
            pending: String::new(),
            pending_ends: Vec::with_capacity(Self::BATCH),
        }
    }

    /// A filter with no memory, once the real one has been read.
    pub(super) fn empty() -> TicketFilter {
        TicketFilter {
            bits: Vec::new(),
            candidates: Vec::new(),
            too_many: true,
            pending: String::new(),
            pending_ends: Vec::new(),
        }
    }

    pub(super) fn insert(&mut self, ticket_number: &str) {
        self.pending.push_str(ticket_number);
        self.pending_ends.push(self.pending.len());
        if self.pending_ends.len() == Self::BATCH {
            self.look_up_pending();
        }
    }

    pub(super) fn look_up_pending(&mut self) {
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

    pub(super) fn repeats(mut self) -> Repeats {
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
pub(super) struct RejectedFile {
    writer: csv::Writer<BufWriter<OutputFile>>,
}

impl RejectedFile {
    pub(super) fn create(path: &Path, headers: &[String]) -> Result<RejectedFile, String> {
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

    pub(super) fn write(&mut self, fields: &[Cow<'_, str>], error: &str) -> Result<(), String> {
        let mut row: Vec<String> = fields.iter().map(|f| neutralise_formula(f)).collect();
        row.push(neutralise_formula(error));
        self.writer
            .write_record(&row)
            .map_err(|e| format!("cannot be written: {e}"))
    }

    /// Every row flushed; the file is put in place by its commit.
    pub(super) fn finish(self) -> Result<OutputFile, String> {
        let out = self
            .writer
            .into_inner()
            .map_err(|e| format!("cannot be written: {e}"))?;
        out.into_inner()
            .map_err(|e| format!("cannot be written: {e}"))
    }
}
pub(super) fn rejected_path(input: &Path) -> PathBuf {
    let mut name = input.as_os_str().to_owned();
    name.push(".rejected.csv");
    PathBuf::from(name)
}

/// Runs `next_chunk` on a worker thread until the file is read, handing
/// each chunk's COPY text to `send` (into the server), the worker running
/// up to [`CHUNKS_AHEAD`] chunks ahead, so that neither waits for the other
/// and memory stays bounded. Returns the worker, and why reading stopped
/// early if it did (a COPY is then left for the caller to abort).
pub(super) async fn stream_chunks<W: Send + 'static>(
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
pub(super) fn next_line(
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
pub(super) fn rejected_path_display(path: &Option<PathBuf>) -> String {
    path.as_ref()
        .map_or_else(String::new, |p| p.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn rejected_file_is_named_after_the_input() {
        assert_eq!(
            rejected_path(Path::new("dir/export.csv")),
            PathBuf::from("dir/export.csv.rejected.csv")
        );
    }
}
