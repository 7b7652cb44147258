//! Attribution models: which campaigns get the credit for a registration.
//!
//! `source` is the slug matching of [`crate::attribution`]. The touch models
//! look at the emails a buyer received before buying: a *touch* is an email
//! communication of the event whose recipient row for the ticket's contact
//! reached at least `delivered`, sent within the window before the purchase.
//! `first-touch` credits the earliest, `last-touch` the latest (ties: lowest
//! communication id), `linear` splits the credit equally. The credits are
//! computed by PostgreSQL (`queries/report_models.sql`, window functions over
//! the touches of each ticket); this module holds the options, the typed rows
//! and how they are shown.

use std::fmt;

use serde::Serialize;

use super::EventReport;
use super::SectionName;
use super::queries::{Param, Runner};
use crate::attribution::{Attribution, CampaignKey, Classified};
use crate::output::{Record, Section};

pub const MODELS: &str = include_str!("../../queries/report_models.sql");

/// How registrations are credited to campaigns (`--model`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Model {
    /// The ticket's marketing source names the campaign (slug matching).
    #[default]
    Source,
    /// The whole credit to the earliest email touch in the window.
    FirstTouch,
    /// The whole credit to the latest email touch in the window.
    LastTouch,
    /// The credit split equally over the email touches in the window.
    Linear,
}

impl Model {
    pub const ALL: [Model; 4] = [
        Model::Source,
        Model::FirstTouch,
        Model::LastTouch,
        Model::Linear,
    ];

    /// As on the command line: `first-touch`.
    pub fn name(self) -> &'static str {
        match self {
            Model::Source => "source",
            Model::FirstTouch => "first-touch",
            Model::LastTouch => "last-touch",
            Model::Linear => "linear",
        }
    }

    /// As a column and JSON key: `first_touch`.
    pub fn key(self) -> &'static str {
        match self {
            Model::Source => "source",
            Model::FirstTouch => "first_touch",
            Model::LastTouch => "last_touch",
            Model::Linear => "linear",
        }
    }

    /// Whether the model looks at email touches (and so uses the window).
    pub fn is_touch(self) -> bool {
        self != Model::Source
    }

    /// The credit a row gets under this model; None where the model has no
    /// such row (no touch under source, ambiguous under the touch models).
    pub fn credit(self, row: &ModelRow) -> Option<f64> {
        match self {
            Model::Source => row.source.map(|n| n as f64),
            Model::FirstTouch => row.first_touch.map(|n| n as f64),
            Model::LastTouch => row.last_touch.map(|n| n as f64),
            Model::Linear => row.linear,
        }
    }
}

/// How far back before a purchase an email still counts as a touch
/// (`--window`): a whole number of hours, days or weeks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    amount: u32,
    unit: WindowUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WindowUnit {
    Hours,
    Days,
    Weeks,
}

impl WindowUnit {
    fn hours(self) -> u32 {
        match self {
            WindowUnit::Hours => 1,
            WindowUnit::Days => 24,
            WindowUnit::Weeks => 24 * 7,
        }
    }

    fn letter(self) -> char {
        match self {
            WindowUnit::Hours => 'h',
            WindowUnit::Days => 'd',
            WindowUnit::Weeks => 'w',
        }
    }

    fn word(self) -> &'static str {
        match self {
            WindowUnit::Hours => "hour",
            WindowUnit::Days => "day",
            WindowUnit::Weeks => "week",
        }
    }
}

impl Window {
    /// The default: 30 days.
    pub const DEFAULT: Window = Window {
        amount: 30,
        unit: WindowUnit::Days,
    };

    /// The longest window accepted: ten years, far beyond any campaign.
    const MAX_HOURS: u32 = 24 * 3653;

    pub fn hours(self) -> i32 {
        // At most MAX_HOURS, checked by parse_window.
        (self.amount * self.unit.hours()) as i32
    }

    /// "30 days", "1 hour", "2 weeks".
    pub fn span(self) -> String {
        let plural = if self.amount == 1 { "" } else { "s" };
        format!("{} {}{plural}", self.amount, self.unit.word())
    }

    /// "30-day window", for titles.
    pub fn describe(self) -> String {
        format!("{}-{} window", self.amount, self.unit.word())
    }
}

impl Default for Window {
    fn default() -> Window {
        Window::DEFAULT
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.amount, self.unit.letter())
    }
}

