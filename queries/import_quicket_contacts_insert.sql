-- People new to the database, in a fixed order (no deadlock with another
-- writer). Should another command have added one of them since the update
-- above, ON CONFLICT merges instead of duplicating. Returns (created,
-- updated).
WITH written AS (
    INSERT INTO contacts (email, first_name, last_name, phone, organisation_id, job_title)
    SELECT q.email, q.first_name, q.last_name, q.phone, o.id, q.job_title
    FROM quicket_contacts AS q
    LEFT JOIN organisations AS o ON lower(o.name) = lower(q.organisation)
    WHERE NOT EXISTS (SELECT 1 FROM contacts AS c WHERE lower(c.email) = q.email_key)
    ORDER BY q.email_key
    ON CONFLICT ((lower(email))) DO UPDATE
    SET first_name      = COALESCE(EXCLUDED.first_name, contacts.first_name),
        last_name       = COALESCE(EXCLUDED.last_name, contacts.last_name),
        phone           = COALESCE(EXCLUDED.phone, contacts.phone),
        organisation_id = COALESCE(EXCLUDED.organisation_id, contacts.organisation_id),
        job_title       = COALESCE(EXCLUDED.job_title, contacts.job_title),
        updated_at      = now()
    RETURNING (xmax = 0) AS created
)
SELECT count(*) FILTER (WHERE created) AS created,
       count(*) FILTER (WHERE NOT created) AS updated
FROM written
