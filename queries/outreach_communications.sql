-- `attrib outreach --event E` (question 2), second part: every
-- communication of the event across channels, with how far its emails got
-- (a recipient who opened was also delivered to, and so on).
SELECT co.id,
       ca.name::text                                       AS campaign,
       co.channel::text                                    AS channel,
       co.title::text                                      AS title,
       co.status::text                                     AS status,
       to_char(co.sent_at, 'YYYY-MM-DD HH24:MI')           AS sent_at,
       co.recipient_count                                  AS recipients,
       count(r.id) FILTER (WHERE r.status IN ('delivered', 'opened', 'clicked')) AS delivered,
       count(r.id) FILTER (WHERE r.status IN ('opened', 'clicked'))              AS opened,
       count(r.id) FILTER (WHERE r.status = 'clicked')                           AS clicked,
       count(r.id) FILTER (WHERE r.status IN ('bounced', 'failed'))              AS bounced_or_failed,
       co.brevo_template_id                                AS brevo_template,
       co.brevo_campaign_id                                AS brevo_campaign,
       co.post_url
FROM communications co
JOIN campaigns ca ON ca.id = co.campaign_id
LEFT JOIN communication_recipients r ON r.communication_id = co.id
WHERE ca.event_id = $1
GROUP BY co.id, ca.name, ca.created_at, ca.id
ORDER BY co.sent_at NULLS LAST, ca.created_at, co.id
