//! `attrib brevo rematch` and `attrib brevo unmatched`: the Brevo events
//! that arrived before their recipient list or their communication was
//! recorded. They wait in `attrib.brevo_waiting`; `unmatched` shows what
//! waits and what would match it, `rematch` applies those that match now
//! (through the same apply path as every other way in).

use serde::Serialize;

use crate::app::{App, Outcome};
use crate::brevo::apply;
use crate::output::{self, Format, Record, Section};

pub const REMATCH_HELP: &str = "\
Events that matched no recipient when they arrived (brevo listen, brevo ingest) wait in the
database. `attrib recipients import` and `attrib comms add` with --brevo-template-id or
--brevo-campaign-id apply those that match afterwards by themselves; rematch does it on demand,
e.g. after correcting a communication in psql.

Examples:
  attrib brevo rematch
  attrib brevo rematch --format json | jq .waiting";

pub const UNMATCHED_HELP: &str = "\
Each row is a group of waiting events: marketing events by their Brevo campaign id (record the
email with `attrib comms add ... --brevo-campaign-id N`), transactional events by their template
id (import the recipient list of that email with `attrib recipients import`), and by the domain
of the address.

Examples:
  attrib brevo unmatched
  attrib brevo unmatched --format json | jq '.[] | select(.kind == \"marketing campaign\")'";

#[derive(Debug, clap::Args)]
pub struct RematchArgs {
    /// Output format of the summary.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct UnmatchedArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// One group of waiting events.
#[derive(Debug, Default, Serialize, sqlx::FromRow)]
pub struct WaitingGroup {
    pub kind: String,
    /// The Brevo campaign id (marketing) or template id (transactional).
    pub brevo_id: Option<i32>,
    pub domain: String,
    pub events: i64,
    pub addresses: i64,
    pub first_received: Option<String>,
    pub last_received: Option<String>,
}
impl Record for WaitingGroup {}

/// What a rematch did.
#[derive(Debug, Default, Serialize)]
pub struct RematchSummary {
    /// Waiting events that matched and were applied.
    pub applied: i64,
    pub recipients_added_from_events: i64,
    pub recipients_updated: i64,
    /// Events still waiting.
    pub waiting: i64,
    /// Events a stopped `brevo listen` had accepted and not applied, applied now.
    pub accepted_by_listen_applied: i64,
}
impl Record for RematchSummary {}

pub async fn rematch(app: &mut App, args: RematchArgs) -> anyhow::Result<Outcome> {
    let pool = app.db().await?;
    let mut tx = pool.begin().await?;
    let applied = apply::rematch(&mut tx).await?.unwrap_or_default();
    tx.commit().await?;
    let summary = RematchSummary {
        applied: applied.waiting_applied,
        recipients_added_from_events: applied.recipients_added_from_events,
        recipients_updated: applied.recipients_updated,
        waiting: applied.waiting.unwrap_or_default(),
        accepted_by_listen_applied: applied.inbox_applied,
    };
    match args.format {
        Format::Json => crate::outln!("{}", serde_json::to_string_pretty(&summary)?)?,
        Format::Table => {
            if !app.ui.quiet {
                crate::outln!(
                    "{} waiting event{} applied ({} recipient{} updated, {} added from events); {} still waiting.",
                    summary.applied,
                    plural(summary.applied),
                    summary.recipients_updated,
                    plural(summary.recipients_updated),
                    summary.recipients_added_from_events,
                    summary.waiting
                )?;
                if summary.accepted_by_listen_applied > 0 {
                    crate::outln!(
                        "{} event{} that brevo listen had accepted before it stopped applied too.",
                        summary.accepted_by_listen_applied,
                        plural(summary.accepted_by_listen_applied)
                    )?;
                }
            }
        }
        other => output::print_sections(
            &app.ui,
            other,
            &[Section::new(
                "Brevo rematch",
                std::slice::from_ref(&summary),
            )],
        )?,
    }
    Ok(Outcome::Success)
}

pub async fn unmatched(app: &mut App, args: UnmatchedArgs) -> anyhow::Result<Outcome> {
    let pool = app.db().await?;
    let accepted = crate::brevo::inbox::count(&pool).await?;
    if accepted > 0 {
        // Not waiting for a match: a listener that stopped had not yet
        // applied them.
        app.ui.note(format!(
            "{accepted} event{} accepted by brevo listen {} not applied yet: brevo listen applies \
             them when it starts, attrib brevo rematch does now.",
            plural(accepted),
            if accepted == 1 { "is" } else { "are" }
        ));
    }
    let groups: Vec<WaitingGroup> =
        sqlx::query_as(include_str!("../../../queries/brevo_waiting_list.sql"))
            .fetch_all(&pool)
            .await?;
    if args.format == Format::Json {
        crate::outln!("{}", serde_json::to_string_pretty(&groups)?)?;
        return Ok(Outcome::Success);
    }
    if groups.is_empty() && args.format == Format::Table {
        app.ui
            .note("No Brevo events are waiting: every event received matched a recipient.");
        return Ok(Outcome::Success);
    }
    output::print_sections(
        &app.ui,
        args.format,
        &[Section::new("Brevo events waiting for a match", &groups)],
    )?;
    Ok(Outcome::Success)
}

fn plural(n: i64) -> &'static str {
    if n == 1 { "" } else { "s" }
}
