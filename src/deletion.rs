//! What the `delete` commands share (`events delete`, `campaigns delete`,
//! `comms delete`, `assets delete`): count what deleting one record takes
//! with it, print that first, refuse without `--yes`, refuse a record still
//! referenced without `--cascade`, and otherwise delete it all in one
//! transaction. The rules are pure functions ([`decide`]); the counting and
//! the deletion are queries/delete_plan.sql and queries/delete_apply.sql.

use serde::Serialize;

use crate::app::{App, Outcome};
use crate::error::UsageError;
use crate::vocabulary::plural;

/// The record to delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    Event(i32),
    Campaign(i32),
    Communication(i32),
    Asset(i32),
}

impl Root {
    fn params(self) -> [Option<i32>; 4] {
        match self {
            Root::Event(id) => [Some(id), None, None, None],
            Root::Campaign(id) => [None, Some(id), None, None],
            Root::Communication(id) => [None, None, Some(id), None],
            Root::Asset(id) => [None, None, None, Some(id)],
        }
    }

    /// The statement that locks the row (and says whether it exists).
    fn lock_sql(self) -> &'static str {
        match self {
            Root::Event(_) => "SELECT id FROM events WHERE id = $1 FOR UPDATE",
            Root::Campaign(_) => "SELECT id FROM campaigns WHERE id = $1 FOR UPDATE",
            Root::Communication(_) => "SELECT id FROM communications WHERE id = $1 FOR UPDATE",
            Root::Asset(_) => "SELECT id FROM marketing_assets WHERE id = $1 FOR UPDATE",
        }
    }

    fn id(self) -> i32 {
        match self {
            Root::Event(id) | Root::Campaign(id) | Root::Communication(id) | Root::Asset(id) => id,
        }
    }
}

/// What a deletion takes with it (the record itself included in its own
/// count: a campaign's plan has `campaigns: 1`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Plan {
    pub campaigns: i64,
    pub communications: i64,
    pub recipients: i64,
    pub assets: i64,
    pub distributions: i64,
    pub tickets: i64,
    pub sessions: i64,
    pub sponsorships: i64,
    pub imports: i64,
}

impl Plan {
    /// Everything that goes, as "3 communications, 12 recipients, ...";
    /// zero counts left out.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = [
            (self.campaigns, "campaign", "campaigns"),
            (self.communications, "communication", "communications"),
            (self.recipients, "recipient", "recipients"),
            (self.assets, "material", "materials"),
            (self.distributions, "distribution", "distributions"),
            (self.tickets, "ticket", "tickets"),
            (self.sessions, "session", "sessions"),
            (self.sponsorships, "sponsorship", "sponsorships"),
            (self.imports, "import record", "import records"),
        ]
        .iter()
        .filter(|(n, ..)| *n > 0)
        .map(|(n, one, many)| plural(*n, one, many))
        .collect();
        if parts.is_empty() {
            "nothing else".into()
        } else {
            parts.join(", ")
        }
    }

    /// The plan without the root itself: what goes with it.
    pub fn others(&self, root: Root) -> Plan {
        let mut others = self.clone();
        match root {
            Root::Event(_) => {}
            Root::Campaign(_) => others.campaigns -= 1,
            Root::Communication(_) => others.communications -= 1,
            Root::Asset(_) => others.assets -= 1,
        }
        others
    }

    /// What still refers to the root: the records that need `--cascade`.
    pub fn references(&self, root: Root) -> Vec<String> {
        let direct: &[(i64, &str, &str)] = match root {
            Root::Event(_) => &[
                (self.tickets, "ticket", "tickets"),
                (self.campaigns, "campaign", "campaigns"),
                (self.assets, "material", "materials"),
                (self.sessions, "session", "sessions"),
                (self.sponsorships, "sponsorship", "sponsorships"),
            ],
            Root::Campaign(_) => &[
                (self.communications, "communication", "communications"),
                (self.assets, "material", "materials"),
            ],
            Root::Communication(_) => &[(self.recipients, "recipient", "recipients")],
            Root::Asset(_) => &[(self.distributions, "distribution", "distributions")],
        };
        direct
            .iter()
            .filter(|(n, ..)| *n > 0)
            .map(|(n, one, many)| plural(*n, one, many))
            .collect()
    }
}

/// Whether the deletion may go ahead: `Err` says why not and what to add.
pub fn decide(plan: &Plan, root: Root, what: &str, yes: bool, cascade: bool) -> Result<(), String> {
    let references = plan.references(root);
    if !references.is_empty() && !cascade {
        return Err(format!(
            "{what} is still referenced by {}; add --cascade --yes to delete it with all of \
             these. Nothing was deleted.",
            references.join(", ")
        ));
    }
    if !yes {
        return Err(format!(
            "add --yes to delete {what}{}. Nothing was deleted.",
            if cascade { " and all of the above" } else { "" }
        ));
    }
    Ok(())
}

