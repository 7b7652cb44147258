-- The people of the file (by email, whatever its capitalisation) who are new,
-- or for whom some line says something the database does not hold yet: a
-- non-empty name, phone, job title or company that differs. Only they need
-- the work that follows; importing a file again finds none of them.
CREATE TEMP TABLE quicket_people ON COMMIT DROP AS
SELECT DISTINCT lower(s.email) AS email_key
FROM quicket_staging AS s
LEFT JOIN contacts AS c ON lower(c.email) = lower(s.email)
LEFT JOIN organisations AS o ON lower(o.name) = lower(s.organisation)
WHERE c.id IS NULL
   OR (s.first_name IS NOT NULL AND s.first_name IS DISTINCT FROM c.first_name)
   OR (s.last_name IS NOT NULL AND s.last_name IS DISTINCT FROM c.last_name)
   OR (s.phone IS NOT NULL AND s.phone IS DISTINCT FROM c.phone)
   OR (s.job_title IS NOT NULL AND s.job_title IS DISTINCT FROM c.job_title)
   OR (s.organisation IS NOT NULL AND o.id IS DISTINCT FROM c.organisation_id)
