//! `attrib brevo ...`: Brevo's email events, by the way they arrive. Each
//! subcommand is a thin way in to the one apply path of `crate::brevo`:
//!
//! - `ingest` ([`ingest`]): a file of webhook events, or standard input;
//! - `listen` ([`listen`]): Brevo's webhooks, received over HTTP;
//! - `rematch` and `unmatched` ([`waiting`]): the events that wait for
//!   their recipient or communication.

pub mod ingest;
pub mod listen;
pub mod waiting;

use clap::Subcommand;

use crate::app::{App, Outcome};

#[derive(Debug, Subcommand)]
pub enum BrevoCommand {
    /// Take in a file of Brevo webhook events, transactional and marketing:
    /// statuses, opens, clicks and bounces of the recipients of your emails.
    #[command(after_long_help = ingest::INGEST_HELP)]
    Ingest(ingest::IngestArgs),
    /// Receive Brevo's webhooks over HTTP and write each event into the
    /// database as it arrives (needs a token).
    #[command(after_long_help = listen::LISTEN_HELP)]
    Listen(listen::ListenArgs),
    /// Apply the waiting events that now match a recipient (also done by
    /// `recipients import` and `comms add` with a Brevo id).
    #[command(after_long_help = waiting::REMATCH_HELP)]
    Rematch(waiting::RematchArgs),
    /// List the events waiting for their recipient or communication,
    /// grouped by Brevo campaign or template id and address domain.
    #[command(after_long_help = waiting::UNMATCHED_HELP)]
    Unmatched(waiting::UnmatchedArgs),
}

pub async fn run(app: &mut App, command: BrevoCommand) -> anyhow::Result<Outcome> {
    match command {
        BrevoCommand::Ingest(args) => ingest::ingest(app, args).await,
        BrevoCommand::Listen(args) => listen::listen(app, args).await,
        BrevoCommand::Rematch(args) => waiting::rematch(app, args).await,
        BrevoCommand::Unmatched(args) => waiting::unmatched(app, args).await,
    }
}
