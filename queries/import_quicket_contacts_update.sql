-- People already known: a non-empty value in the file updates a name, phone,
-- company or job title; an empty one never erases. Only rows that really
-- change are written (quicket_contacts holds every person of the file).
-- Returns the number of contacts updated.
UPDATE contacts AS c
SET first_name      = COALESCE(q.first_name, c.first_name),
    last_name       = COALESCE(q.last_name, c.last_name),
    phone           = COALESCE(q.phone, c.phone),
    organisation_id = COALESCE(o.id, c.organisation_id),
    job_title       = COALESCE(q.job_title, c.job_title),
    updated_at      = now()
FROM quicket_contacts AS q
LEFT JOIN organisations AS o ON lower(o.name) = lower(q.organisation)
WHERE NOT q.is_new
  AND c.id = q.contact_id
  AND (COALESCE(q.first_name, c.first_name),
       COALESCE(q.last_name, c.last_name),
       COALESCE(q.phone, c.phone),
       COALESCE(o.id, c.organisation_id),
       COALESCE(q.job_title, c.job_title))
      IS DISTINCT FROM
      (c.first_name, c.last_name, c.phone, c.organisation_id, c.job_title)
