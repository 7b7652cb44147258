-- The unattributed sources of an event (normalised values that name no
-- campaign), with their registrations in the window [since, until), their
-- running totals, and when each was first seen: the purchase time of its
-- first registration. A source is newly seen when that falls in the window.
-- The "did you mean" slug comes from Rust (src/attribution.rs), as in the
-- report's section 2.
--
--   $1  int          event id
--   $2  timestamptz  since (inclusive)
--   $3  timestamptz  until (exclusive)
--   $4  text[]       raw sources (as stored) that name no campaign ...
--   $5  text[]       ... in slug form ...
--   $6  text[]       ... and the suggested campaign slug, or NULL
SELECT m.normalised AS source,
       count(*) FILTER (WHERE t.purchased_at >= $2::timestamptz) AS new_registrations,
       count(*) AS registrations,
       min(t.purchased_at) >= $2::timestamptz AS newly_seen,
       to_char(min(t.purchased_at), 'YYYY-MM-DD HH24:MI') AS first_seen,
       min(m.suggestion) AS suggestion,
       mode() WITHIN GROUP (ORDER BY t.marketing_source) AS example
FROM tickets t
JOIN unnest($4::text[], $5::text[], $6::text[]) AS m(source, normalised, suggestion)
  ON m.source = t.marketing_source
WHERE t.event_id = $1::int
  AND t.status NOT IN ('cancelled', 'refunded')
  AND t.purchased_at < $3::timestamptz
GROUP BY m.normalised
ORDER BY new_registrations DESC, registrations DESC, m.normalised COLLATE "C"
