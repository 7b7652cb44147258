-- As import_quicket_contacts_staging.sql, the same columns and the same
-- rows, from the people attrib chose while reading (quicket_people, one
-- row per person with their latest details: quicket::LatestDetails)
-- instead of a sort and a window over the file's lines: measured on the
-- benchmark's million lines, 0.7 s (COPY of the people 0.3 s, this 0.4 s)
-- instead of 1.7 s. Used only when every line has its person's number, no
-- line was dropped as an earlier line of a repeated ticket, and the
-- database lowers ASCII as attrib does: one person here is then one
-- lower(email).
--
-- attrib sends the people in order of their lowered email, and the join
-- keeps the order of quicket_people when it is the larger side, so the ids
-- of new people are taken, and their contacts inserted, in that order.
CREATE TEMP TABLE quicket_contacts ON COMMIT DROP AS
SELECT lower(p.email) AS email_key, p.person, p.email, p.first_name, p.last_name, p.phone,
       p.organisation, p.job_title,
       c.id IS NULL AS is_new,
       COALESCE(c.id, nextval('contacts_id_seq')::integer) AS contact_id
FROM quicket_people AS p
LEFT JOIN contacts AS c ON lower(c.email) = lower(p.email)
