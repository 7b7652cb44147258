//! One module per command. Each starts with a doc comment saying what the
//! command does and for whom, defines its options (`Args`) and a `run`.

pub mod assets;
pub mod brevo;
pub mod campaigns;
pub mod comms;
pub mod contact;
pub mod db;
pub mod demo;
pub mod events;
pub mod import;
pub mod imports;
pub mod mcp;
pub mod migrate;
pub mod outreach;
pub mod recipients;
pub mod report;
pub mod summary;
pub mod timeline;
pub mod who;

use crate::app::{App, Outcome};
use crate::cli::Command;

/// Runs the chosen command.
pub async fn dispatch(app: &mut App, command: Command) -> anyhow::Result<Outcome> {
    match command {
        Command::Demo(args) => demo::run(app, args).await,
        Command::Migrate(args) => migrate::run(app, args).await,
        Command::Db(cmd) => db::run(app, cmd).await,
        Command::Campaigns(cmd) => campaigns::run(app, cmd).await,
        Command::Report(args) => report::run(app, args).await,
        Command::Comms(cmd) => comms::run(app, cmd).await,
        Command::Recipients(cmd) => recipients::run(app, cmd).await,
        Command::Brevo(cmd) => brevo::run(app, cmd).await,
        Command::Assets(cmd) => assets::run(app, cmd).await,
        Command::Who(args) => who::run(app, args).await,
        Command::Outreach(args) => outreach::run(app, args).await,
        Command::Contact(args) => contact::run(app, args).await,
        Command::Timeline(args) => timeline::run(app, args).await,
        Command::Mcp(args) => mcp::run(app, args).await,
        Command::Summary(args) => summary::run(app, args).await,
        Command::Events(cmd) => events::run(app, cmd).await,
        Command::Import(cmd) => import::run(app, cmd).await,
        Command::Imports(cmd) => imports::run(app, cmd).await,
    }
}
