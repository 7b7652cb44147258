-- Tickets new to the event ($1: event id). Returns the number created.
INSERT INTO tickets (event_id, contact_id, ticket_number, barcode, order_number, ticket_type,
                     price, purchased_at, status, checked_in, checked_in_at, discount_code,
                     marketing_source, extra)
SELECT $1, c.id, s.ticket_number, s.barcode, s.order_number, s.ticket_type,
       s.price, s.purchased_at, COALESCE(s.status, 'valid'),
       COALESCE(s.checked_in, false), s.checked_in_at, s.discount_code,
       s.marketing_source, s.extra
FROM quicket_staging AS s
JOIN contacts AS c ON lower(c.email) = lower(s.email)
WHERE NOT EXISTS (SELECT 1 FROM tickets AS t
                  WHERE t.event_id = $1 AND t.ticket_number = s.ticket_number)
