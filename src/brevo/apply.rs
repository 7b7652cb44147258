//! The one apply path of Brevo events, for every way in: `brevo ingest` (a
//! file), `brevo listen` (webhooks over HTTP) and `brevo rematch` (events
//! that were waiting). Each stages checked events into a temporary table
//! (COPY rows made by [`encode_row`]) inside the caller's transaction, then
//! [`apply`] runs the set-based SQL:
//!
//! 1. `brevo_recipients_from_events.sql`: addresses of a known marketing
//!    campaign become its recipients (and contacts when new);
//! 2. `brevo_match.sql`: each event to its recipient row (then, beside
//!    other webhook groups, `brevo_lock_rows.sql`);
//! 3. `brevo_apply.sql`: status progression, sent_at and the deduplicated
//!    `metadata.brevo_events`, writing only changed rows;
//! 4. `brevo_waiting_keep.sql`: unmatched events wait in
//!    `attrib.brevo_waiting`; waiting events that matched leave it.

use serde::Serialize;
use sqlx::PgConnection;

use super::payload::BrevoEvent;
use super::rules::{EventKind, PROGRESSION, Recorded};
use crate::commands::recipients::copy_field;

/// The COPY statement for the rows of [`encode_row`].
pub const COPY_STAGING: &str = "COPY brevo_staging (seq, message_id, email, template_id, camp_id, \
     event, ts_epoch, ts_sent, link, reason, rank, is_error, entry, raw) FROM STDIN";

/// How an application shares the recipient rows with others running at
/// the same time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// Alone: a file or a rematch, which may touch most rows; it waits for
    /// every other application and they for it. No row locks needed.
    Exclusive,
    /// Beside other webhook groups of `brevo listen`: the rows each touches
    /// are locked in id order, so that groups merging into the same row
    /// take turns; a file's application still runs alone.
    Shared,
}

/// The staging tables of one transaction, ready for COPY
/// ([`COPY_STAGING`]) and [`apply`].
#[derive(Debug, Clone, Copy)]
pub struct Staging {
    lock: Lock,
    /// Created by this transaction: the session's first application.
    new_tables: bool,
}

/// Takes the lock, then readies the staging tables (created once per
/// session, empty at every commit), in the caller's transaction.
pub async fn begin_staging(conn: &mut PgConnection, lock: Lock) -> sqlx::Result<Staging> {
    let take = match lock {
        Lock::Exclusive => include_str!("../../queries/brevo_lock_exclusive.sql"),
        Lock::Shared => include_str!("../../queries/brevo_lock_shared.sql"),
    };
    let new_tables: bool = sqlx::query_scalar(take).fetch_one(&mut *conn).await?;
    // One round trip for what is needed: a file's settings, and the tables
    // if this session has none yet. A webhook group usually needs neither.
    let mut script = Vec::new();
    if lock == Lock::Exclusive {
        script.push(include_str!("../../queries/brevo_file_settings.sql"));
    }
    if new_tables {
        script.push(include_str!("../../queries/brevo_staging.sql"));
    }
    if !script.is_empty() {
        sqlx::raw_sql(sqlx::AssertSqlSafe(script.join(";\n")))
            .execute(conn)
            .await?;
    }
    Ok(Staging { lock, new_tables })
}

/// From this many staged events on, the staging tables get statistics
/// before they are joined (ANALYZE): a file's hundred thousand events then
/// hash-join instead of looping. So do a session's first, freshly created
/// tables: a webhook group's prepared statements then keep plans made for
/// a few dozen rows, not for the thousands PostgreSQL assumes of a table
/// it knows nothing about.
const ANALYZE_FROM: u64 = 2_000;

/// Appends one checked event as a COPY text row. `raw` is its JSON as it
/// arrived; a pretty-printed one is kept compact, on one line.
pub fn encode_row(buf: &mut Vec<u8>, seq: u64, e: &BrevoEvent, raw: &str) {
    buf.extend_from_slice(seq.to_string().as_bytes());
    let number = |n: Option<i64>| n.map(|n| n.to_string());
    let fields: [Option<String>; 5] = [
        e.message_id.clone(),
        e.email.clone(),
        number(e.template_id.map(i64::from)),
        number(e.camp_id.map(i64::from)),
        Some(e.event.clone()),
    ];
    for value in &fields {
        buf.push(b'\t');
        copy_field(buf, value.as_deref());
    }
    buf.push(b'\t');
    buf.extend_from_slice(e.ts_epoch.to_string().as_bytes());
    for value in [
        number(e.ts_sent).as_deref(),
        e.link.as_deref(),
        e.reason.as_deref(),
        staged_rank(e).map(|r| r.to_string()).as_deref(),
    ] {
        buf.push(b'\t');
        copy_field(buf, value);
    }
    buf.push(b'\t');
    buf.push(if staged_is_error(e) { b't' } else { b'f' });
    buf.push(b'\t');
    copy_field(buf, Some(&staged_entry(e)));
    buf.push(b'\t');
    copy_field(buf, Some(&staged_raw(raw)));
    buf.push(b'\n');
}

