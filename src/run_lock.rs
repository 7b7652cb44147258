//! One run at a time per command and event: a PostgreSQL session-level
//! advisory lock, so that it holds across processes and machines, on the
//! embedded server and on DATABASE_URL alike. A run that cannot take the lock
//! at once stops with [`AlreadyRunning`] (exit code 4) before writing
//! anything; it never waits, so cron ticks cannot pile up.
//!
//! The key is `(hashtext('attrib <command>'), event id)`, e.g. for
//! `attrib summary` on event 1: `pg_try_advisory_lock(hashtext('attrib
//! summary'), 1)`. The lock lives on a connection of its own, taken out of
//! the pool, and goes when that connection closes: on release, on error, or
//! when the process dies.

use sqlx::{Connection, PgConnection, PgPool};

use crate::error::AlreadyRunning;
use crate::event::Event;

/// The locks of one run, one per event.
pub struct RunLock {
    conn: PgConnection,
    command: String,
    event_ids: Vec<i32>,
}

const TRY_LOCK: &str = "SELECT pg_try_advisory_lock(hashtext('attrib ' || $1), $2)";
const UNLOCK: &str = "SELECT pg_advisory_unlock(hashtext('attrib ' || $1), $2)";
// A two-key advisory lock shows its keys as classid and objid, oids: the
// signed hash reads as its unsigned 32-bit value.
const HOLDER: &str = "\
SELECT l.pid, a.application_name::text AS application_name,
       to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS') AS backend_start
FROM pg_locks l
LEFT JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
  AND l.classid = ((hashtext('attrib ' || $1))::bigint & 4294967295)::oid
  AND l.objid = $2::bigint::oid
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
LIMIT 1";

#[derive(Debug, sqlx::FromRow)]
struct Holder {
    pid: i32,
    application_name: Option<String>,
    backend_start: Option<String>,
}

impl RunLock {
    /// Takes the lock of `command` for every event, or fails at once with
    /// [`AlreadyRunning`] naming the event whose run is still going.
    pub async fn acquire(
        pool: &PgPool,
        command: &str,
        events: &[Event],
    ) -> anyhow::Result<RunLock> {
        let mut conn = pool.acquire().await?.detach();
        let mut held = Vec::new();
        for event in events {
            let got: bool = sqlx::query_scalar(TRY_LOCK)
                .bind(command)
                .bind(event.id)
                .fetch_one(&mut conn)
                .await?;
            if !got {
                let holder = holder(&mut conn, command, event.id).await;
                // Closing the connection lets go of the locks taken so far.
                let _ = conn.close().await;
                return Err(AlreadyRunning(already_running_message(command, event, holder)).into());
            }
            held.push(event.id);
        }
        Ok(RunLock {
            conn,
            command: command.to_string(),
            event_ids: held,
        })
    }

    /// Lets go of the locks (closing the connection would too).
    pub async fn release(mut self) -> anyhow::Result<()> {
        for id in &self.event_ids {
            sqlx::query(UNLOCK)
                .bind(&self.command)
                .bind(id)
                .execute(&mut self.conn)
                .await?;
        }
        self.conn.close().await?;
        Ok(())
    }
}

/// Who holds the lock, if PostgreSQL lets us see it (best effort: the
/// message is useful without it).
async fn holder(conn: &mut PgConnection, command: &str, event_id: i32) -> Option<Holder> {
    sqlx::query_as(HOLDER)
        .bind(command)
        .bind(event_id)
        .fetch_optional(conn)
        .await
        .ok()
        .flatten()
}

fn already_running_message(command: &str, event: &Event, holder: Option<Holder>) -> String {
    let who = match holder {
        Some(h) => format!(
            " (PostgreSQL session {}{}{})",
            h.pid,
            h.application_name
                .filter(|a| !a.is_empty())
                .map(|a| format!(" of {a}"))
                .unwrap_or_default(),
            h.backend_start
                .map(|s| format!(", connected {s}"))
                .unwrap_or_default()
        ),
        None => String::new(),
    };
    format!(
        "another `attrib {command}` for {} is still running{who}; this run stopped without \
         writing anything (exit code 4). If it runs too long, schedule the runs further apart; \
         if it hangs, end it, and its lock goes with it.",
        event.slug
    )
}
