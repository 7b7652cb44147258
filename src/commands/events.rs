//! `attrib events`: the conferences that tickets and campaigns belong to.
//! For organisers setting up a new event before its first Quicket import
//! (`events add`), and for anyone looking up an event's slug, ticket count
//! and last import (`events list`).

use chrono::NaiveDate;
use serde::Serialize;

use crate::app::{App, Outcome};
use crate::error::UsageError;
use crate::event::Event;
use crate::listing::ListingOutput;
use crate::output::{self, Format, Record, Section};
use crate::slug::slugify;

const ADD_EXAMPLES: &str = "\
Examples:
  attrib events add --name \"Data & AI Day 2026\" --starts-on 2026-09-17 --venue \"Johannesburg\"
      (slug: data-ai-day-2026)
  attrib events add --name \"Data & AI Day Cape Town 2026\" --starts-on 2026-11-05 \\
      --ends-on 2026-11-06 --slug data-ai-day-cape-town-2026

Commands name the event with --event: its slug, id:N, or a year when only one
event starts in that year (--event 2025).";

#[derive(Debug, clap::Subcommand)]
pub enum EventsCommand {
    /// Add an event, before importing its tickets.
    #[command(after_long_help = ADD_EXAMPLES)]
    Add(AddArgs),
    /// List the events: slug, dates, tickets, registrations, last import.
    List(ListArgs),
    /// Delete an event: first says what goes with it (campaigns, materials,
    /// tickets); an event with any of these needs --cascade --yes.
    Delete(DeleteArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The event's name as organisers say it, e.g. "Data & AI Day 2026".
    #[arg(long)]
    pub name: String,

    /// The first day of the event (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub starts_on: NaiveDate,

    /// The last day, for an event of several days (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub ends_on: Option<NaiveDate>,

    /// The short name typed after --event (lower-case letters, digits and
    /// dashes). Default: made from the name, e.g. data-ai-day-2026.
    #[arg(long)]
    pub slug: Option<String>,

    /// Where the event takes place.
    #[arg(long)]
    pub venue: Option<String>,

    /// How to show the added event (json: the event as an object).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub output: ListingOutput,
}

/// One line of `events list`.
#[derive(Debug, Default, Serialize, sqlx::FromRow)]
pub struct EventRow {
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub venue: Option<String>,
    pub tickets: i64,
    pub registrations: i64,
    /// In the session time zone (--timezone).
    pub last_import: Option<String>,
}
impl Record for EventRow {}

#[derive(Debug, clap::Args)]
pub struct DeleteArgs {
    /// The event: its slug (data-ai-day-2026) or id:N.
    #[arg(value_name = "EVENT", value_parser = crate::event::parse_selector)]
    pub event: crate::event::EventSelector,

    #[command(flatten)]
    pub confirm: crate::deletion::Confirm,
}

/// `events delete`: the event with its campaigns, communications and their
/// recipients, materials and their distributions, tickets, sessions,
/// sponsorships and import records; contacts stay.
async fn delete(app: &mut App, args: DeleteArgs) -> anyhow::Result<Outcome> {
    let pool = app.db().await?;
    let event = crate::event::resolve_one(&pool, &args.event).await?;
    let what = format!("event {} (id:{}, {})", event.slug, event.id, event.name);
    crate::deletion::run(
        app,
        crate::deletion::Root::Event(event.id),
        &what,
        None,
        args.confirm,
    )
    .await
}

pub async fn run(app: &mut App, cmd: EventsCommand) -> anyhow::Result<Outcome> {
    match cmd {
        EventsCommand::Delete(args) => delete(app, args).await,
        EventsCommand::Add(args) => add(app, args).await,
        EventsCommand::List(args) => list(app, args).await,
    }
}

/// `--starts-on`/`--ends-on`: ISO 8601, from 2000-01-01 to ten years ahead.
fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("'{text}' is not a date; write YYYY-MM-DD, e.g. 2026-09-17"))?;
    crate::when::check_event_date(date, chrono::Utc::now().date_naive())?;
    Ok(date)
}

/// What `events add` will insert, checked before touching the database.
#[derive(Debug, PartialEq, Eq)]
struct NewEvent {
    name: String,
    slug: String,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    venue: Option<String>,
}

fn validate(args: &AddArgs) -> Result<NewEvent, UsageError> {
    let name = args.name.trim().to_string();
    if name.is_empty() {
        return Err(UsageError("--name is empty; give the event's name".into()));
    }
    crate::input::check_flag_text("--name", &name).map_err(UsageError)?;
    if let Some(venue) = &args.venue {
        crate::input::check_flag_text("--venue", venue.trim()).map_err(UsageError)?;
    }
    if name.chars().count() > 200 {
        return Err(UsageError(
            "--name is longer than 200 characters; shorten it".into(),
        ));
    }
    let slug = match &args.slug {
        Some(given) => {
            let given = given.trim();
            let proper = slugify(given);
            if proper != given || proper.is_empty() {
                return Err(UsageError(format!(
                    "--slug '{given}' is not a slug: use lower-case letters, digits and single dashes{}",
                    if proper.is_empty() {
                        String::new()
                    } else {
                        format!(", e.g. {proper}")
                    }
                )));
            }
            proper
        }
        None => {
            let derived = slugify(&name);
            if derived.is_empty() {
                return Err(UsageError(format!(
                    "cannot make a slug from the name '{name}'; give one with --slug, e.g. --slug data-ai-day-2026"
                )));
            }
            derived
        }
    };
    if slug.len() > 100 {
        return Err(UsageError(
            "the slug is longer than 100 characters; give a shorter one with --slug".into(),
        ));
    }
    if slug.len() == 4 && slug.bytes().all(|b| b.is_ascii_digit()) {
        return Err(UsageError(format!(
            "the slug '{slug}' would read as a year after --event; give another with --slug"
        )));
    }
    if let Some(ends_on) = args.ends_on
        && ends_on < args.starts_on
    {
        return Err(UsageError(format!(
            "--ends-on {ends_on} is before --starts-on {}",
            args.starts_on
        )));
    }
    let venue = args
        .venue
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string);
    Ok(NewEvent {
        name,
        slug,
        starts_on: args.starts_on,
        ends_on: args.ends_on,
        venue,
    })
}

