//! `attrib assets add | share | list | where`: the marketing materials of an
//! event (flyers, social graphics, banners) and where they were shared, for
//! the organiser who makes and spreads them. Answers "what materials did we
//! create for 2026?" and "where did we share the CFP flyer?".

use clap::Subcommand;
use serde::Serialize;

use crate::app::{App, Outcome};
use crate::campaign::{self, CampaignSelector};
use crate::commands::comms::{check_title, check_web_url};
use crate::error::UsageError;
use crate::event::{self, Event, EventSelector};
use crate::listing::ListingOutput;
use crate::output::{self, Format, Record, Section};
use crate::vocabulary::{AssetType, DistributionChannel};

#[derive(Debug, Subcommand)]
pub enum AssetsCommand {
    /// Record a marketing material of an event (and, optionally, a campaign).
    #[command(after_long_help = ADD_EXAMPLES)]
    Add(AddArgs),
    /// Record that a material was shared: where, when and to how many.
    #[command(after_long_help = SHARE_EXAMPLES)]
    Share(ShareArgs),
    /// The materials of an event, with how often they were shared.
    List(ListArgs),
    /// Where and when a material was shared, with its estimated reach.
    Where(WhereArgs),
    /// Delete a material: first says how many distributions go with it;
    /// needs --yes, and --cascade when it was shared.
    Delete(DeleteArgs),
}

const ADD_EXAMPLES: &str = "\
Examples:
  attrib assets add --event 2026 --campaign cfp-2026 --type flyer --title 'CFP flyer' \\
      --url https://cdn.example.org/cfp-flyer.pdf
  attrib assets add --event 2026 --type social_graphic --title 'Save the date banner'";

const SHARE_EXAMPLES: &str = "\
ASSET is id:N, or the asset's exact title (with --event when titles repeat across events).

Examples:
  attrib assets share 'CFP flyer' --event 2026 --channel linkedin --reach 1200 \\
      --notes 'Posted in SA Data & AI LinkedIn group'
  attrib assets share id:3 --channel print --at '2026-03-10 08:00' --reach 300";

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The event it was made for (slug, id:N or year).
    #[arg(long, value_parser = event::parse_selector, value_name = "EVENT")]
    pub event: EventSelector,

    /// The campaign it belongs to, if any (slug or id:N, within --event).
    #[arg(long, value_parser = campaign::parse_selector, value_name = "CAMPAIGN")]
    pub campaign: Option<CampaignSelector>,

    /// What kind of material it is.
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    pub asset_type: AssetType,

    /// Its name (at most 200 characters, unique within the event).
    #[arg(long)]
    pub title: String,

    /// Where the file is (http or https).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,

    /// What it shows.
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,

    /// Output format of the new record.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct ShareArgs {
    /// The material: id:N or its exact title.
    #[arg(value_name = "ASSET")]
    pub asset: String,

    /// The event whose material ASSET names (needed when titles repeat).
    #[arg(long, value_parser = event::parse_selector, value_name = "EVENT")]
    pub event: Option<EventSelector>,

    /// Where it was shared.
    #[arg(long, value_enum)]
    pub channel: DistributionChannel,

    /// When: 2026-03-02 09:30 (in --timezone) or ISO 8601 with an offset.
    /// Default: now.
    #[arg(long, value_name = "TIME", value_parser = crate::input::check_time)]
    pub at: Option<String>,

    /// Estimated reach or impressions.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i32).range(0..))]
    pub reach: Option<i32>,

    /// Anything worth remembering ("Posted in SA Data & AI LinkedIn group").
    #[arg(long, value_name = "TEXT")]
    pub notes: Option<String>,

    /// Output format of the new record.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// The event (slug, id:N or year).
    #[arg(long, value_parser = event::parse_selector, value_name = "EVENT")]
    pub event: EventSelector,

    #[command(flatten)]
    pub output: ListingOutput,
}

#[derive(Debug, clap::Args)]
pub struct WhereArgs {
    /// The material: id:N or its exact title.
    #[arg(value_name = "ASSET")]
    pub asset: String,

