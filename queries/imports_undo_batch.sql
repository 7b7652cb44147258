-- `attrib imports undo`: the import to undo ($1), locked against a second
-- undo running at the same time.
SELECT b.id, b.source::text AS source, b.file_name, b.event_id, e.slug::text AS event,
       b.started_at, b.finished_at, b.written_at, b.tickets_created, b.contacts_created,
       to_char(b.finished_at, 'YYYY-MM-DD HH24:MI') AS imported_at,
       EXISTS (SELECT 1 FROM attrib.import_batch_rows x WHERE x.batch_id = b.id) AS has_rows
FROM import_batches b
LEFT JOIN events e ON e.id = b.event_id
WHERE b.id = $1
FOR UPDATE OF b
