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

use comfy_table::{
    CellAlignment, ColumnConstraint, ContentArrangement, Table, Width as ComfyWidth, presets,
};
use serde::Serialize;
use serde_json::Value;

use crate::fit;
use crate::ui::Ui;

/// Output formats of the reporting commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    /// Aligned tables for a terminal.
    #[default]
    Table,
    /// Comma-separated values. On stdout no byte-order mark (for pipes);
    /// --out FILE.csv writes one, for Excel.
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

/// A row type that can be rendered. The constants say how people read its
/// columns (field names); CSV and JSON keep plain names and plain numbers.
pub trait Record: Serialize + Default {
    /// Columns holding a fraction (0.25) that tables show as a percentage
    /// (25.0%).
    const PERCENT: &'static [&'static str] = &[];
    /// Columns holding an amount in rand, shown as `R 181,000`.
    const MONEY: &'static [&'static str] = &[];
    /// Headers of tables, Markdown and HTML where the field name reads
    /// badly: (field, label).
    const LABELS: &'static [(&'static str, &'static str)] = &[];
    /// Columns a narrow terminal may leave out, the first named first (the
    /// others are always shown).
    const OPTIONAL: &'static [&'static str] = &[];
}

/// How a column's numbers are shown to a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shown {
    #[default]
    Plain,
    /// A fraction as a percentage: 25.0%.
    Percent,
    /// Rand: R 181,000.
    Money,
}

/// One titled table: column names and cells, in order.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub title: String,
    pub columns: Vec<String>,
    #[serde(skip)]
    shown: Vec<Shown>,
    /// Headers as people read them.
    #[serde(skip)]
    labels: Vec<String>,
    /// Leave-out order on a narrow terminal; None: always shown.
    #[serde(skip)]
    drop_rank: Vec<Option<usize>>,
    pub rows: Vec<Vec<Value>>,
}

