//! Rendering a [`Report`]: terminal tables, Markdown, CSV (one section, or
//! one file per section per event) and the JSON document whose keys are a
//! stable interface (docs/report.md).

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use super::{CampaignRow, EventReport, FunnelRow, ReachRow, Report, SectionName, UnattributedRow};
use crate::output::{Section, markdown_escape};
use crate::ui::Ui;

/// The formulas of the funnel, as `--help`, Markdown and the docs state them.
pub const FUNNEL_FORMULAS: &str = "delivery rate = delivered / sent; open rate = opened / delivered; \
click rate = clicked / delivered; click-to-open = clicked / opened; bounce rate = bounced / sent. \
A rate over zero is left empty.";

impl EventReport {
    /// One section as a titled table.
    pub fn section(&self, name: SectionName) -> Section {
        match name {
            SectionName::Campaigns => Section::new(name.title(), &self.campaigns),
            SectionName::Unattributed => Section::new(name.title(), &self.unattributed),
            SectionName::Reach => Section::new(name.title(), &self.reach),
            SectionName::Funnel => Section::new(name.title(), &self.funnel),
            SectionName::Models => self.models_section(),
        }
    }

    /// "Data & AI Day 2026 (data-ai-day-2026, 2026-09-17): 1234 registrations"
    pub fn heading(&self) -> String {
        format!(
            "{} ({}, {}): {} registration{}",
            self.event.name,
            self.event.slug,
            self.event.starts_on,
            self.registrations(),
            if self.registrations() == 1 { "" } else { "s" }
        )
    }
}

/// Where the columns a narrow terminal leaves out can be seen.
pub const SEE_EVERY_COLUMN: &str =
    "--wide, or --format markdown|csv|json|html, shows every column.";

/// Terminal tables: per event a heading, then one titled table per section,
/// fitted to `ui.width` when known.
pub fn table(report: &Report, ui: &Ui, only: Option<SectionName>) -> String {
    let width = ui.width.map(usize::from);
    let lines = |text: &str| match width {
        Some(width) => crate::fit::wrap(text, width),
        None => vec![text.to_string()],
    };
    let mut out = String::new();
    for (i, event) in report.events.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for line in lines(&event.heading()) {
            let _ = writeln!(out, "{}", ui.title(&line));
        }
        out.push('\n');
        for (j, name) in event.shown_sections(only).into_iter().enumerate() {
            if j > 0 {
                out.push('\n');
            }
            out.push_str(
                &event
                    .section(name)
                    .render_table_noting(ui, SEE_EVERY_COLUMN),
            );
        }
    }
    out.push('\n');
    for line in lines(&format!(
        "Generated {} (times in {}).",
        report.generated_at, report.timezone
    )) {
        let _ = writeln!(out, "{line}");
    }
    out
}

/// Markdown to paste into planning notes.
pub fn markdown(report: &Report, only: Option<SectionName>) -> String {
    let mut out = String::from("# Registrations report\n\n");
    let _ = writeln!(
        out,
        "Generated {} (times in {}).\n",
        report.generated_at,
        markdown_escape(&report.timezone)
    );
    for event in &report.events {
        let _ = writeln!(out, "## {}\n", markdown_escape(&event.heading()));
        for name in event.shown_sections(only) {
            out.push_str(&event.section(name).render_markdown(3));
            if name == SectionName::Funnel {
                let _ = writeln!(out, "_{}_\n", markdown_escape(FUNNEL_FORMULAS));
            }
        }
    }
    out
}

/// One section of every event as one CSV (no BOM: this goes to a pipe; the
/// files of `--out` have one). A leading `event` column tells the events apart.
pub fn csv_section(report: &Report, name: SectionName) -> anyhow::Result<Vec<u8>> {
    let mut combined: Option<Section> = None;
    for event in &report.events {
        let mut section = event.section(name);
        section.prepend_column("event", Value::String(event.event.slug.clone()));
        match &mut combined {
            None => combined = Some(section),
            Some(all) => all.rows.extend(section.rows),
        }
    }
    let mut out = Vec::new();
    if let Some(section) = combined {
        section.write_csv(&mut out)?;
    }
    Ok(out)
}

/// An ambiguous source in the JSON document.
#[derive(Debug, Serialize)]
struct AmbiguousJson<'a> {
    source: &'a str,
    campaign_ids: &'a [i32],
    registrations: i64,
    contacts: i64,
    revenue: f64,
}

#[derive(Debug, Serialize)]
struct EventJson<'a> {
    id: i32,
    slug: &'a str,
    name: &'a str,
    starts_on: chrono::NaiveDate,
    registrations: i64,
    contacts: i64,
    revenue: f64,
    campaigns: Vec<&'a CampaignRow>,
    ambiguous: Vec<AmbiguousJson<'a>>,
    unattributed: &'a [UnattributedRow],
    no_source: i64,
    reach: &'a [ReachRow],
    funnel: &'a [FunnelRow],
    /// Only when models were asked for (docs/report-html.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    models: Option<super::models::ModelsJson<'a>>,
}

#[derive(Debug, Serialize)]
struct ReportJson<'a> {
    generated_at: &'a str,
    timezone: &'a str,
    events: Vec<EventJson<'a>>,
}

/// The JSON document (`--format json`, `summary.json`).
pub fn json(report: &Report) -> anyhow::Result<String> {
    let mut text = serde_json::to_string_pretty(&document(report))?;
    text.push('\n');
    Ok(text)
}

/// The JSON document as a value (the MCP tool `registrations_report`).
pub fn json_value(report: &Report) -> anyhow::Result<Value> {
    Ok(serde_json::to_value(document(report))?)
}

fn document(report: &Report) -> ReportJson<'_> {
    let events = report
        .events
        .iter()
        .map(|e| {
            let total = e.total();
            EventJson {
                id: e.event.id,
                slug: &e.event.slug,
                name: &e.event.name,
                starts_on: e.event.starts_on,
                registrations: e.registrations(),
                contacts: total.map_or(0, |t| t.contacts),
                revenue: total.map_or(0.0, |t| t.revenue),
                campaigns: e.rows_of_kind("campaign").collect(),
                ambiguous: e
                    .rows_of_kind("ambiguous")
                    .map(|r| AmbiguousJson {
                        source: r.slug.as_deref().unwrap_or_default(),
                        campaign_ids: r.campaign_ids.as_deref().unwrap_or_default(),
                        registrations: r.registrations,
                        contacts: r.contacts,
                        revenue: r.revenue,
                    })
                    .collect(),
                unattributed: &e.unattributed,
                no_source: e.no_source(),
                reach: &e.reach,
                funnel: &e.funnel,
                models: e.models.as_ref().map(|m| m.json()),
            }
        })
        .collect();
    ReportJson {
        generated_at: &report.generated_at,
        timezone: &report.timezone,
        events,
    }
}
