//! The rules of a Quicket attendee export, as pure functions: which header
//! means what (documented aliases), how each value is read and checked
//! (emails, the date formats, prices with `R` and thousands separators,
//! ticket status, check-in), and how a valid row becomes one line of
//! PostgreSQL COPY text for the import's staging table.
//!
//! Nothing here touches the database; `commands::import` streams rows
//! through [`RowEncoder`] and leaves joins and upserts to SQL.

use std::borrow::Cow;
use std::fmt;

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};

use crate::input::{ColumnMap, normalise_header};
use crate::vocabulary::TicketStatus;

mod people;
pub use people::{RepeatedDetails, email_key};

/// A column of the export that has a column of its own in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    TicketNumber,
    Barcode,
    OrderNumber,
    TicketType,
    Price,
    PurchasedAt,
    Status,
    CheckedIn,
    CheckedInAt,
    DiscountCode,
    Email,
    FullName,
    FirstName,
    LastName,
    Phone,
    Organisation,
    JobTitle,
    /// The `error` column attrib adds to `FILE.rejected.csv`: dropped when
    /// a fixed rejected file is imported, so that it does not land in `extra`.
    RejectedError,
}

/// How many variants [`Field`] has.
const FIELDS: usize = Field::RejectedError as usize + 1;

/// Header aliases, in normalised form (see [`normalise_header`]: lower case,
/// letters and digits only). "Ticket Number", "ticket_number" and
/// "TICKET-NUMBER" all read as `ticketnumber`. Documented in docs/import.md.
pub const ALIASES: &[(Field, &[&str])] = &[
    (
        Field::TicketNumber,
        &[
            "ticketnumber",
            "ticketno",
            "ticketnr",
            "ticketnum",
            "ticketid",
            "ticketreference",
            "ticketref",
            "ticketcode",
            "ticket",
        ],
    ),
    (
        Field::Barcode,
        &[
            "ticketbarcode",
            "barcode",
            "barcodenumber",
            "ticketbarcodenumber",
            "qrcode",
        ],
    ),
    (
        Field::OrderNumber,
        &[
            "ordernumber",
            "orderno",
            "ordernr",
            "orderid",
            "orderreference",
            "orderref",
            "order",
            "bookingreference",
            "bookingref",
            "bookingnumber",
        ],
    ),
    (
        Field::TicketType,
        &[
            "tickettype",
            "tickettypename",
            "ticketname",
            "ticketcategory",
            "tickettier",
            "type",
            "category",
        ],
    ),
    (
        Field::Price,
        &[
            "price",
            "ticketprice",
            "pricepaid",
            "amount",
            "amountpaid",
            "ticketamount",
            "cost",
            "ticketcost",
            "priceincvat",
            "pricezar",
        ],
    ),
    (
        Field::PurchasedAt,
        &[
            "purchasedate",
            "purchasedat",
            "purchasedon",
            "purchasedatetime",
            "purchasetime",
            "datepurchased",
            "dateofpurchase",
            "orderdate",
            "bookingdate",
            "registrationdate",
            "registeredon",
            "datecreated",
            "createdat",
            "created",
            "date",
        ],
    ),
    (
        Field::Status,
        &["ticketstatus", "status", "orderstatus", "paymentstatus"],
    ),
    (
        Field::CheckedIn,
        &[
            "checkedin",
            "checkin",
            "checkedinstatus",
            "checkinstatus",
            "attended",
            "scanned",
        ],
    ),
    (
        Field::CheckedInAt,
        &[
            "checkedindate",
            "checkedintime",
            "checkedindatetime",
            "checkedinat",
            "checkedinon",
            "checkindate",
            "checkintime",
            "checkindatetime",
            "scannedat",
            "scandate",
        ],
    ),
    (
        Field::DiscountCode,
        &[
            "discountcode",
            "discount",
            "promocode",
            "promotioncode",
            "couponcode",
            "coupon",
            "vouchercode",
            "voucher",
        ],
    ),
    (
        Field::Email,
        &[
            "email",
            "emailaddress",
            "ticketholderemail",
            "ticketholderemailaddress",
            "holderemail",
            "attendeeemail",
            "attendeeemailaddress",
        ],
    ),
    (
        Field::FullName,
        &[
            "ticketholder",
            "ticketholdername",
            "holdername",
            "attendee",
            "attendeename",
            "fullname",
            "name",
        ],
    ),
    (
        Field::FirstName,
        &[
            "firstname",
            "firstnames",
            "givenname",
            "forename",
            "ticketholderfirstname",
            "attendeefirstname",
        ],
    ),
    (
        Field::LastName,
        &[
            "surname",
            "lastname",
            "familyname",
            "ticketholdersurname",
            "ticketholderlastname",
            "attendeesurname",
            "attendeelastname",
        ],
    ),
    (
        Field::Phone,
        &[
            "cellphone",
            "cellphonenumber",
            "cell",
            "cellnumber",
            "cellno",
            "mobile",
            "mobilenumber",
            "phone",
            "phonenumber",
            "telephone",
            "telephonenumber",
            "contactnumber",
            "tel",
        ],
    ),
    (
        Field::Organisation,
        &[
            "company",
            "companyname",
            "organisation",
            "organization",
            "organisationname",
            "organizationname",
            "employer",
        ],
    ),
    (
        Field::JobTitle,
        &["jobtitle", "position", "role", "jobrole", "designation"],
    ),
    (Field::RejectedError, &["error"]),
];

/// Where the marketing source comes from when `--source-column` is not
/// given: the first of these headers (normalised) that the file has.
pub const SOURCE_ALIASES: &[&str] = &[
    "marketingsource",
    "trackingcode",
    "trackinglink",
    "source",
    "utmcampaign",
    "campaign",
    "referralsource",
    "referral",
    "referrer",
    "affiliate",
    "affiliatecode",
    "promoter",
    "howdidyouhearaboutus",
    "howdidyouhearaboutthisevent",
];

