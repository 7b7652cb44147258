//! Attribution: which campaign of an event a ticket's marketing source names.
//!
//! Pure rules, applied to the *distinct* sources of one event's tickets (a
//! few hundred at most) and that event's campaigns. The report hands the
//! result to PostgreSQL as arrays and joins it back to the tickets there, so
//! the cost of a report does not grow with these rules.
//!
//! A source names every campaign of the event whose slug equals the
//! normalised source, plus the campaign whose id it gives as `campaign-N` or a
//! bare `N`. One campaign: attributed. Several: ambiguous (counted once, in no
//! campaign). None: unattributed, with a "did you mean" slug when one is
//! close. An empty source (or one with no letter or digit): no source.

use crate::slug::{normalise_source, suggest};

/// A campaign as the matching rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignKey {
    pub id: i32,
    pub slug: String,
}

/// What one marketing source names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attribution {
    /// Exactly one campaign of the event.
    Campaign(i32),
    /// Several campaigns of the event (ids ascending): they share a slug, or
    /// the source is a slug of one and the id of another.
    Ambiguous(Vec<i32>),
    /// No campaign; `suggestion` is a campaign slug close enough to be the
    /// intended one (a typo in a link).
    Unattributed { suggestion: Option<String> },
    /// Empty, blank or punctuation only.
    NoSource,
}

impl Attribution {
    /// The bucket name the report queries group by.
    pub fn bucket(&self) -> &'static str {
        match self {
            Attribution::Campaign(_) => "campaign",
            Attribution::Ambiguous(_) => "ambiguous",
            Attribution::Unattributed { .. } => "unattributed",
            Attribution::NoSource => "no_source",
        }
    }
}

/// One distinct source of an event, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    /// As stored in `tickets.marketing_source` (NULL read as "").
    pub raw: String,
    /// In slug form, as organisers see it in the report.
    pub normalised: String,
    pub attribution: Attribution,
}

/// The campaign id a normalised source gives as `campaign-N` or a bare `N`.
pub fn campaign_id_reference(normalised: &str) -> Option<i32> {
    let digits = normalised.strip_prefix("campaign-").unwrap_or(normalised);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<i32>().ok().filter(|id| *id > 0)
}

/// Whether a slug would read as a campaign id reference (`12`,
/// `campaign-12`): such a name would be confused with the id convention.
pub fn looks_like_id_reference(slug: &str) -> bool {
    let digits = slug.strip_prefix("campaign-").unwrap_or(slug);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Classifies one raw source against the campaigns of its event.
pub fn classify(raw: &str, campaigns: &[CampaignKey]) -> Classified {
    let normalised = normalise_source(raw);
    let attribution = attribute(&normalised, campaigns);
    Classified {
        raw: raw.to_string(),
        normalised,
        attribution,
    }
}

/// The rules, on a source already in slug form.
pub fn attribute(normalised: &str, campaigns: &[CampaignKey]) -> Attribution {
    if normalised.is_empty() {
        return Attribution::NoSource;
    }
    let referenced = campaign_id_reference(normalised);
    let mut named: Vec<i32> = campaigns
        .iter()
        .filter(|c| c.slug == normalised || Some(c.id) == referenced)
        .map(|c| c.id)
        .collect();
    named.sort_unstable();
    named.dedup();
    match named.as_slice() {
        [] => {
            let mut slugs: Vec<&str> = campaigns.iter().map(|c| c.slug.as_str()).collect();
            slugs.sort_unstable();
            slugs.dedup();
            Attribution::Unattributed {
                suggestion: suggest(normalised, slugs).map(str::to_string),
            }
        }
        [one] => Attribution::Campaign(*one),
        _ => Attribution::Ambiguous(named),
    }
}

/// Classifies every distinct raw source of an event.
pub fn classify_all<'a>(
    sources: impl IntoIterator<Item = &'a str>,
    campaigns: &[CampaignKey],
) -> Vec<Classified> {
    sources
        .into_iter()
        .map(|raw| classify(raw, campaigns))
        .collect()
}

