//! Migration 003 against the user's specification, read back from
//! `information_schema` and `pg_catalog`, and the specification's own
//! verification steps.

use crate::harness::TestDb;

const FOURTEEN: [&str; 14] = [
    "asset_distributions",
    "campaigns",
    "communication_recipients",
    "communications",
    "contacts",
    "event_sponsors",
    "events",
    "import_batches",
    "marketing_assets",
    "organisations",
    "sessions",
    "speakers",
    "sponsors",
    "tickets",
];

#[tokio::test]
async fn public_holds_exactly_the_fourteen_tables() {
    let db = TestDb::migrated().await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(tables, FOURTEEN);
    // email_log is gone; sqlx's bookkeeping is outside public.
    assert!(
        !db.scalar::<bool>("SELECT to_regclass('public.email_log') IS NOT NULL")
            .await
    );
    assert!(
        db.scalar::<bool>("SELECT to_regclass('attrib._sqlx_migrations') IS NOT NULL")
            .await
    );
}

/// (table, column, data type as format_type prints it, NOT NULL, default).
const SPEC_COLUMNS: &[(&str, &str, &str, bool, Option<&str>)] = &[
    (
        "campaigns",
        "id",
        "integer",
        true,
        Some("nextval('campaigns_id_seq'::regclass)"),
    ),
    ("campaigns", "name", "character varying(200)", true, None),
    ("campaigns", "event_id", "integer", true, None),
    (
        "campaigns",
        "campaign_type",
        "character varying(50)",
        true,
        None,
    ),
    ("campaigns", "description", "text", false, None),
    (
        "campaigns",
        "status",
        "character varying(20)",
        false,
        Some("'draft'::character varying"),
    ),
    (
        "campaigns",
        "created_at",
        "timestamp with time zone",
        false,
        Some("now()"),
    ),
    (
        "campaigns",
        "updated_at",
        "timestamp with time zone",
        false,
        Some("now()"),
    ),
    (
        "communications",
        "id",
        "integer",
        true,
        Some("nextval('communications_id_seq'::regclass)"),
    ),
    ("communications", "campaign_id", "integer", true, None),
    (
        "communications",
        "channel",
        "character varying(30)",
        true,
        None,
    ),
    (
        "communications",
        "title",
        "character varying(500)",
        false,
        None,
    ),
    (
        "communications",
        "brevo_template_id",
        "integer",
        false,
        None,
    ),
    ("communications", "post_url", "text", false, None),
    ("communications", "content_summary", "text", false, None),
    (
        "communications",
        "recipient_count",
        "integer",
        false,
        Some("0"),
    ),
    (
        "communications",
        "status",
        "character varying(20)",
        false,
        Some("'draft'::character varying"),
    ),
    (
        "communications",
        "sent_at",
        "timestamp with time zone",
        false,
        None,
    ),
    (
        "communications",
        "created_at",
        "timestamp with time zone",
        false,
        Some("now()"),
    ),
    (
        "communication_recipients",
        "id",
        "integer",
        true,
        Some("nextval('communication_recipients_id_seq'::regclass)"),
    ),
    (
        "communication_recipients",
        "communication_id",
        "integer",
        true,
        None,
    ),
    (
        "communication_recipients",
        "contact_id",
        "integer",
        true,
        None,
    ),
    (
        "communication_recipients",
        "status",
        "character varying(20)",
        false,
        Some("'queued'::character varying"),
    ),
    (
        "communication_recipients",
        "brevo_message_id",
        "character varying(100)",
        false,
        None,
    ),
    (
        "communication_recipients",
        "sent_at",
        "timestamp with time zone",
        false,
        None,
    ),
    ("communication_recipients", "metadata", "jsonb", false, None),
    (
        "marketing_assets",
        "id",
        "integer",
        true,
        Some("nextval('marketing_assets_id_seq'::regclass)"),
    ),
    ("marketing_assets", "campaign_id", "integer", false, None),
    ("marketing_assets", "event_id", "integer", true, None),
    (
        "marketing_assets",
        "asset_type",
        "character varying(50)",
        true,
        None,
    ),
    (
        "marketing_assets",
        "title",
        "character varying(200)",
        true,
        None,
    ),
    ("marketing_assets", "description", "text", false, None),
    ("marketing_assets", "file_url", "text", false, None),
    (
        "marketing_assets",
        "created_at",
        "timestamp with time zone",
        false,
        Some("now()"),
    ),
    (
        "asset_distributions",
        "id",
        "integer",
        true,
        Some("nextval('asset_distributions_id_seq'::regclass)"),
    ),
    ("asset_distributions", "asset_id", "integer", true, None),
    (
        "asset_distributions",
        "channel",
        "character varying(50)",
        true,
        None,
    ),
    (
        "asset_distributions",
        "distributed_at",
        "timestamp with time zone",
        false,
        Some("now()"),
    ),
    (
        "asset_distributions",
        "reach_estimate",
        "integer",
        false,
        None,
    ),
    ("asset_distributions", "notes", "text", false, None),
];

