//! A file's lines, parsed on a thread of their own: while the worker checks
//! or fingerprints one batch of lines, the next is being parsed, so that
//! the two share the machine's cores. Batches go back to be refilled, so
//! memory stays at [`BATCHES`] batches whatever the file's size.

use std::sync::mpsc::{Receiver, SyncSender};
use std::thread::JoinHandle;

use super::next_line;
use crate::input::{CsvInput, InputError};

/// Lines a batch holds: a batch is also looked up together, so that the
/// CPU overlaps its cache misses instead of waiting for each in turn.
const BATCH_LINES: usize = 256;
/// Batches in flight between the two threads.
const BATCHES: usize = 4;

/// Lines as parsed, with their line numbers (blank ones left out).
pub(super) struct Batch {
    pub records: Vec<csv::ByteRecord>,
    pub lines: Vec<u64>,
    /// Bytes of the file read when the batch was full.
    pub bytes_read: u64,
    /// The file ends with this batch.
    pub done: bool,
}

impl Batch {
    /// The batch's records with their line numbers.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &csv::ByteRecord)> {
        self.lines.iter().copied().zip(&self.records)
    }
}

/// The worker's end of the reading thread.
pub(super) struct LineReader {
    name: String,
    full: Receiver<Result<Batch, InputError>>,
    spent: SyncSender<Batch>,
    thread: JoinHandle<CsvInput>,
}

impl LineReader {
    /// Starts parsing `input` from where it stands (past its header row).
    pub fn start(mut input: CsvInput) -> LineReader {
        let name = input.name.clone();
        let (to_worker, full) = std::sync::mpsc::sync_channel(BATCHES);
        let (spent, empty) = std::sync::mpsc::sync_channel::<Batch>(BATCHES);
        for _ in 0..BATCHES {
            // Cannot fail: the channel has room for them all.
            let _ = spent.send(Batch {
                records: vec![csv::ByteRecord::new(); BATCH_LINES],
                lines: Vec::with_capacity(BATCH_LINES),
                bytes_read: 0,
                done: false,
            });
        }
        let thread = std::thread::spawn(move || {
            while let Ok(mut batch) = empty.recv() {
                batch.lines.clear();
                let mut failed = None;
                while batch.lines.len() < batch.records.len() {
                    let record = &mut batch.records[batch.lines.len()];
                    match next_line(&mut input, record) {
                        Ok(Some(line)) => batch.lines.push(line),
                        Ok(None) => {
                            batch.done = true;
                            break;
                        }
                        Err(e) => {
                            failed = Some(e);
                            break;
                        }
                    }
                }
                batch.bytes_read = input.bytes_read();
                let last = batch.done || failed.is_some();
                let sent = to_worker.send(match failed {
                    Some(e) => Err(e),
                    None => Ok(batch),
                });
                // A closed channel: the worker stopped (an error, Ctrl-C).
                if sent.is_err() || last {
                    break;
                }
            }
            input
        });
        LineReader {
            name,
            full,
            spent,
            thread,
        }
    }

    /// The next batch; the last one says `done`. An unreadable file (not
    /// CSV, a row past the limit) is an error.
    pub fn next(&mut self) -> Result<Batch, InputError> {
        match self.full.recv() {
            Ok(batch) => batch,
            Err(_) => Err(self.stopped()),
        }
    }

    /// Hands a batch back to be refilled.
    pub fn give_back(&mut self, batch: Batch) {
        // The reader has stopped if this fails, and needs no more.
        let _ = self.spent.send(batch);
    }

    /// Stops the reading thread, if it has not stopped, and takes the input
    /// back (for its digest and size).
    pub fn finish(self) -> Result<CsvInput, InputError> {
        let LineReader {
            name,
            full,
            spent,
            thread,
        } = self;
        drop((full, spent));
        thread
            .join()
            .map_err(|_| InputError::file(name, "could not be read to the end"))
    }

    fn stopped(&self) -> InputError {
        InputError::file(
            self.name.clone(),
            "could not be read to the end: import it again",
        )
    }
}
