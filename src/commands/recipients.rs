//! `attrib recipients import --communication ID FILE`: load who an email was
//! sent to (a CSV with an email column, as Brevo or a spreadsheet exports it),
//! for the organiser who wants "who did we send the CFP to?" answered.
//!
//! Every row is checked before anything is written; then the rows are
//! streamed into a staging table with COPY and applied set-based: unknown
//! addresses become contacts, a recipient already on the list is counted as
//! already there, and the communication's `recipient_count` is kept equal to
//! its rows, all in one transaction.
//!
//! Two safeguards against the wrong file: a Quicket ticket export (ticket
//! number and ticket type columns) is refused unless `--force`, and a list
//! that more than doubles the email's recipients is imported with a warning
//! that names the `attrib imports undo` to take it back.

use std::path::PathBuf;

use clap::Subcommand;
use serde::Serialize;

use crate::app::{App, Outcome};
use crate::brevo::normalise_message_id;
use crate::error::UsageError;
use crate::input::{self, ColumnMap, InputError, InputErrors};
use crate::output::{self, Format, Record, Section};
use crate::vocabulary::{RecipientStatus, plural};

#[derive(Debug, Subcommand)]
pub enum RecipientsCommand {
    /// Import the recipients of an email communication from a CSV file.
    #[command(after_long_help = IMPORT_HELP)]
    Import(ImportArgs),
}

const IMPORT_HELP: &str = "\
Columns (matched by name, in any order; case, spaces and punctuation ignored):
  email             required: Email, E-mail, Email Address, Recipient, To
  first_name        optional: First Name, FIRSTNAME, Given Name (for new contacts)
  last_name         optional: Last Name, LASTNAME, Surname (for new contacts)
  brevo_message_id  optional: Brevo Message ID, Message-ID (angle brackets are removed)
  sent_at           optional: Sent At, Sent, Date Sent (2026-03-02 09:30 or ISO 8601)
  status            optional: Status (queued, sent, delivered, opened, clicked, bounced, failed;
                    default sent when sent_at is given, else queued)
Other columns are ignored. A Quicket ticket export (it has ticket number and ticket type
columns) is refused: it holds buyers, not recipients. --force imports it anyway.

Examples:
  attrib recipients import --communication 7 cfp-invite-recipients.csv
  attrib recipients import --communication id:7 brevo-export.csv --format json";

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The email communication (its id, as `attrib comms list` shows: 7 or id:7).
    #[arg(long, value_name = "ID", value_parser = parse_communication_id)]
    pub communication: i32,

    /// The CSV file of recipients.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Import the file even though it looks like a Quicket ticket export.
    #[arg(long)]
    pub force: bool,

    /// Output format of the summary.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// The headers of a Quicket ticket export among a file's headers: its ticket
/// number (or barcode) column and its ticket type column, as written. Read
/// with the Quicket import's own header aliases.
pub fn ticket_export_columns(headers: &[String]) -> Option<(String, String)> {
    use crate::quicket::{ALIASES, Field as Ticket};
    let map = ColumnMap::match_headers(headers, ALIASES);
    let number = map
        .index(Ticket::TicketNumber)
        .or_else(|| map.index(Ticket::Barcode))?;
    let kind = map.index(Ticket::TicketType)?;
    Some((headers[number].clone(), headers[kind].clone()))
}

/// Whether an import takes a communication from `before` recipients to more
/// than twice as many: likely the wrong file. A first list never is.
pub fn more_than_doubles(before: i64, after: i64) -> bool {
    before > 0 && after > 2 * before
}

/// `7` or `id:7`.
pub fn parse_communication_id(text: &str) -> Result<i32, String> {
    let t = text.trim();
    t.strip_prefix("id:")
        .unwrap_or(t)
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| {
            format!("'{t}' is not a communication id; write 7 or id:7 (see `attrib comms list`)")
        })
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Field {
    Email,
    FirstName,
    LastName,
    MessageId,
    SentAt,
    Status,
}

