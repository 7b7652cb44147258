-- `attrib comms list --campaign C`: the communications of one campaign, in
-- the order they went out (drafts last). Times in the session time zone.
SELECT co.id,
       co.channel::text                                   AS channel,
       co.title::text                                     AS title,
       co.status::text                                    AS status,
       to_char(co.sent_at, 'YYYY-MM-DD HH24:MI')          AS sent_at,
       co.recipient_count                                 AS recipients,
       co.brevo_template_id                               AS brevo_template,
       co.brevo_campaign_id                               AS brevo_campaign,
       co.post_url,
       co.content_summary                                 AS summary
FROM communications co
WHERE co.campaign_id = $1
ORDER BY co.sent_at NULLS LAST, co.id
