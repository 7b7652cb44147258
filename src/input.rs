//! Reading the files organisers hand attrib (Quicket exports, recipient
//! lists): refusing what is not a CSV with a one-line reason, detecting the
//! encoding (UTF-8 with or without BOM, or Windows-1252 from Excel) and the
//! delimiter, matching headers tolerantly, and errors that name the file,
//! line and column.
//!
//! The file is streamed: memory does not grow with its size. Its SHA-256 is
//! computed on the way through.

use std::borrow::Cow;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// A problem with an input file, located as precisely as we can.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InputError {
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<String>,
    pub message: String,
}

impl InputError {
    pub fn file(file: impl Into<String>, message: impl Into<String>) -> InputError {
        InputError {
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    pub fn at(
        file: impl Into<String>,
        line: u64,
        column: Option<&str>,
        message: impl Into<String>,
    ) -> InputError {
        InputError {
            file: file.into(),
            line: Some(line),
            column: column.map(str::to_string),
            message: message.into(),
        }
    }

    /// The message without the file and line, for the `error` column of a
    /// rejected-rows file.
    pub fn short(&self) -> String {
        match &self.column {
            Some(c) => format!("column '{c}': {}", self.message),
            None => self.message.clone(),
        }
    }
}

impl fmt::Display for InputError {
    /// `FILE:LINE: column 'Email': "bob@" is not an email address`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}", self.short())
    }
}

impl std::error::Error for InputError {}

/// Several input errors: the first `limit` in full, then a count of the rest.
#[derive(Debug)]
pub struct InputErrors {
    pub errors: Vec<InputError>,
    pub total: usize,
    pub hint: String,
}

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let noun = if self.total == 1 { "row" } else { "rows" };
        writeln!(f, "{} invalid {noun}; nothing was imported:", self.total)?;
        for e in &self.errors {
            writeln!(f, "  {e}")?;
        }
        if self.total > self.errors.len() {
            writeln!(f, "  ... and {} more", self.total - self.errors.len())?;
        }
        write!(f, "{}", self.hint)
    }
}

impl std::error::Error for InputErrors {}

/// A header as compared with aliases: accents folded, lower case, letters and
/// digits only. "Ticket Number", "ticket_number" and "TICKET-NUMBER" agree.
pub fn normalise_header(header: &str) -> String {
    deunicode::deunicode(header)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The text encoding of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum TextEncoding {
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "windows-1252")]
    Windows1252,
}

impl TextEncoding {
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Windows1252 => "windows-1252",
        }
    }
}

/// Decodes fields. The file's encoding is UTF-8, or Windows-1252 (what
/// Excel writes when it saves "CSV" on a Western-European Windows) only when
/// the file is not UTF-8 at all: no valid multi-byte UTF-8 sequence, and no
/// byte that Windows-1252 leaves unassigned (those would be C1 controls).
/// While every field so far was ASCII the choice is open; the first
/// non-ASCII field makes it. In a UTF-8 file a line that is not UTF-8 is an
/// error naming the byte and its column (the import's `--skip-invalid`
/// skips it), never a reason to read the whole file as Windows-1252.
///
/// Decoded text never holds control characters other than tab and line
/// breaks (see [`printable`]), so that no escape sequence reaches a
/// terminal. A NUL byte is an error: it is not text.
#[derive(Debug, Clone)]
pub struct Decoder {
    state: EncodingState,
    /// Fields that were not UTF-8 and were read as Windows-1252.
    pub windows_1252_fields: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EncodingState {
    /// Only ASCII seen so far.
    Open,
    Utf8,
    Windows1252,
}

/// The five bytes Windows-1252 leaves unassigned.
const UNASSIGNED_1252: [u8; 5] = [0x81, 0x8D, 0x8F, 0x90, 0x9D];

impl Decoder {
    pub fn new(encoding: TextEncoding) -> Decoder {
        Decoder {
            state: match encoding {
                TextEncoding::Utf8 => EncodingState::Utf8,
                TextEncoding::Windows1252 => EncodingState::Windows1252,
            },
            windows_1252_fields: 0,
        }
    }

