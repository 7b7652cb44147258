-- Tickets whose status in the file is behind the database's (an older
-- export: refunded in the database, valid in the file). The database's
-- status is kept; the summary says how many. $1: event id, $2: the order
-- of statuses. Only tickets past 'valid' can be behind: they are few, and
-- when there are none the file is not even read.
SELECT count(*)
FROM (SELECT ticket_number, status FROM tickets
      WHERE event_id = $1 AND status <> 'valid') AS t
JOIN quicket_staging AS s ON s.ticket_number = t.ticket_number
WHERE array_position($2::text[], s.status) < array_position($2::text[], t.status)
