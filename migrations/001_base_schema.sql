-- 001: the system as it stood before campaign tracking.
--
-- Nine tables: events, organisations, contacts, tickets, speakers, sessions,
-- sponsors, event_sponsors and email_log. `tickets.marketing_source` is free
-- text copied from the Quicket export; by convention it names a campaign by
-- its slug (e.g. 'cfp-2026'), see DATABASE.md.

CREATE TABLE events (
    id          SERIAL PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    -- The short name organisers type: `attrib report --event data-ai-day-2026`.
    slug        VARCHAR(100) NOT NULL UNIQUE
                CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    starts_on   DATE NOT NULL,
    ends_on     DATE,
    venue       TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX events_starts_on_idx ON events (starts_on);

CREATE TABLE organisations (
    id          SERIAL PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    website     TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
-- "Acme Ltd" and "ACME LTD" are one organisation.
CREATE UNIQUE INDEX organisations_name_key ON organisations (lower(name));

CREATE TABLE contacts (
    id               SERIAL PRIMARY KEY,
    email            VARCHAR(320) NOT NULL,
    first_name       VARCHAR(100),
    last_name        VARCHAR(100),
    phone            VARCHAR(50),
    organisation_id  INTEGER REFERENCES organisations (id) ON DELETE SET NULL,
    job_title        VARCHAR(200),
    created_at       TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
-- One person per address, whatever its capitalisation.
CREATE UNIQUE INDEX contacts_email_key ON contacts (lower(email));
CREATE INDEX contacts_organisation_id_idx ON contacts (organisation_id);

CREATE TABLE tickets (
    id                SERIAL PRIMARY KEY,
    event_id          INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    contact_id        INTEGER NOT NULL REFERENCES contacts (id),
    -- Quicket's ticket number (or ticket id / barcode when the export has no number).
    ticket_number     VARCHAR(100) NOT NULL,
    barcode           VARCHAR(100),
    order_number      VARCHAR(100),
    ticket_type       VARCHAR(200),
    price             NUMERIC(12, 2) CHECK (price >= 0),
    purchased_at      TIMESTAMPTZ NOT NULL,
    -- A registration is a ticket that is neither cancelled nor refunded.
    status            VARCHAR(20) NOT NULL DEFAULT 'valid'
                      CHECK (status IN ('valid', 'cancelled', 'refunded')),
    checked_in        BOOLEAN NOT NULL DEFAULT FALSE,
    checked_in_at     TIMESTAMPTZ,
    discount_code     VARCHAR(100),
    -- Free text from the export; names a campaign by slug, e.g. 'cfp-2026'.
    marketing_source  TEXT,
    -- Export columns with no column of their own (custom questions, ...),
    -- keyed by their original header, so that nothing in a file is lost.
    extra             JSONB NOT NULL DEFAULT '{}'::jsonb,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE (event_id, ticket_number)
);
CREATE INDEX tickets_contact_id_idx ON tickets (contact_id);
CREATE INDEX tickets_event_purchased_at_idx ON tickets (event_id, purchased_at);

CREATE TABLE speakers (
    id          SERIAL PRIMARY KEY,
    contact_id  INTEGER NOT NULL REFERENCES contacts (id),
    bio         TEXT,
    photo_url   TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE (contact_id)
);

CREATE TABLE sessions (
    id          SERIAL PRIMARY KEY,
    event_id    INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    speaker_id  INTEGER REFERENCES speakers (id) ON DELETE SET NULL,
    title       VARCHAR(300) NOT NULL,
    abstract    TEXT,
    room        VARCHAR(100),
    starts_at   TIMESTAMPTZ,
    ends_at     TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at)
);
CREATE INDEX sessions_event_id_idx ON sessions (event_id);
CREATE INDEX sessions_speaker_id_idx ON sessions (speaker_id);

CREATE TABLE sponsors (
    id               SERIAL PRIMARY KEY,
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id),
    contact_id       INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
    logo_url         TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE (organisation_id)
);

CREATE TABLE event_sponsors (
    event_id    INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    sponsor_id  INTEGER NOT NULL REFERENCES sponsors (id) ON DELETE CASCADE,
    tier        VARCHAR(30) NOT NULL DEFAULT 'supporter'
                CHECK (tier IN ('headline', 'gold', 'silver', 'bronze', 'supporter', 'partner')),
    amount      NUMERIC(12, 2) CHECK (amount >= 0),
    PRIMARY KEY (event_id, sponsor_id)
);
CREATE INDEX event_sponsors_sponsor_id_idx ON event_sponsors (sponsor_id);

-- Email sends at a high level. Never used in practice; replaced by the
-- campaign tables in 003, which carries its rows over before dropping it.
CREATE TABLE email_log (
    id               SERIAL PRIMARY KEY,
    event_id         INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    subject          VARCHAR(500) NOT NULL,
    recipient_count  INTEGER NOT NULL DEFAULT 0 CHECK (recipient_count >= 0),
    template_used    VARCHAR(200),
    sent_at          TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX email_log_event_id_idx ON email_log (event_id);