    /// A decoder that decides on the first non-ASCII field.
    fn open() -> Decoder {
        Decoder {
            state: EncodingState::Open,
            windows_1252_fields: 0,
        }
    }

    /// The encoding the file turned out to have.
    pub fn encoding(&self) -> TextEncoding {
        match self.state {
            EncodingState::Windows1252 => TextEncoding::Windows1252,
            _ => TextEncoding::Utf8,
        }
    }

    /// A field, decoded as well as can be: what cannot be decoded becomes
    /// U+FFFD. For the header row, the rejected-rows file and lookups that
    /// only need to match what was imported before.
    pub fn field<'a>(&mut self, bytes: &'a [u8]) -> Cow<'a, str> {
        match self.decode(bytes) {
            Ok(text) => text,
            Err(_) => Cow::Owned(printable(&String::from_utf8_lossy(bytes)).into_owned()),
        }
    }

    /// Every field of a record, or why the record cannot be read as text:
    /// `not valid UTF-8 (byte 0x81 at column 4)`, the column counted in
    /// characters from the start of the line.
    pub fn record<'a>(&mut self, record: &'a csv::ByteRecord) -> Result<Vec<Cow<'a, str>>, String> {
        let mut fields: Vec<Cow<'a, str>> = Vec::with_capacity(record.len());
        for bytes in record.iter() {
            match self.decode(bytes) {
                Ok(text) => fields.push(text),
                Err(bad) => {
                    // Counted only now, off the hot path: the fields before
                    // and their delimiters, then the field up to the byte.
                    let before: usize = fields.iter().map(|f| f.chars().count() + 1).sum();
                    let within = String::from_utf8_lossy(&bytes[..bad.offset])
                        .chars()
                        .count();
                    return Err(bad.describe(before + within + 1));
                }
            }
        }
        Ok(fields)
    }

    fn decode<'a>(&mut self, bytes: &'a [u8]) -> Result<Cow<'a, str>, BadByte> {
        if let Some(offset) = bytes.iter().position(|&b| b == 0) {
            return Err(BadByte {
                byte: 0,
                offset,
                problem: ByteProblem::Nul,
            });
        }
        if bytes.is_ascii() {
            let text = std::str::from_utf8(bytes).unwrap_or_default();
            return Ok(printable(text));
        }
        let utf8 = std::str::from_utf8(bytes);
        if self.state == EncodingState::Open {
            self.state = match utf8 {
                Ok(_) => EncodingState::Utf8,
                Err(_) if !bytes.iter().any(|b| UNASSIGNED_1252.contains(b)) => {
                    EncodingState::Windows1252
                }
                Err(_) => EncodingState::Utf8,
            };
        }
        match (self.state, utf8) {
            (EncodingState::Windows1252, Ok(_)) => {
                // Valid multi-byte UTF-8 in a Windows-1252 file: the file
                // mixes encodings; guessing would garble one or the other.
                let offset = bytes.iter().position(|b| !b.is_ascii()).unwrap_or(0);
                Err(BadByte {
                    byte: bytes[offset],
                    offset,
                    problem: ByteProblem::Utf8InWindows1252,
                })
            }
            (EncodingState::Windows1252, Err(_)) => {
                if let Some(offset) = bytes.iter().position(|b| UNASSIGNED_1252.contains(b)) {
                    return Err(BadByte {
                        byte: bytes[offset],
                        offset,
                        problem: ByteProblem::NotWindows1252,
                    });
                }
                self.windows_1252_fields += 1;
                Ok(Cow::Owned(
                    printable(&decode_windows_1252(bytes)).into_owned(),
                ))
            }
            (_, Ok(text)) => Ok(printable(text)),
            (_, Err(e)) => Err(BadByte {
                byte: bytes[e.valid_up_to()],
                offset: e.valid_up_to(),
                problem: ByteProblem::NotUtf8,
            }),
        }
    }
}

