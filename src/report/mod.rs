//! The data of `attrib report`: for each event, four sections computed by
//! PostgreSQL (`queries/report_*.sql`) from the attribution decided in Rust
//! ([`crate::attribution`]) over the event's distinct marketing sources.
//!
//! Everything is read in one snapshot (read-only REPEATABLE READ
//! transactions sharing it when several events are read concurrently), so
//! that the sections agree with each other: the total of section 1 is the
//! event's registrations even while an import runs.

pub mod charts;
pub mod html;
pub mod models;
pub mod queries;
pub mod render;
pub mod timeline;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use sqlx::PgPool;

use crate::attention;
use crate::attribution::{self, Attribution, CampaignKey, Classified};
use crate::campaign::Campaign;
use crate::event::Event;
use crate::output::Record;
use crate::summary::window::{Span, describe_age};
use crate::vocabulary::{Channel, DistributionChannel};
use queries::{Param, Runner};

/// The sections of a report, as `--section` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SectionName {
    /// Registrations per campaign, then ambiguous, unattributed, no source, total.
    Campaigns,
    /// Sources that name no campaign, with "did you mean".
    Unattributed,
    /// Communications and asset distributions per channel.
    Reach,
    /// The email funnel per communication and per campaign.
    Funnel,
    /// Registrations credited per campaign by --model, or by every model
    /// side by side with --compare-models.
    Models,
}

impl SectionName {
    pub const ALL: [SectionName; 4] = [
        SectionName::Campaigns,
        SectionName::Unattributed,
        SectionName::Reach,
        SectionName::Funnel,
    ];

    pub fn title(self) -> &'static str {
        match self {
            SectionName::Campaigns => "Registrations per campaign",
            SectionName::Unattributed => "Unattributed sources",
            SectionName::Reach => "Channel reach",
            SectionName::Funnel => "Recipient funnel",
            SectionName::Models => "Attribution models",
        }
    }

    /// The name in file names and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            SectionName::Campaigns => "campaigns",
            SectionName::Unattributed => "unattributed",
            SectionName::Reach => "reach",
            SectionName::Funnel => "funnel",
            SectionName::Models => "models",
        }
    }
}

/// A whole report: one or more events.
#[derive(Debug, Clone)]
pub struct Report {
    /// ISO 8601 with the offset of `timezone`.
    pub generated_at: String,
    /// The session time zone every time is shown in (`--timezone`).
    pub timezone: String,
    pub events: Vec<EventReport>,
}

/// The four sections of one event.
#[derive(Debug, Clone)]
pub struct EventReport {
    pub event: Event,
    /// Section 1: campaign rows, then ambiguous, unattributed, no source, total.
    pub campaigns: Vec<CampaignRow>,
    pub unattributed: Vec<UnattributedRow>,
    pub reach: Vec<ReachRow>,
    pub funnel: Vec<FunnelRow>,
    /// The attribution models, when asked for (`--model`, `--compare-models`,
    /// the HTML report).
    pub models: Option<models::ModelsReport>,
    /// The data of the HTML report's timeline chart.
    pub timeline: Option<timeline::Timeline>,
    /// The event's last Quicket import, if any (the staleness note).
    pub last_import: Option<LastImportAge>,
}

/// When an event's data was last imported from Quicket.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct LastImportAge {
    /// In the session time zone: "2026-05-01 10:00".
    pub finished_local: String,
    /// Whole minutes before the report was made.
    pub age_minutes: i64,
}

/// What to read besides the four sections.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuildOptions {
    /// Leave out the four sections (their tables stay empty): only the
    /// models are shown.
    pub models_only: bool,
    /// Compute the attribution models, shown as the view says.
    pub models: Option<(models::Window, models::View)>,
    /// Read the timeline (the HTML report's chart).
    pub timeline: bool,
}