/// The staged `rank`: the status the event lifts its recipient to.
pub(crate) fn staged_rank(e: &BrevoEvent) -> Option<i16> {
    e.kind.rank().and_then(|r| i16::try_from(r).ok())
}

/// The staged `is_error`.
pub(crate) fn staged_is_error(e: &BrevoEvent) -> bool {
    e.kind == EventKind::Error
}

/// The staged `entry`: the event as metadata.brevo_events keeps it.
pub(crate) fn staged_entry(e: &BrevoEvent) -> String {
    Recorded::from(e).to_json().to_string()
}

/// The staged `raw`: the event as it arrived, on one line.
pub(crate) fn staged_raw(raw: &str) -> std::borrow::Cow<'_, str> {
    if raw.contains(['\n', '\r']) {
        let compact = serde_json::from_str::<serde_json::Value>(raw)
            .map(|v| v.to_string())
            .unwrap_or_else(|_| raw.replace(['\n', '\r'], " "));
        compact.into()
    } else {
        raw.into()
    }
}

/// A marketing campaign id that no communication has, and its events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct UnknownCampaign {
    pub camp_id: i32,
    pub events: i64,
}

/// What applying the staged events did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Applied {
    pub matched_by_message_id: i64,
    pub matched_by_email_and_template: i64,
    pub matched_by_campaign: i64,
    pub unmatched: i64,
    /// Addresses of a known marketing campaign that became its recipients.
    pub recipients_added_from_events: i64,
    pub contacts_created: i64,
    /// Events new to their recipient's metadata.
    pub events_recorded: i64,
    /// Recipient rows whose status, sent_at or metadata changed.
    pub recipients_updated: i64,
    /// Campaign ids of unmatched marketing events that no communication has.
    pub unknown_campaigns: Vec<UnknownCampaign>,
    /// Unmatched events newly kept in attrib.brevo_waiting.
    pub waiting_kept: i64,
    /// Waiting events that matched now, and left the waiting table.
    pub waiting_applied: i64,
    /// Events waiting after this run: counted for a file or a rematch
    /// (Lock::Exclusive), not for every webhook group.
    pub waiting: Option<i64>,
    /// Events a rematch took from the inbox of `brevo listen` (accepted by
    /// a listener that stopped before applying them).
    #[serde(skip)]
    pub inbox_applied: i64,
}

impl Applied {
    pub fn matched(&self) -> i64 {
        self.matched_by_message_id + self.matched_by_email_and_template + self.matched_by_campaign
    }
}

#[derive(sqlx::FromRow)]
struct MatchCounts {
    by_message_id: i64,
    by_email_and_template: i64,
    by_campaign: i64,
    unmatched: i64,
}

/// How many events were staged, and how many of them are marketing
/// events: the steps for a kind of event none has are skipped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Staged {
    pub events: u64,
    pub marketing: u64,
}

impl Staged {
    fn transactional(self) -> bool {
        self.events > self.marketing
    }
    fn marketing(self) -> bool {
        self.marketing > 0
    }
}

/// Matches and applies the `staged` events, set-based; `source` names
/// where the events came from, for those kept waiting.
pub async fn apply(
    conn: &mut PgConnection,
    staging: Staging,
    source: &str,
    staged: Staged,
) -> anyhow::Result<Applied> {
    let clock = std::time::Instant::now();
    let analyze = staging.new_tables || staged.events >= ANALYZE_FROM;
    if analyze {
        sqlx::raw_sql("ANALYZE brevo_staging")
            .execute(&mut *conn)
            .await?;
    }
    let (contacts_created, recipients_added): (i64, i64) = if staged.marketing() {
        sqlx::query_as(include_str!(
            "../../queries/brevo_recipients_from_events.sql"
        ))
        .fetch_one(&mut *conn)
        .await?
    } else {
        (0, 0)
    };
    let matched: MatchCounts = sqlx::query_as(include_str!("../../queries/brevo_match.sql"))
        .bind(staged.transactional())
        .bind(staged.marketing())
        .fetch_one(&mut *conn)
        .await?;
    if analyze {
        sqlx::raw_sql("ANALYZE brevo_matched")
            .execute(&mut *conn)
            .await?;
    }
    if staging.lock == Lock::Shared {
        sqlx::query(include_str!("../../queries/brevo_lock_rows.sql"))
            .execute(&mut *conn)
            .await?;
    }
    tracing::info!("matched in {:.1} s", clock.elapsed().as_secs_f64());

    let clock = std::time::Instant::now();
    let progression: Vec<&str> = PROGRESSION.iter().map(|s| s.as_str()).collect();
    let (recipients_updated, events_recorded): (i64, i64) =
        sqlx::query_as(include_str!("../../queries/brevo_apply.sql"))
            .bind(&progression)
            .fetch_one(&mut *conn)
            .await?;
    tracing::info!(
        "updated {recipients_updated} recipients in {:.1} s",
        clock.elapsed().as_secs_f64()
    );

    let unknown_campaigns = if matched.unmatched > 0 {
        sqlx::query_as(include_str!("../../queries/brevo_unknown_campaigns.sql"))
            .fetch_all(&mut *conn)
            .await?
    } else {
        Vec::new()
    };
    // A webhook group that matched every event has nothing to keep, and
    // stages nothing from the waiting table.
    let (waiting_kept, waiting_applied, waiting) =
        if staging.lock == Lock::Shared && matched.unmatched == 0 {
            (0, 0, None)
        } else {
            sqlx::query_as::<_, (i64, i64, Option<i64>)>(include_str!(
                "../../queries/brevo_waiting_keep.sql"
            ))
            .bind(source)
            .bind(staging.lock == Lock::Exclusive)
            .fetch_one(&mut *conn)
            .await?
        };
    Ok(Applied {
        matched_by_message_id: matched.by_message_id,
        matched_by_email_and_template: matched.by_email_and_template,
        matched_by_campaign: matched.by_campaign,
        unmatched: matched.unmatched,
        recipients_added_from_events: recipients_added,
        contacts_created,
        events_recorded,
        recipients_updated,
        unknown_campaigns,
        waiting_kept,
        waiting_applied,
        waiting,
        inbox_applied: 0,
    })
}