/// Slugs shared by several campaigns of one event, with their ids: their
/// tickets will be reported as ambiguous. Sorted by slug.
pub fn shared_slugs(campaigns: &[CampaignKey]) -> Vec<(String, Vec<i32>)> {
    let mut by_slug: std::collections::BTreeMap<&str, Vec<i32>> = Default::default();
    for c in campaigns {
        by_slug.entry(c.slug.as_str()).or_default().push(c.id);
    }
    by_slug
        .into_iter()
        .filter(|(_, ids)| ids.len() > 1)
        .map(|(slug, mut ids)| {
            ids.sort_unstable();
            (slug.to_string(), ids)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slug::slugify;
    use proptest::prelude::*;

    fn campaigns() -> Vec<CampaignKey> {
        [
            (3, "CFP 2026"),
            (4, "Early Bird Registration 2026"),
            (5, "Sponsor Outreach"),
            (6, "Reminder — Last Chance!"),
            (7, "reminder: last chance"),
        ]
        .into_iter()
        .map(|(id, name)| CampaignKey {
            id,
            slug: slugify(name),
        })
        .collect()
    }

    fn unattributed(suggestion: Option<&str>) -> Attribution {
        Attribution::Unattributed {
            suggestion: suggestion.map(str::to_string),
        }
    }

    /// Values seen in real Quicket exports and links, and what they mean.
    #[test]
    fn messy_real_world_sources() {
        let cases: &[(&str, &str, Attribution)] = &[
            ("cfp-2026", "cfp-2026", Attribution::Campaign(3)),
            ("CFP_2026 ", "cfp-2026", Attribution::Campaign(3)),
            ("cfp 2026", "cfp-2026", Attribution::Campaign(3)),
            ("\tCFP–2026\u{a0}", "cfp-2026", Attribution::Campaign(3)),
            (
                "https://qkt.io/x?utm_source=li&utm_campaign=CFP-2026",
                "cfp-2026",
                Attribution::Campaign(3),
            ),
            (
                "https://www.quicket.co.za/events/123-data-ai-day/?utm_medium=email&utm_campaign=Early%20Bird%20Registration%202026",
                "early-bird-registration-2026",
                Attribution::Campaign(4),
            ),
            (
                "utm_campaign=early+bird+registration+2026",
                "early-bird-registration-2026",
                Attribution::Campaign(4),
            ),
            (
                "?mtm_campaign=sponsor_outreach",
                "sponsor-outreach",
                Attribution::Campaign(5),
            ),
            ("campaign-5", "campaign-5", Attribution::Campaign(5)),
            ("Campaign 5", "campaign-5", Attribution::Campaign(5)),
            ("5", "5", Attribution::Campaign(5)),
            (" 005 ", "005", Attribution::Campaign(5)),
            // Two campaigns whose names differ only in punctuation share a slug.
            (
                "reminder-last-chance",
                "reminder-last-chance",
                Attribution::Ambiguous(vec![6, 7]),
            ),
            ("campaign-99", "campaign-99", unattributed(None)),
            ("cfp-206", "cfp-206", unattributed(Some("cfp-2026"))),
            ("CFP2026", "cfp2026", unattributed(Some("cfp-2026"))),
            (
                "early-bird-registraton-2026",
                "early-bird-registraton-2026",
                unattributed(Some("early-bird-registration-2026")),
            ),
            ("LinkedIn", "linkedin", unattributed(None)),
            ("Facebook Ad", "facebook-ad", unattributed(None)),
            (
                "https://qkt.io/x?utm_source=newsletter",
                "https-qkt-io-x-utm-source-newsletter",
                unattributed(None),
            ),
            ("", "", Attribution::NoSource),
            ("   ", "", Attribution::NoSource),
            ("—", "", Attribution::NoSource),
            ("utm_campaign=", "", Attribution::NoSource),
            ("0", "0", unattributed(None)),
            ("99999999999999", "99999999999999", unattributed(None)),
        ];
        let campaigns = campaigns();
        for (raw, normalised, want) in cases {
            let got = classify(raw, &campaigns);
            assert_eq!(got.normalised, *normalised, "{raw:?}");
            assert_eq!(got.attribution, *want, "{raw:?}");
            assert_eq!(got.raw, *raw);
        }
    }

    #[test]
    fn a_slug_and_an_id_that_disagree_are_ambiguous() {
        // Campaign 8 is named "12"; campaign 12 exists too. "12" names both.
        let campaigns = [
            CampaignKey {
                id: 8,
                slug: "12".into(),
            },
            CampaignKey {
                id: 12,
                slug: "cfp-2026".into(),
            },
        ];
        assert_eq!(
            attribute("12", &campaigns),
            Attribution::Ambiguous(vec![8, 12])
        );
        assert_eq!(
            attribute("campaign-8", &campaigns),
            Attribution::Campaign(8)
        );
    }

    #[test]
    fn ids_of_other_events_are_not_campaigns_of_this_one() {
        // Only the event's campaigns are passed in: id 40 is someone else's.
        assert_eq!(attribute("campaign-40", &campaigns()), unattributed(None));
    }

    #[test]
    fn no_campaigns_means_nothing_is_attributed() {
        assert_eq!(attribute("cfp-2026", &[]), unattributed(None));
        assert_eq!(attribute("", &[]), Attribution::NoSource);
    }

    #[test]
    fn id_references() {
        assert_eq!(campaign_id_reference("campaign-12"), Some(12));
        assert_eq!(campaign_id_reference("12"), Some(12));
        assert_eq!(campaign_id_reference("campaign-"), None);
        assert_eq!(campaign_id_reference("campaign"), None);
        assert_eq!(campaign_id_reference("campaign-12a"), None);
        assert_eq!(campaign_id_reference("0"), None);
        assert_eq!(campaign_id_reference("2147483648"), None);
        assert!(looks_like_id_reference("2026"));
        assert!(looks_like_id_reference("campaign-3"));
        assert!(!looks_like_id_reference("cfp-2026"));
        assert!(!looks_like_id_reference("campaign-"));
    }

    #[test]
    fn shared_slugs_are_found() {
        assert_eq!(
            shared_slugs(&campaigns()),
            vec![("reminder-last-chance".to_string(), vec![6, 7])]
        );
    }

    #[test]
    fn buckets() {
        assert_eq!(Attribution::Campaign(1).bucket(), "campaign");
        assert_eq!(Attribution::Ambiguous(vec![1, 2]).bucket(), "ambiguous");
        assert_eq!(unattributed(None).bucket(), "unattributed");
        assert_eq!(Attribution::NoSource.bucket(), "no_source");
    }

    fn arb_campaigns() -> impl Strategy<Value = Vec<CampaignKey>> {
        prop::collection::vec((1..50i32, "[A-Za-z0-9 _&-]{0,20}"), 0..8).prop_map(|v| {
            v.into_iter()
                .map(|(id, name)| CampaignKey {
                    id,
                    slug: slugify(&name),
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn classify_never_panics_and_is_consistent(raw in any::<String>(), campaigns in arb_campaigns()) {
            let got = classify(&raw, &campaigns);
            // Classifying the normalised form gives the same answer: the
            // report may show it and the rules hold on it.
            prop_assert_eq!(&attribute(&got.normalised, &campaigns), &got.attribution);
            match &got.attribution {
                Attribution::NoSource => prop_assert!(got.normalised.is_empty()),
                Attribution::Campaign(id) => {
                    let c = campaigns.iter().find(|c| c.id == *id);
                    prop_assert!(c.is_some());
                    let c = c.unwrap();
                    prop_assert!(c.slug == got.normalised || campaign_id_reference(&got.normalised) == Some(*id));
                }
                Attribution::Ambiguous(ids) => {
                    prop_assert!(ids.len() >= 2);
                    prop_assert!(ids.windows(2).all(|w| w[0] < w[1]));
                }
                Attribution::Unattributed { suggestion } => {
                    prop_assert!(!got.normalised.is_empty());
                    prop_assert!(campaigns.iter().all(|c| c.slug != got.normalised));
                    if let Some(s) = suggestion {
                        prop_assert!(campaigns.iter().any(|c| &c.slug == s));
                        prop_assert!(s != &got.normalised);
                    }
                }
            }
        }

        #[test]
        fn every_campaign_is_found_by_its_slug_and_its_id(campaigns in arb_campaigns()) {
            for c in &campaigns {
                let sharing = campaigns.iter().filter(|o| o.slug == c.slug || o.id == c.id).count();
                let id_like = looks_like_id_reference(&c.slug);
                if !c.slug.is_empty() && sharing == 1 && !id_like {
                    prop_assert_eq!(attribute(&c.slug, &campaigns), Attribution::Campaign(c.id));
                }
                let by_id = attribute(&format!("campaign-{}", c.id), &campaigns);
                prop_assert!(matches!(by_id, Attribution::Campaign(id) if id == c.id) || matches!(by_id, Attribution::Ambiguous(ref ids) if ids.contains(&c.id)));
            }
        }
    }
}