/// Parses `--window`: a whole number followed by `h` (hours), `d` (days) or
/// `w` (weeks), e.g. `30d`, `48h`, `2w`.
pub fn parse_window(text: &str) -> Result<Window, String> {
    const HOW: &str = "write a whole number of hours, days or weeks: 48h, 30d or 2w";
    let text = text.trim();
    let Some(last) = text.chars().last() else {
        return Err(format!("the window is empty; {HOW}"));
    };
    let unit = match last.to_ascii_lowercase() {
        'h' => WindowUnit::Hours,
        'd' => WindowUnit::Days,
        'w' => WindowUnit::Weeks,
        c if c.is_ascii_digit() => {
            return Err(format!("'{text}' has no unit; {HOW}"));
        }
        _ => return Err(format!("'{text}' is not a window; {HOW}")),
    };
    let number = text[..text.len() - last.len_utf8()].trim();
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("'{text}' is not a window; {HOW}"));
    }
    let amount: u32 = number
        .parse()
        .map_err(|_| format!("'{text}' is too long a window; at most 3653d"))?;
    if amount == 0 {
        return Err(format!(
            "a window of '{text}' holds no touch; {HOW} (the default is 30d)"
        ));
    }
    if amount.saturating_mul(unit.hours()) > Window::MAX_HOURS {
        return Err(format!("'{text}' is too long a window; at most 3653d"));
    }
    Ok(Window { amount, unit })
}

/// A row of the models query: a campaign, a bucket of registrations a model
/// credits to no campaign (`kind` ambiguous, unattributed, no_source,
/// no_touch), or the total. A model's column is None on the bucket rows that
/// are not its own.
#[derive(Debug, Clone, Default, PartialEq, Serialize, sqlx::FromRow)]
pub struct ModelRow {
    #[serde(skip)]
    pub kind: String,
    pub campaign_id: Option<i32>,
    pub name: String,
    pub slug: Option<String>,
    pub source: Option<i64>,
    pub first_touch: Option<i64>,
    pub last_touch: Option<i64>,
    /// Hundredths, rounded so that the column adds up exactly.
    pub linear: Option<f64>,
}

impl Record for ModelRow {
    const LABELS: &'static [(&'static str, &'static str)] = &[("name", "campaign")];
    const OPTIONAL: &'static [&'static str] = &["campaign_id", "slug"];
}

/// A row of one model's table (`--model`): registrations credited and their
/// share of the event's registrations.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CreditRow {
    pub campaign_id: Option<i32>,
    pub name: String,
    pub slug: Option<String>,
    pub registrations: f64,
    pub share: Option<f64>,
}

impl Record for CreditRow {
    const PERCENT: &'static [&'static str] = &["share"];
    const LABELS: &'static [(&'static str, &'static str)] = &[("name", "campaign")];
    const OPTIONAL: &'static [&'static str] = &["campaign_id", "slug"];
}

/// What the models section shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// One touch model (`--model`).
    Single(Model),
    /// Every model side by side (`--compare-models`, and the HTML report).
    Compare,
}

/// The models of one event: every model is computed (one query); `view`
/// says what is shown.
#[derive(Debug, Clone)]
pub struct ModelsReport {
    pub window: Window,
    pub view: View,
    pub rows: Vec<ModelRow>,
}

impl ModelsReport {
    /// The event's registrations: the total row.
    pub fn registrations(&self) -> i64 {
        self.row("total").and_then(|r| r.source).unwrap_or(0)
    }

    fn row(&self, kind: &str) -> Option<&ModelRow> {
        self.rows.iter().find(|r| r.kind == kind)
    }

    /// The campaign rows, by campaign id.
    pub fn campaigns(&self) -> impl Iterator<Item = &ModelRow> {
        self.rows.iter().filter(|r| r.kind == "campaign")
    }

    /// Registrations of a bucket row (ambiguous, unattributed, no_source,
    /// no_touch) under the model that has it.
    pub fn bucket(&self, kind: &str) -> i64 {
        self.row(kind)
            .and_then(|r| r.source.or(r.first_touch))
            .unwrap_or(0)
    }

    pub fn title(&self) -> String {
        match self.view {
            View::Compare => format!(
                "Attribution models compared (touches: {})",
                self.window.describe()
            ),
            View::Single(model) => format!(
                "Registrations per campaign, {} model ({})",
                model.name(),
                self.window.describe()
            ),
        }
    }

    /// The section as the view asks.
    pub fn section(&self) -> Section {
        match self.view {
            View::Compare => Section::new(self.title(), &self.rows),
            View::Single(model) => Section::new(self.title(), &self.credit_rows(model)),
        }
    }

