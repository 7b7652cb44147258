-- `attrib brevo ingest`: how the staged events matched.
SELECT count(*) FILTER (WHERE by_message_id)                                  AS by_message_id,
       count(*) FILTER (WHERE NOT by_message_id AND recipient_id IS NOT NULL) AS by_email_and_template,
       count(*) FILTER (WHERE recipient_id IS NULL)                           AS unmatched
FROM brevo_matched
