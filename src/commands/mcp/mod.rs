//! `attrib mcp`: a read-only Model Context Protocol server on stdin/stdout,
//! for the organisers' AI assistant (Claude Desktop, an IDE, a command-line
//! agent). The assistant answers "how many registrations did the CFP bring
//! in?" or "who did we send the early-bird email to?" from the real data by
//! calling the tools of [`tools`], which return what the commands print.
//!
//! Read-only by construction: the server's connections are opened with
//! `default_transaction_read_only=on` (checked before serving), so every
//! statement of every tool runs in a READ ONLY transaction, and no tool
//! takes SQL. stdout carries the protocol only; logs go to stderr. EOF on
//! stdin, SIGTERM, SIGHUP or Ctrl-C end the server with exit code 0 (the
//! embedded server is then stopped if this process started it).

pub mod tools;

use std::time::{Duration, Instant};

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig,
};
use rmcp::service::{RequestContext, ServerInitializeError};
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};
use sqlx::PgPool;

use crate::app::{App, Outcome};

const INSTRUCTIONS: &str = "\
attrib holds the ticket registrations of the Data & AI Day conferences (South Africa), imported \
from Quicket, and the outreach that promoted them: campaigns, their emails (with who each was \
sent to and how far it got: sent, delivered, opened, clicked, bounced), LinkedIn posts and \
marketing materials. A registration is a ticket neither cancelled nor refunded; a ticket counts \
for a campaign when its marketing source names the campaign's slug. Everything is read-only. \
Start with list_events (or list_campaigns) to learn the slugs; name an event by slug \
(data-ai-day-2026), id:N or year (2026), a campaign by slug (cfp-2026) or id:N. An error result \
lists the valid choices.";

