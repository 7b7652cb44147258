//! `attrib campaigns`: the campaigns of each event, for the organisers who
//! plan outreach. `add` records one, `list` shows each with its slug (the
//! value to put in links: `?utm_campaign=cfp-2026`), `set-status` moves one
//! through draft, active, completed and cancelled. `rename` gives one a new
//! name (and so a new slug), keeping the old slug working as an alias when
//! tickets already name it (`--keep-old-slug`, attrib.campaign_slug_aliases).
//!
//! A campaign's slug is its name in slug form, never stored, so two campaigns
//! of one event must not have names with the same slug: their tickets could
//! not be told apart. `add` refuses such a name.

use serde::Serialize;
use sqlx::PgPool;

use crate::app::{App, Outcome};
use crate::attribution::{self, CampaignKey};
use crate::campaign::{self, CampaignSelector};
use crate::error::UsageError;
use crate::event::{self, Event, EventSelector};
use crate::listing::ListingOutput;
use crate::output::{self, Format, Record, Section};
use crate::slug::slugify;
use crate::vocabulary::{CampaignStatus, CampaignType, plural};

const LIST_SQL: &str = include_str!("../../queries/campaigns_list.sql");

/// `campaigns.name` is VARCHAR(200).
const NAME_MAX_CHARS: usize = 200;

#[derive(Debug, clap::Subcommand)]
pub enum CampaignsCommand {
    /// Add a campaign to an event.
    #[command(after_long_help = ADD_EXAMPLES)]
    Add(AddArgs),
    /// List campaigns with their slugs: the value to put in links.
    #[command(after_long_help = LIST_EXAMPLES)]
    List(ListArgs),
    /// Change a campaign's status (draft, active, completed, cancelled).
    #[command(after_long_help = SET_STATUS_EXAMPLES)]
    SetStatus(SetStatusArgs),
    /// Rename a campaign. A new name with a new slug is refused while
    /// tickets name the old slug, unless --keep-old-slug keeps it working.
    #[command(after_long_help = RENAME_HELP)]
    Rename(RenameArgs),
    /// Delete a campaign: first says what goes with it (communications,
    /// recipients, materials, distributions); needs --yes, and --cascade
    /// when it has communications or materials.
    Delete(DeleteArgs),
}

const RENAME_HELP: &str = "\
A campaign's slug is always its name in slug form: a new name whose slug differs changes the \
slug. Tickets whose marketing source names the old slug would then no longer count for the \
campaign, so attrib shows how many there are and refuses, unless --keep-old-slug: the old slug \
then stays an alias, still attributed to the campaign and shown beside its slug in the report.

Examples:
  attrib campaigns rename cfp-2026 --event 2026 --name 'CFP 2026 (extended)'
  attrib campaigns rename cfp-2026 --event 2026 --name 'Call for Speakers 2026' \\
      --slug call-for-speakers-2026 --keep-old-slug";

const ADD_EXAMPLES: &str = "\
Examples:
  attrib campaigns add --event data-ai-day-2026 --name 'CFP 2026' --type cfp
  attrib campaigns add --event id:3 --name 'Early Bird Registration 2026' --type registration \\
      --status active --description 'Early-bird pricing until 30 June'

The campaign's slug (here cfp-2026) is what tickets' marketing source must say: put it in \
links as ?utm_campaign=cfp-2026. A name whose slug another campaign of the event already has \
is refused.";

const LIST_EXAMPLES: &str = "\
Examples:
  attrib campaigns list
  attrib campaigns list --event 2026
  attrib campaigns list --event data-ai-day-2026 --format json | jq -r '.[].slug'";

const SET_STATUS_EXAMPLES: &str = "\
Examples:
  attrib campaigns set-status cfp-2026 active --event data-ai-day-2026
  attrib campaigns set-status id:12 completed";

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The event: its slug (data-ai-day-2026) or id:N.
    #[arg(long, value_name = "EVENT", value_parser = event::parse_selector)]
    pub event: EventSelector,

    /// The campaign's name, e.g. "CFP 2026" (slug cfp-2026). At most 200
    /// characters.
    #[arg(long, value_name = "NAME")]
    pub name: String,

    /// What the campaign is for.
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    pub campaign_type: CampaignType,

    /// Its status.
    #[arg(long, value_enum, default_value_t = CampaignStatus::Draft)]
    pub status: CampaignStatus,

    /// A few words of context.
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,

    /// Output format of the added campaign.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only the campaigns of this event: its slug, id:N, or a year (2026)
    /// for every event starting that year.
    #[arg(long, value_name = "EVENT", value_parser = event::parse_selector)]
    pub event: Option<EventSelector>,

    #[command(flatten)]
    pub output: ListingOutput,
}

