-- Brevo events, for `brevo ingest`, `brevo listen` and `brevo rematch`
-- alike (src/brevo/apply.rs): memory for the set-based steps, and the
-- staging table the checked events are streamed into with COPY. Gone at the
-- end of the transaction. (Which applications may run at once is decided by
-- the caller's lock: src/brevo/apply.rs, Lock.)
SET LOCAL work_mem = '256MB';
-- JIT compiling these one-off statements costs more than it saves.
SET LOCAL jit = off;
-- temp_buffers can only change before the session's first temporary table;
-- on a connection that already had one (a pooled connection) it stays as is.
DO $$ BEGIN PERFORM set_config('temp_buffers', '256MB', true);
      EXCEPTION WHEN invalid_parameter_value THEN NULL; END $$;

CREATE TEMP TABLE brevo_staging (
    -- The event's position in its batch (file order).
    seq          bigint   NOT NULL,
    -- Transactional events: message id, else email + template.
    message_id   text,
    email        text,
    template_id  integer,
    -- Marketing events: the Brevo campaign, with email.
    camp_id      integer,
    event        text     NOT NULL,
    -- Milliseconds since 1970, UTC.
    ts_epoch     bigint   NOT NULL,
    -- A marketing campaign's send time, milliseconds.
    ts_sent      bigint,
    link         text,
    reason       text,
    -- Position in the status progression this event lifts a recipient to
    -- (src/brevo/rules.rs, PROGRESSION); NULL when it leaves the status alone.
    rank         smallint,
    is_error     boolean  NOT NULL,
    -- The event as kept in metadata.brevo_events (src/brevo/rules.rs, Recorded).
    entry        jsonb    NOT NULL,
    -- The event as it arrived, for the unmatched events.
    raw          text     NOT NULL,
    -- Set when the event was staged from attrib.brevo_waiting (a rematch).
    waiting_id   bigint
) ON COMMIT DROP
