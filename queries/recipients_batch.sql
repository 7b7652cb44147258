-- `attrib recipients import`: the record of a list that added something
-- (recipient rows or contacts), with the ranges of recipient ids it added,
-- so that `attrib imports undo` can take them out again. A list that added
-- nothing leaves no trace. written_at defaults to now(), the transaction's
-- start, which every contact this import created carries as created_at.
WITH batch AS (
    INSERT INTO import_batches
        (source, file_name, sha256, file_bytes, event_id, encoding, rows_read, rows_rejected,
         duplicate_rows, contacts_created, started_at)
    VALUES ('recipients', $1, $2, $3, $4, $5, $6, 0, $7, $8, $9)
    RETURNING id
),
ranges AS (
    INSERT INTO attrib.import_batch_rows (batch_id, relation, first_id, last_id)
    SELECT batch.id, 'communication_recipients', r.first_id, r.last_id
    FROM batch, unnest($10::int[], $11::int[]) AS r(first_id, last_id)
)
SELECT id FROM batch
