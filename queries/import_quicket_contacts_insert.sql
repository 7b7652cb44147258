-- People new to the database, in order of their email (sequential inserts
-- into the unique index on lower(email)). Safe without ON CONFLICT: the
-- import holds contacts in SHARE ROW EXCLUSIVE mode, so no one else adds a
-- contact until it commits. Returns the number created.
INSERT INTO contacts (email, first_name, last_name, phone, organisation_id, job_title)
SELECT q.email, q.first_name, q.last_name, q.phone, o.id, q.job_title
FROM quicket_contacts AS q
LEFT JOIN organisations AS o ON lower(o.name) = lower(q.organisation)
WHERE q.is_new
ORDER BY q.email_key