impl Field {
    /// How a missing field is described: what it is and its usual headers.
    fn wanted(self) -> &'static str {
        match self {
            Field::TicketNumber => {
                "a ticket identifier (\"Ticket Number\", \"Ticket ID\" or \"Ticket Barcode\")"
            }
            Field::Email => "the ticket holder's email (\"Email\" or \"Email Address\")",
            Field::PurchasedAt => "a purchase date (\"Purchase Date\" or \"Order Date\")",
            _ => "",
        }
    }
}

/// The longest value each database column takes (VARCHAR(n), in characters).
fn max_chars(field: Field) -> Option<usize> {
    Some(match field {
        Field::TicketNumber | Field::Barcode | Field::OrderNumber | Field::DiscountCode => 100,
        Field::TicketType | Field::Organisation | Field::JobTitle => 200,
        Field::Email => 320,
        Field::FirstName | Field::LastName => 100,
        Field::Phone => 50,
        _ => return None,
    })
}

/// Which column of a file holds what: the result of matching its headers.
#[derive(Debug, Clone)]
pub struct Layout {
    headers: Vec<String>,
    fields: Vec<(Field, usize)>,
    /// `fields` by `Field as usize`, for the per-row lookups.
    by_field: [Option<usize>; FIELDS],
    /// The column the ticket number is read from (a barcode column when the
    /// export has no ticket number).
    ticket_number: usize,
    source: Option<usize>,
    /// Columns kept in `tickets.extra`, with their JSON-encoded keys.
    extra: Vec<(usize, String)>,
    extra_keys: Vec<String>,
}

impl Layout {
    /// Matches a header row. `source_column` is `--source-column`. The error
    /// lists what was expected and what was found.
    pub fn new(headers: &[String], source_column: Option<&str>) -> Result<Layout, String> {
        let map = ColumnMap::match_headers(headers, ALIASES);
        let mut fields = map.fields;
        let mut extra = map.extra;
        let has = |fields: &[(Field, usize)], f: Field| fields.iter().any(|(g, _)| *g == f);

        // First and last name columns make a full-name column redundant;
        // keep it as an extra column rather than lose it.
        if has(&fields, Field::FirstName) || has(&fields, Field::LastName) {
            move_to_extra(&mut fields, &mut extra, headers, Field::FullName);
        }

        let source = match source_column {
            Some(wanted) => {
                let norm = normalise_header(wanted);
                let found = headers
                    .iter()
                    .position(|h| !norm.is_empty() && normalise_header(h) == norm);
                match found {
                    Some(i) => Some(i),
                    None => {
                        return Err(format!(
                            "has no column '{wanted}' (--source-column). Its columns are: {}",
                            quote_list(headers)
                        ));
                    }
                }
            }
            None => SOURCE_ALIASES.iter().find_map(|alias| {
                extra
                    .iter()
                    .find(|(i, _)| normalise_header(&headers[*i]) == *alias)
                    .map(|(i, _)| *i)
            }),
        };
        if let Some(s) = source {
            extra.retain(|(i, _)| *i != s);
        }

        let ticket_number = fields
            .iter()
            .find(|(f, _)| *f == Field::TicketNumber)
            .or_else(|| fields.iter().find(|(f, _)| *f == Field::Barcode))
            .map(|(_, i)| *i);
        let mut missing = Vec::new();
        if ticket_number.is_none() {
            missing.push(Field::TicketNumber.wanted());
        }
        for f in [Field::Email, Field::PurchasedAt] {
            if !has(&fields, f) {
                missing.push(f.wanted());
            }
        }
        if !missing.is_empty() {
            return Err(format!(
                "is missing required columns: {}. Its columns are: {}. \
                 Rename the columns, or export the attendee list from Quicket again",
                missing.join("; "),
                quote_list(headers)
            ));
        }
        let extra_keys = extra
            .iter()
            .map(|(_, key)| serde_json::to_string(key).expect("a string serialises"))
            .collect();
        let mut by_field = [None; FIELDS];
        for (f, i) in &fields {
            by_field[*f as usize] = Some(*i);
        }
        Ok(Layout {
            headers: headers.to_vec(),
            fields,
            by_field,
            ticket_number: ticket_number.expect("checked above"),
            source,
            extra,
            extra_keys,
        })
    }

    pub fn index(&self, field: Field) -> Option<usize> {
        self.by_field[field as usize]
    }

    /// The column the ticket number is read from.
    pub fn ticket_number_column(&self) -> usize {
        self.ticket_number
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The header of the marketing-source column, if there is one.
    pub fn source_header(&self) -> Option<&str> {
        self.source.map(|i| self.headers[i].as_str())
    }

    /// The headers kept in `tickets.extra`.
    pub fn extra_headers(&self) -> impl Iterator<Item = &str> {
        self.extra.iter().map(|(_, h)| h.as_str())
    }

    /// "Ticket Number → ticket number, ..." for `-v`.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self
            .fields
            .iter()
            .map(|(f, i)| format!("'{}' → {f:?}", self.headers[*i]))
            .collect();
        if let Some(s) = self.source {
            parts.push(format!("'{}' → marketing source", self.headers[s]));
        }
        if !self.extra.is_empty() {
            parts.push(format!(
                "kept in extra: {}",
                quote_list(self.extra.iter().map(|(_, h)| h))
            ));
        }
        parts.join(", ")
    }
}

fn move_to_extra(
    fields: &mut Vec<(Field, usize)>,
    extra: &mut Vec<(usize, String)>,
    headers: &[String],
    field: Field,
) {
    if let Some(pos) = fields.iter().position(|(f, _)| *f == field) {
        let (_, index) = fields.remove(pos);
        extra.push((index, headers[index].clone()));
        extra.sort_by_key(|(i, _)| *i);
    }
}

