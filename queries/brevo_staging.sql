-- `attrib brevo ingest`: one ingestion at a time (two at once would merge
-- into the same rows from the same snapshot), memory for the set-based
-- steps, and the staging table the checked events are streamed into with
-- COPY. Gone at the end of the transaction.
SELECT pg_advisory_xact_lock(hashtext('attrib: brevo ingest'));
SET LOCAL work_mem = '256MB';
-- JIT compiling these one-off statements costs more than it saves.
SET LOCAL jit = off;
-- temp_buffers can only change before the session's first temporary table;
-- on a connection that already had one (a pooled connection) it stays as is.
DO $$ BEGIN PERFORM set_config('temp_buffers', '256MB', true);
      EXCEPTION WHEN invalid_parameter_value THEN NULL; END $$;

CREATE TEMP TABLE brevo_staging (
    -- The event's position in the file.
    seq          bigint   NOT NULL,
    message_id   text,
    email        text,
    template_id  integer,
    event        text     NOT NULL,
    ts_epoch     bigint   NOT NULL,
    link         text,
    reason       text,
    -- Position in the status progression this event lifts a recipient to
    -- (src/brevo.rs, PROGRESSION); NULL when it leaves the status alone.
    rank         smallint,
    is_error     boolean  NOT NULL,
    -- The event as kept in metadata.brevo_events (src/brevo.rs, Recorded).
    entry        jsonb    NOT NULL,
    -- Where its JSON text is in the file, for the file of unmatched events.
    raw_offset   bigint   NOT NULL,
    raw_length   integer  NOT NULL
) ON COMMIT DROP
