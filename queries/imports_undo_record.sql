-- `attrib imports undo`: keeps the record of the undone import in
-- attrib.import_undos, with what the undo removed, and deletes its row from
-- import_batches, so that the same file can be imported again and "last
-- import" means the last one still in effect.
--
--   $1 batch id, $2 communication id (recipient lists), $3 tickets,
--   $4 recipients, $5 contacts, $6 organisations removed
WITH undone AS (
    DELETE FROM import_batches b WHERE b.id = $1
    RETURNING b.*
)
INSERT INTO attrib.import_undos
    (batch_id, source, file_name, sha256, event_id, event_slug, communication_id, rows_read,
     imported_at, tickets_removed, recipients_removed, contacts_removed, organisations_removed)
SELECT u.id, u.source, u.file_name, u.sha256, u.event_id, e.slug, $2, u.rows_read,
       u.finished_at, $3, $4, $5, $6
FROM undone u
LEFT JOIN events e ON e.id = u.event_id
