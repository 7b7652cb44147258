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
  1  failure (bad input, database error); nothing was written
  2  usage error (unknown option, bad value)
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
    #[arg(long, env = "ATTRIB_HOME", global = true, value_name = "DIR")]
    pub home: Option<PathBuf>,

    /// Time zone for reading times without an offset (Quicket exports,
    /// --sent-at) and for showing times. Any IANA name PostgreSQL knows.
    #[arg(
        long,
        env = "ATTRIB_TIMEZONE",
        global = true,
        value_name = "TZ",
        default_value = "Africa/Johannesburg"
    )]
    pub timezone: String,

    /// Print results only: no notes, summaries or progress bars.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// More detail on stderr (-v: what attrib does, -vv: debugging).
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,
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
    /// Take in Brevo webhook events (delivered, opened, clicked, bounced).
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
