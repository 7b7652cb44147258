//! `attrib brevo listen`: receive Brevo's webhooks directly, transactional
//! and marketing, so that the funnel is live without anyone collecting
//! files. For the organiser who registers a webhook URL in Brevo.
//!
//! `POST /brevo` takes one event or a JSON array of them, checked by the
//! same payload rules as `brevo ingest`; `GET /healthz` says whether the
//! database answers. A request is answered 200 only once its events are
//! committed, so an event Brevo saw accepted is never lost; anything else
//! is non-2xx and Brevo retries it. The events of concurrent requests are
//! committed together (a group commit) into attrib.brevo_inbox; the
//! applier takes them out of it, as many as have arrived, and applies them
//! through the one apply path of `crate::brevo::apply` in the transaction
//! that deletes them. Events that match nothing yet wait in the database,
//! as with `brevo ingest`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::StreamExt;
use serde_json::value::RawValue;
use sqlx::PgPool;
use tokio::sync::{Notify, mpsc, oneshot};

use crate::app::{App, Outcome};
use crate::brevo::payload::{self, BrevoEvent, Parsed};
use crate::brevo::{apply, inbox};
use crate::error::UsageError;

pub const LISTEN_HELP: &str = "\
Runs until Ctrl-C or SIGTERM, writing every event into the database as it arrives; report,
summary and who then show live figures. Register the URL in Brevo (Transactional > Settings >
Webhook, and Campaigns > Settings > Webhooks for marketing campaigns), behind a TLS reverse
proxy, e.g. https://attrib.example.org/brevo.

  POST /brevo    one Brevo event, or a JSON array of events; needs the token
  GET  /healthz  200 when the database answers, 503 when not; no token, no data

Authentication: the token from ATTRIB_WEBHOOK_TOKEN or --token-file, sent by Brevo as a bearer
token (Authorization: Bearer TOKEN) or as the password of the URL's credentials
(https://brevo:TOKEN@attrib.example.org/brevo). Make one with: openssl rand -hex 32

Answers: 200 when the request's events are committed; 400 when the body is not JSON; 401 without
the right token; 413 for a body over 1 MiB; 422 when an event is not a Brevo event (nothing of
that request is written); 503 when the database cannot take them. Brevo retries every non-2xx.
Accepted events are applied within moments, the rest on SIGTERM before it exits; after a crash,
by the next start or by attrib brevo rematch.

Examples:
  ATTRIB_WEBHOOK_TOKEN=$(cat /etc/attrib/webhook-token) attrib brevo listen
  attrib brevo listen --listen 0.0.0.0:8787 --token-file /etc/attrib/webhook-token -v";

#[derive(Debug, clap::Args)]
pub struct ListenArgs {
    /// The address and port to listen on. Keep the default (this machine
    /// only) behind a TLS reverse proxy.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,

    /// A file holding the token Brevo must send (instead of
    /// ATTRIB_WEBHOOK_TOKEN).
    #[arg(long, value_name = "PATH")]
    pub token_file: Option<PathBuf>,
}

/// The largest request body taken: Brevo sends about 1 KiB per event.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// The shortest token accepted: a guessable one would open the database.
const MIN_TOKEN_CHARS: usize = 16;

/// The token, from the file or the environment, checked.
pub fn load_token(
    file: Option<&std::path::Path>,
    env: Option<String>,
) -> Result<String, UsageError> {
    let how = "Make one with `openssl rand -hex 32`, keep it in a file only attrib's account \
               can read, and pass --token-file PATH (or set ATTRIB_WEBHOOK_TOKEN)";
    let (token, from) = match file {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => (text, format!("--token-file {}", path.display())),
            Err(e) => {
                return Err(UsageError(format!(
                    "cannot read --token-file {}: {e}",
                    path.display()
                )));
            }
        },
        None => match env {
            Some(token) => (token, "ATTRIB_WEBHOOK_TOKEN".to_string()),
            None => {
                return Err(UsageError(format!(
                    "brevo listen needs a token, so that only Brevo can post events. {how}."
                )));
            }
        },
    };
    let token = token.trim().to_string();
    if token.chars().count() < MIN_TOKEN_CHARS || token.chars().any(char::is_whitespace) {
        return Err(UsageError(format!(
            "the token in {from} is too short or has spaces; it needs at least \
             {MIN_TOKEN_CHARS} characters. {how}."
        )));
    }
    Ok(token)
}

