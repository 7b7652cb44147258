//! Applying and inspecting the schema migrations embedded in the binary.
//!
//! sqlx's bookkeeping table lives in schema `attrib` (see `sqlx.toml`), so
//! that `public` holds only the application's tables. The loop below is
//! sqlx's own `Migrator::run`, spelled out so that attrib can say what it
//! applied and explain a refusal in words.

use std::collections::HashMap;
use std::time::Duration;

use sqlx::PgConnection;
use sqlx::migrate::{Migrate, MigrateError, Migrator};

use crate::error::DbError;

/// The migrations in `migrations/`, embedded at build time.
pub static MIGRATOR: Migrator = sqlx::migrate!();

/// One migration and whether this database has it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MigrationStatus {
    pub version: i64,
    pub description: String,
    pub applied: bool,
    pub applied_on: Option<chrono::DateTime<chrono::Utc>>,
    /// False when the file differs from what was applied.
    pub unchanged: bool,
}

/// A migration applied by [`apply_pending`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct Applied {
    pub version: i64,
    pub description: String,
    #[serde(skip)]
    pub took: Duration,
}

/// Every known migration, applied or pending. Reads only; creates nothing.
pub async fn status(
    conn: &mut PgConnection,
    migrator: &Migrator,
) -> Result<Vec<MigrationStatus>, DbError> {
    let applied = read_applied(conn, migrator).await?;
    Ok(migrator
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .map(|m| {
            let row = applied.get(&m.version);
            MigrationStatus {
                version: m.version,
                description: m.description.to_string(),
                applied: row.is_some(),
                applied_on: row.map(|r| r.1),
                unchanged: row.is_none_or(|r| r.0 == *m.checksum),
            }
        })
        .collect())
}

/// The highest applied migration version, if any.
pub async fn schema_version(
    conn: &mut PgConnection,
    migrator: &Migrator,
) -> Result<Option<i64>, DbError> {
    Ok(read_applied(conn, migrator).await?.keys().max().copied())
}

/// How many migrations are not applied yet.
pub async fn pending_count(conn: &mut PgConnection, migrator: &Migrator) -> Result<usize, DbError> {
    Ok(status(conn, migrator)
        .await?
        .iter()
        .filter(|s| !s.applied)
        .count())
}

async fn read_applied(
    conn: &mut PgConnection,
    migrator: &Migrator,
) -> Result<HashMap<i64, (Vec<u8>, chrono::DateTime<chrono::Utc>)>, DbError> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
        .bind(&*migrator.table_name)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| DbError::Migrate(format!("cannot read the migration history: {e}")))?;
    if !exists {
        return Ok(HashMap::new());
    }
    // The table name comes from sqlx.toml at build time, never from input.
    let sql = format!(
        "SELECT version, checksum, installed_on FROM {} WHERE success ORDER BY version",
        migrator.table_name
    );
    let rows: Vec<(i64, Vec<u8>, chrono::DateTime<chrono::Utc>)> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| DbError::Migrate(format!("cannot read the migration history: {e}")))?;
    Ok(rows.into_iter().map(|(v, c, t)| (v, (c, t))).collect())
}

/// Applies every pending migration, each in its own transaction, under an
/// advisory lock: a second `attrib migrate` at the same moment waits, then
/// finds nothing to do. Refuses when an applied migration was changed.
pub async fn apply_pending(
    conn: &mut PgConnection,
    migrator: &Migrator,
) -> Result<Vec<Applied>, DbError> {
    conn.lock().await.map_err(explain)?;
    let result = apply_locked(conn, migrator).await;
    // Release the lock even after a failure; the connection is reused.
    let unlocked = conn.unlock().await.map_err(explain);
    let applied = result?;
    unlocked?;
    Ok(applied)
}

async fn apply_locked(
    conn: &mut PgConnection,
    migrator: &Migrator,
) -> Result<Vec<Applied>, DbError> {
    let table = &*migrator.table_name;
    for schema in migrator.create_schemas.iter() {
        conn.create_schema_if_not_exists(schema)
            .await
            .map_err(explain)?;
    }
    conn.ensure_migrations_table(table).await.map_err(explain)?;
    if let Some(version) = conn.dirty_version(table).await.map_err(explain)? {
        return Err(explain(MigrateError::Dirty(version)));
    }
    let applied: HashMap<i64, Vec<u8>> = conn
        .list_applied_migrations(table)
        .await
        .map_err(explain)?
        .into_iter()
        .map(|m| (m.version, m.checksum.into_owned()))
        .collect();
    for version in applied.keys() {
        if !migrator.version_exists(*version) {
            return Err(explain(MigrateError::VersionMissing(*version)));
        }
    }
    let mut done = Vec::new();
    for migration in migrator.iter() {
        if migration.migration_type.is_down_migration() {
            continue;
        }
        match applied.get(&migration.version) {
            Some(checksum) if *checksum != *migration.checksum => {
                return Err(explain(MigrateError::VersionMismatch(migration.version)));
            }
            Some(_) => {}
            None => {
                let took = conn.apply(table, migration).await.map_err(explain)?;
                done.push(Applied {
                    version: migration.version,
                    description: migration.description.to_string(),
                    took,
                });
            }
        }
    }
    Ok(done)
}

/// sqlx's migration errors, reworded for the person running attrib.
fn explain(e: MigrateError) -> DbError {
    DbError::Migrate(match e {
        MigrateError::VersionMismatch(v) => format!(
            "migration {v:03} was changed after it was applied to this database, so the schema \
             would no longer match the file. Restore the original file (migrations are never \
             edited once applied; add a new migration instead)."
        ),
        MigrateError::VersionMissing(v) => format!(
            "this database has migration {v:03}, which this version of attrib does not know: it \
             was migrated by a newer attrib. Upgrade attrib."
        ),
        MigrateError::Dirty(v) => format!(
            "migration {v:03} failed part-way on an earlier run; repair the database by hand, \
             then delete its row from the migration table."
        ),
        MigrateError::ExecuteMigration(source, v) => {
            format!("migration {v:03} failed and was rolled back: {source}")
        }
        other => format!("migration failed: {other}"),
    })
}