fn quote_list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    items
        .into_iter()
        .map(|s| format!("\"{}\"", s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
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

// ---------------------------------------------------------------------------
// Values

/// Why a purchase or check-in time could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateProblem {
    Unrecognised,
    /// `03/14/2026`: month and day the American way round.
    MonthFirst,
}

/// A date and time as written in the export. Without an offset it is read
/// in the session time zone (`--timezone`) by PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp {
    pub date: NaiveDate,
    pub time: NaiveTime,
    /// Seconds east of UTC, when the value carried an offset (`Z`, `+02:00`).
    pub offset: Option<i32>,
}

impl Timestamp {
    /// `2026-03-14 09:15:00`, or with the offset: `2026-03-14 09:15:00+02:00`.
    pub fn write(&self, out: &mut Vec<u8>) {
        let (d, t) = (self.date, self.time);
        let year = d.year().clamp(0, 9999) as u32;
        push_digits(out, year, 4);
        out.push(b'-');
        push_digits(out, d.month(), 2);
        out.push(b'-');
        push_digits(out, d.day(), 2);
        out.push(b' ');
        push_digits(out, t.hour(), 2);
        out.push(b':');
        push_digits(out, t.minute(), 2);
        out.push(b':');
        push_digits(out, t.second(), 2);
        let micros = t.nanosecond() / 1000;
        if micros > 0 {
            out.push(b'.');
            push_digits(out, micros, 6);
        }
        if let Some(offset) = self.offset {
            out.push(if offset < 0 { b'-' } else { b'+' });
            let abs = offset.unsigned_abs();
            push_digits(out, abs / 3600, 2);
            out.push(b':');
            push_digits(out, abs % 3600 / 60, 2);
        }
    }
}

/// `n` in exactly `width` digits, zero-padded.
fn push_digits(out: &mut Vec<u8>, n: u32, width: usize) {
    let start = out.len();
    out.resize(start + width, b'0');
    let mut n = n;
    for slot in out[start..].iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = Vec::new();
        self.write(&mut out);
        f.write_str(&String::from_utf8_lossy(&out))
    }
}

/// Reads the date formats real exports show: ISO 8601 (`2026-03-14T09:15:00`,
/// with `Z` or `+02:00`), `2026-03-14 09:15`, `2026/03/14 09:15:30`,
/// `14/03/2026 09:15` (day first, as in South Africa), `14-03-2026`,
/// `14 Mar 2026 09:15`, `14-Mar-26`, `14 March 2026 9:15 AM`,
/// `Sat, 14 Mar 2026 09:15`, `Mar 14, 2026 09:15`. A date alone is midnight.
pub fn parse_timestamp(text: &str) -> Result<Timestamp, DateProblem> {
    let mut c = Cursor::new(text.trim());
    let date = parse_date(&mut c)?;
    let mut time = NaiveTime::MIN;
    let mut offset = None;
    if !c.eat(b'T') && !c.eat(b't') {
        c.skip_spaces();
        if c.eat(b',') {
            c.skip_spaces();
        }
    }
    if c.peek().is_some_and(|b| b.is_ascii_digit()) {
        time = parse_time(&mut c)?;
    }
    c.skip_spaces();
    if !c.at_end() {
        offset = Some(parse_offset(&mut c)?);
        c.skip_spaces();
    }
    if !c.at_end() {
        return Err(DateProblem::Unrecognised);
    }
    Ok(Timestamp { date, time, offset })
}

struct Cursor<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(s: &'a str) -> Cursor<'a> {
        Cursor {
            s: s.as_bytes(),
            pos: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.s.len()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn skip_spaces(&mut self) -> usize {
        let start = self.pos;
        while self.peek() == Some(b' ') {
            self.pos += 1;
        }
        self.pos - start
    }

    /// A run of ASCII digits: its value and length.
    fn number(&mut self) -> Option<(u32, usize)> {
        let start = self.pos;
        let mut value: u32 = 0;
        while let Some(b) = self.peek().filter(u8::is_ascii_digit) {
            if self.pos - start >= 9 {
                return None;
            }
            value = value * 10 + u32::from(b - b'0');
            self.pos += 1;
        }
        (self.pos > start).then_some((value, self.pos - start))
    }

    /// A run of ASCII letters, lower-cased.
    fn word(&mut self) -> Option<String> {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
            self.pos += 1;
        }
        (self.pos > start)
            .then(|| String::from_utf8_lossy(&self.s[start..self.pos]).to_ascii_lowercase())
    }
}

fn month_number(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if word.len() < 3 {
        return None;
    }
    if word == "sept" {
        return Some(9);
    }
    MONTHS
        .iter()
        .position(|m| *m == word || (word.len() == 3 && m.starts_with(word)))
        .map(|i| i as u32 + 1)
}

fn is_weekday(word: &str) -> bool {
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    word.len() >= 3
        && DAYS
            .iter()
            .any(|d| *d == word || (word.len() <= 4 && d.starts_with(word)))
}

fn year(c: &mut Cursor) -> Result<i32, DateProblem> {
    match c.number() {
        Some((y, 4)) if (1900..=2200).contains(&y) => Ok(y as i32),
        Some((y, 2)) => Ok(2000 + y as i32),
        _ => Err(DateProblem::Unrecognised),
    }
}

/// `st`, `nd`, `rd`, `th` after a day number.
fn skip_ordinal(c: &mut Cursor) {
    let save = c.pos;
    match c.word().as_deref() {
        Some("st" | "nd" | "rd" | "th") => {}
        _ => c.pos = save,
    }
}

fn ymd(y: i32, m: u32, d: u32) -> Result<NaiveDate, DateProblem> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or(DateProblem::Unrecognised)
}

