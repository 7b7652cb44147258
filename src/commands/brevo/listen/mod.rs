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
//!
//! Here: the command, its arguments and the minute log; `http.rs`: the
//! token, the body's checks and the handlers; `serve.rs`: the connections;
//! `pipeline.rs`: the accepter and the applier.

mod http;
mod pipeline;
mod serve;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};
use sqlx::PgPool;
use tokio::sync::{Notify, Semaphore, mpsc, oneshot};

use crate::app::{App, Outcome};
use crate::brevo::inbox;
use crate::brevo::payload::BrevoEvent;
use crate::error::UsageError;

use http::{error_answer, healthz, load_token, receive};
use pipeline::{accepter, applier};

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
the right token; 408 when the body does not arrive within --body-timeout; 413 for a body over
1 MiB; 422 when an event is not a Brevo event (nothing of that request is written); 503 when the
database cannot take them. Brevo retries every non-2xx. A request whose headers do not arrive
within --header-timeout gets no answer: its connection is closed.
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

    /// How long a request's body may take to arrive, in seconds. A slower
    /// one is answered 408 and its place among the bodies in memory goes to
    /// the next request: Brevo sends each body at once, a stalled client
    /// would hold its place for ever.
    #[arg(long, value_name = "SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub body_timeout: u64,

    /// How long a request's headers may take to arrive, in seconds. A
    /// slower request is dropped with its connection: a client that sends
    /// half a request and stops would hold its connection open for ever.
    #[arg(long, value_name = "SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout: u64,
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

/// What every request's handler shares.
struct Shared {
    token: String,
    pool: PgPool,
    jobs: mpsc::Sender<Job>,
    counters: Arc<Counters>,
    /// Places for the requests whose bodies are in memory.
    bodies: Semaphore,
    /// How long a body may take to arrive once it has a place.
    body_timeout: Duration,
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
    let left = inbox::count(&pool).await?;
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
        bodies: Semaphore::new(http::MAX_BODIES_IN_MEMORY),
        body_timeout: Duration::from_secs(args.body_timeout),
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
    serve::serve(
        listener,
        router,
        Duration::from_secs(args.header_timeout),
        stopping,
    )
    .await;
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
        let behind = inbox::count(&pool).await.unwrap_or_default();
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
