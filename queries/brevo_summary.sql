-- `attrib brevo ingest`: how the staged events matched.
SELECT count(*) FILTER (WHERE by_message_id)     AS by_message_id,
       count(*) FILTER (WHERE NOT by_message_id) AS by_email_and_template
FROM brevo_matched
