//! Reading a stream of Brevo events: JSON lines, or one JSON array streamed
//! element by element, from a file or standard input.
//!
//! Memory is bounded whatever the input: an event (a line, or an array
//! element) longer than [`MAX_EVENT_BYTES`] is reported and never held
//! whole, binary input is refused at its first NUL byte, and a file that
//! is plainly CSV is refused at its first line, with what to do instead.

use std::cell::Cell;
use std::io::{self, BufRead, BufReader, Read};
use std::rc::Rc;

use crate::input::InputError;

/// The longest event attrib reads: Brevo's are about 1 KiB.
pub const MAX_EVENT_BYTES: usize = 1 << 20;

/// What the reader found.
pub enum Item<'a> {
    /// One event's JSON text, starting on `line`.
    Event { line: u64, json: &'a str },
    /// A line or element that is not an event; reading goes on.
    Problem(InputError),
}

/// Whether to read on after an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Stop,
}

/// Reads `source` to its end, handing each item to `each`. Returns a
/// problem after which the rest cannot be read (broken array, binary
/// input, a read error), if any.
pub fn read_events<R: Read>(
    source: R,
    name: &str,
    progress: &indicatif::ProgressBar,
    each: &mut dyn FnMut(Item) -> Flow,
) -> Option<InputError> {
    let mut reader = BufReader::with_capacity(256 * 1024, source);
    // Skip a byte-order mark and blank space to see the format, counting the
    // lines skipped so that line numbers stay right.
    let mut lines_before = 0u64;
    let mut first_chunk = true;
    let first = loop {
        let buf = match reader.fill_buf() {
            Ok(buf) => buf,
            Err(e) => return Some(InputError::file(name, e.to_string())),
        };
        if buf.is_empty() {
            return None;
        }
        if first_chunk {
            first_chunk = false;
            if let Some(fatal) = sniff_not_json(buf, name) {
                return Some(fatal);
            }
            if buf.starts_with(b"\xEF\xBB\xBF") {
                reader.consume(3);
                continue;
            }
        }
        let blank = buf.iter().position(|b| !b.is_ascii_whitespace());
        let skip = blank.unwrap_or(buf.len());
        lines_before += buf[..skip].iter().filter(|b| **b == b'\n').count() as u64;
        let first = blank.map(|i| buf[i]);
        reader.consume(skip);
        if first.is_some() {
            break first;
        }
    };
    match first {
        Some(b'[') => read_array(reader, name, lines_before, progress, each),
        _ => read_lines(reader, name, lines_before, progress, each),
    }
}

/// Binary data and CSV files are refused before anything else is read.
fn sniff_not_json(head: &[u8], name: &str) -> Option<InputError> {
    let head = &head[..head.len().min(8192)];
    if let Some(at) = head.iter().position(|b| *b == 0) {
        let line = 1 + head[..at].iter().filter(|b| **b == b'\n').count() as u64;
        return Some(InputError::at(
            name,
            line,
            None,
            "is binary data (it has a NUL byte), not Brevo's JSON events",
        ));
    }
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let first_line = text
        .split(|b| *b == b'\n')
        .map(|l| l.trim_ascii())
        .find(|l| !l.is_empty())?;
    let json_start = matches!(first_line.first(), Some(b'{' | b'['));
    let separators = first_line
        .iter()
        .filter(|b| matches!(b, b',' | b';' | b'\t'))
        .count();
    if !json_start && separators > 0 && !first_line.contains(&b'{') {
        return Some(InputError::at(
            name,
            1,
            None,
            "looks like a CSV file, not Brevo's JSON events. A list of who an email went to is \
             imported with `attrib recipients import --communication ID FILE`; Brevo events are \
             JSON, one object per line or one array",
        ));
    }
    None
}

