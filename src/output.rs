//! Rendering typed rows as terminal tables, CSV, JSON or Markdown.
//!
//! Rows are plain structs deriving `Serialize` (and `FromRow` where they come
//! straight from SQL). They are turned into [`Section`]s, one titled table
//! each, and rendered in the format the user asked for. CSV cells that a
//! spreadsheet would run as a formula are neutralised (OWASP "CSV injection"):
//! ticket buyers control names and marketing sources.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use comfy_table::{CellAlignment, ContentArrangement, Table, presets};
use serde::Serialize;
use serde_json::Value;

use crate::ui::Ui;

/// Output formats of the reporting commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    /// Aligned tables for a terminal.
    #[default]
    Table,
    /// Comma-separated values, safe to open in Excel.
    Csv,
    /// One JSON document on stdout, for jq and scripts.
    Json,
    /// GitHub-flavoured Markdown tables, to paste into planning notes.
    Markdown,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Table => "txt",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Markdown => "md",
        }
    }
}

/// A row type that can be rendered. `PERCENT` names the columns holding a
/// fraction (0.25) that tables show as a percentage (25.0%).
pub trait Record: Serialize + Default {
    const PERCENT: &'static [&'static str] = &[];
}

/// One titled table: column names and cells, in order.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub title: String,
    pub columns: Vec<String>,
    #[serde(skip)]
    percent: Vec<bool>,
    pub rows: Vec<Vec<Value>>,
}

impl Section {
    /// Builds a section from typed rows; column names are the field names.
    pub fn new<T: Record>(title: impl Into<String>, rows: &[T]) -> Section {
        let columns: Vec<String> = match serde_json::to_value(T::default()) {
            Ok(Value::Object(map)) => map.keys().cloned().collect(),
            _ => vec!["value".into()],
        };
        let percent = columns
            .iter()
            .map(|c| T::PERCENT.contains(&c.as_str()))
            .collect();
        let rows = rows
            .iter()
            .map(|row| match serde_json::to_value(row) {
                Ok(Value::Object(map)) => map.into_iter().map(|(_, v)| v).collect(),
                Ok(other) => vec![other],
                Err(e) => vec![Value::String(format!("<{e}>"))],
            })
            .collect();
        Section {
            title: title.into(),
            columns,
            percent,
            rows,
        }
    }

    /// Adds a column in front holding `value` in every row (e.g. the event,
    /// when the rows of several events share one CSV).
    pub fn prepend_column(&mut self, name: &str, value: Value) {
        self.columns.insert(0, name.to_string());
        self.percent.insert(0, false);
        for row in &mut self.rows {
            row.insert(0, value.clone());
        }
    }

    /// The rows as JSON objects, keyed by column.
    pub fn to_json(&self) -> Value {
        Value::Array(
            self.rows
                .iter()
                .map(|row| {
                    Value::Object(
                        self.columns
                            .iter()
                            .cloned()
                            .zip(row.iter().cloned())
                            .collect(),
                    )
                })
                .collect(),
        )
    }

    /// The cells as a person reads them, as in tables and Markdown: empty
    /// for null, rates as percentages. Not escaped.
    pub fn display_rows(&self) -> Vec<Vec<String>> {
        self.rows
            .iter()
            .map(|row| {
                row.iter()
                    .zip(&self.percent)
                    .map(|(v, pct)| display_value(v, *pct))
                    .collect()
            })
            .collect()
    }

