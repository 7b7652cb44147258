-- The rows of one Quicket export, each validated by attrib, before they
-- touch the real tables. TEMP: private to this connection, in local memory
-- (temp_buffers), never WAL-logged, dropped when the transaction ends.
-- The columns follow quicket::STAGING_COLUMNS; purchased_at and
-- checked_in_at are typed timestamptz, so that PostgreSQL reads times
-- without an offset in the session time zone (--timezone).
CREATE TEMP TABLE quicket_staging (
    line              bigint      NOT NULL,  -- line of the file, for "later line wins"
    ticket_number     text        NOT NULL,
    barcode           text,
    order_number      text,
    ticket_type       text,
    price             numeric(12, 2),
    purchased_at      timestamptz NOT NULL,
    status            text,                  -- NULL: the file does not say
    checked_in        boolean,               -- NULL: the file does not say
    checked_in_at     timestamptz,
    discount_code     text,
    marketing_source  text,
    extra             jsonb       NOT NULL,
    email             text        NOT NULL,
    first_name        text,
    last_name         text,
    phone             text,
    organisation      text,
    job_title         text,
    fingerprint       bigint      NOT NULL,  -- quicket::Fingerprint of the line
    -- Its ticket was last written from this very line (the first pass found
    -- its fingerprint): read only for its person's details, not compared.
    known             boolean     NOT NULL DEFAULT false,
    -- Whether its person's details count: false when they are exactly those
    -- of the person's previous line here (quicket::RepeatedDetails), which
    -- cannot change the person's latest details.
    details           boolean     NOT NULL DEFAULT true,
    -- The line's person as attrib numbered them (quicket::PersonNumbers):
    -- 1, 2, 3, ... in order of first appearance; NULL when it could not.
    person            integer
) ON COMMIT DROP;

-- What the file changes (filled by import_quicket_work.sql): one row per
-- line whose ticket needs writing, or whose status is behind.
CREATE TEMP TABLE quicket_work (
    ticket_number   text    NOT NULL,
    ticket_new      boolean NOT NULL,
    ticket_changed  boolean NOT NULL,
    status_behind   boolean NOT NULL
) ON COMMIT DROP;

-- Each person's latest details as attrib chose them while reading
-- (quicket::LatestDetails), when it could: one row per person number.
CREATE TEMP TABLE quicket_people (
    person        integer NOT NULL,
    email         text    NOT NULL,
    first_name    text,
    last_name     text,
    phone         text,
    organisation  text,
    job_title     text
) ON COMMIT DROP
