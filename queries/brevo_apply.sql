-- Brevo events: what the matched events make of their recipient rows, and
-- writing those that change, in one statement (src/brevo/apply.rs). $1 is
-- the status progression, lowest first (src/brevo/rules.rs, PROGRESSION:
-- queued, sent, bounced, delivered, opened, clicked). For concurrent
-- applications the rows are locked first (brevo_lock_rows.sql), so that
-- `touched` reads what the group before committed.
--
-- * metadata.brevo_events holds every event once ({event, ts_epoch, link,
--   reason, ts_sent}, absent keys left out), in canonical order: ts_epoch,
--   then event, link, reason, ts_sent, byte order, absent first. The order
--   and the deduplication (UNION) make the result the same whatever order
--   events arrive in, and a second ingestion of the same file change
--   nothing.
-- * status: the highest rank of the current status and the events; 'failed'
--   when an 'error' was seen (or the row was failed) and nothing beyond
--   'queued' is known.
-- * sent_at: the earliest send recorded, when there is one: a transactional
--   'request', or a marketing campaign's ts_sent.
-- * Rows that would not change are not written, so that ingesting a file
--   again changes nothing.
-- Returns the rows written and the events new to their row's metadata.
WITH events AS (
    SELECT m.recipient_id, s.entry, s.ts_epoch, s.event, s.link, s.reason, s.ts_sent, s.rank,
           s.is_error
    FROM brevo_matched m
    JOIN brevo_staging s ON s.seq = m.seq
    WHERE m.recipient_id IS NOT NULL
),
-- The rows the events touch, as they are now, with what the new events do
-- to the status (highest rank, any error).
touched AS MATERIALIZED (
    SELECT r.id AS recipient_id,
           r.status::text AS status,
           r.sent_at,
           r.metadata,
           CASE WHEN jsonb_typeof(r.metadata -> 'brevo_events') = 'array'
                THEN r.metadata -> 'brevo_events' ELSE '[]'::jsonb END AS events_before,
           t.max_rank,
           t.any_error
    FROM (
        SELECT recipient_id, max(rank) AS max_rank, bool_or(is_error) AS any_error
        FROM events
        GROUP BY recipient_id
    ) t
    JOIN communication_recipients r ON r.id = t.recipient_id
),
all_events AS (
    SELECT recipient_id, entry, ts_epoch, event, link, reason, ts_sent
    FROM events
    UNION
    SELECT t.recipient_id, x.e, (x.e ->> 'ts_epoch')::bigint, x.e ->> 'event', x.e ->> 'link',
           x.e ->> 'reason', (x.e ->> 'ts_sent')::bigint
    FROM touched t, jsonb_array_elements(t.events_before) AS x(e)
),
merged AS (
    SELECT recipient_id,
           jsonb_agg(entry ORDER BY ts_epoch, event COLLATE "C",
                                    link COLLATE "C" NULLS FIRST, reason COLLATE "C" NULLS FIRST,
                                    ts_sent NULLS FIRST)                                AS events_after,
           count(*)                                                                     AS total,
           -- Only times PostgreSQL can hold (an older attrib stored whatever came).
           min(coalesce(ts_sent, CASE WHEN event = 'request' THEN ts_epoch END))
               FILTER (WHERE coalesce(ts_sent, ts_epoch) BETWEEN 0 AND 7258118400000)  AS first_send
    FROM all_events
    GROUP BY recipient_id
),
ranked AS (
    SELECT t.*, m.events_after, m.total, m.first_send,
           greatest(coalesce(array_position($1::text[], t.status) - 1, 0), coalesce(t.max_rank, 0)) AS rank_after
    FROM touched t
    JOIN merged m ON m.recipient_id = t.recipient_id
),
changes AS MATERIALIZED (
    SELECT recipient_id AS id,
           CASE WHEN rank_after > 0 THEN ($1::text[])[rank_after + 1]
                WHEN status = 'failed' OR any_error THEN 'failed'
                ELSE 'queued' END                                                   AS status_after,
           coalesce(timestamptz 'epoch' + first_send * interval '1 millisecond', sent_at) AS sent_at_after,
           CASE WHEN metadata IS NULL THEN '{}'::jsonb
                WHEN jsonb_typeof(metadata) = 'object' THEN metadata
                ELSE jsonb_build_object('metadata_before', metadata) END
               || jsonb_build_object('brevo_events', events_after)                 AS metadata_after,
           total - jsonb_array_length(events_before)                                AS recorded
    FROM ranked
),
written AS (
    UPDATE communication_recipients r
    SET status = ch.status_after,
        sent_at = ch.sent_at_after,
        metadata = ch.metadata_after
    FROM changes ch
    WHERE r.id = ch.id
      AND (r.status IS DISTINCT FROM ch.status_after
           OR r.sent_at IS DISTINCT FROM ch.sent_at_after
           OR r.metadata IS DISTINCT FROM ch.metadata_after)
    RETURNING 1
)
SELECT (SELECT count(*) FROM written)                         AS recipients_updated,
       (SELECT coalesce(sum(recorded), 0)::bigint FROM changes) AS events_recorded