/// Whether the request carries the token: `Bearer TOKEN`, or basic auth
/// whose password is the token. Compared in constant time (both sides are
/// hashed first, so the comparison is of equal lengths).
pub fn authorized(headers: &HeaderMap, token: &str) -> bool {
    use base64::Engine as _;
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let (scheme, rest) = value.trim().split_once(' ').unwrap_or((value, ""));
    let offered: Option<Vec<u8>> = if scheme.eq_ignore_ascii_case("bearer") {
        Some(rest.trim().as_bytes().to_vec())
    } else if scheme.eq_ignore_ascii_case("basic") {
        base64::engine::general_purpose::STANDARD
            .decode(rest.trim())
            .ok()
            .and_then(|decoded| {
                let colon = decoded.iter().position(|b| *b == b':')?;
                Some(decoded[colon + 1..].to_vec())
            })
    } else {
        None
    };
    let Some(offered) = offered else {
        return false;
    };
    let digest = |bytes: &[u8]| ring::digest::digest(&ring::digest::SHA256, bytes);
    let (a, b) = (digest(&offered), digest(token.as_bytes()));
    a.as_ref()
        .iter()
        .zip(b.as_ref())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// Why a body was refused, as an HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: StatusCode,
    pub error: String,
}

/// What a request body holds: its email events (with their JSON text) and
/// how many contact events were skipped. All or nothing: one bad event
/// refuses the request.
pub fn parse_body(body: &[u8], now_ms: i64) -> Result<(Vec<(BrevoEvent, String)>, u64), Refusal> {
    let refuse = |status, error: String| Refusal { status, error };
    let raw: &RawValue = serde_json::from_slice(body).map_err(|e| {
        refuse(
            StatusCode::BAD_REQUEST,
            format!("the body is not JSON ({e}); Brevo sends one event object or an array of them"),
        )
    })?;
    let text = raw.get();
    let elements: Vec<&RawValue> = if text.starts_with('[') {
        serde_json::from_str(text).map_err(|e| {
            refuse(
                StatusCode::BAD_REQUEST,
                format!("the body is not JSON ({e})"),
            )
        })?
    } else {
        vec![raw]
    };
    let many = text.starts_with('[');
    let mut events = Vec::with_capacity(elements.len());
    let mut contact_events = 0;
    for (i, element) in elements.iter().enumerate() {
        match payload::parse_event(element.get(), now_ms) {
            Ok(Parsed::Email(event)) => events.push((event, element.get().to_string())),
            Ok(Parsed::Contact(_)) => contact_events += 1,
            Err(message) => {
                let which = if many {
                    format!("event {} of {}", i + 1, elements.len())
                } else {
                    "the event".to_string()
                };
                return Err(refuse(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("{which} {message}; nothing of this request was written"),
                ));
            }
        }
    }
    Ok((events, contact_events))
}

/// Counters for the minute log line.
#[derive(Default)]
struct Counters {
    requests: AtomicU64,
    received: AtomicU64,
    applied: AtomicI64,
    waiting: AtomicI64,
    refused: AtomicU64,
}

/// One request's events, and where to say they are committed.
struct Job {
    events: Vec<(BrevoEvent, String)>,
    reply: oneshot::Sender<Result<(), String>>,
}

struct Shared {
    token: String,
    pool: PgPool,
    jobs: mpsc::Sender<Job>,
    counters: Arc<Counters>,
}

fn json_answer(status: StatusCode, body: serde_json::Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn error_answer(status: StatusCode, error: &str) -> Response {
    json_answer(status, serde_json::json!({ "error": error }))
}

async fn receive(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let clock = Instant::now();
    shared.counters.requests.fetch_add(1, Ordering::Relaxed);
    let answer = handle(&shared, peer, request).await;
    let status = answer.status();
    if !status.is_success() {
        shared.counters.refused.fetch_add(1, Ordering::Relaxed);
    }
    tracing::info!(
        "{peer} POST /brevo: {} in {:.1} ms",
        status.as_u16(),
        clock.elapsed().as_secs_f64() * 1000.0
    );
    answer
}

async fn handle(shared: &Shared, peer: SocketAddr, request: Request) -> Response {
    // The token first: nothing of an unauthorised body is read.
    if !authorized(request.headers(), &shared.token) {
        tracing::warn!("refused a request without the right token from {peer}");
        let mut answer = error_answer(
            StatusCode::UNAUTHORIZED,
            "missing or wrong token: send Authorization: Bearer TOKEN, or basic auth with the token as password",
        );
        answer.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer, Basic realm=\"attrib\""),
        );
        return answer;
    }
    let too_large = || {
        error_answer(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the body is larger than 1 MiB; send fewer events per request",
        )
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return too_large();
    }
    let mut body = Vec::with_capacity(declared.unwrap_or(4096).min(64 * 1024) as usize);
    let mut stream = request.into_body().into_data_stream();
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            return error_answer(StatusCode::BAD_REQUEST, "the body could not be read");
        };
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return too_large();
        }
        body.extend_from_slice(&chunk);
    }
    let (events, contact_events) = match parse_body(&body, crate::brevo::now_ms()) {
        Ok(parsed) => parsed,
        Err(refusal) => return error_answer(refusal.status, &refusal.error),
    };
    let received = events.len();
    shared
        .counters
        .received
        .fetch_add(received as u64, Ordering::Relaxed);
    if !events.is_empty() {
        let (reply, committed) = oneshot::channel();
        if shared.jobs.send(Job { events, reply }).await.is_err() {
            return error_answer(StatusCode::SERVICE_UNAVAILABLE, "attrib is stopping; retry");
        }
        match committed.await {
            Ok(Ok(())) => {}
            Ok(Err(reason)) => {
                return error_answer(
                    StatusCode::SERVICE_UNAVAILABLE,
                    &format!("the events could not be stored ({reason}); retry"),
                );
            }
            Err(_) => {
                return error_answer(StatusCode::SERVICE_UNAVAILABLE, "attrib is stopping; retry");
            }
        }
    }
    json_answer(
        StatusCode::OK,
        serde_json::json!({ "received": received, "contact_events_skipped": contact_events }),
    )
}

