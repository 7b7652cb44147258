//! `attrib outreach --event E`: everything done to promote an event, across
//! channels (the spec's second question, "what outreach have we done for
//! Data & AI Day 2026?"): its campaigns, their emails, posts and materials
//! with how far the emails got, and its marketing assets.

use serde::Serialize;
use sqlx::PgPool;

use crate::app::{App, Outcome};
use crate::commands::assets::{self, AssetRow};
use crate::event::{self, Event, EventSelector};
use crate::listing::ListingOutput;
use crate::output::{Record, Section};

#[derive(Debug, clap::Args)]
#[command(
    after_long_help = "Examples:\n  attrib outreach --event 2026\n  attrib outreach --event data-ai-day-2026 --format json | jq '.communications[] | select(.channel == \"email\")'\n  attrib outreach --event 2026 --out outreach.md\n\nJSON keys: campaigns, communications, assets."
)]
pub struct Args {
    /// The event (slug, id:N or year).
    #[arg(long, value_parser = event::parse_selector, value_name = "EVENT")]
    pub event: EventSelector,

    #[command(flatten)]
    pub output: ListingOutput,
}

#[derive(Debug, Default, Serialize, sqlx::FromRow)]
pub struct CampaignRow {
    pub id: i32,
    #[sqlx(skip)]
    pub slug: String,
    pub name: String,
    pub campaign_type: String,
    pub status: Option<String>,
    pub communications: i64,
    pub recipients: i64,
    pub assets: i64,
}
impl Record for CampaignRow {}

#[derive(Debug, Default, Serialize, sqlx::FromRow)]
pub struct OutreachCommunication {
    pub id: i32,
    pub campaign: String,
    pub channel: String,
    pub title: Option<String>,
    pub status: Option<String>,
    pub sent_at: Option<String>,
    pub recipients: Option<i32>,
    pub delivered: i64,
    pub opened: i64,
    pub clicked: i64,
    pub bounced_or_failed: i64,
    pub brevo_template: Option<i32>,
    pub brevo_campaign: Option<i32>,
    pub post_url: Option<String>,
}
impl Record for OutreachCommunication {}

/// Everything done to promote one event.
#[derive(Debug, Serialize)]
pub struct Outreach {
    pub event: Event,
    pub campaigns: Vec<CampaignRow>,
    pub communications: Vec<OutreachCommunication>,
    pub assets: Vec<AssetRow>,
}

/// The outreach of the event `selector` names (`attrib outreach` and the
/// MCP tool `outreach`).
pub async fn fetch(pool: &PgPool, selector: &EventSelector) -> anyhow::Result<Outreach> {
    let event = event::resolve_one(pool, selector).await?;
    let mut campaigns: Vec<CampaignRow> =
        sqlx::query_as(include_str!("../../queries/outreach_campaigns.sql"))
            .bind(event.id)
            .fetch_all(pool)
            .await?;
    for c in &mut campaigns {
        c.slug = crate::slug::slugify(&c.name);
    }
    let communications: Vec<OutreachCommunication> =
        sqlx::query_as(include_str!("../../queries/outreach_communications.sql"))
            .bind(event.id)
            .fetch_all(pool)
            .await?;
    let assets = assets::fetch_list(pool, event.id).await?;
    Ok(Outreach {
        event,
        campaigns,
        communications,
        assets,
    })
}

pub async fn run(app: &mut App, args: Args) -> anyhow::Result<Outcome> {
    let listing = args.output.plan()?;
    let pool = app.db().await?;
    let outreach = fetch(&pool, &args.event).await?;
    listing.emit_keyed(
        &app.ui,
        &[
            (
                "campaigns",
                Section::new(
                    format!("Campaigns of {}", outreach.event.name),
                    &outreach.campaigns,
                ),
            ),
            (
                "communications",
                Section::new("Communications, all channels", &outreach.communications),
            ),
            (
                "assets",
                Section::new("Marketing materials", &outreach.assets),
            ),
        ],
    )?;
    Ok(Outcome::Success)
}
