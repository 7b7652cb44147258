-- `attrib brevo ingest`: apply the matched events to their recipient rows,
-- set-based. $1 is the status progression, lowest first (src/brevo.rs,
-- PROGRESSION: queued, sent, bounced, delivered, opened, clicked).
--
-- * metadata.brevo_events holds every event once ({event, ts_epoch, link,
--   reason}, absent keys left out), in canonical order: ts_epoch, then event,
--   link, reason, byte order, absent first. The order and the deduplication
--   make the result the same whatever order events arrive in, and make a
--   second ingestion of the same file change nothing.
-- * status: the highest rank of the current status and the events; 'failed'
--   when an 'error' was seen (or the row was failed) and nothing beyond
--   'queued' is known.
-- * sent_at: the earliest 'request' recorded, when there is one.
-- Rows that would not change are not written.
WITH incoming AS (
    SELECT m.recipient_id,
           jsonb_strip_nulls(jsonb_build_object(
               'event', s.event, 'ts_epoch', s.ts_epoch, 'link', s.link, 'reason', s.reason)) AS entry,
           s.rank,
           s.is_error
    FROM brevo_matched m
    JOIN brevo_staging s ON s.seq = m.seq
),
per_recipient AS (
    SELECT recipient_id,
           max(rank)              AS max_rank,
           bool_or(is_error)      AS any_error,
           jsonb_agg(entry)       AS entries
    FROM incoming
    GROUP BY recipient_id
),
merged AS (
    SELECT r.id,
           r.status,
           r.sent_at,
           r.metadata,
           p.max_rank,
           p.any_error,
           CASE WHEN jsonb_typeof(r.metadata -> 'brevo_events') = 'array'
                THEN jsonb_array_length(r.metadata -> 'brevo_events') ELSE 0 END AS known,
           (SELECT jsonb_agg(e ORDER BY (e ->> 'ts_epoch')::bigint,
                                        e ->> 'event' COLLATE "C",
                                        e ->> 'link' COLLATE "C" NULLS FIRST,
                                        e ->> 'reason' COLLATE "C" NULLS FIRST)
            FROM (SELECT x AS e
                  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(r.metadata -> 'brevo_events') = 'array'
                                                 THEN r.metadata -> 'brevo_events' ELSE '[]' END) x
                  UNION
                  SELECT y FROM jsonb_array_elements(p.entries) y) u) AS events_after
    FROM communication_recipients r
    JOIN per_recipient p ON p.recipient_id = r.id
),
computed AS (
    SELECT m.*,
           greatest(coalesce(array_position($1::text[], m.status::text) - 1, 0),
                    coalesce(m.max_rank, 0)) AS rank_after,
           (SELECT min((e ->> 'ts_epoch')::bigint)
            FROM jsonb_array_elements(m.events_after) e
            WHERE e ->> 'event' = 'request') AS first_request
    FROM merged m
),
changes AS (
    SELECT c.id,
           CASE WHEN c.rank_after > 0 THEN ($1::text[])[c.rank_after + 1]
                WHEN c.status = 'failed' OR c.any_error THEN 'failed'
                ELSE 'queued' END AS status_after,
           coalesce(timestamptz 'epoch' + c.first_request * interval '1 millisecond', c.sent_at) AS sent_at_after,
           CASE WHEN c.metadata IS NULL THEN '{}'::jsonb
                WHEN jsonb_typeof(c.metadata) = 'object' THEN c.metadata
                ELSE jsonb_build_object('metadata_before', c.metadata) END
               || jsonb_build_object('brevo_events', c.events_after) AS metadata_after,
           jsonb_array_length(c.events_after) - c.known AS recorded
    FROM computed c
),
updated AS (
    UPDATE communication_recipients r
    SET status = ch.status_after,
        sent_at = ch.sent_at_after,
        metadata = ch.metadata_after
    FROM changes ch
    WHERE r.id = ch.id
      AND (r.status IS DISTINCT FROM ch.status_after
           OR r.sent_at IS DISTINCT FROM ch.sent_at_after
           OR r.metadata IS DISTINCT FROM ch.metadata_after)
    RETURNING r.id
)
SELECT (SELECT count(*) FROM updated)                      AS recipients_updated,
       (SELECT coalesce(sum(recorded), 0) FROM changes)::bigint AS events_recorded
