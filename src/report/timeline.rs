//! The data of the HTML report's timeline chart: cumulative registrations
//! per campaign, day by day (`queries/report_timeline.sql`), and when each
//! communication went out (`queries/report_timeline_sends.sql`).

use chrono::NaiveDate;
use serde::Serialize;

use super::queries::{Param, Runner};
use crate::attribution::{Attribution, Classified};

pub const TIMELINE: &str = include_str!("../../queries/report_timeline.sql");
pub const SENDS: &str = include_str!("../../queries/report_timeline_sends.sql");

/// Registrations of one campaign on one day, and its running total.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct DayRow {
    pub campaign_id: i32,
    pub day: NaiveDate,
    pub registrations: i64,
    pub cumulative: i64,
}

/// A communication that went out (sent or published).
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct SendRow {
    pub campaign_id: i32,
    pub communication_id: i32,
    pub channel: String,
    pub title: Option<String>,
    pub day: NaiveDate,
    pub sent_at: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timeline {
    /// By campaign, then day.
    pub days: Vec<DayRow>,
    /// By time.
    pub sends: Vec<SendRow>,
}

/// Reads the timeline of one event; `classified` is its sources' attribution.
pub async fn fetch(
    runner: &mut Runner<'_>,
    event_id: i32,
    classified: &[Classified],
) -> sqlx::Result<Timeline> {
    let attributed: Vec<(&str, i32)> = classified
        .iter()
        .filter_map(|c| match c.attribution {
            Attribution::Campaign(id) => Some((c.raw.as_str(), id)),
            _ => None,
        })
        .collect();
    let days = runner
        .fetch(
            "report_timeline",
            TIMELINE,
            vec![
                Param::Int(event_id),
                Param::Texts(
                    attributed
                        .iter()
                        .map(|(raw, _)| Some(raw.to_string()))
                        .collect(),
                ),
                Param::Ints(attributed.iter().map(|(_, id)| Some(*id)).collect()),
            ],
        )
        .await?;
    let sends = runner
        .fetch("report_timeline_sends", SENDS, vec![Param::Int(event_id)])
        .await?;
    Ok(Timeline { days, sends })
}