async fn add(app: &mut App, args: AddArgs) -> anyhow::Result<Outcome> {
    let new = validate(&args)?;
    let pool = app.db().await?;
    let added: Option<Event> = sqlx::query_as(include_str!("../../queries/events_add.sql"))
        .bind(&new.name)
        .bind(&new.slug)
        .bind(new.starts_on)
        .bind(new.ends_on)
        .bind(&new.venue)
        .fetch_optional(&pool)
        .await?;
    let Some(event) = added else {
        let taken =
            crate::event::resolve_one(&pool, &crate::event::EventSelector::Slug(new.slug.clone()))
                .await?;
        // A name already taken is a usage error (exit 2), as for campaigns.
        return Err(UsageError(format!(
            "an event with the slug '{}' already exists (id:{}, {}, {}); give the new one another slug with --slug",
            taken.slug, taken.id, taken.name, taken.starts_on
        ))
        .into());
    };
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(std::io::stdout().lock(), &event)?;
            crate::outln!()?;
        }
        Format::Table if !app.ui.quiet => crate::outln!(
            "Added event {} (id:{}): {}, {}{}. Import its tickets with \
             `attrib import quicket --event {} FILE`.",
            event.slug,
            event.id,
            event.name,
            event.starts_on,
            event
                .venue
                .as_ref()
                .map_or(String::new(), |v| format!(", {v}")),
            event.slug
        )?,
        Format::Table => {}
        other => output::print_sections(&app.ui, other, &[Section::new("Event", &[event])])?,
    }
    Ok(Outcome::Success)
}

/// Every event with its tickets, registrations and last import (`events
/// list` and the MCP tool `list_events`).
pub async fn fetch_list(pool: &sqlx::PgPool) -> sqlx::Result<Vec<EventRow>> {
    sqlx::query_as(include_str!("../../queries/events_list.sql"))
        .fetch_all(pool)
        .await
}

async fn list(app: &mut App, args: ListArgs) -> anyhow::Result<Outcome> {
    let listing = args.output.plan()?;
    let pool = app.db().await?;
    let rows = fetch_list(&pool).await?;
    listing.emit(&app.ui, &[Section::new("Events", &rows)])?;
    if rows.is_empty() && listing.is_terminal_table() {
        app.ui.note(
            "Add one with `attrib events add --name \"Data & AI Day 2026\" --starts-on 2026-09-17`.",
        );
    }
    Ok(Outcome::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(name: &str, slug: Option<&str>) -> AddArgs {
        AddArgs {
            name: name.into(),
            starts_on: NaiveDate::from_ymd_opt(2026, 9, 17).unwrap(),
            ends_on: None,
            slug: slug.map(str::to_string),
            venue: Some("  ".into()),
            format: Format::Table,
        }
    }

    #[test]
    fn slug_comes_from_the_name_unless_given() {
        let new = validate(&args(" Data & AI Day 2026 ", None)).unwrap();
        assert_eq!(new.slug, "data-ai-day-2026");
        assert_eq!(new.name, "Data & AI Day 2026");
        assert_eq!(new.venue, None);
        let new = validate(&args("Data & AI Day", Some("daid-jhb"))).unwrap();
        assert_eq!(new.slug, "daid-jhb");
    }

    #[test]
    fn bad_values_are_refused() {
        let e = validate(&args("X", Some("My Slug"))).unwrap_err().0;
        assert!(e.contains("e.g. my-slug"), "{e}");
        assert!(validate(&args("  ", None)).unwrap_err().0.contains("empty"));
        assert!(
            validate(&args("!!!", None))
                .unwrap_err()
                .0
                .contains("--slug")
        );
        assert!(
            validate(&args("2026", None))
                .unwrap_err()
                .0
                .contains("year")
        );
        let mut a = args("X", None);
        a.ends_on = NaiveDate::from_ymd_opt(2026, 9, 16);
        assert!(validate(&a).unwrap_err().0.contains("before"));
        assert!(parse_date("17/09/2026").unwrap_err().contains("YYYY-MM-DD"));
        assert!(parse_date("0001-01-01").unwrap_err().contains("2000-01-01"));
        let e = validate(&args("Data\x1b[2J Day", None)).unwrap_err().0;
        assert!(e.contains("--name contains a control character"), "{e}");
        let mut a = args("X", None);
        a.venue = Some("Sandton\nConvention Centre".into());
        assert!(validate(&a).unwrap_err().0.contains("--venue"));
    }
}
