//! The time window of a summary and the times that define it, as typed on
//! the command line: `--since 24h|7d|90m|2w|2026-05-01|2026-05-01T08:00`,
//! `--stale-after 3d` and the hidden `--now`. Pure parsing; PostgreSQL turns
//! local times into instants in the session time zone (`--timezone`).

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};

/// The longest span accepted: about a century, far beyond any event.
const MAX_MINUTES: i64 = 100 * 366 * 24 * 60;

/// A length of time in whole minutes (`90m`, `24h`, `7d`, `2w`). A day is
/// 24 hours exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    minutes: i64,
    unit: Unit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Minutes,
    Hours,
    Days,
    Weeks,
}

impl Unit {
    fn minutes(self) -> i64 {
        match self {
            Unit::Minutes => 1,
            Unit::Hours => 60,
            Unit::Days => 24 * 60,
            Unit::Weeks => 7 * 24 * 60,
        }
    }
    fn letter(self) -> char {
        match self {
            Unit::Minutes => 'm',
            Unit::Hours => 'h',
            Unit::Days => 'd',
            Unit::Weeks => 'w',
        }
    }
    fn word(self) -> &'static str {
        match self {
            Unit::Minutes => "minute",
            Unit::Hours => "hour",
            Unit::Days => "day",
            Unit::Weeks => "week",
        }
    }
}

impl Span {
    /// A whole number of days (the default staleness, 3d).
    pub const fn days(days: i64) -> Span {
        Span {
            minutes: days * 24 * 60,
            unit: Unit::Days,
        }
    }

    pub fn minutes(self) -> i64 {
        self.minutes
    }

    /// "24 hours", "1 day", "90 minutes".
    pub fn describe(self) -> String {
        let n = self.minutes / self.unit.minutes();
        plural(n, self.unit.word())
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}",
            self.minutes / self.unit.minutes(),
            self.unit.letter()
        )
    }
}

/// Parses a span: a whole number and a unit, m (minutes), h (hours), d
/// (days) or w (weeks).
pub fn parse_span(text: &str) -> Result<Span, String> {
    let t = text.trim();
    let bad = || {
        format!(
            "'{text}' is not a length of time; write a whole number and a unit: 90m (minutes), \
             24h (hours), 7d (days) or 2w (weeks)"
        )
    };
    let unit = match t.chars().last().ok_or_else(bad)? {
        'm' => Unit::Minutes,
        'h' => Unit::Hours,
        'd' => Unit::Days,
        'w' => Unit::Weeks,
        _ => return Err(bad()),
    };
    let digits = &t[..t.len() - 1];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n: i64 = digits.parse().map_err(|_| bad())?;
    let minutes = n
        .checked_mul(unit.minutes())
        .filter(|m| *m <= MAX_MINUTES)
        .ok_or_else(|| format!("'{text}' is too long; at most 100 years"))?;
    if minutes == 0 {
        return Err(format!(
            "'{text}' is no time at all; give a length above zero"
        ));
    }
    Ok(Span { minutes, unit })
}

/// Where the window starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Since {
    /// This long before now.
    Ago(Span),
    /// A local time in the session time zone (a date: its midnight).
    Local(NaiveDateTime),
}

impl Since {
    /// "the last 24 hours", "since 2026-05-01 00:00".
    pub fn describe(&self) -> String {
        match self {
            Since::Ago(span) => format!("the last {}", span.describe()),
            Since::Local(t) => format!("since {}", t.format("%Y-%m-%d %H:%M")),
        }
    }
}

impl Default for Since {
    fn default() -> Self {
        Since::Ago(Span {
            minutes: 24 * 60,
            unit: Unit::Hours,
        })
    }
}

/// Parses `--since`: a span (`24h`), a date (`2026-05-01`, its midnight) or
/// a local date and time (`2026-05-01T08:00`, `2026-05-01 08:00:30`).
pub fn parse_since(text: &str) -> Result<Since, String> {
    let t = text.trim();
    if t.len() >= 10 && t.as_bytes()[4] == b'-' {
        let local = parse_local(t).ok_or_else(|| {
            format!(
                "'{text}' is not a date or time; write 2026-05-01 (its midnight) or \
                 2026-05-01T08:00, in the --timezone time zone"
            )
        })?;
        crate::when::check_local(local, chrono::Utc::now())
            .map_err(|range| format!("--since '{t}' is {range}"))?;
        return Ok(Since::Local(local));
    }
    parse_span(t).map(Since::Ago).map_err(|_| {
        format!(
            "'{text}' is not a window start; write a length of time before now (90m, 24h, 7d, \
             2w), a date (2026-05-01, its midnight) or a date and time (2026-05-01T08:00)"
        )
    })
}

/// A local date, or date and time, without an offset.
fn parse_local(t: &str) -> Option<NaiveDateTime> {
    if let Ok(date) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Some(date.and_time(NaiveTime::MIN));
    }
    let t = t.replacen(' ', "T", 1);
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&t, f).ok())
}

