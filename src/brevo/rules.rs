//! The rules of Brevo's email events, as pure functions: what each event
//! name does to a recipient's status, the forward-only progression, and the
//! canonical record of events kept in `communication_recipients.metadata`.
//!
//! The apply step (`super::apply`) runs the same rules set-based in SQL
//! (`queries/brevo_apply.sql`), passing [`PROGRESSION`] as a parameter so that
//! the order lives here only. [`Tracking::apply`] is the model the tests hold
//! the SQL to.

use serde_json::Value;

use super::payload::BrevoEvent;
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

/// Brevo's event names, transactional and marketing, in the order of its
/// documentation (marketing campaigns send a subset of the same names).
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

/// One event as kept in a recipient's metadata. The derived order (time,
/// then name, link, reason, send time; absent before present, text by bytes)
/// is the canonical order of `metadata.brevo_events`; the SQL sorts the same
/// way.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Recorded {
    pub ts_epoch: i64,
    pub event: String,
    pub link: Option<String>,
    pub reason: Option<String>,
    /// A marketing campaign's send time (its `ts_sent`), in milliseconds.
    pub ts_sent: Option<i64>,
}

impl From<&BrevoEvent> for Recorded {
    fn from(e: &BrevoEvent) -> Recorded {
        Recorded {
            ts_epoch: e.ts_epoch,
            event: e.event.clone(),
            link: e.link.clone(),
            reason: e.reason.clone(),
            ts_sent: e.ts_sent,
        }
    }
}

impl Recorded {
    /// When this event says the email was sent: a `request`'s own time, or
    /// a marketing event's campaign send time.
    pub fn send_time(&self) -> Option<i64> {
        match self.ts_sent {
            Some(ts) => Some(ts),
            None => (self.event == "request").then_some(self.ts_epoch),
        }
    }

    /// The JSON object stored: absent link, reason and send time are left out.
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
        if let Some(ts_sent) = self.ts_sent {
            map.insert("ts_sent".into(), Value::from(ts_sent));
        }
        Value::Object(map)
    }
}

/// What attrib knows of one recipient row from Brevo: the model of
/// `queries/brevo_apply.sql`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracking {
    pub status: RecipientStatus,
    /// `sent_at`, in milliseconds since 1970: the earliest send known, a
    /// transactional `request` or a marketing campaign's `ts_sent`.
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
    /// `sent_at` set to the earliest send.
    pub fn apply<'a>(&mut self, events: impl IntoIterator<Item = &'a BrevoEvent>) {
        let events: Vec<&BrevoEvent> = events.into_iter().collect();
        self.status = next_status(self.status, events.iter().map(|e| e.kind));
        self.events
            .extend(events.iter().map(|e| Recorded::from(*e)));
        self.events.sort();
        self.events.dedup();
        if let Some(first) = self.events.iter().filter_map(Recorded::send_time).min() {
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
            camp_id: None,
            ts_epoch: ts,
            ts_sent: None,
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
