//! `attrib migrate`: bring the database schema up to date, for whoever sets
//! up or upgrades attrib, and `--status` to see which migrations a database has.
//!
//! Each migration runs in its own transaction under an advisory lock, so two
//! `attrib migrate` at once are safe: one applies, the other waits and finds
//! nothing left to do. A migration file changed after it was applied is refused.

use crate::app::{App, Outcome};
use crate::db::migrate::{self, MIGRATOR};
use crate::output::{self, Format, Record, Section};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// List every migration as applied or pending, and change nothing.
    #[arg(long)]
    pub status: bool,

    /// Output format of --status.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Default, serde::Serialize)]
struct StatusRow {
    version: i64,
    description: String,
    state: String,
    applied_on: Option<String>,
}
impl Record for StatusRow {}

pub async fn run(app: &mut App, args: Args) -> anyhow::Result<Outcome> {
    let pool = app.db_unmigrated().await?;
    let mut conn = pool.acquire().await?;
    if args.status {
        let rows: Vec<StatusRow> = migrate::status(&mut conn, &MIGRATOR)
            .await?
            .into_iter()
            .map(|m| StatusRow {
                version: m.version,
                description: m.description,
                state: match (m.applied, m.unchanged) {
                    (true, true) => "applied",
                    (true, false) => "applied, file changed since",
                    (false, _) => "pending",
                }
                .into(),
                applied_on: m
                    .applied_on
                    .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
            })
            .collect();
        output::print_sections(&app.ui, args.format, &[Section::new("Migrations", &rows)])?;
        return Ok(Outcome::Success);
    }
    let applied = migrate::apply_pending(&mut conn, &MIGRATOR).await?;
    let version = migrate::schema_version(&mut conn, &MIGRATOR)
        .await?
        .unwrap_or(0);
    if args.format == Format::Json {
        crate::outln!(
            "{}",
            serde_json::json!({ "applied": applied, "schema_version": version })
        )?;
    } else if applied.is_empty() {
        app.ui.note(format!(
            "The schema is current (version {version:03}); nothing to apply."
        ));
    } else {
        for m in &applied {
            crate::outln!(
                "applied {:03} {} ({} ms)",
                m.version,
                m.description,
                m.took.as_millis()
            )?;
        }
        app.ui
            .note(format!("The schema is now at version {version:03}."));
    }
    Ok(Outcome::Success)
}
