//! `attrib who`: who was sent a campaign's emails (the spec's first
//! question, "who did we send the CFP invitation to?"), for the organiser
//! checking coverage before a reminder goes out.

use serde::Serialize;
use sqlx::PgPool;

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

/// Whose recipients: one campaign, or the campaigns of an event (of one
/// type, or all).
#[derive(Debug, Clone)]
pub enum Scope {
    Campaign {
        campaign: CampaignSelector,
        event: Option<EventSelector>,
    },
    Event {
        event: EventSelector,
        campaign_type: Option<CampaignType>,
    },
}

impl Scope {
    /// The scope the options name, or a usage error saying what to give.
    pub fn from_options(
        campaign: Option<CampaignSelector>,
        event: Option<EventSelector>,
        campaign_type: Option<CampaignType>,
    ) -> Result<Scope, UsageError> {
        match (campaign, event) {
            (Some(_), _) if campaign_type.is_some() => Err(UsageError(
                "give a campaign, or an event with a campaign type, not both".into(),
            )),
            (Some(campaign), event) => Ok(Scope::Campaign { campaign, event }),
            (None, Some(event)) => Ok(Scope::Event {
                event,
                campaign_type,
            }),
            (None, None) => Err(UsageError(
                "say whose recipients: --campaign C, or --event E (with --campaign-type T for one kind)"
                    .into(),
            )),
        }
    }
}

/// The recipients of a scope, with a title naming it.
pub struct Recipients {
    pub title: String,
    pub rows: Vec<WhoRow>,
}

/// Who was sent the emails of `scope` (`attrib who` and the MCP tool
/// `who_was_sent`).
pub async fn fetch(pool: &PgPool, scope: &Scope) -> anyhow::Result<Recipients> {
    let (campaign_id, event_id, campaign_type, title) = match scope {
        Scope::Campaign { campaign, event } => {
            let c = resolve_campaign(pool, campaign, event.as_ref()).await?;
            (Some(c.id), None, None, format!("Recipients of {}", c.name))
        }
        Scope::Event {
            event,
            campaign_type,
        } => {
            let e = event::resolve_one(pool, event).await?;
            let kind = campaign_type.map_or(String::new(), |t| format!("{t} campaigns of "));
            (
                None,
                Some(e.id),
                *campaign_type,
                format!("Recipients of {kind}{}", e.name),
            )
        }
    };
    let rows: Vec<WhoRow> = sqlx::query_as(include_str!("../../queries/who.sql"))
        .bind(campaign_id)
        .bind(event_id)
        .bind(campaign_type.map(|t| t.as_str()))
        .fetch_all(pool)
        .await?;
    Ok(Recipients { title, rows })
}

pub async fn run(app: &mut App, args: Args) -> anyhow::Result<Outcome> {
    let listing = args.output.plan()?;
    let scope = Scope::from_options(args.campaign, args.event, args.campaign_type)?;
    let pool = app.db().await?;
    let recipients = fetch(&pool, &scope).await?;
    listing.emit(&app.ui, &[Section::new(recipients.title, &recipients.rows)])?;
    Ok(Outcome::Success)
}
