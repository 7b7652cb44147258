//! The report's SQL (`queries/report_*.sql`) with its bound parameters, run
//! through sqlx, and optionally written out as a psql script (PREPARE and
//! EXECUTE with the very same parameters) so that a benchmark can time the
//! same work done by psql.

use std::fmt::Write as _;

use sqlx::postgres::PgRow;
use sqlx::{FromRow, PgConnection};

/// Settings of the report's transaction.
pub const SETTINGS: &str = "SET LOCAL work_mem = '64MB'";
pub const META: &str = include_str!("../../queries/report_meta.sql");
pub const LAST_IMPORT: &str = include_str!("../../queries/report_last_import.sql");
pub const EVENT_CAMPAIGNS: &str = include_str!("../../queries/report_event_campaigns.sql");
pub const SOURCES: &str = include_str!("../../queries/report_sources.sql");
pub const CAMPAIGNS: &str = include_str!("../../queries/report_campaigns.sql");
pub const UNATTRIBUTED: &str = include_str!("../../queries/report_unattributed.sql");
pub const REACH: &str = include_str!("../../queries/report_reach.sql");
pub const FUNNEL: &str = include_str!("../../queries/report_funnel.sql");

/// A bound parameter, kept so that it can also be written as a literal.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Int(i32),
    Ints(Vec<Option<i32>>),
    Texts(Vec<Option<String>>),
}

impl Param {
    /// The parameter as a SQL literal for the psql script. Only for that
    /// script, which attrib never executes itself.
    fn literal(&self) -> String {
        match self {
            Param::Int(i) => i.to_string(),
            Param::Ints(values) => {
                let items: Vec<String> = values
                    .iter()
                    .map(|v| v.map_or("NULL".into(), |i| i.to_string()))
                    .collect();
                format!("ARRAY[{}]::int[]", items.join(","))
            }
            Param::Texts(values) => {
                let items: Vec<String> = values
                    .iter()
                    .map(|v| v.as_deref().map_or("NULL".into(), quote_literal))
                    .collect();
                format!("ARRAY[{}]::text[]", items.join(","))
            }
        }
    }
}

/// `'it''s'`: a string literal under standard_conforming_strings (which the
/// script turns on), where only the quote needs doubling.
fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Runs the report's queries on one connection, recording each with its
/// parameters when a psql script was asked for.
pub struct Runner<'c> {
    conn: &'c mut PgConnection,
    script: Option<String>,
    /// Makes prepared statement names unique across runners.
    tag: String,
    statements: usize,
}

impl<'c> Runner<'c> {
    pub fn new(conn: &'c mut PgConnection, record: bool, tag: &str) -> Runner<'c> {
        Runner {
            conn,
            script: record.then(String::new),
            tag: tag.to_string(),
            statements: 0,
        }
    }

    /// Runs `sql` with `params`, returning typed rows.
    pub async fn fetch<T>(
        &mut self,
        name: &str,
        sql: &'static str,
        params: Vec<Param>,
    ) -> sqlx::Result<Vec<T>>
    where
        T: for<'r> FromRow<'r, PgRow> + Send + Unpin,
    {
        if let Some(script) = &mut self.script {
            self.statements += 1;
            let statement = format!("{name}_{}{}", self.tag, self.statements);
            let body = sql.trim_end().trim_end_matches(';');
            let _ = writeln!(script, "PREPARE {statement} AS\n{body};");
            let args: Vec<String> = params.iter().map(Param::literal).collect();
            if args.is_empty() {
                let _ = writeln!(script, "EXECUTE {statement};\n");
            } else {
                let _ = writeln!(script, "EXECUTE {statement} ({});\n", args.join(", "));
            }
        }
        let mut query = sqlx::query_as::<_, T>(sql);
        for p in params {
            query = match p {
                Param::Int(v) => query.bind(v),
                Param::Ints(v) => query.bind(v),
                Param::Texts(v) => query.bind(v),
            };
        }
        let started = std::time::Instant::now();
        let rows = query.fetch_all(&mut *self.conn).await?;
        log_query(name, started, rows.len());
        Ok(rows)
    }

    /// Runs a statement without parameters or rows (session settings).
    pub async fn execute(&mut self, sql: &'static str) -> sqlx::Result<()> {
        self.note_statement(sql);
        sqlx::raw_sql(sql).execute(&mut *self.conn).await?;
        Ok(())
    }

    /// Adds SQL that attrib ran through other code (event and campaign
    /// look-ups) to the script, so that psql does the same work.
    pub fn note_statement(&mut self, sql: &str) {
        if let Some(script) = &mut self.script {
            let _ = writeln!(script, "{};\n", sql.trim_end().trim_end_matches(';'));
        }
    }

    /// What was recorded, if recording.
    pub fn into_body(self) -> Option<String> {
        self.script
    }
}

/// Logs (`-v`) how long a query of a report or a summary took and how many
/// rows it returned: "query report_funnel: 7 rows in 3.2 ms".
pub fn log_query(name: &str, started: std::time::Instant, rows: usize) {
    tracing::info!(
        "query {name}: {rows} row{} in {:.1} ms",
        if rows == 1 { "" } else { "s" },
        started.elapsed().as_secs_f64() * 1000.0
    );
}

/// The psql script around recorded statements: one read-only snapshot, in
/// the report's time zone, like the report's.
pub fn psql_script(timezone: &str, body: &str) -> String {
    format!(
        "-- The queries of one `attrib report` run, with its parameters, for psql.\n\
         SET standard_conforming_strings = on;\n\
         SET search_path = public;\n\
         SET TimeZone = {};\n\
         BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\n\n{body}COMMIT;\n",
        quote_literal(timezone)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_quote_what_needs_quoting() {
        assert_eq!(Param::Int(-3).literal(), "-3");
        assert_eq!(
            Param::Ints(vec![Some(1), None, Some(3)]).literal(),
            "ARRAY[1,NULL,3]::int[]"
        );
        assert_eq!(Param::Ints(vec![]).literal(), "ARRAY[]::int[]");
        assert_eq!(
            Param::Texts(vec![Some("O'Reilly".into()), None, Some(r"a\b".into())]).literal(),
            r"ARRAY['O''Reilly',NULL,'a\b']::text[]"
        );
    }

    #[test]
    fn the_script_is_one_read_only_transaction_in_the_time_zone() {
        let script = psql_script("Africa/Johannesburg", "SELECT 1;\n\n");
        assert!(script.contains("SET standard_conforming_strings = on;"));
        assert!(script.contains("SET TimeZone = 'Africa/Johannesburg';"));
        let begin = script
            .find("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;")
            .unwrap();
        let body = script.find("SELECT 1;").unwrap();
        assert!(begin < body);
        assert!(script.trim_end().ends_with("COMMIT;"));
    }
}
