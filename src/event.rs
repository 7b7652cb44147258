//! Events and how organisers name them on the command line (`--event`): by
//! slug (`data-ai-day-2026`), by id (`id:3`) or by year (`2026`).

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::PgPool;

use crate::error::UsageError;

/// An event as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Event {
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub venue: Option<String>,
}

impl crate::output::Record for Event {}

/// What `--event` may say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventSelector {
    Slug(String),
    Id(i32),
    Year(i32),
}

impl FromStr for EventSelector {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(id) = s.strip_prefix("id:") {
            return id
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|id| *id > 0)
                .map(EventSelector::Id)
                .ok_or_else(|| format!("'{s}' is not an event id; write id:N, e.g. id:3"));
        }
        if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(EventSelector::Year(s.parse().expect("four digits")));
        }
        let slug = crate::slug::slugify(s);
        if slug.is_empty() {
            return Err(format!(
                "'{s}' does not name an event; give its slug (data-ai-day-2026), id:N or a year (2026)"
            ));
        }
        Ok(EventSelector::Slug(slug))
    }
}

impl fmt::Display for EventSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventSelector::Slug(s) => write!(f, "{s}"),
            EventSelector::Id(id) => write!(f, "id:{id}"),
            EventSelector::Year(y) => write!(f, "{y}"),
        }
    }
}

const EVENT_COLUMNS: &str = "id, slug, name, starts_on, ends_on, venue";

/// Every event, oldest first.
pub async fn list(pool: &PgPool) -> sqlx::Result<Vec<Event>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {EVENT_COLUMNS} FROM events ORDER BY starts_on, id"
    )))
    .fetch_all(pool)
    .await
}

/// The events a selector names: one for a slug or id, every event starting in
/// that year for a year. None is an error that lists the events there are.
pub async fn resolve_all(pool: &PgPool, selector: &EventSelector) -> anyhow::Result<Vec<Event>> {
    let query = format!(
        "SELECT {EVENT_COLUMNS} FROM events
         WHERE ($1::text IS NOT NULL AND slug = $1)
            OR ($2::int IS NOT NULL AND id = $2)
            OR ($3::int IS NOT NULL AND EXTRACT(YEAR FROM starts_on) = $3)
         ORDER BY starts_on, id"
    );
    let (slug, id, year) = match selector {
        EventSelector::Slug(s) => (Some(s.as_str()), None, None),
        EventSelector::Id(id) => (None, Some(*id), None),
        EventSelector::Year(y) => (None, None, Some(*y)),
    };
    let events: Vec<Event> = sqlx::query_as(sqlx::AssertSqlSafe(query))
        .bind(slug)
        .bind(id)
        .bind(year)
        .fetch_all(pool)
        .await?;
    if events.is_empty() {
        let all = list(pool).await?;
        return Err(UsageError(format!(
            "no event matches --event {selector}.{} {}",
            did_you_mean(selector, &all),
            describe_choices(&all)
        ))
        .into());
    }
    Ok(events)
}

/// Exactly one event: a year that matches several is an error listing them.
pub async fn resolve_one(pool: &PgPool, selector: &EventSelector) -> anyhow::Result<Event> {
    let mut events = resolve_all(pool, selector).await?;
    if events.len() > 1 {
        return Err(UsageError(format!(
            "--event {selector} matches {} events; name one by slug or id. {}",
            events.len(),
            describe_choices(&events)
        ))
        .into());
    }
    Ok(events.remove(0))
}

/// " Did you mean data-ai-day-2026?" when a slug is a likely typo of an
/// event's slug (the report's "did you mean" rule, src/slug.rs), else "".
pub fn did_you_mean(selector: &EventSelector, events: &[Event]) -> String {
    let EventSelector::Slug(slug) = selector else {
        return String::new();
    };
    crate::slug::suggest(slug, events.iter().map(|e| e.slug.as_str()))
        .map_or(String::new(), |s| format!(" Did you mean {s}?"))
}

/// "Events: data-ai-day-2026 (id:1, 2026-09-17, Data & AI Day 2026), ..."
pub fn describe_choices(events: &[Event]) -> String {
    if events.is_empty() {
        return "There are no events yet; add one with `attrib events add --name NAME --starts-on YYYY-MM-DD`. \
                (The data `attrib demo` loaded is in the demo's database: add --demo, e.g. \
                `attrib --demo report --event 2026`.)"
            .into();
    }
    let list: Vec<String> = events
        .iter()
        .map(|e| format!("{} (id:{}, {}, {})", e.slug, e.id, e.starts_on, e.name))
        .collect();
    format!("Events: {}", list.join("; "))
}

/// clap value parser for `--event`.
pub fn parse_selector(s: &str) -> Result<EventSelector, String> {
    s.parse()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors() {
        assert_eq!("2026".parse(), Ok(EventSelector::Year(2026)));
        assert_eq!("id:7".parse(), Ok(EventSelector::Id(7)));
        assert_eq!(
            "data-ai-day-2026".parse(),
            Ok(EventSelector::Slug("data-ai-day-2026".into()))
        );
        // A name typed instead of a slug still finds the slug.
        assert_eq!(
            "Data & AI Day 2026".parse(),
            Ok(EventSelector::Slug("data-ai-day-2026".into()))
        );
        assert!("id:x".parse::<EventSelector>().is_err());
        assert!("id:0".parse::<EventSelector>().is_err());
        assert!("!!!".parse::<EventSelector>().is_err());
        assert_eq!("12345".parse(), Ok(EventSelector::Slug("12345".into())));
    }

    #[test]
    fn a_mistyped_slug_gets_a_suggestion() {
        let event = |slug: &str| Event {
            id: 1,
            slug: slug.into(),
            name: slug.into(),
            starts_on: chrono::NaiveDate::from_ymd_opt(2026, 9, 17).unwrap(),
            ends_on: None,
            venue: None,
        };
        let events = [event("data-ai-day-2026"), event("data-ai-day-2025")];
        let typo = EventSelector::Slug("data-ai-day-2062".into());
        // Two slugs are as close: no guess.
        assert_eq!(did_you_mean(&typo, &events), "");
        let typo = EventSelector::Slug("data-ia-day-2026".into());
        assert_eq!(
            did_you_mean(&typo, &events[..1]),
            " Did you mean data-ai-day-2026?"
        );
        assert_eq!(did_you_mean(&EventSelector::Year(2062), &events), "");
    }
}
