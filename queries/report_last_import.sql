-- The last Quicket import of an event ($1: event id), for the staleness
-- note the report shares with the summary: when it finished, as people
-- read it in the session time zone, and how many whole minutes ago.
SELECT to_char(finished_at, 'YYYY-MM-DD HH24:MI') AS finished_local,
       floor(extract(epoch FROM now() - finished_at) / 60)::bigint AS age_minutes
FROM import_batches
WHERE source = 'quicket'
  AND event_id = $1::int
ORDER BY finished_at DESC, id DESC
LIMIT 1
