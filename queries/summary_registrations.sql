-- New registrations of an event in the window [since, until), per campaign,
-- beside the running totals (every registration before "until"), bucketed
-- exactly as `attrib report` does: the classification of the event's
-- distinct sources (src/attribution.rs) arrives as parallel arrays, the same
-- as report_campaigns.sql takes them.
--
-- A registration is a ticket of the event that is neither cancelled nor
-- refunded; it is new when purchased_at >= since (and < until).
--
--   $1  int          event id
--   $2  timestamptz  since (inclusive)
--   $3  timestamptz  until (exclusive)
--   $4  text[]       raw source, as stored ('' for NULL)
--   $5  text[]       its bucket: campaign | ambiguous | unattributed | no_source
--   $6  int[]        the campaign it names (bucket campaign), else NULL
--   $7  text[]       the source in slug form
--   $8  int[]        the event's campaign ids ...
--   $9  text[]       ... and their slugs (slugify(name): slugs are not stored)
--
-- Rows: one per campaign of the event (also with nothing new), one per
-- ambiguous source, then unattributed, no_source and total, always.
WITH source_map AS (
    SELECT *
    FROM unnest($4::text[], $5::text[], $6::int[], $7::text[])
         AS m(source, bucket, campaign_id, normalised)
),
registrations AS (
    SELECT t.purchased_at >= $2::timestamptz AS is_new,
           -- As in the report: a source missing from the map (impossible in
           -- one snapshot) still counts, as unattributed.
           coalesce(m.bucket, 'unattributed') AS bucket,
           CASE m.bucket
               WHEN 'campaign' THEN m.campaign_id::text
               WHEN 'ambiguous' THEN m.normalised
           END AS key
    FROM tickets t
    LEFT JOIN source_map m ON m.source = coalesce(t.marketing_source, '')
    WHERE t.event_id = $1::int
      AND t.status NOT IN ('cancelled', 'refunded')
      AND t.purchased_at < $3::timestamptz
),
by_bucket AS (
    SELECT bucket, key,
           count(*) FILTER (WHERE is_new) AS new_registrations,
           count(*) AS registrations
    FROM registrations
    GROUP BY bucket, key
),
summary_rows AS (
    SELECT 1 AS part, 'campaign' AS kind, c.id AS campaign_id, c.name::text AS name, s.slug,
           coalesce(b.new_registrations, 0) AS new_registrations,
           coalesce(b.registrations, 0) AS registrations
    FROM campaigns c
    LEFT JOIN unnest($8::int[], $9::text[]) AS s(id, slug) ON s.id = c.id
    LEFT JOIN by_bucket b ON b.bucket = 'campaign' AND b.key = c.id::text
    WHERE c.event_id = $1::int
    UNION ALL
    SELECT 2, 'ambiguous', NULL, NULL, b.key, b.new_registrations, b.registrations
    FROM by_bucket b
    WHERE b.bucket = 'ambiguous'
    UNION ALL
    SELECT l.part, l.kind, NULL, NULL, NULL,
           coalesce(b.new_registrations, 0), coalesce(b.registrations, 0)
    FROM (VALUES (3, 'unattributed'), (4, 'no_source')) AS l(part, kind)
    LEFT JOIN by_bucket b ON b.bucket = l.kind
    UNION ALL
    SELECT 5, 'total', NULL, NULL, NULL,
           coalesce(sum(new_registrations), 0), coalesce(sum(registrations), 0)
    FROM by_bucket
)
SELECT kind, campaign_id, name, slug,
       new_registrations::bigint AS new_registrations,
       registrations::bigint AS registrations
FROM summary_rows
ORDER BY part, new_registrations DESC, registrations DESC, campaign_id, slug COLLATE "C"
