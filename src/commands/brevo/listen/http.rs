//! The HTTP side of `brevo listen`: the token, the body's checks, and the
//! handlers of `POST /brevo` and `GET /healthz`. A checked request becomes
//! a [`Job`] for the accepter (`pipeline.rs`), and is answered once that
//! says its events are committed.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde_json::value::RawValue;
use tokio::sync::oneshot;

use super::{Job, Shared};
use crate::brevo::payload::{self, BrevoEvent, Parsed};
use crate::error::UsageError;

/// The largest request body taken: Brevo sends about 1 KiB per event.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// How many requests may have their bodies in memory at once (each at most
/// [`MAX_BODY_BYTES`], with its parsed events); others wait for a place.
/// Far more than Brevo's concurrent deliveries, or the 32 connections of
/// benches/brevo_listen.sh.
pub const MAX_BODIES_IN_MEMORY: usize = 64;

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

fn json_answer(status: StatusCode, body: serde_json::Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

pub(super) fn error_answer(status: StatusCode, error: &str) -> Response {
    json_answer(status, serde_json::json!({ "error": error }))
}

pub(super) async fn receive(
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
    // A place among the requests whose bodies may be in memory at once,
    // held until the answer: memory stays bounded however many connect.
    let Ok(_place) = shared.bodies.acquire().await else {
        return error_answer(StatusCode::SERVICE_UNAVAILABLE, "attrib is stopping; retry");
    };
    let mut body = Vec::with_capacity(declared.unwrap_or(4096).min(64 * 1024) as usize);
    let mut stream = request.into_body().into_data_stream();
    // The place is held only as long as the body takes to arrive.
    let deadline = tokio::time::Instant::now() + shared.body_timeout;
    loop {
        let Ok(next) = tokio::time::timeout_at(deadline, stream.next()).await else {
            tracing::warn!("{peer}: the body did not arrive in time");
            return error_answer(
                StatusCode::REQUEST_TIMEOUT,
                &format!(
                    "the body did not arrive within {} s (--body-timeout); send it at once",
                    shared.body_timeout.as_secs()
                ),
            );
        };
        let Some(chunk) = next else { break };
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

pub(super) async fn healthz(State(shared): State<Arc<Shared>>) -> Response {
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