/// A byte that stops a field from being text.
struct BadByte {
    byte: u8,
    /// Bytes into the field.
    offset: usize,
    problem: ByteProblem,
}

enum ByteProblem {
    Nul,
    NotUtf8,
    NotWindows1252,
    Utf8InWindows1252,
}

impl BadByte {
    fn describe(&self, column: usize) -> String {
        let byte = self.byte;
        match self.problem {
            ByteProblem::Nul => format!(
                "contains a NUL byte (at column {column}), which is not text; export the file again"
            ),
            ByteProblem::NotUtf8 => format!(
                "not valid UTF-8 (byte 0x{byte:02X} at column {column}); fix this line or save \
                 the whole file as CSV UTF-8"
            ),
            ByteProblem::NotWindows1252 => format!(
                "not valid Windows-1252 (byte 0x{byte:02X} at column {column}); save the file as \
                 CSV UTF-8"
            ),
            ByteProblem::Utf8InWindows1252 => format!(
                "is UTF-8 (byte 0x{byte:02X} at column {column}), but earlier lines are \
                 Windows-1252; save the whole file as CSV UTF-8"
            ),
        }
    }
}

/// `text` without control characters other than tab and line breaks
/// (which a quoted field may hold: a note over two lines): vertical tab and
/// form feed become a space, every other U+FFFD. One-line values (names,
/// sources, ticket types) then have their line breaks replaced by a space
/// where they are stored; see also [`crate::output::visible`].
pub fn printable(text: &str) -> Cow<'_, str> {
    let kept = |c: char| matches!(c, '\t' | '\n' | '\r');
    if !text.chars().any(|c| c.is_control() && !kept(c)) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match c {
                c if kept(c) => c,
                '\u{0B}' | '\u{0C}' | '\u{85}' => ' ',
                c if c.is_control() => '\u{FFFD}',
                c => c,
            })
            .collect(),
    )
}

/// Refuses a value typed on the command line (`--name`, `--title`) that
/// holds a control character other than tab: a line break or an escape
/// sequence would end up in tables and reports.
pub fn check_flag_text(flag: &str, text: &str) -> Result<(), String> {
    match text.chars().position(|c| c.is_control() && c != '\t') {
        None => Ok(()),
        Some(i) => {
            let c = text.chars().nth(i).unwrap_or('?');
            Err(format!(
                "{flag} contains a control character ({} at character {}); write it on one \
                 line, without control characters",
                c.escape_unicode(),
                i + 1
            ))
        }
    }
}

/// Windows-1252: Latin-1 except for 0x80..0x9F, which hold typographic
/// characters (curly quotes, dashes, €). Five codes are unassigned and map to
/// the C1 controls, as browsers do.
pub fn decode_windows_1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

