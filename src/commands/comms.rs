//! `attrib comms add` and `attrib comms list`: record the emails, LinkedIn
//! posts and marketing materials of a campaign without writing SQL, and see
//! them. For the organiser who sends the outreach.
//!
//! Every value is checked before anything is written, against the CHECK
//! constraints of migrations 003 and 006 and the channel rules: a Brevo
//! template or campaign id only for an email, a post URL only for a
//! LinkedIn post. Recording an email with a Brevo id applies the Brevo
//! events that were waiting for it.

use clap::Subcommand;
use serde::Serialize;

use crate::app::{App, Outcome};
use crate::campaign::{self, Campaign, CampaignSelector};
use crate::error::UsageError;
use crate::event::{self, EventSelector};
use crate::output::{self, Format, Record, Section};
use crate::vocabulary::{Channel, CommunicationStatus};

#[derive(Debug, Subcommand)]
pub enum CommsCommand {
    /// Record an email, LinkedIn post or marketing material of a campaign.
    #[command(after_long_help = ADD_EXAMPLES)]
    Add(AddArgs),
    /// List the communications of a campaign, in the order they went out.
    List(ListArgs),
    /// Delete a communication: first says how many recipient rows go with
    /// it; needs --yes, and --cascade when it has recipients.
    Delete(DeleteArgs),
}

const ADD_EXAMPLES: &str = "\
Examples:
  attrib comms add --campaign cfp-2026 --channel email --title 'Speak at Data & AI Day 2026' \\
      --brevo-template-id 42 --sent-at '2026-03-02 09:30'
  attrib comms add --campaign cfp-2026 --channel email --title 'Last call for speakers' \\
      --brevo-campaign-id 417 --sent-at '2026-06-05 10:00'
  attrib comms add --campaign cfp-2026 --channel linkedin_post --title 'CFP is open' \\
      --post-url https://www.linkedin.com/posts/data-ai-day_cfp-activity-1 --sent-at 2026-03-03
  attrib comms add --campaign cfp-2026 --channel marketing_material --title 'CFP flyer' --status draft";

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The campaign: its slug (cfp-2026) or id:N.
    #[arg(long, value_parser = campaign::parse_selector, value_name = "CAMPAIGN")]
    pub campaign: CampaignSelector,

    /// The event of the campaign, when the same slug exists for several events
    /// (slug, id:N or year).
    #[arg(long, value_parser = event::parse_selector, value_name = "EVENT")]
    pub event: Option<EventSelector>,

    /// How it went out.
    #[arg(long, value_enum)]
    pub channel: Channel,

    /// The email subject, post title or material name (at most 500 characters).
    #[arg(long)]
    pub title: String,

    /// The Brevo template of an email (the id in templates.json). Email only.
    #[arg(long, value_name = "ID", value_parser = clap::value_parser!(i32).range(1..))]
    pub brevo_template_id: Option<i32>,

    /// The Brevo marketing campaign the email was sent as (the number in
    /// the campaign's address in Brevo, and the camp_id of its webhook
    /// events). Email only; one Brevo campaign is one communication.
    #[arg(long, value_name = "ID", value_parser = parse_brevo_campaign_id)]
    pub brevo_campaign_id: Option<i32>,

    /// The published post's http(s) address. LinkedIn posts only.
    #[arg(long, value_name = "URL")]
    pub post_url: Option<String>,

    /// What the post said or what the material shows.
    #[arg(long, value_name = "TEXT")]
    pub summary: Option<String>,

    /// When it was sent or published: 2026-03-02 09:30 (in --timezone) or
    /// 2026-03-02T09:30:00+02:00.
    #[arg(long, value_name = "TIME", value_parser = crate::input::check_time)]
    pub sent_at: Option<String>,

    /// Its status. Default: sent (email) or published (post, material) when
    /// --sent-at is given, else draft.
    #[arg(long, value_enum)]
    pub status: Option<CommunicationStatus>,

    /// Output format of the new record.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// The campaign: its slug (cfp-2026) or id:N.
    #[arg(long, value_parser = campaign::parse_selector, value_name = "CAMPAIGN")]
    pub campaign: CampaignSelector,

    /// The event of the campaign, when the same slug exists for several events.
    #[arg(long, value_parser = event::parse_selector, value_name = "EVENT")]
    pub event: Option<EventSelector>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// A communication as `comms list` shows it.
