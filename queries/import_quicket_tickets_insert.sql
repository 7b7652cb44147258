-- Into an event with no tickets (checked under the import lock, so no other
-- import adds any meanwhile): every line left after duplicate removal is a
-- new ticket. A plain INSERT of the staging table joined (by hash) with the
-- holders' contacts, in the file's order: no comparison with tickets, no
-- MERGE. $1: event id. Returns (through the row count) how many were created.
INSERT INTO tickets (event_id, contact_id, ticket_number, barcode, order_number, ticket_type,
                     price, purchased_at, status, checked_in, checked_in_at, discount_code,
                     marketing_source, extra, import_fingerprint)
SELECT $1, c.id, s.ticket_number, s.barcode, s.order_number, s.ticket_type,
       s.price, s.purchased_at, COALESCE(s.status, 'valid'), COALESCE(s.checked_in, false),
       s.checked_in_at, s.discount_code, s.marketing_source, s.extra, s.fingerprint
FROM quicket_staging AS s
JOIN contacts AS c ON lower(c.email) = lower(s.email)
