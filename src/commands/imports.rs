//! `attrib imports list` and `attrib imports undo ID`: the record of every
//! imported file, and taking one back, for the organiser who imported the
//! wrong file (a ticket export as a recipient list, an export into the wrong
//! event) and must not need psql to put it right.
//!
//! What an import created is found again from what it recorded: a Quicket
//! import's contacts, tickets and organisations carry the start of its
//! transaction as `created_at` (`import_batches.written_at` since migration
//! 008; reconstructed from the tickets for an older import), and a recipient
//! list's rows are the id ranges in `attrib.import_batch_rows` (kept since
//! migration 008; a list imported before cannot be undone). The undo checks
//! everything before it writes, refuses when later imports may have changed
//! or read the same rows, runs in one transaction and is recorded in
//! `attrib.import_undos`. See docs/undo.md.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::app::{App, Outcome};
use crate::error::UsageError;
use crate::event::{self, EventSelector};
use crate::output::{self, Format, Record, Section};
use crate::vocabulary::plural;

#[derive(Debug, clap::Subcommand)]
pub enum ImportsCommand {
    /// The recorded imports (Quicket exports, recipient lists, Brevo
    /// events) with what each wrote, and the undone ones.
    #[command(after_long_help = LIST_EXAMPLES)]
    List(ListArgs),
    /// Remove what one import added: the recipients of a recipient list,
    /// the tickets of a Quicket import, and the contacts it created that
    /// nothing else refers to.
    #[command(after_long_help = UNDO_HELP)]
    Undo(UndoArgs),
}

const LIST_EXAMPLES: &str = "\
Examples:
  attrib imports list
  attrib imports list --event 2026 --format json";

const UNDO_HELP: &str = "\
What goes:
  a recipient list  the recipient rows it added, and the contacts it created that no ticket,
                    other email, speaker or sponsor refers to
  a Quicket import  the tickets it created, and the contacts and organisations it created that
                    nothing else refers to (tickets it only updated keep their new values)
  Brevo events      cannot be undone: statuses only move forward

It refuses, changing nothing, when Brevo events have reached the recipients since, when tickets
it created were changed since, or when a later Quicket import of the same event found tickets
already there (it may have read these: undo that one first). Recipient lists imported before
migration 008 did not record their rows and cannot be undone.

