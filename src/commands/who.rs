//! `attrib who`: who was sent a campaign's emails (the spec's first
//! question, "who did we send the CFP invitation to?"), for the organiser
//! checking coverage before a reminder goes out.

use serde::Serialize;

use crate::app::{App, Outcome};
use crate::campaign::{self, CampaignSelector};
use crate::commands::comms::resolve_campaign;
use crate::error::UsageError;
use crate::event::{self, EventSelector};
use crate::listing::ListingOutput;
use crate::output::{Record, Section};
use crate::vocabulary::CampaignType;

const EXAMPLES: &str = "\
Examples:
  attrib who --campaign cfp-2026
  attrib who --event 2026 --campaign-type cfp
  attrib who --event 2026 --out everyone-we-emailed.csv   (for Excel)
  attrib who --campaign cfp-2026 --format csv | wc -l";

#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES)]
pub struct Args {
    /// One campaign: its slug (cfp-2026) or id:N.
    #[arg(long, value_parser = campaign::parse_selector, value_name = "CAMPAIGN", conflicts_with = "campaign_type")]
    pub campaign: Option<CampaignSelector>,

    /// The event: every campaign of it (with --campaign-type, those of one
    /// type), or the event of --campaign.
    #[arg(long, value_parser = event::parse_selector, value_name = "EVENT")]
    pub event: Option<EventSelector>,

    /// Only campaigns of this type (with --event).
    #[arg(long, value_enum, value_name = "TYPE", requires = "event")]
    pub campaign_type: Option<CampaignType>,

    #[command(flatten)]
    pub output: ListingOutput,
}

/// One recipient of one communication.
#[derive(Debug, Default, Serialize, sqlx::FromRow)]
pub struct WhoRow {
    pub contact: Option<String>,
    pub email: String,
    pub campaign: String,
    pub communication: Option<String>,
    pub status: Option<String>,
    pub sent_at: Option<String>,
}
impl Record for WhoRow {}

pub async fn run(app: &mut App, args: Args) -> anyhow::Result<Outcome> {
    let listing = args.output.plan()?;
    if args.campaign.is_none() && args.event.is_none() {
        return Err(UsageError(
            "say whose recipients: --campaign C, or --event E (with --campaign-type T for one kind)"
                .into(),
        )
        .into());
    }
    let pool = app.db().await?;
    let (campaign_id, event_id, title) = match &args.campaign {
        Some(selector) => {
            let c = resolve_campaign(&pool, selector, args.event.as_ref()).await?;
            (Some(c.id), None, format!("Recipients of {}", c.name))
        }
        None => {
            let selector = args.event.as_ref().expect("checked above");
            let e = event::resolve_one(&pool, selector).await?;
            let kind = args
                .campaign_type
                .map_or(String::new(), |t| format!("{t} campaigns of "));
            (None, Some(e.id), format!("Recipients of {kind}{}", e.name))
        }
    };
    let rows: Vec<WhoRow> = sqlx::query_as(include_str!("../../queries/who.sql"))
        .bind(campaign_id)
        .bind(event_id)
        .bind(args.campaign_type.map(|t| t.as_str()))
        .fetch_all(&pool)
        .await?;
    listing.emit(&app.ui, &[Section::new(title, &rows)])?;
    Ok(Outcome::Success)
}
