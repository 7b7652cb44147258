//! The command line: global options and the list of commands. Each command's
//! own options live beside its code in `src/commands/<name>.rs`.

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand};

use crate::commands;

const ABOUT: &str = "Which outreach brought in your registrations: imports Quicket exports, \
attributes tickets to campaigns and reports on them.";

const LONG_ABOUT: &str = "\
attrib tells the organisers of Data & AI Day which outreach brought in their registrations. \
It imports Quicket attendee exports, records campaigns and their emails, posts and flyers, \
matches each ticket's marketing source to a campaign slug (cfp-2026) and reports \
registrations per campaign, channel reach and the email funnel.

Data lives in PostgreSQL. With no --database-url, attrib runs its own private PostgreSQL \
server from this machine's PostgreSQL server programs, for the duration of each command.";

const AFTER_HELP: &str = "\
Environment:
  DATABASE_URL        PostgreSQL server to use instead of the embedded one
                      (postgresql://user:password@host:5432/db?sslmode=require)
  ATTRIB_HOME         where the embedded server keeps its data
                      (default ~/.local/share/attrib; /var/lib/attrib as root)
  ATTRIB_PG_BINDIR    directory of initdb, pg_ctl and postgres, if not found
  ATTRIB_SERVER_USER  account the embedded server runs as when attrib runs as
                      root (default postgres)
  ATTRIB_TIMEZONE     time zone of times without an offset, and of times shown
                      (default Africa/Johannesburg)
  NO_COLOR            no colours

Exit codes:
  0  success
  1  failure (bad input in a file, database error, a change the data forbids);
     nothing was written
  2  usage error (unknown option, bad value, unknown event or campaign, a name
     already taken, a missing --yes or --cascade); nothing was written
  3  with --strict: succeeded, but found data that needs attention
  4  another run of the same command for the same event is still going
     (attrib summary); this one stopped without writing anything
  130 interrupted (Ctrl-C, SIGTERM)";

#[derive(Debug, Parser)]
#[command(
    name = "attrib",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = AFTER_HELP,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// PostgreSQL server to use instead of the embedded one. Its password is
    /// never printed.
    #[arg(
        long,
        env = "DATABASE_URL",
        global = true,
        hide_env_values = true,
        value_name = "URL"
    )]
    pub database_url: Option<String>,

    /// Directory of the embedded PostgreSQL server's data.
    // hide_env_values: clap would print "[env: ATTRIB_HOME=]" when unset.
    #[arg(
        long,
        env = "ATTRIB_HOME",
        global = true,
        hide_env_values = true,
        value_name = "DIR"
    )]
    pub home: Option<PathBuf>,

    /// Time zone for reading times without an offset (Quicket exports,
    /// --sent-at) and for showing times. Any IANA name PostgreSQL knows.
    #[arg(
        long,
        env = "ATTRIB_TIMEZONE",
        global = true,
        hide_env_values = true,
        value_name = "TZ",
        default_value = "Africa/Johannesburg"
    )]
    pub timezone: String,

    /// Run the command against the demo's database (the one `attrib demo`
    /// fills, on the embedded server), e.g. `attrib --demo report --event
    /// 2026`. DATABASE_URL is not used then.
    #[arg(long, global = true)]
    pub demo: bool,

    /// Print results only: no notes, summaries or progress bars.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// More detail on stderr (-v: what attrib does, -vv: debugging).
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,
}

impl Command {
    /// Whether the command handles Ctrl-C and SIGTERM itself, ending
    /// cleanly with exit 0: a server that finishes its requests in flight
    /// (brevo listen), or the MCP server its client stops that way.
    pub fn stops_by_itself(&self) -> bool {
        matches!(
            self,
            Command::Brevo(commands::brevo::BrevoCommand::Listen(_)) | Command::Mcp(_)
        )
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Try attrib on sample data: loads three Quicket exports and their
    /// outreach into a demo database of its own, then prints the report.
    Demo(commands::demo::Args),
    /// Add and list events (the conferences tickets belong to).
    #[command(subcommand)]
    Events(commands::events::EventsCommand),
    /// Import ticket exports: `attrib import quicket --event EVENT FILE...`.
    #[command(subcommand)]
    Import(commands::import::ImportCommand),
    /// The recorded imports, and undoing one: `attrib imports list`,
    /// `attrib imports undo ID`.
    #[command(subcommand)]
    Imports(commands::imports::ImportsCommand),
    /// Add, list and change the campaigns of an event; list shows the slugs
    /// to put in links.
    #[command(subcommand)]
    Campaigns(commands::campaigns::CampaignsCommand),
    /// Record and list the emails, LinkedIn posts and materials of a campaign.
    #[command(subcommand)]
    Comms(commands::comms::CommsCommand),
    /// Import who an email was sent to.
    #[command(subcommand)]
    Recipients(commands::recipients::RecipientsCommand),
    /// Brevo email events (delivered, opened, clicked, bounced): take in a
    /// file, or receive Brevo's webhooks directly.
    #[command(subcommand)]
    Brevo(commands::brevo::BrevoCommand),
    /// Marketing materials: record, share, list, and where they were shared.
    #[command(subcommand)]
    Assets(commands::assets::AssetsCommand),
    /// Registrations per campaign, unattributed sources, channel reach and
    /// the email funnel of an event.
    #[command(long_about = commands::report::LONG_ABOUT)]
    Report(commands::report::Args),
    /// What changed in a time window: new registrations per campaign, newly
    /// seen sources, emails sent, the last import. For cron.
    #[command(long_about = commands::summary::LONG_ABOUT)]
    Summary(commands::summary::Args),
    /// Who was sent a campaign's emails, with how far each got.
    Who(commands::who::Args),
    /// Every campaign, communication and material of an event.
    Outreach(commands::outreach::Args),
    /// Everything one person was sent, and their tickets.
    Contact(commands::contact::Args),
    /// A campaign's communications, materials and shares in date order.
    Timeline(commands::timeline::Args),
    /// Serve the tools of a read-only MCP server on stdin/stdout, for an AI
    /// assistant (Claude Desktop, an IDE, an agent).
    Mcp(commands::mcp::Args),
    /// Apply pending database migrations, or list them with --status.
    Migrate(commands::migrate::Args),
    /// Manage the embedded PostgreSQL server (start, stop, status, url).
    #[command(subcommand)]
    Db(commands::db::DbCommand),
}

/// A hint for a command line clap refused, when it is almost right:
/// `attrib import --event E FILE` is `attrib import quicket --event E FILE`.
pub fn hint(args: &[String]) -> Option<String> {
    let at = args.iter().position(|a| a == "import")?;
    match args.get(at + 1).map(String::as_str) {
        Some("quicket" | "help" | "-h" | "--help") => None,
        _ => {
            let rest: Vec<&str> = args[at + 1..].iter().map(String::as_str).collect();
            Some(format!(
                "Quicket exports are imported with `attrib import quicket`: \
                 attrib import quicket {}",
                rest.join(" ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn import_without_quicket_gets_a_hint() {
        assert_eq!(
            hint(&words("import --event 2026 attendees.csv")).as_deref(),
            Some(
                "Quicket exports are imported with `attrib import quicket`: \
                 attrib import quicket --event 2026 attendees.csv"
            )
        );
        assert!(hint(&words("-q import")).is_some());
        assert_eq!(hint(&words("import quicket --evnt 2026 a.csv")), None);
        assert_eq!(hint(&words("report --evnt 2026")), None);
    }
}