#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Client configuration (Claude Desktop, an IDE, an agent):
  {\"mcpServers\": {\"attrib\": {\"command\": \"attrib\", \"args\": [\"mcp\"],
     \"env\": {\"DATABASE_URL\": \"postgresql://...\"}}}}
Without DATABASE_URL the embedded server is used (started on first use).")]
pub struct Args {}

/// The MCP server: the tools, over a read-only pool.
#[derive(Clone)]
pub struct Server {
    pool: PgPool,
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(
                Implementation::new("attrib", env!("CARGO_PKG_VERSION"))
                    .with_title("attrib: registrations and outreach of Data & AI Day"),
            )
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(tools::definitions()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let Some(tool) = tools::Tool::named(&request.name) else {
            return Err(ErrorData::invalid_params(
                format!(
                    "no tool is named '{}'; the tools are {}",
                    request.name,
                    tools::Tool::ALL
                        .iter()
                        .map(|t| t.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None,
            ));
        };
        let started = Instant::now();
        let arguments = serde_json::Value::Object(request.arguments.unwrap_or_default());
        let result = match tools::call(&self.pool, tool, arguments).await {
            Ok(value) => success(value),
            Err(e) => failure(&e),
        };
        tracing::info!(
            "{} in {} ms{}",
            tool.name(),
            started.elapsed().as_millis(),
            if result.is_error == Some(true) {
                " (error)"
            } else {
                ""
            }
        );
        Ok(result.into())
    }
}

/// A result: the JSON object as structured content and as text, unless it
/// is over [`tools::MAX_RESULT_BYTES`].
fn success(value: serde_json::Value) -> CallToolResult {
    let text = value.to_string();
    if text.len() > tools::MAX_RESULT_BYTES {
        return CallToolResult::error(vec![ContentBlock::text(format!(
            "the result is {} KiB, over the {} KiB a tool result may hold; narrow the question \
             (one event by slug rather than a year, one section, one campaign).",
            text.len() / 1024,
            tools::MAX_RESULT_BYTES / 1024
        ))]);
    }
    let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
    result.structured_content = Some(value);
    result
}

/// An error the assistant reads: attrib's message with the candidates,
/// and its causes.
fn failure(error: &anyhow::Error) -> CallToolResult {
    let mut text = tools::for_tool(&error.to_string());
    for cause in error.chain().skip(1) {
        text.push_str(&format!("\ncaused by: {cause}"));
    }
    CallToolResult::error(vec![ContentBlock::text(text)])
}

/// A pool like `pool` whose every transaction is READ ONLY. The setting is a
/// startup option of each connection and is checked once before serving, so
/// that a server or pooler ignoring it cannot go unnoticed.
async fn read_only_pool(pool: &PgPool) -> anyhow::Result<PgPool> {
    let timezone: String = sqlx::query_scalar("SELECT current_setting('TimeZone')")
        .fetch_one(pool)
        .await?;
    let options = (*pool.connect_options())
        .clone()
        .options([("default_transaction_read_only", "on")])
        .application_name("attrib mcp");
    // As the command's own pool, session time zone included.
    let read_only = crate::db::session_pool_options(timezone)
        .connect_with(options)
        .await?;
    let setting: String = sqlx::query_scalar("SELECT current_setting('transaction_read_only')")
        .fetch_one(&read_only)
        .await?;
    if setting != "on" {
        read_only.close().await;
        anyhow::bail!(
            "the database server did not make attrib's connections read-only \
             (default_transaction_read_only); a connection pooler may drop startup options. \
             Point DATABASE_URL at the server itself."
        );
    }
    Ok(read_only)
}

pub async fn run(app: &mut App, _args: Args) -> anyhow::Result<Outcome> {
    // The schema current first (on the embedded default, pending migrations
    // are applied): the only writing attrib mcp does, before it serves.
    let pool = app.db().await?;
    let read_only = read_only_pool(&pool).await?;
    let result = serve(Server {
        pool: read_only.clone(),
    })
    .await;
    read_only.close().await;
    result
}

/// The longest protocol line read; a longer one is answered as a parse
/// error and skipped without being held.
const MAX_LINE: u64 = 4 << 20;

/// JSON-RPC's answer to a line that is not JSON.
fn parse_error(reason: &str) -> String {
    serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": {"code": -32700, "message": format!("Parse error: {reason}")}
    })
    .to_string()
}

/// stdin and stdout for rmcp, through two in-memory pipes. rmcp's own stdio
/// transport skips a line that is not JSON without a word; a client is owed
/// JSON-RPC's parse error (-32700). So one task reads stdin, answers such
/// lines itself and hands rmcp the rest; one task owns stdout and writes
/// whole lines only, rmcp's and those answers. The returned handle ends
/// once everything rmcp wrote, and every such answer, is on stdout.
fn checked_stdio() -> (
    (tokio::io::DuplexStream, tokio::io::DuplexStream),
    tokio::task::JoinHandle<()>,
) {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
    let (rmcp_in, mut to_rmcp) = tokio::io::duplex(1 << 16);
    let (from_rmcp, rmcp_out) = tokio::io::duplex(1 << 16);
    let (answers, mut answered) = tokio::sync::mpsc::channel::<String>(64);
    tokio::spawn(async move {
        let mut stdin = tokio::io::BufReader::new(tokio::io::stdin());
        let mut line = Vec::new();
        loop {
            line.clear();
            let read = (&mut stdin)
                .take(MAX_LINE + 1)
                .read_until(b'\n', &mut line)
                .await;
            match read {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            if !line.ends_with(b"\n") && line.len() as u64 > MAX_LINE {
                // Read past the rest of the line, a piece at a time.
                let mut rest = Vec::new();
                loop {
                    rest.clear();
                    match (&mut stdin)
                        .take(1 << 16)
                        .read_until(b'\n', &mut rest)
                        .await
                    {
                        Ok(0) | Err(_) => break,
                        Ok(_) if rest.ends_with(b"\n") => break,
                        Ok(_) => {}
                    }
                }
                let _ = answers
                    .send(parse_error("the line is longer than 4 MiB"))
                    .await;
                continue;
            }
            let text = line.trim_ascii();
            if text.is_empty() {
                continue;
            }
            match serde_json::from_slice::<serde::de::IgnoredAny>(text) {
                Ok(_) => {
                    let forwarded = async {
                        to_rmcp.write_all(text).await?;
                        to_rmcp.write_all(b"\n").await
                    };
                    if forwarded.await.is_err() {
                        break;
                    }
                }
                Err(e) => {
                    let _ = answers.send(parse_error(&e.to_string())).await;
                }
            }
        }
        // End of input: rmcp sees its input end, and finishes.
        let _ = to_rmcp.shutdown().await;
    });
    let writer = tokio::spawn(async move {
        let mut stdout = tokio::io::stdout();
        let mut lines = tokio::io::BufReader::new(from_rmcp).lines();
        loop {
            let line = tokio::select! {
                line = lines.next_line() => match line {
                    Ok(Some(line)) => line,
                    // rmcp has finished, as its input ended; the reader
                    // queued its own answers before ending that input, so
                    // what is queued now is all there is.
                    _ => match answered.try_recv() {
                        Ok(answer) => answer,
                        Err(_) => break,
                    },
                },
                Some(answer) = answered.recv() => answer,
            };
            let written = async {
                stdout.write_all(line.as_bytes()).await?;
                stdout.write_all(b"\n").await?;
                stdout.flush().await
            };
            if written.await.is_err() {
                break;
            }
        }
    });
    ((rmcp_in, rmcp_out), writer)
}

async fn serve(server: Server) -> anyhow::Result<Outcome> {
    let (transport, writer) = checked_stdio();
    tracing::info!("attrib mcp: serving on stdin/stdout");
    let running = tokio::select! {
        served = server.serve(transport) => match served {
            Ok(running) => running,
            // The client left before the session began (what it was
            // answered still reaches stdout).
            Err(ServerInitializeError::ConnectionClosed(_)) => {
                let _ = tokio::time::timeout(Duration::from_secs(5), writer).await;
                return Ok(Outcome::Success);
            }
            Err(e) => anyhow::bail!("the MCP session did not start: {e}"),
        },
        signal = crate::shutdown_signal() => {
            tracing::info!("attrib mcp: {signal}, stopping");
            return Ok(Outcome::Success);
        }
    };
    let cancel = running.cancellation_token();
    let waiting = running.waiting();
    tokio::pin!(waiting);
    tokio::select! {
        quit = &mut waiting => {
            tracing::info!("attrib mcp: the client closed the session");
            quit?;
            // Every answer rmcp wrote reaches stdout before the exit.
            let _ = tokio::time::timeout(Duration::from_secs(5), writer).await;
        }
        signal = crate::shutdown_signal() => {
            tracing::info!("attrib mcp: {signal}, stopping");
            cancel.cancel();
            // Requests in flight are dropped; their transactions roll back.
            let _ = tokio::time::timeout(Duration::from_secs(5), waiting).await;
        }
    }
    Ok(Outcome::Success)
}