fn parse_date(c: &mut Cursor) -> Result<NaiveDate, DateProblem> {
    let bad = DateProblem::Unrecognised;
    if c.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
        let word = c.word().ok_or(bad)?;
        if is_weekday(&word) {
            c.eat(b'.');
            c.eat(b',');
            c.skip_spaces();
            if c.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
                let month = c.word().and_then(|w| month_number(&w)).ok_or(bad)?;
                return month_first(c, month);
            }
            return day_first(c);
        }
        let month = month_number(&word).ok_or(bad)?;
        return month_first(c, month);
    }
    let save = c.pos;
    match c.number() {
        Some((y, 4)) => {
            let sep = c
                .peek()
                .filter(|b| matches!(b, b'-' | b'/' | b'.'))
                .ok_or(bad)?;
            c.pos += 1;
            let (m, _) = c.number().filter(|(_, n)| *n <= 2).ok_or(bad)?;
            if !c.eat(sep) {
                return Err(bad);
            }
            let (d, _) = c.number().filter(|(_, n)| *n <= 2).ok_or(bad)?;
            ymd(y as i32, m, d)
        }
        Some((_, 1 | 2)) => {
            c.pos = save;
            day_first(c)
        }
        _ => Err(bad),
    }
}

/// `14/03/2026`, `14-03-26`, `14.03.2026`, `14 Mar 2026`, `14-Mar-2026`,
/// `14th March 2026`.
fn day_first(c: &mut Cursor) -> Result<NaiveDate, DateProblem> {
    let bad = DateProblem::Unrecognised;
    let (d, _) = c.number().filter(|(_, n)| *n <= 2).ok_or(bad)?;
    skip_ordinal(c);
    let sep = c.peek().ok_or(bad)?;
    if !matches!(sep, b'/' | b'-' | b'.' | b' ') {
        return Err(bad);
    }
    if sep == b' ' {
        c.skip_spaces();
    } else {
        c.pos += 1;
    }
    if c.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
        let month = c.word().and_then(|w| month_number(&w)).ok_or(bad)?;
        c.eat(b'.');
        if sep == b' ' {
            if c.skip_spaces() == 0 {
                return Err(bad);
            }
        } else if !c.eat(sep) {
            return Err(bad);
        }
        let y = year(c)?;
        return ymd(y, month, d);
    }
    if sep == b' ' {
        return Err(bad);
    }
    let (m, _) = c.number().filter(|(_, n)| *n <= 2).ok_or(bad)?;
    if !c.eat(sep) {
        return Err(bad);
    }
    let y = year(c)?;
    if m > 12 && d <= 12 && NaiveDate::from_ymd_opt(y, d, m).is_some() {
        return Err(DateProblem::MonthFirst);
    }
    ymd(y, m, d)
}

/// `Mar 14, 2026`, `March 14 2026` (after the month word).
fn month_first(c: &mut Cursor, month: u32) -> Result<NaiveDate, DateProblem> {
    let bad = DateProblem::Unrecognised;
    c.eat(b'.');
    if c.skip_spaces() == 0 && !c.eat(b'-') {
        return Err(bad);
    }
    let (d, _) = c.number().filter(|(_, n)| *n <= 2).ok_or(bad)?;
    skip_ordinal(c);
    c.eat(b',');
    if c.skip_spaces() == 0 && !c.eat(b'-') {
        return Err(bad);
    }
    let y = year(c)?;
    ymd(y, month, d)
}

/// `9:15`, `09:15:30`, `09:15:30.123`, `9:15 AM`, `12:05pm`.
fn parse_time(c: &mut Cursor) -> Result<NaiveTime, DateProblem> {
    let bad = DateProblem::Unrecognised;
    let (mut h, _) = c.number().filter(|(_, n)| *n <= 2).ok_or(bad)?;
    if !c.eat(b':') && !c.eat(b'h') {
        return Err(bad);
    }
    let (m, _) = c.number().filter(|(_, n)| *n == 2).ok_or(bad)?;
    let mut s = 0;
    let mut nanos = 0;
    if c.eat(b':') {
        s = c.number().filter(|(_, n)| *n == 2).ok_or(bad)?.0;
        if c.eat(b'.') || c.eat(b',') {
            let (frac, digits) = c.number().ok_or(bad)?;
            nanos = frac * 10u32.pow(9 - digits as u32);
        }
    }
    let save = c.pos;
    c.skip_spaces();
    match c.word().as_deref() {
        Some("am") if (1..=12).contains(&h) => h %= 12,
        Some("pm") if (1..=12).contains(&h) => h = h % 12 + 12,
        Some("am" | "pm") => return Err(bad),
        _ => c.pos = save,
    }
    NaiveTime::from_hms_nano_opt(h, m, s, nanos).ok_or(bad)
}

/// `Z`, `+02:00`, `+0200`, `+02`, `-05:30`, `UTC`, `GMT`, `GMT+2`, `SAST`.
fn parse_offset(c: &mut Cursor) -> Result<i32, DateProblem> {
    let bad = DateProblem::Unrecognised;
    if c.eat(b'Z') || c.eat(b'z') {
        return Ok(0);
    }
    let mut base = None;
    if c.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
        base = Some(match c.word().as_deref() {
            Some("utc" | "gmt") => 0,
            Some("sast") => 2 * 3600,
            _ => return Err(bad),
        });
        if !matches!(c.peek(), Some(b'+' | b'-')) {
            return base.ok_or(bad);
        }
    }
    let sign = match c.peek() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return Err(bad),
    };
    c.pos += 1;
    let (value, digits) = c.number().ok_or(bad)?;
    let (h, m) = match digits {
        1 | 2 if c.eat(b':') => (value, c.number().filter(|(_, n)| *n == 2).ok_or(bad)?.0),
        1 | 2 => (value, 0),
        4 => (value / 100, value % 100),
        _ => return Err(bad),
    };
    if h > 14 || m > 59 {
        return Err(bad);
    }
    Ok(base.unwrap_or(0) + sign * (h * 3600 + m * 60) as i32)
}

/// Why a price could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceProblem {
    Unrecognised,
    Negative,
    TooManyDecimals,
    TooLarge,
}

