-- `attrib campaigns rename`: the campaigns of the event ($1) with the old
-- slugs each keeps, so that a new slug clashing with another campaign's
-- slug or alias is refused. Slugs are slugify(name), computed in Rust.
SELECT c.id, c.name::text,
       array(SELECT a.slug FROM attrib.campaign_slug_aliases a
             WHERE a.campaign_id = c.id ORDER BY a.slug) AS aliases
FROM campaigns c
WHERE c.event_id = $1
ORDER BY c.id
FOR UPDATE OF c
