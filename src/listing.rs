//! `--format` and `--out FILE` of the listing commands (`who`, `outreach`,
//! `contact`, `timeline`, `assets list`, `campaigns list`, `events list`):
//! one pair of options, flattened into each command's Args, and where the
//! sections then go: stdout, or a file written atomically (CSV for Excel).

use std::path::{Path, PathBuf};

use crate::error::UsageError;
use crate::output::{
    Format, Section, UTF8_BOM, print_keyed_sections, print_sections, render_keyed_sections,
    render_sections, write_atomically,
};
use crate::ui::Ui;

/// `--format` and `--out` of the listing commands (`who`, `outreach`,
/// `contact`, `timeline`, `assets list`, `campaigns list`, `events list`):
/// the one pair of options they share, flattened into each one's Args.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ListingOutput {
    /// Output format [default: table, or with --out the file's extension].
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Write to FILE instead of stdout, replacing it atomically. The format
    /// is --format's, else the extension's: .csv (for Excel: UTF-8 with a
    /// byte-order mark, formulas neutralised), .json, .md, .txt.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Where a listing goes and in what format, decided before any work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    pub format: Format,
    /// None: stdout.
    pub file: Option<PathBuf>,
}

impl ListingOutput {
    /// The format and destination, or a usage error when `--out` names a
    /// file whose format cannot be told (and no `--format`) or a directory.
    pub fn plan(&self) -> Result<Listing, UsageError> {
        let Some(file) = &self.out else {
            return Ok(Listing {
                format: self.format.unwrap_or_default(),
                file: None,
            });
        };
        if file.is_dir() {
            return Err(UsageError(format!(
                "--out {} is a directory; name a file in it, e.g. --out {}",
                file.display(),
                file.join("list.csv").display()
            )));
        }
        let format = match self.format {
            Some(format) => format,
            None => format_of(file).ok_or_else(|| {
                UsageError(format!(
                    "cannot tell the format of --out {} from its extension; name it .csv, \
                     .json, .md or .txt, or add --format csv|json|markdown|table.",
                    file.display()
                ))
            })?,
        };
        Ok(Listing {
            format,
            file: Some(file.clone()),
        })
    }
}

/// The format a file's extension names: .csv, .json, .md (or .markdown),
/// .txt.
pub fn format_of(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "csv" => Some(Format::Csv),
        "json" => Some(Format::Json),
        "md" | "markdown" => Some(Format::Markdown),
        "txt" => Some(Format::Table),
        _ => None,
    }
}

impl Listing {
    /// Prints the sections, or writes them to the file: plain (no colours,
    /// every column), CSV with a byte-order mark for Excel.
    pub fn emit(&self, ui: &Ui, sections: &[Section]) -> anyhow::Result<()> {
        match &self.file {
            None => print_sections(ui, self.format, sections),
            Some(file) => {
                let bytes = render_sections(&Ui::plain(), self.format, sections)?;
                self.write(ui, file, bytes, sections.iter())
            }
        }
    }

    /// [`Listing::emit`] with stable JSON keys ([`render_keyed_sections`]).
    pub fn emit_keyed(&self, ui: &Ui, sections: &[(&str, Section)]) -> anyhow::Result<()> {
        match &self.file {
            None => print_keyed_sections(ui, self.format, sections),
            Some(file) => {
                let bytes = render_keyed_sections(&Ui::plain(), self.format, sections)?;
                self.write(ui, file, bytes, sections.iter().map(|(_, s)| s))
            }
        }
    }

    /// Whether this is a table on stdout (where hints for a person belong).
    pub fn is_terminal_table(&self) -> bool {
        self.file.is_none() && self.format == Format::Table
    }

    fn write<'a>(
        &self,
        ui: &Ui,
        file: &Path,
        bytes: Vec<u8>,
        sections: impl Iterator<Item = &'a Section>,
    ) -> anyhow::Result<()> {
        let bytes = if self.format == Format::Csv {
            [UTF8_BOM, &bytes].concat()
        } else {
            bytes
        };
        write_atomically(file, &bytes)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", file.display()))?;
        let rows: usize = sections.map(|s| s.rows.len()).sum();
        ui.note(format!(
            "Wrote {rows} row{} to {}.",
            if rows == 1 { "" } else { "s" },
            file.display()
        ));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::tests::sample;

    #[test]
    fn listing_output_takes_the_format_from_the_option_or_the_extension() {
        let plan = |format: Option<Format>, out: Option<&str>| {
            ListingOutput {
                format,
                out: out.map(PathBuf::from),
            }
            .plan()
        };
        assert_eq!(plan(None, None).unwrap().format, Format::Table);
        assert_eq!(plan(None, Some("a.CSV")).unwrap().format, Format::Csv);
        assert_eq!(plan(None, Some("a.json")).unwrap().format, Format::Json);
        assert_eq!(plan(None, Some("a.md")).unwrap().format, Format::Markdown);
        assert_eq!(plan(None, Some("a.txt")).unwrap().format, Format::Table);
        // --format wins over the extension.
        assert_eq!(
            plan(Some(Format::Json), Some("a.csv")).unwrap().format,
            Format::Json
        );
        let e = plan(None, Some("list")).unwrap_err();
        assert!(e.0.contains("--format"), "{e}");
        let e = plan(None, Some("a.xlsx")).unwrap_err();
        assert!(e.0.contains(".csv"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let e = plan(Some(Format::Csv), dir.path().to_str()).unwrap_err();
        assert!(e.0.contains("directory"), "{e}");
    }

    #[test]
    fn listing_files_are_plain_and_csv_has_a_bom() {
        let dir = tempfile::tempdir().unwrap();
        let ui = Ui {
            width: Some(30),
            color: true,
            ..Ui::plain()
        };
        let csv = dir.path().join("things.csv");
        let listing = ListingOutput {
            format: None,
            out: Some(csv.clone()),
        }
        .plan()
        .unwrap();
        listing.emit(&ui, &[sample()]).unwrap();
        let bytes = std::fs::read(&csv).unwrap();
        assert!(bytes.starts_with(UTF8_BOM));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert!(text.starts_with("name,count,rate\n\"'=HYPERLINK"), "{text}");
        // A table in a file: whole, with no colour codes, whatever the terminal.
        let txt = dir.path().join("things.txt");
        ListingOutput {
            format: None,
            out: Some(txt.clone()),
        }
        .plan()
        .unwrap()
        .emit(&ui, &[sample()])
        .unwrap();
        let text = std::fs::read_to_string(&txt).unwrap();
        assert!(
            !text.contains('\u{1b}') && !text.contains("Left out"),
            "{text}"
        );
        assert!(text.contains("plain, with comma"), "{text}");
    }
}