/// A price in cents. Accepts `R 1,250.00`, `R1 250,50`, `ZAR 450`,
/// `1250.5`, `1.250,00`, `Free` (0). Empty or `-`: no price.
pub fn parse_price(text: &str) -> Result<Option<i64>, PriceProblem> {
    let bad = PriceProblem::Unrecognised;
    let t = text.trim();
    if t.is_empty() || t == "-" {
        return Ok(None);
    }
    if ["free", "complimentary", "comp"]
        .iter()
        .any(|w| t.eq_ignore_ascii_case(w))
    {
        return Ok(Some(0));
    }
    // Spaces (also the non-breaking ones spreadsheets use as thousands
    // separators) carry no amount; what is left must be short ASCII.
    let mut buf = [0u8; 48];
    let mut len = 0;
    for c in t.chars() {
        if c.is_whitespace() || c == '\u{202f}' {
            continue;
        }
        if !c.is_ascii() || len == buf.len() {
            return Err(bad);
        }
        buf[len] = c as u8;
        len += 1;
    }
    let mut s = std::str::from_utf8(&buf[..len]).expect("ASCII");
    let mut negative = s.starts_with(['-', '(']);
    s = s.trim_start_matches(['-', '(']);
    for currency in ["ZAR", "zar", "R", "r"] {
        if let Some(rest) = s.strip_prefix(currency) {
            s = rest.trim_start_matches('.');
            break;
        }
    }
    for currency in ["ZAR", "zar"] {
        if let Some(rest) = s.strip_suffix(currency) {
            s = rest;
        }
    }
    negative |= s.starts_with('-') || s.ends_with(')');
    let s = s.trim_end_matches(')').trim_start_matches('-');
    if s.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return Err(bad);
    }
    if negative {
        return Err(PriceProblem::Negative);
    }
    let dots = s.bytes().filter(|b| *b == b'.').count();
    let commas = s.bytes().filter(|b| *b == b',').count();
    // Which character separates the decimals, if any.
    let decimal = match (dots, commas) {
        (0, 0) => None,
        (_, 0) if dots > 1 => None, // 1.250.000
        (1, 0) => Some(b'.'),
        (0, 1) => {
            let after = s.len() - s.find(',').expect("one comma") - 1;
            if after == 3 { None } else { Some(b',') }
        }
        (0, _) => None, // 1,250,000
        _ => Some(s.as_bytes()[s.rfind(['.', ',']).expect("separators present")]),
    };
    let (whole, fraction) = match decimal {
        Some(d) => {
            let at = s.rfind(char::from(d)).expect("decimal present");
            (&s[..at], &s[at + 1..])
        }
        None => (s, ""),
    };
    if whole.contains(['.', ',']) {
        // Groups of three after the first: 1,250,000 yes; 12,50,00 no.
        let mut groups = whole.split(['.', ',']);
        let first = groups.next().unwrap_or_default();
        let ok = !first.is_empty() && first.len() <= 3 && groups.all(|g| g.len() == 3);
        if !ok {
            return Err(bad);
        }
    }
    if !whole.bytes().any(|b| b.is_ascii_digit()) && fraction.is_empty() {
        return Err(bad);
    }
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > 2 {
        return Err(PriceProblem::TooManyDecimals);
    }
    let mut rands: i64 = 0;
    let mut digits = 0;
    for b in whole.bytes().filter(u8::is_ascii_digit) {
        if rands > 0 || b != b'0' {
            digits += 1;
        }
        if digits > 10 {
            return Err(PriceProblem::TooLarge);
        }
        rands = rands * 10 + i64::from(b - b'0');
    }
    let cents: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().map_err(|_| bad)? * 10,
        _ => fraction.parse().map_err(|_| bad)?,
    };
    Ok(Some(rands * 100 + cents))
}

/// [`normalise_header`] without allocating for the short ASCII words that
/// fill status and check-in columns.
fn normalise_word<'b>(text: &str, buf: &'b mut [u8; 32]) -> Cow<'b, str> {
    if text.len() > buf.len() || !text.is_ascii() {
        return Cow::Owned(normalise_header(text));
    }
    let mut len = 0;
    for b in text.bytes().filter(u8::is_ascii_alphanumeric) {
        buf[len] = b.to_ascii_lowercase();
        len += 1;
    }
    Cow::Borrowed(std::str::from_utf8(&buf[..len]).expect("ASCII"))
}

/// A value that is none of the words a column allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotRecognised;

/// A ticket status as Quicket and spreadsheets write it. Empty: the file
/// does not say (a new ticket is valid; a known one keeps its status).
pub fn parse_status(text: &str) -> Result<Option<TicketStatus>, NotRecognised> {
    let mut buf = [0u8; 32];
    let word = normalise_word(text, &mut buf);
    Ok(Some(match &*word {
        "" => return Ok(None),
        "valid" | "active" | "paid" | "complete" | "completed" | "confirmed" | "issued"
        | "approved" | "success" | "successful" | "ok" | "partiallyrefunded" | "checkedin" => {
            TicketStatus::Valid
        }
        "cancelled" | "canceled" | "cancel" | "void" | "voided" | "invalid" => {
            TicketStatus::Cancelled
        }
        "refunded" | "refund" | "fullyrefunded" => TicketStatus::Refunded,
        _ => return Err(NotRecognised),
    }))
}

/// A check-in flag: yes/no, true/false, 1/0, Y/N, "Checked in". Empty: no.
pub fn parse_checked_in(text: &str) -> Result<bool, NotRecognised> {
    let mut buf = [0u8; 32];
    match &*normalise_word(text, &mut buf) {
        "yes" | "y" | "true" | "t" | "1" | "checkedin" | "x" | "scanned" | "attended" => Ok(true),
        "" | "no" | "n" | "false" | "f" | "0" | "notcheckedin" | "notscanned" => Ok(false),
        _ => Err(NotRecognised),
    }
}

/// The order in which a ticket's status may move. A later export can move a
/// ticket forward (valid → cancelled → refunded), never back: an older
/// export imported after a newer one cannot revive a refunded ticket. The
/// import binds this order to its SQL.
pub const STATUS_PROGRESSION: [TicketStatus; 3] = [
    TicketStatus::Valid,
    TicketStatus::Cancelled,
    TicketStatus::Refunded,
];

