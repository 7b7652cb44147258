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
        let migrations = migrate::status(&mut conn, &MIGRATOR).await?;
        // In the session time zone, as every time attrib shows.
        let instants: Vec<chrono::DateTime<chrono::Utc>> =
            migrations.iter().filter_map(|m| m.applied_on).collect();
        let mut local: std::vec::IntoIter<String> =
            sqlx::query_scalar(include_str!("../../queries/local_times.sql"))
                .bind(&instants)
                .fetch_all(&mut *conn)
                .await?
                .into_iter();
        let rows: Vec<StatusRow> = migrations
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
                applied_on: m.applied_on.and_then(|_| local.next()),
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