async fn healthz(State(shared): State<Arc<Shared>>) -> Response {
    let probe = async {
        let mut conn = shared.pool.acquire().await?;
        sqlx::query_scalar::<_, i32>("SELECT 1")
            .fetch_one(&mut *conn)
            .await
    };
    match tokio::time::timeout(Duration::from_secs(2), probe).await {
        Ok(Ok(_)) => json_answer(StatusCode::OK, serde_json::json!({ "status": "ok" })),
        _ => json_answer(
            StatusCode::SERVICE_UNAVAILABLE,
            serde_json::json!({ "status": "the database does not answer" }),
        ),
    }
}

/// Accepts the events of every request waiting, together: one insert into
/// the inbox per group (a group commit), each request answered once its
/// own events are committed there; then wakes the applier. A group that
/// fails is retried request by request, so that one bad request does not
/// hold back the others.
async fn accepter(pool: PgPool, mut jobs: mpsc::Receiver<Job>, wake: Arc<Notify>) {
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
    let mut conn = pool.acquire().await?;
    rows.insert(&mut conn).await?;
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
async fn applier(
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

pub async fn listen(app: &mut App, args: ListenArgs) -> anyhow::Result<Outcome> {
    let env_token = std::env::var("ATTRIB_WEBHOOK_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty());
    let token = load_token(args.token_file.as_deref(), env_token)?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| {
            UsageError(format!(
                "cannot listen on {}: {e}; choose another --listen ADDR:PORT",
                args.listen
            ))
        })?;
    let address = listener.local_addr()?;
    let pool = app.db().await?;
    let counters = Arc::new(Counters::default());
    counters
        .waiting
        .store(count_waiting(&pool).await?, Ordering::Relaxed);
    let left = {
        let mut conn = pool.acquire().await?;
        inbox::count(&mut conn).await?
    };
    if left > 0 && !app.ui.quiet {
        crate::ui::stderr_line(format_args!(
            "attrib brevo listen: applying {left} events accepted before the last stop"
        ));
    }
    let (jobs, queue) = mpsc::channel(4096);
    let wake = Arc::new(Notify::new());
    let stop_applying = Arc::new(AtomicBool::new(false));
    let accepting = tokio::spawn(accepter(pool.clone(), queue, wake.clone()));
    let applying = tokio::spawn(applier(
        pool.clone(),
        wake.clone(),
        stop_applying.clone(),
        counters.clone(),
    ));
    let heartbeat_pool = pool.clone();
    let shared = Arc::new(Shared {
        token,
        pool,
        jobs,
        counters: counters.clone(),
    });
    let router = Router::new()
        .route("/brevo", post(receive))
        .route("/healthz", get(healthz))
        .fallback(|| async {
            error_answer(
                StatusCode::NOT_FOUND,
                "not found: Brevo's events go to POST /brevo",
            )
        })
        .with_state(shared);
    if !app.ui.quiet {
        crate::ui::stderr_line(format_args!(
            "attrib brevo listen: receiving Brevo webhooks on http://{address}/brevo (health: /healthz); \
             Ctrl-C or SIGTERM stops it"
        ));
    }
    let heartbeat = tokio::spawn(minute_log(counters.clone(), heartbeat_pool, app.ui.quiet));
    let stopping = async {
        let signal = crate::shutdown_signal().await;
        tracing::info!("{signal}: finishing the requests in flight");
    };
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(stopping)
    .await?;
    // Every request is answered; the router, and with it the job queue's
    // senders, is gone: the accepter ends once the queue is empty, and the
    // applier once the inbox is.
    let _ = accepting.await;
    stop_applying.store(true, Ordering::SeqCst);
    wake.notify_one();
    let _ = applying.await;
    heartbeat.abort();
    if !app.ui.quiet {
        crate::ui::stderr_line(format_args!(
            "attrib brevo listen: stopped; {} events received, {} applied, {} waiting",
            counters.received.load(Ordering::Relaxed),
            counters.applied.load(Ordering::Relaxed),
            counters.waiting.load(Ordering::Relaxed)
        ));
    }
    Ok(Outcome::Success)
}

/// The events waiting in attrib.brevo_waiting.
async fn count_waiting(pool: &PgPool) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM attrib.brevo_waiting")
        .fetch_one(pool)
        .await
}

/// One line a minute: what came in, what was applied, what waits.
async fn minute_log(counters: Arc<Counters>, pool: PgPool, quiet: bool) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    tick.tick().await;
    let (mut requests, mut received, mut applied) = (0, 0, 0);
    loop {
        tick.tick().await;
        if let Ok(waiting) = count_waiting(&pool).await {
            counters.waiting.store(waiting, Ordering::Relaxed);
        }
        // Accepted and not yet applied: none, unless the applier is behind
        // or cannot reach the database.
        let behind = match pool.acquire().await {
            Ok(mut conn) => inbox::count(&mut conn).await.unwrap_or_default(),
            Err(_) => 0,
        };
        let now = (
            counters.requests.load(Ordering::Relaxed),
            counters.received.load(Ordering::Relaxed),
            counters.applied.load(Ordering::Relaxed),
        );
        if !quiet {
            let to_apply = if behind > 0 {
                format!("; {behind} accepted, still to apply")
            } else {
                String::new()
            };
            crate::ui::stderr_line(format_args!(
                "brevo listen: last minute {} requests ({} refused), {} events received, {} applied; {} waiting{to_apply}",
                now.0 - requests,
                counters.refused.swap(0, Ordering::Relaxed),
                now.1 - received,
                now.2 - applied,
                counters.waiting.load(Ordering::Relaxed)
            ));
        }
        (requests, received, applied) = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    const TOKEN: &str = "0123456789abcdef0123";

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn bearer_and_basic_auth_carry_the_token() {
        assert!(authorized(&headers(&format!("Bearer {TOKEN}")), TOKEN));
        assert!(authorized(&headers(&format!("bearer  {TOKEN} ")), TOKEN));
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("brevo:{TOKEN}"));
        assert!(authorized(&headers(&format!("Basic {basic}")), TOKEN));
        for wrong in [
            format!("Bearer {TOKEN}x"),
            "Bearer ".to_string(),
            TOKEN.to_string(),
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(TOKEN)
            ),
            "Basic !!!".to_string(),
        ] {
            assert!(!authorized(&headers(&wrong), TOKEN), "{wrong}");
        }
        assert!(!authorized(&HeaderMap::new(), TOKEN));
    }

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

    #[test]
    fn the_token_is_required_and_not_guessable() {
        let missing = load_token(None, None).unwrap_err().0;
        assert!(missing.contains("openssl rand -hex 32"), "{missing}");
        assert!(load_token(None, Some("short".into())).is_err());
        assert_eq!(
            load_token(None, Some(format!(" {TOKEN}\n"))).unwrap(),
            TOKEN
        );
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), format!("{TOKEN}\n")).unwrap();
        assert_eq!(load_token(Some(file.path()), None).unwrap(), TOKEN);
    }

    #[test]
    fn bodies_are_one_event_or_an_array_all_or_nothing() {
        let now = 1_796_169_600_000;
        let one = br#"{"event":"delivered","email":"a@b.co","ts_epoch":1770000000000}"#;
        assert_eq!(parse_body(one, now).unwrap().0.len(), 1);
        let array = br#"[{"event":"delivered","email":"a@b.co","ts_epoch":1770000000000},
                         {"event":"list_addition","email":"a@b.co"},
                         {"camp_id":4,"event":"opened","email":"a@b.co","ts_event":1770000000}]"#;
        let (events, contact) = parse_body(array, now).unwrap();
        assert_eq!((events.len(), contact), (2, 1));
        assert!(events[1].1.contains("\"camp_id\":4"));
        let not_json = parse_body(b"event=delivered", now).unwrap_err();
        assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
        let bad = parse_body(
            br#"[{"event":"delivered","email":"a@b.co","ts_epoch":1770000000000},{"event":"x"}]"#,
            now,
        )
        .unwrap_err();
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bad.error.starts_with("event 2 of 2 has an unknown event"),
            "{}",
            bad.error
        );
        assert_eq!(
            parse_body(b"42", now).unwrap_err().status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(parse_body(b"[]", now).unwrap().0.len(), 0);
    }
}
