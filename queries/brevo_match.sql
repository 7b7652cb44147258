-- `attrib brevo ingest`: match each staged event to a recipient row.
--
-- 1. By Brevo's message id (stored without angle brackets). Should two rows
--    share an id, the oldest row takes the events. A hash join over the
--    recipient rows that have an id: no index on brevo_message_id, which
--    every status change would have to maintain.
-- 2. Otherwise by email plus template: the recipient row of that address in
--    the latest email communication of that template that has it as a
--    recipient (latest by sent_at, then by id). Only for the (email,
--    template) pairs left unmatched, through the contacts' lower(email) index.
-- What matches nothing keeps recipient_id NULL: counted, and written to the
-- file of unmatched events. The event's columns come along, so that the
-- steps after this one read this table only.
ANALYZE brevo_staging;

CREATE TEMP TABLE brevo_matched ON COMMIT DROP AS
SELECT s.seq,
       by_id.recipient_id,
       by_id.recipient_id IS NOT NULL AS by_message_id,
       s.email, s.template_id,
       s.event, s.ts_epoch, s.link, s.reason, s.rank, s.is_error, s.entry,
       s.raw_offset, s.raw_length
FROM brevo_staging s
LEFT JOIN (
    SELECT brevo_message_id, min(id) AS recipient_id
    FROM communication_recipients
    WHERE brevo_message_id IS NOT NULL
    GROUP BY brevo_message_id
) by_id ON by_id.brevo_message_id = s.message_id;

UPDATE brevo_matched m
SET recipient_id = t.recipient_id
FROM (
    SELECT DISTINCT ON (k.email, k.template_id) k.email, k.template_id, r.id AS recipient_id
    FROM (SELECT DISTINCT email, template_id
          FROM brevo_matched
          WHERE recipient_id IS NULL AND email IS NOT NULL AND template_id IS NOT NULL) k
    JOIN contacts ct ON lower(ct.email) = k.email
    JOIN communication_recipients r ON r.contact_id = ct.id
    JOIN communications co ON co.id = r.communication_id
    WHERE co.channel = 'email' AND co.brevo_template_id = k.template_id
    ORDER BY k.email, k.template_id, co.sent_at DESC NULLS LAST, co.id DESC
) t
WHERE m.recipient_id IS NULL AND m.email = t.email AND m.template_id = t.template_id;

ANALYZE brevo_matched;

-- The recipient rows the file touches, as they are now, with what the new
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