#[derive(Debug, Default, Serialize, sqlx::FromRow)]
pub struct CommunicationRow {
    pub id: i32,
    pub channel: String,
    pub title: Option<String>,
    pub status: Option<String>,
    pub sent_at: Option<String>,
    pub recipients: Option<i32>,
    pub brevo_template: Option<i32>,
    pub brevo_campaign: Option<i32>,
    pub post_url: Option<String>,
    pub summary: Option<String>,
}
impl Record for CommunicationRow {}

/// `--brevo-campaign-id`: a positive whole number.
pub fn parse_brevo_campaign_id(text: &str) -> Result<i32, String> {
    match text.trim().parse::<i64>() {
        Ok(n) if n > 0 => {
            i32::try_from(n).map_err(|_| format!("{n} is too large for a Brevo campaign id"))
        }
        _ => Err(format!(
            "'{text}' is not a Brevo campaign id; give the positive whole number Brevo shows \
             in the campaign's address (its webhook events call it camp_id)"
        )),
    }
}

#[derive(Debug, clap::Args)]
pub struct DeleteArgs {
    /// The communication's id, as `attrib comms list` shows it (7 or id:7).
    #[arg(value_name = "ID", value_parser = crate::commands::recipients::parse_communication_id)]
    pub id: i32,

    #[command(flatten)]
    pub confirm: crate::deletion::Confirm,
}

async fn delete(app: &mut App, args: DeleteArgs) -> anyhow::Result<Outcome> {
    let pool = app.db().await?;
    let found: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT channel::text, title::text FROM communications WHERE id = $1")
            .bind(args.id)
            .fetch_optional(&pool)
            .await?;
    let Some((channel, title)) = found else {
        return Err(UsageError(format!(
            "there is no communication id:{}; see `attrib comms list --campaign C`",
            args.id
        ))
        .into());
    };
    let what = format!(
        "communication id:{} ({channel}, {})",
        args.id,
        title.as_deref().unwrap_or("untitled")
    );
    crate::deletion::run(
        app,
        crate::deletion::Root::Communication(args.id),
        &what,
        None,
        args.confirm,
    )
    .await
}

pub async fn run(app: &mut App, command: CommsCommand) -> anyhow::Result<Outcome> {
    match command {
        CommsCommand::Delete(args) => delete(app, args).await,
        CommsCommand::Add(args) => add(app, args).await,
        CommsCommand::List(args) => list(app, args).await,
    }
}

/// The campaign `--campaign` names, within `--event` when given.
pub async fn resolve_campaign(
    pool: &sqlx::PgPool,
    selector: &CampaignSelector,
    event: Option<&EventSelector>,
) -> anyhow::Result<Campaign> {
    let event = match event {
        Some(e) => Some(event::resolve_one(pool, e).await?),
        None => None,
    };
    campaign::resolve(pool, selector, event.as_ref()).await
}

/// The title rules of the schema: present, and at most `max` characters;
/// no control characters (a line break or an escape sequence would reach
/// every table and report that shows it).
pub fn check_title(flag: &str, title: &str, max: usize) -> Result<String, UsageError> {
    let title = title.trim();
    crate::input::check_flag_text(flag, title).map_err(UsageError)?;
    if title.is_empty() {
        return Err(UsageError(format!(
            "{flag} is empty; give it a name people will recognise"
        )));
    }
    let length = title.chars().count();
    if length > max {
        return Err(UsageError(format!(
            "{flag} is {length} characters long; the most is {max}"
        )));
    }
    Ok(title.to_string())
}

