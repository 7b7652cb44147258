-- `attrib brevo ingest`: match each staged event to a recipient row.
--
-- 1. By Brevo's message id (stored without angle brackets). Should two rows
--    share an id, the oldest row takes the events.
-- 2. Otherwise by email plus template: the recipient row of that address in
--    the latest email communication of that template that has it as a
--    recipient (latest by sent_at, then by id).
-- What matches nothing stays unmatched: counted and written to a file.
ANALYZE brevo_staging;

INSERT INTO brevo_matched (seq, recipient_id, by_message_id)
SELECT s.seq, r.recipient_id, true
FROM brevo_staging s
JOIN (
    SELECT DISTINCT ON (brevo_message_id) brevo_message_id, id AS recipient_id
    FROM communication_recipients
    WHERE brevo_message_id IN (SELECT message_id FROM brevo_staging)
    ORDER BY brevo_message_id, id
) r ON r.brevo_message_id = s.message_id;

INSERT INTO brevo_matched (seq, recipient_id, by_message_id)
SELECT s.seq, t.recipient_id, false
FROM brevo_staging s
JOIN (
    SELECT DISTINCT ON (lower(ct.email), co.brevo_template_id)
           lower(ct.email) AS email, co.brevo_template_id AS template_id, r.id AS recipient_id
    FROM communications co
    JOIN communication_recipients r ON r.communication_id = co.id
    JOIN contacts ct ON ct.id = r.contact_id
    WHERE co.channel = 'email'
      AND co.brevo_template_id IN (SELECT template_id FROM brevo_staging)
    ORDER BY lower(ct.email), co.brevo_template_id, co.sent_at DESC NULLS LAST, co.id DESC
) t ON t.email = s.email AND t.template_id = s.template_id
WHERE NOT EXISTS (SELECT 1 FROM brevo_matched m WHERE m.seq = s.seq);

ANALYZE brevo_matched;
