-- As import_quicket_tickets_insert.sql, when attrib numbered every line's
-- person (quicket::PersonNumbers) and the database lowers ASCII as attrib
-- does: each line's contact id is then found at its person's place in an
-- array of the people's ids, instead of joining a million lines with the
-- contacts on lower(email), which hashes half a million emails and misses
-- the cache on nearly every line (measured on the benchmark's million
-- lines: 1.0 s for the join, 0.3 s for the array).
--
-- The array is used only if the people's numbers are exactly 1..n, one
-- each: the count equals the largest, and no two people share a number
-- (each has their own email as attrib lowers it, under a 128-bit hash).
-- Otherwise, or for a line whose number has no place, the line's contact
-- is looked up by email: slower, never wrong. $1: event id. Returns
-- (through the row count) how many were created.
INSERT INTO tickets (event_id, contact_id, ticket_number, barcode, order_number, ticket_type,
                     price, purchased_at, status, checked_in, checked_in_at, discount_code,
                     marketing_source, extra, import_fingerprint)
SELECT $1,
       COALESCE((SELECT CASE WHEN count(*) = max(person)
                             THEN array_agg(contact_id ORDER BY person) END
                 FROM quicket_contacts
                 WHERE person IS NOT NULL)[s.person],
                (SELECT c.id FROM contacts AS c WHERE lower(c.email) = lower(s.email))),
       s.ticket_number, s.barcode, s.order_number, s.ticket_type,
       s.price, s.purchased_at, COALESCE(s.status, 'valid'), COALESCE(s.checked_in, false),
       s.checked_in_at, s.discount_code, s.marketing_source, s.extra, s.fingerprint
FROM quicket_staging AS s
