-- 002: one row per imported file, so that every import can be traced and an
-- identical file imported again is recognised (same sha256, same event).

CREATE TABLE import_batches (
    id                  SERIAL PRIMARY KEY,
    -- What kind of file: 'quicket' (attendee export), 'recipients', 'brevo'.
    source              VARCHAR(30) NOT NULL
                        CHECK (source IN ('quicket', 'recipients', 'brevo')),
    file_name           TEXT NOT NULL,
    sha256              CHAR(64) NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    file_bytes          BIGINT NOT NULL CHECK (file_bytes >= 0),
    event_id            INTEGER REFERENCES events (id) ON DELETE CASCADE,
    encoding            VARCHAR(20) NOT NULL DEFAULT 'utf-8',
    rows_read           INTEGER NOT NULL DEFAULT 0,
    rows_rejected       INTEGER NOT NULL DEFAULT 0,
    duplicate_rows      INTEGER NOT NULL DEFAULT 0,
    contacts_created    INTEGER NOT NULL DEFAULT 0,
    contacts_updated    INTEGER NOT NULL DEFAULT 0,
    tickets_created     INTEGER NOT NULL DEFAULT 0,
    tickets_updated     INTEGER NOT NULL DEFAULT 0,
    tickets_unchanged   INTEGER NOT NULL DEFAULT 0,
    -- Tickets of the event already in the database that this file did not
    -- contain. They are never deleted; the count is reported.
    tickets_missing     INTEGER NOT NULL DEFAULT 0,
    started_at          TIMESTAMPTZ NOT NULL,
    finished_at         TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    duration_ms         INTEGER GENERATED ALWAYS AS
                        ((EXTRACT(EPOCH FROM finished_at - started_at) * 1000)::integer) STORED
);
CREATE INDEX import_batches_sha256_idx ON import_batches (sha256);
CREATE INDEX import_batches_event_id_idx ON import_batches (event_id, finished_at);