    /// One model's credits: campaigns by credit (then id), then the rows of
    /// registrations it credits to no campaign, then the total.
    pub fn credit_rows(&self, model: Model) -> Vec<CreditRow> {
        let total = self.registrations();
        let row = |r: &ModelRow, credit: f64| CreditRow {
            campaign_id: r.campaign_id,
            name: r.name.clone(),
            slug: r.slug.clone(),
            registrations: credit,
            share: (total > 0).then(|| (credit / total as f64 * 10_000.0).round() / 10_000.0),
        };
        let mut campaigns: Vec<CreditRow> = self
            .campaigns()
            .map(|r| row(r, model.credit(r).unwrap_or(0.0)))
            .collect();
        campaigns.sort_by(|a, b| {
            b.registrations
                .total_cmp(&a.registrations)
                .then(a.campaign_id.cmp(&b.campaign_id))
        });
        let others = self
            .rows
            .iter()
            .filter(|r| r.kind != "campaign")
            .filter_map(|r| model.credit(r).map(|credit| row(r, credit)));
        campaigns.into_iter().chain(others).collect()
    }

    /// The `models` object of the JSON document.
    pub fn json(&self) -> ModelsJson<'_> {
        ModelsJson {
            window: self.window.to_string(),
            window_hours: self.window.hours(),
            campaigns: self.campaigns().collect(),
            ambiguous: self.bucket("ambiguous"),
            unattributed: self.bucket("unattributed"),
            no_source: self.bucket("no_source"),
            no_touch: self.bucket("no_touch"),
            registrations: self.registrations(),
        }
    }
}

/// The `models` object of an event in the JSON document (docs/report-html.md).
#[derive(Debug, Serialize)]
pub struct ModelsJson<'a> {
    pub window: String,
    pub window_hours: i32,
    pub campaigns: Vec<&'a ModelRow>,
    pub ambiguous: i64,
    pub unattributed: i64,
    pub no_source: i64,
    pub no_touch: i64,
    pub registrations: i64,
}

