//! How a valid row becomes one line of PostgreSQL COPY text for the
//! import's staging table, and the fingerprint of each line.

use std::borrow::Cow;

use super::layout::{Field, Layout, max_chars};
use super::people::{LatestDetails, PersonNumbers, RepeatedDetails};
use super::values::{
    DateProblem, NotRecognised, PriceProblem, Timestamp, clean, is_email, parse_checked_in,
    parse_price, parse_status, parse_timestamp, split_full_name,
};
use crate::vocabulary::TicketStatus;

/// The staging table's columns, in the order [`RowEncoder`] writes them
/// (queries/import_quicket_staging.sql creates it).
pub const STAGING_COLUMNS: [&str; 23] = [
    "line",
    "ticket_number",
    "barcode",
    "order_number",
    "ticket_type",
    "price",
    "purchased_at",
    "status",
    "checked_in",
    "checked_in_at",
    "discount_code",
    "marketing_source",
    "extra",
    "email",
    "first_name",
    "last_name",
    "phone",
    "organisation",
    "job_title",
    "fingerprint",
    "known",
    "details",
    "person",
];

/// Bumped whenever a value of an export is read differently (a new date
/// format, another status word): a line's fingerprint then changes, so a
/// re-import reads every line again under the new rules.
const RULES_VERSION: &[u8] = b"attrib quicket rules 1";

/// Identifies a line of an export as attrib reads it: SHA-256 over what
/// decides the reading (the rules' version, the header row, the
/// marketing-source column, the file's encoding, the session time zone) and
/// the line's fields, cut to 64 bits. Stored with each ticket written
/// (`tickets.import_fingerprint`), it lets a re-import skip lines that are
/// exactly the ones last imported for their tickets, without sending them
/// to the server.
#[derive(Clone)]
pub struct Fingerprint {
    settings: ring::digest::Context,
}

impl Fingerprint {
    pub fn new(layout: &Layout, encoding: &str, timezone: &str) -> Fingerprint {
        let mut settings = ring::digest::Context::new(&ring::digest::SHA256);
        let mut part = |bytes: &[u8]| {
            settings.update(&(bytes.len() as u64).to_le_bytes());
            settings.update(bytes);
        };
        part(RULES_VERSION);
        part(encoding.as_bytes());
        part(timezone.as_bytes());
        part(&layout.source.map_or(u64::MAX, |i| i as u64).to_le_bytes());
        for header in &layout.headers {
            part(header.as_bytes());
        }
        Fingerprint { settings }
    }

    /// The fingerprint of one line, from its fields as read (before
    /// decoding, which the file's encoding in the settings decides).
    pub fn of(&self, record: &csv::ByteRecord) -> i64 {
        let mut line = self.settings.clone();
        // Field boundaries count: ("ab", "c") is not ("a", "bc").
        let mut lengths = Vec::with_capacity(8 + 4 * record.len());
        lengths.extend_from_slice(&(record.len() as u64).to_le_bytes());
        for field in record {
            lengths.extend_from_slice(&(field.len() as u32).to_le_bytes());
        }
        line.update(&lengths);
        line.update(record.as_slice());
        let digest = line.finish();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest.as_ref()[..8]);
        i64::from_le_bytes(first)
    }
}

/// What is wrong with one row: the column (its header as written) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub column: Option<String>,
    pub message: String,
}

/// Turns rows into COPY text lines, validating every value. One encoder
/// reads one file, in order: it remembers each person's previous line.
pub struct RowEncoder {
    layout: Layout,
    json: Vec<u8>,
    people: RepeatedDetails,
    numbers: PersonNumbers,
    latest: LatestDetails,
}

impl RowEncoder {
    /// An encoder for a file of `bytes` (0 when unknown).
    pub fn new(layout: Layout, bytes: u64) -> RowEncoder {
        RowEncoder {
            layout,
            json: Vec::with_capacity(256),
            people: RepeatedDetails::for_file_of(bytes),
            numbers: PersonNumbers::new(),
            latest: LatestDetails::new(),
        }
    }