    /// The event whose material ASSET names (needed when titles repeat).
    #[arg(long, value_parser = event::parse_selector, value_name = "EVENT")]
    pub event: Option<EventSelector>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// An asset as `assets list` and `outreach` show it.
#[derive(Debug, Default, Serialize, sqlx::FromRow)]
pub struct AssetRow {
    pub id: i32,
    pub asset_type: String,
    pub title: String,
    pub campaign: Option<String>,
    pub file_url: Option<String>,
    pub created_at: Option<String>,
    pub times_shared: i64,
    pub reach: Option<i64>,
    pub last_shared: Option<String>,
}
impl Record for AssetRow {}

/// One sharing of an asset.
#[derive(Debug, Default, Serialize, sqlx::FromRow)]
pub struct DistributionRow {
    pub channel: String,
    pub shared_at: Option<String>,
    pub reach: Option<i32>,
    pub notes: Option<String>,
}
impl Record for DistributionRow {}

#[derive(Debug, Clone, sqlx::FromRow)]
struct FoundAsset {
    id: i32,
    event_id: i32,
    title: String,
    event_slug: String,
}

#[derive(Debug, clap::Args)]
pub struct DeleteArgs {
    /// The material: id:N or its exact title.
    #[arg(value_name = "ASSET")]
    pub asset: String,

    /// The event whose material ASSET names (needed when titles repeat).
    #[arg(long, value_parser = event::parse_selector, value_name = "EVENT")]
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
    let found = resolve_asset(&pool, &args.asset, event.as_ref()).await?;
    let what = format!(
        "material id:{} ({}, {})",
        found.id, found.title, found.event_slug
    );
    crate::deletion::run(
        app,
        crate::deletion::Root::Asset(found.id),
        &what,
        None,
        args.confirm,
    )
    .await
}

pub async fn run(app: &mut App, command: AssetsCommand) -> anyhow::Result<Outcome> {
    match command {
        AssetsCommand::Delete(args) => delete(app, args).await,
        AssetsCommand::Add(args) => add(app, args).await,
        AssetsCommand::Share(args) => share(app, args).await,
        AssetsCommand::List(args) => list(app, args).await,
        AssetsCommand::Where(args) => where_shared(app, args).await,
    }
}

/// The assets of an event, for `assets list` and `outreach`.
pub async fn fetch_list(pool: &sqlx::PgPool, event_id: i32) -> sqlx::Result<Vec<AssetRow>> {
    sqlx::query_as(include_str!("../../queries/assets_list.sql"))
        .bind(event_id)
        .fetch_all(pool)
        .await
}

/// The one asset `ASSET` names: `id:N`, or an exact title within `event`
/// (any event when none is given, as long as only one has that title).
async fn resolve_asset(
    pool: &sqlx::PgPool,
    asset: &str,
    event: Option<&Event>,
) -> anyhow::Result<FoundAsset> {
    let asset = asset.trim();
    let id = match asset.strip_prefix("id:") {
        Some(n) => Some(
            n.trim()
                .parse::<i32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    UsageError(format!(
                        "'{asset}' is not an asset id; write id:N, e.g. id:3"
                    ))
                })?,
        ),
        None => None,
    };
    let title = id.is_none().then_some(asset);
    let found: Vec<FoundAsset> = sqlx::query_as(include_str!("../../queries/assets_find.sql"))
        .bind(id)
        .bind(title)
        .bind(event.map(|e| e.id))
        .fetch_all(pool)
        .await?;
    let in_event: Vec<FoundAsset> = found
        .into_iter()
        .filter(|a| event.is_none_or(|e| e.id == a.event_id))
        .collect();
    match in_event.as_slice() {
        [one] => Ok(one.clone()),
        [] => {
            let scope = event.map_or(String::new(), |e| format!(" of event {}", e.slug));
            let choices = match event {
                Some(e) => {
                    let list = fetch_list(pool, e.id).await?;
                    if list.is_empty() {
                        "It has no assets yet; add one with `attrib assets add`.".to_string()
                    } else {
                        format!(
                            "Its assets: {}",
                            list.iter()
                                .map(|a| format!("id:{} {}", a.id, a.title))
                                .collect::<Vec<_>>()
                                .join("; ")
                        )
                    }
                }
                None => "Give the exact title with --event, or id:N (see `attrib assets list --event E`).".to_string(),
            };
            Err(UsageError(format!("no asset{scope} is {}. {choices}", describe(asset))).into())
        }
        many => Err(UsageError(format!(
            "{} names {} assets ({}); add --event or use id:N",
            describe(asset),
            many.len(),
            many.iter()
                .map(|a| format!("id:{} of {}", a.id, a.event_slug))
                .collect::<Vec<_>>()
                .join("; ")
        ))
        .into()),
    }
}

fn describe(asset: &str) -> String {
    if asset.starts_with("id:") {
        asset.to_string()
    } else {
        format!("titled '{asset}'")
    }
}

async fn optional_event(
    pool: &sqlx::PgPool,
    event: Option<&EventSelector>,
) -> anyhow::Result<Option<Event>> {
    Ok(match event {
        Some(e) => Some(event::resolve_one(pool, e).await?),
        None => None,
    })
}

