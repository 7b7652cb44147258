-- The last Quicket import of an event that finished before "until" (the
-- summary's now): when, which file, and what it did.
--
--   $1  int          event id
--   $2  timestamptz  until
SELECT finished_at,
       to_char(finished_at, 'YYYY-MM-DD HH24:MI') AS finished_local,
       file_name,
       rows_read,
       tickets_created,
       tickets_updated
FROM import_batches
WHERE source = 'quicket'
  AND event_id = $1::int
  AND finished_at <= $2::timestamptz
ORDER BY finished_at DESC, id DESC
LIMIT 1
