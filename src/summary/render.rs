//! Rendering a [`Summary`]: plain text (terminal or email), Markdown, and
//! the JSON document whose keys are a stable interface (docs/summary.md).
//! A warning about stale data always comes first.

use std::fmt::Write as _;

use serde::Serialize;

use super::{EmailRow, EventSummary, LastImport, SourceRow, Summary, target::SummaryFormat};
use crate::output::{Record, Section, markdown_escape};
use crate::ui::Ui;

/// A row of "New registrations per campaign" as people read it.
#[derive(Debug, Default, Serialize)]
struct CampaignLine {
    campaign: String,
    slug: String,
    new: i64,
    all_time: i64,
}
impl Record for CampaignLine {}

/// A row of "Newly seen unattributed sources".
#[derive(Debug, Default, Serialize)]
struct SourceLine {
    source: String,
    new: i64,
    all_time: i64,
    first_seen: String,
    did_you_mean: String,
    example: String,
}
impl Record for SourceLine {}

/// A row of "Emails sent in the window".
#[derive(Debug, Default, Serialize)]
struct EmailLine {
    campaign: String,
    email: String,
    sent_at: String,
    recipients: i64,
    delivered: i64,
    opened: i64,
    clicked: i64,
    bounced: i64,
}
impl Record for EmailLine {}

/// Renders `summary` in `format`; `ui` only colours the titles of text
/// for a terminal (pass [`Ui::plain`] for files).
pub fn render(summary: &Summary, format: SummaryFormat, ui: &Ui) -> anyhow::Result<String> {
    Ok(match format {
        SummaryFormat::Text => text(summary, ui),
        SummaryFormat::Markdown => markdown(summary),
        SummaryFormat::Json => json(summary)?,
    })
}

/// Ticket buyers control sources and names: no control characters (a
/// terminal escape sequence, a carriage return) reach the output.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The warning that must come first, if the data is stale.
fn warning(event: &EventSummary) -> Option<String> {
    event
        .stale
        .as_ref()
        .map(|f| format!("WARNING ({}): {}", event.event.slug, f.message()))
}

fn heading(summary: &Summary, event: &EventSummary) -> String {
    format!(
        "{} ({}){}: {} to {} ({})",
        printable(&event.event.name),
        event.event.slug,
        summary
            .window
            .label
            .strip_prefix("the last")
            .map(|l| format!(", the last{l}"))
            .unwrap_or_default(),
        summary.window.since_local,
        summary.window.until_local,
        summary.window.timezone
    )
}

/// "3 new registrations (19 in all).", or a plain sentence saying that
/// nothing happened.
fn headline(summary: &Summary, event: &EventSummary) -> String {
    let (new, all) = event.counts("total");
    if event.is_quiet() {
        format!(
            "Nothing new between {} and {}: no registrations, no newly seen sources, no emails \
             sent ({} in all).",
            summary.window.since_local,
            summary.window.until_local,
            plural(all, "registration", "registrations")
        )
    } else if new == 0 {
        format!("No new registrations in this window ({all} in all).")
    } else {
        format!(
            "{} ({all} in all).",
            plural(new, "new registration", "new registrations")
        )
    }
}

fn campaign_section(event: &EventSummary) -> Section {
    let lines: Vec<CampaignLine> = event
        .registrations
        .iter()
        .map(|r| CampaignLine {
            campaign: printable(&match r.kind.as_str() {
                "campaign" | "ambiguous" => r.name.clone().unwrap_or_default(),
                "unattributed" => "Unattributed".into(),
                "no_source" => "No source".into(),
                "total" => "Total".into(),
                other => other.to_string(),
            }),
            slug: r.slug.clone().unwrap_or_default(),
            new: r.new_registrations,
            all_time: r.registrations,
        })
        .collect();
    Section::new("New registrations per campaign", &lines)
}

fn source_section(event: &EventSummary) -> Option<Section> {
    let lines: Vec<SourceLine> = event
        .new_sources()
        .map(|s| SourceLine {
            source: s.source.clone(),
            new: s.new_registrations,
            all_time: s.registrations,
            first_seen: s.first_seen.clone(),
            did_you_mean: s.suggestion.clone().unwrap_or_default(),
            example: printable(s.example.as_deref().unwrap_or_default()),
        })
        .collect();
    (!lines.is_empty()).then(|| Section::new("Newly seen unattributed sources", &lines))
}

