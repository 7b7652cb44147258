-- `attrib brevo ingest`: the checked events of one file, streamed in with
-- COPY, and which recipient row each one matched. Gone at the end of the
-- transaction. `seq` is the event's position in the file; `raw` its JSON
-- text, for the file of unmatched events.
CREATE TEMP TABLE brevo_staging (
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
    raw          text     NOT NULL
) ON COMMIT DROP;

CREATE TEMP TABLE brevo_matched (
    seq            bigint  NOT NULL,
    recipient_id   integer NOT NULL,
    by_message_id  boolean NOT NULL
) ON COMMIT DROP;