/// Reads through to a SHA-256 digest and a byte count, for `import_batches`
/// and progress bars.
pub struct HashingReader<R> {
    inner: R,
    digest: ring::digest::Context,
    bytes: u64,
}

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R) -> Self {
        HashingReader {
            inner,
            digest: ring::digest::Context::new(&ring::digest::SHA256),
            bytes: 0,
        }
    }

    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    /// Hex SHA-256 of everything read so far.
    pub fn sha256_hex(&self) -> String {
        self.digest
            .clone()
            .finish()
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.digest.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

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
        for &b in &buf[..n] {
            self.record_bytes += 1;
            match b {
                b'"' => self.in_quotes = !self.in_quotes,
                b'\n' => {
                    self.lines += 1;
                    if !self.in_quotes {
                        self.record_bytes = 0;
                        self.record_line = self.lines + 1;
                    }
                }
                _ => {}
            }
            if self.record_bytes > self.limit {
                self.failed = true;
                return Err(self.too_long());
            }
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

/// The reader stack under the CSV parser.
pub type Source = BufReader<RecordLimit<HashingReader<File>>>;

/// An opened CSV file: what sniffing found, and the parser positioned at
/// the header row.
pub struct CsvInput {
    pub path: PathBuf,
    /// The name used in messages: the path as given.
    pub name: String,
    pub size: u64,
    /// A plain file, which can be read again from the start (not a pipe).
    pub regular: bool,
    pub delimiter: u8,
    pub had_bom: bool,
    pub decoder: Decoder,
    pub reader: csv::Reader<Source>,
    /// The header row, decoded.
    pub headers: Vec<String>,
}

impl CsvInput {
    /// Bytes consumed so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.reader.get_ref().get_ref().get_ref().bytes_read()
    }

    /// SHA-256 of the whole file; call after reading every record.
    pub fn sha256_hex(&mut self) -> io::Result<String> {
        // Read any tail the parser did not need (trailing blank lines).
        let source = self.reader.get_mut();
        io::copy(source, &mut io::sink())?;
        Ok(source.get_ref().get_ref().sha256_hex())
    }
}

const SNIFF_BYTES: usize = 64 * 1024;

/// Opens `path` as a CSV file, refusing directories, empty, binary and
/// header-only files with a one-line reason.
pub fn open_csv(path: &Path) -> Result<CsvInput, InputError> {
    let name = path.display().to_string();
    let fail = |msg: String| InputError::file(name.clone(), msg);
    let meta = std::fs::metadata(path).map_err(|e| fail(io_reason(&e)))?;
    if meta.is_dir() {
        return Err(fail("is a directory, not a CSV file".into()));
    }
    let file = File::open(path).map_err(|e| fail(io_reason(&e)))?;
    let mut source = BufReader::with_capacity(
        SNIFF_BYTES,
        RecordLimit::new(HashingReader::new(file), RECORD_LIMIT),
    );
    let head = match source.fill_buf() {
        Ok(head) => head.to_vec(),
        Err(e) => {
            return Err(
                match e.get_ref().and_then(|e| e.downcast_ref::<RecordTooLong>()) {
                    Some(too_long) => {
                        InputError::at(name.clone(), too_long.line, None, too_long.to_string())
                    }
                    None => fail(io_reason(&e)),
                },
            );
        }
    };
    sniff_not_csv(&head).map_err(|m| fail(m.into()))?;
    if let Some((line, column)) = first_nul(&head) {
        return Err(InputError::at(
            name.clone(),
            line,
            None,
            format!(
                "contains a NUL byte (at column {column}): this is a binary file, not CSV text"
            ),
        ));
    }
    let had_bom = head.starts_with(b"\xEF\xBB\xBF");
    let body = if had_bom { &head[3..] } else { &head[..] };
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(fail("is empty: export the attendee list again".into()));
    }
    let decoder = sniff_decoder(body);
    let delimiter = sniff_delimiter(body);
    if had_bom {
        source.consume(3);
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        // Records end at '\n' only: with csv's default CRLF handling, line
        // numbers of CRLF files come out one short. A '\r' left at the end of
        // the last field is whitespace, and fields are trimmed.
        .terminator(csv::Terminator::Any(b'\n'))
        .buffer_capacity(256 * 1024)
        .from_reader(source);
    let mut decoder = decoder;
    let mut record = csv::ByteRecord::new();
    let headers = loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => return Err(fail("is empty: export the attendee list again".into())),
            Ok(true) if is_blank(&record) => continue,
            Ok(true) => {
                break record
                    .iter()
                    .map(|h| decoder.field(h).trim().to_string())
                    .collect::<Vec<_>>();
            }
            Err(e) => return Err(csv_error(&name, &e)),
        }
    };
    Ok(CsvInput {
        path: path.to_path_buf(),
        name,
        size: meta.len(),
        regular: meta.is_file(),
        delimiter,
        had_bom,
        decoder,
        reader,
        headers,
    })
}