fn email_section(event: &EventSummary) -> Option<Section> {
    let lines: Vec<EmailLine> = event
        .emails
        .iter()
        .map(|e| EmailLine {
            campaign: printable(&e.campaign),
            email: printable(e.title.as_deref().unwrap_or_default()),
            sent_at: e.sent_at.clone().unwrap_or_default(),
            recipients: e.recipients,
            delivered: e.delivered,
            opened: e.opened,
            clicked: e.clicked,
            bounced: e.bounced,
        })
        .collect();
    (!lines.is_empty()).then(|| Section::new("Emails sent in the window (recipients now)", &lines))
}

fn import_line(event: &EventSummary) -> String {
    match &event.last_import {
        None => "Last Quicket import: never.".into(),
        Some(LastImport {
            finished_local,
            file_name,
            rows_read,
            tickets_created,
            tickets_updated,
            age_minutes,
            ..
        }) => format!(
            "Last Quicket import: {finished_local}, {} ago ({}: {}, {} created, {} updated).",
            super::window::describe_age(*age_minutes),
            printable(file_name),
            plural(i64::from(*rows_read), "row read", "rows read"),
            plural(i64::from(*tickets_created), "ticket", "tickets"),
            tickets_updated
        ),
    }
}

/// Findings other than the staleness (which comes first anyway).
fn other_findings(event: &EventSummary) -> Vec<String> {
    event
        .findings
        .iter()
        .filter(|f| Some(*f) != event.stale.as_ref())
        .map(crate::attention::Finding::message)
        .collect()
}

fn legend(summary: &Summary) -> String {
    format!(
        "new: purchased from {} (inclusive) to {} (exclusive); all time: purchased before {}. \
         Generated {} (times in {}).",
        summary.window.since_local,
        summary.window.until_local,
        summary.window.until_local,
        summary.window.until_iso,
        summary.window.timezone
    )
}

/// The warnings of every event, for the very top of the document.
fn warnings(summary: &Summary) -> Vec<String> {
    summary.events.iter().filter_map(warning).collect()
}

/// Plain text: the warnings first, then per event the heading, the
/// headline and the sections.
pub fn text(summary: &Summary, ui: &Ui) -> String {
    let mut out = String::new();
    let warnings = warnings(summary);
    for w in &warnings {
        let _ = writeln!(out, "{}", ui.title(w));
    }
    if !warnings.is_empty() {
        out.push('\n');
    }
    for (i, event) in summary.events.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "{}\n", ui.title(&heading(summary, event)));
        let _ = writeln!(out, "{}\n", headline(summary, event));
        out.push_str(&campaign_section(event).render_table(ui));
        out.push('\n');
        match source_section(event) {
            Some(s) => out.push_str(&s.render_table(ui)),
            None => out.push_str("No newly seen unattributed sources.\n"),
        }
        out.push('\n');
        match email_section(event) {
            Some(s) => out.push_str(&s.render_table(ui)),
            None => out.push_str("No emails were sent in this window.\n"),
        }
        out.push('\n');
        let _ = writeln!(out, "{}", import_line(event));
        let findings = other_findings(event);
        if !findings.is_empty() {
            let _ = writeln!(out, "\nTo look at:");
            for f in findings {
                let _ = writeln!(out, "- {f}");
            }
        }
    }
    let _ = writeln!(out, "\n{}", legend(summary));
    out
}

/// Markdown: the warnings first (quotes), then per event a heading.
pub fn markdown(summary: &Summary) -> String {
    let mut out = String::new();
    for w in warnings(summary) {
        let _ = writeln!(out, "> **{}**\n", markdown_escape(&w));
    }
    for event in &summary.events {
        let _ = writeln!(out, "# {}\n", markdown_escape(&heading(summary, event)));
        let _ = writeln!(out, "{}\n", markdown_escape(&headline(summary, event)));
        out.push_str(&campaign_section(event).render_markdown(2));
        match source_section(event) {
            Some(s) => out.push_str(&s.render_markdown(2)),
            None => out.push_str("## Newly seen unattributed sources\n\nNone.\n\n"),
        }
        match email_section(event) {
            Some(s) => out.push_str(&s.render_markdown(2)),
            None => out.push_str("## Emails sent in the window\n\nNone were sent.\n\n"),
        }
        let _ = writeln!(out, "{}\n", markdown_escape(&import_line(event)));
        let findings = other_findings(event);
        if !findings.is_empty() {
            out.push_str("## To look at\n\n");
            for f in findings {
                let _ = writeln!(out, "- {}", markdown_escape(&f));
            }
            out.push('\n');
        }
    }
    let _ = writeln!(out, "_{}_", markdown_escape(&legend(summary)));
    out
}