/// A pinned "now" (`--now`): with an offset, or local in the session time
/// zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instant {
    WithOffset(DateTime<FixedOffset>),
    Local(NaiveDateTime),
}

/// Parses `--now`: RFC 3339 (`2026-05-02T08:00:00+02:00`, `...Z`) or a local
/// date and time as `--since` takes them.
pub fn parse_instant(text: &str) -> Result<Instant, String> {
    let t = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(t) {
        return Ok(Instant::WithOffset(at));
    }
    parse_local(t).map(Instant::Local).ok_or_else(|| {
        format!(
            "'{text}' is not a time; write 2026-05-02T08:00:00+02:00, or 2026-05-02T08:00 in the \
             --timezone time zone"
        )
    })
}

/// How long ago, for people: "just now", "45 minutes", "3 hours 5
/// minutes", "4 days 22 hours" (two units at most).
pub fn describe_age(minutes: i64) -> String {
    if minutes < 1 {
        return "less than a minute".into();
    }
    let days = minutes / (24 * 60);
    let hours = minutes % (24 * 60) / 60;
    let mins = minutes % 60;
    match (days, hours) {
        (0, 0) => plural(mins, "minute"),
        (0, h) if mins == 0 => plural(h, "hour"),
        (0, h) => format!("{} {}", plural(h, "hour"), plural(mins, "minute")),
        (d, 0) => plural(d, "day"),
        (d, h) => format!("{} {}", plural(d, "day"), plural(h, "hour")),
    }
}

fn plural(n: i64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_days_are_what_parse_span_reads() {
        assert_eq!(Span::days(3), parse_span("3d").unwrap());
    }

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn spans() {
        for (text, minutes, shown) in [
            ("90m", 90, "90m"),
            ("24h", 1440, "24h"),
            (" 7d ", 10080, "7d"),
            ("2w", 20160, "2w"),
            ("1d", 1440, "1d"),
        ] {
            let span = parse_span(text).unwrap();
            assert_eq!(span.minutes(), minutes, "{text}");
            assert_eq!(span.to_string(), shown);
        }
        assert_eq!(parse_span("24h").unwrap().describe(), "24 hours");
        assert_eq!(parse_span("1d").unwrap().describe(), "1 day");
        for bad in [
            "",
            "h",
            "24",
            "24x",
            "-3d",
            "+3d",
            "3.5d",
            "24 h",
            "1y",
            "24H",
            "0h",
            "٣d",
            "99999999999999999999d",
            "40000w",
        ] {
            assert!(parse_span(bad).is_err(), "{bad:?}");
        }
        assert!(parse_span("0m").unwrap_err().contains("above zero"));
    }

    #[test]
    fn since_forms() {
        assert_eq!(
            parse_since("24h"),
            Ok(Since::Ago(parse_span("24h").unwrap()))
        );
        assert_eq!(
            parse_since("2026-05-01"),
            Ok(Since::Local(local("2026-05-01 00:00")))
        );
        assert_eq!(
            parse_since("2026-05-01T08:00"),
            Ok(Since::Local(local("2026-05-01 08:00")))
        );
        assert_eq!(
            parse_since("2026-05-01 08:00"),
            Ok(Since::Local(local("2026-05-01 08:00")))
        );
        assert!(matches!(
            parse_since("2026-05-01T08:00:30"),
            Ok(Since::Local(_))
        ));
        for bad in [
            "2026-13-01",
            "2026-05-01T25:00",
            "yesterday",
            "2026-05",
            "",
            "7",
        ] {
            let e = parse_since(bad).unwrap_err();
            assert!(e.contains(bad.trim()), "{e}");
        }
        assert_eq!(Since::default(), parse_since("24h").unwrap());
        assert_eq!(parse_since("7d").unwrap().describe(), "the last 7 days");
        assert_eq!(
            parse_since("2026-05-01").unwrap().describe(),
            "since 2026-05-01 00:00"
        );
    }

    #[test]
    fn instants() {
        assert!(matches!(
            parse_instant("2026-05-02T08:00:00+02:00"),
            Ok(Instant::WithOffset(t)) if t.to_rfc3339() == "2026-05-02T08:00:00+02:00"
        ));
        assert!(matches!(
            parse_instant("2026-05-02T06:00:00Z"),
            Ok(Instant::WithOffset(_))
        ));
        assert_eq!(
            parse_instant("2026-05-02T08:00"),
            Ok(Instant::Local(local("2026-05-02 08:00")))
        );
        assert!(parse_instant("now").is_err());
    }

    #[test]
    fn ages() {
        assert_eq!(describe_age(0), "less than a minute");
        assert_eq!(describe_age(1), "1 minute");
        assert_eq!(describe_age(45), "45 minutes");
        assert_eq!(describe_age(60), "1 hour");
        assert_eq!(describe_age(185), "3 hours 5 minutes");
        assert_eq!(describe_age(24 * 60), "1 day");
        assert_eq!(describe_age(4 * 24 * 60 + 22 * 60 + 59), "4 days 22 hours");
    }
}
