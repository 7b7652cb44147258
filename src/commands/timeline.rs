//! `attrib timeline --campaign C`: a campaign's communications, materials
//! and where they were shared, in date order (the spec's sixth question,
//! "show me a timeline of all comms for the CFP campaign"). For the
//! organiser planning the next push or writing the post-event review.

use serde::Serialize;

use crate::app::{App, Outcome};
use crate::campaign::{self, CampaignSelector};
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

pub async fn run(app: &mut App, args: Args) -> anyhow::Result<Outcome> {
    let listing = args.output.plan()?;
    let pool = app.db().await?;
    let campaign = resolve_campaign(&pool, &args.campaign, args.event.as_ref()).await?;
    let rows: Vec<TimelineRow> = sqlx::query_as(include_str!("../../queries/timeline.sql"))
        .bind(campaign.id)
        .fetch_all(&pool)
        .await?;
    listing.emit(
        &app.ui,
        &[Section::new(
            format!("Timeline of {}", campaign.name),
            &rows,
        )],
    )?;
    Ok(Outcome::Success)
}