    /// A terminal table with the title above it.
    pub fn render_table(&self, ui: &Ui) -> String {
        let mut table = Table::new();
        table
            .load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic);
        if let Some(width) = ui.width {
            table.set_width(width);
        }
        table.set_header(self.columns.iter().map(|c| header_label(c)));
        for row in &self.rows {
            table.add_row(
                row.iter()
                    .zip(&self.percent)
                    .map(|(v, pct)| display_value(v, *pct)),
            );
        }
        for (i, column) in table.column_iter_mut().enumerate() {
            let numeric = self
                .rows
                .iter()
                .any(|r| r.get(i).is_some_and(Value::is_number));
            if numeric {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        let mut out = String::new();
        let _ = writeln!(out, "{}", ui.title(&self.title));
        if self.rows.is_empty() {
            let _ = writeln!(out, "  (none)");
        } else {
            let _ = writeln!(out, "{table}");
        }
        out
    }

    /// A Markdown heading and table.
    pub fn render_markdown(&self, heading_level: usize) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} {}\n",
            "#".repeat(heading_level),
            markdown_escape(&self.title)
        );
        if self.rows.is_empty() {
            let _ = writeln!(out, "_None._\n");
            return out;
        }
        let header: Vec<String> = self.columns.iter().map(|c| header_label(c)).collect();
        let _ = writeln!(out, "| {} |", header.join(" | "));
        let align: Vec<&str> = (0..self.columns.len())
            .map(|i| {
                if self
                    .rows
                    .iter()
                    .any(|r| r.get(i).is_some_and(Value::is_number))
                {
                    "---:"
                } else {
                    "---"
                }
            })
            .collect();
        let _ = writeln!(out, "| {} |", align.join(" | "));
        for row in &self.rows {
            let cells: Vec<String> = row
                .iter()
                .zip(&self.percent)
                .map(|(v, pct)| markdown_escape(&display_value(v, *pct)))
                .collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
        out.push('\n');
        out
    }

    /// CSV with a header row; string cells neutralised against formula
    /// injection. Rates are written as fractions, as in JSON.
    pub fn write_csv<W: Write>(&self, out: W) -> std::io::Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(&self.columns)?;
        for row in &self.rows {
            writer.write_record(row.iter().map(csv_cell))?;
        }
        writer.flush()
    }
}

/// `first_registration` → `first registration`.
fn header_label(column: &str) -> String {
    column.replace('_', " ")
}

/// A cell as a person reads it: no quotes around strings, empty for null,
/// percentages for rates, control characters made visible.
pub fn display_value(value: &Value, percent: bool) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => visible(s).into_owned(),
        Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
        Value::Number(n) if percent => n
            .as_f64()
            .map(|f| format!("{:.1}%", f * 100.0))
            .unwrap_or_default(),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(f)) => format_float(f),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

fn format_float(f: f64) -> String {
    let s = format!("{f:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn csv_cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => neutralise_formula(s),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => neutralise_formula(&other.to_string()),
    }
}

/// Prefixes a cell that Excel or LibreOffice would evaluate (it starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return) with a single quote, which
/// makes the spreadsheet show it as text.
pub fn neutralise_formula(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

/// `text` for a terminal or a Markdown file: tab and line breaks become a
/// space, every other control character U+FFFD. Names and sources come from
/// ticket buyers; an escape sequence must not reach the organiser's terminal.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| match c {
                '\t' | '\n' | '\r' => ' ',
                c if c.is_control() => '\u{FFFD}',
                c => c,
            })
            .collect(),
    )
}

/// Escapes what would break a Markdown table cell or be read as HTML.
pub fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '`' => out.push_str("\\`"),
            '*' | '_' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {}
            '\n' | '\t' => out.push(' '),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// UTF-8 byte-order mark, so that Excel opens CSV files as UTF-8.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes `bytes` to `path` so that readers (a spreadsheet, a sync client, a
/// scheduled job) see the old file or the new one, never a half-written one.
/// A device, FIFO or socket (`/dev/null`) is written into directly, never
/// replaced; see [`crate::files`] for the rules and for writing several
/// files all or nothing.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    crate::files::write_one(path, bytes).map_err(|e| e.source)
}

