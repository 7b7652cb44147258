//! The two shapes of Brevo's webhook events, read into one [`BrevoEvent`].
//!
//! | what | transactional | marketing campaign |
//! |---|---|---|
//! | told apart by | no `camp_id` | `camp_id` |
//! | matched by | `message-id`, else `email` + `template_id` | `camp_id` + `email` |
//! | time | `ts_epoch`, milliseconds, UTC | `ts_event`, seconds, UTC |
//! | send time | a `request` event | `ts_sent`, seconds, UTC |
//! | clicked link | `link` | `URL` |
//!
//! `ts` and `date*` are never read: `ts` is Brevo's own zone (CET/CEST) and
//! `date*` the account's local time. Contact events of marketing webhooks
//! (`list_addition`, `contact_updated`, `contact_deleted`) are about
//! contacts, not emails: they are recognised and counted, never applied.

use serde::Deserialize;
use serde_json::Value;

use super::rules::{EVENT_NAMES, EventKind};

/// Brevo's contact events: counted and skipped.
pub const CONTACT_EVENTS: &[&str] = &["list_addition", "contact_updated", "contact_deleted"];

/// The earliest time an event may carry: 2000-01-01T00:00:00Z, in
/// milliseconds. Anything before is a typo or a unit mistake.
pub const EARLIEST_MS: i64 = 946_684_800_000;

/// How far past "now" an event may be (clocks drift; time zones confuse).
pub const FUTURE_SLACK_MS: i64 = 24 * 3600 * 1000;

/// A `ts_event` above this is milliseconds, not seconds (10^11 seconds is
/// the year 5138).
const SECONDS_LIMIT: i64 = 100_000_000_000;

/// One email event: the fields attrib uses, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrevoEvent {
    /// The event name, lower case, as Brevo spells it (`unique_opened`).
    pub event: String,
    pub kind: EventKind,
    /// Lower case, trimmed.
    pub email: Option<String>,
    /// Without angle brackets (transactional only).
    pub message_id: Option<String>,
    /// Transactional only.
    pub template_id: Option<i32>,
    /// The marketing campaign; `Some` makes this a marketing event.
    pub camp_id: Option<i32>,
    /// When it happened: milliseconds since 1970, UTC.
    pub ts_epoch: i64,
    /// When the marketing campaign was sent: milliseconds since 1970, UTC.
    pub ts_sent: Option<i64>,
    pub link: Option<String>,
    pub reason: Option<String>,
}

impl BrevoEvent {
    pub fn is_marketing(&self) -> bool {
        self.camp_id.is_some()
    }
}

/// What one JSON object turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    Email(BrevoEvent),
    /// A contact event (its name): not about an email, skipped.
    Contact(String),
}

/// The fields as they arrive; everything else in the payload is ignored.
#[derive(Deserialize)]
struct Wire {
    event: Option<Value>,
    email: Option<Value>,
    #[serde(rename = "message-id", alias = "message_id", alias = "messageId")]
    message_id: Option<Value>,
    template_id: Option<Value>,
    ts_epoch: Option<Value>,
    camp_id: Option<Value>,
    ts_event: Option<Value>,
    ts_sent: Option<Value>,
    #[serde(alias = "URL", alias = "url")]
    link: Option<Value>,
    reason: Option<Value>,
}

