-- The record of one imported file. Returns its id.
INSERT INTO import_batches (source, file_name, sha256, file_bytes, event_id, encoding,
                            rows_read, rows_rejected, duplicate_rows,
                            contacts_created, contacts_updated,
                            tickets_created, tickets_updated, tickets_unchanged,
                            tickets_missing, started_at, finished_at)
VALUES ('quicket', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
        clock_timestamp())
RETURNING id
