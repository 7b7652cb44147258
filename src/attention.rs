//! What `--strict` flags: data a person should look at although the run
//! succeeded (exit code 3). One rule for every command that has `--strict`
//! (`attrib report`, `attrib summary`), so that they agree on the same data:
//!
//! - registrations whose source names several campaigns (ambiguous);
//! - registrations whose source looks like a typo of a campaign slug;
//! - an unattributed share above `--max-unattributed` percent;
//! - a last Quicket import older than `--stale-after`, or none at all.
//!
//! Generic sources (`linkedin`, `friend`) are never a finding by themselves.

use crate::vocabulary::plural;

/// How many examples a finding names before "and N more".
const SHOWN: usize = 3;

/// One reason for a person to look at the data.
#[derive(Debug, Clone, PartialEq)]
pub enum Finding {
    /// Registrations whose source names several campaigns: each source (in
    /// slug form) with the ids of the campaigns it names.
    Ambiguous {
        registrations: i64,
        sources: Vec<(String, Vec<i32>)>,
    },
    /// Registrations whose source is close to a campaign slug: each source
    /// with the slug it was probably meant to be.
    LikelyTypos {
        registrations: i64,
        sources: Vec<(String, String)>,
    },
    /// More unattributed registrations than allowed.
    UnattributedShare {
        unattributed: i64,
        registrations: i64,
        max_percent: f64,
    },
    /// The last Quicket import finished `age` ago (`finished_at`), more than
    /// `stale_after`; `finished_at` None: never imported.
    StaleImport {
        finished_at: Option<String>,
        age: Option<String>,
        stale_after: String,
    },
}

impl Finding {
    /// The finding as a clause saying what to do, for `line`.
    pub fn message(&self) -> String {
        match self {
            Finding::Ambiguous {
                registrations,
                sources,
            } => {
                let examples: Vec<String> = sources
                    .iter()
                    .take(SHOWN)
                    .map(|(source, ids)| {
                        let ids: Vec<String> = ids.iter().map(|id| format!("id:{id}")).collect();
                        format!("'{source}' names {}", ids.join(" and "))
                    })
                    .collect();
                format!(
                    "{} a source naming several campaigns \
                     ({}{}); rename one campaign of each so that their slugs differ",
                    plural(*registrations, "registration has", "registrations have"),
                    examples.join("; "),
                    more(sources.len())
                )
            }
            Finding::LikelyTypos {
                registrations,
                sources,
            } => {
                let examples: Vec<String> = sources
                    .iter()
                    .take(SHOWN)
                    .map(|(source, slug)| format!("'{source}' for '{slug}'"))
                    .collect();
                format!(
                    "{} a source that looks like a typo of a \
                     campaign slug ({}{}); fix the links",
                    plural(*registrations, "registration has", "registrations have"),
                    examples.join(", "),
                    more(sources.len())
                )
            }
            Finding::UnattributedShare {
                unattributed,
                registrations,
                max_percent,
            } => format!(
                "{unattributed} of {} ({}) {} no campaign, more \
                 than --max-unattributed {}%; see the unattributed sources and fix the links",
                plural(*registrations, "registration", "registrations"),
                percent(*unattributed, *registrations),
                if *unattributed == 1 { "names" } else { "name" },
                trim_float(*max_percent)
            ),
            Finding::StaleImport {
                finished_at: Some(at),
                age,
                stale_after,
            } => format!(
                "the last Quicket import finished {at}{}, longer ago than --stale-after \
                 {stale_after}: these figures may be out of date; import the latest export",
                age.as_deref()
                    .map(|a| format!(" ({a} ago)"))
                    .unwrap_or_default()
            ),
            Finding::StaleImport {
                finished_at: None, ..
            } => "no Quicket export has ever been imported for this event: these figures may \
                  be incomplete; import the latest export"
                .to_string(),
        }
    }
}

/// "data-ai-day-2026: first; second." — the findings of one event in one
/// line, or None when there are none.
pub fn line(event_slug: &str, findings: &[Finding]) -> Option<String> {
    if findings.is_empty() {
        return None;
    }
    let parts: Vec<String> = findings.iter().map(Finding::message).collect();
    Some(format!("{event_slug}: {}.", parts.join("; ")))
}

/// Ambiguous sources as a finding: `(source, campaign ids, registrations)`.
/// Sources without registrations are no finding.
pub fn ambiguous<'a>(
    sources: impl IntoIterator<Item = (&'a str, &'a [i32], i64)>,
) -> Option<Finding> {
    let mut total = 0;
    let mut named = Vec::new();
    for (source, ids, registrations) in sources {
        if registrations > 0 {
            total += registrations;
            named.push((source.to_string(), ids.to_vec()));
        }
    }
    (!named.is_empty()).then_some(Finding::Ambiguous {
        registrations: total,
        sources: named,
    })
}

