-- The campaigns of an event, whose slugs (slugify(name), not stored) the
-- marketing sources are matched against in Rust. Read here, in the report's
-- snapshot, rather than through campaign::list, so that the matching and the
-- sections see the same campaigns.
--
--   $1  int  event id
SELECT id, event_id, name::text, campaign_type::text, status::text, description,
       created_at, updated_at
FROM campaigns
WHERE event_id = $1::int
ORDER BY id
