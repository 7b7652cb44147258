-- 003: campaign tracking, as specified in the user's design note.
--
-- Replaces email_log (subject, recipient_count, template_used: no per-recipient
-- tracking, never used) with campaigns, communications, per-recipient tracking,
-- marketing assets and their distributions. Tables are created in foreign-key
-- order; the rows of email_log are carried over before it is dropped, so that
-- no data is lost. Fourteen tables in `public` afterwards (10 + 5 - 1).

-- Groups related outreach for one purpose of one event ("CFP 2026").
CREATE TABLE campaigns (
    id             SERIAL PRIMARY KEY,
    name           VARCHAR(200) NOT NULL,
    event_id       INTEGER NOT NULL REFERENCES events (id),
    campaign_type  VARCHAR(50) NOT NULL
                   CHECK (campaign_type IN ('cfp', 'registration', 'reminder', 'thank_you', 'sponsor', 'general')),
    description    TEXT,
    status         VARCHAR(20) DEFAULT 'draft'
                   CHECK (status IN ('draft', 'active', 'completed', 'cancelled')),
    created_at     TIMESTAMPTZ DEFAULT NOW(),
    updated_at     TIMESTAMPTZ DEFAULT NOW()
);

-- One outreach action within a campaign: an email blast, a LinkedIn post, a flyer.
CREATE TABLE communications (
    id                 SERIAL PRIMARY KEY,
    campaign_id        INTEGER NOT NULL REFERENCES campaigns (id),
    channel            VARCHAR(30) NOT NULL
                       CHECK (channel IN ('email', 'linkedin_post', 'marketing_material')),
    title              VARCHAR(500),
    brevo_template_id  INTEGER,          -- email only: the Brevo template (templates.json ids)
    post_url           TEXT,             -- LinkedIn only: the published post
    content_summary    TEXT,
    recipient_count    INTEGER DEFAULT 0,
    status             VARCHAR(20) DEFAULT 'draft'
                       CHECK (status IN ('draft', 'sending', 'sent', 'published', 'failed')),
    sent_at            TIMESTAMPTZ,
    created_at         TIMESTAMPTZ DEFAULT NOW()
);

-- Per-recipient tracking for emails: who was sent what.
CREATE TABLE communication_recipients (
    id                SERIAL PRIMARY KEY,
    communication_id  INTEGER NOT NULL REFERENCES communications (id),
    contact_id        INTEGER NOT NULL REFERENCES contacts (id),
    status            VARCHAR(20) DEFAULT 'queued'
                      CHECK (status IN ('queued', 'sent', 'delivered', 'opened', 'clicked', 'bounced', 'failed')),
    brevo_message_id  VARCHAR(100),
    sent_at           TIMESTAMPTZ,
    metadata          JSONB,            -- channel-specific data: Brevo webhook events, ...
    CONSTRAINT communication_recipients_no_duplicate_sends UNIQUE (communication_id, contact_id)
);

-- Materials created for campaigns or events: social graphics, flyers, banners.
CREATE TABLE marketing_assets (
    id           SERIAL PRIMARY KEY,
    campaign_id  INTEGER REFERENCES campaigns (id),   -- optional: an asset may exist outside a campaign
    event_id     INTEGER NOT NULL REFERENCES events (id),
    asset_type   VARCHAR(50) NOT NULL
                 CHECK (asset_type IN ('social_graphic', 'flyer', 'banner', 'poster', 'video', 'presentation')),
    title        VARCHAR(200) NOT NULL,
    description  TEXT,
    file_url     TEXT,
    created_at   TIMESTAMPTZ DEFAULT NOW()
);

-- Where and when a material was shared.
CREATE TABLE asset_distributions (
    id              SERIAL PRIMARY KEY,
    asset_id        INTEGER NOT NULL REFERENCES marketing_assets (id),
    channel         VARCHAR(50) NOT NULL
                    CHECK (channel IN ('linkedin', 'whatsapp', 'twitter', 'print', 'email', 'website')),
    distributed_at  TIMESTAMPTZ DEFAULT NOW(),
    reach_estimate  INTEGER,
    notes           TEXT
);

-- Indexes, as listed in the specification. The UNIQUE constraint above is
-- the (communication_id, contact_id) index that prevents duplicate sends.
CREATE INDEX campaigns_event_id_idx ON campaigns (event_id);
CREATE INDEX campaigns_campaign_type_idx ON campaigns (campaign_type);
CREATE INDEX campaigns_status_idx ON campaigns (status);
CREATE INDEX communications_campaign_id_idx ON communications (campaign_id);
CREATE INDEX communications_channel_idx ON communications (channel);
CREATE INDEX communications_sent_at_idx ON communications (sent_at);
CREATE INDEX communication_recipients_contact_id_idx ON communication_recipients (contact_id);
CREATE INDEX communication_recipients_status_idx ON communication_recipients (status);
CREATE INDEX marketing_assets_event_id_idx ON marketing_assets (event_id);
CREATE INDEX marketing_assets_campaign_id_idx ON marketing_assets (campaign_id);
CREATE INDEX asset_distributions_asset_id_idx ON asset_distributions (asset_id);

-- Carry email_log over: one 'general' campaign per event that has rows, named
-- for the event, and each row a sent email communication. The template name
-- has no column of its own any more, so it is kept in content_summary.
-- The campaigns table is new, so every campaign in it at this point is one of
-- these, one per event: joining on event_id alone is exact.
INSERT INTO campaigns (name, event_id, campaign_type, description, status)
SELECT left('Email log — ' || e.name, 200), e.id, 'general',
       'Emails recorded in email_log before campaign tracking (migration 003).',
       'completed'
FROM events e
WHERE EXISTS (SELECT 1 FROM email_log l WHERE l.event_id = e.id)
ORDER BY e.id;

INSERT INTO communications (campaign_id, channel, title, content_summary, recipient_count, status, sent_at, created_at)
SELECT c.id, 'email', l.subject,
       'Template: ' || l.template_used,
       l.recipient_count, 'sent', l.sent_at, l.sent_at
FROM email_log l
JOIN campaigns c ON c.event_id = l.event_id
ORDER BY l.id;

DROP TABLE email_log;
