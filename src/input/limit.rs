//! Bounded reading: a CSV record may not pass [`RECORD_LIMIT`], so that
//! memory stays bounded whatever the input.

use std::io::{self, Read};

use super::InputError;

/// The longest record (row) a CSV file may have: a Quicket row is a few
/// hundred bytes. Past it the file is refused at once, so that memory stays
/// bounded whatever the input (a 400 MB field, a missing closing quote).
pub const RECORD_LIMIT: u64 = 1 << 20;

/// Stops reading as soon as one record passes `limit` bytes: counts the
/// bytes since the last line break outside double quotes (CSV quoting), so
/// that the CSV parser never buffers more than about the limit.
pub struct RecordLimit<R> {
    inner: R,
    limit: u64,
    in_quotes: bool,
    record_bytes: u64,
    /// Line breaks read so far.
    lines: u64,
    /// The line the current record starts on.
    record_line: u64,
    failed: bool,
}

/// A record longer than [`RECORD_LIMIT`], starting on `line`.
#[derive(Debug, thiserror::Error)]
#[error(
    "a row is longer than {} MiB (from this line on): a closing double quote may be missing, or \
     this is not a CSV export", limit >> 20
)]
pub struct RecordTooLong {
    pub line: u64,
    pub limit: u64,
}

impl<R: Read> RecordLimit<R> {
    pub fn new(inner: R, limit: u64) -> RecordLimit<R> {
        RecordLimit {
            inner,
            limit,
            in_quotes: false,
            record_bytes: 0,
            lines: 0,
            record_line: 1,
            failed: false,
        }
    }

    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    fn too_long(&self) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            RecordTooLong {
                line: self.record_line,
                limit: self.limit,
            },
        )
    }
}

impl<R: Read> Read for RecordLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.failed {
            return Err(self.too_long());
        }
        let n = self.inner.read(buf)?;
        // Only quotes and line breaks matter: jump from one to the next.
        let mut from = 0;
        for at in memchr::memchr2_iter(b'"', b'\n', &buf[..n]) {
            let ends_record = buf[at] == b'\n' && !self.in_quotes;
            // A line break that ends a record is not part of it.
            self.record_bytes += (at - from) as u64 + u64::from(!ends_record);
            from = at + 1;
            if self.record_bytes > self.limit {
                self.failed = true;
                return Err(self.too_long());
            }
            if buf[at] == b'"' {
                self.in_quotes = !self.in_quotes;
            } else {
                self.lines += 1;
                if ends_record {
                    self.record_bytes = 0;
                    self.record_line = self.lines + 1;
                }
            }
        }
        self.record_bytes += (n - from) as u64;
        if self.record_bytes > self.limit {
            self.failed = true;
            return Err(self.too_long());
        }
        Ok(n)
    }
}

/// A CSV reading error as an [`InputError`] with its line: a row past
/// [`RECORD_LIMIT`] says so, anything else is "cannot be read as CSV".
pub fn csv_error(name: &str, error: &csv::Error) -> InputError {
    if let csv::ErrorKind::Io(io) = error.kind()
        && let Some(too_long) = io.get_ref().and_then(|e| e.downcast_ref::<RecordTooLong>())
    {
        return InputError::at(name, too_long.line, None, too_long.to_string());
    }
    let line = error.position().map_or(0, |p| p.line());
    InputError::at(name, line, None, format!("cannot be read as CSV: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts what the CSV side pulled from the source.
    struct Counting<R>(R, std::rc::Rc<std::cell::Cell<u64>>);

    impl<R: Read> Read for Counting<R> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.read(buf)?;
            self.1.set(self.1.get() + n as u64);
            Ok(n)
        }
    }

    #[test]
    fn a_400_mb_field_is_refused_after_reading_about_the_limit() {
        let pulled = std::rc::Rc::new(std::cell::Cell::new(0));
        let head = b"name,notes\nok,fine\nbad,\"".to_vec();
        let endless = io::repeat(b'x').take(400 << 20);
        let source = Counting(head.as_slice().chain(endless), pulled.clone());
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(RecordLimit::new(source, RECORD_LIMIT));
        let mut record = csv::ByteRecord::new();
        let mut error = None;
        for _ in 0..10 {
            match reader.read_byte_record(&mut record) {
                Ok(true) => continue,
                Ok(false) => break,
                Err(e) => {
                    error = Some(csv_error("big.csv", &e));
                    break;
                }
            }
        }
        let error = error.expect("refused");
        assert_eq!(error.line, Some(3));
        assert!(
            error
                .to_string()
                .starts_with("big.csv:3: a row is longer than 1 MiB"),
            "{error}"
        );
        // Memory stays bounded: the parser never got much past the limit.
        assert!(
            pulled.get() <= RECORD_LIMIT + (64 << 10),
            "{}",
            pulled.get()
        );
    }

    /// What the limit says, byte by byte: the plain rule the block-wise
    /// reader must agree with. Ok(lines) or Err(line of the long record).
    fn byte_by_byte(text: &[u8], limit: u64) -> Result<u64, u64> {
        let (mut in_quotes, mut bytes, mut lines, mut record_line) = (false, 0u64, 0u64, 1u64);
        for &b in text {
            bytes += 1;
            match b {
                b'"' => in_quotes = !in_quotes,
                b'\n' => {
                    lines += 1;
                    if !in_quotes {
                        bytes = 0;
                        record_line = lines + 1;
                    }
                }
                _ => {}
            }
            if bytes > limit {
                return Err(record_line);
            }
        }
        Ok(lines)
    }

    /// Hands out at most `step` bytes a read, as files and pipes may.
    struct Steps<'a>(&'a [u8], usize);

    impl Read for Steps<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(self.1).min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    proptest::proptest! {
        #[test]
        fn reading_a_block_at_a_time_agrees_with_the_byte_by_byte_rule(
            text in proptest::collection::vec(proptest::sample::select(b"ab\"\n".to_vec()), 0..200),
            limit in 0u64..12,
            step in 1usize..9,
        ) {
            let mut guarded = RecordLimit::new(Steps(&text, step), limit);
            let mut out = Vec::new();
            let got = match guarded.read_to_end(&mut out) {
                Ok(_) => Ok(guarded.lines),
                Err(e) => Err(e.get_ref().and_then(|e| e.downcast_ref::<RecordTooLong>()).unwrap().line),
            };
            proptest::prop_assert_eq!(got, byte_by_byte(&text, limit));
        }
    }

    #[test]
    fn quoted_line_breaks_stay_within_one_record_and_the_limit_resets() {
        let text = b"a,\"x\ny\"\n".repeat(1000);
        let mut guarded = RecordLimit::new(text.as_slice(), 16);
        let mut out = Vec::new();
        guarded.read_to_end(&mut out).unwrap();
        assert_eq!(out.len(), text.len());
        // One record over the limit, whatever its line breaks inside quotes.
        let long = b"a,b\nc,\"12345\n67890\n12345\"\n";
        let mut guarded = RecordLimit::new(&long[..], 16);
        let e = guarded.read_to_end(&mut Vec::new()).unwrap_err();
        let too_long = e
            .get_ref()
            .and_then(|e| e.downcast_ref::<RecordTooLong>())
            .unwrap();
        assert_eq!(too_long.line, 2);
    }
}
