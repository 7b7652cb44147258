//! `attrib timeline --campaign C`: a campaign's communications, materials
//! and where they were shared, in date order (the spec's sixth question,
//! "show me a timeline of all comms for the CFP campaign"). For the
//! organiser planning the next push or writing the post-event review.

use serde::Serialize;
use sqlx::PgPool;

use crate::app::{App, Outcome};
use crate::campaign::{self, Campaign, CampaignSelector};
use crate::commands::comms::resolve_campaign;
use crate::event::{self, EventSelector};
use crate::listing::ListingOutput;
use crate::output::{Record, Section};

#[derive(Debug, clap::Args)]
#[command(
    after_long_help = "Examples:\n  attrib timeline --campaign cfp-2026\n  attrib timeline --campaign id:4 --format markdown >> planning-notes.md"
)]
pub struct Args {
    /// The campaign: its slug (cfp-2026) or id:N.
    #[arg(long, value_parser = campaign::parse_selector, value_name = "CAMPAIGN")]
    pub campaign: CampaignSelector,

    /// The event of the campaign, when the same slug exists for several events.
    #[arg(long, value_parser = event::parse_selector, value_name = "EVENT")]
    pub event: Option<EventSelector>,

    #[command(flatten)]
    pub output: ListingOutput,
}

/// One dated entry: a communication, an asset made, or an asset shared.
#[derive(Debug, Default, Serialize, sqlx::FromRow)]
pub struct TimelineRow {
    pub at: Option<String>,
    /// communication, asset or shared.
    pub kind: String,
    pub channel: Option<String>,
    pub title: Option<String>,
    pub detail: Option<String>,
}
impl Record for TimelineRow {}

/// A campaign and its dated entries, oldest first.
#[derive(Debug, Serialize)]
pub struct Timeline {
    pub campaign: Campaign,
    pub entries: Vec<TimelineRow>,
}

/// The timeline of the campaign `selector` names, within `event` when given
/// (`attrib timeline` and the MCP tool `campaign_timeline`).
pub async fn fetch(
    pool: &PgPool,
    selector: &CampaignSelector,
    event: Option<&EventSelector>,
) -> anyhow::Result<Timeline> {
    let campaign = resolve_campaign(pool, selector, event).await?;
    let entries: Vec<TimelineRow> = sqlx::query_as(include_str!("../../queries/timeline.sql"))
        .bind(campaign.id)
        .fetch_all(pool)
        .await?;
    Ok(Timeline { campaign, entries })
}

pub async fn run(app: &mut App, args: Args) -> anyhow::Result<Outcome> {
    let listing = args.output.plan()?;
    let pool = app.db().await?;
    let timeline = fetch(&pool, &args.campaign, args.event.as_ref()).await?;
    listing.emit(
        &app.ui,
        &[Section::new(
            format!("Timeline of {}", timeline.campaign.name),
            &timeline.entries,
        )],
    )?;
    Ok(Outcome::Success)
}
