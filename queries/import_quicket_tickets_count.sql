-- The event's tickets after the merge ($1: event id), and how many of them
-- this transaction created (created_at = now(), the transaction's start).
SELECT count(*) AS tickets,
       count(*) FILTER (WHERE created_at = now()) AS created
FROM tickets
WHERE event_id = $1
