-- `attrib imports undo`: the tickets a Quicket import created, i.e. those
-- of its event ($1) whose created_at is the start of its transaction ($2).
-- Returns how many there are and how many were changed since (updated_at
-- moved on: a later import or a person changed them).
SELECT count(*) AS created,
       count(*) FILTER (WHERE updated_at > created_at) AS changed_since
FROM tickets
WHERE event_id = $1 AND created_at = $2