const ALIASES: &[(Field, &[&str])] = &[
    (
        Field::Email,
        &[
            "email",
            "emailaddress",
            "mail",
            "recipient",
            "recipientemail",
            "to",
            "contactemail",
        ],
    ),
    (
        Field::FirstName,
        &["firstname", "first", "givenname", "prenom"],
    ),
    (
        Field::LastName,
        &["lastname", "last", "surname", "familyname", "nom"],
    ),
    (
        Field::MessageId,
        &[
            "brevomessageid",
            "messageid",
            "msgid",
            "brevoid",
            "smtpmessageid",
        ],
    ),
    (
        Field::SentAt,
        &[
            "sentat", "sent", "sentdate", "datesent", "senttime", "senton",
        ],
    ),
    (
        Field::Status,
        &["status", "deliverystatus", "recipientstatus"],
    ),
];

/// What an import did, on stdout.
#[derive(Debug, Default, Serialize)]
pub struct ImportSummary {
    pub communication_id: i32,
    pub file: String,
    /// Data rows read (blank lines not counted).
    pub rows: u64,
    /// Rows whose address appeared earlier in the same file.
    pub duplicates_in_file: u64,
    /// New recipient rows.
    pub added: i64,
    /// Addresses that were already recipients of this communication.
    pub already_there: i64,
    pub contacts_created: i64,
    /// The communication's recipients after the import.
    pub recipient_count: i32,
    /// Brevo events that waited for these recipients and were applied.
    pub waiting_events_applied: i64,
}
impl Record for ImportSummary {}

pub async fn run(app: &mut App, command: RecipientsCommand) -> anyhow::Result<Outcome> {
    match command {
        RecipientsCommand::Import(args) => import(app, args)
            .await
            .map_err(|e| crate::error::ConnectionLost::explain(e, "import")),
    }
}

/// A plausible email address: something@domain.tld, no spaces or list
/// separators. (Deliverability is Brevo's business.)
pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || ",;<>\"".contains(c))
        && !local.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|part| !part.is_empty())
}

/// One checked row, ready for COPY.
#[derive(Debug, Default, PartialEq)]
struct Row {
    email: String,
    first_name: Option<String>,
    last_name: Option<String>,
    message_id: Option<String>,
    sent_at: Option<String>,
    status: Option<RecipientStatus>,
}

/// Checks one row; `get` gives a field's trimmed text (None when the column
/// is missing or the cell empty). Errors name the column as the file does.
fn check_row(
    get: impl Fn(Field) -> Option<String>,
    header: impl Fn(Field) -> String,
) -> Result<Row, (String, String)> {
    let fail = |f: Field, msg: String| (header(f), msg);
    let email = get(Field::Email).ok_or_else(|| {
        fail(
            Field::Email,
            "is empty; every recipient needs an email address".into(),
        )
    })?;
    if !is_email(&email) {
        return Err(fail(
            Field::Email,
            format!("\"{email}\" is not an email address"),
        ));
    }
    if email.chars().count() > 320 {
        return Err(fail(Field::Email, "is longer than 320 characters".into()));
    }
    let name = |f: Field| -> Result<Option<String>, (String, String)> {
        match get(f) {
            Some(n) if n.chars().count() > 100 => {
                Err(fail(f, "is longer than 100 characters".into()))
            }
            other => Ok(other),
        }
    };
    let message_id = get(Field::MessageId).and_then(|m| normalise_message_id(&m));
    if message_id.as_ref().is_some_and(|m| m.chars().count() > 100) {
        return Err(fail(
            Field::MessageId,
            "is longer than 100 characters; is this Brevo's message id?".into(),
        ));
    }
    let sent_at = match get(Field::SentAt) {
        None => None,
        Some(t) => Some(input::check_time(&t).map_err(|e| fail(Field::SentAt, e))?),
    };
    let status = match get(Field::Status) {
        None => None,
        Some(s) => Some(RecipientStatus::parse(&s.to_lowercase()).ok_or_else(|| {
            fail(
                Field::Status,
                format!(
                    "\"{s}\" is not a recipient status; use one of {}",
                    RecipientStatus::allowed()
                ),
            )
        })?),
    };
    Ok(Row {
        first_name: name(Field::FirstName)?,
        last_name: name(Field::LastName)?,
        email,
        message_id,
        sent_at,
        status,
    })
}

