-- Brevo marketing events are the record of a send: an event of a known
-- communication (its brevo_campaign_id) for an address that is not yet one
-- of its recipients adds that address as a recipient, status 'sent' (it was
-- at least sent the email; the events then move it on), sent_at the
-- campaign's send time, and as a contact when the address is new. The CTEs
-- share one snapshot, so new contacts are joined from `created`.
WITH wanted AS (
    SELECT co.id AS communication_id, s.email, min(s.ts_sent) AS ts_sent
    FROM brevo_staging s
    JOIN communications co ON co.brevo_campaign_id = s.camp_id
    WHERE s.camp_id IS NOT NULL
    GROUP BY co.id, s.email
),
missing AS (
    SELECT w.*, c.id AS contact_id
    FROM wanted w
    LEFT JOIN contacts c ON lower(c.email) = w.email
    WHERE c.id IS NULL
       OR NOT EXISTS (SELECT 1 FROM communication_recipients r
                      WHERE r.communication_id = w.communication_id AND r.contact_id = c.id)
),
created AS (
    INSERT INTO contacts (email)
    SELECT DISTINCT email FROM missing WHERE contact_id IS NULL
    ORDER BY email
    ON CONFLICT ((lower(email))) DO NOTHING
    RETURNING id, lower(email) AS key
),
added AS (
    INSERT INTO communication_recipients (communication_id, contact_id, status, sent_at)
    SELECT m.communication_id, coalesce(m.contact_id, n.id), 'sent',
           timestamptz 'epoch' + m.ts_sent * interval '1 millisecond'
    FROM missing m
    LEFT JOIN created n ON n.key = m.email
    WHERE coalesce(m.contact_id, n.id) IS NOT NULL
    ORDER BY 1, 2
    ON CONFLICT ON CONSTRAINT communication_recipients_no_duplicate_sends DO NOTHING
    RETURNING communication_id
),
counted AS (
    UPDATE communications co
    SET recipient_count = co.recipient_count + a.added
    FROM (SELECT communication_id, count(*) AS added FROM added GROUP BY communication_id) a
    WHERE co.id = a.communication_id
    RETURNING co.id
)
SELECT (SELECT count(*) FROM created) AS contacts_created,
       (SELECT count(*) FROM added)   AS recipients_added
