-- Brevo events (src/brevo/apply.rs), after brevo_match.sql and, for
-- concurrent applications, the row locks of brevo_lock_rows.sql:
-- The recipient rows the events touch, as they are now, with what the new
-- events do to the status (highest rank, any error).
CREATE TEMP TABLE brevo_touched ON COMMIT DROP AS
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
    FROM brevo_matched
    WHERE recipient_id IS NOT NULL
    GROUP BY recipient_id
) t
JOIN communication_recipients r ON r.id = t.recipient_id;

ANALYZE brevo_touched;

-- What each touched row becomes (filled by brevo_apply.sql).
CREATE TEMP TABLE brevo_changes (
    id              integer NOT NULL,
    status_after    text    NOT NULL,
    sent_at_after   timestamptz,
    metadata_after  jsonb   NOT NULL,
    -- Events new to this row's metadata.
    recorded        bigint  NOT NULL
) ON COMMIT DROP;
