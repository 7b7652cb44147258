//! One module per command. Each starts with a doc comment saying what the
//! command does and for whom, defines its options (`Args`) and a `run`.

pub mod db;
pub mod events;
pub mod import;
pub mod migrate;

use crate::app::{App, Outcome};
use crate::cli::Command;

/// Runs the chosen command.
pub async fn dispatch(app: &mut App, command: Command) -> anyhow::Result<Outcome> {
    match command {
        Command::Migrate(args) => migrate::run(app, args).await,
        Command::Db(cmd) => db::run(app, cmd).await,
        Command::Events(cmd) => events::run(app, cmd).await,
        Command::Import(cmd) => import::run(app, cmd).await,
    }
}
