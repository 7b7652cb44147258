//! How each value of an export is read and checked: the date formats,
//! prices with `R` and thousands separators, ticket status and its
//! progression, check-in, emails and names.

use std::borrow::Cow;
use std::fmt;

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};

use crate::input::normalise_header;
use crate::vocabulary::TicketStatus;

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

    mod properties {
        //! Arbitrary input never panics: every reader answers Ok or an error
        //! that says where (a column, or the file's line); round trips hold.
        use super::*;
        use crate::quicket::test_support::field;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

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
    }
}