/// Columns later migrations add to the spec's tables, each asked for by an
/// issue; nothing else may appear there. (`communications.brevo_campaign_id`:
/// migration 006, the Brevo marketing campaign an email was sent as.)
const ADDED_COLUMNS: &[(&str, &str, &str, bool, Option<&str>)] = &[(
    "communications",
    "brevo_campaign_id",
    "integer",
    false,
    None,
)];

#[tokio::test]
async fn every_specified_column_type_default_and_not_null() {
    let db = TestDb::migrated().await;
    let rows: Vec<(String, String, String, bool, Option<String>)> = sqlx::query_as(
        "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod),
                a.attnotnull, pg_get_expr(d.adbin, d.adrelid)
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE c.relname IN ('campaigns', 'communications', 'communication_recipients',
                             'marketing_assets', 'asset_distributions')
           AND a.attnum > 0 AND NOT a.attisdropped
         ORDER BY c.relname, a.attnum",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let mut expected: Vec<(String, String, String, bool, Option<String>)> = SPEC_COLUMNS
        .iter()
        .chain(ADDED_COLUMNS)
        .map(|(t, c, ty, nn, d)| {
            (
                t.to_string(),
                c.to_string(),
                ty.to_string(),
                *nn,
                d.map(str::to_string),
            )
        })
        .collect();
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    let mut actual = rows.clone();
    actual.sort_by(|a, b| a.0.cmp(&b.0));
    // Same set, column for column (order within a table as specified).
    for table in [
        "campaigns",
        "communications",
        "communication_recipients",
        "marketing_assets",
        "asset_distributions",
    ] {
        let want: Vec<_> = SPEC_COLUMNS
            .iter()
            .chain(ADDED_COLUMNS)
            .filter(|c| c.0 == table)
            .map(|c| (c.1, c.2, c.3, c.4))
            .collect();
        let got: Vec<_> = rows
            .iter()
            .filter(|c| c.0 == table)
            .map(|c| (c.1.as_str(), c.2.as_str(), c.3, c.4.as_deref()))
            .collect();
        assert_eq!(got, want, "columns of {table}");
    }
    // Primary keys are the id columns.
    let pks: Vec<(String, String)> = sqlx::query_as(
        "SELECT tc.table_name::text, kcu.column_name::text
         FROM information_schema.table_constraints tc
         JOIN information_schema.key_column_usage kcu USING (constraint_schema, constraint_name)
         WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = 'public'
           AND tc.table_name IN ('campaigns', 'communications', 'communication_recipients',
                                 'marketing_assets', 'asset_distributions')
         ORDER BY 1",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert!(
        pks.iter().all(|(_, c)| c == "id") && pks.len() == 5,
        "{pks:?}"
    );
}

#[tokio::test]
async fn every_specified_foreign_key() {
    let db = TestDb::migrated().await;
    let fks: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT cl.relname::text, a.attname::text, rc.relname::text, ra.attname::text
         FROM pg_constraint con
         JOIN pg_class cl ON cl.oid = con.conrelid
         JOIN pg_class rc ON rc.oid = con.confrelid
         JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
         JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = con.confkey[1]
         WHERE con.contype = 'f'
           AND cl.relname IN ('campaigns', 'communications', 'communication_recipients',
                              'marketing_assets', 'asset_distributions')
         ORDER BY 1, 2",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let want = [
        ("asset_distributions", "asset_id", "marketing_assets", "id"),
        ("campaigns", "event_id", "events", "id"),
        (
            "communication_recipients",
            "communication_id",
            "communications",
            "id",
        ),
        ("communication_recipients", "contact_id", "contacts", "id"),
        ("communications", "campaign_id", "campaigns", "id"),
        ("marketing_assets", "campaign_id", "campaigns", "id"),
        ("marketing_assets", "event_id", "events", "id"),
    ];
    let got: Vec<(&str, &str, &str, &str)> = fks
        .iter()
        .map(|(a, b, c, d)| (a.as_str(), b.as_str(), c.as_str(), d.as_str()))
        .collect();
    assert_eq!(got, want);
}

