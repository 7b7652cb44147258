-- `attrib imports undo` of a Quicket import recorded before migration 008,
-- which did not note when its transaction began: the tickets it created all
-- carry that moment as created_at, between the start of the command ($2)
-- and the batch's record ($3). Imports of one event never overlap (they
-- take turns on a lock), so exactly one such moment is expected.
--
--   $1  int  event id
SELECT DISTINCT created_at
FROM tickets
WHERE event_id = $1 AND created_at BETWEEN $2 AND $3
ORDER BY 1
LIMIT 2
