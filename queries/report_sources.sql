-- The distinct marketing sources of an event's registrations. They are few;
-- attrib classifies each in Rust (src/attribution.rs: slug, campaign-N, did
-- you mean) and passes the result to the section queries as arrays.
--
-- A registration is a ticket of the event that is neither cancelled nor
-- refunded. NULL and '' both mean "no source" and come back as ''.
--
--   $1  int  event id
SELECT DISTINCT coalesce(t.marketing_source, '') AS source
FROM tickets t
WHERE t.event_id = $1::int
  AND t.status NOT IN ('cancelled', 'refunded')
ORDER BY 1
