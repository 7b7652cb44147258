//! The report as one self-contained HTML page (`--format html`): every
//! section as a table, and SVG charts (timeline, model comparison, channel
//! reach, the funnel of each email). No script, no external font, image or
//! style sheet: it opens offline in any browser, and prints (a print style
//! sheet starts each event on a new page).
//!
//! Every value from the database (names, sources, titles) is hostile input:
//! it reaches the page only through [`escape`], or through plotters, which
//! escapes the text it writes into the SVG.

use std::fmt::Write as _;

use serde_json::Value;

use super::charts::{self, CampaignLine};
use super::render::FUNNEL_FORMULAS;
use super::{EventReport, Report, SectionName};
use crate::output::Section;

/// Escapes text for HTML content and quoted attribute values. Control
/// characters other than tab and newline are dropped: they have no place
/// in a page.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --ink: #222; --muted: #666; --line: #ddd; --head: #f3f5f8; --accent: #4e79a7; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
header, main, footer { max-width: 1280px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 24px; border-bottom: 3px solid var(--accent); }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 36px 0 8px; padding-top: 8px; border-top: 1px solid var(--line); }
h3 { font-size: 17px; margin: 28px 0 8px; }
p.meta, figcaption, p.note { color: var(--muted); font-size: 13px; }
nav ul { list-style: none; padding: 0; margin: 8px 0 16px; display: flex; flex-wrap: wrap; gap: 6px 18px; }
nav a { color: var(--accent); }
dl.figures { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
dl.figures div { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 150px; }
dl.figures dt { color: var(--muted); font-size: 12px; }
dl.figures dd { margin: 0; font-size: 22px; font-weight: 600; }
figure { margin: 12px 0 18px; }
.funnels { display: flex; flex-wrap: wrap; gap: 4px 16px; }
.funnels figure { width: 362px; margin: 6px 0; }
figure svg { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 12.5px; margin: 6px 0 12px; }
th, td { border: 1px solid var(--line); padding: 3px 6px; vertical-align: top; }
th { background: var(--head); text-align: left; font-weight: 600; }
td { overflow-wrap: anywhere; }
td.n, td.d { white-space: nowrap; overflow-wrap: normal; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.bucket td { background: #fafafa; font-style: italic; }
tr.total td { font-weight: 600; border-top: 2px solid #999; }
p.none { color: var(--muted); font-style: italic; }
footer { margin-top: 40px; padding-bottom: 24px; color: var(--muted); font-size: 12px; }
@media print {
  @page { size: A4 landscape; margin: 10mm; }
  body { font-size: 10pt; }
  header, main, footer { max-width: none; padding: 0; }
  nav { display: none; }
  section.event { break-before: page; }
  section.event:first-of-type { break-before: auto; }
  h2, h3 { break-after: avoid; }
  figure, table, dl.figures { break-inside: avoid; }
  .funnels figure { width: 31%; }
  figure svg { border: none; }
  .scroll { overflow: visible; }
  table { font-size: 7.5pt; }
  th, td { padding: 2px 4px; }
}
"#;

/// The whole page.
pub fn render(report: &Report) -> anyhow::Result<String> {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let names: Vec<&str> = report
        .events
        .iter()
        .map(|e| e.event.name.as_str())
        .collect();
    let _ = writeln!(
        out,
        "<title>Registrations report: {}</title>",
        escape(&names.join(", "))
    );
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");
    out.push_str("<header>\n<h1>Registrations report</h1>\n");
    let _ = writeln!(
        out,
        "<p class=\"meta\">Generated {} (times in {}) by attrib {}.</p>",
        escape(&report.generated_at),
        escape(&report.timezone),
        env!("CARGO_PKG_VERSION")
    );
    if report.events.len() > 1 {
        out.push_str("<nav><ul>\n");
        for event in &report.events {
            let _ = writeln!(
                out,
                "<li><a href=\"#event-{}\">{}</a></li>",
                escape(&event.event.slug),
                escape(&event.event.name)
            );
        }
        out.push_str("</ul></nav>\n");
    }
    out.push_str("</header>\n<main>\n");
    for event in &report.events {
        render_event(&mut out, event)?;
    }
    out.push_str("</main>\n<footer>\n");
    out.push_str(
        "<p>A registration is a ticket neither cancelled nor refunded. Source matching \
         credits a ticket to the campaign its marketing source names (slug, campaign-N or N). \
         A touch is an email of the event delivered to the buyer (delivered, opened or \
         clicked) within the window before the purchase; first-touch credits the earliest, \
         last-touch the latest (same time: lowest communication id), linear splits the \
         credit equally.</p>\n",
    );
    out.push_str("</footer>\n</body>\n</html>\n");
    Ok(out)
}

fn render_event(out: &mut String, event: &EventReport) -> anyhow::Result<()> {
    let _ = writeln!(
        out,
        "<section class=\"event\" id=\"event-{}\">",
        escape(&event.event.slug)
    );
    let _ = writeln!(out, "<h2>{}</h2>", escape(&event.heading()));
    key_figures(out, event);

    if let Some(timeline) = &event.timeline {
        let lines: Vec<CampaignLine<'_>> = event
            .rows_of_kind("campaign")
            .filter_map(|r| {
                let id = r.campaign_id?;
                let active = timeline.days.iter().any(|d| d.campaign_id == id)
                    || timeline.sends.iter().any(|s| s.campaign_id == id);
                active.then_some(CampaignLine {
                    campaign_id: id,
                    name: &r.name,
                })
            })
            .collect();
        figure(
            out,
            charts::timeline(&lines, timeline)?,
            "Cumulative registrations per campaign (source matching), day by day. Marks on a \
             campaign's line: the day one of its communications went out (▲ email, ● LinkedIn \
             post, ✕ other material).",
            "No registrations attributed to a campaign and no communication sent yet.",
        );
    }

    section_table(out, event, SectionName::Campaigns);

    if let Some(models) = &event.models {
        let _ = writeln!(out, "<h3>{}</h3>", escape(&models.title()));
        figure(
            out,
            charts::models(models)?,
            &format!(
                "Registrations credited per campaign under each model. Touch models: emails \
                 delivered to the buyer within {} before the purchase.",
                models.window.span()
            ),
            "No registrations yet.",
        );
        table(out, &models.section());
    }

    section_table(out, event, SectionName::Unattributed);

    let _ = writeln!(out, "<h3>{}</h3>", SectionName::Reach.title());
    figure(
        out,
        charts::reach(&event.reach)?,
        "People reached per channel: distinct email recipients delivered, and the summed \
         reach estimates of shared assets.",
        "No outreach recorded yet.",
    );
    table(out, &event.section(SectionName::Reach));

    let _ = writeln!(out, "<h3>{}</h3>", SectionName::Funnel.title());
    let emails: Vec<_> = event
        .funnel
        .iter()
        .filter(|f| f.communication_id.is_some())
        .collect();
    if !emails.is_empty() {
        out.push_str("<div class=\"funnels\">\n");
        for email in emails {
            let title = email.title.as_deref().unwrap_or("(no subject)");
            let sent = email
                .sent_at
                .as_deref()
                .map_or("not sent yet".to_string(), |t| format!("sent {t}"));
            figure(
                out,
                Some(charts::funnel(email)?),
                &format!("{}: {} ({})", email.campaign, title, sent),
                "",
            );
        }
        out.push_str("</div>\n");
    }
    table(out, &event.section(SectionName::Funnel));
    let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(FUNNEL_FORMULAS));
    out.push_str("</section>\n");
    Ok(())
}

fn key_figures(out: &mut String, event: &EventReport) {
    let registrations = event.registrations();
    let attributed: i64 = event
        .rows_of_kind("campaign")
        .map(|r| r.registrations)
        .sum();
    let mut figures = vec![
        ("Registrations", registrations.to_string()),
        (
            "Contacts",
            event.total().map_or(0, |t| t.contacts).to_string(),
        ),
        (
            "Revenue",
            crate::output::money(event.total().map_or(0.0, |t| t.revenue)),
        ),
        ("Attributed by source", percent(attributed, registrations)),
    ];
    if let Some(models) = &event.models {
        figures.push((
            "Touched by an email",
            percent(registrations - models.bucket("no_touch"), registrations),
        ));
    }
    out.push_str("<dl class=\"figures\">\n");
    for (label, value) in figures {
        let _ = writeln!(
            out,
            "<div><dt>{}</dt><dd>{}</dd></div>",
            escape(label),
            escape(&value)
        );
    }
    out.push_str("</dl>\n");
}

fn percent(part: i64, whole: i64) -> String {
    if whole == 0 {
        "–".into()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

/// A chart in a figure with its caption, or `empty` as a note.
fn figure(out: &mut String, svg: Option<String>, caption: &str, empty: &str) {
    match svg {
        Some(svg) => {
            let _ = writeln!(
                out,
                "<figure>\n{}<figcaption>{}</figcaption>\n</figure>",
                strip_xml_prolog(&svg),
                escape(caption)
            );
        }
        None if !empty.is_empty() => {
            let _ = writeln!(out, "<p class=\"none\">{}</p>", escape(empty));
        }
        None => {}
    }
}

/// Plotters writes a bare `<svg>` element today; should a version add an
/// XML declaration, it has no place inside HTML.
fn strip_xml_prolog(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

fn section_table(out: &mut String, event: &EventReport, name: SectionName) {
    let _ = writeln!(out, "<h3>{}</h3>", escape(name.title()));
    table(out, &event.section(name));
}

/// A section as an HTML table. The rows after the campaigns (buckets with no
/// campaign id, and the total) and the funnel's per-campaign sums (no
/// communication id) are styled apart.
fn table(out: &mut String, section: &Section) {
    if section.rows.is_empty() {
        out.push_str("<p class=\"none\">None.</p>\n");
        return;
    }
    let numeric: Vec<bool> = (0..section.columns.len())
        .map(|i| section.is_numeric(i))
        .collect();
    let column = |name: &str| section.columns.iter().position(|c| c == name);
    let (campaign_id, name, communication_id) = (
        column("campaign_id"),
        column("name"),
        column("communication_id"),
    );
    out.push_str("<div class=\"scroll\"><table>\n<thead><tr>");
    for label in section.labels() {
        let _ = write!(out, "<th>{}</th>", escape(label));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (row, cells) in section.rows.iter().zip(section.display_rows()) {
        let is_null = |i: Option<usize>| i.and_then(|i| row.get(i)).is_some_and(Value::is_null);
        let class = if communication_id.is_some() {
            if is_null(communication_id) {
                "total"
            } else {
                ""
            }
        } else if is_null(campaign_id) {
            let total = name.and_then(|i| row.get(i)).and_then(Value::as_str) == Some("Total");
            if total { "total" } else { "bucket" }
        } else {
            ""
        };
        if class.is_empty() {
            out.push_str("<tr>");
        } else {
            let _ = write!(out, "<tr class=\"{class}\">");
        }
        for (i, cell) in cells.iter().enumerate() {
            if numeric.get(i).copied().unwrap_or(false) {
                let _ = write!(out, "<td class=\"n\">{}</td>", escape(cell));
            } else if crate::fit::is_date(cell) {
                // Dates and times never wrap; text may, anywhere.
                let _ = write!(out, "<td class=\"d\">{}</td>", escape(cell));
            } else {
                let _ = write!(out, "<td>{}</td>", escape(cell));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table></div>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_quotes_and_controls() {
        assert_eq!(
            escape(r#"<script>alert("x&y")</script> it's"#),
            "&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt; it&#39;s"
        );
        assert_eq!(escape("a\u{0}b\u{1b}c\td\ne"), "abc\td\ne");
        assert_eq!(escape("Café — 2026"), "Café — 2026");
    }

    #[test]
    fn xml_prolog_is_dropped() {
        assert_eq!(
            strip_xml_prolog("<?xml version=\"1.0\"?>\n<svg/>"),
            "<svg/>"
        );
        assert_eq!(strip_xml_prolog("<svg></svg>"), "<svg></svg>");
    }
}
