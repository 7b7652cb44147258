//! The HTML report's charts, drawn as SVG by plotters.
//!
//! No font backend is compiled in: plotters lays text out with its own
//! estimate (about 0.6 em a character), and the browser draws it with the
//! page's font. Plotters escapes the text it writes (`<`, `>`, `&`, quotes);
//! labels are also cut to fit and stripped of control characters here.

use chrono::{Duration, NaiveDate};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::models::{Model, ModelsReport};
use super::timeline::Timeline;
use super::{FunnelRow, ReachRow};

/// Tableau 10: distinct, colour-blind-friendlier, and printable.
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(0x4E, 0x79, 0xA7),
    RGBColor(0xF2, 0x8E, 0x2B),
    RGBColor(0xE1, 0x57, 0x59),
    RGBColor(0x76, 0xB7, 0xB2),
    RGBColor(0x59, 0xA1, 0x4F),
    RGBColor(0xED, 0xC9, 0x48),
    RGBColor(0xB0, 0x7A, 0xA1),
    RGBColor(0xFF, 0x9D, 0xA7),
    RGBColor(0x9C, 0x75, 0x5F),
    RGBColor(0xBA, 0xB0, 0xAC),
];

const FONT: &str = "sans-serif";
const WIDTH: u32 = 960;
const INK: RGBColor = RGBColor(0x33, 0x33, 0x33);
const GRID: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);

type ChartResult<T> = anyhow::Result<T>;

/// `text` without control characters, cut to `max` characters with "…".
pub fn clean_label(text: &str, max: usize) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let clean = clean.trim();
    if clean.chars().count() <= max {
        return clean.to_string();
    }
    let mut cut: String = clean.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// `text` on at most two lines of `width` characters: broken at a space
/// when one fits, the rest cut with "…".
pub fn wrap_label(text: &str, width: usize) -> Vec<String> {
    let clean = clean_label(text, usize::MAX);
    if clean.chars().count() <= width {
        return vec![clean];
    }
    let first: String = clean.chars().take(width + 1).collect();
    match first.rfind(' ').filter(|i| *i > 0) {
        Some(i) => {
            let rest = clean[i + 1..].trim_start();
            vec![clean[..i].to_string(), clean_label(rest, width)]
        }
        None => vec![clean_label(&clean, width)],
    }
}

/// Tick labels: whole numbers as such, others with one decimal.
fn count_label(value: &f64) -> String {
    if (value - value.round()).abs() < 1e-9 {
        format!("{}", value.round() as i64)
    } else {
        format!("{value:.1}")
    }
}

/// A ceiling for the y axis: a little above the largest value, at least 1.
fn y_top(max: f64) -> f64 {
    if max <= 0.0 { 1.0 } else { max * 1.12 }
}

/// How an entry of a legend is drawn.
#[derive(Debug, Clone, Copy)]
enum Swatch {
    Line,
    Block,
}

/// A legend in its own column beside the chart, so that it never hides a
/// line or a bar: one row per entry, a swatch and the name.
fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    entries: &[(String, RGBColor)],
    swatch: Swatch,
) -> ChartResult<()>
where
    DB::ErrorType: 'static,
{
    let style = TextStyle::from((FONT, 12).into_font())
        .color(&INK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    for (i, (name, colour)) in entries.iter().enumerate() {
        let y = 24 + 20 * i as i32;
        match swatch {
            Swatch::Line => area.draw(&PathElement::new(
                vec![(6, y), (24, y)],
                colour.stroke_width(3),
            ))?,
            Swatch::Block => {
                area.draw(&Rectangle::new([(8, y - 6), (20, y + 6)], colour.filled()))?
            }
        }
        area.draw(&Text::new(clean_label(name, 30), (30, y), style.clone()))?;
    }
    Ok(())
}

const LEGEND_WIDTH: u32 = 230;

/// A campaign line of the timeline.
pub struct CampaignLine<'a> {
    pub campaign_id: i32,
    pub name: &'a str,
}