/// A web address an organiser can click: http or https, with a host, no
/// spaces.
pub fn check_web_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
    let valid = host.is_some_and(|h| {
        !h.is_empty()
            && h.chars()
                .all(|c| c.is_alphanumeric() || ".-:[]@_%".contains(c))
    }) && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid {
        Ok(url.to_string())
    } else {
        Err(format!(
            "'{url}' is not a web address; give the full http(s) address"
        ))
    }
}

/// The channel rules of a communication, checked before anything is written.
pub fn check_channel_rules(
    channel: Channel,
    brevo_template_id: Option<i32>,
    brevo_campaign_id: Option<i32>,
    post_url: Option<&str>,
) -> Result<Option<String>, UsageError> {
    for (flag, given) in [
        ("--brevo-template-id", brevo_template_id.is_some()),
        ("--brevo-campaign-id", brevo_campaign_id.is_some()),
    ] {
        if given && channel != Channel::Email {
            return Err(UsageError(format!(
                "{flag} is for emails only (--channel email), not for --channel {channel}"
            )));
        }
    }
    match post_url {
        None => Ok(None),
        Some(_) if channel != Channel::LinkedinPost => Err(UsageError(format!(
            "--post-url is for LinkedIn posts only (--channel linkedin_post), not for --channel {channel}"
        ))),
        Some(url) => check_web_url(url).map(Some).map_err(|e| {
            UsageError(format!(
                "--post-url {e} of the post, e.g. https://www.linkedin.com/posts/..."
            ))
        }),
    }
}

/// The status a new communication gets when `--status` is not given.
pub fn default_status(channel: Channel, sent: bool) -> CommunicationStatus {
    match (sent, channel) {
        (false, _) => CommunicationStatus::Draft,
        (true, Channel::Email) => CommunicationStatus::Sent,
        (true, _) => CommunicationStatus::Published,
    }
}

async fn add(app: &mut App, args: AddArgs) -> anyhow::Result<Outcome> {
    let title = check_title("--title", &args.title, 500)?;
    let post_url = check_channel_rules(
        args.channel,
        args.brevo_template_id,
        args.brevo_campaign_id,
        args.post_url.as_deref(),
    )?;
    let status = args
        .status
        .unwrap_or_else(|| default_status(args.channel, args.sent_at.is_some()));
    let pool = app.db().await?;
    let campaign = resolve_campaign(&pool, &args.campaign, args.event.as_ref()).await?;
    let mut tx = pool.begin().await?;
    if let Some(camp_id) = args.brevo_campaign_id {
        let taken: Option<(i32, Option<String>)> = sqlx::query_as(
            "SELECT id, title::text FROM communications WHERE brevo_campaign_id = $1",
        )
        .bind(camp_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((other, other_title)) = taken {
            return Err(UsageError(format!(
                "Brevo campaign {camp_id} is already communication id:{other} (\"{}\"); one Brevo \
                 campaign is one email. Check the number in Brevo, or see attrib comms list",
                other_title.unwrap_or_default()
            ))
            .into());
        }
    }
    let id: i32 = sqlx::query_scalar(include_str!("../../queries/comms_add.sql"))
        .bind(campaign.id)
        .bind(args.channel.as_str())
        .bind(&title)
        .bind(args.brevo_template_id)
        .bind(post_url)
        .bind(
            args.summary
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty()),
        )
        .bind(status.as_str())
        .bind(0i32)
        .bind(args.sent_at.as_deref())
        .bind(args.brevo_campaign_id)
        .fetch_one(&mut *tx)
        .await?;
    // Brevo events that arrived before this email was recorded apply now.
    let rematched = if args.brevo_template_id.is_some() || args.brevo_campaign_id.is_some() {
        crate::brevo::apply::rematch(&mut tx).await?
    } else {
        None
    };
    tx.commit().await?;
    if let Some(note) = rematched
        .as_ref()
        .and_then(crate::brevo::apply::rematch_note)
    {
        app.ui.note(note);
    }
    let rows = fetch_list(&pool, campaign.id).await?;
    let row: Vec<CommunicationRow> = rows.into_iter().filter(|r| r.id == id).collect();
    match args.format {
        // A confirmation, not a result: --quiet drops it.
        Format::Table if app.ui.quiet => {}
        Format::Table => crate::outln!(
            "communication id:{id} added to campaign {} ({}): {} \"{title}\", {status}",
            campaign.slug(),
            campaign.name,
            args.channel
        )?,
        Format::Json => {
            crate::outln!("{}", serde_json::to_string_pretty(&row.first())?)?;
        }
        format => output::print_sections(
            &app.ui,
            format,
            &[Section::new("Communication added", &row)],
        )?,
    }
    Ok(Outcome::Success)
}

