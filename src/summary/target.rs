//! Where a summary goes: stdout, or `--out PATH` with the placeholders
//! `{date}` (YYYY-MM-DD of the run, in the session time zone) and `{event}`
//! (the event's slug). Pure functions; the command writes the files.

use std::path::{Path, PathBuf};

/// The formats of `attrib summary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SummaryFormat {
    /// Plain text with tables: for a terminal or an email.
    Text,
    /// Markdown, for a shared folder or a chat.
    Markdown,
    /// One JSON document (an "events" array), for jq and scripts.
    Json,
}

impl SummaryFormat {
    /// The format a file name asks for: `.md`/`.markdown` Markdown, `.json`
    /// JSON, anything else text.
    pub fn for_path(path: &str) -> SummaryFormat {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".md") || lower.ends_with(".markdown") {
            SummaryFormat::Markdown
        } else if lower.ends_with(".json") {
            SummaryFormat::Json
        } else {
            SummaryFormat::Text
        }
    }
}

const PLACEHOLDERS: [&str; 2] = ["{date}", "{event}"];

/// An `--out` path with its placeholders checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutTemplate {
    template: String,
}

impl OutTemplate {
    /// Checks that every `{...}` in `path` is `{date}` or `{event}`.
    pub fn parse(path: &Path) -> Result<OutTemplate, String> {
        let template = path
            .to_str()
            .ok_or_else(|| format!("--out {}: the path is not valid UTF-8", path.display()))?
            .to_string();
        if template.trim().is_empty() {
            return Err("--out needs a file path, e.g. reports/{event}-{date}.md".into());
        }
        let mut rest = template.as_str();
        while let Some(open) = rest.find(['{', '}']) {
            let tail = &rest[open..];
            match PLACEHOLDERS.iter().find(|p| tail.starts_with(*p)) {
                Some(p) => rest = &tail[p.len()..],
                None => {
                    let shown: String = tail.chars().take_while(|c| *c != '}').collect();
                    return Err(format!(
                        "--out {template}: '{shown}{}' is not a placeholder; use {{date}} \
                         (YYYY-MM-DD) and {{event}} (the event's slug), e.g. \
                         reports/{{event}}-{{date}}.md",
                        if tail.contains('}') { "}" } else { "" }
                    ));
                }
            }
        }
        if template.ends_with('/') {
            return Err(format!(
                "--out {template} is a directory; name the file, e.g. {template}{{event}}-{{date}}.md"
            ));
        }
        Ok(OutTemplate { template })
    }

    /// Does the path differ per event?
    pub fn names_event(&self) -> bool {
        self.template.contains("{event}")
    }

    /// The format the file name asks for.
    pub fn format(&self) -> SummaryFormat {
        SummaryFormat::for_path(&self.template)
    }

    /// The path for one event on `date`.
    pub fn expand(&self, date: &str, event_slug: &str) -> PathBuf {
        PathBuf::from(
            self.template
                .replace("{date}", date)
                .replace("{event}", event_slug),
        )
    }

    pub fn as_str(&self) -> &str {
        &self.template
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<OutTemplate, String> {
        OutTemplate::parse(Path::new(s))
    }

    #[test]
    fn placeholders_expand() {
        let t = parse("reports/{event}-{date}.md").unwrap();
        assert!(t.names_event());
        assert_eq!(t.format(), SummaryFormat::Markdown);
        assert_eq!(
            t.expand("2026-05-02", "data-ai-day-2026"),
            PathBuf::from("reports/data-ai-day-2026-2026-05-02.md")
        );
        let t = parse("/srv/{date}/{date}.json").unwrap();
        assert!(!t.names_event());
        assert_eq!(t.format(), SummaryFormat::Json);
        assert_eq!(
            t.expand("2026-05-02", "x"),
            PathBuf::from("/srv/2026-05-02/2026-05-02.json")
        );
        let t = parse("summary.txt").unwrap();
        assert_eq!(t.format(), SummaryFormat::Text);
        assert_eq!(t.expand("d", "e"), PathBuf::from("summary.txt"));
    }

    #[test]
    fn unknown_placeholders_and_stray_braces_are_refused() {
        for (bad, shown) in [
            ("r/{Date}.md", "'{Date}'"),
            ("r/{slug}.md", "'{slug}'"),
            ("r/{date.md", "'{date.md'"),
            ("r/date}.md", "'}'"),
            ("r/{}.md", "'{}'"),
        ] {
            let e = parse(bad).unwrap_err();
            assert!(e.contains(shown), "{bad}: {e}");
            assert!(e.contains("{event}"), "{e}");
        }
        assert!(parse("").is_err());
        assert!(parse("reports/").unwrap_err().contains("is a directory"));
    }

    #[test]
    fn formats_follow_the_extension() {
        assert_eq!(SummaryFormat::for_path("a.MD"), SummaryFormat::Markdown);
        assert_eq!(
            SummaryFormat::for_path("a.markdown"),
            SummaryFormat::Markdown
        );
        assert_eq!(SummaryFormat::for_path("a.json"), SummaryFormat::Json);
        assert_eq!(SummaryFormat::for_path("a.txt"), SummaryFormat::Text);
        assert_eq!(SummaryFormat::for_path("a"), SummaryFormat::Text);
    }
}