#[tokio::test]
async fn every_specified_index() {
    let db = TestDb::migrated().await;
    let indexes: Vec<(String, String, bool)> = sqlx::query_as(
        "SELECT t.relname::text,
                string_agg(a.attname, ',' ORDER BY k.ord),
                ix.indisunique
         FROM pg_index ix
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
         CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
         WHERE NOT ix.indisprimary
         GROUP BY t.relname, ix.indexrelid, ix.indisunique",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let spec = [
        ("campaigns", "event_id", false),
        ("campaigns", "campaign_type", false),
        ("campaigns", "status", false),
        ("communications", "campaign_id", false),
        ("communications", "channel", false),
        ("communications", "sent_at", false),
        (
            "communication_recipients",
            "communication_id,contact_id",
            true,
        ),
        ("communication_recipients", "contact_id", false),
        ("communication_recipients", "status", false),
        ("marketing_assets", "event_id", false),
        ("marketing_assets", "campaign_id", false),
        ("asset_distributions", "asset_id", false),
    ];
    for (table, columns, unique) in spec {
        assert!(
            indexes
                .iter()
                .any(|(t, c, u)| t == table && c == columns && (*u || !unique)),
            "missing index on {table} ({columns}){}; have {indexes:?}",
            if unique { " UNIQUE" } else { "" }
        );
    }
}

/// The tickets' indexes are the ones some query uses (docs/import.md shows
/// which): migration 009 dropped (event_id, purchased_at), used by none and
/// the costliest to keep on a first import.
#[tokio::test]
async fn tickets_keep_only_the_indexes_queries_use() {
    let db = TestDb::migrated().await;
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT string_agg(a.attname, ',' ORDER BY k.ord)
         FROM pg_index ix
         CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum
         WHERE ix.indrelid = 'public.tickets'::regclass
         GROUP BY ix.indexrelid
         ORDER BY 1",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        indexes,
        [
            "contact_id",
            "event_id,marketing_source",
            "event_id,ticket_number",
            "id"
        ]
    );
}

/// A fixture every CHECK test starts from: one event, campaign, contact,
/// communication and asset, all valid.
async fn minimal_flow(db: &TestDb) {
    db.exec(
        "INSERT INTO events (id, name, slug, starts_on) VALUES (1, 'Data & AI Day 2026', 'data-ai-day-2026', '2026-09-17');
         INSERT INTO contacts (id, email, first_name) VALUES (1, 'jane@example.com', 'Jane'), (2, 'sam@example.com', 'Sam');
         INSERT INTO campaigns (id, name, event_id, campaign_type) VALUES (1, 'CFP 2026', 1, 'cfp');
         INSERT INTO communications (id, campaign_id, channel, title, brevo_template_id, sent_at)
           VALUES (1, 1, 'email', 'Call for papers is open', 12, '2026-03-01 09:00+02');
         INSERT INTO communications (id, campaign_id, channel, title, post_url, sent_at)
           VALUES (2, 1, 'linkedin_post', 'Speak at Data & AI Day', 'https://www.linkedin.com/posts/x', '2026-03-02 10:00+02');
         INSERT INTO communication_recipients (communication_id, contact_id, status, sent_at)
           VALUES (1, 1, 'delivered', '2026-03-01 09:00+02');
         INSERT INTO marketing_assets (id, campaign_id, event_id, asset_type, title)
           VALUES (1, 1, 1, 'flyer', 'CFP flyer');
         INSERT INTO asset_distributions (asset_id, channel, reach_estimate, notes)
           VALUES (1, 'linkedin', 1200, 'Posted in SA Data & AI LinkedIn group');",
    )
    .await;
}