    /// Once the file is read: each person's latest details (see
    /// [`LatestDetails`]), when every line has its person's number and they
    /// are all kept. Frees the tables of people the encoder kept (up to
    /// 57 MB), so that they are not held while the database works. Lines
    /// encoded after this are still right, but skip fewer repeated details
    /// and never count as every line numbered.
    pub fn finish(&mut self) -> Option<LatestDetails> {
        let latest = std::mem::take(&mut self.latest);
        let kept = self.every_line_numbered() && latest.complete();
        self.people = RepeatedDetails::for_file_of(1);
        self.numbers.forget();
        kept.then_some(latest)
    }

    /// Whether every line encoded so far has its person's number (see
    /// [`PersonNumbers`]).
    pub fn every_line_numbered(&self) -> bool {
        self.numbers.every_line_numbered()
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Appends the row at `line` (with its [`Fingerprint`], whether its
    /// ticket is known to have been written from this very line, and whether
    /// its person's details count: see [`RepeatedDetails`]; then the
    /// person's number: see [`PersonNumbers`]) to `out` as one COPY text
    /// line and returns its ticket number, or leaves `out` as it was and
    /// says what is wrong with the row.
    pub fn encode<'f>(
        &mut self,
        line: u64,
        fields: &'f [Cow<'f, str>],
        (fingerprint, known): (i64, bool),
        out: &mut Vec<u8>,
    ) -> Result<&'f str, RowError> {
        let start = out.len();
        let result = self.encode_inner(line, fields, (fingerprint, known), out);
        if result.is_err() {
            out.truncate(start);
        }
        result
    }

    fn encode_inner<'f>(
        &mut self,
        line: u64,
        fields: &'f [Cow<'f, str>],
        (fingerprint, known): (i64, bool),
        out: &mut Vec<u8>,
    ) -> Result<&'f str, RowError> {
        let layout = &self.layout;
        let columns = layout.headers.len();
        if fields.len() > columns && fields[columns..].iter().any(|f| !f.trim().is_empty()) {
            return Err(RowError {
                column: None,
                message: format!(
                    "has {} fields but the header row has {columns}; a value that contains the \
                     delimiter must be in double quotes",
                    fields.len()
                ),
            });
        }
        let value = |i: usize| -> Result<&str, RowError> {
            let v = fields.get(i).map_or("", |f| clean(f));
            if v.contains('\0') {
                return Err(RowError {
                    column: Some(layout.headers[i].clone()),
                    message: "contains a NUL character, which is not text; export the file again"
                        .into(),
                });
            }
            Ok(v)
        };
        let error = |i: usize, message: String| RowError {
            column: Some(layout.headers[i].clone()),
            message,
        };
        let field = |f: Field| -> Result<Option<&str>, RowError> {
            let Some(i) = layout.index(f) else {
                return Ok(None);
            };
            let v = value(i)?;
            // A value no longer in bytes than the limit is within it in
            // characters: count only the long ones.
            if let Some(max) = max_chars(f).filter(|max| v.len() > *max) {
                let n = v.chars().count();
                if n > max {
                    return Err(error(
                        i,
                        format!("is {n} characters long; at most {max} fit"),
                    ));
                }
            }
            Ok(Some(v).filter(|v| !v.is_empty()))
        };

        // Required values.
        let tn = layout.ticket_number;
        let ticket_number = value(tn)?;
        if ticket_number.is_empty() {
            return Err(error(
                tn,
                "is empty; every ticket needs its ticket number".into(),
            ));
        }
        if ticket_number.len() > 100 && ticket_number.chars().count() > 100 {
            return Err(error(tn, "is longer than 100 characters".into()));
        }
        let ei = layout.index(Field::Email).expect("required");
        let email = field(Field::Email)?.ok_or_else(|| {
            error(
                ei,
                "is empty; every ticket needs the ticket holder's email address".into(),
            )
        })?;
        if !is_email(email) {
            return Err(error(
                ei,
                format!("{} is not an email address", show(email)),
            ));
        }
        let person_slot = self.people.slot(email);
        let pi = layout.index(Field::PurchasedAt).expect("required");
        let purchased_text = value(pi)?;
        if purchased_text.is_empty() {
            return Err(error(
                pi,
                "is empty; every ticket needs its purchase date".into(),
            ));
        }
        let purchased_at = timestamp(purchased_text).map_err(|m| error(pi, m))?;

        // Optional values.
        let price = match layout.index(Field::Price) {
            Some(i) => parse_price(value(i)?).map_err(|p| {
                let shown = show(value(i).unwrap_or_default());
                error(
                    i,
                    match p {
                        PriceProblem::Negative => {
                            format!("{shown} is negative; a price is 0 or more")
                        }
                        PriceProblem::TooManyDecimals => {
                            format!("{shown} has more than two decimals (cents)")
                        }
                        PriceProblem::TooLarge => {
                            format!("{shown} is too large for a ticket price")
                        }
                        PriceProblem::Unrecognised => {
                            format!("{shown} is not a price; write e.g. R 1,250.00, 1250.00 or 0")
                        }
                    },
                )
            })?,
            None => None,
        };
        let status = match layout.index(Field::Status) {
            Some(i) => {
                let v = value(i)?;
                parse_status(v).map_err(|NotRecognised| {
                    error(
                        i,
                        format!(
                            "{} is not a ticket status; expected {} (or Quicket's words for them, \
                             e.g. Active, Canceled, Void)",
                            show(v),
                            TicketStatus::allowed()
                        ),
                    )
                })?
            }
            None => None,
        };
        let checked_in_at = match layout.index(Field::CheckedInAt) {
            Some(i) => {
                let v = value(i)?;
                if v.is_empty() {
                    None
                } else {
                    Some(timestamp(v).map_err(|m| error(i, m))?)
                }
            }
            None => None,
        };
        let checked_in = match layout.index(Field::CheckedIn) {
            Some(i) => {
                let v = value(i)?;
                let flag = parse_checked_in(v)
                    .map_err(|NotRecognised| error(i, format!("{} is not yes or no", show(v))))?;
                Some(flag || checked_in_at.is_some())
            }
            None => checked_in_at.map(|_| true),
        };
        let (mut first_name, mut last_name) = (field(Field::FirstName)?, field(Field::LastName)?);
        if let Some(full) = field(Field::FullName)? {
            let i = layout.index(Field::FullName).expect("present");
            let (first, last) = split_full_name(full);
            for part in [first, last].into_iter().flatten() {
                if part.chars().count() > 100 {
                    return Err(error(
                        i,
                        "has a name part longer than 100 characters".into(),
                    ));
                }
            }
            first_name = first_name.or(first);
            last_name = last_name.or(last);
        }
        let source = match layout.source {
            Some(i) => Some(value(i)?).filter(|v| !v.is_empty()),
            None => None,
        };
        self.json.clear();
        self.json.push(b'{');
        for ((i, _), key) in layout.extra.iter().zip(&layout.extra_keys) {
            let v = value(*i)?;
            if v.is_empty() {
                continue;
            }
            if self.json.len() > 1 {
                self.json.push(b',');
            }
            self.json.extend_from_slice(key.as_bytes());
            self.json.push(b':');
            serde_json::to_writer(&mut self.json, v).expect("writing to a Vec cannot fail");
        }
        self.json.push(b'}');
        let (phone, organisation, job_title) = (
            field(Field::Phone)?,
            field(Field::Organisation)?,
            field(Field::JobTitle)?,
        );

        // Every value is valid: write the line.
        push_number(out, line);
        out.push(b'\t');
        push_text(out, Some(ticket_number));
        out.push(b'\t');
        push_text(out, field(Field::Barcode)?);
        out.push(b'\t');
        push_text(out, field(Field::OrderNumber)?);
        out.push(b'\t');
        push_text(out, field(Field::TicketType)?);
        out.push(b'\t');
        match price {
            Some(cents) => {
                push_number(out, (cents / 100) as u64);
                out.push(b'.');
                let c = (cents % 100) as u8;
                out.extend_from_slice(&[b'0' + c / 10, b'0' + c % 10]);
            }
            None => out.extend_from_slice(b"\\N"),
        }
        out.push(b'\t');
        purchased_at.write(out);
        out.push(b'\t');
        push_text(out, status.map(TicketStatus::as_str));
        out.push(b'\t');
        out.extend_from_slice(match checked_in {
            Some(true) => b"t",
            Some(false) => b"f",
            None => b"\\N",
        });
        out.push(b'\t');
        match checked_in_at {
            Some(t) => t.write(out),
            None => out.extend_from_slice(b"\\N"),
        }
        out.push(b'\t');
        push_text(out, field(Field::DiscountCode)?);
        out.push(b'\t');
        push_text(out, source);
        out.push(b'\t');
        push_escaped(out, &self.json);
        out.push(b'\t');
        let person = out.len();
        push_text(out, Some(email));
        out.push(b'\t');
        push_text(out, first_name);
        out.push(b'\t');
        push_text(out, last_name);
        out.push(b'\t');
        push_text(out, phone);
        out.push(b'\t');
        push_text(out, organisation);
        out.push(b'\t');
        push_text(out, job_title);
        // The person's columns as COPY text tell every two lines apart.
        // Decided once the line is sure to be staged: a person's previous
        // line is always one the database has.
        let details = self.people.counts(person_slot, &out[person..]);
        let number = self.numbers.number(email);
        match number {
            // Only a line whose details count can change its person's.
            Some(number) if details => self.latest.take(number, &out[person..]),
            Some(_) => {}
            None => self.latest.give_up(),
        }
        out.push(b'\t');
        push_signed(out, fingerprint);
        out.extend_from_slice(if known { b"\tt" } else { b"\tf" });
        out.extend_from_slice(if details { b"\tt\t" } else { b"\tf\t" });
        match number {
            Some(person) => push_number(out, u64::from(person)),
            None => out.extend_from_slice(b"\\N"),
        }
        out.push(b'\n');
        Ok(ticket_number)
    }
}