/// The status a ticket ends with when the database says `current` and the
/// file says `incoming` (None: the file does not say).
pub fn next_status(current: TicketStatus, incoming: Option<TicketStatus>) -> TicketStatus {
    let rank = |s: TicketStatus| STATUS_PROGRESSION.iter().position(|p| *p == s);
    match incoming {
        Some(new) if rank(new) > rank(current) => new,
        _ => current,
    }
}

/// Is this an email address? Pragmatic: one `@`, a plausible local part and
/// a domain with a dot, no spaces. Not RFC 5322's every corner (quoted local
/// parts), which ticket buyers do not use.
pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = domain.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(char::is_alphabetic));
    local_ok && domain_ok
}

/// An old export's single "Ticket Holder" name split into first name and
/// surname: the first word, then the rest ("Pieter van der Merwe" →
/// "Pieter", "van der Merwe").
pub fn split_full_name(name: &str) -> (Option<&str>, Option<&str>) {
    let name = name.trim();
    match name.split_once(char::is_whitespace) {
        Some((first, rest)) => (Some(first), Some(rest.trim()).filter(|r| !r.is_empty())),
        None if name.is_empty() => (None, None),
        None => (Some(name), None),
    }
}

/// A field as read: trimmed, and with the apostrophe removed that attrib
/// (and Excel users) put before a value that a spreadsheet would take for a
/// formula (`'+27 82 555 0101`), so that a fixed rejected file imports clean.
pub fn clean(field: &str) -> &str {
    let t = field.trim();
    match t.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => t,
    }
}

// ---------------------------------------------------------------------------
// Rows → COPY text

/// The staging table's columns, in the order [`RowEncoder`] writes them
/// (queries/import_quicket_staging.sql creates it).
pub const STAGING_COLUMNS: [&str; 22] = [
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
}