/// Cumulative registrations per campaign over time (source matching), with
/// the day each of its communications went out marked on its line: a
/// triangle for an email, a circle for a LinkedIn post, a cross for other
/// material. None when there is nothing to draw.
pub fn timeline(campaigns: &[CampaignLine<'_>], data: &Timeline) -> ChartResult<Option<String>> {
    let days = data
        .days
        .iter()
        .map(|d| d.day)
        .chain(data.sends.iter().map(|s| s.day));
    let (Some(start), Some(end)) = (days.clone().min(), days.max()) else {
        return Ok(None);
    };
    let index = |day: NaiveDate| (day - start).num_days() as f64;
    let span = index(end).max(1.0);
    let top = y_top(data.days.iter().map(|d| d.cumulative).max().unwrap_or(0) as f64);

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 420)).into_drawing_area();
        root.fill(&WHITE)?;
        let (plot, key) = root.split_horizontally(WIDTH - LEGEND_WIDTH);
        let mut chart = ChartBuilder::on(&plot)
            .margin(14)
            .x_label_area_size(34)
            .y_label_area_size(54)
            .build_cartesian_2d(-0.5..span + 0.5, 0.0..top)?;
        let date_label = |x: &f64| {
            (start + Duration::days(x.round() as i64))
                .format("%d %b")
                .to_string()
        };
        chart
            .configure_mesh()
            .bold_line_style(GRID)
            .max_light_lines(0)
            .axis_style(INK)
            .x_labels(8)
            .x_label_formatter(&date_label)
            .y_label_formatter(&count_label)
            .y_desc("registrations (cumulative)")
            .label_style((FONT, 12).into_font().color(&INK))
            .axis_desc_style((FONT, 12).into_font().color(&INK))
            .draw()?;

        let mut entries = Vec::new();
        for (i, campaign) in campaigns.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            entries.push((campaign.name.to_string(), colour));
            let own: Vec<(f64, i64)> = data
                .days
                .iter()
                .filter(|d| d.campaign_id == campaign.campaign_id)
                .map(|d| (index(d.day), d.cumulative))
                .collect();
            // A step line: level until the next day with registrations.
            let mut points = vec![(0.0, 0.0)];
            let mut level = 0.0;
            for (x, cumulative) in &own {
                points.push((*x, level));
                level = *cumulative as f64;
                points.push((*x, level));
            }
            points.push((span, level));
            chart.draw_series(LineSeries::new(points, colour.stroke_width(2)))?;

            let level_on = |x: f64| {
                own.iter()
                    .take_while(|(day, _)| *day <= x)
                    .last()
                    .map_or(0.0, |(_, c)| *c as f64)
            };
            for send in data
                .sends
                .iter()
                .filter(|s| s.campaign_id == campaign.campaign_id)
            {
                let at = (index(send.day), level_on(index(send.day)));
                let style = colour.filled();
                match send.channel.as_str() {
                    "email" => {
                        chart.draw_series(std::iter::once(TriangleMarker::new(at, 7, style)))?
                    }
                    "linkedin_post" => {
                        chart.draw_series(std::iter::once(Circle::new(at, 5, style)))?
                    }
                    _ => chart.draw_series(std::iter::once(Cross::new(
                        at,
                        5,
                        colour.stroke_width(2),
                    )))?,
                };
            }
        }
        legend(&key, &entries, Swatch::Line)?;
        root.present()?;
    }
    Ok(Some(svg))
}

/// One series of a bar chart.
pub struct Bars {
    pub name: String,
    pub colour: RGBColor,
    /// One value per category.
    pub values: Vec<f64>,
}

/// Bars grouped by category (one bar per series in each group), the
/// categories named under their group, the series in a legend beside the
/// chart when there are several.
pub fn grouped_bars(
    categories: &[String],
    series: &[Bars],
    y_desc: &str,
    height: u32,
) -> ChartResult<String> {
    let slots = series.len() + 1; // the bars and a gap
    let groups = categories.len().max(1);
    let width_x = (groups * slots) as f64;
    let top = y_top(
        series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .fold(0.0, f64::max),
    );
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let (plot, key) = if series.len() > 1 {
            let (plot, key) = root.split_horizontally(WIDTH - LEGEND_WIDTH);
            (plot, Some(key))
        } else {
            (root.clone(), None)
        };
        let mut chart = ChartBuilder::on(&plot)
            .margin(14)
            .x_label_area_size(40)
            .y_label_area_size(54)
            .build_cartesian_2d(-0.5..width_x - 1.5, 0.0..top)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(GRID)
            .max_light_lines(0)
            .axis_style(INK)
            .x_labels(0)
            .y_label_formatter(&count_label)
            .y_desc(y_desc)
            .label_style((FONT, 12).into_font().color(&INK))
            .axis_desc_style((FONT, 12).into_font().color(&INK))
            .draw()?;
        for (s, bars) in series.iter().enumerate() {
            let colour = bars.colour;
            chart.draw_series(bars.values.iter().enumerate().map(|(g, value)| {
                let x0 = (g * slots + s) as f64 - 0.5;
                let mut bar = Rectangle::new([(x0, 0.0), (x0 + 1.0, *value)], colour.filled());
                bar.set_margin(0, 0, 1, 1);
                bar
            }))?;
        }
        // Category names under the middle of their group, cut to its width.
        let plot_width = chart.plotting_area().dim_in_pixel().0 as f64;
        let chars = ((plot_width / groups as f64) / 6.6).floor().max(3.0) as usize;
        let style = TextStyle::from((FONT, 12).into_font())
            .color(&INK)
            .pos(Pos::new(HPos::Center, VPos::Top));
        for (g, name) in categories.iter().enumerate() {
            let centre = (g * slots) as f64 + (series.len() as f64 - 1.0) / 2.0;
            let (x, y) = chart.backend_coord(&(centre, 0.0));
            for (line, text) in wrap_label(name, chars).into_iter().enumerate() {
                root.draw(&Text::new(
                    text,
                    (x, y + 7 + 15 * line as i32),
                    style.clone(),
                ))?;
            }
        }
        if let Some(key) = key {
            let entries: Vec<(String, RGBColor)> =
                series.iter().map(|s| (s.name.clone(), s.colour)).collect();
            legend(&key, &entries, Swatch::Block)?;
        }
        root.present()?;
    }
    Ok(svg)
}