/// Appends one field in PostgreSQL's COPY text format: `\N` for NULL,
/// backslash, tab, newline and carriage return escaped.
pub fn copy_field(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        None => out.extend_from_slice(b"\\N"),
        Some(value) => crate::quicket::push_escaped(out, value.as_bytes()),
    }
}

/// COPY data is sent in chunks of about this size.
pub const COPY_CHUNK: usize = 1 << 20;

/// Records an imported file in `import_batches` (see queries/import_batch.sql).
pub struct Batch<'a> {
    pub source: &'a str,
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub bytes: u64,
    pub event_id: Option<i32>,
    pub encoding: &'a str,
    pub rows_read: u64,
    pub rows_rejected: u64,
    pub duplicate_rows: u64,
    pub contacts_created: i64,
    pub started_at: chrono::DateTime<chrono::Utc>,
}

impl Batch<'_> {
    pub async fn record(&self, conn: &mut sqlx::PgConnection) -> sqlx::Result<()> {
        let clamp = |n: u64| i32::try_from(n).unwrap_or(i32::MAX);
        sqlx::query(include_str!("../../queries/import_batch.sql"))
            .bind(self.source)
            .bind(self.file_name)
            .bind(self.sha256)
            .bind(i64::try_from(self.bytes).unwrap_or(i64::MAX))
            .bind(self.event_id)
            .bind(self.encoding)
            .bind(clamp(self.rows_read))
            .bind(clamp(self.rows_rejected))
            .bind(clamp(self.duplicate_rows))
            .bind(i32::try_from(self.contacts_created).unwrap_or(i32::MAX))
            .bind(self.started_at)
            .execute(conn)
            .await?;
        Ok(())
    }
}

#[derive(sqlx::FromRow)]
struct Target {
    channel: String,
    title: Option<String>,
    event_id: i32,
    /// Its recipients before this import.
    before: i64,
}

#[derive(sqlx::FromRow)]
struct Applied {
    duplicates_in_file: i64,
    addresses: i64,
    contacts_created: i64,
    added: i64,
    first_ids: Vec<i32>,
    last_ids: Vec<i32>,
}

