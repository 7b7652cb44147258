-- The latest earlier import of a file with the same content ($1: sha256),
-- for any event: an identical file is noticed, and one imported for another
-- event hints at a wrong --event. finished_local: when, as people read it,
-- in the session time zone (--timezone).
SELECT b.id, b.event_id, e.slug AS event_slug, b.file_name, b.finished_at,
       to_char(b.finished_at, 'YYYY-MM-DD HH24:MI TZ') AS finished_local
FROM import_batches AS b
LEFT JOIN events AS e ON e.id = b.event_id
WHERE b.source = 'quicket' AND b.sha256 = $1
ORDER BY (b.event_id = $2) DESC, b.id DESC
LIMIT 1