Examples:
  attrib imports undo 12 --dry-run
  attrib imports undo 12";

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only the imports of this event: its slug, id:N, or a year (2026).
    #[arg(long, value_name = "EVENT", value_parser = event::parse_selector)]
    pub event: Option<EventSelector>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct UndoArgs {
    /// The import's id, as `attrib imports list` shows it.
    #[arg(value_name = "ID")]
    pub id: i32,

    /// Say what would be removed, and change nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Output format of the summary.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

pub async fn run(app: &mut App, command: ImportsCommand) -> anyhow::Result<Outcome> {
    match command {
        ImportsCommand::List(args) => list(app, args).await,
        ImportsCommand::Undo(args) => undo(app, args).await,
    }
}

/// One import as `imports list` shows it.
#[derive(Debug, Default, Serialize, sqlx::FromRow)]
struct ImportRow {
    id: i32,
    source: String,
    file_name: String,
    event: Option<String>,
    communication_id: Option<i32>,
    imported_at: String,
    rows_read: Option<i64>,
    /// Created (or, for an undone import, removed by the undo).
    contacts: Option<i64>,
    tickets_created: Option<i64>,
    tickets_updated: Option<i64>,
    /// Recipient rows added (or removed by the undo).
    recipients: Option<i64>,
    /// When it was undone; empty while it is in effect.
    undone_at: Option<String>,
}
impl Record for ImportRow {}

async fn list(app: &mut App, args: ListArgs) -> anyhow::Result<Outcome> {
    let pool = app.db().await?;
    let event_ids: Option<Vec<i32>> = match &args.event {
        Some(selector) => Some(
            event::resolve_all(&pool, selector)
                .await?
                .iter()
                .map(|e| e.id)
                .collect(),
        ),
        None => None,
    };
    let rows: Vec<ImportRow> = sqlx::query_as(include_str!("../../queries/imports_list.sql"))
        .bind(event_ids)
        .fetch_all(&pool)
        .await?;
    output::print_sections(&app.ui, args.format, &[Section::new("Imports", &rows)])?;
    if rows.is_empty() {
        app.ui.note("No imports yet.");
    } else if rows.iter().any(|r| r.undone_at.is_none()) {
        app.ui.note(
            "Take one back with `attrib imports undo ID` (add --dry-run to see what would go).",
        );
    }
    Ok(Outcome::Success)
}

#[derive(Debug, sqlx::FromRow)]
struct Batch {
    id: i32,
    source: String,
    file_name: String,
    event_id: Option<i32>,
    event: Option<String>,
    started_at: DateTime<Utc>,
    finished_at: DateTime<Utc>,
    written_at: Option<DateTime<Utc>>,
    imported_at: String,
    has_rows: bool,
}

#[derive(Debug, sqlx::FromRow)]
struct LaterImport {
    id: i32,
    file_name: String,
    imported_at: String,
    tickets_updated: i64,
    tickets_unchanged: i64,
}

#[derive(Debug, sqlx::FromRow)]
struct Removed {
    recipients: i64,
    tickets: i64,
    contacts: i64,
    organisations: i64,
}

/// What an undo removed (or, with --dry-run, would remove).
#[derive(Debug, Default, Serialize)]
pub struct UndoSummary {
    pub import_id: i32,
    pub source: String,
    pub file: String,
    pub event: Option<String>,
    pub communication_id: Option<i32>,
    pub tickets_removed: i64,
    pub recipients_removed: i64,
    pub contacts_removed: i64,
    pub organisations_removed: i64,
    pub dry_run: bool,
}
impl Record for UndoSummary {}

/// Why an import cannot be undone, for the organiser: what happened since
/// and what to do. None when nothing stands in the way.
pub fn quicket_refusal(
    id: i32,
    changed_since: i64,
    later: &[(i32, String, String, i64, i64)],
) -> Option<String> {
    if changed_since == 0 && later.is_empty() {
        return None;
    }
    let mut why = Vec::new();
    if changed_since > 0 {
        why.push(format!(
            "{} it created {} changed since (by a later import or by hand); undoing it would \
             lose those changes",
            plural(changed_since, "ticket", "tickets"),
            if changed_since == 1 { "was" } else { "were" }
        ));
    }
    for (later_id, file, at, updated, unchanged) in later {
        why.push(format!(
            "import {later_id} ({file}, {at}) of the same event found {} already there ({updated} \
             updated, {unchanged} unchanged) and may have read the tickets this one created",
            plural(updated + unchanged, "ticket", "tickets")
        ));
    }
    let first = later.last().map_or(String::new(), |(later_id, ..)| {
        format!(" Undo the later imports first, newest first (`attrib imports undo {later_id}`).")
    });
    Some(format!(
        "import {id} cannot be undone: {}; nothing was changed.{first}",
        why.join("; ")
    ))
}

async fn undo(app: &mut App, args: UndoArgs) -> anyhow::Result<Outcome> {
    let pool = app.db().await?;
    let mut tx = pool.begin().await?;
    // Imports wait for the undo and the undo for imports: rows it checks
    // cannot change before it commits.
    crate::commands::import::lock_for_writing(&mut tx).await?;
    sqlx::raw_sql("LOCK TABLE tickets, communication_recipients IN SHARE ROW EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await?;
    let batch: Option<Batch> = sqlx::query_as(include_str!("../../queries/imports_undo_batch.sql"))
        .bind(args.id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(batch) = batch else {
        let undone: Option<String> = sqlx::query_scalar(
            "SELECT to_char(undone_at, 'YYYY-MM-DD HH24:MI') FROM attrib.import_undos WHERE batch_id = $1",
        )
        .bind(args.id)
        .fetch_optional(&mut *tx)
        .await?;
        return Err(match undone {
            Some(at) => anyhow::anyhow!("import {} was already undone on {at}", args.id),
            None => UsageError(format!(
                "there is no import {}; `attrib imports list` shows their ids",
                args.id
            ))
            .into(),
        });
    };

    let mut communication_id = None;
    let (event_id, written_at) = match batch.source.as_str() {
        "brevo" => {
            return Err(anyhow::anyhow!(
                "import {} ({}) is a file of Brevo events; it cannot be undone: its events were \
                 merged into the recipients' statuses, which only move forward. Nothing was changed.",
                batch.id,
                batch.file_name
            ));
        }
        "recipients" => {
            if !batch.has_rows {
                return Err(anyhow::anyhow!(
                    "import {} ({}, {}) is a recipient list imported before attrib recorded which \
                     recipients a list added (migration 008), so attrib cannot tell its rows from \
                     others; nothing was changed. Remove them with psql, or ask for help.",
                    batch.id,
                    batch.file_name,
                    batch.imported_at
                ));
            }
            let (_, changed, communications): (i64, i64, Vec<i32>) =
                sqlx::query_as(include_str!("../../queries/imports_undo_recipients.sql"))
                    .bind(batch.id)
                    .fetch_one(&mut *tx)
                    .await?;
            if changed > 0 {
                return Err(anyhow::anyhow!(
                    "import {} cannot be undone: Brevo events have reached {} it added since \
                     (`attrib brevo ingest`), and undoing it would lose them; nothing was changed.",
                    batch.id,
                    plural(changed, "recipient", "recipients")
                ));
            }
            communication_id = communications.first().copied();
            // A list's contacts carry the start of its transaction, which
            // is when the batch was recorded (same transaction).
            (None, batch.written_at.unwrap_or(batch.finished_at))
        }
        _ => {
            let Some(event_id) = batch.event_id else {
                return Err(anyhow::anyhow!(
                    "import {} has no event any more; nothing to undo",
                    batch.id
                ));
            };
            let written_at = match batch.written_at {
                Some(at) => at,
                None => {
                    let moments: Vec<DateTime<Utc>> = sqlx::query_scalar(include_str!(
                        "../../queries/imports_undo_written_at.sql"
                    ))
                    .bind(event_id)
                    .bind(batch.started_at)
                    .bind(batch.finished_at)
                    .fetch_all(&mut *tx)
                    .await?;
                    match moments.as_slice() {
                        [one] => *one,
                        // Created no ticket (or they are gone): nothing of
                        // it can be found, nothing to remove.
                        [] => batch.finished_at,
                        _ => {
                            return Err(anyhow::anyhow!(
                                "import {} was recorded before attrib noted when an import \
                                 began (migration 008), and tickets of its event were created \
                                 by more than one transaction while it ran, so attrib cannot \
                                 tell which are its own; nothing was changed.",
                                batch.id
                            ));
                        }
                    }
                }
            };
            let (_, changed): (i64, i64) =
                sqlx::query_as(include_str!("../../queries/imports_undo_tickets.sql"))
                    .bind(event_id)
                    .bind(written_at)
                    .fetch_one(&mut *tx)
                    .await?;
            let later: Vec<LaterImport> =
                sqlx::query_as(include_str!("../../queries/imports_undo_later.sql"))
                    .bind(batch.id)
                    .bind(event_id)
                    .fetch_all(&mut *tx)
                    .await?;
            let later: Vec<_> = later
                .into_iter()
                .map(|l| {
                    (
                        l.id,
                        l.file_name,
                        l.imported_at,
                        l.tickets_updated,
                        l.tickets_unchanged,
                    )
                })
                .collect();
            if let Some(why) = quicket_refusal(batch.id, changed, &later) {
                return Err(anyhow::anyhow!(why));
            }
            (Some(event_id), written_at)
        }
    };

    let removed: Removed = sqlx::query_as(include_str!("../../queries/imports_undo_delete.sql"))
        .bind(batch.id)
        .bind(event_id)
        .bind(written_at)
        .fetch_one(&mut *tx)
        .await?;
    if let Some(id) = communication_id {
        sqlx::query(include_str!("../../queries/recipients_count.sql"))
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    let clamp = |n: i64| i32::try_from(n).unwrap_or(i32::MAX);
    sqlx::query(include_str!("../../queries/imports_undo_record.sql"))
        .bind(batch.id)
        .bind(communication_id)
        .bind(clamp(removed.tickets))
        .bind(clamp(removed.recipients))
        .bind(clamp(removed.contacts))
        .bind(clamp(removed.organisations))
        .execute(&mut *tx)
        .await?;
    if args.dry_run {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
    }

    let summary = UndoSummary {
        import_id: batch.id,
        source: batch.source,
        file: batch.file_name,
        event: batch.event,
        communication_id,
        tickets_removed: removed.tickets,
        recipients_removed: removed.recipients,
        contacts_removed: removed.contacts,
        organisations_removed: removed.organisations,
        dry_run: args.dry_run,
    };
    match args.format {
        Format::Json => crate::outln!("{}", serde_json::to_string_pretty(&summary)?)?,
        Format::Table => crate::outln!("{}", describe(&summary))?,
        other => output::print_sections(
            &app.ui,
            other,
            &[Section::new(
                "Import undone",
                std::slice::from_ref(&summary),
            )],
        )?,
    }
    Ok(Outcome::Success)
}

/// "Undid import 12 (quicket, attendees.csv): removed 3 tickets, 2 contacts
/// and 0 organisations."
pub fn describe(s: &UndoSummary) -> String {
    let what = match s.source.as_str() {
        "recipients" => format!(
            "{} and {}",
            plural(s.recipients_removed, "recipient", "recipients"),
            plural(s.contacts_removed, "contact", "contacts")
        ),
        _ => format!(
            "{}, {} and {}",
            plural(s.tickets_removed, "ticket", "tickets"),
            plural(s.contacts_removed, "contact", "contacts"),
            plural(s.organisations_removed, "organisation", "organisations")
        ),
    };
    let target = match (&s.event, s.communication_id) {
        (_, Some(id)) => format!(", communication id:{id}"),
        (Some(event), None) => format!(", {event}"),
        (None, None) => String::new(),
    };
    if s.dry_run {
        format!(
            "Undoing import {} ({}, {}{target}) would remove {what}. Nothing was changed (--dry-run).",
            s.import_id, s.source, s.file
        )
    } else {
        format!(
            "Undid import {} ({}, {}{target}): removed {what}.",
            s.import_id, s.source, s.file
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_say_what_stands_in_the_way() {
        assert_eq!(quicket_refusal(3, 0, &[]), None);
        let changed = quicket_refusal(3, 1, &[]).unwrap();
        assert!(
            changed.contains("1 ticket it created was changed since"),
            "{changed}"
        );
        let later = quicket_refusal(
            3,
            0,
            &[
                (4, "feb.csv".into(), "2026-02-01 10:00".into(), 0, 700),
                (6, "mar.csv".into(), "2026-03-01 10:00".into(), 2, 720),
            ],
        )
        .unwrap();
        assert!(
            later.contains(
                "import 4 (feb.csv, 2026-02-01 10:00) of the same event found 700 tickets"
            ),
            "{later}"
        );
        assert!(
            later.contains("`attrib imports undo 6`"),
            "newest first: {later}"
        );
        assert!(later.contains("nothing was changed"), "{later}");
    }

    #[test]
    fn summaries() {
        let s = UndoSummary {
            import_id: 12,
            source: "recipients".into(),
            file: "attendees.csv".into(),
            communication_id: Some(1),
            recipients_removed: 701,
            contacts_removed: 1,
            ..UndoSummary::default()
        };
        assert_eq!(
            describe(&s),
            "Undid import 12 (recipients, attendees.csv, communication id:1): removed 701 recipients and 1 contact."
        );
        let dry = UndoSummary {
            source: "quicket".into(),
            event: Some("data-ai-day-2026".into()),
            communication_id: None,
            tickets_removed: 1,
            dry_run: true,
            ..s
        };
        assert_eq!(
            describe(&dry),
            "Undoing import 12 (quicket, attendees.csv, data-ai-day-2026) would remove 1 ticket, 1 contact and 0 organisations. Nothing was changed (--dry-run)."
        );
    }
}
