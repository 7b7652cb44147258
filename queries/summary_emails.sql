-- Funnel movement of the event's email communications sent in the window
-- [since, until): for each, its recipients as they stand now, in the
-- report's cumulative stages (queries/report_funnel.sql):
--   sent      = sent, delivered, opened, clicked or bounced
--   delivered = delivered, opened or clicked
--   opened    = opened or clicked
--   clicked   = clicked
-- and besides: bounced, failed, queued (a NULL status is the default, queued).
-- Rates are fractions, NULL when the denominator is zero:
--   delivery_rate = delivered / sent, open_rate = opened / delivered,
--   click_rate = clicked / delivered, bounce_rate = bounced / sent.
--
--   $1  int          event id
--   $2  timestamptz  since (inclusive)
--   $3  timestamptz  until (exclusive)
WITH sent_emails AS (
    SELECT cm.id, cm.campaign_id, c.name AS campaign, cm.title, cm.sent_at
    FROM communications cm
    JOIN campaigns c ON c.id = cm.campaign_id
    WHERE c.event_id = $1::int
      AND cm.channel = 'email'
      AND cm.sent_at >= $2::timestamptz
      AND cm.sent_at < $3::timestamptz
),
counts AS (
    SELECT e.id,
           count(r.contact_id) AS recipients,
           count(*) FILTER (WHERE r.status IN ('sent', 'delivered', 'opened', 'clicked', 'bounced')) AS sent,
           count(*) FILTER (WHERE r.status IN ('delivered', 'opened', 'clicked')) AS delivered,
           count(*) FILTER (WHERE r.status IN ('opened', 'clicked')) AS opened,
           count(*) FILTER (WHERE r.status = 'clicked') AS clicked,
           count(*) FILTER (WHERE r.status = 'bounced') AS bounced,
           count(*) FILTER (WHERE r.status = 'failed') AS failed,
           count(*) FILTER (WHERE r.contact_id IS NOT NULL
                              AND (r.status = 'queued' OR r.status IS NULL)) AS queued
    FROM sent_emails e
    -- An email with no recipients yet still has its row, with zeros.
    LEFT JOIN communication_recipients r ON r.communication_id = e.id
    GROUP BY e.id
)
SELECT e.campaign_id,
       e.campaign::text AS campaign,
       e.id AS communication_id,
       e.title::text AS title,
       to_char(e.sent_at, 'YYYY-MM-DD HH24:MI') AS sent_at,
       k.recipients, k.sent, k.delivered, k.opened, k.clicked, k.bounced, k.failed, k.queued,
       round(k.delivered::numeric / nullif(k.sent, 0), 4)::float8 AS delivery_rate,
       round(k.opened::numeric / nullif(k.delivered, 0), 4)::float8 AS open_rate,
       round(k.clicked::numeric / nullif(k.delivered, 0), 4)::float8 AS click_rate,
       round(k.bounced::numeric / nullif(k.sent, 0), 4)::float8 AS bounce_rate
FROM sent_emails e
JOIN counts k ON k.id = e.id
ORDER BY e.sent_at, e.id
