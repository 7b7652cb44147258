-- 010: attrib.brevo_inbox, the Brevo events `brevo listen` has accepted
-- (answered 200) and not yet applied.
--
-- A webhook request is answered once its events are committed here: one
-- insert, durable, for the events of every request waiting at that moment
-- (a group commit). The listener's applier then takes them out oldest
-- first, as many as have arrived, and applies them through the same path
-- as `brevo ingest`, in the transaction that deletes them: an event is in
-- the inbox or applied (or, matching nothing, in attrib.brevo_waiting),
-- never lost, even when the process is killed between the two. A listener
-- that starts applies what an earlier one left.
--
-- Measured on benches/brevo_listen.sh (docs/outreach.md): matching and
-- applying each group of ~16 events before answering held every request
-- behind the whole set-based apply; the inbox's one insert per group
-- leaves that work to batches as large as the load makes them.
--
-- The columns are those of attrib.brevo_waiting (007) without its source
-- (always 'http') and identity: a retried event is kept twice here, and
-- recorded once when applied.
CREATE TABLE attrib.brevo_inbox (
    id           BIGSERIAL PRIMARY KEY,
    received_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
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
    raw          TEXT        NOT NULL
);