/// A row of section 1. `kind` says which: campaign, ambiguous,
/// unattributed, no_source or total.
#[derive(Debug, Clone, Default, PartialEq, Serialize, sqlx::FromRow)]
pub struct CampaignRow {
    #[serde(skip)]
    pub kind: String,
    pub campaign_id: Option<i32>,
    pub name: String,
    pub slug: Option<String>,
    pub campaign_type: Option<String>,
    pub status: Option<String>,
    pub registrations: i64,
    pub contacts: i64,
    pub revenue: f64,
    pub share: Option<f64>,
    pub first_registration: Option<String>,
    pub last_registration: Option<String>,
    pub recipients: Option<i64>,
    pub converted_recipients: Option<i64>,
    pub conversion_rate: Option<f64>,
    /// The campaigns an ambiguous source names.
    #[serde(skip)]
    pub campaign_ids: Option<Vec<i32>>,
}

impl Record for CampaignRow {
    const PERCENT: &'static [&'static str] = &["share", "conversion_rate"];
    const MONEY: &'static [&'static str] = &["revenue"];
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("name", "campaign"),
        ("campaign_type", "type"),
        ("converted_recipients", "converted"),
        ("conversion_rate", "conversion"),
    ];
    /// docs/report.md, "On a terminal", states this order.
    const OPTIONAL: &'static [&'static str] = &[
        "campaign_id",
        "status",
        "campaign_type",
        "contacts",
        "first_registration",
        "last_registration",
        "slug",
        "revenue",
    ];
}

/// A row of section 2.
#[derive(Debug, Clone, Default, PartialEq, Serialize, sqlx::FromRow)]
pub struct UnattributedRow {
    /// The source in slug form.
    pub source: String,
    pub registrations: i64,
    /// The campaign slug it was probably meant to be.
    pub suggestion: Option<String>,
    /// Its most common spelling in the tickets.
    pub example: Option<String>,
}

impl Record for UnattributedRow {
    const OPTIONAL: &'static [&'static str] = &["example", "suggestion"];
}

/// A row of section 3: a communication channel (`kind` communication) or an
/// asset-distribution channel (`kind` distribution).
#[derive(Debug, Clone, Default, PartialEq, Serialize, sqlx::FromRow)]
pub struct ReachRow {
    pub kind: String,
    pub channel: String,
    pub communications: Option<i64>,
    pub sent_or_published: Option<i64>,
    pub recipients: Option<i64>,
    pub delivered: Option<i64>,
    pub assets_shared: Option<i64>,
    pub distributions: Option<i64>,
    pub reach_estimate: Option<i64>,
    pub estimates_missing: Option<i64>,
}

impl Record for ReachRow {
    const LABELS: &'static [(&'static str, &'static str)] = &[("communications", "comms")];
    const OPTIONAL: &'static [&'static str] = &[
        "estimates_missing",
        "assets_shared",
        "sent_or_published",
        "kind",
        "distributions",
        "delivered",
    ];
}

/// A row of section 4: one email communication, or all the emails of a
/// campaign (`communication_id` null).
#[derive(Debug, Clone, Default, PartialEq, Serialize, sqlx::FromRow)]
pub struct FunnelRow {
    pub campaign_id: i32,
    pub campaign: String,
    pub communication_id: Option<i32>,
    pub title: Option<String>,
    pub sent_at: Option<String>,
    pub recipients: i64,
    pub sent: i64,
    pub delivered: i64,
    pub opened: i64,
    pub clicked: i64,
    pub bounced: i64,
    pub failed: i64,
    pub queued: i64,
    pub delivery_rate: Option<f64>,
    pub open_rate: Option<f64>,
    pub click_rate: Option<f64>,
    pub click_to_open: Option<f64>,
    pub bounce_rate: Option<f64>,
}

