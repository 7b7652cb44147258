//! The first pass of an import into an event that already has tickets,
//! which is how organisers import: a newer export of the same sales, again
//! and again. Every ticket records the fingerprint of the line it was last
//! written from (migration 005); a line whose fingerprint is among the
//! event's is exactly that line, read the same way, and need not be read in
//! full again. The event's fingerprints are fetched once, in one array, and
//! the file is compared with them in memory as it is read: nothing of the
//! file goes to the server in this pass.
//!
//! Read in full are the other lines, every other line of their people (a
//! person's details come from their latest line that has each one; their
//! tickets are not compared again), and every line of a ticket the file may
//! hold twice (the later line must win).

use std::collections::HashSet;

use anyhow::Context;
use sqlx::PgConnection;

use super::lines::{Batch, LineReader};
use super::{Chunk, Repeats, TicketFilter, lock_for_writing, next_line, stream_chunks};
use crate::app::App;
use crate::event::Event;
use crate::input::{self, CsvInput, Decoder, InputError};
use crate::quicket::{self, Field, Fingerprint, Layout};

/// Past this many tickets in the event, its fingerprints are not fetched
/// and the file is read in full, as a first import is: memory stays bounded
/// however large the event grows. (12 bytes a ticket once sorted, about 32
/// while the array arrives: some 64 MB at most.)
const MAX_FINGERPRINTS: i64 = 2_000_000;

/// Past this many people with a changed line, the file is read in full.
const MAX_CHANGED_PEOPLE: usize = 1_000_000;

/// Lines read per chunk of the first pass, between progress updates.
const LINES_PER_CHUNK: u64 = 16_384;

/// Which lines of a file the full pass reads.
pub(super) enum LineFilter {
    All,
    /// Only these; the others are exactly the lines last imported for their
    /// tickets.
    Only(Changed),
}

/// What the first pass found changed: lines, and people (by email).
pub(super) struct Changed {
    lines: LineSet,
    people: PeopleSet,
    email_column: usize,
}

/// How the full pass reads a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reading {
    /// Exactly the line last imported for its ticket: skipped.
    Skip,
    /// In full, compared with its ticket.
    Full,
    /// In full for its person's details only: its ticket was last written
    /// from this very line, so the ticket is not compared again.
    ForItsPerson,
}

impl LineFilter {
    pub(super) fn reading(
        &self,
        line: u64,
        record: &csv::ByteRecord,
        decoder: &mut Decoder,
    ) -> Reading {
        match self {
            LineFilter::All => Reading::Full,
            LineFilter::Only(changed) if changed.lines.contains(line) => Reading::Full,
            LineFilter::Only(changed)
                if !changed.people.is_empty()
                    && changed.people.contains(person_of(
                        record,
                        changed.email_column,
                        decoder,
                    )) =>
            {
                Reading::ForItsPerson
            }
            LineFilter::Only(_) => Reading::Skip,
        }
    }
}

/// The person of a line: [`quicket::email_key`] of its email cell.
fn person_of(record: &csv::ByteRecord, column: usize, decoder: &mut Decoder) -> u64 {
    let cell = record
        .get(column)
        .map(|f| decoder.field(f))
        .unwrap_or_default();
    quicket::email_key(quicket::clean(&cell))
}

/// Line numbers, a bit each (125 kB for a million-line file).
#[derive(Default)]
struct LineSet {
    bits: Vec<u64>,
}

impl LineSet {
    fn insert(&mut self, line: u64) {
        let (word, bit) = ((line / 64) as usize, line % 64);
        if word >= self.bits.len() {
            self.bits.resize(word + 1, 0);
        }
        self.bits[word] |= 1 << bit;
    }

    fn contains(&self, line: u64) -> bool {
        let (word, bit) = ((line / 64) as usize, line % 64);
        self.bits.get(word).is_some_and(|w| w & (1 << bit) != 0)
    }
}

/// People by [`quicket::email_key`], which is equal for any two emails the
/// database's `lower()` makes equal, whatever its locale: a key shared by
/// two people only means reading a few more lines in full, which is always
/// correct.
#[derive(Default)]
struct PeopleSet(HashSet<u64>);

impl PeopleSet {
    fn insert(&mut self, person: u64) {
        self.0.insert(person);
    }

