//! A minimal MCP client for benches/mcp.sh: starts `attrib mcp` (the command
//! after `--`) as a child process through rmcp's client, opens one session,
//! then calls one tool RUNS times and prints each call's wall time in
//! milliseconds, one per line, as measured from the client (request sent to
//! result parsed).
//!
//!   cargo run --release --example mcp_client -- RUNS TOOL ARGS_JSON -- attrib --home H mcp

use std::time::Instant;

use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use rmcp::transport::{ConfigureCommandExt, TokioChildProcess};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: mcp_client RUNS TOOL ARGS_JSON -- COMMAND [ARGS...]";
    let split = argv.iter().position(|a| a == "--").ok_or(usage)?;
    let [runs, tool, arguments] = &argv[..split] else {
        return Err(usage.into());
    };
    let runs: usize = runs.parse()?;
    let serde_json::Value::Object(arguments) = serde_json::from_str(arguments)? else {
        return Err("ARGS_JSON must be a JSON object".into());
    };
    let (program, rest) = argv[split + 1..].split_first().ok_or(usage)?;
    let command = tokio::process::Command::new(program).configure(|c| {
        c.args(rest);
    });
    let client = ().serve(TokioChildProcess::new(command)?).await?;
    for _ in 0..runs {
        let started = Instant::now();
        let result = client
            .call_tool(CallToolRequestParams::new(tool.clone()).with_arguments(arguments.clone()))
            .await?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        if result.is_error == Some(true) {
            return Err(format!("{tool} failed: {:?}", result.content).into());
        }
        println!("{ms:.0}");
    }
    client.cancel().await?;
    Ok(())
}