/// Reads one event from its JSON text. `now_ms` bounds the plausible times.
/// The error says what is wrong in words an organiser can act on.
pub fn parse_event(json: &str, now_ms: i64) -> Result<Parsed, String> {
    let first = json.trim_start().chars().next();
    if first != Some('{') {
        return match serde_json::from_str::<Value>(json) {
            Err(e) => Err(format!("is not valid JSON ({e})")),
            Ok(_) => Err("is not a JSON object (one Brevo event per line)".into()),
        };
    }
    let wire: Wire = serde_json::from_str(json).map_err(|e| format!("is not valid JSON ({e})"))?;
    let event = text_field("event", wire.event)?
        .ok_or("has no \"event\" (the Brevo event name, e.g. \"delivered\")")?
        .trim()
        .to_ascii_lowercase();
    if CONTACT_EVENTS.contains(&event.as_str()) {
        return Ok(Parsed::Contact(event));
    }
    let kind = EventKind::from_name(&event).ok_or_else(|| {
        format!(
            "has an unknown event \"{}\"; Brevo's email events are {}, and its contact events {}",
            event.escape_debug(),
            EVENT_NAMES
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", "),
            CONTACT_EVENTS.join(", ")
        )
    })?;
    let email = text_field("email", wire.email)?
        .map(|e| e.trim().to_lowercase())
        .filter(|e| !e.is_empty());
    let link = text_field("link", wire.link)?.filter(|s| !s.is_empty());
    let reason = text_field("reason", wire.reason)?.filter(|s| !s.is_empty());
    let camp_id = match whole_number("camp_id", wire.camp_id)? {
        None => None,
        Some(n) => Some(
            i32::try_from(n)
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("has \"camp_id\" {n}, which is not a Brevo campaign id"))?,
        ),
    };
    if let Some(camp_id) = camp_id {
        let email = email.ok_or(
            "is a marketing event (it has \"camp_id\") with no \"email\", so it cannot be matched",
        )?;
        check_address(&email)?;
        let ts_event = whole_number("ts_event", wire.ts_event)?.ok_or(
            "is a marketing event (it has \"camp_id\") with no \"ts_event\" \
             (Brevo's time of the event in seconds, UTC)",
        )?;
        let ts_epoch = seconds_to_ms("ts_event", ts_event, now_ms)?;
        let ts_sent = match whole_number("ts_sent", wire.ts_sent)? {
            None => None,
            Some(s) => Some(seconds_to_ms("ts_sent", s, now_ms)?),
        };
        return Ok(Parsed::Email(BrevoEvent {
            event,
            kind,
            email: Some(email),
            message_id: None,
            template_id: None,
            camp_id: Some(camp_id),
            ts_epoch,
            ts_sent,
            link,
            reason,
        }));
    }
    let message_id = text_field("message-id", wire.message_id)?
        .as_deref()
        .and_then(normalise_message_id);
    let template_id =
        match whole_number("template_id", wire.template_id)? {
            None => None,
            Some(n) => Some(i32::try_from(n).map_err(|_| {
                format!("has \"template_id\" {n}, which is not a Brevo template id")
            })?),
        };
    let ts_epoch = match whole_number("ts_epoch", wire.ts_epoch)? {
        Some(ms) => ms,
        None if wire.ts_event.is_some() => {
            return Err(
                "has \"ts_event\" but no \"camp_id\": a marketing event needs its \
                        campaign id, a transactional one its \"ts_epoch\""
                    .into(),
            );
        }
        None => {
            return Err(
                "has no \"ts_epoch\" (Brevo's time of the event in milliseconds, UTC)".into(),
            );
        }
    };
    check_time("ts_epoch", ts_epoch, now_ms, "milliseconds")?;
    if email.is_none() && message_id.is_none() {
        return Err(
            "has neither \"message-id\" nor \"email\", so it cannot be matched to a recipient"
                .into(),
        );
    }
    Ok(Parsed::Email(BrevoEvent {
        event,
        kind,
        email,
        message_id,
        template_id,
        camp_id: None,
        ts_epoch,
        ts_sent: None,
        link,
        reason,
    }))
}

/// Brevo writes message ids in angle brackets
/// (`<202312211742.12697514322@smtp-relay.mailin.fr>`); attrib stores and
/// matches them without. None for an empty id.
pub fn normalise_message_id(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    let inner = trimmed
        .strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))
        .unwrap_or(trimmed)
        .trim();
    (!inner.is_empty()).then(|| inner.to_string())
}

/// A marketing event's address becomes a contact: it must look like one
/// and fit the column (contacts.email is VARCHAR(320)).
fn check_address(email: &str) -> Result<(), String> {
    let plausible = email.chars().count() <= 320
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && !domain.is_empty() && !domain.contains('@')
        })
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if plausible {
        Ok(())
    } else {
        Err(format!(
            "has \"email\" \"{}\", which is not an email address",
            truncate(email, 80).escape_debug()
        ))
    }
}

