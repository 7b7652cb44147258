//! Which PostgreSQL attrib talks to, and the connection a command holds.
//!
//! `--database-url` / `DATABASE_URL` selects an existing server (TCP, password,
//! TLS with `sslmode=require`); without one, attrib runs its private cluster
//! (see [`embedded`]) for the duration of each command.

pub mod embedded;
pub mod migrate;

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use crate::error::DbError;
use embedded::{Cluster, ClusterOptions, Home, Lease};

/// How the user chose the database, from flags and environment.
#[derive(Debug, Clone)]
pub struct DbConfig {
    pub database_url: Option<String>,
    pub home: Option<PathBuf>,
    /// The session time zone (`--timezone`): times without an offset are
    /// read in it, and `to_char` shows times in it.
    pub timezone: String,
}

/// Organisers are in South Africa.
pub const DEFAULT_TIMEZONE: &str = "Africa/Johannesburg";

/// A resolved choice of server.
#[derive(Debug, Clone)]
pub enum Target {
    Url {
        options: Box<PgConnectOptions>,
        redacted: String,
    },
    Embedded(Cluster),
}

impl Target {
    pub fn resolve(config: &DbConfig) -> Result<Target, DbError> {
        match config
            .database_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
        {
            Some(url) => {
                let redacted = redact_url(url);
                let options = PgConnectOptions::from_str(url).map_err(|e| DbError::Connect {
                    target: redacted.clone(),
                    reason: format!(
                        "the URL is not valid ({}); expected postgresql://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=require",
                        redact_text(&e.to_string(), url)
                    ),
                })?;
                Ok(Target::Url {
                    options: Box::new(options.application_name("attrib")),
                    redacted,
                })
            }
            None => {
                let home = Home::resolve(config.home.clone())?;
                Ok(Target::Embedded(Cluster::open(
                    home,
                    ClusterOptions::default(),
                )?))
            }
        }
    }

    /// For messages: the redacted URL, or where the embedded cluster lives.
    pub fn describe(&self) -> String {
        match self {
            Target::Url { redacted, .. } => redacted.clone(),
            Target::Embedded(cluster) => format!(
                "the embedded PostgreSQL server in {}",
                cluster.home().root().display()
            ),
        }
    }
}

/// The database connection of one command. On the embedded default it holds
/// a [`Lease`] on the server, released by [`Session::close`] (or on drop).
pub struct Session {
    pub pool: PgPool,
    pub target: Target,
    lease: Option<Lease>,
}

impl Session {
    /// Connects to `database` (on the embedded default; a URL names its own).
    /// The embedded server is started if needed and the database created on
    /// first use. Takes blocking file locks, so it runs off the async thread.
    pub async fn connect(
        target: Target,
        database: &str,
        timezone: &str,
    ) -> Result<Session, DbError> {
        check_timezone(timezone)?;
        let (options, lease) = match &target {
            Target::Url { options, .. } => ((**options).clone(), None),
            Target::Embedded(cluster) => {
                let cluster = cluster.clone();
                let lease = tokio::task::spawn_blocking(move || cluster.lease())
                    .await
                    .map_err(|e| DbError::Migrate(format!("internal error: {e}")))??;
                let options = lease.cluster().connect_options(database);
                (options, Some(lease))
            }
        };
        if let Some(lease) = &lease {
            ensure_database(lease.cluster(), database).await?;
        }
        // attrib's tables live in `public`. Pin the search path: with the
        // default ("$user", public), a role named like the schema that holds
        // sqlx's bookkeeping (`attrib`) would otherwise receive the tables.
        // The time zone is also a startup option, although sqlx's own
        // TimeZone=UTC overrides it (see after_connect below): so that a bad
        // --timezone fails the first connection at once, with a clear error,
        // instead of every pooled connection failing until a timeout.
        let options = options.options([("search_path", "public"), ("TimeZone", timezone)]);
        // sqlx warns of every statement over a second, SQL and all, on
        // stderr: noise for an organiser (and mail from cron) on any large
        // import. attrib says what it does itself (-v).
        let options = sqlx::ConnectOptions::disable_statement_logging(options);
        // A server of the user's: one plain connection first, since the pool
        // retries a refused or failing connection until its acquire timeout,
        // so an unreachable server or a wrong password would take a minute
        // and lose the reason. (The embedded server was just reached above.)
        if let Target::Url { .. } = &target {
            use sqlx::Connection;
            sqlx::PgConnection::connect_with(&options)
                .await
                .map_err(|e| connect_failure(&target, timezone, &e))?
                .close()
                .await
                .map_err(|e| connect_failure(&target, timezone, &e))?;
        }
        // The session time zone (--timezone) reads times without an offset and
        // shows times. sqlx sends TimeZone=UTC in its startup packet, which
        // would override a startup option, so it is set once connected.
        let pool = session_pool_options(timezone.to_string())
            .connect_with(options)
            .await
            .map_err(|e| connect_failure(&target, timezone, &e))?;
        Ok(Session {
            pool,
            target,
            lease,
        })
    }

