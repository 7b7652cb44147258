//! The data of `attrib summary`: what changed for an event in a time window
//! [since, until), computed by PostgreSQL (`queries/summary_*.sql`) from the
//! attribution the report uses ([`crate::sources`]).
//!
//! Everything is read in one read-only REPEATABLE READ transaction, so that
//! the window, the counts and the last import agree even while an import
//! runs. Nothing is written to the database.

pub mod render;
pub mod target;
pub mod window;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgPool};

use crate::attention::{self, Finding};
use crate::error::UsageError;
use crate::event::Event;
use crate::report::queries::log_query;
use crate::sources::EventSources;
use window::{Instant, Since, Span};

const WINDOW: &str = include_str!("../../queries/summary_window.sql");
const REGISTRATIONS: &str = include_str!("../../queries/summary_registrations.sql");
const SOURCES: &str = include_str!("../../queries/summary_sources.sql");
const EMAILS: &str = include_str!("../../queries/summary_emails.sql");
const LAST_IMPORT: &str = include_str!("../../queries/summary_last_import.sql");

/// What the summary is asked for.
#[derive(Debug, Clone)]
pub struct Request {
    pub since: Since,
    /// The pinned "now" (`--now`), else the time of the run.
    pub now: Option<Instant>,
    pub stale_after: Span,
    /// `--max-unattributed`: the largest share (percent) of the window's
    /// registrations that may name no campaign before `--strict` flags it.
    pub max_unattributed: Option<f64>,
}

/// The window [since, until), in the session time zone.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Window {
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub timezone: String,
    /// "2026-05-01 08:00", for people.
    pub since_local: String,
    pub until_local: String,
    /// ISO 8601 with the offset, for JSON.
    pub since_iso: String,
    pub until_iso: String,
    /// YYYY-MM-DD of "until": the `{date}` of `--out`.
    pub date: String,
    /// "the last 24 hours", "since 2026-05-01 00:00".
    #[sqlx(skip)]
    pub label: String,
}

/// Summaries of one or more events over one window.
#[derive(Debug, Clone)]
pub struct Summary {
    pub window: Window,
    pub stale_after: Span,
    pub events: Vec<EventSummary>,
}

/// What changed for one event.
#[derive(Debug, Clone)]
pub struct EventSummary {
    pub event: Event,
    /// The rows of `summary_registrations.sql`: campaigns, ambiguous
    /// sources, unattributed, no_source, total.
    pub registrations: Vec<RegistrationRow>,
    /// Every unattributed source before "until" (newly seen or not).
    pub sources: Vec<SourceRow>,
    pub emails: Vec<EmailRow>,
    pub last_import: Option<LastImport>,
    /// The last Quicket import is older than `--stale-after`, or missing.
    pub stale: Option<Finding>,
    /// Every `--strict` finding, the staleness first.
    pub findings: Vec<Finding>,
}

/// A row of new registrations beside the running total. `kind`: campaign,
/// ambiguous, unattributed, no_source or total.
#[derive(Debug, Clone, Default, PartialEq, sqlx::FromRow)]
pub struct RegistrationRow {
    pub kind: String,
    pub campaign_id: Option<i32>,
    /// The campaign's name; for an ambiguous source, the campaigns it names.
    pub name: Option<String>,
    /// The campaign's slug; for an ambiguous source, the source.
    pub slug: Option<String>,
    /// Registrations purchased in the window.
    pub new_registrations: i64,
    /// Every registration purchased before the end of the window.
    pub registrations: i64,
    #[sqlx(skip)]
    pub campaign_ids: Vec<i32>,
}

/// An unattributed source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, sqlx::FromRow)]
pub struct SourceRow {
    pub source: String,
    pub new_registrations: i64,
    pub registrations: i64,
    /// Its first registration falls in the window.
    #[serde(skip)]
    pub newly_seen: bool,
    pub first_seen: String,
    pub suggestion: Option<String>,
    pub example: Option<String>,
}

/// An email communication sent in the window, with its recipients now.
#[derive(Debug, Clone, Default, PartialEq, Serialize, sqlx::FromRow)]
pub struct EmailRow {
    pub campaign_id: i32,
    pub campaign: String,
    pub communication_id: i32,
    pub title: Option<String>,
    pub sent_at: Option<String>,
    pub recipients: i64,
    pub sent: i64,
    pub delivered: i64,
    pub opened: i64,
    pub clicked: i64,
    pub bounced: i64,
    pub failed: i64,
    pub queued: i64,
    pub delivery_rate: Option<f64>,
    pub open_rate: Option<f64>,
    pub click_rate: Option<f64>,
    pub bounce_rate: Option<f64>,
}