#[derive(Debug, clap::Args)]
pub struct SetStatusArgs {
    /// The campaign: its slug (cfp-2026), looked up within --event when
    /// given, or id:N.
    #[arg(value_name = "CAMPAIGN", value_parser = campaign::parse_selector)]
    pub campaign: CampaignSelector,

    /// The new status.
    #[arg(value_enum, value_name = "STATUS")]
    pub status: CampaignStatus,

    /// The event whose campaign the slug names: its slug or id:N.
    #[arg(long, value_name = "EVENT", value_parser = event::parse_selector)]
    pub event: Option<EventSelector>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct RenameArgs {
    /// The campaign: its slug (cfp-2026), looked up within --event when
    /// given, or id:N.
    #[arg(value_name = "CAMPAIGN", value_parser = campaign::parse_selector)]
    pub campaign: CampaignSelector,

    /// The new name. At most 200 characters.
    #[arg(long, value_name = "NAME")]
    pub name: String,

    /// The slug the new name must have (the slug follows the name): a
    /// check that the links you will send say what attrib will match.
    #[arg(long, value_name = "SLUG")]
    pub slug: Option<String>,

    /// Keep the old slug working: tickets naming it still count for the
    /// campaign.
    #[arg(long)]
    pub keep_old_slug: bool,

    /// The event whose campaign the slug names: its slug or id:N.
    #[arg(long, value_name = "EVENT", value_parser = event::parse_selector)]
    pub event: Option<EventSelector>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct DeleteArgs {
    /// The campaign: its slug (cfp-2026), looked up within --event when
    /// given, or id:N.
    #[arg(value_name = "CAMPAIGN", value_parser = campaign::parse_selector)]
    pub campaign: CampaignSelector,

    /// The event whose campaign the slug names: its slug or id:N.
    #[arg(long, value_name = "EVENT", value_parser = event::parse_selector)]
    pub event: Option<EventSelector>,

    #[command(flatten)]
    pub confirm: crate::deletion::Confirm,
}

async fn delete(app: &mut App, args: DeleteArgs) -> anyhow::Result<Outcome> {
    let pool = app.db().await?;
    let event = match &args.event {
        Some(selector) => Some(event::resolve_one(&pool, selector).await?),
        None => None,
    };
    let found = campaign::resolve(&pool, &args.campaign, event.as_ref()).await?;
    let sources: Vec<(String, i64)> = sqlx::query_as(
        "SELECT coalesce(marketing_source, ''), count(*) FROM tickets
         WHERE event_id = $1 GROUP BY 1",
    )
    .bind(found.event_id)
    .fetch_all(&pool)
    .await?;
    let naming = tickets_naming(&found.slug(), &sources);
    let also = (naming > 0).then(|| {
        format!(
            "{} name its slug {}: they will count as unattributed.",
            plural(naming, "ticket", "tickets"),
            found.slug()
        )
    });
    let what = format!(
        "campaign id:{} ({}, {})",
        found.id,
        found.slug(),
        found.name
    );
    crate::deletion::run(
        app,
        crate::deletion::Root::Campaign(found.id),
        &what,
        also,
        args.confirm,
    )
    .await
}

pub async fn run(app: &mut App, command: CampaignsCommand) -> anyhow::Result<Outcome> {
    match command {
        CampaignsCommand::Delete(args) => delete(app, args).await,
        CampaignsCommand::Rename(args) => rename(app, args).await,
        CampaignsCommand::Add(args) => add(app, args).await,
        CampaignsCommand::List(args) => list(app, args).await,
        CampaignsCommand::SetStatus(args) => set_status(app, args).await,
    }
}

/// A campaign name checked and trimmed, with its slug. The message says
/// what to do instead.
pub fn validate_name(name: &str) -> Result<(String, String), String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("--name is empty; give the campaign a name, e.g. --name 'CFP 2026'".into());
    }
    let chars = name.chars().count();
    if chars > NAME_MAX_CHARS {
        return Err(format!(
            "--name is {chars} characters long; at most {NAME_MAX_CHARS} fit. Put the details in --description."
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(
            "--name contains a line break or another control character; write it on one line"
                .into(),
        );
    }
    let slug = slugify(name);
    if slug.is_empty() {
        return Err(format!(
            "--name '{name}' has no letter or digit, so it has no slug for links; use words, e.g. 'CFP 2026'"
        ));
    }
    if attribution::looks_like_id_reference(&slug) {
        return Err(format!(
            "--name '{name}' has the slug '{slug}', which marketing sources read as a campaign id \
             (campaign-N or N); add a word, e.g. 'CFP {name}'"
        ));
    }
    Ok((name.to_string(), slug))
}

/// A campaign as `add` and `list` show it.
#[derive(Debug, Default, Serialize, sqlx::FromRow)]
pub struct CampaignListRow {
    pub id: i32,
    pub event: String,
    pub name: String,
    #[sqlx(skip)]
    pub slug: String,
    pub campaign_type: String,
    pub status: Option<String>,
    pub communications: i64,
    pub description: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

impl Record for CampaignListRow {}

/// The campaigns of these events, or of every event (`campaigns list` and
/// the MCP tool `list_campaigns`).
pub async fn fetch_list(
    pool: &PgPool,
    event_ids: Option<Vec<i32>>,
) -> sqlx::Result<Vec<CampaignListRow>> {
    let mut rows: Vec<CampaignListRow> = sqlx::query_as(LIST_SQL)
        .bind(event_ids)
        .fetch_all(pool)
        .await?;
    for row in &mut rows {
        row.slug = slugify(&row.name);
    }
    Ok(rows)
}

async fn add(app: &mut App, args: AddArgs) -> anyhow::Result<Outcome> {
    let (name, slug) = validate_name(&args.name).map_err(UsageError)?;
    let description = args
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    let pool = app.db().await?;
    let event = event::resolve_one(&pool, &args.event).await?;

    let mut tx = pool.begin().await?;
    // Two `campaigns add` for one event at once must not both pass the slug
    // check: they take turns on the event row (imports are not blocked).
    sqlx::query("SELECT id FROM events WHERE id = $1 FOR NO KEY UPDATE")
        .bind(event.id)
        .execute(&mut *tx)
        .await?;
    let existing: Vec<(i32, String)> =
        sqlx::query_as("SELECT id, name::text FROM campaigns WHERE event_id = $1 ORDER BY id")
            .bind(event.id)
            .fetch_all(&mut *tx)
            .await?;
    if let Some((id, other)) = existing.iter().find(|(_, n)| slugify(n) == slug) {
        return Err(UsageError(format!(
            "event {} already has campaign id:{id} '{other}' with the slug '{slug}'; tickets could \
             not tell the two apart. Choose a name with a different slug (e.g. add the month or \
             the channel), or use the existing campaign.",
            event.slug
        ))
        .into());
    }
    // An old slug kept by a rename still names its campaign.
    let alias_of: Option<(i32, String)> = sqlx::query_as(
        "SELECT c.id, c.name::text FROM campaigns c
         JOIN attrib.campaign_slug_aliases a ON a.campaign_id = c.id
         WHERE c.event_id = $1 AND a.slug = $2 LIMIT 1",
    )
    .bind(event.id)
    .bind(&slug)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((id, other)) = alias_of {
        return Err(UsageError(format!(
            "event {} already has campaign id:{id} '{other}', which kept the slug '{slug}' when \
             it was renamed; tickets could not tell the two apart. Choose a name with a \
             different slug.",
            event.slug
        ))
        .into());
    }
    let id: i32 = sqlx::query_scalar(
        "INSERT INTO campaigns (name, event_id, campaign_type, status, description)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(&name)
    .bind(event.id)
    .bind(args.campaign_type.as_str())
    .bind(args.status.as_str())
    .bind(description)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;

    let row = fetch_list(&pool, Some(vec![event.id]))
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| anyhow::anyhow!("campaign id:{id} vanished right after it was added"))?;
    print_one(app, args.format, "Added campaign", &row)?;
    app.ui.note(format!(
        "Added campaign id:{id} to {}. Its slug is {slug}: put it in links as ?utm_campaign={slug}",
        event.slug
    ));
    Ok(Outcome::Success)
}

/// One record: a JSON object, or a one-row table.
fn print_one<T: Record>(app: &App, format: Format, title: &str, row: &T) -> anyhow::Result<()> {
    // A confirmation, not a result: --quiet drops it (JSON is kept for scripts).
    if format == Format::Table && app.ui.quiet {
        return Ok(());
    }
    if format == Format::Json {
        crate::outln!("{}", serde_json::to_string_pretty(row)?)?;
        return Ok(());
    }
    output::print_sections(
        &app.ui,
        format,
        &[Section::new(title, std::slice::from_ref(row))],
    )
}

/// The campaigns of the events `event` names, or of every event (`campaigns
/// list` and the MCP tool `list_campaigns`).
pub async fn fetch(
    pool: &PgPool,
    event: Option<&EventSelector>,
) -> anyhow::Result<Vec<CampaignListRow>> {
    let events: Option<Vec<Event>> = match event {
        Some(selector) => Some(event::resolve_all(pool, selector).await?),
        None => None,
    };
    Ok(fetch_list(
        pool,
        events.as_ref().map(|e| e.iter().map(|e| e.id).collect()),
    )
    .await?)
}

/// Campaigns of one event sharing a slug, one warning each: the report
/// cannot attribute their tickets.
pub fn shared_slug_warnings(rows: &[CampaignListRow]) -> Vec<String> {
    let mut by_event: std::collections::BTreeMap<&str, Vec<CampaignKey>> = Default::default();
    for row in rows {
        by_event.entry(&row.event).or_default().push(CampaignKey {
            id: row.id,
            slug: row.slug.clone(),
        });
    }
    let mut warnings = Vec::new();
    for (event, keys) in by_event {
        for (slug, ids) in attribution::shared_slugs(&keys) {
            let ids: Vec<String> = ids.iter().map(|id| format!("id:{id}")).collect();
            warnings.push(format!(
                "campaigns {} of {event} share the slug '{slug}': tickets with that source are \
                 reported as ambiguous. Rename one of them.",
                ids.join(" and ")
            ));
        }
    }
    warnings
}

async fn list(app: &mut App, args: ListArgs) -> anyhow::Result<Outcome> {
    let listing = args.output.plan()?;
    let pool = app.db().await?;
    let rows = fetch(&pool, args.event.as_ref()).await?;
    listing.emit(&app.ui, &[Section::new("Campaigns", &rows)])?;
    for warning in shared_slug_warnings(&rows) {
        app.ui.warn(warning);
    }
    if rows.is_empty() {
        app.ui
            .note("No campaigns yet; add one with `attrib campaigns add --event EVENT --name NAME --type TYPE`.");
    }
    Ok(Outcome::Success)
}

/// What `set-status` did.
#[derive(Debug, Default, Serialize)]
struct StatusChange {
    campaign_id: i32,
    event_id: i32,
    name: String,
    slug: String,
    previous_status: Option<String>,
    status: String,
    changed: bool,
    updated_at: Option<String>,
}

impl Record for StatusChange {}

async fn set_status(app: &mut App, args: SetStatusArgs) -> anyhow::Result<Outcome> {
    let pool = app.db().await?;
    let event = match &args.event {
        Some(selector) => Some(event::resolve_one(&pool, selector).await?),
        None => None,
    };
    let campaign = campaign::resolve(&pool, &args.campaign, event.as_ref()).await?;
    let status = args.status.as_str();

    let mut tx = pool.begin().await?;
    let previous: Option<Option<String>> =
        sqlx::query_scalar("SELECT status::text FROM campaigns WHERE id = $1 FOR UPDATE")
            .bind(campaign.id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(previous) = previous else {
        return Err(anyhow::anyhow!(
            "campaign id:{} was deleted while attrib was changing it; nothing was changed",
            campaign.id
        ));
    };
    let changed = previous.as_deref() != Some(status);
    // The trigger of migration 004 moves updated_at when the row changes.
    let updated_at: Option<String> = if changed {
        sqlx::query_scalar(
            "UPDATE campaigns SET status = $2 WHERE id = $1
             RETURNING to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS')",
        )
        .bind(campaign.id)
        .bind(status)
        .fetch_one(&mut *tx)
        .await?
    } else {
        sqlx::query_scalar(
            "SELECT to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS') FROM campaigns WHERE id = $1",
        )
        .bind(campaign.id)
        .fetch_one(&mut *tx)
        .await?
    };
    tx.commit().await?;

    let change = StatusChange {
        campaign_id: campaign.id,
        event_id: campaign.event_id,
        name: campaign.name.clone(),
        slug: campaign.slug(),
        previous_status: previous.clone(),
        status: status.to_string(),
        changed,
        updated_at,
    };
    print_one(app, args.format, "Campaign status", &change)?;
    if changed {
        app.ui.note(format!(
            "Campaign id:{} ({}) is now {status} (was {}).",
            campaign.id,
            change.slug,
            previous.as_deref().unwrap_or("not set")
        ));
    } else {
        app.ui.note(format!(
            "Campaign id:{} ({}) was already {status}; nothing changed.",
            campaign.id, change.slug
        ));
    }
    Ok(Outcome::Success)
}

/// What `rename` did.
#[derive(Debug, Default, Serialize)]
struct Rename {
    campaign_id: i32,
    previous_name: String,
    name: String,
    previous_slug: String,
    slug: String,
    /// Tickets of the event whose marketing source names the old slug.
    tickets_naming_old_slug: i64,
    /// Old slugs still attributed to the campaign.
    aliases: Vec<String>,
}

impl Record for Rename {}

/// How many of `sources` (raw marketing source, tickets) name `slug`.
pub fn tickets_naming(slug: &str, sources: &[(String, i64)]) -> i64 {
    sources
        .iter()
        .filter(|(raw, _)| crate::slug::normalise_source(raw) == slug)
        .map(|(_, n)| n)
        .sum()
}

async fn rename(app: &mut App, args: RenameArgs) -> anyhow::Result<Outcome> {
    let (name, slug) = validate_name(&args.name).map_err(UsageError)?;
    if let Some(wanted) = &args.slug {
        let wanted = slugify(wanted);
        if wanted != slug {
            return Err(UsageError(format!(
                "--slug {wanted}: the slug always follows the name, and '{name}' has the slug \
                 '{slug}'. Choose a name whose slug is {wanted}, or leave out --slug"
            ))
            .into());
        }
    }
    let pool = app.db().await?;
    let event = match &args.event {
        Some(selector) => Some(event::resolve_one(&pool, selector).await?),
        None => None,
    };
    let found = campaign::resolve(&pool, &args.campaign, event.as_ref()).await?;

    let mut tx = pool.begin().await?;
    // Renames and adds of one event take turns: the slug checks below hold
    // until this commits.
    sqlx::query("SELECT id FROM events WHERE id = $1 FOR NO KEY UPDATE")
        .bind(found.event_id)
        .execute(&mut *tx)
        .await?;
    let campaigns: Vec<(i32, String, Vec<String>)> =
        sqlx::query_as(include_str!("../../queries/campaigns_rename_campaigns.sql"))
            .bind(found.event_id)
            .fetch_all(&mut *tx)
            .await?;
    let Some((_, previous_name, _)) = campaigns.iter().find(|(id, ..)| *id == found.id) else {
        return Err(anyhow::anyhow!(
            "campaign id:{} was deleted while attrib was renaming it; nothing was changed",
            found.id
        ));
    };
    let previous_slug = slugify(previous_name);
    if let Some((id, other, _)) = campaigns
        .iter()
        .find(|(id, n, a)| *id != found.id && (slugify(n) == slug || a.contains(&slug)))
    {
        return Err(UsageError(format!(
            "campaign id:{id} '{other}' of the same event already answers to the slug '{slug}'; \
             tickets could not tell the two apart. Choose a name with a different slug."
        ))
        .into());
    }
    let sources: Vec<(String, i64)> = sqlx::query_as(
        "SELECT coalesce(marketing_source, ''), count(*) FROM tickets
         WHERE event_id = $1 GROUP BY 1",
    )
    .bind(found.event_id)
    .fetch_all(&mut *tx)
    .await?;
    let naming_old = tickets_naming(&previous_slug, &sources);
    let slug_changes = slug != previous_slug;
    if slug_changes && naming_old > 0 && !args.keep_old_slug {
        return Err(UsageError(format!(
            "renaming campaign id:{} to '{name}' changes its slug from {previous_slug} to {slug}, \
             and {} of its event name {previous_slug} in their marketing source: they would no \
             longer count for it. Add --keep-old-slug to keep {previous_slug} working as an alias, \
             or choose a name with the slug {previous_slug}. Nothing was changed.",
            found.id,
            plural(naming_old, "ticket", "tickets")
        ))
        .into());
    }
    sqlx::query("UPDATE campaigns SET name = $2 WHERE id = $1")
        .bind(found.id)
        .bind(&name)
        .execute(&mut *tx)
        .await?;
    // The new slug is no alias of its own any more; the old one becomes one.
    sqlx::query("DELETE FROM attrib.campaign_slug_aliases WHERE campaign_id = $1 AND slug = $2")
        .bind(found.id)
        .bind(&slug)
        .execute(&mut *tx)
        .await?;
    if slug_changes && args.keep_old_slug {
        sqlx::query(
            "INSERT INTO attrib.campaign_slug_aliases (campaign_id, slug) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
        )
        .bind(found.id)
        .bind(&previous_slug)
        .execute(&mut *tx)
        .await?;
    }
    let aliases: Vec<String> = sqlx::query_scalar(
        "SELECT slug FROM attrib.campaign_slug_aliases WHERE campaign_id = $1 ORDER BY created_at, slug",
    )
    .bind(found.id)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;

    let change = Rename {
        campaign_id: found.id,
        previous_name: previous_name.clone(),
        name: name.clone(),
        previous_slug: previous_slug.clone(),
        slug: slug.clone(),
        tickets_naming_old_slug: naming_old,
        aliases: aliases.clone(),
    };
    print_one(app, args.format, "Campaign renamed", &change)?;
    let mut note = format!(
        "Renamed campaign id:{} from '{previous_name}' to '{name}'",
        found.id
    );
    if slug_changes {
        note.push_str(&format!(
            "; its slug is now {slug}: put it in links as ?utm_campaign={slug}. {} named \
             {previous_slug}",
            plural(naming_old, "ticket", "tickets")
        ));
        if args.keep_old_slug {
            note.push_str(&format!(
                "; {previous_slug} stays an alias and still counts for this campaign."
            ));
        } else {
            note.push('.');
        }
    } else {
        note.push_str(&format!("; its slug stays {slug}."));
    }
    app.ui.note(note);
    Ok(Outcome::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_naming_a_slug_are_counted_through_normalisation() {
        let sources = vec![
            ("cfp-2026".to_string(), 3),
            ("CFP_2026 ".to_string(), 1),
            ("https://qkt.io/x?utm_campaign=CFP-2026".to_string(), 2),
            ("cfp-206".to_string(), 5),
            (String::new(), 4),
        ];
        assert_eq!(tickets_naming("cfp-2026", &sources), 6);
        assert_eq!(tickets_naming("early-bird", &sources), 0);
    }

    #[test]
    fn names() {
        assert_eq!(
            validate_name("  CFP 2026 "),
            Ok(("CFP 2026".into(), "cfp-2026".into()))
        );
        assert_eq!(
            validate_name("CFP Invitation — Data & AI Day 2026")
                .unwrap()
                .1,
            "cfp-invitation-data-ai-day-2026"
        );
        for (bad, needle) in [
            ("", "empty"),
            ("   ", "empty"),
            ("!!!", "no letter or digit"),
            ("2026", "campaign id"),
            ("Campaign 7", "campaign id"),
            ("CFP\n2026", "one line"),
        ] {
            let e = validate_name(bad).unwrap_err();
            assert!(e.contains(needle), "{bad:?}: {e}");
        }
        assert!(validate_name(&"x".repeat(200)).is_ok());
        let long = validate_name(&"é".repeat(201)).unwrap_err();
        assert!(long.contains("201 characters"), "{long}");
    }
}