    pub fn is_embedded(&self) -> bool {
        self.lease.is_some()
    }

    /// Closes the connections and releases the server lease: the last
    /// command out stops the embedded server.
    pub async fn close(mut self) -> Result<(), DbError> {
        self.pool.close().await;
        match self.lease.take() {
            Some(lease) => tokio::task::spawn_blocking(move || lease.release())
                .await
                .map_err(|e| DbError::Migrate(format!("internal error: {e}")))?,
            None => Ok(()),
        }
    }
}

/// `--timezone` as PostgreSQL is to be given it: `Z` is UTC.
pub fn timezone_name(text: &str) -> String {
    match text.trim() {
        "Z" | "z" => "UTC".to_string(),
        other => other.to_string(),
    }
}

/// Accepts IANA names (`Africa/Johannesburg`, `Etc/GMT-5`, `UTC`) and
/// refuses POSIX-style offsets such as `UTC+5`, `GMT-2` or `+02:00`, which
/// PostgreSQL would read with the sign flipped (`UTC+5` is five hours *west*
/// of Greenwich), shifting every time read by twice the offset.
pub fn check_timezone(timezone: &str) -> Result<(), DbError> {
    // IANA names with digits: the Etc/GMT±N zones and a few legacy ones.
    const LEGACY: [&str; 5] = ["EST5EDT", "CST6CDT", "MST7MDT", "PST8PDT", "GMT0"];
    let has_digit = timezone.bytes().any(|b| b.is_ascii_digit());
    let offset_like = timezone
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "+-:".contains(c));
    if has_digit && offset_like && !LEGACY.contains(&timezone) {
        return Err(DbError::TimezoneOffset(timezone.to_string()));
    }
    let iana_like = timezone
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/_+-".contains(c));
    if timezone.is_empty()
        || !iana_like
        || (has_digit && !timezone.starts_with("Etc/") && !LEGACY.contains(&timezone))
    {
        return Err(DbError::Timezone(timezone.to_string()));
    }
    Ok(())
}

fn connect_failure(target: &Target, timezone: &str, e: &sqlx::Error) -> DbError {
    match e {
        sqlx::Error::Database(db) if db.message().contains("TimeZone") => {
            DbError::Timezone(timezone.to_string())
        }
        _ => connect_error(target, e),
    }
}

fn connect_error(target: &Target, e: &sqlx::Error) -> DbError {
    let mut reason = e.to_string();
    if let Target::Url { redacted, .. } = target {
        // sqlx never echoes the URL, but be certain no secret escapes.
        reason = redact_text(&reason, redacted);
        reason.push_str(
            "\nCheck that the server is up and that the URL's host, port, user, password and \
             database are right (managed hosts such as Supabase or Neon need ?sslmode=require).",
        );
    }
    DbError::Connect {
        target: target.describe(),
        reason,
    }
}

/// Creates `database` in the private cluster if it does not exist yet.
async fn ensure_database(cluster: &Cluster, database: &str) -> Result<(), DbError> {
    use sqlx::Connection;
    let target = || format!("the embedded server in {}", cluster.home().root().display());
    let mut conn = sqlx::PgConnection::connect_with(&cluster.connect_options("postgres"))
        .await
        .map_err(|e| DbError::Connect {
            target: target(),
            reason: e.to_string(),
        })?;
    let fail = |e: sqlx::Error| DbError::Connect {
        target: target(),
        reason: e.to_string(),
    };
    // Two attrib commands starting at once must not both try to create it.
    sqlx::query("SELECT pg_advisory_lock(hashtext('attrib: create database'))")
        .execute(&mut conn)
        .await
        .map_err(fail)?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(database)
            .fetch_one(&mut conn)
            .await
            .map_err(fail)?;
    if !exists {
        // Identifiers cannot be bound as parameters; quote it.
        let sql = format!("CREATE DATABASE {}", quote_ident(database));
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut conn)
            .await
            .map_err(fail)?;
    }
    let _ = conn.close().await;
    Ok(())
}