fn timestamp(text: &str) -> Result<Timestamp, String> {
    parse_timestamp(text).map_err(|problem| match problem {
        DateProblem::MonthFirst => format!(
            "{} is not a date: the month comes second (day/month/year, as Quicket writes \
             dates in South Africa); this looks like month/day/year",
            show(text)
        ),
        DateProblem::Unrecognised => format!(
            "{} is not a date and time; write e.g. 2026-03-14 09:15, 14/03/2026 09:15 or \
             14 Mar 2026 09:15",
            show(text)
        ),
    })
}

/// A value from the file as shown in a message: quoted, control characters
/// escaped (a hostile value cannot drive the terminal), long ones cut.
pub fn show(value: &str) -> String {
    let mut shown: String = value.chars().take(60).collect();
    if shown.len() < value.len() {
        shown.push('…');
    }
    format!("\"{}\"", shown.escape_debug())
}

pub(super) fn push_number(out: &mut Vec<u8>, n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

pub fn push_signed(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    push_number(out, n.unsigned_abs());
}

/// A text value for COPY: `\N` for none, else escaped.
/// A one-line value (a name, a source, a ticket type): a line break inside
/// quotes is stored as a space (the decoder already replaced every other
/// control character but tab).
fn push_text(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        None => out.extend_from_slice(b"\\N"),
        Some(v) if !needs_escaping(v.as_bytes()) => out.extend_from_slice(v.as_bytes()),
        Some(v) if v.contains(['\n', '\r']) => {
            push_escaped(out, v.replace(['\n', '\r'], " ").as_bytes());
        }
        Some(v) => push_escaped(out, v.as_bytes()),
    }
}