/// Runs `report_models.sql` for one event.
pub async fn fetch(
    runner: &mut Runner<'_>,
    event_id: i32,
    window: Window,
    classified: &[Classified],
    keys: &[CampaignKey],
) -> sqlx::Result<Vec<ModelRow>> {
    runner
        .fetch(
            "report_models",
            MODELS,
            vec![
                Param::Int(event_id),
                Param::Int(window.hours()),
                Param::Texts(classified.iter().map(|c| Some(c.raw.clone())).collect()),
                Param::Texts(
                    classified
                        .iter()
                        .map(|c| Some(c.attribution.bucket().to_string()))
                        .collect(),
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
                Param::Ints(keys.iter().map(|k| Some(k.id)).collect()),
                Param::Texts(keys.iter().map(|k| Some(k.slug.clone())).collect()),
            ],
        )
        .await
}

impl EventReport {
    /// The sections to show, in order: the four of the report (or `only`),
    /// with the models section after the first when models were computed.
    pub fn shown_sections(&self, only: Option<SectionName>) -> Vec<SectionName> {
        let mut names = Vec::new();
        for name in SectionName::ALL {
            names.push(name);
            if name == SectionName::Campaigns && self.models.is_some() {
                names.push(SectionName::Models);
            }
        }
        names.retain(|n| only.is_none_or(|o| o == *n));
        names
    }

    /// The models section, or an empty one when no model was computed.
    pub fn models_section(&self) -> Section {
        match &self.models {
            Some(models) => models.section(),
            None => Section::new::<ModelRow>(SectionName::Models.title(), &[]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_parse_in_hours_days_and_weeks() {
        let cases = [
            ("30d", 720, "30d"),
            ("48h", 48, "48h"),
            ("2w", 336, "2w"),
            (" 7D ", 168, "7d"),
            ("1h", 1, "1h"),
            ("3653d", 24 * 3653, "3653d"),
        ];
        for (text, hours, shown) in cases {
            let w = parse_window(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(w.hours(), hours, "{text}");
            assert_eq!(w.to_string(), shown, "{text}");
        }
        assert_eq!(Window::DEFAULT.hours(), 720);
        assert_eq!(Window::DEFAULT.describe(), "30-day window");
        assert_eq!(parse_window("2w").unwrap().describe(), "2-week window");
        assert_eq!(Window::DEFAULT.span(), "30 days");
        assert_eq!(parse_window("1h").unwrap().span(), "1 hour");
    }

    #[test]
    fn bad_windows_say_how_to_write_one() {
        for bad in [
            "",
            "30",
            "d",
            "0d",
            "-3d",
            "1.5d",
            "30 days",
            "30m",
            "3654d",
            "99999999999w",
            "３d",
        ] {
            let e = parse_window(bad).expect_err(bad);
            assert!(
                e.contains("30d") || e.contains("3653d"),
                "{bad:?}: {e} does not say how"
            );
        }
        assert!(parse_window("30").unwrap_err().contains("no unit"));
    }

    #[test]
    fn model_names() {
        assert_eq!(
            Model::ALL.map(Model::name),
            ["source", "first-touch", "last-touch", "linear"]
        );
        assert_eq!(
            Model::ALL.map(Model::key),
            ["source", "first_touch", "last_touch", "linear"]
        );
        assert!(!Model::Source.is_touch());
        assert!(Model::Linear.is_touch());
    }

    fn row(kind: &str, id: Option<i32>, cells: [Option<f64>; 4]) -> ModelRow {
        ModelRow {
            kind: kind.into(),
            campaign_id: id,
            name: kind.into(),
            slug: id.map(|i| format!("c-{i}")),
            source: cells[0].map(|v| v as i64),
            first_touch: cells[1].map(|v| v as i64),
            last_touch: cells[2].map(|v| v as i64),
            linear: cells[3],
        }
    }

    fn sample() -> ModelsReport {
        ModelsReport {
            window: Window::DEFAULT,
            view: View::Single(Model::Linear),
            rows: vec![
                row(
                    "campaign",
                    Some(1),
                    [Some(3.0), Some(1.0), Some(2.0), Some(1.5)],
                ),
                row(
                    "campaign",
                    Some(2),
                    [Some(1.0), Some(2.0), Some(1.0), Some(1.5)],
                ),
                row("ambiguous", None, [Some(1.0), None, None, None]),
                row("unattributed", None, [Some(0.0), None, None, None]),
                row("no_source", None, [Some(1.0), None, None, None]),
                row("no_touch", None, [None, Some(3.0), Some(3.0), Some(3.0)]),
                row("total", None, [Some(6.0), Some(6.0), Some(6.0), Some(6.0)]),
            ],
        }
    }

    #[test]
    fn one_model_lists_campaigns_by_credit_then_its_own_buckets() {
        let m = sample();
        assert_eq!(m.registrations(), 6);
        assert_eq!(m.bucket("no_touch"), 3);
        assert_eq!(m.bucket("ambiguous"), 1);
        let first = m.credit_rows(Model::FirstTouch);
        let names: Vec<&str> = first.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["campaign", "campaign", "no_touch", "total"]);
        assert_eq!(first[0].campaign_id, Some(2), "2 credits before 1");
        assert_eq!(first[0].share, Some(0.3333));
        // Equal credits: lowest id first.
        let linear = m.credit_rows(Model::Linear);
        assert_eq!(linear[0].campaign_id, Some(1));
        let source = m.credit_rows(Model::Source);
        let kinds: Vec<&str> = source.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "campaign",
                "campaign",
                "ambiguous",
                "unattributed",
                "no_source",
                "total"
            ]
        );
        let sum: f64 = linear[..linear.len() - 1]
            .iter()
            .map(|r| r.registrations)
            .sum();
        assert_eq!(sum, 6.0);
        assert!(m.title().contains("linear model (30-day window)"));
    }

    #[test]
    fn json_buckets_add_up() {
        let m = sample();
        let doc = serde_json::to_value(m.json()).unwrap();
        assert_eq!(doc["window"], "30d");
        assert_eq!(doc["window_hours"], 720);
        assert_eq!(doc["campaigns"].as_array().unwrap().len(), 2);
        assert_eq!(doc["campaigns"][0]["first_touch"], 1);
        assert_eq!(doc["campaigns"][0]["linear"], 1.5);
        assert!(doc["campaigns"][0].get("kind").is_none());
        assert_eq!(doc["no_touch"], 3);
        assert_eq!(doc["registrations"], 6);
    }

    #[test]
    fn an_empty_report_has_zero_registrations() {
        let m = ModelsReport {
            window: Window::DEFAULT,
            view: View::Compare,
            rows: vec![],
        };
        assert_eq!(m.registrations(), 0);
        assert!(m.credit_rows(Model::Linear).is_empty());
        assert!(m.section().rows.is_empty());
    }
}
