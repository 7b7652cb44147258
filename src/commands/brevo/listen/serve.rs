//! The connections of `brevo listen`, served by hyper as `axum::serve`
//! serves them (HTTP/1.1, each connection its own task, a graceful stop),
//! with what `axum::serve` cannot give: a deadline for each request's
//! headers. hyper keeps that deadline only when it has a timer, and
//! `axum::serve` gives it none; without one, a client that sends half a
//! request line and stops holds its connection open for ever.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::pin;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::{Extension, Router};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

/// Serves `router` on `listener` until `stopping` completes, then stops
/// accepting, lets every connection finish the request it is in, and
/// returns once all are closed. A request whose headers have not all
/// arrived `header_timeout` after it began is dropped with its connection.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    header_timeout: Duration,
    stopping: impl Future<Output = ()>,
) {
    let mut stopping = pin!(stopping);
    // Dropped when stopping: every connection's receiver then wakes.
    let (stop, stopped) = watch::channel(());
    let mut connections = JoinSet::new();
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(&e).await;
                    continue;
                }
            },
            () = &mut stopping => break,
        };
        // Finished connections leave the set as new ones come, so that it
        // holds only the open ones.
        while connections.try_join_next().is_some() {}
        // Handlers learn the client's address as with axum::serve.
        let service = TowerToHyperService::new(
            router
                .clone()
                .layer(Extension(ConnectInfo::<SocketAddr>(remote))),
        );
        let mut stopped = stopped.clone();
        connections.spawn(async move {
            let mut builder = http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout);
            let mut connection = pin!(builder.serve_connection(TokioIo::new(stream), service));
            tokio::select! {
                served = connection.as_mut() => log_end(served, remote),
                _ = stopped.changed() => {
                    connection.as_mut().graceful_shutdown();
                    log_end(connection.await, remote);
                }
            }
        });
    }
    drop(listener);
    drop(stop);
    while connections.join_next().await.is_some() {}
}

fn log_end(served: hyper::Result<()>, remote: SocketAddr) {
    if let Err(e) = served {
        // A header deadline passed, a client went away: the client's
        // affair, not the organiser's.
        tracing::debug!("connection from {remote} ended: {e}");
    }
}

/// After a failed accept: a connection reset before it was taken is
/// nothing; anything else (no file descriptors left) is said, and the loop
/// waits a second rather than spin.
async fn accept_failed(e: &std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::warn!("cannot accept a connection: {e}; trying again in a second");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