    fn contains(&self, person: u64) -> bool {
        self.0.contains(&person)
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The fingerprints of an event's tickets, for lookups line by line:
/// sorted, with the start of each range of leading bits, so that a lookup
/// touches two places in memory (fingerprints are uniformly spread).
pub struct FingerprintSet {
    sorted: Vec<u64>,
    starts: Vec<u32>,
    shift: u32,
}

impl FingerprintSet {
    pub fn new(fingerprints: Vec<i64>) -> FingerprintSet {
        // Flipping the sign bit keeps the order of i64 in u64.
        let mut sorted: Vec<u64> = fingerprints.into_iter().map(Self::key).collect();
        sorted.sort_unstable();
        sorted.dedup();
        // One or two fingerprints per range: 4 more bytes a fingerprint.
        let bits = (usize::BITS - sorted.len().leading_zeros())
            .saturating_sub(1)
            .clamp(1, 24);
        let shift = u64::BITS - bits;
        let mut starts = Vec::with_capacity((1 << bits) + 1);
        let mut at = 0usize;
        for range in 0..=(1u64 << bits) {
            while at < sorted.len() && sorted[at] >> shift < range {
                at += 1;
            }
            starts.push(u32::try_from(at).unwrap_or(u32::MAX));
        }
        FingerprintSet {
            sorted,
            starts,
            shift,
        }
    }

    fn key(fingerprint: i64) -> u64 {
        (fingerprint as u64) ^ (1 << 63)
    }

    pub fn contains(&self, fingerprint: i64) -> bool {
        let key = Self::key(fingerprint);
        let range = (key >> self.shift) as usize;
        let (from, to) = (self.starts[range] as usize, self.starts[range + 1] as usize);
        self.sorted[from..to].contains(&key)
    }

    pub fn len(&self) -> usize {
        self.sorted.len()
    }
}

/// What the first pass found.
pub(super) struct FirstPass {
    pub filter: LineFilter,
    /// Lines read (blank ones aside).
    pub rows: u64,
    pub bytes_read: u64,
    pub sha256: String,
    pub encoding: input::TextEncoding,
    /// The event's tickets before this import (counted under the lock).
    pub tickets_of_event: i64,
}

impl FirstPass {
    /// Every line is exactly the one last imported for its ticket.
    pub fn nothing_changed(&self) -> bool {
        self.rows > 0
            && match &self.filter {
                LineFilter::All => false,
                LineFilter::Only(changed) => {
                    changed.lines.bits.iter().all(|w| *w == 0) && changed.people.is_empty()
                }
            }
    }
}

/// The first pass's worker: fingerprints every line and looks it up among
/// the event's. Nothing is validated here: a line that would not pass
/// cannot match a fingerprint, since only lines that passed were ever
/// imported.
struct Fingerprinter {
    lines: LineReader,
    decoder: Decoder,
    bytes_read: u64,
    fingerprint: Fingerprint,
    imported: Imported,
    ticket_column: usize,
    email_column: usize,
    /// The current batch's lines and fingerprints.
    found: Vec<(u64, i64)>,
    known: Vec<bool>,
    rows: u64,
    tickets_seen: TicketFilter,
    changed: LineSet,
    people: PeopleSet,
    differ: u64,
}

/// The event's fingerprints, as the worker has them. They are fetched while
/// the file is read: the lines read meanwhile wait, with their fingerprint
/// and their person's key, up to [`MAX_WAITING`] of them.
enum Imported {
    Arriving {
        set: std::sync::mpsc::Receiver<FingerprintSet>,
        waiting: Vec<(u64, i64, u64)>,
    },
    Fetched(FingerprintSet),
    /// Not coming (the event has too many, or the fetch failed): the pass
    /// stops.
    Abandoned,
}

/// Lines that may wait for the event's fingerprints (24 bytes each).
const MAX_WAITING: usize = 1 << 20;

impl Fingerprinter {
    fn next_chunk(&mut self) -> Result<Chunk, InputError> {
        self.settle(false);
        let mut done = false;
        let mut lines = 0;
        while lines < LINES_PER_CHUNK && !done {
            let batch = self.lines.next()?;
            done = batch.done;
            self.bytes_read = batch.bytes_read;
            self.look_up(&batch);
            lines += batch.lines.len() as u64;
            self.lines.give_back(batch);
            // No fingerprints are coming: reading on would be wasted.
            done |= matches!(self.imported, Imported::Abandoned);
        }
        if done {
            self.settle(true);
        }
        Ok(Chunk {
            copy_text: Vec::new(),
            bytes_read: self.bytes_read,
            done,
        })
    }

    fn look_up(&mut self, batch: &Batch) {
        let count = batch.lines.len();
        self.rows += count as u64;
        self.found.clear();
        for (line, record) in batch.iter() {
            let ticket_number = record
                .get(self.ticket_column)
                .map(|f| self.decoder.field(f))
                .unwrap_or_default();
            self.tickets_seen.insert(quicket::clean(&ticket_number));
            self.found.push((line, self.fingerprint.of(record)));
        }
        match &mut self.imported {
            Imported::Fetched(set) => {
                self.known.clear();
                self.known
                    .extend(self.found.iter().map(|&(_, f)| set.contains(f)));
                for i in (0..count).filter(|&i| !self.known[i]) {
                    self.differ += 1;
                    self.changed.insert(self.found[i].0);
                    let person = person_of(&batch.records[i], self.email_column, &mut self.decoder);
                    self.people.insert(person);
                }
            }
            Imported::Arriving { waiting, .. } => {
                for (i, &(line, fingerprint)) in self.found.iter().enumerate() {
                    let person = person_of(&batch.records[i], self.email_column, &mut self.decoder);
                    waiting.push((line, fingerprint, person));
                }
                if waiting.len() >= MAX_WAITING {
                    self.settle(true);
                }
            }
            Imported::Abandoned => {}
        }
    }

    /// Takes the event's fingerprints if they have arrived (or waits for
    /// them, with `wait`) and looks up the lines that waited.
    fn settle(&mut self, wait: bool) {
        let Imported::Arriving { set, waiting } = &mut self.imported else {
            return;
        };
        let arrived = if wait {
            set.recv().ok()
        } else {
            match set.try_recv() {
                Ok(set) => Some(set),
                Err(std::sync::mpsc::TryRecvError::Empty) => return,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => None,
            }
        };
        let Some(set) = arrived else {
            self.imported = Imported::Abandoned;
            return;
        };
        for (line, fingerprint, person) in waiting.drain(..) {
            if !set.contains(fingerprint) {
                self.differ += 1;
                self.changed.insert(line);
                self.people.insert(person);
            }
        }
        self.imported = Imported::Fetched(set);
    }
}

/// The first pass of an import into an event that has tickets: reads the
/// file once from the start while it takes the import lock (so that what
/// it finds still holds when the changes are written) and fetches the
/// fingerprints of the event's tickets, then decides which lines the full
/// pass reads. None when the event has too many tickets to compare in
/// memory: the file is then read in full.
pub(super) async fn first_pass(
    app: &App,
    tx: &mut PgConnection,
    event: &Event,
    input: &CsvInput,
    layout: &Layout,
    fingerprint: &Fingerprint,
) -> anyhow::Result<Option<FirstPass>> {
    let again = input::open_csv(&input.path)?;
    if again.headers != input.headers {
        return Err(InputError::file(
            input.name.clone(),
            "changed while it was being imported; nothing was imported: import it again",
        )
        .into());
    }
    let email_column = layout
        .index(Field::Email)
        .ok_or_else(|| InputError::file(input.name.clone(), "has no Email column"))?;
    let ticket_column = layout.ticket_number_column();
    let (deliver, arriving) = std::sync::mpsc::sync_channel(1);
    let decoder = again.decoder.clone();
    let worker = Fingerprinter {
        lines: LineReader::start(again),
        decoder,
        bytes_read: 0,
        fingerprint: fingerprint.clone(),
        imported: Imported::Arriving {
            set: arriving,
            waiting: Vec::new(),
        },
        ticket_column,
        email_column,
        found: Vec::new(),
        known: Vec::new(),
        rows: 0,
        tickets_seen: TicketFilter::new(),
        changed: LineSet::default(),
        people: PeopleSet::default(),
        differ: 0,
    };
    let fetch = async {
        // Dropped at the end of the fetch: without fingerprints, the
        // worker stops.
        let deliver = deliver;
        lock_for_writing(tx).await?;
        let (tickets, fingerprints): (i64, Option<Vec<i64>>) =
            sqlx::query_as(include_str!("../../../queries/import_quicket_imported.sql"))
                .bind(event.id)
                .bind(MAX_FINGERPRINTS)
                .fetch_one(&mut *tx)
                .await?;
        let compared = fingerprints.map(|f| {
            let set = FingerprintSet::new(f);
            let len = set.len();
            // A worker that stopped (an unreadable file) no longer listens.
            let _ = deliver.send(set);
            len
        });
        anyhow::Ok((tickets, compared))
    };
    let bar = app.ui.progress_bar(
        input.size,
        &format!("reading {} (what changed)", input.name),
    );
    let read = stream_chunks(worker, Fingerprinter::next_chunk, &bar, async |_| Ok(()));
    let (read, fetched) = tokio::join!(read, fetch);
    bar.finish_and_clear();
    let (tickets_of_event, compared) = fetched?;
    let (mut worker, unreadable) = read?;
    let mut again = worker.lines.finish()?;
    if let Some(e) = unreadable {
        return Err(e.into());
    }
    let Some(compared) = compared else {
        tracing::info!(
            "{}: the event has {tickets_of_event} tickets, too many to compare in memory: \
             every line is read in full",
            input.name
        );
        return Ok(None);
    };
    tracing::debug!(
        "first pass: {} of {} lines are not among the event's {compared} fingerprints",
        worker.differ,
        worker.rows,
    );
    let sha256 = again
        .sha256_hex()
        .map_err(|e| InputError::file(input.name.clone(), format!("cannot be read: {e}")))?;
    let mut changed = Changed {
        lines: std::mem::take(&mut worker.changed),
        people: std::mem::take(&mut worker.people),
        email_column,
    };
    let repeats = std::mem::replace(&mut worker.tickets_seen, TicketFilter::empty()).repeats();
    // When most lines changed, or too many people, a filter saves nothing;
    // past the repeat filter's limit, repeats cannot be told apart cheaply.
    let read_all = worker.differ * 4 > worker.rows * 3
        || changed.people.len() > MAX_CHANGED_PEOPLE
        || matches!(repeats, Repeats::Unknown);
    if !read_all && let Repeats::Among(candidates) = repeats {
        // On a thread of its own, as all reading is: it blocks.
        let path = input.path.clone();
        changed = tokio::task::spawn_blocking(move || {
            lines_of_tickets(&path, ticket_column, &candidates, changed)
        })
        .await
        .context("the reading thread failed")??;
    }
    Ok(Some(FirstPass {
        filter: if read_all {
            LineFilter::All
        } else {
            LineFilter::Only(changed)
        },
        rows: worker.rows,
        bytes_read: again.bytes_read(),
        sha256,
        encoding: worker.decoder.encoding(),
        tickets_of_event,
    }))
}

/// Marks every line of the tickets the file may hold twice, and their
/// people, as changed: one more reading of the file, only when the repeat
/// filter found candidates (a file of a million distinct tickets usually
/// has none).
fn lines_of_tickets(
    path: &std::path::Path,
    ticket_column: usize,
    candidates: &[String],
    mut changed: Changed,
) -> Result<Changed, InputError> {
    let candidates: HashSet<&str> = candidates.iter().map(String::as_str).collect();
    let mut again = input::open_csv(path)?;
    let mut record = csv::ByteRecord::new();
    while let Some(line) = next_line(&mut again, &mut record)? {
        let decoder = &mut again.decoder;
        let ticket_number = record
            .get(ticket_column)
            .map(|f| decoder.field(f))
            .unwrap_or_default();
        if candidates.contains(quicket::clean(&ticket_number)) {
            changed.lines.insert(line);
            let person = person_of(&record, changed.email_column, decoder);
            changed.people.insert(person);
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_set_finds_exactly_its_fingerprints() {
        for n in [0usize, 1, 2, 3, 100, 5000] {
            // Spread like hashes, with both signs and the extremes.
            let mut all: Vec<i64> = (0..n as i64)
                .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15_u64 as i64))
                .collect();
            if n > 2 {
                all[0] = i64::MIN;
                all[1] = i64::MAX;
                all[2] = 0;
            }
            let set = FingerprintSet::new(all.clone());
            assert_eq!(set.len(), n);
            for f in &all {
                assert!(set.contains(*f), "{n}: {f}");
            }
            for f in all.iter().map(|f| f.wrapping_add(1)) {
                assert_eq!(set.contains(f), all.contains(&f), "{n}: {f}");
            }
        }
    }

    #[test]
    fn people_are_one_whatever_the_case_of_their_email() {
        let mut people = PeopleSet::default();
        people.insert(quicket::email_key("Ann@Example.org"));
        assert!(people.contains(quicket::email_key("ann@example.org")));
        assert!(people.contains(quicket::email_key("ANN@EXAMPLE.ORG")));
        assert!(!people.contains(quicket::email_key("bob@example.org")));
        people.insert(quicket::email_key("ÉLISE@example.org"));
        assert!(people.contains(quicket::email_key("élise@example.org")));
    }

    #[test]
    fn a_line_set_holds_its_lines() {
        let mut lines = LineSet::default();
        for line in [2, 63, 64, 1_000_001] {
            lines.insert(line);
        }
        for line in [2, 63, 64, 1_000_001] {
            assert!(lines.contains(line));
        }
        for line in [0, 3, 65, 1_000_000, u64::MAX] {
            assert!(!lines.contains(line));
        }
    }
}
