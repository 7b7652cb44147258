//! Campaigns and how organisers name them on the command line (`--campaign`):
//! by slug (`cfp-2026`, within `--event` when given) or by id (`id:12`).
//!
//! A campaign's slug is not stored: it is always `slugify(name)`, so that it
//! cannot drift from the name organisers see.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

use crate::error::UsageError;
use crate::event::Event;
use crate::slug::slugify;

/// A campaign as stored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, sqlx::FromRow)]
pub struct Campaign {
    pub id: i32,
    pub event_id: i32,
    pub name: String,
    pub campaign_type: String,
    pub status: Option<String>,
    pub description: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    /// Old slugs kept by `campaigns rename --keep-old-slug`: marketing
    /// sources naming them still count for this campaign, and `--campaign`
    /// still finds it by them.
    #[sqlx(default)]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

impl Campaign {
    /// The value organisers put in their links: `slugify(name)`.
    pub fn slug(&self) -> String {
        slugify(&self.name)
    }

    /// The slug as the report shows it: with the old slugs that still
    /// count for the campaign, `cfp-2026-speakers (also cfp-2026)`.
    pub fn shown_slug(&self) -> String {
        if self.aliases.is_empty() {
            self.slug()
        } else {
            format!("{} (also {})", self.slug(), self.aliases.join(", "))
        }
    }
}

/// What `--campaign` may say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CampaignSelector {
    Id(i32),
    Slug(String),
}

impl FromStr for CampaignSelector {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(id) = s.strip_prefix("id:") {
            return id
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|id| *id > 0)
                .map(CampaignSelector::Id)
                .ok_or_else(|| format!("'{s}' is not a campaign id; write id:N, e.g. id:12"));
        }
        let slug = slugify(s);
        if slug.is_empty() {
            return Err(format!(
                "'{s}' does not name a campaign; give its slug (cfp-2026) or id:N"
            ));
        }
        Ok(CampaignSelector::Slug(slug))
    }
}

impl fmt::Display for CampaignSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CampaignSelector::Id(id) => write!(f, "id:{id}"),
            CampaignSelector::Slug(s) => write!(f, "{s}"),
        }
    }
}

/// clap value parser for `--campaign`.
pub fn parse_selector(s: &str) -> Result<CampaignSelector, String> {
    s.parse()
}

const CAMPAIGN_COLUMNS: &str = "id, event_id, name::text, campaign_type::text, status::text, description, created_at, updated_at,
    array(SELECT a.slug FROM attrib.campaign_slug_aliases a
          WHERE a.campaign_id = campaigns.id ORDER BY a.created_at, a.slug) AS aliases";

/// The campaigns of one event, or of every event, in creation order.
pub async fn list(pool: &PgPool, event_id: Option<i32>) -> sqlx::Result<Vec<Campaign>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {CAMPAIGN_COLUMNS} FROM campaigns
         WHERE $1::int IS NULL OR event_id = $1
         ORDER BY event_id, id"
    )))
    .bind(event_id)
    .fetch_all(pool)
    .await
}

/// The one campaign a selector names. A slug is looked up within `event`
/// when given, else across all events; several matches are an error that
/// lists them, as is none.
pub async fn resolve(
    pool: &PgPool,
    selector: &CampaignSelector,
    event: Option<&Event>,
) -> anyhow::Result<Campaign> {
    let candidates = list(pool, event.map(|e| e.id)).await?;
    let matches: Vec<&Campaign> = candidates
        .iter()
        .filter(|c| match selector {
            CampaignSelector::Id(id) => c.id == *id,
            // An old slug kept by a rename still names its campaign.
            CampaignSelector::Slug(slug) => c.slug() == *slug || c.aliases.contains(slug),
        })
        .collect();
    let scope = event.map_or(String::new(), |e| format!(" of event {}", e.slug));
    match matches.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(UsageError(format!(
            "no campaign{scope} matches --campaign {selector}.{} {}",
            did_you_mean(selector, &candidates),
            describe_choices(&candidates)
        ))
        .into()),
        many => Err(UsageError(format!(
            "--campaign {selector} matches {} campaigns; name one by id ({}){}",
            many.len(),
            many.iter()
                .map(|c| format!("id:{} {}", c.id, c.name))
                .collect::<Vec<_>>()
                .join("; "),
            if event.is_none() {
                " or add --event"
            } else {
                ""
            }
        ))
        .into()),
    }
}

/// " Did you mean cfp-2026?" when a slug is a likely typo of a campaign's
/// slug or kept old slug (the report's "did you mean" rule), else "".
pub fn did_you_mean(selector: &CampaignSelector, campaigns: &[Campaign]) -> String {
    let CampaignSelector::Slug(slug) = selector else {
        return String::new();
    };
    let slugs: Vec<String> = campaigns.iter().map(Campaign::slug).collect();
    crate::slug::suggest(slug, slugs.iter().map(String::as_str))
        .map_or(String::new(), |s| format!(" Did you mean {s}?"))
}

/// "Campaigns: cfp-2026 (id:1, CFP 2026), ..." for error messages.
pub fn describe_choices(campaigns: &[Campaign]) -> String {
    if campaigns.is_empty() {
        return "There are no campaigns yet; add one with `attrib campaigns add`.".into();
    }
    let list: Vec<String> = campaigns
        .iter()
        .take(30)
        .map(|c| format!("{} (id:{}, {})", c.slug(), c.id, c.name))
        .collect();
    let more = campaigns.len().saturating_sub(30);
    format!(
        "Campaigns: {}{}",
        list.join("; "),
        if more > 0 {
            format!("; and {more} more")
        } else {
            String::new()
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors() {
        assert_eq!("id:12".parse(), Ok(CampaignSelector::Id(12)));
        assert_eq!(
            "CFP 2026".parse(),
            Ok(CampaignSelector::Slug("cfp-2026".into()))
        );
        assert!("id:".parse::<CampaignSelector>().is_err());
        assert!("--".parse::<CampaignSelector>().is_err());
    }

    #[test]
    fn a_mistyped_slug_gets_a_suggestion() {
        let campaigns = [
            Campaign {
                name: "CFP 2026".into(),
                ..Campaign::default()
            },
            Campaign {
                name: "Early Bird 2026".into(),
                ..Campaign::default()
            },
        ];
        let typo = CampaignSelector::Slug("cfp-2062".into());
        assert_eq!(did_you_mean(&typo, &campaigns), " Did you mean cfp-2026?");
        let far = CampaignSelector::Slug("sponsors".into());
        assert_eq!(did_you_mean(&far, &campaigns), "");
        assert_eq!(did_you_mean(&CampaignSelector::Id(3), &campaigns), "");
    }

    #[test]
    fn slug_follows_the_name() {
        let c = Campaign {
            name: "Early Bird Registration 2026".into(),
            ..Campaign::default()
        };
        assert_eq!(c.slug(), "early-bird-registration-2026");
        assert_eq!(c.shown_slug(), "early-bird-registration-2026");
        let renamed = Campaign {
            aliases: vec!["early-bird-2026".into()],
            ..c
        };
        assert_eq!(
            renamed.shown_slug(),
            "early-bird-registration-2026 (also early-bird-2026)"
        );
    }
}
