-- The assets an `ASSET` argument may name: by id ($1), or by exact title ($2)
-- within an event ($3, or any event when NULL).
SELECT a.id, a.event_id, a.title::text AS title, e.slug::text AS event_slug
FROM marketing_assets a
JOIN events e ON e.id = a.event_id
WHERE ($1::int IS NOT NULL AND a.id = $1)
   OR ($2::text IS NOT NULL AND a.title = $2 AND ($3::int IS NULL OR a.event_id = $3))
ORDER BY a.id