fn read_lines<R: Read>(
    mut reader: BufReader<R>,
    name: &str,
    lines_before: u64,
    progress: &indicatif::ProgressBar,
    each: &mut dyn FnMut(Item) -> Flow,
) -> Option<InputError> {
    let mut line = Vec::with_capacity(4096);
    let mut number = lines_before;
    let mut position = 0u64;
    loop {
        line.clear();
        number += 1;
        let (length, too_long) = match read_capped_line(&mut reader, &mut line) {
            Ok(read) => read,
            Err(e) => return Some(InputError::at(name, number, None, e.to_string())),
        };
        if length == 0 {
            return None;
        }
        position += length;
        if number.is_multiple_of(4096) {
            progress.set_position(position);
        }
        if line.contains(&0) {
            return Some(InputError::at(
                name,
                number,
                None,
                "is binary data (it has a NUL byte), not Brevo's JSON events",
            ));
        }
        let flow = if too_long {
            each(Item::Problem(InputError::at(
                name,
                number,
                None,
                "event is longer than 1 MiB; Brevo's events are about 1 KiB, so this is not one",
            )))
        } else {
            match std::str::from_utf8(&line) {
                Err(e) => each(Item::Problem(InputError::at(
                    name,
                    number,
                    None,
                    format!(
                        "not valid UTF-8 (byte 0x{:02X} at column {}); Brevo writes UTF-8",
                        line[e.valid_up_to()],
                        e.valid_up_to() + 1
                    ),
                ))),
                Ok(text) => {
                    let json = text.trim();
                    if json.is_empty() {
                        Flow::Continue
                    } else {
                        each(Item::Event { line: number, json })
                    }
                }
            }
        };
        if flow == Flow::Stop {
            return None;
        }
    }
}

/// Reads one line into `line`, keeping at most [`MAX_EVENT_BYTES`] of it:
/// the rest of a longer line is read past, never held. Returns the bytes
/// read and whether the line was cut.
fn read_capped_line<R: BufRead>(reader: &mut R, line: &mut Vec<u8>) -> io::Result<(u64, bool)> {
    let mut total = 0u64;
    let mut too_long = false;
    loop {
        let buf = match reader.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok((total, too_long));
        }
        let (chunk, done) = match buf.iter().position(|b| *b == b'\n') {
            Some(i) => (&buf[..=i], true),
            None => (buf, false),
        };
        if !too_long {
            if line.len() + chunk.len() > MAX_EVENT_BYTES + 2 {
                too_long = true;
                line.clear();
            } else {
                line.extend_from_slice(chunk);
            }
        }
        let used = chunk.len();
        total += used as u64;
        reader.consume(used);
        if done {
            return Ok((total, too_long));
        }
    }
}

/// Counts the newlines and bytes read through it, for the line numbers of
/// array elements (serde_json reads byte by byte, so the count is exact),
/// and refuses to read an element past [`MAX_EVENT_BYTES`].
struct Counted<R> {
    inner: R,
    newlines: Rc<Cell<u64>>,
    bytes: Rc<Cell<u64>>,
    /// Where the current element started (bytes); reset after each element.
    element_start: Rc<Cell<u64>>,
    /// Why reading was refused, for the message.
    refused: Rc<Cell<Option<Refused>>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refused {
    TooLong,
    Binary,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read_so_far = self.bytes.get() - self.element_start.get();
        if read_so_far > MAX_EVENT_BYTES as u64 {
            self.refused.set(Some(Refused::TooLong));
            return Err(io::Error::other("event is longer than 1 MiB"));
        }
        let n = self.inner.read(buf)?;
        if buf[..n].contains(&0) {
            self.refused.set(Some(Refused::Binary));
            return Err(io::Error::other("binary data"));
        }
        let count = buf[..n].iter().filter(|b| **b == b'\n').count() as u64;
        self.newlines.set(self.newlines.get() + count);
        self.bytes.set(self.bytes.get() + n as u64);
        Ok(n)
    }
}

