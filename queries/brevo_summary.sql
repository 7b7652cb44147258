-- Brevo events: how the staged events matched (src/brevo/apply.rs).
SELECT count(*) FILTER (WHERE matched_by = 'message_id') AS by_message_id,
       count(*) FILTER (WHERE matched_by = 'template')   AS by_email_and_template,
       count(*) FILTER (WHERE matched_by = 'campaign')   AS by_campaign,
       count(*) FILTER (WHERE recipient_id IS NULL)      AS unmatched
FROM brevo_matched
