//! `attrib contact EMAIL [--event E]`: everything one person was sent, with
//! how far each email got, and their tickets (the spec's third question,
//! "has Jane Smith received any emails about the 2026 event?"). For the
//! organiser answering a speaker's or sponsor's "did you email me?".

use serde::Serialize;
use sqlx::PgPool;

use crate::app::{App, Outcome};
use crate::error::UsageError;
use crate::event::{self, Event, EventSelector};
use crate::listing::ListingOutput;
use crate::output::{Record, Section};

#[derive(Debug, clap::Args)]
#[command(
    after_long_help = "Examples:\n  attrib contact jane@example.com\n  attrib contact Jane@Example.com --event 2026 --format json\n  attrib contact jane@example.com --out jane.csv\n\nJSON keys: contact, sent, tickets."
)]
pub struct Args {
    /// The person's email address (any capitalisation).
    #[arg(value_name = "EMAIL")]
    pub email: String,

    /// Only this event (slug, id:N or year).
    #[arg(long, value_parser = event::parse_selector, value_name = "EVENT")]
    pub event: Option<EventSelector>,

    #[command(flatten)]
    pub output: ListingOutput,
}

#[derive(Debug, Default, Clone, Serialize, sqlx::FromRow)]
pub struct ContactRow {
    pub id: i32,
    pub email: String,
    pub name: Option<String>,
}
impl Record for ContactRow {}

#[derive(Debug, Default, Serialize, sqlx::FromRow)]
pub struct SentRow {
    pub event: String,
    pub campaign: String,
    pub communication: Option<String>,
    pub status: Option<String>,
    pub sent_at: Option<String>,
    pub last_event: Option<String>,
    pub last_event_at: Option<String>,
}
impl Record for SentRow {}

#[derive(Debug, Default, Serialize, sqlx::FromRow)]
pub struct TicketRow {
    pub event: String,
    pub ticket_number: String,
    pub ticket_type: Option<String>,
    pub status: String,
    pub purchased_at: Option<String>,
    pub marketing_source: Option<String>,
}
impl Record for TicketRow {}

/// Everything one person was sent, and their tickets.
#[derive(Debug, Serialize)]
pub struct History {
    pub contact: ContactRow,
    /// The event the history is limited to, if any.
    #[serde(skip)]
    pub event: Option<Event>,
    pub sent: Vec<SentRow>,
    pub tickets: Vec<TicketRow>,
}

/// The history of the contact with this email address, of one event or all
/// (`attrib contact` and the MCP tool `contact_history`).
pub async fn fetch(
    pool: &PgPool,
    email: &str,
    event: Option<&EventSelector>,
) -> anyhow::Result<History> {
    let email = email.trim();
    let event = match event {
        Some(e) => Some(event::resolve_one(pool, e).await?),
        None => None,
    };
    let contact: Option<ContactRow> =
        sqlx::query_as(include_str!("../../queries/contact_find.sql"))
            .bind(email)
            .fetch_optional(pool)
            .await?;
    let contact = contact.ok_or_else(|| {
        UsageError(format!(
            "no contact has the email address {email}; contacts come from ticket imports and recipient lists"
        ))
    })?;
    let event_id = event.as_ref().map(|e| e.id);
    let sent: Vec<SentRow> = sqlx::query_as(include_str!("../../queries/contact_sent.sql"))
        .bind(contact.id)
        .bind(event_id)
        .fetch_all(pool)
        .await?;
    let tickets: Vec<TicketRow> = sqlx::query_as(include_str!("../../queries/contact_tickets.sql"))
        .bind(contact.id)
        .bind(event_id)
        .fetch_all(pool)
        .await?;
    Ok(History {
        contact,
        event,
        sent,
        tickets,
    })
}

pub async fn run(app: &mut App, args: Args) -> anyhow::Result<Outcome> {
    let listing = args.output.plan()?;
    let pool = app.db().await?;
    let history = fetch(&pool, &args.email, args.event.as_ref()).await?;
    let contact = &history.contact;
    let who = contact
        .name
        .clone()
        .unwrap_or_else(|| contact.email.clone());
    let scope = history
        .event
        .as_ref()
        .map_or(String::new(), |e| format!(" about {}", e.name));
    listing.emit_keyed(
        &app.ui,
        &[
            (
                "contact",
                Section::new("Contact", std::slice::from_ref(contact)),
            ),
            (
                "sent",
                Section::new(format!("Sent to {who}{scope}"), &history.sent),
            ),
            (
                "tickets",
                Section::new(format!("Tickets of {who}"), &history.tickets),
            ),
        ],
    )?;
    Ok(Outcome::Success)
}
