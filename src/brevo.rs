//! The rules of Brevo webhook events, as pure functions: reading one event,
//! what each event name does to a recipient's status, the forward-only
//! progression, message-id normalisation, and the canonical record of events
//! kept in `communication_recipients.metadata`.
//!
//! `attrib brevo ingest` applies the same rules set-based in SQL
//! (`queries/brevo_apply.sql`), passing [`PROGRESSION`] as a parameter so that
//! the order lives here only. [`Tracking::apply`] is the model the tests hold
//! the SQL to.

use serde::Deserialize;
use serde_json::Value;

use crate::vocabulary::RecipientStatus;

/// What Brevo's event names mean to attrib.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// `request`: Brevo accepted the message for sending.
    Request,
    Delivered,
    /// `opened`, `unique_opened`, `proxy_open`, `unique_proxy_open`.
    Opened,
    Click,
    /// `soft_bounce`, `hard_bounce`, `invalid_email`, `blocked`.
    Bounce,
    Deferred,
    Spam,
    /// `unsubscribed` or `unsubscribe`.
    Unsubscribed,
    Error,
}

/// Brevo's transactional event names, in the order of its documentation.
pub const EVENT_NAMES: &[(&str, EventKind)] = &[
    ("request", EventKind::Request),
    ("delivered", EventKind::Delivered),
    ("opened", EventKind::Opened),
    ("unique_opened", EventKind::Opened),
    ("proxy_open", EventKind::Opened),
    ("unique_proxy_open", EventKind::Opened),
    ("click", EventKind::Click),
    ("soft_bounce", EventKind::Bounce),
    ("hard_bounce", EventKind::Bounce),
    ("invalid_email", EventKind::Bounce),
    ("blocked", EventKind::Bounce),
    ("deferred", EventKind::Deferred),
    ("spam", EventKind::Spam),
    ("unsubscribed", EventKind::Unsubscribed),
    ("unsubscribe", EventKind::Unsubscribed),
    ("error", EventKind::Error),
];

/// A recipient's status only moves up this list, whatever order Brevo's
/// events arrive in. `failed` is not on it: see [`Effect::Fail`].
pub const PROGRESSION: [RecipientStatus; 6] = [
    RecipientStatus::Queued,
    RecipientStatus::Sent,
    RecipientStatus::Bounced,
    RecipientStatus::Delivered,
    RecipientStatus::Opened,
    RecipientStatus::Clicked,
];

/// The position of a status in [`PROGRESSION`]; None for `failed`.
pub fn rank(status: RecipientStatus) -> Option<usize> {
    PROGRESSION.iter().position(|s| *s == status)
}

/// What an event does to the recipient's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// The status becomes at least this one.
    Reach(RecipientStatus),
    /// `failed`, but only while nothing beyond `queued` is known.
    Fail,
    /// Recorded in the metadata; the status stays.
    Note,
}

impl EventKind {
    /// The kind of a Brevo event name (case-insensitive).
    pub fn from_name(name: &str) -> Option<EventKind> {
        EVENT_NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, k)| *k)
    }

    pub fn effect(self) -> Effect {
        match self {
            EventKind::Request => Effect::Reach(RecipientStatus::Sent),
            EventKind::Bounce => Effect::Reach(RecipientStatus::Bounced),
            EventKind::Delivered => Effect::Reach(RecipientStatus::Delivered),
            EventKind::Opened => Effect::Reach(RecipientStatus::Opened),
            EventKind::Click => Effect::Reach(RecipientStatus::Clicked),
            EventKind::Error => Effect::Fail,
            EventKind::Deferred | EventKind::Spam | EventKind::Unsubscribed => Effect::Note,
        }
    }

    /// The rank this event lifts the status to, for the staging table.
    pub fn rank(self) -> Option<usize> {
        match self.effect() {
            Effect::Reach(status) => rank(status),
            Effect::Fail | Effect::Note => None,
        }
    }
}