async fn import(app: &mut App, args: ImportArgs) -> anyhow::Result<Outcome> {
    let started_at = chrono::Utc::now();
    // Refuse an unreadable file before starting the database.
    let mut csv = input::open_csv(&args.file)?;
    let map = ColumnMap::match_headers(&csv.headers, ALIASES);
    if map.index(Field::Email).is_none() {
        return Err(InputError::file(
            csv.name.clone(),
            format!(
                "has no email column; its columns are: {}. Name the column of addresses 'email'",
                csv.headers.join(", ")
            ),
        )
        .into());
    }
    if let Some((number, kind)) = ticket_export_columns(&csv.headers)
        && !args.force
    {
        return Err(InputError::file(
            csv.name.clone(),
            format!(
                "looks like a Quicket ticket export (it has the columns '{number}' and '{kind}'), \
                 not a list of who an email was sent to; nothing was imported. Import tickets with \
                 `attrib import quicket --event EVENT {}`, or add --force if this really is the \
                 email's recipient list",
                csv.name
            ),
        )
        .into());
    }
    let pool = app.db().await?;
    let mut tx = pool.begin().await?;
    let target: Option<Target> = sqlx::query_as(
        "SELECT co.channel::text AS channel, co.title::text AS title, ca.event_id,
                (SELECT count(*) FROM communication_recipients r WHERE r.communication_id = co.id) AS before
         FROM communications co JOIN campaigns ca ON ca.id = co.campaign_id
         WHERE co.id = $1 FOR UPDATE OF co",
    )
    .bind(args.communication)
    .fetch_optional(&mut *tx)
    .await?;
    let target = target.ok_or_else(|| {
        UsageError(format!(
            "there is no communication id:{}; see `attrib comms list --campaign C`",
            args.communication
        ))
    })?;
    if target.channel != "email" {
        return Err(UsageError(format!(
            "communication id:{} ({}) is a {}; recipients can only be imported for an email",
            args.communication,
            target.title.as_deref().unwrap_or("untitled"),
            target.channel
        ))
        .into());
    }

    sqlx::raw_sql(include_str!("../../queries/recipients_staging.sql"))
        .execute(&mut *tx)
        .await?;
    let mut copy = tx
        .copy_in_raw(
            "COPY recipients_staging (line, email, first_name, last_name, message_id, sent_at, status) FROM STDIN",
        )
        .await?;
    let progress = app.ui.progress_bar(csv.size, "reading recipients");
    let header = |f: Field| {
        map.index(f)
            .and_then(|i| csv.headers.get(i).cloned())
            .unwrap_or_else(|| format!("{f:?}").to_lowercase())
    };
    let mut errors: Vec<InputError> = Vec::new();
    let mut error_total = 0usize;
    let mut rows = 0u64;
    let mut buf: Vec<u8> = Vec::with_capacity(COPY_CHUNK + 4096);
    let mut record = csv::ByteRecord::new();
    loop {
        let more = match csv.reader.read_byte_record(&mut record) {
            Ok(more) => more,
            Err(e) => {
                copy.abort("unreadable file").await?;
                return Err(input::csv_error(&csv.name, &e).into());
            }
        };
        if !more {
            break;
        }
        if input::is_blank(&record) {
            continue;
        }
        rows += 1;
        let line = record.position().map_or(rows + 1, |p| p.line());
        let mut cells: Vec<(Field, String)> = Vec::with_capacity(ALIASES.len());
        let checked = match csv.decoder.record(&record) {
            Ok(fields) => {
                for (field, index) in &map.fields {
                    if let Some(text) = fields.get(*index) {
                        let text = text.trim();
                        if !text.is_empty() {
                            // One-line values: a line break inside quotes
                            // is stored as a space.
                            cells.push((*field, text.replace(['\n', '\r'], " ")));
                        }
                    }
                }
                let get = |f: Field| cells.iter().find(|(g, _)| *g == f).map(|(_, v)| v.clone());
                check_row(get, header).map_err(|(column, message)| (Some(column), message))
            }
            // Not text: another encoding on this line, or a NUL byte.
            Err(message) => Err((None, message)),
        };
        match checked {
            Ok(row) => {
                if error_total == 0 {
                    buf.extend_from_slice(line.to_string().as_bytes());
                    for value in [
                        Some(row.email.as_str()),
                        row.first_name.as_deref(),
                        row.last_name.as_deref(),
                        row.message_id.as_deref(),
                        row.sent_at.as_deref(),
                        row.status.map(|s| s.as_str()),
                    ] {
                        buf.push(b'\t');
                        copy_field(&mut buf, value);
                    }
                    buf.push(b'\n');
                    if buf.len() >= COPY_CHUNK {
                        copy.send(std::mem::take(&mut buf)).await?;
                        buf.reserve(COPY_CHUNK + 4096);
                    }
                }
            }
            Err((column, message)) => {
                error_total += 1;
                if errors.len() < 20 {
                    errors.push(InputError::at(
                        csv.name.clone(),
                        line,
                        column.as_deref(),
                        message,
                    ));
                }
            }
        }
        progress.set_position(csv.bytes_read());
    }
    progress.finish_and_clear();
    if error_total > 0 {
        copy.abort("invalid rows").await?;
        return Err(InputErrors {
            errors,
            total: error_total,
            hint: "Fix these rows in the file and import it again.".into(),
        }
        .into());
    }
    if rows == 0 {
        copy.abort("no rows").await?;
        return Err(InputError::file(csv.name.clone(), "has a header but no recipients").into());
    }
    if !buf.is_empty() {
        copy.send(buf).await?;
    }
    copy.finish().await?;

    let applied: Applied = sqlx::query_as(include_str!("../../queries/recipients_import.sql"))
        .bind(args.communication)
        .fetch_one(&mut *tx)
        .await?;
    let recipient_count: i32 =
        sqlx::query_scalar(include_str!("../../queries/recipients_count.sql"))
            .bind(args.communication)
            .fetch_one(&mut *tx)
            .await?;
    // Brevo events that arrived before this list apply now.
    let rematched = crate::brevo::apply::rematch(&mut tx).await?;
    let sha256 = csv.sha256_hex()?;
    // Only a list that added something is recorded: it is what `imports
    // undo` can take back. The same list again leaves no trace.
    let batch_id: Option<i32> = if applied.added > 0 || applied.contacts_created > 0 {
        let clamp = |n: u64| i32::try_from(n).unwrap_or(i32::MAX);
        Some(
            sqlx::query_scalar(include_str!("../../queries/recipients_batch.sql"))
                .bind(&csv.name)
                .bind(&sha256)
                .bind(i64::try_from(csv.size).unwrap_or(i64::MAX))
                .bind(target.event_id)
                .bind(csv.decoder.encoding().name())
                .bind(clamp(rows))
                .bind(clamp(
                    u64::try_from(applied.duplicates_in_file + applied.addresses - applied.added)
                        .unwrap_or(0),
                ))
                .bind(i32::try_from(applied.contacts_created).unwrap_or(i32::MAX))
                .bind(started_at)
                .bind(&applied.first_ids)
                .bind(&applied.last_ids)
                .fetch_one(&mut *tx)
                .await?,
        )
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

    let summary = ImportSummary {
        communication_id: args.communication,
        file: csv.name.clone(),
        rows,
        duplicates_in_file: u64::try_from(applied.duplicates_in_file).unwrap_or(0),
        added: applied.added,
        already_there: applied.addresses - applied.added,
        contacts_created: applied.contacts_created,
        recipient_count,
        waiting_events_applied: rematched.map_or(0, |r| r.waiting_applied),
    };
    print_summary(app, args.format, &summary, target.title.as_deref())?;
    if more_than_doubles(target.before, i64::from(recipient_count)) {
        let undo = batch_id.map_or(String::new(), |id| {
            format!(" If it was the wrong file, take it back with `attrib imports undo {id}`.")
        });
        app.ui.warn(format!(
            "{} more than doubled the recipients of communication id:{} ({}): from {} to {}.{undo}",
            csv.name,
            args.communication,
            target.title.as_deref().unwrap_or("untitled"),
            target.before,
            recipient_count
        ));
    }
    Ok(Outcome::Success)
}

fn print_summary(
    app: &App,
    format: Format,
    s: &ImportSummary,
    title: Option<&str>,
) -> anyhow::Result<()> {
    match format {
        Format::Json => crate::outln!("{}", serde_json::to_string_pretty(s)?)?,
        Format::Table => {
            if !app.ui.quiet {
                let duplicates = if s.duplicates_in_file > 0 {
                    format!(" ({} repeated in the file)", s.duplicates_in_file)
                } else {
                    String::new()
                };
                crate::outln!(
                    "{}: {}; {} added, {} already there{duplicates}; {}.\n\
                     Communication id:{} ({}) now has {}.",
                    s.file,
                    plural(i64::try_from(s.rows).unwrap_or(i64::MAX), "row", "rows"),
                    plural(s.added, "recipient", "recipients"),
                    s.already_there,
                    plural(s.contacts_created, "new contact", "new contacts"),
                    s.communication_id,
                    title.unwrap_or("untitled"),
                    plural(i64::from(s.recipient_count), "recipient", "recipients")
                )?;
            }
        }
        other => output::print_sections(
            &app.ui,
            other,
            &[Section::new("Recipients imported", std::slice::from_ref(s))],
        )?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_addresses() {
        for good in ["jane@example.com", "J.Smith+cfp@mail.co.za", "a@b.c"] {
            assert!(is_email(good), "{good}");
        }
        for bad in [
            "bob@",
            "@x.org",
            "bob",
            "bob@localhost",
            "a b@x.org",
            "a@x..org",
            "a@b.c,d@e.f",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn copy_text_format_escapes() {
        let mut out = Vec::new();
        copy_field(&mut out, Some("a\tb\\c\nd\re"));
        out.push(b'|');
        copy_field(&mut out, None);
        out.push(b'|');
        copy_field(&mut out, Some("plain"));
        assert_eq!(out, b"a\\tb\\\\c\\nd\\re|\\N|plain");
    }

    fn check(cells: &[(Field, &str)]) -> Result<Row, (String, String)> {
        check_row(
            |f| {
                cells
                    .iter()
                    .find(|(g, _)| *g == f)
                    .map(|(_, v)| v.trim().to_string())
                    .filter(|v| !v.is_empty())
            },
            |f| format!("{f:?}"),
        )
    }

    #[test]
    fn rows_are_checked_field_by_field() {
        let row = check(&[
            (Field::Email, "Jane@Example.com"),
            (Field::MessageId, "<1.2@smtp-relay.mailin.fr>"),
            (Field::SentAt, "2026-03-02 09:30"),
            (Field::Status, "Delivered"),
        ])
        .unwrap();
        assert_eq!(row.email, "Jane@Example.com");
        assert_eq!(row.message_id.as_deref(), Some("1.2@smtp-relay.mailin.fr"));
        assert_eq!(row.sent_at.as_deref(), Some("2026-03-02 09:30:00"));
        assert_eq!(row.status, Some(RecipientStatus::Delivered));
        assert_eq!(
            check(&[(Field::Email, " ")]).unwrap_err(),
            (
                "Email".into(),
                "is empty; every recipient needs an email address".into()
            )
        );
        assert_eq!(
            check(&[(Field::Email, "bob@")]).unwrap_err().1,
            "\"bob@\" is not an email address"
        );
        assert_eq!(
            check(&[(Field::Email, "a@b.co"), (Field::Status, "read")]).unwrap_err(),
            (
                "Status".into(),
                "\"read\" is not a recipient status; use one of queued, sent, delivered, opened, clicked, bounced, failed".into()
            )
        );
        assert!(
            check(&[(Field::Email, "a@b.co"), (Field::SentAt, "yesterday")])
                .unwrap_err()
                .1
                .contains("is not a date and time")
        );
    }

    #[test]
    fn a_ticket_export_is_recognised_by_its_headers() {
        let headers = |list: &[&str]| list.iter().map(|h| h.to_string()).collect::<Vec<_>>();
        assert_eq!(
            ticket_export_columns(&headers(&[
                "Order Number",
                "Ticket Number",
                "Ticket Type",
                "Email"
            ])),
            Some(("Ticket Number".into(), "Ticket Type".into()))
        );
        assert_eq!(
            ticket_export_columns(&headers(&["Barcode", "ticket_type_name", "E-mail"])),
            Some(("Barcode".into(), "ticket_type_name".into()))
        );
        assert_eq!(
            ticket_export_columns(&headers(&["Email", "First Name", "Status"])),
            None
        );
        assert_eq!(
            ticket_export_columns(&headers(&["Email", "Ticket Number"])),
            None,
            "a ticket number alone is not an export"
        );
    }

    #[test]
    fn doubling() {
        assert!(!more_than_doubles(0, 701), "a first list");
        assert!(!more_than_doubles(100, 200));
        assert!(more_than_doubles(100, 201));
        assert_eq!(plural(1, "new contact", "new contacts"), "1 new contact");
        assert_eq!(plural(0, "new contact", "new contacts"), "0 new contacts");
    }

    #[test]
    fn communication_ids() {
        assert_eq!(parse_communication_id("7"), Ok(7));
        assert_eq!(parse_communication_id("id:7"), Ok(7));
        assert!(parse_communication_id("cfp").is_err());
        assert!(parse_communication_id("0").is_err());
    }
}
