//! The database side of `brevo listen`: the accepter commits the events
//! of every waiting request to attrib.brevo_inbox in one insert (a group
//! commit) and answers them; the applier takes the inbox's events out in
//! batches and applies them through the one apply path of
//! `crate::brevo::apply`, in the transaction that deletes them.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use sqlx::PgPool;
use tokio::sync::{Notify, mpsc};

use super::{Counters, Job};
use crate::brevo::payload::BrevoEvent;
use crate::brevo::{apply, inbox};

/// Accepts the events of every request waiting, together: one insert into
/// the inbox per group (a group commit), each request answered once its
/// own events are committed there; then wakes the applier. A group that
/// fails is retried request by request, so that one bad request does not
/// hold back the others.
pub(super) async fn accepter(pool: PgPool, mut jobs: mpsc::Receiver<Job>, wake: Arc<Notify>) {
    const MAX_GROUP: usize = 512;
    while let Some(first) = jobs.recv().await {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        match accept(&pool, group.iter().flat_map(|j| &j.events)).await {
            Ok(()) => {
                wake.notify_one();
                for job in group {
                    let _ = job.reply.send(Ok(()));
                }
            }
            Err(e) if group.len() > 1 => {
                tracing::warn!(
                    "a group of {} requests failed ({e:#}); retrying one by one",
                    group.len()
                );
                for job in group {
                    let result = accept(&pool, job.events.iter()).await;
                    if result.is_ok() {
                        wake.notify_one();
                    }
                    let _ = job.reply.send(result.map_err(|e| format!("{e:#}")));
                }
            }
            Err(e) => {
                tracing::warn!("could not store a request's events: {e:#}");
                for job in group {
                    let _ = job.reply.send(Err(format!("{e:#}")));
                }
            }
        }
    }
}

/// Commits events to the inbox, in one statement.
async fn accept<'a>(
    pool: &PgPool,
    events: impl Iterator<Item = &'a (BrevoEvent, String)>,
) -> anyhow::Result<()> {
    let mut rows = inbox::InboxRows::default();
    for (event, raw) in events {
        rows.push(event, raw);
    }
    rows.insert(pool).await?;
    Ok(())
}

/// The most events the applier takes out of the inbox in one transaction.
/// Under load the inbox fills while a batch is applied, and the next batch
/// takes all of it: the set-based statements' fixed cost is paid per batch,
/// not per request.
const APPLY_BATCH: i64 = 20_000;

/// How often a batch makes its session plan its statements again. A
/// session keeps its statements' plans (src/brevo/apply.rs); plans made when
/// the tables were small (a new database: the first batches add every
/// recipient) would stay on seq scans as the tables grow. Measured on
/// benches/brevo_listen.sh from an empty database: 190 events/s with the
/// first plans kept, 1,650/s once they were made again.
const REPLAN_EVERY: Duration = Duration::from_secs(1);

/// The size of the next batch: halved after a failed one, so that an event
/// the apply path cannot take is found among the others in a few tries,
/// and doubled after each success, up to [`APPLY_BATCH`].
fn next_batch_size(size: i64, applied: bool) -> i64 {
    if applied {
        size.saturating_mul(2).min(APPLY_BATCH)
    } else {
        (size / 2).max(1)
    }
}