fn read_array<R: Read>(
    reader: BufReader<R>,
    name: &str,
    lines_before: u64,
    progress: &indicatif::ProgressBar,
    each: &mut dyn FnMut(Item) -> Flow,
) -> Option<InputError> {
    use serde::de::{Deserializer as _, SeqAccess, Visitor};
    use serde_json::value::RawValue;

    struct Elements<'a> {
        each: &'a mut dyn FnMut(Item) -> Flow,
        newlines: Rc<Cell<u64>>,
        bytes: Rc<Cell<u64>>,
        element_start: Rc<Cell<u64>>,
        progress: &'a indicatif::ProgressBar,
        stopped: &'a Cell<bool>,
    }

    impl<'de> Visitor<'de> for Elements<'_> {
        type Value = ();

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON array of Brevo events")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let mut count = 0u64;
            self.element_start.set(self.bytes.get());
            while let Some(raw) = seq.next_element::<Box<RawValue>>()? {
                let text = raw.get();
                // An element ends where the counters are (serde_json does
                // not look past a closing bracket or quote); it starts its
                // own newlines earlier.
                let inside = text.bytes().filter(|b| *b == b'\n').count() as u64;
                let line = self.newlines.get() + 1 - inside;
                let flow = (self.each)(Item::Event { line, json: text });
                self.element_start.set(self.bytes.get());
                if flow == Flow::Stop {
                    self.stopped.set(true);
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
    let bytes = Rc::new(Cell::new(0));
    let element_start = Rc::new(Cell::new(0));
    let refused = Rc::new(Cell::new(None));
    let counted = Counted {
        inner: reader,
        newlines: newlines.clone(),
        bytes: bytes.clone(),
        element_start: element_start.clone(),
        refused: refused.clone(),
    };
    let stopped = Cell::new(false);
    let mut de = serde_json::Deserializer::from_reader(counted);
    let result = (&mut de)
        .deserialize_seq(Elements {
            each,
            newlines: newlines.clone(),
            bytes,
            element_start,
            progress,
            stopped: &stopped,
        })
        .and_then(|()| de.end());
    let e = match result {
        Ok(()) => return None,
        Err(_) if stopped.get() => return None,
        Err(e) => e,
    };
    let line = lines_before.max(e.line() as u64).max(newlines.get().min(1));
    let message = match refused.get() {
        Some(Refused::TooLong) => {
            "event is longer than 1 MiB; Brevo's events are about 1 KiB, so the rest of the \
             array cannot be read"
                .to_string()
        }
        Some(Refused::Binary) => {
            "is binary data (it has a NUL byte), not Brevo's JSON events".to_string()
        }
        None => format!(
            "is not valid JSON ({e}); the rest of the array cannot be read. \
             Brevo events must be one JSON object per line, or one JSON array of objects"
        ),
    };
    Some(InputError::at(name, line.max(1), None, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (line, text): an event's JSON, or a problem's message.
    type Found = Vec<(u64, String)>;

    /// The events and problems read from `text`, then the fatal problem.
    fn read(text: &[u8]) -> (Found, Found, Option<InputError>) {
        let mut events = Vec::new();
        let mut problems = Vec::new();
        let fatal = read_events(
            text,
            "events",
            &indicatif::ProgressBar::hidden(),
            &mut |item| {
                match item {
                    Item::Event { line, json } => events.push((line, json.to_string())),
                    Item::Problem(p) => problems.push((p.line.unwrap_or(0), p.message.clone())),
                }
                Flow::Continue
            },
        );
        (events, problems, fatal)
    }

    const DELIVERED: &str =
        r#"{"event":"delivered","email":"a@b.co","message-id":"<m1@x>","ts_epoch":1700000000000}"#;

    #[test]
    fn json_lines_with_a_bom_blank_lines_and_crlf() {
        let (events, problems, fatal) =
            read(format!("\u{feff}\n{DELIVERED}\n\n{DELIVERED}\r\n").as_bytes());
        assert!(fatal.is_none() && problems.is_empty());
        assert_eq!(
            events,
            [(2, DELIVERED.to_string()), (4, DELIVERED.to_string())]
        );
    }

    #[test]
    fn arrays_are_streamed_with_line_numbers() {
        let text = format!(
            "[\n  {DELIVERED},\n  {{\n    \"event\": \"nope\",\n    \"email\": \"a@b.co\"\n  }},\n  {DELIVERED}\n]\n"
        );
        let (events, _, fatal) = read(text.as_bytes());
        assert!(fatal.is_none());
        let lines: Vec<u64> = events.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [2, 3, 7]);
        assert!(events[1].1.contains("\"nope\""));
    }

    #[test]
    fn a_broken_array_is_fatal_at_its_line() {
        let (events, _, fatal) = read(format!("[\n{DELIVERED},\n{{\"event\": }}\n]").as_bytes());
        assert_eq!(events.len(), 1);
        let fatal = fatal.unwrap();
        assert_eq!(fatal.line, Some(3));
        assert!(
            fatal
                .message
                .contains("the rest of the array cannot be read")
        );
    }

    #[test]
    fn binary_input_is_refused_at_once_with_its_line() {
        let fatal = read(&[0u8; 4096]).2.unwrap();
        assert_eq!(fatal.line, Some(1));
        assert!(fatal.message.contains("binary"), "{}", fatal.message);
        let fatal = read(format!("{DELIVERED}\n\0\0\0").as_bytes()).2.unwrap();
        assert_eq!(fatal.line, Some(2));
        // Further down than the first chunk.
        let mut late = format!("{DELIVERED}\n").repeat(200).into_bytes();
        late.extend_from_slice(b"{\"a\0\":1}\n");
        assert_eq!(read(&late).2.unwrap().line, Some(201));
        let fatal = read(format!("[{DELIVERED},\n{{\"x\":\"\0\"}}]").as_bytes())
            .2
            .unwrap();
        assert!(fatal.message.contains("binary"), "{}", fatal.message);
    }

    #[test]
    fn csv_is_refused_with_a_pointer_to_recipients_import() {
        let fatal = read(b"email,first_name\nthandi@example.org,Thandi\n")
            .2
            .unwrap();
        assert_eq!(fatal.line, Some(1));
        assert!(fatal.message.contains("looks like a CSV file"));
        assert!(fatal.message.contains("attrib recipients import"));
    }

    #[test]
    fn an_event_longer_than_the_cap_is_a_problem_and_never_held() {
        let mut text = format!("{DELIVERED}\n").into_bytes();
        text.extend(std::iter::repeat_n(b'x', 3 * MAX_EVENT_BYTES));
        text.extend_from_slice(format!("\n{DELIVERED}\n").as_bytes());
        let (events, problems, fatal) = read(&text);
        assert!(fatal.is_none());
        assert_eq!(events.len(), 2);
        assert_eq!(events[1].0, 3);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, 2);
        assert!(problems[0].1.starts_with("event is longer than 1 MiB"));
        // An array element past the cap stops the array.
        let mut array = b"[{\"event\":\"".to_vec();
        array.extend(std::iter::repeat_n(b'x', 2 * MAX_EVENT_BYTES));
        array.extend_from_slice(b"\"}]");
        let fatal = read(&array).2.unwrap();
        assert!(
            fatal.message.starts_with("event is longer than 1 MiB"),
            "{}",
            fatal.message
        );
    }

    #[test]
    fn invalid_utf8_is_a_problem_with_its_column() {
        let (events, problems, _) = read(b"{\"event\":\"d\xE9livr\xE9\"}\n{}\n");
        assert_eq!(events.len(), 1);
        assert_eq!(problems[0].0, 1);
        assert!(
            problems[0].1.contains("byte 0xE9 at column 12"),
            "{}",
            problems[0].1
        );
    }

    #[test]
    fn stopping_ends_the_read() {
        let mut seen = 0;
        let fatal = read_events(
            format!("{DELIVERED}\n{DELIVERED}\n").as_bytes(),
            "x",
            &indicatif::ProgressBar::hidden(),
            &mut |_| {
                seen += 1;
                Flow::Stop
            },
        );
        assert!(fatal.is_none());
        assert_eq!(seen, 1);
    }
}