/// The last Quicket import of the event.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct LastImport {
    #[serde(skip)]
    pub finished_at: DateTime<Utc>,
    #[serde(rename = "finished_at")]
    pub finished_local: String,
    pub file_name: String,
    pub rows_read: i32,
    pub tickets_created: i32,
    pub tickets_updated: i32,
    /// Whole minutes between the import and "until".
    #[sqlx(skip)]
    pub age_minutes: i64,
    #[sqlx(skip)]
    pub stale: bool,
}

impl Summary {
    /// The summary of the `i`-th event alone (one file per event).
    pub fn only(&self, i: usize) -> Summary {
        Summary {
            window: self.window.clone(),
            stale_after: self.stale_after,
            events: vec![self.events[i].clone()],
        }
    }
}

impl EventSummary {
    fn row(&self, kind: &str) -> Option<&RegistrationRow> {
        self.registrations.iter().find(|r| r.kind == kind)
    }

    pub fn rows_of_kind<'a>(
        &'a self,
        kind: &'a str,
    ) -> impl Iterator<Item = &'a RegistrationRow> + 'a {
        self.registrations.iter().filter(move |r| r.kind == kind)
    }

    /// (new, running total) of a bucket: total, unattributed, no_source.
    pub fn counts(&self, kind: &str) -> (i64, i64) {
        self.row(kind)
            .map_or((0, 0), |r| (r.new_registrations, r.registrations))
    }

    /// Unattributed sources whose first registration falls in the window.
    pub fn new_sources(&self) -> impl Iterator<Item = &SourceRow> {
        self.sources.iter().filter(|s| s.newly_seen)
    }

    /// Nothing new at all: no registrations, no new source, no email sent.
    pub fn is_quiet(&self) -> bool {
        self.counts("total").0 == 0 && self.new_sources().next().is_none() && self.emails.is_empty()
    }

    /// The `--strict` findings in one line, or None.
    pub fn attention(&self) -> Option<String> {
        attention::line(&self.event.slug, &self.findings)
    }
}

const BEGIN: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

/// Reads the summaries of `events` in one snapshot.
pub async fn build(
    pool: &PgPool,
    events: Vec<Event>,
    request: &Request,
) -> anyhow::Result<Summary> {
    let mut tx = pool.begin_with(BEGIN).await?;
    let window = read_window(&mut tx, request).await?;
    let mut summaries = Vec::with_capacity(events.len());
    for event in events {
        summaries.push(build_event(&mut tx, event, &window, request).await?);
    }
    tx.commit().await?;
    Ok(Summary {
        window,
        stale_after: request.stale_after,
        events: summaries,
    })
}

async fn read_window(conn: &mut PgConnection, request: &Request) -> anyhow::Result<Window> {
    let (now_offset, now_local) = match request.now {
        Some(Instant::WithOffset(t)) => (Some(t), None),
        Some(Instant::Local(t)) => (None, Some(t)),
        None => (None, None),
    };
    let (ago, since_local) = match &request.since {
        Since::Ago(span) => (Some(i32::try_from(span.minutes())?), None),
        Since::Local(t) => (None, Some(*t)),
    };
    let started = std::time::Instant::now();
    let mut window: Window = sqlx::query_as(WINDOW)
        .bind(now_offset)
        .bind(now_local)
        .bind(ago)
        .bind(since_local)
        .fetch_one(&mut *conn)
        .await?;
    log_query("summary_window", started, 1);
    if window.since >= window.until {
        return Err(UsageError(format!(
            "--since {} is not before now ({} {}): the window would be empty. Give a start in \
             the past, e.g. --since 24h or --since {}.",
            match &request.since {
                Since::Local(t) => t.format("%Y-%m-%dT%H:%M").to_string(),
                Since::Ago(span) => span.to_string(),
            },
            window.until_local,
            window.timezone,
            &window.date
        ))
        .into());
    }
    window.label = request.since.describe();
    Ok(window)
}

