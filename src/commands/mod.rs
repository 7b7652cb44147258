//! One module per command. Each starts with a doc comment saying what the
//! command does and for whom, defines its options (`Args`) and a `run`.

pub mod campaigns;
pub mod db;
pub mod migrate;
pub mod report;
pub mod summary;

use crate::app::{App, Outcome};
use crate::cli::Command;

/// Runs the chosen command.
pub async fn dispatch(app: &mut App, command: Command) -> anyhow::Result<Outcome> {
    match command {
        Command::Migrate(args) => migrate::run(app, args).await,
        Command::Db(cmd) => db::run(app, cmd).await,
        Command::Campaigns(cmd) => campaigns::run(app, cmd).await,
        Command::Report(args) => report::run(app, args).await,
        Command::Summary(args) => summary::run(app, args).await,
    }
}