/// `"name"`, with embedded quotes doubled: for the rare SQL that needs an
/// identifier that cannot be a bound parameter (CREATE DATABASE).
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The URL with its password (in the authority or a `password=` parameter)
/// replaced by `***`, fit for messages and logs. The URL need not parse: the
/// password may hold `#`, `/`, `?` or `@` unencoded, so everything between
/// the user name and the *last* `@` is hidden (too much rather than too
/// little). A libpq `key=value` string gets its `password=` hidden.
pub fn redact_url(url: &str) -> String {
    let mut out = url.to_string();
    if let Some(scheme_end) = out.find("://") {
        let rest_start = scheme_end + 3;
        if let Some(at) = out[rest_start..].rfind('@') {
            let userinfo = &out[rest_start..rest_start + at];
            // (`USER:PASSWORD@HOST` is the placeholder of a hint.)
            if let Some(colon) = userinfo.find(':')
                && &userinfo[colon + 1..] != "PASSWORD"
            {
                let start = rest_start + colon + 1;
                out.replace_range(start..rest_start + at, "***");
            }
        }
    }
    mask_key_values(&out)
}

/// The pool every attrib session uses (and `attrib mcp`'s read-only one):
/// four connections, and the session time zone set once connected, since
/// sqlx's startup packet sends TimeZone=UTC, which would override a
/// startup option.
pub fn session_pool_options(timezone: String) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(60))
        .after_connect(move |conn, _meta| {
            let tz = timezone.clone();
            Box::pin(async move {
                sqlx::query("SELECT set_config('TimeZone', $1, false)")
                    .bind(tz)
                    .execute(conn)
                    .await
                    .map(|_| ())
            })
        })
}

/// Hides the credentials of every URL-like (`scheme://user:password@...`)
/// or `password=...` piece of `text`, whether or not it parses: for any
/// message that may quote a connection string (errors go to cron mail).
pub fn mask_secrets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        // The scheme: the letters (and + - .) just before "://".
        let scheme_start = rest[..i]
            .char_indices()
            .rev()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || "+-.".contains(*c)))
            .map_or(0, |(j, c)| j + c.len_utf8());
        out.push_str(&rest[..scheme_start]);
        let token_end = rest[i..]
            .find(|c: char| c.is_whitespace() || "\"'<>`".contains(c))
            .map_or(rest.len(), |j| i + j);
        let token = &rest[scheme_start..token_end];
        let masked = redact_url(token);
        out.push_str(&masked);
        rest = &rest[token_end..];
    }
    out.push_str(rest);
    mask_key_values(&out)
}

/// `password=secret`, `password = 'se cret'`, `&password=x&`: the value
/// becomes `***`. Keys compared ignoring case.
fn mask_key_values(text: &str) -> String {
    const KEYS: [&str; 5] = ["password", "sslpassword", "passwd", "pwd", "pass"];
    let lower = text.to_ascii_lowercase();
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let at_boundary = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        let key = KEYS
            .iter()
            .find(|k| at_boundary && lower.as_bytes()[i..].starts_with(k.as_bytes()));
        let Some(key) = key else {
            i += 1;
            continue;
        };
        let mut j = i + key.len();
        while j < bytes.len() && bytes[j] == b' ' {
            j += 1;
        }
        if j >= bytes.len() || bytes[j] != b'=' {
            i += 1;
            continue;
        }
        j += 1;
        while j < bytes.len() && bytes[j] == b' ' {
            j += 1;
        }
        let value_end = if bytes.get(j) == Some(&b'\'') {
            // A quoted libpq value: up to the closing quote (\' escapes).
            let mut k = j + 1;
            while k < bytes.len() && bytes[k] != b'\'' {
                k += if bytes[k] == b'\\' { 2 } else { 1 };
            }
            (k + 1).min(bytes.len())
        } else {
            text[j..]
                .find(|c: char| c.is_whitespace() || c == '&' || c == ';')
                .map_or(bytes.len(), |k| j + k)
        };
        out.push_str(&text[copied..j]);
        out.push_str("***");
        copied = value_end;
        i = value_end.max(i + 1);
    }
    out.push_str(&text[copied..]);
    out
}

/// Removes the password of `url` from arbitrary text (error messages), as
/// written and percent-decoded, then any other credentials.
fn redact_text(text: &str, url: &str) -> String {
    let mut out = text.to_string();
    if let Some(pw) = password_of(url).filter(|pw| !pw.is_empty() && pw != "***") {
        out = out.replace(&pw, "***");
        let decoded = percent_decode(&pw);
        if !decoded.is_empty() {
            out = out.replace(&decoded, "***");
        }
    }
    mask_secrets(&out)
}