async fn fetch_list(pool: &sqlx::PgPool, campaign_id: i32) -> sqlx::Result<Vec<CommunicationRow>> {
    sqlx::query_as(include_str!("../../queries/comms_list.sql"))
        .bind(campaign_id)
        .fetch_all(pool)
        .await
}

async fn list(app: &mut App, args: ListArgs) -> anyhow::Result<Outcome> {
    let pool = app.db().await?;
    let campaign = resolve_campaign(&pool, &args.campaign, args.event.as_ref()).await?;
    let rows = fetch_list(&pool, campaign.id).await?;
    output::print_sections(
        &app.ui,
        args.format,
        &[Section::new(
            format!("Communications of {}", campaign.name),
            &rows,
        )],
    )?;
    Ok(Outcome::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_addresses() {
        assert!(check_web_url("https://www.linkedin.com/posts/x?y=1").is_ok());
        assert!(check_web_url("HTTP://example.org").is_ok());
        for bad in [
            "ftp://x.org",
            "https://",
            "www.linkedin.com/x",
            "https://a b.com",
            "javascript:alert(1)",
        ] {
            assert!(check_web_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn channel_rules() {
        assert!(check_channel_rules(Channel::Email, Some(4), Some(417), None).is_ok());
        assert_eq!(
            check_channel_rules(Channel::LinkedinPost, Some(4), None, None)
                .unwrap_err()
                .0,
            "--brevo-template-id is for emails only (--channel email), not for --channel linkedin_post"
        );
        assert_eq!(
            check_channel_rules(Channel::MarketingMaterial, None, Some(417), None)
                .unwrap_err()
                .0,
            "--brevo-campaign-id is for emails only (--channel email), not for --channel marketing_material"
        );
        assert_eq!(
            check_channel_rules(Channel::Email, None, None, Some("https://x.org"))
                .unwrap_err()
                .0,
            "--post-url is for LinkedIn posts only (--channel linkedin_post), not for --channel email"
        );
        assert_eq!(
            check_channel_rules(Channel::LinkedinPost, None, None, Some("https://x.org/p"))
                .unwrap(),
            Some("https://x.org/p".to_string())
        );
    }

    #[test]
    fn brevo_campaign_ids_are_positive_whole_numbers() {
        assert_eq!(parse_brevo_campaign_id(" 417 "), Ok(417));
        for bad in ["0", "-3", "4.5", "camp", "99999999999"] {
            assert!(parse_brevo_campaign_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn default_status_follows_sent_at() {
        assert_eq!(
            default_status(Channel::Email, false),
            CommunicationStatus::Draft
        );
        assert_eq!(
            default_status(Channel::Email, true),
            CommunicationStatus::Sent
        );
        assert_eq!(
            default_status(Channel::LinkedinPost, true),
            CommunicationStatus::Published
        );
    }

    #[test]
    fn titles() {
        assert_eq!(check_title("--title", "  CFP  ", 10).unwrap(), "CFP");
        assert!(
            check_title("--title", " ", 10)
                .unwrap_err()
                .0
                .contains("is empty")
        );
        assert_eq!(
            check_title("--title", "ééééé", 4).unwrap_err().0,
            "--title is 5 characters long; the most is 4"
        );
    }
}