impl RowEncoder {
    /// An encoder for a file of `bytes` (0 when unknown).
    pub fn new(layout: Layout, bytes: u64) -> RowEncoder {
        RowEncoder {
            layout,
            json: Vec::with_capacity(256),
            people: RepeatedDetails::for_file_of(bytes),
        }
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Appends the row at `line` (with its [`Fingerprint`], whether its
    /// ticket is known to have been written from this very line, and whether
    /// its person's details count: see [`RepeatedDetails`]) to `out` as one
    /// COPY text line and returns its ticket number, or leaves `out` as it
    /// was and says what is wrong with the row.
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
        out.push(b'\t');
        push_signed(out, fingerprint);
        out.extend_from_slice(if known { b"\tt" } else { b"\tf" });
        out.extend_from_slice(if details { b"\tt\n" } else { b"\tf\n" });
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

fn push_number(out: &mut Vec<u8>, n: u64) {
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

    fn ts(text: &str) -> String {
        parse_timestamp(text)
            .map(|t| t.to_string())
            .unwrap_or_else(|e| format!("{e:?}"))
    }

    #[test]
    fn dates_in_every_documented_format() {
        let cases = [
            ("2026-03-14T09:15:00", "2026-03-14 09:15:00"),
            ("2026-03-14T09:15:00Z", "2026-03-14 09:15:00+00:00"),
            ("2026-03-14T09:15:00+02:00", "2026-03-14 09:15:00+02:00"),
            (
                "2026-03-14T09:15:00.250-05:30",
                "2026-03-14 09:15:00.250000-05:30",
            ),
            ("2026-03-14 09:15", "2026-03-14 09:15:00"),
            ("2026-03-14 09:15:42", "2026-03-14 09:15:42"),
            ("2026/03/14 09:15:42", "2026-03-14 09:15:42"),
            ("2026-03-14", "2026-03-14 00:00:00"),
            ("14/03/2026 09:15", "2026-03-14 09:15:00"),
            ("14/03/2026 9:15", "2026-03-14 09:15:00"),
            ("4/3/2026 09:15", "2026-03-04 09:15:00"),
            ("14-03-2026 09:15", "2026-03-14 09:15:00"),
            ("14.03.2026 09:15", "2026-03-14 09:15:00"),
            ("14/03/26", "2026-03-14 00:00:00"),
            ("14 Mar 2026 09:15", "2026-03-14 09:15:00"),
            ("14 March 2026 09:15", "2026-03-14 09:15:00"),
            ("14 Sept 2026 09:15", "2026-09-14 09:15:00"),
            ("14-Mar-2026 09:15", "2026-03-14 09:15:00"),
            ("14-Mar-26", "2026-03-14 00:00:00"),
            ("14th March 2026", "2026-03-14 00:00:00"),
            ("14 Mar 2026 9:15 AM", "2026-03-14 09:15:00"),
            ("14 Mar 2026 12:05 am", "2026-03-14 00:05:00"),
            ("14 Mar 2026 1:05PM", "2026-03-14 13:05:00"),
            ("Sat, 14 Mar 2026 09:15", "2026-03-14 09:15:00"),
            ("Saturday 14 March 2026", "2026-03-14 00:00:00"),
            ("Mar 14, 2026 09:15", "2026-03-14 09:15:00"),
            ("March 14 2026", "2026-03-14 00:00:00"),
            ("14 Mar 2026 09:15 SAST", "2026-03-14 09:15:00+02:00"),
            ("2026-03-14 09:15 UTC", "2026-03-14 09:15:00+00:00"),
            ("2026-03-14 09:15 GMT+0200", "2026-03-14 09:15:00+02:00"),
            ("2026-03-14T09:15:00+0200", "2026-03-14 09:15:00+02:00"),
            ("  2026-03-14 09:15  ", "2026-03-14 09:15:00"),
        ];
        for (text, want) in cases {
            assert_eq!(ts(text), want, "{text:?}");
        }
    }

    #[test]
    fn dates_that_are_not() {
        for text in [
            "",
            "yesterday",
            "2026-13-01",
            "2026-02-30",
            "31/02/2026",
            "14/03",
            "14 Foo 2026",
            "2026-03-14 25:00",
            "2026-03-14 09:61",
            "2026-03-14 13:00 PM",
            "2026-03-14 09:15 banana",
            "2026-03-14 09:15 +2500",
            "14 03 2026",
            "14/03-2026",
            "1/1/1",
            "٢٠٢٦-٠٣-١٤",
            "46095.38",
        ] {
            assert_eq!(
                parse_timestamp(text),
                Err(DateProblem::Unrecognised),
                "{text:?}"
            );
        }
        assert_eq!(parse_timestamp("03/14/2026"), Err(DateProblem::MonthFirst));
        assert_eq!(
            parse_timestamp("03/04/2026").unwrap().date,
            NaiveDate::from_ymd_opt(2026, 4, 3).unwrap(),
            "ambiguous dates are day first"
        );
    }

    #[test]
    fn prices() {
        let cases = [
            ("R 1,250.00", Some(125_000)),
            ("R1,250.00", Some(125_000)),
            ("R1 250,50", Some(125_050)),
            ("R\u{a0}2\u{a0}500", Some(250_000)),
            ("ZAR 450", Some(45_000)),
            ("450 ZAR", Some(45_000)),
            ("R. 99.9", Some(9_990)),
            ("1250.5", Some(125_050)),
            ("1.250,00", Some(125_000)),
            ("1,250", Some(125_000)),
            ("1,25", Some(125)),
            ("1,250,000.00", Some(125_000_000)),
            ("1.250.000", Some(125_000_000)),
            ("0", Some(0)),
            ("0.00", Some(0)),
            (".5", Some(50)),
            (".00", Some(0)),
            ("0001", Some(100)),
            ("12.500", Some(1_250)),
            ("Free", Some(0)),
            ("", None),
            ("  ", None),
            ("-", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_price(text), Ok(want), "{text:?}");
        }
        assert_eq!(parse_price("-50"), Err(PriceProblem::Negative));
        assert_eq!(parse_price("R -50.00"), Err(PriceProblem::Negative));
        assert_eq!(parse_price("(R50)"), Err(PriceProblem::Negative));
        assert_eq!(parse_price("12.345"), Err(PriceProblem::TooManyDecimals));
        assert_eq!(parse_price("99999999999"), Err(PriceProblem::TooLarge));
        for bad in [
            "abc",
            "R",
            "12,50,00",
            "1.2.3,4.5",
            "$10",
            "10 USD",
            "1e3",
            ",",
            ".",
            "R ,",
            "€10",
        ] {
            assert_eq!(parse_price(bad), Err(PriceProblem::Unrecognised), "{bad:?}");
        }
    }

    #[test]
    fn statuses_and_check_in() {
        assert_eq!(parse_status("Valid"), Ok(Some(TicketStatus::Valid)));
        assert_eq!(parse_status(" ACTIVE "), Ok(Some(TicketStatus::Valid)));
        assert_eq!(parse_status("Canceled"), Ok(Some(TicketStatus::Cancelled)));
        assert_eq!(parse_status("void"), Ok(Some(TicketStatus::Cancelled)));
        assert_eq!(parse_status("Refunded"), Ok(Some(TicketStatus::Refunded)));
        assert_eq!(
            parse_status("Partially refunded"),
            Ok(Some(TicketStatus::Valid))
        );
        assert_eq!(parse_status(""), Ok(None));
        assert_eq!(parse_status("pending"), Err(NotRecognised));
        for yes in ["Yes", "y", "TRUE", "1", "Checked in", "x"] {
            assert_eq!(parse_checked_in(yes), Ok(true), "{yes:?}");
        }
        for no in ["No", "n", "false", "0", "", "Not checked in"] {
            assert_eq!(parse_checked_in(no), Ok(false), "{no:?}");
        }
        assert_eq!(parse_checked_in("maybe"), Err(NotRecognised));
    }

    #[test]
    fn status_only_moves_forward() {
        use TicketStatus::*;
        assert_eq!(next_status(Valid, Some(Cancelled)), Cancelled);
        assert_eq!(next_status(Valid, Some(Refunded)), Refunded);
        assert_eq!(next_status(Cancelled, Some(Refunded)), Refunded);
        assert_eq!(next_status(Refunded, Some(Valid)), Refunded);
        assert_eq!(next_status(Cancelled, Some(Valid)), Cancelled);
        assert_eq!(next_status(Refunded, None), Refunded);
        assert_eq!(next_status(Valid, Some(Valid)), Valid);
    }

    #[test]
    fn emails() {
        for good in [
            "bob@example.com",
            "Bob.Smith+cfp@mail.example.co.za",
            "o'neil@example.org",
            "zoë@exämple.de",
            "a@b.io",
        ] {
            assert!(is_email(good), "{good:?}");
        }
        for bad in [
            "bob@",
            "@example.com",
            "bob",
            "bob@example",
            "bob@@example.com",
            "bob@example..com",
            "bob smith@example.com",
            "bob@-example.com",
            ".bob@example.com",
            "bob.@example.com",
            "bob@example.c",
            "Bob <bob@example.com>",
            "bob@example.com.",
            "bob@exa_mple.com",
            "mailto:bob@example.com",
        ] {
            assert!(!is_email(bad), "{bad:?}");
        }
    }

    #[test]
    fn full_names_split_at_the_first_space() {
        assert_eq!(
            split_full_name("Pieter van der Merwe"),
            (Some("Pieter"), Some("van der Merwe"))
        );
        assert_eq!(
            split_full_name("  Thandi  Nkosi "),
            (Some("Thandi"), Some("Nkosi"))
        );
        assert_eq!(split_full_name("Madonna"), (Some("Madonna"), None));
        assert_eq!(split_full_name(" "), (None, None));
    }

    #[test]
    fn clean_undoes_formula_neutralising_only() {
        assert_eq!(clean(" '+27 82 555 0101 "), "+27 82 555 0101");
        assert_eq!(clean("'=1+1"), "=1+1");
        assert_eq!(clean("'quoted'"), "'quoted'");
        assert_eq!(clean("O'Neil"), "O'Neil");
    }

    fn headers(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn old_and_new_quicket_headers() {
        let old = headers(&[
            "Ticket Number",
            "Ticket Barcode",
            "Purchase Date",
            "Ticket Type",
            "Ticket Holder",
            "Email",
            "Cellphone",
            "Checked in",
            "Checked in date",
            "Checked in by",
            "Complimentary",
        ]);
        let layout = Layout::new(&old, None).unwrap();
        assert_eq!(layout.index(Field::TicketNumber), Some(0));
        assert_eq!(layout.index(Field::Barcode), Some(1));
        assert_eq!(layout.index(Field::FullName), Some(4));
        assert_eq!(layout.index(Field::Phone), Some(6));
        assert_eq!(layout.index(Field::CheckedInAt), Some(8));
        assert_eq!(
            layout.extra_headers().collect::<Vec<_>>(),
            ["Checked in by", "Complimentary"]
        );
        assert_eq!(layout.source_header(), None);

        let new = headers(&[
            "Order Number",
            "Ticket ID",
            "Purchase date",
            "First name",
            "Surname",
            "E-mail Address",
            "Name",
            "Tracking Code",
            "Source",
            "Dietary requirements",
        ]);
        let layout = Layout::new(&new, None).unwrap();
        assert_eq!(layout.index(Field::TicketNumber), Some(1));
        assert_eq!(layout.index(Field::Email), Some(5));
        assert_eq!(layout.index(Field::FullName), None, "first/surname win");
        assert_eq!(layout.source_header(), Some("Tracking Code"));
        assert_eq!(
            layout.extra_headers().collect::<Vec<_>>(),
            ["Name", "Source", "Dietary requirements"]
        );

        let chosen = Layout::new(&new, Some("source")).unwrap();
        assert_eq!(chosen.source_header(), Some("Source"));
        assert!(chosen.extra_headers().any(|h| h == "Tracking Code"));
        let err = Layout::new(&new, Some("Referrer")).unwrap_err();
        assert!(err.contains("no column 'Referrer'"), "{err}");
        assert!(err.contains("\"Tracking Code\""), "{err}");
    }

    #[test]
    fn a_barcode_serves_as_ticket_number() {
        let h = headers(&["Barcode", "Email", "Date"]);
        let layout = Layout::new(&h, None).unwrap();
        assert_eq!(layout.ticket_number, 0);
    }

    #[test]
    fn missing_required_headers_say_what_was_expected_and_found() {
        let err = Layout::new(&headers(&["Name", "Phone"]), None).unwrap_err();
        assert!(err.contains("a ticket identifier"), "{err}");
        assert!(err.contains("the ticket holder's email"), "{err}");
        assert!(err.contains("a purchase date"), "{err}");
        assert!(
            err.contains("Its columns are: \"Name\", \"Phone\""),
            "{err}"
        );
        let err = Layout::new(&headers(&["Ticket Number", "Email"]), None).unwrap_err();
        assert!(!err.contains("ticket identifier"), "{err}");
        assert!(err.contains("a purchase date"), "{err}");
    }

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
            ["-42", "f", "t"],
            "the fingerprint, known, and whether the person's details count"
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
        use proptest::prelude::*;

        /// A field as the decoder hands it over: any text, also control
        /// characters, quotes and the characters of dates and prices.
        fn field() -> impl Strategy<Value = String> {
            prop_oneof![
                "\\PC{0,24}",
                "[0-9 ,./:-]{0,20}",
                "[RrZAzaFfe0-9 ,.()-]{0,16}",
                "[a-z]{1,8}@[a-z]{1,8}\\.[a-z]{2,3}",
                any::<String>(),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            #[test]
            fn header_mapping_never_panics(
                headers in prop::collection::vec(field(), 0..14),
                source in prop::option::of(field()),
            ) {
                match Layout::new(&headers, source.as_deref()) {
                    Ok(layout) => {
                        prop_assert_eq!(layout.headers().len(), headers.len());
                        let _ = layout.describe();
                    }
                    Err(message) => prop_assert!(!message.is_empty()),
                }
            }

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

            #[test]
            fn any_text_is_a_date_or_not(text in field()) {
                if let Ok(t) = parse_timestamp(&text) {
                    // What was read is written in a form read back the same.
                    prop_assert_eq!(parse_timestamp(&t.to_string()), Ok(t));
                }
            }

            #[test]
            fn timestamps_round_trip(
                secs in 946_684_800i64..4_102_444_800i64,
                micros in prop_oneof![Just(0u32), 0u32..1_000_000],
                offset in prop::option::of(-14 * 4i32..=14 * 4),
            ) {
                let at = chrono::DateTime::from_timestamp(secs, micros * 1000).unwrap().naive_utc();
                let t = Timestamp { date: at.date(), time: at.time(), offset: offset.map(|q| q * 900) };
                prop_assert_eq!(parse_timestamp(&t.to_string()), Ok(t));
            }

            #[test]
            fn any_text_is_a_price_or_not(text in field()) {
                if let Ok(Some(cents)) = parse_price(&text) {
                    prop_assert!(cents >= 0);
                }
            }

            #[test]
            fn prices_round_trip(cents in 0i64..100_000_000_000) {
                let (rands, c) = (cents / 100, cents % 100);
                let grouped = {
                    let digits = rands.to_string();
                    let mut out = String::new();
                    for (i, ch) in digits.chars().enumerate() {
                        if i > 0 && (digits.len() - i) % 3 == 0 {
                            out.push(',');
                        }
                        out.push(ch);
                    }
                    out
                };
                for written in [
                    format!("{rands}.{c:02}"),
                    format!("R {grouped}.{c:02}"),
                    format!("R{}", grouped.replace(',', " ") + &format!(",{c:02}")),
                ] {
                    prop_assert_eq!(parse_price(&written), Ok(Some(cents)), "{}", written);
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