#[derive(Debug, Serialize)]
struct Counts {
    new_registrations: i64,
    registrations: i64,
}

#[derive(Debug, Serialize)]
struct CampaignJson<'a> {
    campaign_id: Option<i32>,
    name: Option<&'a str>,
    slug: Option<&'a str>,
    new_registrations: i64,
    registrations: i64,
}

#[derive(Debug, Serialize)]
struct AmbiguousJson<'a> {
    source: Option<&'a str>,
    campaign_ids: &'a [i32],
    new_registrations: i64,
    registrations: i64,
}

#[derive(Debug, Serialize)]
struct EventJson<'a> {
    warnings: Vec<String>,
    id: i32,
    slug: &'a str,
    name: &'a str,
    starts_on: chrono::NaiveDate,
    new_registrations: i64,
    registrations: i64,
    campaigns: Vec<CampaignJson<'a>>,
    ambiguous: Vec<AmbiguousJson<'a>>,
    unattributed: Counts,
    no_source: Counts,
    new_sources: Vec<&'a SourceRow>,
    emails: &'a [EmailRow],
    last_import: Option<&'a LastImport>,
    attention: Vec<String>,
}

#[derive(Debug, Serialize)]
struct WindowJson<'a> {
    since: &'a str,
    until: &'a str,
    label: &'a str,
    stale_after: String,
}

#[derive(Debug, Serialize)]
struct SummaryJson<'a> {
    warnings: Vec<String>,
    generated_at: &'a str,
    timezone: &'a str,
    window: WindowJson<'a>,
    events: Vec<EventJson<'a>>,
}

fn counts(event: &EventSummary, kind: &str) -> Counts {
    let (new_registrations, registrations) = event.counts(kind);
    Counts {
        new_registrations,
        registrations,
    }
}

/// The JSON document.
pub fn json(summary: &Summary) -> anyhow::Result<String> {
    let mut text = serde_json::to_string_pretty(&document(summary))?;
    text.push('\n');
    Ok(text)
}

/// The JSON document as a value (the MCP tool `summary`).
pub fn json_value(summary: &Summary) -> anyhow::Result<serde_json::Value> {
    Ok(serde_json::to_value(document(summary))?)
}

fn document(summary: &Summary) -> SummaryJson<'_> {
    let events: Vec<EventJson> = summary
        .events
        .iter()
        .map(|e| {
            let (new_registrations, registrations) = e.counts("total");
            EventJson {
                warnings: warning(e).into_iter().collect(),
                id: e.event.id,
                slug: &e.event.slug,
                name: &e.event.name,
                starts_on: e.event.starts_on,
                new_registrations,
                registrations,
                campaigns: e
                    .rows_of_kind("campaign")
                    .map(|r| CampaignJson {
                        campaign_id: r.campaign_id,
                        name: r.name.as_deref(),
                        slug: r.slug.as_deref(),
                        new_registrations: r.new_registrations,
                        registrations: r.registrations,
                    })
                    .collect(),
                ambiguous: e
                    .rows_of_kind("ambiguous")
                    .map(|r| AmbiguousJson {
                        source: r.slug.as_deref(),
                        campaign_ids: &r.campaign_ids,
                        new_registrations: r.new_registrations,
                        registrations: r.registrations,
                    })
                    .collect(),
                unattributed: counts(e, "unattributed"),
                no_source: counts(e, "no_source"),
                new_sources: e.new_sources().collect(),
                emails: &e.emails,
                last_import: e.last_import.as_ref(),
                attention: e
                    .findings
                    .iter()
                    .map(crate::attention::Finding::message)
                    .collect(),
            }
        })
        .collect();
    SummaryJson {
        warnings: warnings(summary),
        generated_at: &summary.window.until_iso,
        timezone: &summary.window.timezone,
        window: WindowJson {
            since: &summary.window.since_iso,
            until: &summary.window.until_iso,
            label: &summary.window.label,
            stale_after: summary.stale_after.to_string(),
        },
        events,
    }
}
