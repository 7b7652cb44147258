-- Tickets whose status in the file is behind the database's (an older
-- export: refunded in the database, valid in the file). The database's
-- status is kept; the summary says how many. $1: event id, $2: the order.
SELECT count(*)
FROM quicket_staging AS s
JOIN tickets AS t ON t.event_id = $1 AND t.ticket_number = s.ticket_number
WHERE array_position($2::text[], s.status) < array_position($2::text[], t.status)
