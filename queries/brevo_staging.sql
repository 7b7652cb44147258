-- Brevo events, for `brevo ingest`, `brevo listen` and `brevo rematch`
-- alike (src/brevo/apply.rs): the two tables the set-based steps fill, the
-- checked events (streamed in with COPY) and the recipient row each
-- matched.
--
-- They are created once per session, by its first application, and
-- emptied at every commit (ON COMMIT DELETE ROWS): a webhook group of
-- `brevo listen` then creates and drops no catalog rows, and its prepared
-- statements keep their plans. Measured on benches/brevo_listen.sh:
-- creating and dropping the tables at every group cost more than matching
-- and applying its events.
CREATE TEMP TABLE brevo_staging (
    -- The event's position in its batch (file order).
    seq          bigint   NOT NULL,
    -- Transactional events: message id, else email + template.
    message_id   text,
    email        text,
    template_id  integer,
    -- Marketing events: the Brevo campaign, with email.
    camp_id      integer,
    -- Byte order (COLLATE "C"), as metadata.brevo_events is sorted
    -- (brevo_apply.sql): the sort then needs no computed keys.
    event        text     COLLATE "C" NOT NULL,
    -- Milliseconds since 1970, UTC.
    ts_epoch     bigint   NOT NULL,
    -- A marketing campaign's send time, milliseconds.
    ts_sent      bigint,
    link         text     COLLATE "C",
    reason       text     COLLATE "C",
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
) ON COMMIT DELETE ROWS;

-- The recipient row each staged event matched (brevo_match.sql). Narrow,
-- and with no column long enough to need a TOAST table, whose index
-- PostgreSQL would rebuild at every commit that empties the table.
CREATE TEMP TABLE brevo_matched (
    seq           bigint   NOT NULL,
    -- NULL: matched nothing (counted, and kept in attrib.brevo_waiting).
    recipient_id  integer,
    -- How: 'i' Brevo's message id, 't' email and template, 'c' campaign.
    matched_by    "char",
    -- The event's marketing campaign, for those that match nothing.
    camp_id       integer,
    -- From brevo_staging, for the status (brevo_apply.sql).
    rank          smallint,
    is_error      boolean
) ON COMMIT DELETE ROWS;