#[derive(Debug, sqlx::FromRow)]
struct Deleted {
    campaigns: i64,
    communications: i64,
    recipients: i64,
    assets: i64,
    distributions: i64,
    events: i64,
}

/// Prints what deleting `root` takes with it, then deletes it when `yes`
/// (and `cascade` if it is referenced), in one transaction. `what` names
/// it for the organiser ("campaign id:3 (cfp-2026)"); `also` adds a line
/// (tickets that name a campaign's slug).
/// `--yes` and `--cascade`, the same on every delete command.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct Confirm {
    /// Delete it (without --yes, only say what would go).
    #[arg(long)]
    pub yes: bool,

    /// Also delete what refers to it (listed first).
    #[arg(long)]
    pub cascade: bool,
}

pub async fn run(
    app: &mut App,
    root: Root,
    what: &str,
    also: Option<String>,
    confirm: Confirm,
) -> anyhow::Result<Outcome> {
    let Confirm { yes, cascade } = confirm;
    let pool = app.db().await?;
    let mut tx = pool.begin().await?;
    let found: Option<i32> = sqlx::query_scalar(root.lock_sql())
        .bind(root.id())
        .fetch_optional(&mut *tx)
        .await?;
    if found.is_none() {
        return Err(anyhow::anyhow!(
            "{what} was deleted by someone else meanwhile; nothing was deleted"
        ));
    }
    let [event, campaign, communication, asset] = root.params();
    let plan: Plan = sqlx::query_as(include_str!("../queries/delete_plan.sql"))
        .bind(event)
        .bind(campaign)
        .bind(communication)
        .bind(asset)
        .fetch_one(&mut *tx)
        .await?;
    crate::outln!(
        "Deleting {what} removes it and {}.",
        plan.others(root).describe()
    )?;
    if let Some(also) = also {
        crate::outln!("{also}")?;
    }
    decide(&plan, root, what, yes, cascade).map_err(UsageError)?;
    let deleted: Deleted = sqlx::query_as(include_str!("../queries/delete_apply.sql"))
        .bind(event)
        .bind(campaign)
        .bind(communication)
        .bind(asset)
        .fetch_one(&mut *tx)
        .await?;
    let expected = (
        plan.campaigns,
        plan.communications,
        plan.recipients,
        plan.assets,
        plan.distributions,
    );
    let got = (
        deleted.campaigns,
        deleted.communications,
        deleted.recipients,
        deleted.assets,
        deleted.distributions,
    );
    if got != expected || deleted.events != i64::from(matches!(root, Root::Event(_))) {
        // Cannot happen under the row lock; never commit a surprise.
        return Err(anyhow::anyhow!(
            "deleting {what} would have removed other rows than counted; nothing was deleted"
        ));
    }
    tx.commit().await?;
    crate::outln!("Deleted {what}.")?;
    Ok(Outcome::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_referenced_record_needs_cascade_and_every_deletion_yes() {
        let campaign = Plan {
            campaigns: 1,
            communications: 2,
            recipients: 7,
            ..Plan::default()
        };
        let root = Root::Campaign(1);
        let refused = decide(&campaign, root, "campaign id:1", true, false).unwrap_err();
        assert!(
            refused.contains("still referenced by 2 communications; add --cascade --yes"),
            "{refused}"
        );
        let no_yes = decide(&campaign, root, "campaign id:1", false, true).unwrap_err();
        assert!(no_yes.starts_with("add --yes"), "{no_yes}");
        assert_eq!(decide(&campaign, root, "campaign id:1", true, true), Ok(()));
        assert_eq!(
            campaign.others(root).describe(),
            "2 communications, 7 recipients"
        );

        let unreferenced = Plan {
            campaigns: 1,
            ..Plan::default()
        };
        assert!(decide(&unreferenced, root, "c", false, false).is_err());
        assert_eq!(decide(&unreferenced, root, "c", true, false), Ok(()));

        // An event with tickets only goes with --cascade --yes.
        let event = Plan {
            tickets: 1,
            imports: 1,
            ..Plan::default()
        };
        let e = Root::Event(1);
        assert!(
            decide(&event, e, "event x", true, false)
                .unwrap_err()
                .contains("1 ticket;")
        );
        assert!(decide(&event, e, "event x", false, true).is_err());
        assert_eq!(decide(&event, e, "event x", true, true), Ok(()));
        // Import records alone are no reference.
        let records = Plan {
            imports: 2,
            ..Plan::default()
        };
        assert!(records.references(e).is_empty());
        assert_eq!(records.describe(), "2 import records");
        assert_eq!(Plan::default().describe(), "nothing else");
    }
}
