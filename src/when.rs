//! Times a person types (`--sent-at`, `--at`, `--since`, an event's dates):
//! one reader for all, and one plausible range, so that a slip such as
//! `0026-03-02` or a year of 20260 never reaches the database (where a
//! value far from the others breaks date arithmetic in every later report).

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};

use crate::quicket::{self, DateProblem, Timestamp};

/// The earliest time attrib accepts: no outreach of this series is older.
pub const EARLIEST: NaiveDate = NaiveDate::from_ymd_opt(2000, 1, 1).expect("a valid date");

/// How far ahead an event may be planned (`events add --starts-on`).
pub const EVENT_YEARS_AHEAD: u32 = 10;

/// The latest instant a time that happened may have: one day after now
/// (a little slack for clocks and time zones).
pub fn latest(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::days(1)
}

/// Reads a time the way the Quicket import does (ISO 8601 with or without
/// an offset, `2026-03-02 09:30`, day-first `02/03/2026 09:30`, `2 Mar 2026
/// 9:30 AM`, ...) and checks that it lies between 2000-01-01 and one day
/// after `now`. The error says what to write instead.
pub fn read_time(text: &str, now: DateTime<Utc>) -> Result<Timestamp, String> {
    let t = text.trim();
    let ts = quicket::parse_timestamp(t).map_err(|problem| match problem {
        DateProblem::MonthFirst => format!(
            "'{t}' reads month first; write the day first (14/03/2026 09:30) or ISO 8601 \
             (2026-03-14 09:30)"
        ),
        DateProblem::Unrecognised => format!(
            "'{t}' is not a date and time; write e.g. 2026-03-02 09:30 (read in the \
             --timezone), 02/03/2026 09:30 (day first) or 2026-03-02T09:30:00+02:00"
        ),
    })?;
    check_timestamp(&ts, now).map_err(|range| format!("'{t}' is {range}"))?;
    Ok(ts)
}

/// `Ok` when `ts` lies in the plausible range; else the reason, starting
/// with "before"/"after", e.g. "after 2026-12-03 06:00 UTC, one day from
/// now; times must lie between 2000-01-01 and one day after now".
pub fn check_timestamp(ts: &Timestamp, now: DateTime<Utc>) -> Result<(), String> {
    let local = ts.date.and_time(ts.time);
    let utc = match ts.offset {
        Some(offset) => local - Duration::seconds(i64::from(offset)),
        // Read later in the session time zone, which may be up to 14 hours
        // ahead of UTC: allow for the zone furthest east.
        None => local - Duration::hours(14),
    };
    check_naive(local, utc, now)
}

/// As [`check_timestamp`], for a local date and time without an offset.
pub fn check_local(local: NaiveDateTime, now: DateTime<Utc>) -> Result<(), String> {
    check_naive(local, local - Duration::hours(14), now)
}

fn check_naive(local: NaiveDateTime, utc: NaiveDateTime, now: DateTime<Utc>) -> Result<(), String> {
    let latest = latest(now);
    if local.date() < EARLIEST {
        return Err(format!("before 2000-01-01; {}", range_text()));
    }
    if utc > latest.naive_utc() {
        return Err(format!(
            "after {}, one day from now; {}",
            latest.format("%Y-%m-%d %H:%M UTC"),
            range_text()
        ));
    }
    Ok(())
}

fn range_text() -> &'static str {
    "times must lie between 2000-01-01 and one day after now"
}

