-- Brevo events that match no recipient yet, kept until they can be applied.
-- Brevo may report a delivery before the organiser has imported the
-- recipient list or recorded the communication; `brevo listen` and
-- `brevo ingest` keep such events here, and every later `recipients import`,
-- `comms add` with a Brevo id, and `brevo rematch` applies those that now
-- match (and removes them). attrib's own bookkeeping: in schema attrib, so
-- that public keeps the fourteen tables of the campaign-tracking spec.
--
-- The columns are those of the staging table of queries/brevo_staging.sql,
-- as src/brevo/payload.rs checked them; raw is the event as it arrived.
CREATE TABLE attrib.brevo_waiting (
    id           BIGSERIAL PRIMARY KEY,
    received_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- Where it came from: the file name, or 'http' for brevo listen.
    source       TEXT        NOT NULL,
    message_id   TEXT,
    email        TEXT,
    template_id  INTEGER,
    camp_id      INTEGER,
    event        TEXT        NOT NULL,
    ts_epoch     BIGINT      NOT NULL,
    ts_sent      BIGINT,
    link         TEXT,
    reason       TEXT,
    rank         SMALLINT,
    is_error     BOOLEAN     NOT NULL,
    entry        JSONB       NOT NULL,
    raw          TEXT        NOT NULL,
    -- The same event twice (Brevo retries, a file ingested again) is kept once.
    identity     TEXT GENERATED ALWAYS AS (
                     md5(coalesce(message_id, '') || chr(1) || coalesce(email, '') || chr(1)
                         || coalesce(template_id::text, '') || chr(1)
                         || coalesce(camp_id::text, '') || chr(1) || entry::text)) STORED
);

CREATE UNIQUE INDEX brevo_waiting_identity_key ON attrib.brevo_waiting (identity);
