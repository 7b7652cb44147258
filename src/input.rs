//! Reading the files organisers hand attrib (Quicket exports, recipient
//! lists): refusing what is not a CSV with a one-line reason, detecting the
//! encoding (UTF-8 with or without BOM, or Windows-1252 from Excel) and the
//! delimiter, matching headers tolerantly, and errors that name the file,
//! line and column.
//!
//! The file is streamed: memory does not grow with its size. Its SHA-256 is
//! computed on the way through.

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

mod limit;
mod text;

pub use limit::{RECORD_LIMIT, RecordLimit, RecordTooLong, csv_error};
use text::sniff_decoder;
pub use text::{Decoder, TextEncoding, check_flag_text, decode_windows_1252, printable};

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

/// Reads through to a SHA-256 digest and a byte count, for `import_batches`
/// and progress bars. The digest is computed on a thread of its own, a few
/// blocks behind the reader, so that hashing a large file costs the reading
/// thread only a copy of each block.
pub struct HashingReader<R> {
    inner: R,
    hasher: Option<Hasher>,
    sha256: Option<String>,
    bytes: u64,
}

/// The hashing thread and the blocks on their way to it (at most
/// [`BLOCKS_AHEAD`], so that memory stays bounded).
struct Hasher {
    blocks: std::sync::mpsc::SyncSender<Vec<u8>>,
    thread: std::thread::JoinHandle<ring::digest::Context>,
}

const BLOCKS_AHEAD: usize = 8;

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R) -> Self {
        let (blocks, arriving) = std::sync::mpsc::sync_channel::<Vec<u8>>(BLOCKS_AHEAD);
        let thread = std::thread::spawn(move || {
            let mut digest = ring::digest::Context::new(&ring::digest::SHA256);
            for block in arriving {
                digest.update(&block);
            }
            digest
        });
        HashingReader {
            inner,
            hasher: Some(Hasher { blocks, thread }),
            sha256: None,
            bytes: 0,
        }
    }

    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    /// Hex SHA-256 of everything read; call once reading is over (what is
    /// read after it is not hashed).
    pub fn sha256_hex(&mut self) -> io::Result<String> {
        if let Some(Hasher { blocks, thread }) = self.hasher.take() {
            drop(blocks);
            let digest = thread
                .join()
                .map_err(|_| io::Error::other("the hashing thread stopped"))?;
            let hex = digest
                .finish()
                .as_ref()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            self.sha256 = Some(hex);
        }
        Ok(self.sha256.clone().unwrap_or_default())
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0
            && let Some(hasher) = &self.hasher
            && hasher.blocks.send(buf[..n].to_vec()).is_err()
        {
            return Err(io::Error::other("the hashing thread stopped"));
        }
        self.bytes += n as u64;
        Ok(n)
    }
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
        source.get_mut().get_mut().sha256_hex()
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