/// The funnel stages drawn for each email, in order, with their colours.
const STAGES: [(&str, RGBColor); 5] = [
    ("recipients", RGBColor(0xBA, 0xB0, 0xAC)),
    ("sent", RGBColor(0x4E, 0x79, 0xA7)),
    ("delivered", RGBColor(0x76, 0xB7, 0xB2)),
    ("opened", RGBColor(0xF2, 0x8E, 0x2B)),
    ("clicked", RGBColor(0xE1, 0x57, 0x59)),
];

/// The funnel of one email: a bar per stage (recipients, sent, delivered,
/// opened, clicked), its count above it. Small, to be shown side by side.
pub fn funnel(email: &FunnelRow) -> ChartResult<String> {
    let values = [
        email.recipients,
        email.sent,
        email.delivered,
        email.opened,
        email.clicked,
    ];
    let top = y_top(values.iter().copied().max().unwrap_or(0) as f64);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (360, 230)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(24)
            .y_label_area_size(44)
            .build_cartesian_2d(-0.5..4.5, 0.0..top)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(GRID)
            .max_light_lines(0)
            .axis_style(INK)
            .x_labels(0)
            .y_labels(5)
            .y_label_formatter(&count_label)
            .label_style((FONT, 11).into_font().color(&INK))
            .draw()?;
        chart.draw_series(values.iter().zip(STAGES).enumerate().map(
            |(i, (value, (_, colour)))| {
                let x = i as f64;
                let mut bar =
                    Rectangle::new([(x - 0.5, 0.0), (x + 0.5, *value as f64)], colour.filled());
                bar.set_margin(0, 0, 5, 5);
                bar
            },
        ))?;
        let below = TextStyle::from((FONT, 11).into_font())
            .color(&INK)
            .pos(Pos::new(HPos::Center, VPos::Top));
        let above = TextStyle::from((FONT, 11).into_font())
            .color(&INK)
            .pos(Pos::new(HPos::Center, VPos::Bottom));
        for (i, (value, (stage, _))) in values.iter().zip(STAGES).enumerate() {
            let (x, y) = chart.backend_coord(&(i as f64, 0.0));
            root.draw(&Text::new(stage, (x, y + 6), below.clone()))?;
            let (x, y) = chart.backend_coord(&(i as f64, *value as f64));
            root.draw(&Text::new(value.to_string(), (x, y - 3), above.clone()))?;
        }
        root.present()?;
    }
    Ok(svg)
}

/// People reached per channel: distinct email recipients delivered, and the
/// summed reach estimate of asset distributions per channel. Channels with
/// no activity are left out; None when no channel has any.
pub fn reach(rows: &[ReachRow]) -> ChartResult<Option<String>> {
    let mut categories = Vec::new();
    let mut values = Vec::new();
    for row in rows {
        match row.kind.as_str() {
            "communication" if row.channel == "email" && row.communications.unwrap_or(0) > 0 => {
                categories.push("emails delivered".to_string());
                values.push(row.delivered.unwrap_or(0) as f64);
            }
            "distribution" if row.distributions.unwrap_or(0) > 0 => {
                categories.push(format!("{} (estimated)", row.channel));
                values.push(row.reach_estimate.unwrap_or(0) as f64);
            }
            _ => {}
        }
    }
    if categories.is_empty() {
        return Ok(None);
    }
    let series = [Bars {
        name: "people reached".into(),
        colour: PALETTE[0],
        values,
    }];
    grouped_bars(&categories, &series, "people reached", 300).map(Some)
}