impl Record for FunnelRow {
    const PERCENT: &'static [&'static str] = &[
        "delivery_rate",
        "open_rate",
        "click_rate",
        "click_to_open",
        "bounce_rate",
    ];
    const LABELS: &'static [(&'static str, &'static str)] =
        &[("title", "email"), ("communication_id", "email id")];
    const OPTIONAL: &'static [&'static str] = &[
        "campaign_id",
        "communication_id",
        "queued",
        "failed",
        "bounced",
        "bounce_rate",
        "click_to_open",
        "delivery_rate",
        "sent",
        "sent_at",
        "campaign",
    ];
}

#[derive(Debug, sqlx::FromRow)]
struct Meta {
    timezone: String,
    generated_at: String,
}

#[derive(Debug, sqlx::FromRow)]
struct SourceRow {
    source: String,
}

impl EventReport {
    /// The total row of section 1.
    pub fn total(&self) -> Option<&CampaignRow> {
        self.campaigns.iter().find(|r| r.kind == "total")
    }

    /// The event's registrations (tickets neither cancelled nor refunded).
    pub fn registrations(&self) -> i64 {
        match (self.total(), &self.models) {
            (Some(total), _) => total.registrations,
            // Only the models were read.
            (None, Some(models)) => models.registrations(),
            (None, None) => 0,
        }
    }

    pub fn rows_of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a CampaignRow> {
        self.campaigns.iter().filter(move |r| r.kind == kind)
    }

    /// Registrations of the no-source bucket.
    pub fn no_source(&self) -> i64 {
        self.rows_of_kind("no_source")
            .map(|r| r.registrations)
            .sum()
    }

    /// Whether the figures may be out of date: no Quicket import, or the
    /// last one longer ago than `stale_after` (the note `attrib summary`
    /// gives first).
    pub fn staleness(&self, stale_after: Span) -> Option<attention::Finding> {
        match &self.last_import {
            None => Some(attention::Finding::StaleImport {
                finished_at: None,
                age: None,
                stale_after: stale_after.to_string(),
            }),
            Some(last) if last.age_minutes > stale_after.minutes() => {
                Some(attention::Finding::StaleImport {
                    finished_at: Some(last.finished_local.clone()),
                    age: Some(describe_age(last.age_minutes)),
                    stale_after: stale_after.to_string(),
                })
            }
            Some(_) => None,
        }
    }

    /// What an organiser should fix, in one line, or None: data older than
    /// `stale_after` (or never imported), sources naming several
    /// campaigns, and sources that look like typos of a slug (the rule
    /// shared with `attrib summary`, [`crate::attention`]).
    pub fn attention(&self, stale_after: Span) -> Option<String> {
        let findings: Vec<attention::Finding> = [
            self.staleness(stale_after),
            attention::ambiguous(self.rows_of_kind("ambiguous").map(|r| {
                (
                    r.slug.as_deref().unwrap_or_default(),
                    r.campaign_ids.as_deref().unwrap_or_default(),
                    r.registrations,
                )
            })),
            attention::likely_typos(
                self.unattributed
                    .iter()
                    .map(|r| (r.source.as_str(), r.suggestion.as_deref(), r.registrations)),
            ),
        ]
        .into_iter()
        .flatten()
        .collect();
        attention::line(&self.event.slug, &findings)
    }
}

const BEGIN: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

/// Reads the report of `events`. With `psql_script`, also returns the same
/// queries with their parameters as a psql script (`--emit-psql`).
///
/// Several events are read concurrently on several connections (one per
/// CPU, at most three), all in the snapshot of the first transaction, so
/// that they agree exactly as if read in one.
pub async fn build(
    pool: &PgPool,
    events: Vec<Event>,
    psql_script: bool,
) -> anyhow::Result<(Report, Option<String>)> {
    build_with(pool, events, psql_script, BuildOptions::default()).await
}

