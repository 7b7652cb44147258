-- As import_quicket_dedupe_people.sql, before
-- import_quicket_dedupe_candidates.sql: every line of each person named on
-- a line of a ticket that attrib saw possibly repeated ($1) counts again
-- for their details. (A false candidate only means a few lines more to
-- sort.)
UPDATE quicket_staging AS s
SET details = true
WHERE NOT s.details
  AND lower(s.email) IN (SELECT lower(c.email)
                         FROM quicket_staging AS c
                         WHERE c.ticket_number = ANY($1::text[]))