/// Checks an event's date: from 2000-01-01 to [`EVENT_YEARS_AHEAD`] years
/// after `today` (events are planned ahead, unlike sends).
pub fn check_event_date(date: NaiveDate, today: NaiveDate) -> Result<(), String> {
    let latest = today
        .checked_add_months(chrono::Months::new(12 * EVENT_YEARS_AHEAD))
        .unwrap_or(NaiveDate::MAX);
    if date < EARLIEST || date > latest {
        return Err(format!(
            "'{date}' is outside the plausible range: event dates must lie between 2000-01-01 \
             and {latest} ({EVENT_YEARS_AHEAD} years from today)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-02T06:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn read(text: &str) -> Result<String, String> {
        read_time(text, now()).map(|t| t.to_string())
    }

    #[test]
    fn reads_the_quicket_formats() {
        assert_eq!(read("2026-03-02 09:30").unwrap(), "2026-03-02 09:30:00");
        assert_eq!(read("2026-03-02T09:30").unwrap(), "2026-03-02 09:30:00");
        assert_eq!(read("2026-03-02").unwrap(), "2026-03-02 00:00:00");
        assert_eq!(
            read("2026-03-02T09:30:00+02:00").unwrap(),
            "2026-03-02 09:30:00+02:00"
        );
        assert_eq!(
            read("2026-03-02T07:30:00Z").unwrap(),
            "2026-03-02 07:30:00+00:00"
        );
        // Day first, as in South Africa and in Quicket's exports.
        assert_eq!(read("11/08/2026 10:00").unwrap(), "2026-08-11 10:00:00");
        assert_eq!(read("11 Aug 2026 10:00 AM").unwrap(), "2026-08-11 10:00:00");
        assert_eq!(
            read(" 2026-03-02 09:30:15.5 ").unwrap(),
            "2026-03-02 09:30:15.500000"
        );
    }

    #[test]
    fn refuses_what_is_not_a_time_and_says_what_to_write() {
        for bad in [
            "",
            "tomorrow",
            "2026-13-01",
            "2026-02-30 10:00",
            "2026-03-02 25:00",
        ] {
            let e = read(bad).unwrap_err();
            assert!(e.contains("2026-03-02 09:30"), "{bad}: {e}");
        }
        let e = read("03/14/2026 09:30").unwrap_err();
        assert!(e.contains("day first"), "{e}");
    }

    #[test]
    fn refuses_times_outside_the_plausible_range_with_the_range() {
        for bad in [
            "0000-01-01",
            "0001-01-01 00:00",
            "1999-12-31 23:59",
            "2026-12-04 00:00",
            "2026-12-03T06:00:01Z",
            "9999-12-31",
        ] {
            let e = read(bad).unwrap_err();
            assert!(
                e.contains("between 2000-01-01 and one day after now"),
                "{bad}: {e}"
            );
        }
        assert!(read("2000-01-01 00:00").is_ok());
        assert!(read("2026-12-03T06:00:00Z").is_ok());
        // A local time is allowed for the zone furthest east (UTC+14).
        assert!(read("2026-12-03 20:00").is_ok());
        assert!(read("2026-12-03 20:01").is_err());
    }

    #[test]
    fn local_since_dates_have_the_same_range() {
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        assert!(check_local(at("2026-05-01 00:00"), now()).is_ok());
        assert!(check_local(at("0001-05-01 00:00"), now()).is_err());
        assert!(check_local(at("2027-05-01 00:00"), now()).is_err());
    }

    #[test]
    fn event_dates_may_be_planned_years_ahead() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert!(check_event_date(d(2027, 9, 16), today).is_ok());
        assert!(check_event_date(d(2036, 12, 2), today).is_ok());
        let e = check_event_date(d(2036, 12, 3), today).unwrap_err();
        assert!(e.contains("2000-01-01 and 2036-12-02"), "{e}");
        assert!(check_event_date(d(1, 1, 1), today).is_err());
        assert!(check_event_date(d(1999, 12, 31), today).is_err());
        let leap = NaiveDate::from_ymd_opt(2028, 2, 29).unwrap();
        assert!(check_event_date(d(2038, 2, 28), leap).is_ok());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Any text: a time in range or an error naming it; never a panic.
        #[test]
        fn any_text_is_read_or_refused(text in "\\PC{0,40}") {
            match read_time(&text, now()) {
                Ok(ts) => prop_assert!(check_timestamp(&ts, now()).is_ok()),
                Err(e) => prop_assert!(e.contains(text.trim()), "{e}"),
            }
        }

        /// Every time in range, written as ISO 8601, is read back as itself.
        #[test]
        fn iso_times_in_range_round_trip(secs in 946_684_800i64..1_796_000_000i64) {
            let at = DateTime::from_timestamp(secs, 0).unwrap();
            let text = at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
            let ts = read_time(&text, now());
            if at <= latest(now()) {
                let ts = ts.unwrap();
                prop_assert_eq!(ts.date.and_time(ts.time), at.naive_utc());
            } else {
                prop_assert!(ts.is_err());
            }
        }
    }
}