#[tokio::test]
async fn each_check_constraint_rejects_a_bad_value() {
    let db = TestDb::migrated().await;
    minimal_flow(&db).await;
    let bad = [
        "INSERT INTO campaigns (name, event_id, campaign_type) VALUES ('x', 1, 'newsletter')",
        "INSERT INTO campaigns (name, event_id, campaign_type, status) VALUES ('x', 1, 'cfp', 'paused')",
        "INSERT INTO communications (campaign_id, channel) VALUES (1, 'fax')",
        "INSERT INTO communications (campaign_id, channel, status) VALUES (1, 'email', 'queued')",
        "UPDATE communication_recipients SET status = 'read'",
        "INSERT INTO marketing_assets (event_id, asset_type, title) VALUES (1, 'mug', 'x')",
        "INSERT INTO asset_distributions (asset_id, channel) VALUES (1, 'fax')",
    ];
    for sql in bad {
        let err = sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&db.pool)
            .await
            .expect_err(sql);
        let code = err
            .as_database_error()
            .and_then(|e| e.code())
            .map(|c| c.to_string());
        assert_eq!(code.as_deref(), Some("23514"), "{sql}: {err}");
    }
    // And every allowed value is accepted.
    for t in [
        "cfp",
        "registration",
        "reminder",
        "thank_you",
        "sponsor",
        "general",
    ] {
        for s in ["draft", "active", "completed", "cancelled"] {
            db.exec(&format!(
                "INSERT INTO campaigns (name, event_id, campaign_type, status) VALUES ('{t} {s}', 1, '{t}', '{s}')"
            ))
            .await;
        }
    }
    for s in [
        "queued",
        "sent",
        "delivered",
        "opened",
        "clicked",
        "bounced",
        "failed",
    ] {
        db.exec(&format!(
            "UPDATE communication_recipients SET status = '{s}'"
        ))
        .await;
    }
}

#[tokio::test]
async fn unique_communication_contact_rejects_a_duplicate_send() {
    let db = TestDb::migrated().await;
    minimal_flow(&db).await;
    let err = sqlx::query(
        "INSERT INTO communication_recipients (communication_id, contact_id) VALUES (1, 1)",
    )
    .execute(&db.pool)
    .await
    .expect_err("a duplicate send must be refused");
    assert_eq!(
        err.as_database_error().and_then(|e| e.code()).as_deref(),
        Some("23505")
    );
    // The same contact on another communication is fine.
    db.exec("INSERT INTO communication_recipients (communication_id, contact_id) VALUES (2, 1)")
        .await;
}