/// The status after `events`, starting from `current`. The result is the
/// highest rank reached; `failed` when nothing beyond `queued` is known and
/// an `error` was seen (or the row was already failed). This is a join: the
/// order of events, and seeing one twice, make no difference.
pub fn next_status(
    current: RecipientStatus,
    events: impl IntoIterator<Item = EventKind>,
) -> RecipientStatus {
    let mut best = rank(current).unwrap_or(0);
    let mut failed = current == RecipientStatus::Failed;
    for kind in events {
        match kind.effect() {
            Effect::Reach(status) => best = best.max(rank(status).unwrap_or(0)),
            Effect::Fail => failed = true,
            Effect::Note => {}
        }
    }
    if best > 0 {
        PROGRESSION[best]
    } else if failed {
        RecipientStatus::Failed
    } else {
        RecipientStatus::Queued
    }
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

/// One webhook event: the fields attrib uses, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrevoEvent {
    /// The event name, lower case, as Brevo spells it (`unique_opened`).
    pub event: String,
    pub kind: EventKind,
    /// Lower case, trimmed.
    pub email: Option<String>,
    /// Without angle brackets.
    pub message_id: Option<String>,
    pub template_id: Option<i32>,
    /// When it happened: milliseconds since 1970, UTC.
    pub ts_epoch: i64,
    pub link: Option<String>,
    pub reason: Option<String>,
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
    link: Option<Value>,
    reason: Option<Value>,
}

/// Reads one event from its JSON text. The error says what is wrong in
/// words an organiser can act on.
pub fn parse_event(json: &str) -> Result<BrevoEvent, String> {
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
        .to_ascii_lowercase();
    let kind = EventKind::from_name(&event).ok_or_else(|| {
        format!(
            "has an unknown event \"{event}\"; Brevo's transactional events are {}",
            EVENT_NAMES
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    let email = text_field("email", wire.email)?.map(|e| e.trim().to_lowercase());
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
    let ts_epoch = whole_number("ts_epoch", wire.ts_epoch)?
        .ok_or("has no \"ts_epoch\" (Brevo's time of the event in milliseconds, UTC)")?;
    if ts_epoch <= 0 {
        return Err(format!(
            "has \"ts_epoch\" {ts_epoch}; it must be milliseconds since 1970"
        ));
    }
    if email.as_deref().is_none_or(str::is_empty) && message_id.is_none() {
        return Err(
            "has neither \"message-id\" nor \"email\", so it cannot be matched to a recipient"
                .into(),
        );
    }
    Ok(BrevoEvent {
        event,
        kind,
        email: email.filter(|e| !e.is_empty()),
        message_id,
        template_id,
        ts_epoch,
        link: text_field("link", wire.link)?.filter(|s| !s.is_empty()),
        reason: text_field("reason", wire.reason)?.filter(|s| !s.is_empty()),
    })
}

/// A string field; numbers are taken as their text, null as absent.
fn text_field(name: &str, value: Option<Value>) -> Result<Option<String>, String> {
    let text = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => s,
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => {
            return Err(format!("has \"{name}\" {other}; it should be a string"));
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
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| format!("has \"{name}\" {n}; it should be a whole number")),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| format!("has \"{name}\" \"{s}\"; it should be a whole number")),
        Some(other) => Err(format!(
            "has \"{name}\" {other}; it should be a whole number"
        )),
    }
}

/// One event as kept in a recipient's metadata. The derived order (time,
/// then name, link, reason; absent before present, text by bytes) is the
/// canonical order of `metadata.brevo_events`; the SQL sorts the same way.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Recorded {
    pub ts_epoch: i64,
    pub event: String,
    pub link: Option<String>,
    pub reason: Option<String>,
}

impl From<&BrevoEvent> for Recorded {
    fn from(e: &BrevoEvent) -> Recorded {
        Recorded {
            ts_epoch: e.ts_epoch,
            event: e.event.clone(),
            link: e.link.clone(),
            reason: e.reason.clone(),
        }
    }
}

impl Recorded {
    /// The JSON object stored: absent link and reason are left out.
    pub fn to_json(&self) -> Value {
        let mut map = serde_json::Map::new();
        map.insert("event".into(), Value::from(self.event.clone()));
        if let Some(link) = &self.link {
            map.insert("link".into(), Value::from(link.clone()));
        }
        if let Some(reason) = &self.reason {
            map.insert("reason".into(), Value::from(reason.clone()));
        }
        map.insert("ts_epoch".into(), Value::from(self.ts_epoch));
        Value::Object(map)
    }
}

/// What attrib knows of one recipient row from Brevo: the model of
/// `queries/brevo_apply.sql`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracking {
    pub status: RecipientStatus,
    /// `sent_at`, in milliseconds since 1970: the first `request`, when known.
    pub sent_at_ms: Option<i64>,
    /// Every event once, in canonical order.
    pub events: Vec<Recorded>,
}

impl Tracking {
    pub fn new(status: RecipientStatus) -> Tracking {
        Tracking {
            status,
            sent_at_ms: None,
            events: Vec::new(),
        }
    }