/// Whether COPY text must escape something in `bytes`. Looks at every byte
/// without stopping early, so that it runs a block at a time: nearly every
/// value has nothing to escape.
fn needs_escaping(bytes: &[u8]) -> bool {
    bytes.iter().fold(false, |any, &b| {
        any | matches!(b, b'\\' | b'\t' | b'\n' | b'\r')
    })
}

/// COPY text format escaping: backslash, tab, newline and carriage return.
pub fn push_escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    if !needs_escaping(bytes) {
        out.extend_from_slice(bytes);
        return;
    }
    for &b in bytes {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quicket::test_support::headers;

    fn encode(list: &[&str], row: &[&str]) -> Result<String, RowError> {
        let mut enc = RowEncoder::new(Layout::new(&headers(list), None).unwrap(), 0);
        let fields: Vec<Cow<str>> = row.iter().map(|s| Cow::Borrowed(*s)).collect();
        let mut out = b"previous\n".to_vec();
        let result = enc
            .encode(7, &fields, (-42, false), &mut out)
            .map(str::to_string);
        let text = String::from_utf8(out).unwrap();
        match result {
            Ok(_) => Ok(text.strip_prefix("previous\n").unwrap().to_string()),
            Err(e) => {
                assert_eq!(text, "previous\n", "a bad row writes nothing");
                Err(e)
            }
        }
    }

    const NEW: &[&str] = &[
        "Ticket Number",
        "Purchase Date",
        "Email",
        "Ticket Holder",
        "Price",
        "Ticket Status",
        "Checked in",
        "Marketing Source",
        "Dietary",
        "Company",
    ];

    #[test]
    fn each_line_carries_its_persons_number_and_an_invalid_row_takes_none() {
        let mut enc = RowEncoder::new(Layout::new(&headers(NEW), None).unwrap(), 0);
        let mut person_of = |ticket: &str, email: &str, date: &str| {
            let row = [
                ticket, date, email, "A B", "R 1", "Active", "No", "", "", "",
            ];
            let fields: Vec<Cow<str>> = row.iter().map(|s| Cow::Borrowed(*s)).collect();
            let mut out = Vec::new();
            enc.encode(2, &fields, (0, false), &mut out)
                .map(|_| {
                    let text = String::from_utf8(out).unwrap();
                    text.trim_end().rsplit('\t').next().unwrap().to_string()
                })
                .map_err(|e| e.message)
        };
        assert_eq!(
            person_of("T-1", "ann@example.org", "14/03/2026").unwrap(),
            "1"
        );
        assert!(person_of("T-2", "bob@example.org", "not a date").is_err());
        assert_eq!(
            person_of("T-3", "bob@example.org", "14/03/2026").unwrap(),
            "2"
        );
        assert_eq!(
            person_of("T-4", "ANN@example.org", "14/03/2026").unwrap(),
            "1"
        );
        assert_eq!(
            person_of("T-5", "zoë@example.org", "14/03/2026").unwrap(),
            "\\N"
        );
        assert!(!enc.every_line_numbered());
    }

    #[test]
    fn once_finished_the_encoder_hands_over_the_people_and_frees_its_tables() {
        let mut enc = RowEncoder::new(Layout::new(&headers(NEW), None).unwrap(), 0);
        for (ticket, email, name) in [("T-1", "ann@x.org", "Ann"), ("T-2", "ANN@x.org", "")] {
            let row = [
                ticket,
                "14/03/2026",
                email,
                name,
                "R 1",
                "Active",
                "No",
                "",
                "",
                "",
            ];
            let fields: Vec<Cow<str>> = row.iter().map(|s| Cow::Borrowed(*s)).collect();
            enc.encode(2, &fields, (0, false), &mut Vec::new()).unwrap();
        }
        assert!(enc.every_line_numbered());
        let people = enc.finish().expect("every line numbered");
        let text: Vec<u8> = people.copy_text(1 << 10).flatten().collect();
        assert_eq!(
            String::from_utf8(text).unwrap(),
            "1\tANN@x.org\tAnn\t\\N\t\\N\t\\N\t\\N\n"
        );
        assert!(!enc.every_line_numbered(), "no more numbers");
        assert!(enc.finish().is_none());
    }

    #[test]
    fn a_row_becomes_one_copy_line() {
        let line = encode(
            NEW,
            &[
                " T-1 ",
                "14/03/2026 09:15",
                "Bob@Example.com",
                "Bob van Wyk",
                "R 1,250.00",
                "Active",
                "No",
                "CFP_2026 ",
                "tab\there \"quoted\" back\\slash",
                "'=Acme",
            ],
        )
        .unwrap();
        let cols: Vec<&str> = line.trim_end_matches('\n').split('\t').collect();
        assert_eq!(cols.len(), STAGING_COLUMNS.len());
        assert_eq!(
            cols[19..],
            ["-42", "f", "t", "1"],
            "the fingerprint, known, whether the person's details count, and the person's number"
        );
        assert_eq!(
            cols[..19],
            [
                "7",
                "T-1",
                "\\N",
                "\\N",
                "\\N",
                "1250.00",
                "2026-03-14 09:15:00",
                "valid",
                "f",
                "\\N",
                "\\N",
                "CFP_2026",
                "{\"Dietary\":\"tab\\\\there \\\\\"quoted\\\\\" back\\\\\\\\slash\"}",
                "Bob@Example.com",
                "Bob",
                "van Wyk",
                "\\N",
                "=Acme",
                "\\N",
            ]
        );
    }

    #[test]
    fn a_fingerprint_changes_with_the_line_and_with_how_it_is_read() {
        let layout = |list: &[&str]| Layout::new(&headers(list), None).unwrap();
        let cells = |row: &[&str]| csv::ByteRecord::from(row.to_vec());
        let base = Fingerprint::new(&layout(NEW), "utf-8", "Africa/Johannesburg");
        let row = [
            "T-1",
            "2026-03-14",
            "a@b.io",
            "Ann",
            "",
            "",
            "",
            "cfp-2026",
            "",
            "",
        ];
        let same = base.of(&cells(&row));
        assert_eq!(
            same,
            base.clone().of(&cells(&row)),
            "stable for the same line"
        );
        let mut checked_in = row;
        checked_in[6] = "Yes";
        assert_ne!(same, base.of(&cells(&checked_in)), "any field changes it");
        // Field boundaries count: ("ab", "c") is not ("a", "bc").
        assert_ne!(base.of(&cells(&["ab", "c"])), base.of(&cells(&["a", "bc"])));
        assert_ne!(
            base.of(&cells(&row[..9])),
            same,
            "a missing trailing field counts"
        );
        // So does everything that decides how the line is read.
        let other_zone = Fingerprint::new(&layout(NEW), "utf-8", "UTC");
        let other_encoding = Fingerprint::new(&layout(NEW), "windows-1252", "Africa/Johannesburg");
        let mut renamed = NEW.to_vec();
        renamed[7] = "Tracking Code";
        let other_headers = Fingerprint::new(&layout(&renamed), "utf-8", "Africa/Johannesburg");
        let other_source = Fingerprint::new(
            &Layout::new(&headers(NEW), Some("Dietary")).unwrap(),
            "utf-8",
            "Africa/Johannesburg",
        );
        for other in [other_zone, other_encoding, other_headers, other_source] {
            assert_ne!(other.of(&cells(&row)), same);
        }
    }

    #[test]
    fn each_invalid_value_names_its_column() {
        let ok = ["T-1", "2026-03-14", "a@b.io", "", "", "", "", "", "", ""];
        let with = |i: usize, v: &'static str| {
            let mut row = ok;
            row[i] = v;
            encode(NEW, &row).unwrap_err()
        };
        let e = with(2, "bob@");
        assert_eq!(e.column.as_deref(), Some("Email"));
        assert_eq!(e.message, "\"bob@\" is not an email address");
        assert_eq!(
            with(2, "").message,
            "is empty; every ticket needs the ticket holder's email address"
        );
        assert_eq!(
            with(0, " ").message,
            "is empty; every ticket needs its ticket number"
        );
        let e = with(1, "32/01/2026");
        assert_eq!(e.column.as_deref(), Some("Purchase Date"));
        assert!(
            e.message.starts_with("\"32/01/2026\" is not a date"),
            "{e:?}"
        );
        assert!(with(1, "03/14/2026").message.contains("month/day/year"));
        assert!(with(4, "abc").message.contains("is not a price"));
        assert!(with(4, "-5").message.contains("negative"));
        assert!(
            with(5, "pending")
                .message
                .contains("valid, cancelled, refunded")
        );
        assert_eq!(with(6, "maybe").message, "\"maybe\" is not yes or no");
        assert!(with(9, "nul\0byte").message.contains("NUL"));
        let long = "x".repeat(201);
        let e = encode(
            NEW,
            &["T-1", "2026-03-14", "a@b.io", "", "", "", "", "", "", &long],
        )
        .unwrap_err();
        assert_eq!(e.message, "is 201 characters long; at most 200 fit");
        let mut wide = ok.to_vec();
        wide.push("stray");
        let e = encode(NEW, &wide).unwrap_err();
        assert_eq!(e.column, None);
        assert!(
            e.message
                .contains("has 11 fields but the header row has 10")
        );
        // Missing trailing fields read as empty; trailing empty ones are fine.
        assert!(encode(NEW, &ok[..3]).is_ok());
        let mut trailing = ok.to_vec();
        trailing.push(" ");
        assert!(encode(NEW, &trailing).is_ok());
    }

    #[test]
    fn hostile_values_are_shown_escaped() {
        assert_eq!(show("a\u{1b}[31mred"), "\"a\\u{1b}[31mred\"");
        assert_eq!(show(&"x".repeat(100)).chars().count(), 63);
    }

    #[test]
    fn a_check_in_date_means_checked_in() {
        let h = &["Ticket Number", "Purchase Date", "Email", "Checked in date"];
        let line = encode(h, &["1", "2026-03-14", "a@b.io", "17 Sep 2026 08:01"]).unwrap();
        let cols: Vec<&str> = line.trim_end().split('\t').collect();
        assert_eq!(cols[8], "t");
        assert_eq!(cols[9], "2026-09-17 08:01:00");
    }

    mod properties {
        //! Arbitrary input never panics: every reader answers Ok or an error
        //! that says where (a column, or the file's line); round trips hold.
        use super::*;
        use crate::quicket::test_support::{field, headers};
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            #[test]
            fn any_row_is_encoded_or_refused_with_its_column(
                row in prop::collection::vec(field(), 0..12),
            ) {
                let layout = Layout::new(&headers(NEW), None).unwrap();
                let mut enc = RowEncoder::new(layout.clone(), 0);
                let fields: Vec<Cow<str>> = row.iter().map(|s| Cow::Borrowed(s.as_str())).collect();
                let mut out = b"before\n".to_vec();
                match enc.encode(3, &fields, (1, true), &mut out) {
                    Ok(_) => {
                        // One COPY line, every column present, no raw break.
                        let text = std::str::from_utf8(&out[7..]).unwrap();
                        prop_assert!(text.ends_with('\n'));
                        prop_assert_eq!(text.matches('\n').count(), 1);
                        prop_assert_eq!(text.split('\t').count(), STAGING_COLUMNS.len());
                    }
                    Err(e) => {
                        prop_assert!(!e.message.is_empty());
                        prop_assert_eq!(&out, b"before\n", "nothing written for a refused row");
                        if let Some(column) = &e.column {
                            prop_assert!(layout.headers().contains(column), "{column}");
                        } else {
                            prop_assert!(e.message.contains("fields"), "{}", e.message);
                        }
                    }
                }
            }
        }

        proptest! {
            // Each case writes a file: fewer of them.
            #![proptest_config(ProptestConfig::with_cases(48))]

            /// Arbitrary bytes as an export: refused with a reason (and a
            /// line where one applies) or read row by row to the end.
            #[test]
            fn any_bytes_are_read_or_refused_by_line(
                body in prop::collection::vec(
                    prop_oneof![any::<u8>(), Just(b','), Just(b'"'), Just(b'\n'), Just(b'a')],
                    0..600,
                ),
            ) {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("any.csv");
                let mut bytes = b"Ticket Number,Purchase Date,Email\n".to_vec();
                bytes.extend_from_slice(&body);
                std::fs::write(&path, &bytes).unwrap();
                let mut input = match crate::input::open_csv(&path) {
                    Ok(input) => input,
                    Err(e) => {
                        prop_assert!(!e.message.is_empty());
                        return Ok(());
                    }
                };
                let Ok(layout) = Layout::new(&input.headers, None) else {
                    return Ok(());
                };
                let mut enc = RowEncoder::new(layout, 0);
                let mut record = csv::ByteRecord::new();
                let mut out = Vec::new();
                loop {
                    match input.reader.read_byte_record(&mut record) {
                        Ok(false) => break,
                        Ok(true) => {
                            let line = record.position().map_or(0, |p| p.line());
                            prop_assert!(line >= 2);
                            if let Ok(fields) = input.decoder.record(&record) {
                                let _ = enc.encode(line, &fields, (0, false), &mut out);
                            }
                        }
                        Err(e) => {
                            let error = crate::input::csv_error(&input.name, &e);
                            prop_assert!(error.line.is_some());
                            break;
                        }
                    }
                }
            }
        }
    }
}