/// Prints sections to stdout in `format` (JSON: an object keyed by title slug).
pub fn print_sections(ui: &Ui, format: Format, sections: &[Section]) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        Format::Table => {
            for (i, s) in sections.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                write!(out, "{}", s.render_table(ui))?;
            }
        }
        Format::Markdown => {
            for s in sections {
                write!(out, "{}", s.render_markdown(2))?;
            }
        }
        Format::Csv => {
            for (i, s) in sections.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                s.write_csv(&mut out)?;
            }
        }
        Format::Json => {
            let doc = if let [only] = sections {
                only.to_json()
            } else {
                Value::Object(
                    sections
                        .iter()
                        .map(|s| {
                            (
                                crate::slug::slugify(&s.title).replace('-', "_"),
                                s.to_json(),
                            )
                        })
                        .collect(),
                )
            };
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Like [`print_sections`], but JSON is an object with the given stable
/// keys (`{"campaigns": [...], "communications": [...]}`) rather than keys
/// made from titles, which may hold names.
pub fn print_keyed_sections(
    ui: &Ui,
    format: Format,
    sections: &[(&str, Section)],
) -> anyhow::Result<()> {
    if format != Format::Json {
        let plain: Vec<Section> = sections.iter().map(|(_, s)| s.clone()).collect();
        return print_sections(ui, format, &plain);
    }
    let doc = Value::Object(
        sections
            .iter()
            .map(|(key, s)| ((*key).to_string(), s.to_json()))
            .collect(),
    );
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    serde_json::to_writer_pretty(&mut out, &doc)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Default)]
    struct Row {
        name: String,
        count: i64,
        rate: Option<f64>,
    }
    impl Record for Row {
        const PERCENT: &'static [&'static str] = &["rate"];
    }

    fn sample() -> Section {
        Section::new(
            "Things",
            &[
                Row {
                    name: "=HYPERLINK(\"http://evil\")".into(),
                    count: 3,
                    rate: Some(0.25),
                },
                Row {
                    name: "plain, with comma".into(),
                    count: -1,
                    rate: None,
                },
            ],
        )
    }

    #[test]
    fn formula_cells_are_neutralised() {
        for bad in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralise_formula(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(neutralise_formula("cfp-2026"), "cfp-2026");
        assert_eq!(neutralise_formula(""), "");
    }

    #[test]
    fn csv_neutralises_strings_but_not_numbers() {
        let mut buf = Vec::new();
        sample().write_csv(&mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "name,count,rate");
        assert_eq!(lines[1], "\"'=HYPERLINK(\"\"http://evil\"\")\",3,0.25");
        assert_eq!(lines[2], "\"plain, with comma\",-1,");
    }

    #[test]
    fn empty_sections_keep_their_columns() {
        let s = Section::new::<Row>("Nothing", &[]);
        assert_eq!(s.columns, ["name", "count", "rate"]);
        assert!(s.render_markdown(2).contains("_None._"));
        assert!(s.render_table(&Ui::plain()).contains("(none)"));
    }

    #[test]
    fn tables_show_rates_as_percentages_and_null_as_empty() {
        let text = sample().render_table(&Ui::plain());
        assert!(text.contains("25.0%"), "{text}");
        assert!(!text.contains("null"), "{text}");
        assert!(!text.contains("NaN"), "{text}");
    }

    #[test]
    fn markdown_escapes_pipes_and_html() {
        assert_eq!(markdown_escape("a|b<script>"), "a\\|b&lt;script&gt;");
        let md = sample().render_markdown(2);
        assert!(md.contains("| name | count | rate |"));
        assert!(md.contains("| ---: |") || md.contains("---:"));
    }

    #[test]
    fn control_characters_are_shown_visibly_in_tables_and_markdown() {
        let s = Section::new(
            "Evil\x1b]0;title\x07",
            &[Row {
                name: "\x1b[2Jwiped\x08\u{9b}31m\ttab\nline".into(),
                count: 1,
                rate: None,
            }],
        );
        let ui = Ui::plain();
        for text in [s.render_table(&ui), s.render_markdown(2)] {
            assert!(
                !text.chars().any(|c| c.is_control() && c != '\n'),
                "{text:?}"
            );
            assert!(
                text.contains('\u{FFFD}') && text.contains("2Jwiped"),
                "{text}"
            );
        }
        assert_eq!(visible("plain"), "plain");
        assert_eq!(visible("a\tb\nc\u{7f}"), "a b c\u{FFFD}");
    }

    #[test]
    fn prepend_column_keeps_rates_aligned() {
        let mut s = sample();
        s.prepend_column("event", Value::String("data-ai-day-2026".into()));
        assert_eq!(s.columns, ["event", "name", "count", "rate"]);
        assert_eq!(s.rows[0][0], "data-ai-day-2026");
        let text = s.render_table(&Ui::plain());
        assert!(text.contains("25.0%"), "{text}");
    }

    #[test]
    fn write_atomically_replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        write_atomically(&path, b"first").unwrap();
        write_atomically(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["out.csv"]);
        // A directory that does not exist: an error, and nothing left behind.
        let missing = dir.path().join("nope").join("x.csv");
        assert!(write_atomically(&missing, b"x").is_err());
        assert!(!dir.path().join("nope").exists());
    }

    #[test]
    fn json_rows_are_objects_in_column_order() {
        let json = sample().to_json();
        let first = json[0].as_object().unwrap();
        assert_eq!(first.keys().collect::<Vec<_>>(), ["name", "count", "rate"]);
        assert_eq!(json[1]["rate"], Value::Null);
    }
}