/// Seconds (a marketing time) to milliseconds, within the plausible range.
fn seconds_to_ms(name: &str, seconds: i64, now_ms: i64) -> Result<i64, String> {
    if seconds > SECONDS_LIMIT {
        return Err(format!(
            "has \"{name}\" {seconds}, which looks like milliseconds; \
             Brevo's marketing events give seconds since 1970"
        ));
    }
    let ms = seconds.saturating_mul(1000);
    check_time(name, ms, now_ms, "seconds")?;
    Ok(ms)
}

/// Times outside 2000-01-01 .. a day after now cannot be Brevo's: refused,
/// with the range, before they reach the database.
fn check_time(name: &str, ms: i64, now_ms: i64, unit: &str) -> Result<(), String> {
    let latest = now_ms.saturating_add(FUTURE_SLACK_MS);
    if (EARLIEST_MS..=latest).contains(&ms) {
        return Ok(());
    }
    let shown = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms).map_or_else(
            || "never".into(),
            |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
        )
    };
    Err(format!(
        "has \"{name}\" {}, which is {}; a Brevo event's time ({unit} since 1970) must lie \
         between 2000-01-01 and {}",
        if unit == "seconds" { ms / 1000 } else { ms },
        if ms < EARLIEST_MS {
            "before 2000".to_string()
        } else {
            format!("in the future ({})", shown(ms))
        },
        shown(latest).get(..10).unwrap_or("tomorrow")
    ))
}

fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// A string field; numbers are taken as their text, null as absent.
fn text_field(name: &str, value: Option<Value>) -> Result<Option<String>, String> {
    let text = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => s,
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => {
            let mut shown = other.to_string();
            if shown.len() > 80 {
                shown = format!("{}...", truncate(&shown, 80));
            }
            return Err(format!("has \"{name}\" {shown}; it should be a string"));
        }
    };
    if text.contains('\0') {
        return Err(format!(
            "has a NUL character in \"{name}\", which PostgreSQL cannot store"
        ));
    }
    Ok(Some(text))
}

