-- `attrib imports list`: every recorded import (import_batches) with what it
-- wrote, and every undone one (attrib.import_undos) with what its undo
-- removed, in the order they were imported. Times in the session's time
-- zone (ATTRIB_TIMEZONE).
--
--   $1  int[]  event ids, or NULL for every import
SELECT id, source, file_name, event, communication_id, imported_at, rows_read,
       contacts, tickets_created, tickets_updated, recipients, undone_at
FROM (
    SELECT b.id, b.source::text AS source, b.file_name, e.slug::text AS event,
           (SELECT min(r.communication_id)
            FROM attrib.import_batch_rows x
            JOIN communication_recipients r ON r.id BETWEEN x.first_id AND x.last_id
            WHERE x.batch_id = b.id) AS communication_id,
           b.finished_at AS at,
           to_char(b.finished_at, 'YYYY-MM-DD HH24:MI') AS imported_at,
           b.rows_read::bigint AS rows_read,
           b.contacts_created::bigint AS contacts,
           b.tickets_created::bigint AS tickets_created,
           b.tickets_updated::bigint AS tickets_updated,
           (SELECT sum(x.last_id - x.first_id + 1) FROM attrib.import_batch_rows x
            WHERE x.batch_id = b.id)::bigint AS recipients,
           NULL::text AS undone_at
    FROM import_batches b
    LEFT JOIN events e ON e.id = b.event_id
    WHERE $1::int[] IS NULL OR b.event_id = ANY ($1::int[])
    UNION ALL
    SELECT u.batch_id, u.source, u.file_name, u.event_slug, u.communication_id,
           u.imported_at,
           to_char(u.imported_at, 'YYYY-MM-DD HH24:MI'),
           u.rows_read::bigint,
           u.contacts_removed::bigint,
           u.tickets_removed::bigint,
           NULL::bigint,
           u.recipients_removed::bigint,
           to_char(u.undone_at, 'YYYY-MM-DD HH24:MI')
    FROM attrib.import_undos u
    WHERE $1::int[] IS NULL OR u.event_id = ANY ($1::int[])
) AS imports
ORDER BY at, id