/// A record whose fields are all empty or whitespace (Excel leaves `,,,,`
/// lines at the end of sheets).
pub fn is_blank(record: &csv::ByteRecord) -> bool {
    record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace))
}

fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// The line and column (in bytes, from 1) of the first NUL byte.
fn first_nul(head: &[u8]) -> Option<(u64, usize)> {
    let at = head.iter().position(|&b| b == 0)?;
    let before = &head[..at];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    Some((line, at - line_start + 1))
}

/// Recognises files that are not text: spreadsheets, UTF-16, PDF.
fn sniff_not_csv(head: &[u8]) -> Result<(), &'static str> {
    if head.starts_with(b"PK\x03\x04") {
        return Err(
            "is an Excel workbook or other zip file, not CSV: in Excel use File > Save As > CSV UTF-8",
        );
    }
    if head.starts_with(b"\xD0\xCF\x11\xE0") {
        return Err("is an old Excel (.xls) workbook, not CSV: save it as CSV UTF-8");
    }
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return Err("is UTF-16 text (Excel's \"Unicode Text\"): save it as CSV UTF-8 instead");
    }
    if head.starts_with(b"%PDF") {
        return Err("is a PDF, not CSV: download the attendee list as CSV");
    }
    Ok(())
}

/// The decoder for a file, from its first bytes: UTF-8 as soon as they
/// hold a valid multi-byte UTF-8 character; Windows-1252 when they are not
/// UTF-8, hold no valid multi-byte character and no byte Windows-1252 leaves
/// unassigned; undecided while they are ASCII (see [`Decoder`]).
fn sniff_decoder(sample: &[u8]) -> Decoder {
    if sample.is_ascii() {
        return Decoder::open();
    }
    let mut rest = sample;
    let mut valid_multibyte = false;
    let mut invalid = false;
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => {
                valid_multibyte |= !text.is_ascii();
                break;
            }
            Err(e) => {
                let (good, after) = rest.split_at(e.valid_up_to());
                valid_multibyte |= !good.is_ascii();
                match e.error_len() {
                    // A character cut off at the end of the sample.
                    None => break,
                    Some(n) => {
                        invalid = true;
                        rest = &after[n..];
                    }
                }
            }
        }
    }
    if invalid && !valid_multibyte && !sample.iter().any(|b| UNASSIGNED_1252.contains(b)) {
        Decoder::new(TextEncoding::Windows1252)
    } else {
        Decoder::new(TextEncoding::Utf8)
    }
}

/// The delimiter of the header line: the most frequent of `,` `;` and tab
/// outside quotes (comma on a tie or when there is none).
pub fn sniff_delimiter(sample: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    for &b in sample {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => break,
            b',' if !in_quotes => counts[0] += 1,
            b';' if !in_quotes => counts[1] += 1,
            b'\t' if !in_quotes => counts[2] += 1,
            _ => {}
        }
    }
    let candidates = [b',', b';', b'\t'];
    let best = (0..3)
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        candidates[best]
    }
}

/// Which column of the file holds which field, found by alias.
#[derive(Debug, Clone)]
pub struct ColumnMap<F> {
    /// Field → index of its column.
    pub fields: Vec<(F, usize)>,
    /// Columns that are no field of ours: (index, header as written).
    /// Repeated headers get " (2)", " (3)" so that none is lost.
    pub extra: Vec<(usize, String)>,
}