async fn build_event(
    conn: &mut PgConnection,
    event: Event,
    window: &Window,
    request: &Request,
) -> anyhow::Result<EventSummary> {
    let sources = EventSources::read(conn, event.id).await?;
    let map = sources.source_map();
    // One key per campaign (the SQL joins them by id), old slugs shown.
    let keys = crate::sources::shown_keys(&sources.campaigns);

    let started = std::time::Instant::now();
    let mut registrations: Vec<RegistrationRow> = sqlx::query_as(REGISTRATIONS)
        .bind(event.id)
        .bind(window.since)
        .bind(window.until)
        .bind(&map.raw)
        .bind(&map.bucket)
        .bind(&map.campaign_id)
        .bind(&map.normalised)
        .bind(keys.iter().map(|k| k.id).collect::<Vec<_>>())
        .bind(keys.iter().map(|k| k.slug.clone()).collect::<Vec<_>>())
        .fetch_all(&mut *conn)
        .await?;
    log_query("summary_registrations", started, registrations.len());
    for row in registrations.iter_mut().filter(|r| r.kind == "ambiguous") {
        let ids = sources.ambiguous_ids(row.slug.as_deref().unwrap_or_default());
        row.campaign_ids = ids.to_vec();
        row.name = Some(format!("Ambiguous: {}", sources.describe_campaigns(ids)));
    }

    let unattributed: Vec<usize> = (0..map.bucket.len())
        .filter(|&i| map.bucket[i] == "unattributed")
        .collect();
    let pick = |values: &[String]| -> Vec<String> {
        unattributed.iter().map(|&i| values[i].clone()).collect()
    };
    let started = std::time::Instant::now();
    let source_rows: Vec<SourceRow> = sqlx::query_as(SOURCES)
        .bind(event.id)
        .bind(window.since)
        .bind(window.until)
        .bind(pick(&map.raw))
        .bind(pick(&map.normalised))
        .bind(
            unattributed
                .iter()
                .map(|&i| map.suggestion[i].clone())
                .collect::<Vec<_>>(),
        )
        .fetch_all(&mut *conn)
        .await?;
    log_query("summary_sources", started, source_rows.len());

    let started = std::time::Instant::now();
    let emails: Vec<EmailRow> = sqlx::query_as(EMAILS)
        .bind(event.id)
        .bind(window.since)
        .bind(window.until)
        .fetch_all(&mut *conn)
        .await?;
    log_query("summary_emails", started, emails.len());

    let started = std::time::Instant::now();
    let mut last_import: Option<LastImport> = sqlx::query_as(LAST_IMPORT)
        .bind(event.id)
        .bind(window.until)
        .fetch_optional(&mut *conn)
        .await?;
    log_query(
        "summary_last_import",
        started,
        usize::from(last_import.is_some()),
    );
    if let Some(import) = &mut last_import {
        import.age_minutes = (window.until - import.finished_at).num_minutes();
        import.stale = import.age_minutes > request.stale_after.minutes();
    }
    let stale = staleness(last_import.as_ref(), request.stale_after);

    let mut summary = EventSummary {
        event,
        registrations,
        sources: source_rows,
        emails,
        last_import,
        stale,
        findings: Vec::new(),
    };
    summary.findings = findings(&summary, request.max_unattributed);
    Ok(summary)
}

/// The stale-import finding: no import, or one older than `stale_after`.
pub fn staleness(last: Option<&LastImport>, stale_after: Span) -> Option<Finding> {
    match last {
        None => Some(Finding::StaleImport {
            finished_at: None,
            age: None,
            stale_after: stale_after.to_string(),
        }),
        Some(import) if import.stale => Some(Finding::StaleImport {
            finished_at: Some(import.finished_local.clone()),
            age: Some(window::describe_age(import.age_minutes)),
            stale_after: stale_after.to_string(),
        }),
        Some(_) => None,
    }
}

/// The `--strict` findings of a summary, by the rule shared with the report:
/// a stale import; ambiguous and typo-like sources over the running totals
/// (as the report counts them); the unattributed share of the window's new
/// registrations above `max_unattributed`.
fn findings(summary: &EventSummary, max_unattributed: Option<f64>) -> Vec<Finding> {
    let (new_total, _) = summary.counts("total");
    let (new_unattributed, _) = summary.counts("unattributed");
    [
        summary.stale.clone(),
        attention::ambiguous(summary.rows_of_kind("ambiguous").map(|r| {
            (
                r.slug.as_deref().unwrap_or_default(),
                r.campaign_ids.as_slice(),
                r.registrations,
            )
        })),
        attention::likely_typos(
            summary
                .sources
                .iter()
                .map(|s| (s.source.as_str(), s.suggestion.as_deref(), s.registrations)),
        ),
        attention::unattributed_share(new_unattributed, new_total, max_unattributed),
    ]
    .into_iter()
    .flatten()
    .collect()
}
