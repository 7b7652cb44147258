//! Text of the files organisers hand attrib: which encoding a file has
//! (UTF-8, or Windows-1252 only for a file that is not UTF-8 at all), fields
//! decoded without control characters, and the rule for names typed on the
//! command line.

use std::borrow::Cow;

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
        // Nearly every line: printable ASCII throughout, looked at once as
        // a whole (see `decode`) and cut into its fields.
        let line = record.as_slice();
        if is_plain(line)
            && let Ok(text) = std::str::from_utf8(line)
        {
            for i in 0..record.len() {
                let field = record
                    .range(i)
                    .and_then(|r| text.get(r))
                    .unwrap_or_default();
                fields.push(Cow::Borrowed(field));
            }
            return Ok(fields);
        }
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
        if is_plain(bytes) {
            return Ok(Cow::Borrowed(
                std::str::from_utf8(bytes).unwrap_or_default(),
            ));
        }
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

/// Whether text is printable ASCII (tab and line breaks allowed), which
/// every encoding reads alike and [`printable`] keeps as it is: nearly every
/// field of an export. One look at each byte, without stopping early, so
/// that it runs a block at a time.
fn is_plain(bytes: &[u8]) -> bool {
    bytes.iter().fold(true, |all, &b| {
        all & ((0x20..0x7f).contains(&b) || matches!(b, b'\t' | b'\n' | b'\r'))
    })
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

/// The decoder for a file, from its first bytes: UTF-8 as soon as they
/// hold a valid multi-byte UTF-8 character; Windows-1252 when they are not
/// UTF-8, hold no valid multi-byte character and no byte Windows-1252 leaves
/// unassigned; undecided while they are ASCII (see [`Decoder`]).
pub(super) fn sniff_decoder(sample: &[u8]) -> Decoder {
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

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The quick look at plain ASCII reads a field as the full rules
        /// do: a NUL refused, control characters replaced, the rest kept.
        #[test]
        fn ascii_fields_read_as_the_full_rules_read_them(
            bytes in proptest::collection::vec(0u8..0x80, 0..40),
        ) {
            let expected = match bytes.contains(&0) {
                true => None,
                false => Some(printable(std::str::from_utf8(&bytes).unwrap()).into_owned()),
            };
            let got = Decoder::open().decode(&bytes).ok().map(Cow::into_owned);
            proptest::prop_assert_eq!(got, expected);
        }

        /// A record is read as its fields are, one by one.
        #[test]
        fn a_record_reads_as_its_fields(
            fields in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::sample::select(b"ab \t\x01\x7f\xc3\xa9".to_vec()),
                    0..6,
                ),
                1..5,
            ),
        ) {
            let record = csv::ByteRecord::from(fields.clone());
            let mut decoder = Decoder::open();
            let one_by_one: Result<Vec<String>, ()> = fields
                .iter()
                .map(|f| decoder.decode(f).map(Cow::into_owned).map_err(|_| ()))
                .collect();
            let whole = Decoder::open()
                .record(&record)
                .map(|fs| fs.into_iter().map(Cow::into_owned).collect::<Vec<_>>())
                .map_err(|_| ());
            proptest::prop_assert_eq!(whole, one_by_one);
        }
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
}