/// Applies the events waiting in attrib.brevo_waiting that match now, and
/// what a stopped `brevo listen` left in its inbox, in the caller's
/// transaction. None when nothing was waiting (and nothing was locked or
/// staged).
pub async fn rematch(conn: &mut PgConnection) -> anyhow::Result<Option<Applied>> {
    let (waiting, inbox): (bool, bool) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM attrib.brevo_waiting), \
                EXISTS (SELECT 1 FROM attrib.brevo_inbox)",
    )
    .fetch_one(&mut *conn)
    .await?;
    if !waiting && !inbox {
        return Ok(None);
    }
    let staging = begin_staging(conn, Lock::Exclusive).await?;
    let (events, marketing): (i64, i64) =
        sqlx::query_as(include_str!("../../queries/brevo_waiting_stage.sql"))
            .fetch_one(&mut *conn)
            .await?;
    let from_inbox = if inbox {
        super::inbox::stage(conn, i64::MAX, &[]).await?
    } else {
        Staged::default()
    };
    let staged = Staged {
        events: u64::try_from(events)? + from_inbox.events,
        marketing: u64::try_from(marketing)? + from_inbox.marketing,
    };
    let mut applied = apply(conn, staging, "rematch", staged).await?;
    applied.inbox_applied = i64::try_from(from_inbox.events)?;
    Ok(Some(applied))
}

/// The line an organiser sees after a command that applied waiting events.
pub fn rematch_note(applied: &Applied) -> Option<String> {
    (applied.waiting_applied > 0).then(|| {
        format!(
            "{} waiting Brevo event{} now matched and applied; {} still waiting \
             (attrib brevo unmatched).",
            applied.waiting_applied,
            if applied.waiting_applied == 1 {
                ""
            } else {
                "s"
            },
            applied.waiting.unwrap_or_default()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brevo::payload::{Parsed, parse_event};

    fn event(json: &str) -> BrevoEvent {
        match parse_event(json, 1_796_169_600_000) {
            Ok(Parsed::Email(e)) => e,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_transactional_event_becomes_one_copy_row() {
        let json = r#"{"event":"delivered","email":"a@b.co","message-id":"<m1@x>","ts_epoch":1700000000000}"#;
        let mut buf = Vec::new();
        encode_row(&mut buf, 1, &event(json), json);
        let row = String::from_utf8(buf).unwrap();
        assert_eq!(
            row,
            format!(
                "1\tm1@x\ta@b.co\t\\N\t\\N\tdelivered\t1700000000000\t\\N\t\\N\t\\N\t3\tf\t\
                 {{\"event\":\"delivered\",\"ts_epoch\":1700000000000}}\t{json}\n"
            )
        );
    }

    #[test]
    fn a_marketing_event_carries_its_campaign_and_send_time() {
        // A pretty-printed array element, with a tab in its link.
        let json = "{\n  \"camp_id\": 417, \"email\": \"T@x.org\", \"event\": \"click\",\n  \
                    \"URL\": \"https://a\\tb\", \"ts_event\": 1780303733, \"ts_sent\": 1780300000\n}";
        let mut buf = Vec::new();
        encode_row(&mut buf, 7, &event(json), json);
        let row = String::from_utf8(buf).unwrap();
        let fields: Vec<&str> = row.trim_end_matches('\n').split('\t').collect();
        assert_eq!(fields.len(), 14, "{row}");
        assert_eq!(
            &fields[..8],
            [
                "7",
                "\\N",
                "t@x.org",
                "\\N",
                "417",
                "click",
                "1780303733000",
                "1780300000000"
            ]
        );
        // COPY escapes the tab of the link...
        assert_eq!(fields[8], r"https://a\tb");
        assert_eq!(
            fields[12],
            r#"{"event":"click","link":"https://a\\tb","ts_epoch":1780303733000,"ts_sent":1780300000000}"#
        );
        // ...and the pretty-printed event is kept on one line.
        assert!(!fields[13].contains('\n') && fields[13].starts_with(r#"{"camp_id":417"#));
    }
}
