//! The inbox of `attrib brevo listen` (attrib.brevo_inbox, migration 010):
//! webhook events are answered 200 once they are committed here, and the
//! listener's applier takes them out, oldest first, into the staging table
//! of the one apply path ([`super::apply`]), in the transaction that
//! applies them. An accepted event is thus never lost, and the work of
//! matching and applying is done in batches as large as the load makes
//! them, not once per group of requests.

use sqlx::PgConnection;

use super::apply::{Staged, staged_entry, staged_is_error, staged_rank, staged_raw};
use super::payload::BrevoEvent;

/// Checked events, one array per column of attrib.brevo_inbox, for the one
/// statement of `queries/brevo_inbox_insert.sql`.
#[derive(Debug, Default)]
pub struct InboxRows {
    message_id: Vec<Option<String>>,
    email: Vec<Option<String>>,
    template_id: Vec<Option<i32>>,
    camp_id: Vec<Option<i32>>,
    event: Vec<String>,
    ts_epoch: Vec<i64>,
    ts_sent: Vec<Option<i64>>,
    link: Vec<Option<String>>,
    reason: Vec<Option<String>>,
    rank: Vec<Option<i16>>,
    is_error: Vec<bool>,
    entry: Vec<String>,
    raw: Vec<String>,
}

impl InboxRows {
    /// Adds one checked event; `raw` is its JSON as it arrived.
    pub fn push(&mut self, e: &BrevoEvent, raw: &str) {
        self.message_id.push(e.message_id.clone());
        self.email.push(e.email.clone());
        self.template_id.push(e.template_id);
        self.camp_id.push(e.camp_id);
        self.event.push(e.event.clone());
        self.ts_epoch.push(e.ts_epoch);
        self.ts_sent.push(e.ts_sent);
        self.link.push(e.link.clone());
        self.reason.push(e.reason.clone());
        self.rank.push(staged_rank(e));
        self.is_error.push(staged_is_error(e));
        self.entry.push(staged_entry(e));
        self.raw.push(staged_raw(raw).into_owned());
    }

    /// Inserts the events in one statement: outside a transaction, they
    /// are committed when it returns.
    pub async fn insert<'e>(&self, db: impl sqlx::PgExecutor<'e>) -> sqlx::Result<()> {
        sqlx::query(include_str!("../../queries/brevo_inbox_insert.sql"))
            .bind(&self.message_id)
            .bind(&self.email)
            .bind(&self.template_id)
            .bind(&self.camp_id)
            .bind(&self.event)
            .bind(&self.ts_epoch)
            .bind(&self.ts_sent)
            .bind(&self.link)
            .bind(&self.reason)
            .bind(&self.rank)
            .bind(&self.is_error)
            .bind(&self.entry)
            .bind(&self.raw)
            .execute(db)
            .await?;
        Ok(())
    }
}

/// Takes at most `limit` of the oldest events out of the inbox, but those
/// `set_aside`, and into the staging table (`begin_staging` first), in the
/// caller's transaction.
pub async fn stage(
    conn: &mut PgConnection,
    limit: i64,
    set_aside: &[i64],
) -> anyhow::Result<Staged> {
    let (events, marketing): (i64, i64) =
        sqlx::query_as(include_str!("../../queries/brevo_inbox_stage.sql"))
            .bind(limit)
            .bind(set_aside)
            .fetch_one(conn)
            .await?;
    Ok(Staged {
        events: u64::try_from(events)?,
        marketing: u64::try_from(marketing)?,
    })
}

/// The events in the inbox: accepted, not yet applied.
pub async fn count<'e>(db: impl sqlx::PgExecutor<'e>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM attrib.brevo_inbox")
        .fetch_one(db)
        .await
}
