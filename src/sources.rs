//! The first step of every attribution of one event: its campaigns and its
//! distinct marketing sources, classified by the rules of
//! [`crate::attribution`], read with the report's own queries
//! (`queries/report_event_campaigns.sql`, `queries/report_sources.sql`) in
//! the caller's transaction. Commands that count registrations per campaign
//! (`attrib summary`) start here, so that they bucket every ticket exactly
//! as `attrib report` does.

use sqlx::PgConnection;

use crate::attribution::{self, Attribution, CampaignKey, Classified};
use crate::campaign::Campaign;
use crate::report::queries;

/// An event's campaigns and its classified distinct sources.
#[derive(Debug, Clone, Default)]
pub struct EventSources {
    pub campaigns: Vec<Campaign>,
    pub classified: Vec<Classified>,
}

/// The classification as parallel arrays, ready to bind and `unnest` in SQL
/// (the same shape `queries/report_campaigns.sql` takes as `$2` to `$5`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceMap {
    /// As stored in `tickets.marketing_source` (`''` for NULL).
    pub raw: Vec<String>,
    /// `campaign`, `ambiguous`, `unattributed` or `no_source`.
    pub bucket: Vec<String>,
    /// The campaign of bucket `campaign`, else None.
    pub campaign_id: Vec<Option<i32>>,
    /// In slug form.
    pub normalised: Vec<String>,
    /// For bucket `unattributed`: the "did you mean" slug, if any.
    pub suggestion: Vec<Option<String>>,
}

#[derive(Debug, sqlx::FromRow)]
struct SourceRow {
    source: String,
}

impl EventSources {
    /// Reads and classifies the sources of event `event_id`.
    pub async fn read(conn: &mut PgConnection, event_id: i32) -> sqlx::Result<EventSources> {
        let campaigns: Vec<Campaign> = sqlx::query_as(queries::EVENT_CAMPAIGNS)
            .bind(event_id)
            .fetch_all(&mut *conn)
            .await?;
        let sources: Vec<SourceRow> = sqlx::query_as(queries::SOURCES)
            .bind(event_id)
            .fetch_all(&mut *conn)
            .await?;
        let keys = campaign_keys(&campaigns);
        let classified =
            attribution::classify_all(sources.iter().map(|s| s.source.as_str()), &keys);
        Ok(EventSources {
            campaigns,
            classified,
        })
    }

    /// The classification as arrays for SQL.
    pub fn source_map(&self) -> SourceMap {
        let mut map = SourceMap::default();
        for c in &self.classified {
            map.raw.push(c.raw.clone());
            map.bucket.push(c.attribution.bucket().to_string());
            map.campaign_id.push(match c.attribution {
                Attribution::Campaign(id) => Some(id),
                _ => None,
            });
            map.normalised.push(c.normalised.clone());
            map.suggestion.push(match &c.attribution {
                Attribution::Unattributed { suggestion } => suggestion.clone(),
                _ => None,
            });
        }
        map
    }