impl<F: Copy + PartialEq> ColumnMap<F> {
    /// Matches headers to fields: each header goes to the first field that
    /// lists its normalised form among its aliases; a field takes the first
    /// matching column, later ones are kept as extra columns.
    pub fn match_headers(headers: &[String], aliases: &[(F, &[&str])]) -> ColumnMap<F> {
        let mut fields: Vec<(F, usize)> = Vec::new();
        let mut extra: Vec<(usize, String)> = Vec::new();
        for (index, header) in headers.iter().enumerate() {
            let norm = normalise_header(header);
            let field = aliases
                .iter()
                .find(|(_, names)| names.iter().any(|n| *n == norm))
                .map(|(f, _)| *f)
                .filter(|f| !fields.iter().any(|(g, _)| g == f));
            match field {
                Some(f) if !norm.is_empty() => fields.push((f, index)),
                _ => {
                    let base = if header.is_empty() {
                        format!("column {}", index + 1)
                    } else {
                        header.clone()
                    };
                    let mut name = base.clone();
                    let mut n = 1;
                    while extra.iter().any(|(_, e)| *e == name) {
                        n += 1;
                        name = format!("{base} ({n})");
                    }
                    extra.push((index, name));
                }
            }
        }
        ColumnMap { fields, extra }
    }

    pub fn index(&self, field: F) -> Option<usize> {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, i)| *i)
    }
}