#[tokio::test]
async fn specification_verification_queries() {
    let db = TestDb::migrated().await;
    minimal_flow(&db).await;
    // "Who did we send the CFP invitation to?"
    let who: Vec<String> = sqlx::query_scalar(
        "SELECT ct.email::text FROM campaigns c
         JOIN communications m ON m.campaign_id = c.id
         JOIN communication_recipients r ON r.communication_id = m.id
         JOIN contacts ct ON ct.id = r.contact_id
         WHERE c.campaign_type = 'cfp'",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(who, ["jane@example.com"]);
    // "What has contact X been sent?"
    let sent: Vec<(String, String)> = sqlx::query_as(
        "SELECT m.title::text, r.status::text FROM communication_recipients r
         JOIN communications m ON m.id = r.communication_id
         JOIN contacts ct ON ct.id = r.contact_id
         WHERE lower(ct.email) = lower($1)",
    )
    .bind("JANE@example.com")
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        sent,
        [(
            "Call for papers is open".to_string(),
            "delivered".to_string()
        )]
    );
    // "What outreach has been done for event Y?" across channels.
    let outreach: Vec<(String, String)> = sqlx::query_as(
        "SELECT m.channel::text, m.title::text FROM campaigns c
         JOIN communications m ON m.campaign_id = c.id
         WHERE c.event_id = 1 ORDER BY m.sent_at",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        outreach,
        [
            ("email".to_string(), "Call for papers is open".to_string()),
            (
                "linkedin_post".to_string(),
                "Speak at Data & AI Day".to_string()
            )
        ]
    );
    // "Where did we share the CFP flyer?"
    let shared: (String, i32) = sqlx::query_as(
        "SELECT d.channel::text, d.reach_estimate FROM asset_distributions d
         JOIN marketing_assets a ON a.id = d.asset_id WHERE a.title = 'CFP flyer'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(shared, ("linkedin".to_string(), 1200));
}

#[tokio::test]
async fn email_log_rows_are_carried_into_the_campaign_tables() {
    use attrib::db::migrate::{MIGRATOR, apply_pending};
    use sqlx::migrate::Migrator;

    let db = TestDb::empty().await;
    let mut conn = db.pool.acquire().await.unwrap();
    // The system as it stood: migrations 001 and 002 only.
    let mut before = Migrator::with_migrations(MIGRATOR.iter().take(2).cloned().collect());
    before.dangerous_set_table_name(MIGRATOR.table_name.clone());
    for schema in MIGRATOR.create_schemas.iter() {
        before.create_schema(schema.clone());
    }
    let applied = apply_pending(&mut conn, &before).await.unwrap();
    assert_eq!(applied.len(), 2);
    db.exec(
        "INSERT INTO events (id, name, slug, starts_on) VALUES
           (1, 'Data & AI Day 2025', 'data-ai-day-2025', '2025-09-18'),
           (2, 'Data & AI Day 2026', 'data-ai-day-2026', '2026-09-17'),
           (3, 'Quiet Event', 'quiet-event', '2026-01-01');
         INSERT INTO email_log (event_id, subject, recipient_count, template_used, sent_at) VALUES
           (1, 'Thanks for coming', 410, 'thank-you-v2', '2025-09-20 10:00+02'),
           (2, 'CFP is open', 1200, 'cfp-invite', '2026-03-01 09:00+02'),
           (2, 'Early bird ends Friday', 1500, NULL, '2026-05-01 09:00+02');",
    )
    .await;
    let applied = apply_pending(&mut conn, &MIGRATOR).await.unwrap();
    // 003 and whatever came after it.
    let after_002: Vec<i64> = MIGRATOR
        .iter()
        .map(|m| m.version)
        .filter(|v| *v >= 3)
        .collect();
    assert_eq!(
        applied.iter().map(|a| a.version).collect::<Vec<_>>(),
        after_002
    );
    drop(conn);

    let campaigns: Vec<(i32, String, String, Option<String>)> = sqlx::query_as(
        "SELECT event_id, name::text, campaign_type::text, status::text FROM campaigns ORDER BY event_id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        campaigns,
        [
            (
                1,
                "Email log — Data & AI Day 2025".into(),
                "general".into(),
                Some("completed".into())
            ),
            (
                2,
                "Email log — Data & AI Day 2026".into(),
                "general".into(),
                Some("completed".into())
            ),
        ]
    );
    type Comm = (
        i32,
        String,
        String,
        Option<String>,
        Option<i32>,
        Option<String>,
        String,
    );
    let comms: Vec<Comm> = sqlx::query_as(
        "SELECT c.event_id, m.channel::text, m.title::text, m.content_summary, m.recipient_count,
                m.status::text, to_char(m.sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')
         FROM communications m JOIN campaigns c ON c.id = m.campaign_id ORDER BY m.sent_at",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        comms,
        [
            (
                1,
                "email".into(),
                "Thanks for coming".into(),
                Some("Template: thank-you-v2".into()),
                Some(410),
                Some("sent".into()),
                "2025-09-20 08:00".into()
            ),
            (
                2,
                "email".into(),
                "CFP is open".into(),
                Some("Template: cfp-invite".into()),
                Some(1200),
                Some("sent".into()),
                "2026-03-01 07:00".into()
            ),
            (
                2,
                "email".into(),
                "Early bird ends Friday".into(),
                None,
                Some(1500),
                Some("sent".into()),
                "2026-05-01 07:00".into()
            ),
        ]
    );
    assert!(
        !db.scalar::<bool>("SELECT to_regclass('public.email_log') IS NOT NULL")
            .await
    );
}

#[tokio::test]
async fn rust_vocabulary_matches_the_check_constraints() {
    use attrib::vocabulary::*;
    fn strs<T: Copy>(all: &[T], f: fn(T) -> &'static str) -> Vec<String> {
        all.iter().map(|v| f(*v).to_string()).collect()
    }
    let db = TestDb::migrated().await;
    let cases = [
        (
            "campaigns",
            "campaign_type",
            strs(CampaignType::ALL, CampaignType::as_str),
        ),
        (
            "campaigns",
            "status",
            strs(CampaignStatus::ALL, CampaignStatus::as_str),
        ),
        (
            "communications",
            "channel",
            strs(Channel::ALL, Channel::as_str),
        ),
        (
            "communications",
            "status",
            strs(CommunicationStatus::ALL, CommunicationStatus::as_str),
        ),
        (
            "communication_recipients",
            "status",
            strs(RecipientStatus::ALL, RecipientStatus::as_str),
        ),
        (
            "marketing_assets",
            "asset_type",
            strs(AssetType::ALL, AssetType::as_str),
        ),
        (
            "asset_distributions",
            "channel",
            strs(DistributionChannel::ALL, DistributionChannel::as_str),
        ),
        (
            "tickets",
            "status",
            strs(TicketStatus::ALL, TicketStatus::as_str),
        ),
    ];
    for (table, column, want) in cases {
        let def: String = sqlx::query_scalar(
            "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
             WHERE c.contype = 'c' AND c.conrelid = $1::regclass AND a.attname = $2
               AND cardinality(c.conkey) = 1",
        )
        .bind(table)
        .bind(column)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        // The quoted literals of `CHECK (col IN ('a', 'b'))`, i.e. ANY (ARRAY['a'::text, ...]).
        let values: Vec<String> = def
            .split('\'')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect();
        assert_eq!(values, want, "{table}.{column}: {def}");
    }
}
