-- Attribution models side by side: an event's registrations credited to its
-- campaigns by source matching and by three touch models.
--
-- A registration is a ticket of the event that is neither cancelled nor
-- refunded.
--
-- source       the ticket's marketing_source names the campaign (the mapping
--              of distinct sources was decided in Rust, src/attribution.rs).
-- A touch of a registration is an email communication of the same event
-- whose recipient row for the ticket's contact reached at least `delivered`
-- (delivered, opened or clicked), sent (the row's sent_at, else the
-- communication's) within the window before the purchase:
--     purchased_at - window <= sent_at <= purchased_at
-- first_touch  the whole credit to the earliest touch;
-- last_touch   the whole credit to the latest touch;
--              ties (same sent_at): the lowest communication id wins, both ways;
-- linear       the credit split equally: a campaign with k of a ticket's n
--              touches gets k/n.
-- Every registration is credited exactly once per model: to campaigns, or
-- to the ambiguous / unattributed / no-source rows (source) or the no-touch
-- row (touch models). Each column therefore adds up to the total row, the
-- event's registrations.
--
-- Linear credits are summed exactly (numeric) and shown in hundredths,
-- rounded by largest remainder: each campaign's rounded down, the
-- hundredths left over one each to the largest remainders (ties: lowest
-- campaign id), so that the rounded credits still add up exactly.
--
--   $1  int     event id
--   $2  int     window, in hours
--   $3  text[]  raw source, as stored ('' for NULL)
--   $4  text[]  its bucket: campaign | ambiguous | unattributed | no_source
--   $5  int[]   the campaign it names (bucket campaign), else NULL
--   $6  int[]   the event's campaign ids ...
--   $7  text[]  ... and their slugs (slugify(name): slugs are not stored)
WITH source_map AS (
    SELECT *
    FROM unnest($3::text[], $4::text[], $5::int[]) AS m(source, bucket, campaign_id)
),
registrations AS (
    SELECT t.id, t.contact_id, t.purchased_at
    FROM tickets t
    WHERE t.event_id = $1::int
      AND t.status NOT IN ('cancelled', 'refunded')
),
emails AS (
    SELECT cm.id, cm.campaign_id, cm.sent_at
    FROM communications cm
    JOIN campaigns c ON c.id = cm.campaign_id
    WHERE c.event_id = $1::int
      AND cm.channel = 'email'
),
touches AS (
    SELECT g.id AS ticket_id,
           e.campaign_id,
           e.id AS communication_id,
           coalesce(r.sent_at, e.sent_at) AS touched_at
    FROM emails e
    JOIN communication_recipients r ON r.communication_id = e.id
    JOIN registrations g ON g.contact_id = r.contact_id
    WHERE r.status IN ('delivered', 'opened', 'clicked')
      AND coalesce(r.sent_at, e.sent_at)
          BETWEEN g.purchased_at - $2::int * interval '1 hour' AND g.purchased_at
),
ranked AS (
    SELECT ticket_id,
           campaign_id,
           row_number() OVER (PARTITION BY ticket_id ORDER BY touched_at, communication_id) AS from_first,
           row_number() OVER (PARTITION BY ticket_id ORDER BY touched_at DESC, communication_id) AS from_last,
           count(*) OVER (PARTITION BY ticket_id) AS touches
    FROM touches
),
credits AS (
    SELECT campaign_id,
           count(*) FILTER (WHERE from_first = 1) AS first_touch,
           count(*) FILTER (WHERE from_last = 1) AS last_touch,
           -- In hundredths. 100/3 is 33.33... to 20 places: rounding to 10
           -- removes that noise from a sum that is whole in truth.
           round(sum(100::numeric / touches), 10) AS linear_hundredths
    FROM ranked
    GROUP BY campaign_id
),
touched AS (
    SELECT count(*) AS tickets FROM ranked WHERE from_first = 1
),
rounded AS (
    SELECT campaign_id,
           first_touch,
           last_touch,
           floor(linear_hundredths)
           + CASE WHEN row_number() OVER (ORDER BY linear_hundredths - floor(linear_hundredths) DESC, campaign_id)
                       <= (SELECT tickets FROM touched) * 100 - sum(floor(linear_hundredths)) OVER ()
                  THEN 1 ELSE 0 END AS linear_hundredths
    FROM credits
),
-- The source model, as section 1 counts it (report_campaigns.sql).
source_counts AS (
    SELECT coalesce(m.bucket, 'unattributed') AS bucket,
           m.campaign_id,
           count(*) AS registrations
    FROM tickets t
    -- A source missing from the map (impossible in one snapshot) still
    -- counts, as unattributed.
    LEFT JOIN source_map m ON m.source = coalesce(t.marketing_source, '')
    WHERE t.event_id = $1::int
      AND t.status NOT IN ('cancelled', 'refunded')
    GROUP BY 1, 2
),
total AS (
    SELECT coalesce(sum(registrations), 0) AS registrations FROM source_counts
),
event_campaigns AS (
    SELECT c.id, c.name, s.slug
    FROM campaigns c
    LEFT JOIN unnest($6::int[], $7::text[]) AS s(id, slug) ON s.id = c.id
    WHERE c.event_id = $1::int
),
model_rows AS (
    SELECT 1 AS part, 'campaign' AS kind, c.id AS campaign_id, c.name::text AS name, c.slug,
           coalesce(sc.registrations, 0) AS source,
           coalesce(r.first_touch, 0) AS first_touch,
           coalesce(r.last_touch, 0) AS last_touch,
           coalesce(r.linear_hundredths, 0) AS linear_hundredths
    FROM event_campaigns c
    LEFT JOIN source_counts sc ON sc.bucket = 'campaign' AND sc.campaign_id = c.id
    LEFT JOIN rounded r ON r.campaign_id = c.id
    UNION ALL
    -- Registrations the source model credits to no campaign; the touch
    -- models have no such rows (NULL).
    SELECT b.part, b.kind, NULL, b.name, NULL,
           coalesce((SELECT sum(sc.registrations) FROM source_counts sc WHERE sc.bucket = b.kind), 0),
           NULL, NULL, NULL
    FROM (VALUES (2, 'ambiguous', 'Ambiguous source'),
                 (3, 'unattributed', 'Unattributed source'),
                 (4, 'no_source', 'No source')) AS b(part, kind, name)
    UNION ALL
    -- Registrations with no touch in the window: the same tickets for the
    -- three touch models; the source model has no such row.
    SELECT 5, 'no_touch', NULL, 'No touch', NULL, NULL, n, n, n * 100
    FROM (SELECT (SELECT registrations FROM total) - (SELECT tickets FROM touched) AS n) AS x
    UNION ALL
    SELECT 6, 'total', NULL, 'Total', NULL, n, n, n, n * 100
    FROM (SELECT registrations AS n FROM total) AS x
)
SELECT kind,
       campaign_id,
       name,
       slug,
       source::bigint AS source,
       first_touch::bigint AS first_touch,
       last_touch::bigint AS last_touch,
       (linear_hundredths / 100)::float8 AS linear
FROM model_rows
ORDER BY part, campaign_id