/// Checks a time typed on the command line or in a file, before PostgreSQL
/// reads it: any format the Quicket import reads (ISO 8601 with an offset,
/// `2026-03-02 09:30` in the session time zone, day-first `02/03/2026
/// 09:30`, ...), between 2000-01-01 and one day after now (see
/// [`crate::when`]). Returns the text to bind as `$n::timestamptz`; the
/// error says what to write instead.
pub fn check_time(text: &str) -> Result<String, String> {
    crate::when::read_time(text, chrono::Utc::now()).map(|ts| ts.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn headers_normalise() {
        assert_eq!(normalise_header("Ticket Number"), "ticketnumber");
        assert_eq!(normalise_header(" ticket_number "), "ticketnumber");
        assert_eq!(normalise_header("E-mail Address"), "emailaddress");
        assert_eq!(normalise_header("Cellphone #"), "cellphone");
        assert_eq!(normalise_header("Prénom"), "prenom");
    }

    #[test]
    fn windows_1252_decodes_typographic_characters() {
        assert_eq!(
            decode_windows_1252(b"Ren\xe9 \x93quoted\x94 \x80 5"),
            "René “quoted” € 5"
        );
        let mut d = Decoder::new(TextEncoding::Windows1252);
        assert_eq!(d.field(b"Zo\xeb"), "Zoë");
        assert_eq!(d.encoding(), TextEncoding::Windows1252);
    }

    fn record(fields: &[&[u8]]) -> csv::ByteRecord {
        csv::ByteRecord::from(fields.to_vec())
    }

    #[test]
    fn a_utf8_file_with_a_bad_line_is_not_read_as_windows_1252() {
        let mut d = sniff_decoder("name\nZoë,1\n".as_bytes());
        assert_eq!(d.encoding(), TextEncoding::Utf8);
        let bad = record(&[b"abc", b"Zo\x81"]);
        let e = d.record(&bad).unwrap_err();
        assert_eq!(
            e,
            "not valid UTF-8 (byte 0x81 at column 7); fix this line or save the whole file as CSV UTF-8"
        );
        assert_eq!(d.record(&record(&["Zoë".as_bytes()])).unwrap(), ["Zoë"]);
        assert_eq!(d.encoding(), TextEncoding::Utf8);
    }

    #[test]
    fn windows_1252_only_for_a_file_that_is_not_utf8_at_all() {
        // Latin-1 names and no UTF-8: Windows-1252.
        let mut d = sniff_decoder(b"name\nZo\xeb\nRen\xe9\n");
        assert_eq!(d.encoding(), TextEncoding::Windows1252);
        assert_eq!(d.record(&record(&[b"Ren\xe9"])).unwrap(), ["René"]);
        // A byte Windows-1252 leaves unassigned: refused, not a C1 control.
        let e = d.record(&record(&[b"x\x81"])).unwrap_err();
        assert!(
            e.starts_with("not valid Windows-1252 (byte 0x81 at column 2)"),
            "{e}"
        );
        // UTF-8 in a Windows-1252 file: refused rather than garbled.
        let e = d.record(&record(&["Zoë".as_bytes()])).unwrap_err();
        assert!(e.contains("earlier lines are Windows-1252"), "{e}");
        // Mixed in the sample: UTF-8.
        assert_eq!(
            sniff_decoder(b"Zo\xc3\xab\nZo\xeb").encoding(),
            TextEncoding::Utf8
        );
        // Unassigned bytes in the sample: not Windows-1252.
        assert_eq!(sniff_decoder(b"Zo\xeb\x81").encoding(), TextEncoding::Utf8);
        // A character cut off at the end of the sample does not count.
        let mut sample = "name\nZoë".as_bytes().to_vec();
        sample.pop();
        assert_eq!(sniff_decoder(&sample).encoding(), TextEncoding::Utf8);
    }

    #[test]
    fn an_ascii_start_decides_on_the_first_non_ascii_field() {
        let mut d = sniff_decoder(b"name\nZoe\n");
        assert_eq!(d.record(&record(&[b"Zo\xeb"])).unwrap(), ["Zoë"]);
        assert_eq!(d.encoding(), TextEncoding::Windows1252);
        let mut d = sniff_decoder(b"name\nZoe\n");
        assert_eq!(d.record(&record(&["Zoë".as_bytes()])).unwrap(), ["Zoë"]);
        assert!(d.record(&record(&[b"Zo\xeb"])).is_err());
    }

    #[test]
    fn decoded_text_holds_no_control_characters_but_tab() {
        let mut d = Decoder::new(TextEncoding::Utf8);
        let controls = record(&[
            b"a\x1b[31mred",
            b"two\nlines\r",
            b"tab\there",
            "c1\u{9b}x".as_bytes(),
        ]);
        let fields = d.record(&controls).unwrap();
        assert_eq!(
            fields,
            [
                "a\u{FFFD}[31mred",
                "two\nlines\r",
                "tab\there",
                "c1\u{FFFD}x"
            ]
        );
        let e = d.record(&record(&[b"ab", b"c\0"])).unwrap_err();
        assert!(e.starts_with("contains a NUL byte (at column 5)"), "{e}");
        assert!(check_flag_text("--name", "Data & AI Day").is_ok());
        let e = check_flag_text("--name", "Evil\x1b]0;x").unwrap_err();
        assert!(e.contains("U+1B") || e.contains("\\u{1b}"), "{e}");
        assert!(e.contains("character 5"), "{e}");
        assert!(check_flag_text("--title", "two\nlines").is_err());
    }

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

    #[test]
    fn delimiters_are_sniffed_from_the_header() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1;2;3"), b',');
        assert_eq!(sniff_delimiter(b"a;b;c\n"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter(b"\"a;b\",c,d"), b',');
        assert_eq!(sniff_delimiter(b"single"), b',');
    }

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum F {
        Email,
        Name,
    }

    #[test]
    fn columns_match_by_alias_and_keep_the_rest() {
        let headers: Vec<String> = ["E-mail", "Full Name", "Email", "Q", "Q", ""]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let map = ColumnMap::match_headers(
            &headers,
            &[
                (F::Email, &["email", "emailaddress"]),
                (F::Name, &["fullname"]),
            ],
        );
        assert_eq!(map.index(F::Email), Some(0));
        assert_eq!(map.index(F::Name), Some(1));
        let extra: Vec<&str> = map.extra.iter().map(|(_, h)| h.as_str()).collect();
        assert_eq!(extra, ["Email", "Q", "Q (2)", "column 6"]);
    }

    fn write_temp(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(bytes).unwrap();
        f
    }

    #[test]
    fn refuses_what_is_not_csv() {
        let dir = tempfile::tempdir().unwrap();
        let err = |bytes: &[u8]| open_csv(write_temp(bytes).path()).err().unwrap().message;
        assert!(
            open_csv(dir.path())
                .err()
                .unwrap()
                .message
                .contains("directory")
        );
        assert!(err(b"").contains("empty"));
        assert!(err(b"\n\n  \n").contains("empty"));
        assert!(err(b"\xEF\xBB\xBF").contains("empty"));
        assert!(err(b"PK\x03\x04rest").contains("Excel"));
        assert!(err(b"\x7fELF\x02\x01\x01\x00\x00").contains("binary"));
        // A NUL byte: the line and column, also near the top.
        let nul = open_csv(write_temp(b"a,b\nx,\x00y\n").path())
            .err()
            .unwrap();
        assert_eq!(nul.line, Some(2));
        assert!(
            nul.message.contains("NUL byte (at column 3)"),
            "{}",
            nul.message
        );
        assert!(err(b"\xFF\xFEa\x00").contains("UTF-16"));
        let missing = open_csv(Path::new("/no/such/file.csv")).err().unwrap();
        assert_eq!(missing.to_string(), "/no/such/file.csv: no such file");
    }

    #[test]
    fn reads_bom_semicolons_crlf_and_hashes_the_whole_file() {
        let bytes = b"\xEF\xBB\xBFName;Email\r\n\"Smith; J\";j@x.io\r\n\r\n";
        let f = write_temp(bytes);
        let mut input = open_csv(f.path()).unwrap();
        assert!(input.had_bom);
        assert_eq!(input.delimiter, b';');
        assert_eq!(input.headers, ["Name", "Email"]);
        let mut rec = csv::ByteRecord::new();
        assert!(input.reader.read_byte_record(&mut rec).unwrap());
        assert_eq!(&rec[0], b"Smith; J");
        assert_eq!(rec.position().unwrap().line(), 2);
        while input.reader.read_byte_record(&mut rec).unwrap() {}
        let expected: String = ring::digest::digest(&ring::digest::SHA256, bytes)
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(input.sha256_hex().unwrap(), expected);
        assert_eq!(input.bytes_read(), bytes.len() as u64);
    }

    #[test]
    fn error_display_names_file_line_and_column() {
        let e = InputError::at(
            "export.csv",
            14,
            Some("Email"),
            "\"bob@\" is not an email address",
        );
        assert_eq!(
            e.to_string(),
            "export.csv:14: column 'Email': \"bob@\" is not an email address"
        );
        assert_eq!(
            InputError::file("x.csv", "is empty").to_string(),
            "x.csv: is empty"
        );
    }

    #[test]
    fn times_are_checked_before_postgresql_reads_them() {
        assert_eq!(check_time("2026-03-02").unwrap(), "2026-03-02 00:00:00");
        assert_eq!(
            check_time(" 2026-03-02 09:30 ").unwrap(),
            "2026-03-02 09:30:00"
        );
        assert_eq!(
            check_time("2026-03-02T09:30:00+02:00").unwrap(),
            "2026-03-02 09:30:00+02:00"
        );
        assert_eq!(
            check_time("2026-03-02 09:30:00.5-0100").unwrap(),
            "2026-03-02 09:30:00.500000-01:00"
        );
        // The Quicket import's formats, day first.
        assert_eq!(check_time("02/03/2026").unwrap(), "2026-03-02 00:00:00");
        for bad in [
            "",
            "tomorrow",
            "2026-02-30",
            "2026-03-02 25:00",
            "2026-03-02x",
        ] {
            let e = check_time(bad).unwrap_err();
            assert!(e.contains("is not a date and time"), "{bad}: {e}");
        }
        for bad in ["0000-01-01", "0001-01-01", "2200-01-01"] {
            let e = check_time(bad).unwrap_err();
            assert!(
                e.contains("between 2000-01-01 and one day after now"),
                "{bad}: {e}"
            );
        }
    }
}