/// An integer field, written as a JSON number or as digits in a string.
fn whole_number(name: &str, value: Option<Value>) -> Result<Option<i64>, String> {
    let shown = |text: &str| truncate(text, 40).escape_debug().to_string();
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| {
            format!(
                "has \"{name}\" {}; it should be a whole number",
                shown(&n.to_string())
            )
        }),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s.trim().parse::<i64>().map(Some).map_err(|_| {
            format!(
                "has \"{name}\" \"{}\"; it should be a whole number",
                shown(&s)
            )
        }),
        Some(other) => Err(format!(
            "has \"{name}\" {}; it should be a whole number",
            shown(&other.to_string())
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// 2026-12-02, for the plausible range.
    const NOW: i64 = 1_796_169_600_000;

    fn email_event(json: &str) -> BrevoEvent {
        match parse_event(json, NOW) {
            Ok(Parsed::Email(e)) => e,
            other => panic!("{json}: {other:?}"),
        }
    }

    fn err(json: &str) -> String {
        parse_event(json, NOW).unwrap_err()
    }

    #[test]
    fn message_ids_lose_their_angle_brackets() {
        assert_eq!(
            normalise_message_id(" <202312211742.12697514322@smtp-relay.mailin.fr> ").as_deref(),
            Some("202312211742.12697514322@smtp-relay.mailin.fr")
        );
        assert_eq!(normalise_message_id("abc@x").as_deref(), Some("abc@x"));
        assert_eq!(normalise_message_id("<>"), None);
        assert_eq!(normalise_message_id("  "), None);
    }

    #[test]
    fn parses_a_transactional_payload() {
        let e = email_event(
            r#"{"event":"click","email":" Jane@Example.COM ","id":123,"date":"2023-12-21 17:42:55",
            "ts":1703176975,"message-id":"<2023.1@smtp-relay.mailin.fr>","ts_event":1703176975,
            "subject":"CFP","tag":"[\"cfp\"]","sending_ip":"1.2.3.4","ts_epoch":1703176975123,
            "template_id":"42","tags":["cfp"],"link":"https://datai.day/cfp"}"#,
        );
        assert_eq!(e.event, "click");
        assert_eq!(e.kind, EventKind::Click);
        assert_eq!(e.email.as_deref(), Some("jane@example.com"));
        assert_eq!(e.message_id.as_deref(), Some("2023.1@smtp-relay.mailin.fr"));
        assert_eq!(e.template_id, Some(42));
        assert_eq!(e.camp_id, None);
        assert_eq!(e.ts_epoch, 1703176975123);
        assert_eq!(e.link.as_deref(), Some("https://datai.day/cfp"));
        assert!(!e.is_marketing());
    }

    #[test]
    fn parses_brevos_documented_marketing_payload() {
        let e = email_event(
            r#"{"id": 1234567, "camp_id": 417, "email": "Thandi@Example.org", "campaign name": "DEI 2026 speaker call",
             "date_sent": "2026-06-05 10:00:00", "date_event": "2026-06-05 11:02:13", "event": "opened", "tag": "",
             "ts_sent": 1780300000, "ts_event": 1780303733, "ts": 1780307333}"#,
        );
        assert!(e.is_marketing());
        assert_eq!(e.camp_id, Some(417));
        assert_eq!(e.email.as_deref(), Some("thandi@example.org"));
        assert_eq!(e.kind, EventKind::Opened);
        // ts_event, in milliseconds; never ts (Brevo's zone) nor date_event.
        assert_eq!(e.ts_epoch, 1_780_303_733_000);
        assert_eq!(e.ts_sent, Some(1_780_300_000_000));
        let click = email_event(
            r#"{"camp_id":417,"email":"a@b.co","event":"click","URL":"https://datai.day/cfp","ts_event":1780303733}"#,
        );
        assert_eq!(click.link.as_deref(), Some("https://datai.day/cfp"));
        let bounce = email_event(
            r#"{"camp_id":"417","email":"a@b.co","event":"soft_bounce","reason":"mailbox full","ts_event":"1780303733"}"#,
        );
        assert_eq!(bounce.reason.as_deref(), Some("mailbox full"));
        assert_eq!(bounce.kind, EventKind::Bounce);
    }

    #[test]
    fn every_marketing_event_name_is_known() {
        for name in [
            "delivered",
            "opened",
            "click",
            "hard_bounce",
            "soft_bounce",
            "spam",
            "unsubscribe",
            "unsubscribed",
            "proxy_open",
        ] {
            let json = format!(
                r#"{{"camp_id":1,"email":"a@b.co","event":"{name}","ts_event":1780303733}}"#
            );
            assert_eq!(email_event(&json).event, name);
        }
        for name in CONTACT_EVENTS {
            let json = format!(r#"{{"event":"{name}","email":"a@b.co","list_id":[3]}}"#);
            assert_eq!(
                parse_event(&json, NOW),
                Ok(Parsed::Contact(name.to_string()))
            );
        }
    }

    #[test]
    fn refuses_marketing_events_that_cannot_be_used() {
        assert_eq!(
            err(r#"{"camp_id":1,"email":"a@b.co","event":"opened"}"#),
            "is a marketing event (it has \"camp_id\") with no \"ts_event\" (Brevo's time of the event in seconds, UTC)"
        );
        assert_eq!(
            err(r#"{"camp_id":1,"email":"a@b.co","event":"opened","ts_event":1780303733.5}"#),
            "has \"ts_event\" 1780303733.5; it should be a whole number"
        );
        assert!(
            err(r#"{"camp_id":1,"email":"a@b.co","event":"opened","ts_event":1780303733000}"#)
                .contains("looks like milliseconds")
        );
        assert!(
            err(r#"{"camp_id":1,"email":"a@b.co","event":"opened","ts_event":5}"#)
                .contains("before 2000")
        );
        assert!(
            err(r#"{"camp_id":1,"event":"opened","ts_event":1780303733}"#).contains("no \"email\"")
        );
        assert!(
            err(r#"{"camp_id":1,"email":"nobody","event":"opened","ts_event":1780303733}"#)
                .contains("not an email address")
        );
        assert!(
            err(r#"{"camp_id":0,"email":"a@b.co","event":"opened","ts_event":1780303733}"#)
                .contains("not a Brevo campaign id")
        );
        assert!(
            err(r#"{"camp_id":1,"email":"a@b.co","event":"forwarded","ts_event":1780303733}"#)
                .starts_with("has an unknown event \"forwarded\"")
        );
        assert!(
            err(r#"{"email":"a@b.co","event":"opened","ts_event":1780303733}"#)
                .contains("no \"camp_id\"")
        );
    }

    #[test]
    fn refuses_transactional_events_that_cannot_be_used() {
        assert!(err("{\"event\":").starts_with("is not valid JSON"));
        assert_eq!(
            err("[1,2]"),
            "is not a JSON object (one Brevo event per line)"
        );
        assert_eq!(
            err(r#"{"email":"a@b.co","ts_epoch":1}"#),
            "has no \"event\" (the Brevo event name, e.g. \"delivered\")"
        );
        assert_eq!(
            err(r#"{"event":"delivered","email":"a@b.co"}"#),
            "has no \"ts_epoch\" (Brevo's time of the event in milliseconds, UTC)"
        );
        assert_eq!(
            err(r#"{"event":"delivered","email":"a@b.co","ts_epoch":"soon"}"#),
            "has \"ts_epoch\" \"soon\"; it should be a whole number"
        );
        assert_eq!(
            err(r#"{"event":"delivered","ts_epoch":1700000000000}"#),
            "has neither \"message-id\" nor \"email\", so it cannot be matched to a recipient"
        );
        assert_eq!(
            err(
                r#"{"event":"delivered","email":"a@b.co","ts_epoch":1700000000000,"template_id":99999999999}"#
            ),
            "has \"template_id\" 99999999999, which is not a Brevo template id"
        );
        assert_eq!(
            err(r#"{"event":"delivered","email":"a\u0000@b.co","ts_epoch":1700000000000}"#),
            "has a NUL character in \"email\", which PostgreSQL cannot store"
        );
        assert_eq!(
            err(r#"{"event":["x"],"email":"a@b.co","ts_epoch":1700000000000}"#),
            "has \"event\" [\"x\"]; it should be a string"
        );
    }

    #[test]
    fn impossible_times_are_refused_with_the_range() {
        let far = err(r#"{"event":"delivered","email":"a@b.co","ts_epoch":9223372036854775807}"#);
        assert!(far.contains("in the future"), "{far}");
        assert!(far.contains("between 2000-01-01 and 2026-12-03"), "{far}");
        assert!(
            err(r#"{"event":"delivered","email":"a@b.co","ts_epoch":1}"#).contains("before 2000")
        );
        // A day of clock drift is fine.
        let soon = format!(
            r#"{{"event":"delivered","email":"a@b.co","ts_epoch":{}}}"#,
            NOW + 3_600_000
        );
        assert_eq!(email_event(&soon).ts_epoch, NOW + 3_600_000);
    }

    proptest! {
        /// Whatever the bytes, the reader answers Ok or an error; it never
        /// panics, and an accepted time is always in range.
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
            if let Ok(Parsed::Email(e)) = parse_event(&text, NOW) {
                prop_assert!(e.ts_epoch >= EARLIEST_MS && e.ts_epoch <= NOW + FUTURE_SLACK_MS);
            }
        }

        #[test]
        fn arbitrary_objects_never_panic(
            event in prop::sample::select(vec!["opened", "click", "list_addition", "x", ""]),
            camp in prop::option::of(any::<i64>()),
            ts in any::<i64>(),
            email in "[a-zA-Z@. \\x00-\\x1f]{0,12}",
            link in prop::option::of("\\PC{0,20}"),
        ) {
            let mut object = serde_json::json!({"event": event, "email": email, "ts_event": ts, "ts_epoch": ts});
            if let Some(camp) = camp {
                object["camp_id"] = camp.into();
            }
            if let Some(link) = link {
                object["URL"] = link.into();
            }
            let _ = parse_event(&object.to_string(), NOW);
        }

        /// A normalised message id is never empty nor padded.
        #[test]
        fn message_ids_normalise_to_trimmed_text(raw in "\\PC{0,40}") {
            if let Some(id) = normalise_message_id(&raw) {
                prop_assert!(!id.is_empty());
                prop_assert_eq!(id.trim(), id.as_str());
            }
        }
    }
}
