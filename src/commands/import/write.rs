//! Writing an import: the set-based SQL that takes the staging table into
//! contacts and tickets (`upsert`), the import lock, and the statistics
//! refresh after a large import.

use sqlx::{PgConnection, PgPool};

use anyhow::Context;

use super::Stopwatch;
use super::parse::{CHUNK_BYTES, Repeats};
use crate::event::Event;
use crate::quicket::{LatestDetails, STATUS_PROGRESSION};

/// Whether the event has any ticket in the database.
pub(super) async fn event_has_tickets(
    tx: &mut PgConnection,
    event: &Event,
) -> anyhow::Result<bool> {
    Ok(
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM tickets WHERE event_id = $1)")
            .bind(event.id)
            .fetch_one(&mut *tx)
            .await?,
    )
}

/// The event's tickets in the database.
async fn tickets_of_event(tx: &mut PgConnection, event: &Event) -> anyhow::Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT count(*) FROM tickets WHERE event_id = $1")
            .bind(event.id)
            .fetch_one(&mut *tx)
            .await?,
    )
}

/// One import at a time past this point, and no one else adding or
/// changing contacts or organisations until this one commits: contacts are
/// shared by all events, so what the file changes is found against a stable
/// database, and new contacts need no ON CONFLICT. Reading and copying
/// still run side by side. (The advisory lock only lets the import say that
/// it waits for another.) Taking it again in the same transaction is free.
pub(crate) async fn lock_for_writing(tx: &mut PgConnection) -> anyhow::Result<()> {
    let free: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
        .bind(IMPORT_LOCK)
        .fetch_one(&mut *tx)
        .await?;
    if !free {
        // A sentence like attrib's other notes, not a log line; shown
        // unless --quiet (which sets the log level above warnings).
        if tracing::enabled!(tracing::Level::WARN) {
            crate::ui::stderr_line(format_args!("{WAITING}"));
        }
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(IMPORT_LOCK)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::raw_sql("LOCK TABLE organisations, contacts IN SHARE ROW EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// After a commit that wrote a large share of `tickets` or `contacts` (a
/// first import of a big export), brings the planner's statistics of that
/// table up to date, as autovacuum would only a minute or more later: the
/// next import's plans then know how many rows there are (measured when
/// the first pass still joined every line with the tickets in SQL: the
/// newer export of a million tickets took 11.9 s before, 3.3 s after). Not part of the import: one that fails (a table the user does
/// not own) is logged and the import still succeeds. Says whether it ran.
pub(super) async fn refresh_statistics(
    pool: &PgPool,
    written: &[(&str, &'static str, i64)],
) -> bool {
    let mut ran = false;
    for &(table, analyze, rows_written) in written {
        let estimate: Option<(f32, bool)> = match sqlx::query_as(
            "SELECT reltuples, pg_has_role(relowner, 'USAGE') FROM pg_class WHERE oid = $1::regclass",
        )
        .bind(table)
        .fetch_optional(pool)
        .await
        {
            Ok(estimate) => estimate,
            Err(e) => {
                tracing::warn!("could not read the statistics of {table}: {e}");
                continue;
            }
        };
        let Some((estimated_rows, may_analyze)) = estimate else {
            continue;
        };
        if !may_analyze || !statistics_are_stale(rows_written, estimated_rows) {
            continue;
        }
        match sqlx::raw_sql(analyze).execute(pool).await {
            Ok(_) => ran = true,
            Err(e) => tracing::warn!("could not refresh the statistics of {table}: {e}"),
        }
    }
    ran
}

/// Whether writing `rows_written` rows into a table the planner believes
/// holds `estimated_rows` (pg_class.reltuples: -1 when never analyzed)
/// leaves its statistics stale: autovacuum's own rule (50 rows and 10% of
/// the table), applied at once.
pub(super) fn statistics_are_stale(rows_written: i64, estimated_rows: f32) -> bool {
    if rows_written <= 0 {
        return false;
    }
    if estimated_rows < 0.0 {
        return true;
    }
    rows_written as f64 > 50.0 + 0.1 * f64::from(estimated_rows)
}

#[derive(Debug, Default)]
pub(super) struct Counts {
    pub(super) duplicate_rows: u64,
    pub(super) contacts_created: i64,
    pub(super) contacts_updated: i64,
    pub(super) tickets_created: i64,
    pub(super) tickets_updated: i64,
    pub(super) tickets_unchanged: i64,
    pub(super) tickets_missing: i64,
    pub(super) statuses_kept: i64,
}

/// Whether the database's `lower()` turns every ASCII letter into its ASCII
/// lower case and leaves the other ASCII characters alone, as
/// `quicket::PersonNumbers` does: not so under a Turkish locale (I → ı).
async fn lowers_ascii_as_attrib(tx: &mut PgConnection) -> anyhow::Result<bool> {
    let ascii: String = (b' '..=b'~').map(char::from).collect();
    Ok(sqlx::query_scalar("SELECT lower($1) = $2")
        .bind(&ascii)
        .bind(ascii.to_ascii_lowercase())
        .fetch_one(&mut *tx)
        .await?)
}

/// What the full pass left in the staging table.
pub(super) struct Staged {
    /// Lines copied.
    pub(super) lines: u64,
    /// Lines the first pass found already imported, not copied.
    pub(super) unchanged: u64,
    /// Which tickets may be on more than one line.
    pub(super) repeats: Repeats,
    /// Every line copied has its person's number (quicket::PersonNumbers).
    pub(super) every_line_numbered: bool,
    /// Each person's latest details, when attrib kept them all.
    pub(super) latest_details: Option<LatestDetails>,
}

/// The set-based part: from the staging table into the real tables.
pub(super) async fn upsert(
    tx: &mut PgConnection,
    event: &Event,
    staged: Staged,
    tickets_before: Option<i64>,
    watch: &mut Stopwatch,
) -> anyhow::Result<Counts> {
    let Staged {
        lines: staged,
        unchanged,
        repeats,
        every_line_numbered,
        latest_details,
    } = staged;
    let progression: Vec<&str> = STATUS_PROGRESSION.iter().map(|s| s.as_str()).collect();
    // The people of the lines about to be dropped take their details from
    // every line they keep, before the lines go.
    let duplicate_rows = match repeats {
        Repeats::None => 0,
        Repeats::Among(candidates) => {
            sqlx::query(include_str!(
                "../../../queries/import_quicket_dedupe_candidates_people.sql"
            ))
            .bind(&candidates)
            .execute(&mut *tx)
            .await?;
            sqlx::query(include_str!(
                "../../../queries/import_quicket_dedupe_candidates.sql"
            ))
            .bind(candidates)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        }
        Repeats::Unknown => {
            sqlx::query(include_str!(
                "../../../queries/import_quicket_dedupe_people.sql"
            ))
            .execute(&mut *tx)
            .await?;
            sqlx::query(include_str!("../../../queries/import_quicket_dedupe.sql"))
                .execute(&mut *tx)
                .await?
                .rows_affected()
        }
    };
    let mut counts = Counts {
        duplicate_rows,
        ..Counts::default()
    };
    // Lines skipped as already imported are tickets of the file too (never
    // repeated ones: every line of a repeated ticket is read in full).
    let tickets_in_file = i64::try_from(staged - duplicate_rows + unchanged).unwrap_or(i64::MAX);
    watch.lap("repeated tickets removed");

    lock_for_writing(tx).await?;
    // Asked again under the lock: another import into this event may have
    // committed since the first look.
    let event_was_empty = !event_has_tickets(tx, event).await?;

    // What the file changes in the event's tickets, in one pass; on a
    // re-import, nothing. Into an event with no tickets, every line is a
    // new ticket: nothing to compare.
    let tickets_new = if event_was_empty {
        None
    } else {
        sqlx::query(include_str!("../../../queries/import_quicket_work.sql"))
            .bind(event.id)
            .bind(&progression)
            .execute(&mut *tx)
            .await?;
        let (tickets_new, statuses_kept): (i64, i64) = sqlx::query_as(
            "SELECT count(*) FILTER (WHERE ticket_new), count(*) FILTER (WHERE status_behind)
             FROM quicket_work",
        )
        .fetch_one(&mut *tx)
        .await?;
        counts.statuses_kept = statuses_kept;
        Some(tickets_new)
    };
    watch.lap("changes found");

    // The people's numbers hold, and each person is one lower(email), when
    // every line has one, no line was dropped (a repeated ticket can take
    // the last line of a person, and the details of dropped lines must not
    // count), and the database lowers ASCII as attrib does.
    let by_number =
        every_line_numbered && duplicate_rows == 0 && lowers_ascii_as_attrib(tx).await?;
    tracing::debug!(
        "people's details chosen {}, tickets' contacts found by {}",
        if by_number && latest_details.is_some() {
            "while reading"
        } else {
            "in the database"
        },
        if by_number { "number" } else { "email" }
    );
    match latest_details.filter(|_| by_number) {
        Some(people) => {
            let mut copy = tx
                .copy_in_raw("COPY quicket_people FROM STDIN")
                .await
                .context("cannot start loading the people")?;
            for chunk in people.copy_text(CHUNK_BYTES) {
                copy.send(chunk).await?;
            }
            copy.finish().await.context("loading the people failed")?;
            drop(people);
            sqlx::raw_sql(include_str!(
                "../../../queries/import_quicket_contacts_people.sql"
            ))
            .execute(&mut *tx)
            .await?;
        }
        None => {
            sqlx::raw_sql(include_str!(
                "../../../queries/import_quicket_contacts_staging.sql"
            ))
            .execute(&mut *tx)
            .await?;
        }
    }
    sqlx::query(include_str!(
        "../../../queries/import_quicket_organisations.sql"
    ))
    .execute(&mut *tx)
    .await?;
    counts.contacts_updated = sqlx::query(include_str!(
        "../../../queries/import_quicket_contacts_update.sql"
    ))
    .execute(&mut *tx)
    .await?
    .rows_affected() as i64;
    counts.contacts_created = sqlx::query(include_str!(
        "../../../queries/import_quicket_contacts_insert.sql"
    ))
    .execute(&mut *tx)
    .await?
    .rows_affected() as i64;
    watch.lap("organisations and contacts");

    let tickets_of_event = match tickets_new {
        None => {
            let insert = if by_number {
                include_str!("../../../queries/import_quicket_tickets_insert_numbered.sql")
            } else {
                include_str!("../../../queries/import_quicket_tickets_insert.sql")
            };
            let created = sqlx::query(insert)
                .bind(event.id)
                .execute(&mut *tx)
                .await?
                .rows_affected() as i64;
            counts.tickets_created = created;
            counts.tickets_updated = 0;
            created
        }
        Some(tickets_new) => {
            let written = sqlx::query(include_str!(
                "../../../queries/import_quicket_tickets_merge.sql"
            ))
            .bind(event.id)
            .bind(&progression)
            .execute(&mut *tx)
            .await?
            .rows_affected() as i64;
            sqlx::query(include_str!(
                "../../../queries/import_quicket_fingerprints.sql"
            ))
            .bind(event.id)
            .bind(&progression)
            .execute(&mut *tx)
            .await?;
            counts.tickets_created = tickets_new;
            counts.tickets_updated = written - tickets_new;
            // Counted by the first pass under the lock held since.
            match tickets_before {
                Some(before) => before + tickets_new,
                None => tickets_of_event(tx, event).await?,
            }
        }
    };
    watch.lap("tickets written");
    counts.tickets_missing = tickets_of_event - tickets_in_file;
    counts.tickets_unchanged = tickets_in_file - counts.tickets_created - counts.tickets_updated;
    Ok(counts)
}

/// The advisory lock key of the upsert phase ("attrib:import" as bytes).
const IMPORT_LOCK: i64 = 0x6174_7472_6962_3a69;

/// What an import (or `imports undo`) says while another holds the lock.
pub const WAITING: &str =
    "Waiting for another import to finish; this one goes on as soon as it is done.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_are_stale_after_writing_a_tenth_of_a_table() {
        assert!(!statistics_are_stale(0, -1.0), "nothing written");
        assert!(statistics_are_stale(1, -1.0), "never analyzed");
        assert!(!statistics_are_stale(50, 0.0));
        assert!(statistics_are_stale(51, 0.0));
        assert!(statistics_are_stale(1_000_000, 0.0), "a first import");
        assert!(
            !statistics_are_stale(1_500, 1_000_000.0),
            "a small file into a big table"
        );
        assert!(!statistics_are_stale(100_050, 1_000_000.0));
        assert!(statistics_are_stale(100_051, 1_000_000.0));
    }
}