/// Applies what the inbox holds, batch by batch, whenever the accepter
/// has added to it (or every second, for what another listener on the same
/// database left). An event that fails alone while the database answers is
/// set aside: it stays in the inbox (for `brevo rematch` or the next
/// start) and no longer holds back the others. Once `stopping` is set, it
/// returns when the inbox is empty, or at the first failure: the events
/// stay in the inbox, and the next listener applies them.
pub(super) async fn applier(
    pool: PgPool,
    wake: Arc<Notify>,
    stopping: Arc<AtomicBool>,
    counters: Arc<Counters>,
) {
    let mut planned_at = Instant::now();
    let mut failures = 0u32;
    let mut size = APPLY_BATCH;
    let mut set_aside: Vec<i64> = Vec::new();
    loop {
        let replan = planned_at.elapsed() >= REPLAN_EVERY;
        if replan {
            planned_at = Instant::now();
        }
        match apply_batch(&pool, replan, size, &set_aside).await {
            Ok(Some(applied)) => {
                failures = 0;
                size = next_batch_size(size, true);
                count(&counters, &applied);
                continue;
            }
            Ok(None) if stopping.load(Ordering::SeqCst) => return,
            Ok(None) => {}
            Err(e) => {
                if stopping.load(Ordering::SeqCst) {
                    tracing::warn!(
                        "could not apply the accepted events ({e:#}); they stay in the \
                         database and are applied when brevo listen starts again"
                    );
                    return;
                }
                if size > 1 {
                    size = next_batch_size(size, false);
                    continue;
                }
                if !transient(&e)
                    && let Ok(Some(id)) = oldest_accepted(&pool, &set_aside).await
                {
                    // One event failed and the database answers: that event.
                    tracing::warn!(
                        "accepted event {id} could not be applied ({e:#}); it stays in \
                         attrib.brevo_inbox, tried again by attrib brevo rematch or when \
                         brevo listen starts again"
                    );
                    set_aside.push(id);
                    continue;
                }
                failures += 1;
                if failures.is_power_of_two() {
                    tracing::warn!(
                        "could not apply the accepted events ({e:#}); they wait in the \
                         database; trying again"
                    );
                }
                // Again after a pause that grows, or at once when stopping.
                let pause = Duration::from_secs(u64::from(failures.min(30)));
                let _ = tokio::time::timeout(pause, wake.notified()).await;
                continue;
            }
        }
        let _ = tokio::time::timeout(REPLAN_EVERY, wake.notified()).await;
    }
}

/// Whether a failure says nothing of the events: a deadlock or a
/// serialization failure (SQLSTATE class 40), the server shutting down
/// (57) or the connection lost (08), or no database error at all.
fn transient(e: &anyhow::Error) -> bool {
    match e.downcast_ref::<sqlx::Error>() {
        Some(sqlx::Error::Database(db)) => db
            .code()
            .is_none_or(|code| ["40", "57", "08"].iter().any(|c| code.starts_with(c))),
        _ => true,
    }
}

/// The id of the oldest event in the inbox that is not set aside; an error
/// when the database does not answer.
async fn oldest_accepted(pool: &PgPool, set_aside: &[i64]) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT min(id) FROM attrib.brevo_inbox WHERE id <> ALL($1)")
        .bind(set_aside)
        .fetch_one(pool)
        .await
}

/// Takes at most `size` events out of the inbox, leaving those set aside,
/// and applies them, in one transaction. None when there were none.
async fn apply_batch(
    pool: &PgPool,
    replan: bool,
    size: i64,
    set_aside: &[i64],
) -> anyhow::Result<Option<apply::Applied>> {
    let mut tx = pool.begin().await?;
    if replan {
        sqlx::raw_sql("DISCARD PLANS").execute(&mut *tx).await?;
    }
    let staging = apply::begin_staging(&mut tx, apply::Lock::Shared).await?;
    let staged = inbox::stage(&mut tx, size, set_aside).await?;
    if staged.events == 0 {
        tx.rollback().await?;
        return Ok(None);
    }
    let applied = apply::apply(&mut tx, staging, "http", staged).await?;
    tx.commit().await?;
    tracing::debug!("applied {} accepted events", staged.events);
    Ok(Some(applied))
}

fn count(counters: &Counters, applied: &apply::Applied) {
    counters
        .applied
        .fetch_add(applied.matched(), Ordering::Relaxed);
    // Batches do not count the waiting table (it may be large); the minute
    // log counts it again, with what other commands changed.
    counters.waiting.fetch_add(
        applied.waiting_kept - applied.waiting_applied,
        Ordering::Relaxed,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_batch_is_halved_down_to_one_event_and_grows_back() {
        let mut size = APPLY_BATCH;
        let mut tries = 0;
        while size > 1 {
            size = next_batch_size(size, false);
            tries += 1;
        }
        assert_eq!(tries, 14, "20,000 halved to one event");
        assert_eq!(next_batch_size(1, false), 1);
        assert_eq!(next_batch_size(1, true), 2);
        assert_eq!(next_batch_size(APPLY_BATCH / 2 + 1, true), APPLY_BATCH);
        assert_eq!(next_batch_size(APPLY_BATCH, true), APPLY_BATCH);
    }
}