    /// The campaigns an ambiguous source (in slug form) names, ascending.
    pub fn ambiguous_ids(&self, normalised: &str) -> &[i32] {
        self.classified
            .iter()
            .find_map(|c| match &c.attribution {
                Attribution::Ambiguous(ids) if c.normalised == normalised => Some(ids.as_slice()),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// "id:3 Reminder — Last Chance, id:4 Reminder: last chance!"
    pub fn describe_campaigns(&self, ids: &[i32]) -> String {
        ids.iter()
            .map(|id| {
                let name = self
                    .campaigns
                    .iter()
                    .find(|c| c.id == *id)
                    .map_or("", |c| c.name.as_str());
                format!("id:{id} {name}")
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The campaigns as the matching rules see them: each by its slug, and by
/// every old slug it kept (`campaigns rename --keep-old-slug`), so that a
/// source naming an old slug is attributed, found ambiguous or suggested
/// by the same rules as one naming the current slug.
pub fn campaign_keys(campaigns: &[Campaign]) -> Vec<CampaignKey> {
    campaigns
        .iter()
        .flat_map(|c| {
            std::iter::once(c.slug())
                .chain(c.aliases.iter().cloned())
                .map(|slug| CampaignKey { id: c.id, slug })
        })
        .collect()
}

/// One key per campaign, with the slug as the report shows it (old slugs
/// included): what the section queries join to the campaigns by id.
pub fn shown_keys(campaigns: &[Campaign]) -> Vec<CampaignKey> {
    campaigns
        .iter()
        .map(|c| CampaignKey {
            id: c.id,
            slug: c.shown_slug(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn campaign(id: i32, name: &str) -> Campaign {
        Campaign {
            id,
            event_id: 1,
            name: name.into(),
            campaign_type: "cfp".into(),
            ..Campaign::default()
        }
    }

    fn sources(raw: &[&str]) -> EventSources {
        let campaigns = vec![
            campaign(1, "CFP 2026"),
            campaign(3, "Reminder — Last Chance"),
            campaign(4, "Reminder: last chance!"),
        ];
        let keys = campaign_keys(&campaigns);
        EventSources {
            classified: attribution::classify_all(raw.iter().copied(), &keys),
            campaigns,
        }
    }

    #[test]
    fn the_map_is_parallel_and_follows_the_rules() {
        let s = sources(&[
            "",
            "CFP_2026 ",
            "campaign-1",
            "cfp-206",
            "linkedin",
            "reminder last chance",
        ]);
        let map = s.source_map();
        assert_eq!(
            map.raw,
            [
                "",
                "CFP_2026 ",
                "campaign-1",
                "cfp-206",
                "linkedin",
                "reminder last chance"
            ]
        );
        assert_eq!(
            map.bucket,
            [
                "no_source",
                "campaign",
                "campaign",
                "unattributed",
                "unattributed",
                "ambiguous"
            ]
        );
        assert_eq!(map.campaign_id, [None, Some(1), Some(1), None, None, None]);
        assert_eq!(map.normalised[5], "reminder-last-chance");
        assert_eq!(
            map.suggestion,
            [None, None, None, Some("cfp-2026".to_string()), None, None]
        );
    }

    #[test]
    fn an_old_slug_kept_by_a_rename_is_matched_like_the_slug() {
        let mut renamed = campaign(1, "CFP 2026 Speakers");
        renamed.aliases = vec!["cfp-2026".into()];
        let campaigns = vec![renamed, campaign(2, "Early Bird 2026")];
        let keys = campaign_keys(&campaigns);
        let s = EventSources {
            classified: attribution::classify_all(
                [
                    "cfp-2026",
                    "CFP 2026 speakers",
                    "https://x.example/?utm_campaign=CFP-2026",
                    "campaign-1",
                ],
                &keys,
            ),
            campaigns: campaigns.clone(),
        };
        let map = s.source_map();
        assert_eq!(map.bucket, ["campaign"; 4].map(String::from));
        assert_eq!(map.campaign_id, [Some(1); 4]);
        // A typo of the old slug is suggested like one of the current slug.
        let typo = attribution::classify("cfp-206x", &keys);
        assert_eq!(
            typo.attribution,
            Attribution::Unattributed {
                suggestion: Some("cfp-2026".into())
            }
        );
        // An old slug another campaign now has is ambiguous, not silently one of them.
        let mut clash = campaigns.clone();
        clash.push(campaign(3, "CFP 2026"));
        let keys = campaign_keys(&clash);
        assert_eq!(
            attribution::classify("cfp-2026", &keys).attribution,
            Attribution::Ambiguous(vec![1, 3])
        );
        assert_eq!(
            shown_keys(&campaigns)[0].slug,
            "cfp-2026-speakers (also cfp-2026)"
        );
        assert_eq!(shown_keys(&campaigns).len(), 2);
    }

    #[test]
    fn ambiguous_sources_name_their_campaigns() {
        let s = sources(&["reminder-last-chance"]);
        assert_eq!(s.ambiguous_ids("reminder-last-chance"), [3, 4]);
        assert!(s.ambiguous_ids("cfp-2026").is_empty());
        assert_eq!(
            s.describe_campaigns(&[3, 4]),
            "id:3 Reminder — Last Chance, id:4 Reminder: last chance!"
        );
    }
}
