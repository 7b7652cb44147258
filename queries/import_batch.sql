-- One row per imported file (recipients lists, Brevo event files), unless
-- this very file (same source, sha256 and event) was recorded before: then
-- the import changed nothing and leaves no trace either.
INSERT INTO import_batches
    (source, file_name, sha256, file_bytes, event_id, encoding, rows_read, rows_rejected,
     duplicate_rows, contacts_created, started_at)
SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11
WHERE NOT EXISTS (
    SELECT 1 FROM import_batches
    WHERE source = $1 AND sha256 = $3 AND event_id IS NOT DISTINCT FROM $5
)