/// [`build`], reading the models and the timeline as `options` ask.
pub async fn build_with(
    pool: &PgPool,
    events: Vec<Event>,
    psql_script: bool,
    options: BuildOptions,
) -> anyhow::Result<(Report, Option<String>)> {
    let mut lead = pool.begin_with(BEGIN).await?;
    let mut runner = Runner::new(&mut lead, psql_script, "");
    runner.execute(queries::SETTINGS).await?;
    let meta: Meta = runner
        .fetch("report_meta", queries::META, vec![])
        .await?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("the report's time query returned nothing"))?;
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(3)
        .min(events.len());
    let mut reports = Vec::with_capacity(events.len());
    let mut script = String::new();
    if workers <= 1 {
        for event in events {
            reports.push(build_event(&mut runner, event, options).await?);
        }
        script.push_str(&runner.into_body().unwrap_or_default());
    } else {
        script.push_str(&runner.into_body().unwrap_or_default());
        let snapshot: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
            .fetch_one(&mut *lead)
            .await?;
        for (report, part) in
            build_concurrently(pool, events, &snapshot, workers, psql_script, options).await?
        {
            reports.push(report);
            script.push_str(&part.unwrap_or_default());
        }
    }
    lead.commit().await?;
    Ok((
        Report {
            generated_at: meta.generated_at,
            events: reports,
            timezone: meta.timezone.clone(),
        },
        psql_script.then(|| queries::psql_script(&meta.timezone, &script)),
    ))
}

/// The events' reports, in the order given, read by `workers` connections
/// that import the lead transaction's snapshot.
async fn build_concurrently(
    pool: &PgPool,
    events: Vec<Event>,
    snapshot: &str,
    workers: usize,
    record: bool,
    options: BuildOptions,
) -> anyhow::Result<Vec<(EventReport, Option<String>)>> {
    // A snapshot id is hex digits and dashes; SET takes no bound parameters.
    if snapshot.is_empty() || !snapshot.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
        anyhow::bail!("PostgreSQL returned an unexpected snapshot id {snapshot:?}");
    }
    let set_snapshot = format!("SET TRANSACTION SNAPSHOT '{snapshot}'");
    let queue = Arc::new(Mutex::new(
        events.into_iter().enumerate().collect::<VecDeque<_>>(),
    ));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..workers {
        let pool = pool.clone();
        let queue = Arc::clone(&queue);
        let set_snapshot = set_snapshot.clone();
        tasks.spawn(async move {
            let mut tx = pool.begin_with(BEGIN).await?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(set_snapshot))
                .execute(&mut *tx)
                .await?;
            sqlx::raw_sql(queries::SETTINGS).execute(&mut *tx).await?;
            let mut done = Vec::new();
            loop {
                let next = queue
                    .lock()
                    .map_err(|_| anyhow::anyhow!("a report worker panicked"))?
                    .pop_front();
                let Some((i, event)) = next else { break };
                let mut runner = Runner::new(&mut tx, record, &format!("e{i}_"));
                let report = build_event(&mut runner, event, options).await?;
                done.push((i, report, runner.into_body()));
            }
            tx.commit().await?;
            Ok::<_, anyhow::Error>(done)
        });
    }
    let mut all = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        all.extend(joined??);
    }
    all.sort_by_key(|(i, _, _)| *i);
    Ok(all
        .into_iter()
        .map(|(_, report, part)| (report, part))
        .collect())
}

