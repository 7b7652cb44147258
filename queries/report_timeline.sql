-- Cumulative registrations per campaign, day by day, for the HTML report's
-- timeline chart. A registration counts for the campaign its marketing
-- source names (source matching, as in section 1); days are calendar days in
-- the session time zone (--timezone). Only days with registrations are
-- listed: the chart holds each line level in between.
--
--   $1  int     event id
--   $2  text[]  raw sources (as stored, '' for NULL) that name one campaign ...
--   $3  int[]   ... and that campaign
WITH source_map AS (
    SELECT * FROM unnest($2::text[], $3::int[]) AS m(source, campaign_id)
),
daily AS (
    SELECT m.campaign_id,
           t.purchased_at::date AS day,
           count(*) AS registrations
    FROM tickets t
    JOIN source_map m ON m.source = coalesce(t.marketing_source, '')
    WHERE t.event_id = $1::int
      AND t.status NOT IN ('cancelled', 'refunded')
    GROUP BY m.campaign_id, t.purchased_at::date
)
SELECT campaign_id,
       day,
       registrations,
       sum(registrations) OVER (PARTITION BY campaign_id ORDER BY day)::bigint AS cumulative
FROM daily
ORDER BY campaign_id, day