    /// Takes in events: each recorded once, the status moved forward,
    /// `sent_at` set to the earliest `request`.
    pub fn apply<'a>(&mut self, events: impl IntoIterator<Item = &'a BrevoEvent>) {
        let events: Vec<&BrevoEvent> = events.into_iter().collect();
        self.status = next_status(self.status, events.iter().map(|e| e.kind));
        self.events
            .extend(events.iter().map(|e| Recorded::from(*e)));
        self.events.sort();
        self.events.dedup();
        if let Some(first) = self
            .events
            .iter()
            .filter(|e| e.event == "request")
            .map(|e| e.ts_epoch)
            .min()
        {
            self.sent_at_ms = Some(first);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RecipientStatus::*;
    use proptest::prelude::*;

    fn event(name: &str, ts: i64) -> BrevoEvent {
        BrevoEvent {
            event: name.into(),
            kind: EventKind::from_name(name).unwrap(),
            email: Some("a@b.co".into()),
            message_id: None,
            template_id: None,
            ts_epoch: ts,
            link: None,
            reason: None,
        }
    }

    #[test]
    fn every_documented_name_has_a_kind() {
        for name in [
            "request",
            "delivered",
            "opened",
            "unique_opened",
            "proxy_open",
            "unique_proxy_open",
            "click",
            "soft_bounce",
            "hard_bounce",
            "invalid_email",
            "blocked",
            "deferred",
            "spam",
            "unsubscribed",
            "unsubscribe",
            "error",
        ] {
            assert!(EventKind::from_name(name).is_some(), "{name}");
        }
        assert_eq!(
            EventKind::from_name("Delivered"),
            Some(EventKind::Delivered)
        );
        assert_eq!(EventKind::from_name("list_addition"), None);
    }

    #[test]
    fn status_moves_forward_only() {
        use EventKind as K;
        assert_eq!(next_status(Queued, [K::Request]), Sent);
        assert_eq!(next_status(Queued, [K::Delivered, K::Request]), Delivered);
        assert_eq!(
            next_status(Queued, [K::Click, K::Opened, K::Delivered]),
            Clicked
        );
        assert_eq!(next_status(Queued, [K::Bounce, K::Request]), Bounced);
        // A delivery after a soft bounce is the better news.
        assert_eq!(next_status(Bounced, [K::Delivered]), Delivered);
        assert_eq!(next_status(Delivered, [K::Bounce]), Delivered);
        assert_eq!(next_status(Opened, [K::Request, K::Delivered]), Opened);
        assert_eq!(
            next_status(Queued, [K::Deferred, K::Spam, K::Unsubscribed]),
            Queued
        );
        assert_eq!(next_status(Clicked, [K::Unsubscribed]), Clicked);
    }

    #[test]
    fn error_fails_only_while_nothing_beyond_queued_is_known() {
        use EventKind as K;
        assert_eq!(next_status(Queued, [K::Error]), Failed);
        assert_eq!(next_status(Queued, [K::Error, K::Request]), Sent);
        assert_eq!(next_status(Sent, [K::Error]), Sent);
        assert_eq!(next_status(Failed, [K::Deferred]), Failed);
        assert_eq!(next_status(Failed, [K::Delivered]), Delivered);
    }

    #[test]
    fn progression_matches_the_specification() {
        let names: Vec<&str> = PROGRESSION.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            [
                "queued",
                "sent",
                "bounced",
                "delivered",
                "opened",
                "clicked"
            ]
        );
        assert_eq!(rank(Failed), None);
        assert_eq!(EventKind::Opened.rank(), Some(4));
        assert_eq!(EventKind::Spam.rank(), None);
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
    fn parses_a_real_payload() {
        let json = r#"{"event":"click","email":" Jane@Example.COM ","id":123,"date":"2023-12-21 17:42:55",
            "ts":1703176975,"message-id":"<2023.1@smtp-relay.mailin.fr>","ts_event":1703176975,
            "subject":"CFP","tag":"[\"cfp\"]","sending_ip":"1.2.3.4","ts_epoch":1703176975123,
            "template_id":"42","tags":["cfp"],"link":"https://datai.day/cfp"}"#;
        let e = parse_event(json).unwrap();
        assert_eq!(e.event, "click");
        assert_eq!(e.kind, EventKind::Click);
        assert_eq!(e.email.as_deref(), Some("jane@example.com"));
        assert_eq!(e.message_id.as_deref(), Some("2023.1@smtp-relay.mailin.fr"));
        assert_eq!(e.template_id, Some(42));
        assert_eq!(e.ts_epoch, 1703176975123);
        assert_eq!(e.link.as_deref(), Some("https://datai.day/cfp"));
        assert_eq!(e.reason, None);
    }

    #[test]
    fn refuses_what_cannot_be_used() {
        let err = |json: &str| parse_event(json).unwrap_err();
        assert!(err("{\"event\":").starts_with("is not valid JSON"));
        assert_eq!(
            err("[1,2]"),
            "is not a JSON object (one Brevo event per line)"
        );
        assert_eq!(
            err(r#"{"email":"a@b.co","ts_epoch":1}"#),
            "has no \"event\" (the Brevo event name, e.g. \"delivered\")"
        );
        assert!(err(r#"{"event":"list_addition","email":"a@b.co","ts_epoch":1}"#)
            .starts_with("has an unknown event \"list_addition\"; Brevo's transactional events are request, delivered"));
        assert_eq!(
            err(r#"{"event":"delivered","email":"a@b.co"}"#),
            "has no \"ts_epoch\" (Brevo's time of the event in milliseconds, UTC)"
        );
        assert_eq!(
            err(r#"{"event":"delivered","email":"a@b.co","ts_epoch":"soon"}"#),
            "has \"ts_epoch\" \"soon\"; it should be a whole number"
        );
        assert_eq!(
            err(r#"{"event":"delivered","ts_epoch":5}"#),
            "has neither \"message-id\" nor \"email\", so it cannot be matched to a recipient"
        );
        assert_eq!(
            err(r#"{"event":"delivered","email":"a@b.co","ts_epoch":5,"template_id":99999999999}"#),
            "has \"template_id\" 99999999999, which is not a Brevo template id"
        );
        assert_eq!(
            err(r#"{"event":"delivered","email":"a\u0000@b.co","ts_epoch":5}"#),
            "has a NUL character in \"email\", which PostgreSQL cannot store"
        );
        assert_eq!(
            err(r#"{"event":["x"],"email":"a@b.co","ts_epoch":5}"#),
            "has \"event\" [\"x\"]; it should be a string"
        );
    }

    #[test]
    fn tracking_records_each_event_once_in_canonical_order() {
        let mut t = Tracking::new(Queued);
        let click = BrevoEvent {
            link: Some("https://x".into()),
            ..event("click", 30)
        };
        t.apply([&event("opened", 20), &event("request", 10), &click]);
        t.apply([&event("opened", 20), &event("request", 5)]);
        assert_eq!(t.status, Clicked);
        assert_eq!(t.sent_at_ms, Some(5));
        let order: Vec<(i64, &str)> = t
            .events
            .iter()
            .map(|e| (e.ts_epoch, e.event.as_str()))
            .collect();
        assert_eq!(
            order,
            [
                (5, "request"),
                (10, "request"),
                (20, "opened"),
                (30, "click")
            ]
        );
        assert_eq!(
            t.events[3].to_json().to_string(),
            r#"{"event":"click","link":"https://x","ts_epoch":30}"#
        );
    }

    fn arb_event() -> impl Strategy<Value = BrevoEvent> {
        (
            prop::sample::select(EVENT_NAMES.iter().map(|(n, _)| *n).collect::<Vec<_>>()),
            0i64..6,
            prop::option::of(prop::sample::select(vec!["https://a", "https://b"])),
            prop::option::of(prop::sample::select(vec!["mailbox full", "blocked"])),
        )
            .prop_map(|(name, ts, link, reason)| BrevoEvent {
                link: link.map(str::to_string),
                reason: reason.map(str::to_string),
                ..event(name, 1_700_000_000_000 + ts)
            })
    }

    proptest! {
        /// Brevo sends events out of order, and sometimes twice: any order,
        /// in any batches, ends in the same status and the same metadata.
        #[test]
        fn any_permutation_gives_the_same_result(
            (events, shuffled) in prop::collection::vec(arb_event(), 0..12)
                .prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
            split in 0usize..12,
            start in prop::sample::select(vec![Queued, Sent, Failed, Delivered]),
        ) {
            let mut in_order = Tracking::new(start);
            in_order.apply(&events);
            let mut permuted = Tracking::new(start);
            let split = split.min(shuffled.len());
            permuted.apply(&shuffled[..split]);
            permuted.apply(&shuffled[split..]);
            // Ingesting the same events again changes nothing.
            permuted.apply(&events);
            prop_assert_eq!(in_order, permuted);
        }
    }
}
