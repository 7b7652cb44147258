-- `attrib contact EMAIL [--event E]`: the contact's tickets, for one event
-- ($2) or all.
SELECT e.slug::text                                     AS event,
       t.ticket_number::text                            AS ticket_number,
       t.ticket_type::text                              AS ticket_type,
       t.status::text                                   AS status,
       to_char(t.purchased_at, 'YYYY-MM-DD HH24:MI')    AS purchased_at,
       t.marketing_source
FROM tickets t
JOIN events e ON e.id = t.event_id
WHERE t.contact_id = $1
  AND ($2::int IS NULL OR t.event_id = $2)
ORDER BY t.purchased_at, t.id