/// The password of a URL, up to the last `@` (see [`redact_url`]).
fn password_of(url: &str) -> Option<String> {
    let rest = &url[url.find("://")? + 3..];
    let userinfo = &rest[..rest.rfind('@')?];
    Some(userinfo.split_once(':')?.1.to_string())
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_zones_are_iana_names_not_posix_offsets() {
        for ok in [
            "Africa/Johannesburg",
            "UTC",
            "Etc/GMT-5",
            "Etc/GMT+10",
            "America/Argentina/Buenos_Aires",
            "EST5EDT",
        ] {
            assert!(check_timezone(ok).is_ok(), "{ok}");
        }
        for offset in ["UTC+5", "GMT-2", "+02", "-05:00", "EST5", "UTC+05:30"] {
            let e = check_timezone(offset).unwrap_err().to_string();
            assert!(e.contains("Etc/GMT-5 means UTC+5"), "{offset}: {e}");
        }
        assert!(matches!(
            check_timezone("Mars/Olympus Mons"),
            Err(DbError::Timezone(_))
        ));
        assert!(matches!(check_timezone(""), Err(DbError::Timezone(_))));
        assert_eq!(timezone_name("Z"), "UTC");
        assert_eq!(timezone_name("Europe/London"), "Europe/London");
    }

    #[test]
    fn redacts_password_in_authority() {
        assert_eq!(
            redact_url("postgresql://bob:s3cr%40t@db.example.com:5432/attrib?sslmode=require"),
            "postgresql://bob:***@db.example.com:5432/attrib?sslmode=require"
        );
    }

    #[test]
    fn redacts_password_parameter() {
        assert_eq!(
            redact_url(
                "postgres://db.example.com/attrib?user=bob&password=hunter2&sslmode=require"
            ),
            "postgres://db.example.com/attrib?user=bob&password=***&sslmode=require"
        );
    }

    #[test]
    fn leaves_urls_without_password_alone() {
        let url = "postgresql://attrib@/attrib?host=%2Ftmp%2Frun";
        assert_eq!(redact_url(url), url);
        assert_eq!(redact_url("not a url"), "not a url");
    }

    #[test]
    fn password_with_at_sign_is_fully_hidden() {
        let url = "postgresql://bob:p@ss@host/db";
        let red = redact_url(url);
        assert!(!red.contains("p@ss"), "{red}");
        assert_eq!(
            redact_text("failed for bob:p@ss", url),
            "failed for bob:***"
        );
    }

    #[test]
    fn passwords_with_url_delimiters_are_hidden_parseable_or_not() {
        for password in [
            "SECRET#PASS",
            "se/cret",
            "what?now",
            "p@ss@word",
            "a#b/c?d@e",
        ] {
            let url = format!("postgresql://u:{password}@127.0.0.1:1/db?sslmode=require");
            let red = redact_url(&url);
            assert_eq!(red, "postgresql://u:***@127.0.0.1:1/db?sslmode=require");
            let message = format!("cannot connect to {url}: invalid port number");
            let masked = mask_secrets(&message);
            assert!(!masked.contains(password), "{masked}");
            assert!(
                masked.contains("postgresql://u:***@127.0.0.1:1/db"),
                "{masked}"
            );
            assert!(!redact_text(&format!("bad: {password}"), &url).contains(password));
        }
        // A percent-encoded password is also hidden in its decoded form.
        let url = "postgresql://u:s%23cret@h/db";
        assert_eq!(redact_text("echo s#cret", url), "echo ***");
    }

    #[test]
    fn masking_never_splits_a_character() {
        let text = "no campaign matches x. campaigns: reminder — last chance (id:3); \
                    naïve password=sécret — postgresql://ü:pä@h/db—x passé=1";
        let masked = mask_secrets(text);
        assert!(
            !masked.contains("sécret") && !masked.contains("pä@"),
            "{masked}"
        );
        assert!(masked.contains("reminder — last chance"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Any text, URL-like or not: masked without a panic.
        #[test]
        fn any_text_is_masked_without_panic(
            text in "(\\PC|://|@|:|=|password|'| ){0,60}",
        ) {
            let _ = mask_secrets(&text);
            let _ = redact_url(&text);
        }
    }

    #[test]
    fn key_value_connection_strings_are_masked() {
        assert_eq!(
            mask_secrets("host=db user=bob password=hun#ter2 dbname=x"),
            "host=db user=bob password=*** dbname=x"
        );
        assert_eq!(
            mask_secrets("host=db password = 'with space' port=5"),
            "host=db password = *** port=5"
        );
        assert_eq!(
            mask_secrets("postgres://h/db?user=u&PASSWORD=x?y@z&sslmode=require"),
            "postgres://h/db?user=u&PASSWORD=***&sslmode=require"
        );
        assert_eq!(
            mask_secrets("passenger=1 compass=2"),
            "passenger=1 compass=2"
        );
        assert_eq!(mask_secrets("no secrets here"), "no secrets here");
        assert_eq!(mask_secrets("trailing password="), "trailing password=***");
    }

    #[test]
    fn quotes_identifiers() {
        assert_eq!(quote_ident("attrib"), "\"attrib\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }
}