/// Likely typos as a finding: `(source, suggested slug if any,
/// registrations)`. Sources with no suggestion are generic, not typos.
pub fn likely_typos<'a>(
    sources: impl IntoIterator<Item = (&'a str, Option<&'a str>, i64)>,
) -> Option<Finding> {
    let mut total = 0;
    let mut named = Vec::new();
    for (source, suggestion, registrations) in sources {
        if let Some(slug) = suggestion
            && registrations > 0
        {
            total += registrations;
            named.push((source.to_string(), slug.to_string()));
        }
    }
    (!named.is_empty()).then_some(Finding::LikelyTypos {
        registrations: total,
        sources: named,
    })
}

/// The unattributed share as a finding when it is strictly above
/// `max_percent`. No registrations: no share, no finding.
pub fn unattributed_share(
    unattributed: i64,
    registrations: i64,
    max_percent: Option<f64>,
) -> Option<Finding> {
    let max_percent = max_percent?;
    if registrations <= 0 {
        return None;
    }
    // Compared in integers where possible: 1 of 4 is exactly 25%, not above.
    let share = unattributed as f64 * 100.0 / registrations as f64;
    (share > max_percent + 1e-9).then_some(Finding::UnattributedShare {
        unattributed,
        registrations,
        max_percent,
    })
}

/// Parses `--max-unattributed`: a percentage from 0 to 100 (`25`, `12.5`,
/// `25%`).
pub fn parse_percent(text: &str) -> Result<f64, String> {
    let trimmed = text.trim().trim_end_matches('%').trim();
    match trimmed.parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err(format!(
            "'{text}' is not a percentage from 0 to 100; write e.g. 20 or 12.5"
        )),
    }
}

fn percent(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return String::new();
    }
    format!("{:.1}%", part as f64 * 100.0 / whole as f64)
}

fn trim_float(f: f64) -> String {
    let s = format!("{f:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn more(total: usize) -> String {
    if total > SHOWN {
        format!(" and {} more", total - SHOWN)
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_findings_no_line() {
        assert_eq!(line("e", &[]), None);
    }

    #[test]
    fn ambiguous_sources_without_registrations_are_no_finding() {
        assert_eq!(ambiguous([("a", &[1, 2][..], 0)]), None);
        let f = ambiguous([("a", &[1, 2][..], 2), ("b", &[3, 4][..], 0)]).unwrap();
        assert_eq!(
            f,
            Finding::Ambiguous {
                registrations: 2,
                sources: vec![("a".into(), vec![1, 2])]
            }
        );
        assert_eq!(
            line("ev", &[f]).unwrap(),
            "ev: 2 registrations have a source naming several campaigns ('a' names id:1 and \
             id:2); rename one campaign of each so that their slugs differ."
        );
    }

    #[test]
    fn typos_need_a_suggestion() {
        assert_eq!(likely_typos([("linkedin", None, 3)]), None);
        let f = likely_typos([
            ("linkedin", None, 3),
            ("cfp-206", Some("cfp-2026"), 1),
            ("a", Some("b"), 1),
            ("c", Some("d"), 1),
            ("e", Some("f"), 1),
        ])
        .unwrap();
        let text = f.message();
        assert!(text.starts_with("4 registrations have"), "{text}");
        assert!(text.contains("'cfp-206' for 'cfp-2026'"), "{text}");
        assert!(text.contains("and 1 more"), "{text}");
    }

    #[test]
    fn share_is_flagged_only_strictly_above_the_limit() {
        assert_eq!(unattributed_share(1, 4, None), None);
        assert_eq!(unattributed_share(1, 4, Some(25.0)), None);
        assert!(unattributed_share(1, 4, Some(24.9)).is_some());
        assert_eq!(unattributed_share(0, 0, Some(0.0)), None);
        assert_eq!(unattributed_share(0, 5, Some(0.0)), None);
        let f = unattributed_share(1, 3, Some(0.0)).unwrap();
        assert!(
            f.message()
                .contains("1 of 3 registrations (33.3%) names no campaign"),
            "{f:?}"
        );
        assert!(f.message().contains("--max-unattributed 0%"), "{f:?}");
    }

    #[test]
    fn percentages_parse() {
        assert_eq!(parse_percent("25"), Ok(25.0));
        assert_eq!(parse_percent(" 12.5% "), Ok(12.5));
        assert_eq!(parse_percent("0"), Ok(0.0));
        assert_eq!(parse_percent("100"), Ok(100.0));
        for bad in ["-1", "101", "x", "", "NaN", "inf"] {
            assert!(parse_percent(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn stale_messages_say_what_to_do() {
        let never = Finding::StaleImport {
            finished_at: None,
            age: None,
            stale_after: "3d".into(),
        };
        assert!(
            never
                .message()
                .starts_with("no Quicket export has ever been imported")
        );
        let old = Finding::StaleImport {
            finished_at: Some("2026-04-28 09:12".into()),
            age: Some("4 days 22 hours".into()),
            stale_after: "3d".into(),
        };
        let text = old.message();
        assert!(
            text.contains("2026-04-28 09:12 (4 days 22 hours ago)"),
            "{text}"
        );
        assert!(text.contains("--stale-after 3d"), "{text}");
    }
}
