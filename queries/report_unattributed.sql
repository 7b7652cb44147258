-- Section 2: registrations whose marketing source names no campaign of the
-- event, by source in slug form, with the campaign slug it was probably meant
-- to be ("did you mean", decided in Rust by edit distance) and the most
-- common spelling as it appears in the tickets.
--
--   $1  int     event id
--   $2  text[]  raw sources (as stored) that name no campaign ...
--   $3  text[]  ... in slug form ...
--   $4  text[]  ... and the suggested campaign slug, or NULL
SELECT m.normalised AS source,
       count(*) AS registrations,
       min(m.suggestion) AS suggestion,
       mode() WITHIN GROUP (ORDER BY t.marketing_source) AS example
FROM tickets t
JOIN unnest($2::text[], $3::text[], $4::text[]) AS m(source, normalised, suggestion)
  ON m.source = t.marketing_source
WHERE t.event_id = $1::int
  AND t.status NOT IN ('cancelled', 'refunded')
GROUP BY m.normalised
ORDER BY registrations DESC, m.normalised COLLATE "C"
