-- People new to the database, with the ids import_quicket_contacts_staging.sql
-- took for them. Safe without ON CONFLICT: the import holds contacts in
-- SHARE ROW EXCLUSIVE mode, so no one else adds a contact until it commits.
-- Returns the number created.
--
-- No ORDER BY: quicket_contacts was written in order of email_key (the sort
-- of import_quicket_contacts_staging.sql), a scan reads it back in that
-- order, and the join with the few organisations keeps it; so the inserts
-- into the unique index on lower(email), and into the primary key (the ids
-- were taken in that order), are sequential without sorting half a million
-- people again (0.25 s). Only speed depends on this order.
INSERT INTO contacts (id, email, first_name, last_name, phone, organisation_id, job_title)
SELECT q.contact_id, q.email, q.first_name, q.last_name, q.phone, o.id, q.job_title
FROM quicket_contacts AS q
LEFT JOIN organisations AS o ON lower(o.name) = lower(q.organisation)
WHERE q.is_new
