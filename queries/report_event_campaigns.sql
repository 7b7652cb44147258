-- The campaigns of an event, whose slugs (slugify(name), not stored) the
-- marketing sources are matched against in Rust. Read here, in the report's
-- snapshot, rather than through campaign::list, so that the matching and the
-- sections see the same campaigns. `aliases`: the old slugs a renamed
-- campaign keeps (`campaigns rename --keep-old-slug`), matched like its slug.
--
--   $1  int  event id
SELECT id, event_id, name::text, campaign_type::text, status::text, description,
       created_at, updated_at,
       array(SELECT a.slug FROM attrib.campaign_slug_aliases a
             WHERE a.campaign_id = campaigns.id ORDER BY a.created_at, a.slug) AS aliases
FROM campaigns
WHERE event_id = $1::int
ORDER BY id
