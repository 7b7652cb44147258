-- `attrib recipients import`: staged rows → contacts and recipient rows of
-- one email communication ($1), set-based.
--
-- One row per address (the first line wins when a file repeats it). Unknown
-- addresses become contacts; the UNIQUE (communication_id, contact_id) rule
-- makes rows already there count as such instead of failing. The CTEs share
-- one snapshot, so new contacts are joined from `created`, not `contacts`.
WITH rows AS (
    SELECT DISTINCT ON (lower(email))
           lower(email) AS key, email, first_name, last_name, message_id, sent_at, status
    FROM recipients_staging
    ORDER BY lower(email), line
),
created AS (
    INSERT INTO contacts (email, first_name, last_name)
    SELECT r.email, r.first_name, r.last_name
    FROM rows r
    WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE lower(c.email) = r.key)
    ON CONFLICT ((lower(email))) DO NOTHING
    RETURNING id, lower(email) AS key
),
people AS (
    SELECT r.*, coalesce(c.id, n.id) AS contact_id
    FROM rows r
    LEFT JOIN contacts c ON lower(c.email) = r.key
    LEFT JOIN created n ON n.key = r.key
),
added AS (
    INSERT INTO communication_recipients (communication_id, contact_id, status, brevo_message_id, sent_at)
    SELECT $1, p.contact_id,
           coalesce(p.status, CASE WHEN p.sent_at IS NOT NULL THEN 'sent' ELSE 'queued' END),
           p.message_id, p.sent_at::timestamptz
    FROM people p
    ORDER BY p.contact_id
    ON CONFLICT ON CONSTRAINT communication_recipients_no_duplicate_sends DO NOTHING
    RETURNING id
),
-- The added ids as ranges of consecutive ids, recorded for `imports undo`.
ranges AS (
    SELECT min(id) AS first_id, max(id) AS last_id
    FROM (SELECT id, id - row_number() OVER (ORDER BY id) AS island FROM added) AS a
    GROUP BY island
)
SELECT (SELECT count(*) FROM recipients_staging) - (SELECT count(*) FROM rows) AS duplicates_in_file,
       (SELECT count(*) FROM rows)    AS addresses,
       (SELECT count(*) FROM created) AS contacts_created,
       (SELECT count(*) FROM added)   AS added,
       (SELECT coalesce(array_agg(first_id ORDER BY first_id), '{}') FROM ranges) AS first_ids,
       (SELECT coalesce(array_agg(last_id ORDER BY first_id), '{}') FROM ranges)  AS last_ids
