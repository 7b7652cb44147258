-- `attrib imports undo` of a Quicket import ($1: batch id, $2: event id):
-- the later Quicket imports of the same event that found tickets already
-- there (updated or unchanged). They may have read the tickets this import
-- created, so undoing it would take away tickets their files contain.
SELECT b.id, b.file_name, to_char(b.finished_at, 'YYYY-MM-DD HH24:MI') AS imported_at,
       b.tickets_updated::bigint AS tickets_updated,
       b.tickets_unchanged::bigint AS tickets_unchanged
FROM import_batches b
WHERE b.source = 'quicket' AND b.event_id = $2 AND b.id > $1
  AND b.tickets_updated + b.tickets_unchanged > 0
ORDER BY b.id