/// Registrations credited per campaign under each model, side by side, with
/// the registrations each model credits to no campaign.
pub fn models(report: &ModelsReport) -> ChartResult<Option<String>> {
    let campaigns: Vec<_> = report
        .campaigns()
        .filter(|r| Model::ALL.iter().any(|m| m.credit(r).unwrap_or(0.0) > 0.0))
        .collect();
    let unmatched =
        report.bucket("ambiguous") + report.bucket("unattributed") + report.bucket("no_source");
    let no_touch = report.bucket("no_touch");
    if campaigns.is_empty() && unmatched == 0 && no_touch == 0 {
        return Ok(None);
    }
    let mut categories: Vec<String> = campaigns.iter().map(|r| r.name.clone()).collect();
    categories.push("no campaign (source)".into());
    categories.push("no touch".into());
    let series: Vec<Bars> = Model::ALL
        .iter()
        .enumerate()
        .map(|(i, model)| {
            let mut values: Vec<f64> = campaigns
                .iter()
                .map(|r| model.credit(r).unwrap_or(0.0))
                .collect();
            values.push(if model.is_touch() {
                0.0
            } else {
                unmatched as f64
            });
            values.push(if model.is_touch() {
                no_touch as f64
            } else {
                0.0
            });
            Bars {
                name: model.name().to_string(),
                colour: PALETTE[i],
                values,
            }
        })
        .collect();
    grouped_bars(&categories, &series, "registrations credited", 340).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::timeline::{DayRow, SendRow};

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn labels_are_cut_and_cleaned() {
        assert_eq!(clean_label("CFP 2026", 40), "CFP 2026");
        assert_eq!(clean_label("a\u{1b}[31mb\n", 40), "a [31mb");
        assert_eq!(clean_label("abcdefgh", 5), "abcd…");
        assert_eq!(clean_label("ééééé", 5), "ééééé");
        assert_eq!(wrap_label("CFP 2026", 10), ["CFP 2026"]);
        assert_eq!(
            wrap_label("Early Bird Registration 2026", 12),
            ["Early Bird", "Registratio…"]
        );
        assert_eq!(
            wrap_label("Speaker Line-up 2026", 12),
            ["Speaker", "Line-up 2026"]
        );
        assert_eq!(wrap_label("Supercalifragilistic", 8), ["Superca…"]);
        assert_eq!(count_label(&3.0), "3");
        assert_eq!(count_label(&2.5), "2.5");
    }

    #[test]
    fn timeline_draws_lines_marks_and_escaped_names() {
        let data = Timeline {
            days: vec![
                DayRow {
                    campaign_id: 1,
                    day: day("2026-03-01"),
                    registrations: 2,
                    cumulative: 2,
                },
                DayRow {
                    campaign_id: 1,
                    day: day("2026-03-04"),
                    registrations: 1,
                    cumulative: 3,
                },
            ],
            sends: vec![SendRow {
                campaign_id: 1,
                communication_id: 7,
                channel: "email".into(),
                title: Some("<b>".into()),
                day: day("2026-02-20"),
                sent_at: "2026-02-20 09:00".into(),
            }],
        };
        let campaigns = [CampaignLine {
            campaign_id: 1,
            name: "<script>alert('x')</script> & co",
        }];
        let svg = timeline(&campaigns, &data).unwrap().unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("<polyline"), "a line");
        assert!(svg.contains("<polygon"), "a triangle for the email");
        assert!(!svg.contains("<script"), "{svg}");
        assert!(svg.contains("&lt;script&gt;"), "{svg}");
        assert!(svg.contains("20 Feb"), "dates on the axis: {svg}");
        assert_eq!(timeline(&campaigns, &Timeline::default()).unwrap(), None);
    }

    #[test]
    fn bars_name_their_groups_and_series() {
        let svg = grouped_bars(
            &["first <email>".into(), "second".into()],
            &[
                Bars {
                    name: "sent".into(),
                    colour: PALETTE[0],
                    values: vec![3.0, 0.0],
                },
                Bars {
                    name: "opened".into(),
                    colour: PALETTE[1],
                    values: vec![1.0, 0.0],
                },
            ],
            "recipients",
            300,
        )
        .unwrap();
        assert!(svg.contains("first &lt;email&gt;"), "{svg}");
        assert!(svg.contains("second"), "{svg}");
        assert!(svg.contains("opened"));
        assert!(svg.matches("<rect").count() >= 4);
        // All zero: still a chart, with an axis up to 1.
        let empty = grouped_bars(
            &["x".into()],
            &[Bars {
                name: "s".into(),
                colour: PALETTE[0],
                values: vec![0.0],
            }],
            "n",
            200,
        )
        .unwrap();
        assert!(empty.contains("</svg>"));
    }
}
