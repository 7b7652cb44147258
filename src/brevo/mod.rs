//! Brevo's email events, transactional and marketing: their payloads
//! ([`payload`]), the rules they follow ([`rules`]), reading a stream of
//! them ([`read`]), the one apply path every way in shares ([`apply`]) and
//! the inbox of webhook events accepted but not yet applied ([`inbox`]).
//! `attrib brevo ingest` (a file) and `attrib brevo listen` (webhooks) are
//! thin commands over these.

pub mod apply;
pub mod inbox;
pub mod payload;
pub mod read;
pub mod rules;

pub use payload::{BrevoEvent, Parsed, normalise_message_id, parse_event};
pub use rules::{EVENT_NAMES, EventKind, PROGRESSION, Recorded, Tracking, next_status, rank};

/// Now, in milliseconds since 1970: the upper bound of plausible event times.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
