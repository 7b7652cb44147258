-- Section 4: the recipient funnel of an event's emails, per email
-- communication and per campaign (communication_id NULL: all its emails).
--
-- recipients: every recipient row. The stages are cumulative:
--   sent      = sent, delivered, opened, clicked or bounced
--   delivered = delivered, opened or clicked
--   opened    = opened or clicked
--   clicked   = clicked
-- and besides: bounced, failed, queued (not sent yet).
-- Rates (fractions, NULL when the denominator is zero):
--   delivery_rate = delivered / sent      open_rate     = opened / delivered
--   click_rate    = clicked / delivered   click_to_open = clicked / opened
--   bounce_rate   = bounced / sent
--
--   $1  int  event id
WITH status_counts AS (
    -- Counted per email and status first: few groups, read from the index
    -- on (communication_id, status, contact_id) alone.
    SELECT cm.campaign_id,
           cm.id AS communication_id,
           r.status,
           count(r.contact_id) AS n
    FROM campaigns c
    JOIN communications cm ON cm.campaign_id = c.id AND cm.channel = 'email'
    -- An email with no recipients yet still has its row, with zeros.
    LEFT JOIN communication_recipients r ON r.communication_id = cm.id
    WHERE c.event_id = $1::int
    GROUP BY cm.campaign_id, cm.id, r.status
),
counts AS (
    SELECT campaign_id,
           communication_id,
           GROUPING(communication_id) = 1 AS all_emails,
           sum(n)::bigint AS recipients,
           coalesce(sum(n) FILTER (WHERE status IN ('sent', 'delivered', 'opened', 'clicked', 'bounced')), 0)::bigint AS sent,
           coalesce(sum(n) FILTER (WHERE status IN ('delivered', 'opened', 'clicked')), 0)::bigint AS delivered,
           coalesce(sum(n) FILTER (WHERE status IN ('opened', 'clicked')), 0)::bigint AS opened,
           coalesce(sum(n) FILTER (WHERE status = 'clicked'), 0)::bigint AS clicked,
           coalesce(sum(n) FILTER (WHERE status = 'bounced'), 0)::bigint AS bounced,
           coalesce(sum(n) FILTER (WHERE status = 'failed'), 0)::bigint AS failed,
           -- A status left NULL is the column's default: queued.
           coalesce(sum(n) FILTER (WHERE status = 'queued' OR status IS NULL), 0)::bigint AS queued
    FROM status_counts
    GROUP BY GROUPING SETS ((campaign_id, communication_id), (campaign_id))
)
SELECT k.campaign_id,
       c.name::text AS campaign,
       k.communication_id,
       CASE WHEN k.all_emails THEN 'All emails of the campaign' ELSE cm.title::text END AS title,
       to_char(cm.sent_at, 'YYYY-MM-DD HH24:MI') AS sent_at,
       k.recipients, k.sent, k.delivered, k.opened, k.clicked, k.bounced, k.failed, k.queued,
       round(k.delivered::numeric / nullif(k.sent, 0), 4)::float8 AS delivery_rate,
       round(k.opened::numeric / nullif(k.delivered, 0), 4)::float8 AS open_rate,
       round(k.clicked::numeric / nullif(k.delivered, 0), 4)::float8 AS click_rate,
       round(k.clicked::numeric / nullif(k.opened, 0), 4)::float8 AS click_to_open,
       round(k.bounced::numeric / nullif(k.sent, 0), 4)::float8 AS bounce_rate
FROM counts k
JOIN campaigns c ON c.id = k.campaign_id
LEFT JOIN communications cm ON cm.id = k.communication_id
ORDER BY k.campaign_id, k.all_emails, cm.sent_at NULLS LAST, k.communication_id