async fn build_event(
    runner: &mut Runner<'_>,
    event: Event,
    options: BuildOptions,
) -> anyhow::Result<EventReport> {
    let id = Param::Int(event.id);
    let campaigns: Vec<Campaign> = runner
        .fetch(
            "report_event_campaigns",
            queries::EVENT_CAMPAIGNS,
            vec![id.clone()],
        )
        .await?;
    // Matched by slug and old slugs (src/sources.rs); the section queries
    // get one key per campaign, its slug shown with the old ones.
    let matching = crate::sources::campaign_keys(&campaigns);
    let keys: Vec<CampaignKey> = crate::sources::shown_keys(&campaigns);
    let sources: Vec<SourceRow> = runner
        .fetch("report_sources", queries::SOURCES, vec![id.clone()])
        .await?;
    let classified =
        attribution::classify_all(sources.iter().map(|s| s.source.as_str()), &matching);

    let models = match options.models {
        Some((window, view)) => Some(models::ModelsReport {
            window,
            view,
            rows: models::fetch(runner, event.id, window, &classified, &keys).await?,
        }),
        None => None,
    };
    let timeline = match options.timeline {
        true => Some(timeline::fetch(runner, event.id, &classified).await?),
        false => None,
    };
    let last_import: Option<LastImportAge> = runner
        .fetch("report_last_import", queries::LAST_IMPORT, vec![id.clone()])
        .await?
        .pop();
    if options.models_only {
        return Ok(EventReport {
            event,
            campaigns: Vec::new(),
            unattributed: Vec::new(),
            reach: Vec::new(),
            funnel: Vec::new(),
            models,
            timeline,
            last_import,
        });
    }

    let campaign_rows: Vec<CampaignRow> = runner
        .fetch(
            "report_campaigns",
            queries::CAMPAIGNS,
            campaigns_params(event.id, &classified, &keys),
        )
        .await?;

    let unattributed: Vec<&Classified> = classified
        .iter()
        .filter(|c| matches!(c.attribution, Attribution::Unattributed { .. }))
        .collect();
    let unattributed_rows: Vec<UnattributedRow> = runner
        .fetch(
            "report_unattributed",
            queries::UNATTRIBUTED,
            vec![
                id.clone(),
                texts(unattributed.iter().map(|c| Some(c.raw.clone()))),
                texts(unattributed.iter().map(|c| Some(c.normalised.clone()))),
                texts(unattributed.iter().map(|c| match &c.attribution {
                    Attribution::Unattributed { suggestion } => suggestion.clone(),
                    _ => None,
                })),
            ],
        )
        .await?;

    let reach: Vec<ReachRow> = runner
        .fetch(
            "report_reach",
            queries::REACH,
            vec![
                id.clone(),
                texts(Channel::ALL.iter().map(|c| Some(c.as_str().to_string()))),
                texts(
                    DistributionChannel::ALL
                        .iter()
                        .map(|c| Some(c.as_str().to_string())),
                ),
            ],
        )
        .await?;

    let funnel: Vec<FunnelRow> = runner
        .fetch("report_funnel", queries::FUNNEL, vec![id])
        .await?;

    Ok(EventReport {
        event,
        campaigns: campaign_rows,
        unattributed: unattributed_rows,
        reach,
        funnel,
        models,
        timeline,
        last_import,
    })
}

fn texts(values: impl Iterator<Item = Option<String>>) -> Param {
    Param::Texts(values.collect())
}

/// The parameters of `report_campaigns.sql` (see its header).
fn campaigns_params(event_id: i32, classified: &[Classified], keys: &[CampaignKey]) -> Vec<Param> {
    // Several raw spellings may give one ambiguous slug: one pair each.
    let ambiguous: std::collections::BTreeSet<(&str, i32)> = classified
        .iter()
        .flat_map(|c| match &c.attribution {
            Attribution::Ambiguous(ids) => ids
                .iter()
                .map(|id| (c.normalised.as_str(), *id))
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        })
        .collect();
    vec![
        Param::Int(event_id),
        texts(classified.iter().map(|c| Some(c.raw.clone()))),
        texts(
            classified
                .iter()
                .map(|c| Some(c.attribution.bucket().to_string())),
        ),
        Param::Ints(
            classified
                .iter()
                .map(|c| match c.attribution {
                    Attribution::Campaign(id) => Some(id),
                    _ => None,
                })
                .collect(),
        ),
        texts(classified.iter().map(|c| Some(c.normalised.clone()))),
        Param::Ints(keys.iter().map(|k| Some(k.id)).collect()),
        texts(keys.iter().map(|k| Some(k.slug.clone()))),
        texts(ambiguous.iter().map(|(s, _)| Some(s.to_string()))),
        Param::Ints(ambiguous.iter().map(|(_, id)| Some(*id)).collect()),
    ]
}