async fn add(app: &mut App, args: AddArgs) -> anyhow::Result<Outcome> {
    let title = check_title("--title", &args.title, 200)?;
    let url = match &args.url {
        Some(u) => {
            Some(check_web_url(u).map_err(|e| UsageError(format!("--url {e} of the file")))?)
        }
        None => None,
    };
    let pool = app.db().await?;
    let event = event::resolve_one(&pool, &args.event).await?;
    let campaign = match &args.campaign {
        Some(c) => Some(campaign::resolve(&pool, c, Some(&event)).await?),
        None => None,
    };
    let existing: Option<i32> =
        sqlx::query_scalar("SELECT id FROM marketing_assets WHERE event_id = $1 AND title = $2")
            .bind(event.id)
            .bind(&title)
            .fetch_optional(&pool)
            .await?;
    if let Some(id) = existing {
        return Err(UsageError(format!(
            "event {} already has an asset titled '{title}' (id:{id}); titles name assets in \
             `attrib assets share`, so give this one another title",
            event.slug
        ))
        .into());
    }
    let id: i32 = sqlx::query_scalar(include_str!("../../queries/assets_add.sql"))
        .bind(event.id)
        .bind(campaign.as_ref().map(|c| c.id))
        .bind(args.asset_type.as_str())
        .bind(&title)
        .bind(url)
        .bind(
            args.description
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty()),
        )
        .fetch_one(&pool)
        .await?;
    let rows: Vec<AssetRow> = fetch_list(&pool, event.id)
        .await?
        .into_iter()
        .filter(|a| a.id == id)
        .collect();
    match args.format {
        // Confirmations, not results: --quiet drops them.
        Format::Table if app.ui.quiet => {}
        Format::Table => crate::outln!(
            "asset id:{id} added to event {}{}: {} '{title}'",
            event.slug,
            campaign.map_or(String::new(), |c| format!(", campaign {}", c.slug())),
            args.asset_type
        )?,
        Format::Json => crate::outln!("{}", serde_json::to_string_pretty(&rows.first())?)?,
        format => output::print_sections(&app.ui, format, &[Section::new("Asset added", &rows)])?,
    }
    Ok(Outcome::Success)
}

#[derive(sqlx::FromRow, Serialize)]
struct Shared {
    id: i32,
    shared_at: Option<String>,
}

async fn share(app: &mut App, args: ShareArgs) -> anyhow::Result<Outcome> {
    let pool = app.db().await?;
    let event = optional_event(&pool, args.event.as_ref()).await?;
    let asset = resolve_asset(&pool, &args.asset, event.as_ref()).await?;
    let shared: Shared = sqlx::query_as(include_str!("../../queries/assets_share.sql"))
        .bind(asset.id)
        .bind(args.channel.as_str())
        .bind(args.at.as_deref())
        .bind(args.reach)
        .bind(
            args.notes
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty()),
        )
        .fetch_one(&pool)
        .await?;
    match args.format {
        Format::Json => crate::outln!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "id": shared.id,
                "asset_id": asset.id,
                "asset": asset.title,
                "channel": args.channel,
                "shared_at": shared.shared_at,
                "reach": args.reach,
                "notes": args.notes,
            }))?
        )?,
        _ if app.ui.quiet => {}
        _ => crate::outln!(
            "'{}' (id:{}) shared on {} at {}{}",
            asset.title,
            asset.id,
            args.channel,
            shared.shared_at.unwrap_or_default(),
            args.reach.map_or(String::new(), |r| format!(", reach {r}"))
        )?,
    }
    Ok(Outcome::Success)
}

async fn list(app: &mut App, args: ListArgs) -> anyhow::Result<Outcome> {
    let listing = args.output.plan()?;
    let pool = app.db().await?;
    let event = event::resolve_one(&pool, &args.event).await?;
    let rows = fetch_list(&pool, event.id).await?;
    listing.emit(
        &app.ui,
        &[Section::new(format!("Materials of {}", event.name), &rows)],
    )?;
    Ok(Outcome::Success)
}

async fn where_shared(app: &mut App, args: WhereArgs) -> anyhow::Result<Outcome> {
    let pool = app.db().await?;
    let event = optional_event(&pool, args.event.as_ref()).await?;
    let asset = resolve_asset(&pool, &args.asset, event.as_ref()).await?;
    let rows: Vec<DistributionRow> = sqlx::query_as(include_str!("../../queries/assets_where.sql"))
        .bind(asset.id)
        .fetch_all(&pool)
        .await?;
    output::print_sections(
        &app.ui,
        args.format,
        &[Section::new(
            format!("Where '{}' (id:{}) was shared", asset.title, asset.id),
            &rows,
        )],
    )?;
    Ok(Outcome::Success)
}