impl Section {
    /// Builds a section from typed rows; column names are the field names.
    pub fn new<T: Record>(title: impl Into<String>, rows: &[T]) -> Section {
        let columns: Vec<String> = match serde_json::to_value(T::default()) {
            Ok(Value::Object(map)) => map.keys().cloned().collect(),
            _ => vec!["value".into()],
        };
        let shown = columns
            .iter()
            .map(|c| {
                if T::PERCENT.contains(&c.as_str()) {
                    Shown::Percent
                } else if T::MONEY.contains(&c.as_str()) {
                    Shown::Money
                } else {
                    Shown::Plain
                }
            })
            .collect();
        let labels = columns
            .iter()
            .map(|c| match T::LABELS.iter().find(|(field, _)| field == c) {
                Some((_, label)) => (*label).to_string(),
                None => header_label(c),
            })
            .collect();
        let drop_rank = columns
            .iter()
            .map(|c| T::OPTIONAL.iter().position(|o| o == c))
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
            shown,
            labels,
            drop_rank,
            rows,
        }
    }

    /// Adds a column in front holding `value` in every row (e.g. the event,
    /// when the rows of several events share one CSV).
    pub fn prepend_column(&mut self, name: &str, value: Value) {
        self.columns.insert(0, name.to_string());
        self.shown.insert(0, Shown::Plain);
        self.labels.insert(0, header_label(name));
        self.drop_rank.insert(0, None);
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
                    .zip(&self.shown)
                    .map(|(v, shown)| display_value(v, *shown))
                    .collect()
            })
            .collect()
    }

    /// The headers as people read them (tables, Markdown, HTML).
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Whether column `i` holds numbers (aligned right).
    pub fn is_numeric(&self, i: usize) -> bool {
        self.rows
            .iter()
            .any(|r| r.get(i).is_some_and(Value::is_number))
    }

    /// Whether column `i` is text that may wrap: not numbers, rates, dates
    /// or yes/no.
    fn wraps(&self, i: usize) -> bool {
        let mut values = self
            .rows
            .iter()
            .filter_map(|r| r.get(i))
            .filter(|v| !v.is_null())
            .peekable();
        values.peek().is_some()
            && !values.all(|v| match v {
                Value::Number(_) | Value::Bool(_) => true,
                Value::String(s) => fit::is_date(s),
                _ => false,
            })
    }

    /// A terminal table with the title above it, fitted to `ui.width` when
    /// that is known (see [`crate::fit`]).
    pub fn render_table(&self, ui: &Ui) -> String {
        self.render_table_noting(ui, "")
    }

    /// [`Section::render_table`]; when columns are left out to fit the
    /// width, one dim line names them, followed by `more` (where to see
    /// them).
    pub fn render_table_noting(&self, ui: &Ui, more: &str) -> String {
        let cells = self.display_rows();
        let width = ui.width.map(usize::from);
        let mut out = String::new();
        for line in wrap_to(&self.title, width) {
            let _ = writeln!(out, "{}", ui.title(&line));
        }
        if self.rows.is_empty() {
            let _ = writeln!(out, "  (none)");
            return out;
        }
        let widths: Vec<Option<usize>> = match width {
            None => vec![None; self.columns.len()],
            Some(width) => {
                let needs: Vec<fit::ColumnNeed> = (0..self.columns.len())
                    .map(|i| {
                        fit::ColumnNeed::measure(
                            &self.labels[i],
                            cells.iter().map(|row| row[i].as_str()),
                            self.wraps(i),
                            self.drop_rank[i],
                        )
                    })
                    .collect();
                fit::fit(&needs, width)
            }
        };
        let kept: Vec<usize> = (0..self.columns.len())
            .filter(|&i| width.is_none() || widths[i].is_some())
            .collect();

        let mut table = Table::new();
        table.load_preset(presets::UTF8_FULL_CONDENSED);
        table.set_header(kept.iter().map(|&i| self.labels[i].clone()));
        for row in &cells {
            table.add_row(kept.iter().map(|&i| row[i].clone()));
        }
        match width {
            // Fixed widths, so that comfy-table only wraps the text.
            Some(_) => {
                let content: Vec<usize> = kept.iter().filter_map(|&i| widths[i]).collect();
                let total = content.iter().sum::<usize>() + fit::overhead(content.len());
                table
                    .set_content_arrangement(ContentArrangement::Dynamic)
                    .set_width(u16::try_from(total).unwrap_or(u16::MAX));
                let constraints = content.iter().map(|w| {
                    ColumnConstraint::Absolute(ComfyWidth::Fixed(
                        u16::try_from(w + 2).unwrap_or(u16::MAX),
                    ))
                });
                table.set_constraints(constraints);
            }
            None => {
                table.set_content_arrangement(ContentArrangement::Disabled);
            }
        }
        for (column, &i) in table.column_iter_mut().zip(&kept) {
            if self.is_numeric(i) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        let _ = writeln!(out, "{table}");

        let left_out: Vec<&str> = (0..self.columns.len())
            .filter(|i| !kept.contains(i))
            .map(|i| self.labels[i].as_str())
            .collect();
        if let (Some(width), false) = (width, left_out.is_empty()) {
            let mut note = format!("Left out to fit {width} columns: {}.", left_out.join(", "));
            if !more.is_empty() {
                note.push(' ');
                note.push_str(more);
            }
            for line in fit::wrap(&note, width) {
                let _ = writeln!(out, "{}", ui.dim(&line));
            }
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
        let header: Vec<String> = self.labels.iter().map(|l| markdown_escape(l)).collect();
        let _ = writeln!(out, "| {} |", header.join(" | "));
        let align: Vec<&str> = (0..self.columns.len())
            .map(|i| if self.is_numeric(i) { "---:" } else { "---" })
            .collect();
        let _ = writeln!(out, "| {} |", align.join(" | "));
        for row in self.display_rows() {
            let cells: Vec<String> = row.iter().map(|c| markdown_escape(c)).collect();
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

/// `text` as lines of at most `width` characters, or one line.
fn wrap_to(text: &str, width: Option<usize>) -> Vec<String> {
    match width {
        Some(width) => fit::wrap(text, width),
        None => vec![text.to_string()],
    }
}

/// `first_registration` → `first registration`.
fn header_label(column: &str) -> String {
    column.replace('_', " ")
}

/// A cell as a person reads it: no quotes around strings, empty for null,
/// percentages for rates, rand for money, control characters made visible.
pub fn display_value(value: &Value, shown: Shown) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => visible(s).into_owned(),
        Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
        Value::Number(n) => match (shown, n.as_f64()) {
            (Shown::Percent, Some(f)) => format!("{:.1}%", f * 100.0),
            (Shown::Money, Some(f)) => money(f),
            _ => match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => i.to_string(),
                (None, Some(f)) => format_float(f),
                _ => n.to_string(),
            },
        },
        other => other.to_string(),
    }
}

fn format_float(f: f64) -> String {
    let s = format!("{f:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// An amount in rand as people write it: `R 181,000`, `R 1,250.50`
/// (cents only when there are some).
pub fn money(amount: f64) -> String {
    let cents = (amount.abs() * 100.0).round() as u64;
    let (whole, cents) = (cents / 100, cents % 100);
    let digits = whole.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(d);
    }
    let sign = if amount < 0.0 && (whole, cents) != (0, 0) {
        "-"
    } else {
        ""
    };
    if cents == 0 {
        format!("{sign}R {grouped}")
    } else {
        format!("{sign}R {grouped}.{cents:02}")
    }
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

/// Text for a Markdown heading or table cell, reading as itself: `&`, `<`
/// and `>` stay as they are (no `&amp;` in "Data & AI Day"), except where
/// a renderer would take them for markup (`<b`, `</`, `<!`, `&amp;`, `&#1;`),
/// which gets a backslash, as do `|` (a table never breaks), `\`, `` ` ``,
/// `*`, `_`, `[`, `]`. Line breaks become spaces.
pub fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        match c {
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            // A tag, a closing tag, a comment or a processing instruction.
            '<' if next
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')) =>
            {
                out.push_str("\\<");
            }
            // An entity: &name; or &#digits;
            '&' if next.is_some_and(|n| n.is_ascii_alphanumeric() || n == '#') => {
                let entity: String = chars
                    .clone()
                    .take_while(|n| n.is_ascii_alphanumeric() || *n == '#')
                    .collect();
                let after = chars.clone().nth(entity.chars().count());
                if after == Some(';') {
                    out.push('\\');
                }
                out.push('&');
            }
            '\r' => {}
            '\n' | '\t' | '\u{2028}' | '\u{2029}' | '\u{85}' => out.push(' '),
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

/// Sections in `format`, as bytes (JSON: one object keyed by title slug, or
/// the rows of the only section).
pub fn render_sections(ui: &Ui, format: Format, sections: &[Section]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
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
    Ok(out)
}

/// Like [`render_sections`], but JSON is an object with the given stable
/// keys (`{"campaigns": [...], "communications": [...]}`) rather than keys
/// made from titles, which may hold names.
pub fn render_keyed_sections(
    ui: &Ui,
    format: Format,
    sections: &[(&str, Section)],
) -> anyhow::Result<Vec<u8>> {
    if format != Format::Json {
        let plain: Vec<Section> = sections.iter().map(|(_, s)| s.clone()).collect();
        return render_sections(ui, format, &plain);
    }
    let doc = Value::Object(
        sections
            .iter()
            .map(|(key, s)| ((*key).to_string(), s.to_json()))
            .collect(),
    );
    let mut out = serde_json::to_vec_pretty(&doc)?;
    out.push(b'\n');
    Ok(out)
}

fn print_bytes(bytes: &[u8]) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}

/// Prints sections to stdout in `format` (see [`render_sections`]).
pub fn print_sections(ui: &Ui, format: Format, sections: &[Section]) -> anyhow::Result<()> {
    print_bytes(&render_sections(ui, format, sections)?)
}

/// Prints sections to stdout in `format` (see [`render_keyed_sections`]).
pub fn print_keyed_sections(
    ui: &Ui,
    format: Format,
    sections: &[(&str, Section)],
) -> anyhow::Result<()> {
    print_bytes(&render_keyed_sections(ui, format, sections)?)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[derive(Serialize, Default)]
    pub(crate) struct Row {
        name: String,
        count: i64,
        rate: Option<f64>,
    }
    impl Record for Row {
        const PERCENT: &'static [&'static str] = &["rate"];
    }

    /// Two rows with what breaks spreadsheets and tables (also used by
    /// `listing`'s tests).
    pub(crate) fn sample() -> Section {
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
        assert_eq!(markdown_escape("a|b<script>"), "a\\|b\\<script>");
        // What is not markup reads as itself.
        assert_eq!(markdown_escape("Data & AI Day"), "Data & AI Day");
        assert_eq!(markdown_escape("a < b > c & d"), "a < b > c & d");
        assert_eq!(markdown_escape("R&D 2026"), "R&D 2026");
        // What a renderer would take for markup is escaped.
        assert_eq!(markdown_escape("</td>"), "\\</td>");
        assert_eq!(markdown_escape("<!-- x -->"), "\\<!-- x -->");
        assert_eq!(markdown_escape("Tom &amp; Jerry"), "Tom \\&amp; Jerry");
        assert_eq!(markdown_escape("&#60;"), "\\&#60;");
        // A line break never breaks a table row.
        assert_eq!(markdown_escape("one\r\ntwo\nthree"), "one two three");
        assert_eq!(markdown_escape("a\u{2028}b"), "a b");
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
    fn a_markdown_table_never_breaks() {
        let s = Section::new(
            "Sources & <campaigns>",
            &[Row {
                name: "a | b\nc\r\n| d".into(),
                count: 1,
                rate: None,
            }],
        );
        let md = s.render_markdown(2);
        assert!(md.starts_with("## Sources & \\<campaigns>\n"), "{md}");
        let rows: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
        assert_eq!(rows.len(), 3, "{md}");
        for row in rows {
            // Unescaped pipes: one per cell, plus one.
            let cells = row.replace("\\|", "").matches('|').count();
            assert_eq!(cells, 4, "{row}");
        }
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
    fn money_reads_as_rand() {
        assert_eq!(money(181000.0), "R 181,000");
        assert_eq!(money(947050.0), "R 947,050");
        assert_eq!(money(1250.5), "R 1,250.50");
        assert_eq!(money(999.0), "R 999");
        assert_eq!(money(1000.0), "R 1,000");
        assert_eq!(money(0.0), "R 0");
        assert_eq!(money(-50.0), "-R 50");
        assert_eq!(money(1234567.891), "R 1,234,567.89");
    }

    #[derive(Serialize, Default)]
    struct Sale {
        id: i64,
        campaign: String,
        revenue: f64,
        share: Option<f64>,
    }
    impl Record for Sale {
        const PERCENT: &'static [&'static str] = &["share"];
        const MONEY: &'static [&'static str] = &["revenue"];
        const LABELS: &'static [(&'static str, &'static str)] = &[("id", "sale id")];
        const OPTIONAL: &'static [&'static str] = &["id", "share"];
    }

    #[test]
    fn narrow_tables_leave_out_optional_columns_and_say_so() {
        let s = Section::new(
            "Sales",
            &[Sale {
                id: 7,
                campaign: "Early Bird Registration 2026".into(),
                revenue: 1181000.0,
                share: Some(0.5),
            }],
        );
        let at = |width| {
            let ui = Ui {
                width: Some(width),
                ..Ui::plain()
            };
            s.render_table_noting(&ui, "--wide shows them.")
        };
        let wide = at(100);
        assert!(
            wide.contains("sale id") && wide.contains("R 1,181,000"),
            "{wide}"
        );
        assert!(!wide.contains("Left out"), "{wide}");
        let narrow = at(32);
        for line in narrow.lines() {
            assert!(line.chars().count() <= 32, "{narrow}");
        }
        assert!(
            narrow.contains("│ campaign       ┆     revenue │"),
            "{narrow}"
        );
        assert!(
            narrow.contains("R 1,181,000") && !narrow.contains("50.0%"),
            "{narrow}"
        );
        let note = narrow.replace('\n', " ");
        assert!(
            note.contains("Left out to fit 32 columns: sale id, share. --wide shows them."),
            "{narrow}"
        );
        // No width known: every column, nothing said.
        let full = s.render_table(&Ui::plain());
        assert!(full.contains("sale id") && full.contains("50.0%"), "{full}");
        // CSV and JSON keep the plain number.
        assert_eq!(s.to_json()[0]["revenue"], 1181000.0);
        let mut csv = Vec::new();
        s.write_csv(&mut csv).unwrap();
        assert!(String::from_utf8(csv).unwrap().contains(",1181000.0,"));
    }

    #[test]
    fn json_rows_are_objects_in_column_order() {
        let json = sample().to_json();
        let first = json[0].as_object().unwrap();
        assert_eq!(first.keys().collect::<Vec<_>>(), ["name", "count", "rate"]);
        assert_eq!(json[1]["rate"], Value::Null);
    }
}
