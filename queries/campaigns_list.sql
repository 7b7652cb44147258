-- `attrib campaigns list`: every campaign, or those of the given events, with
-- its event and how many communications it has. Times in the session time
-- zone (--timezone). The slug is added in Rust: slugify(name), not stored.
--
--   $1  int[]  event ids, or NULL for every event
SELECT c.id,
       e.slug::text AS event,
       c.name::text AS name,
       c.campaign_type::text AS campaign_type,
       c.status::text AS status,
       (SELECT count(*) FROM communications cm WHERE cm.campaign_id = c.id) AS communications,
       c.description,
       to_char(c.created_at, 'YYYY-MM-DD HH24:MI') AS created_at,
       to_char(c.updated_at, 'YYYY-MM-DD HH24:MI') AS updated_at
FROM campaigns c
JOIN events e ON e.id = c.event_id
WHERE $1::int[] IS NULL OR c.event_id = ANY ($1::int[])
ORDER BY e.starts_on, e.id, c.id
