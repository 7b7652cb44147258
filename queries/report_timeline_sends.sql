-- When each communication of an event went out (sent or published), for the
-- marks on the HTML report's timeline: every channel, by time. Days are
-- calendar days in the session time zone (--timezone).
--
--   $1  int  event id
SELECT cm.campaign_id,
       cm.id AS communication_id,
       cm.channel::text AS channel,
       cm.title::text AS title,
       cm.sent_at::date AS day,
       to_char(cm.sent_at, 'YYYY-MM-DD HH24:MI') AS sent_at
FROM communications cm
JOIN campaigns c ON c.id = cm.campaign_id
WHERE c.event_id = $1::int
  AND cm.sent_at IS NOT NULL
ORDER BY cm.sent_at, cm.id
