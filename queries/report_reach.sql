-- Section 3: channel reach of an event's outreach.
--
-- Per communication channel: communications, how many were sent or published
-- (status sent or published), and for email the distinct recipients and how
-- many of them were delivered (status delivered, opened or clicked).
-- Per asset-distribution channel: assets shared, distributions, the summed
-- reach_estimate and how many distributions had no estimate.
-- Every allowed channel is listed, in the given order, also when unused.
--
--   $1  int     event id
--   $2  text[]  communication channels (communications.channel values)
--   $3  text[]  distribution channels (asset_distributions.channel values)
WITH event_communications AS (
    SELECT cm.id, cm.channel, cm.status
    FROM communications cm
    JOIN campaigns c ON c.id = cm.campaign_id
    WHERE c.event_id = $1::int
),
communication_counts AS (
    SELECT channel,
           count(*) AS communications,
           count(*) FILTER (WHERE status IN ('sent', 'published')) AS sent_or_published
    FROM event_communications
    GROUP BY channel
),
recipient_counts AS (
    SELECT cm.channel,
           count(DISTINCT r.contact_id) AS recipients,
           count(DISTINCT r.contact_id)
               FILTER (WHERE r.status IN ('delivered', 'opened', 'clicked')) AS delivered
    -- In channel order, so that the aggregate needs no sort of the recipients.
    FROM (SELECT id, channel FROM event_communications ORDER BY channel) AS cm
    JOIN communication_recipients r ON r.communication_id = cm.id
    GROUP BY cm.channel
),
distribution_counts AS (
    SELECT d.channel,
           count(DISTINCT d.asset_id) AS assets_shared,
           count(*) AS distributions,
           coalesce(sum(d.reach_estimate), 0) AS reach_estimate,
           count(*) FILTER (WHERE d.reach_estimate IS NULL) AS estimates_missing
    FROM asset_distributions d
    JOIN marketing_assets a ON a.id = d.asset_id
    WHERE a.event_id = $1::int
    GROUP BY d.channel
)
SELECT 1 AS part,
       ch.position,
       'communication' AS kind,
       ch.channel,
       coalesce(cc.communications, 0) AS communications,
       coalesce(cc.sent_or_published, 0) AS sent_or_published,
       CASE WHEN ch.channel = 'email' OR rc.recipients IS NOT NULL
            THEN coalesce(rc.recipients, 0) END AS recipients,
       CASE WHEN ch.channel = 'email' OR rc.recipients IS NOT NULL
            THEN coalesce(rc.delivered, 0) END AS delivered,
       NULL::bigint AS assets_shared,
       NULL::bigint AS distributions,
       NULL::bigint AS reach_estimate,
       NULL::bigint AS estimates_missing
FROM unnest($2::text[]) WITH ORDINALITY AS ch(channel, position)
LEFT JOIN communication_counts cc ON cc.channel = ch.channel
LEFT JOIN recipient_counts rc ON rc.channel = ch.channel
UNION ALL
SELECT 2,
       ch.position,
       'distribution',
       ch.channel,
       NULL, NULL, NULL, NULL,
       coalesce(dc.assets_shared, 0),
       coalesce(dc.distributions, 0),
       coalesce(dc.reach_estimate, 0)::bigint,
       coalesce(dc.estimates_missing, 0)
FROM unnest($3::text[]) WITH ORDINALITY AS ch(channel, position)
LEFT JOIN distribution_counts dc ON dc.channel = ch.channel
ORDER BY part, position
