-- `attrib brevo ingest`: match each staged event to a recipient row.
--
-- 1. By Brevo's message id (stored without angle brackets). Should two rows
--    share an id, the oldest row takes the events. The IN lets a small file
--    use the index of migration 005 and a large one a hash join.
-- 2. Otherwise by email plus template: the recipient row of that address in
--    the latest email communication of that template that has it as a
--    recipient (latest by sent_at, then by id).
-- What matches nothing keeps recipient_id NULL: counted, and written to the
-- file of unmatched events. The event's columns come along, so that the
-- steps after this one read this table only.
ANALYZE brevo_staging;

CREATE TEMP TABLE brevo_matched ON COMMIT DROP AS
SELECT s.seq,
       coalesce(by_id.recipient_id, by_template.recipient_id) AS recipient_id,
       by_id.recipient_id IS NOT NULL                        AS by_message_id,
       s.event, s.ts_epoch, s.link, s.reason, s.rank, s.is_error, s.entry,
       s.raw_offset, s.raw_length
FROM brevo_staging s
LEFT JOIN (
    SELECT brevo_message_id, min(id) AS recipient_id
    FROM communication_recipients
    WHERE brevo_message_id IN (SELECT message_id FROM brevo_staging)
    GROUP BY brevo_message_id
) by_id ON by_id.brevo_message_id = s.message_id
LEFT JOIN (
    SELECT DISTINCT ON (lower(ct.email), co.brevo_template_id)
           lower(ct.email) AS email, co.brevo_template_id AS template_id, r.id AS recipient_id
    FROM communications co
    JOIN communication_recipients r ON r.communication_id = co.id
    JOIN contacts ct ON ct.id = r.contact_id
    WHERE co.channel = 'email'
      AND co.brevo_template_id IN (SELECT template_id FROM brevo_staging)
    ORDER BY lower(ct.email), co.brevo_template_id, co.sent_at DESC NULLS LAST, co.id DESC
) by_template ON by_id.recipient_id IS NULL
             AND by_template.email = s.email
             AND by_template.template_id = s.template_id;

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
