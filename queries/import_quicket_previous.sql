-- The latest earlier import of a file with the same content ($1: sha256),
-- for any event: an identical file is noticed, and one imported for another
-- event hints at a wrong --event.
SELECT b.id, b.event_id, e.slug AS event_slug, b.file_name, b.finished_at
FROM import_batches AS b
LEFT JOIN events AS e ON e.id = b.event_id
WHERE b.source = 'quicket' AND b.sha256 = $1
ORDER BY (b.event_id = $2) DESC, b.id DESC
LIMIT 1
