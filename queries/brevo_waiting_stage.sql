-- Brevo events: stage every waiting event again (brevo rematch, and after
-- recipients import and comms add), to be matched like new ones. Returns
-- how many were staged, and how many of them are marketing events.
WITH staged AS (
    INSERT INTO brevo_staging
        (seq, message_id, email, template_id, camp_id, event, ts_epoch, ts_sent, link, reason,
         rank, is_error, entry, raw, waiting_id)
    SELECT id, message_id, email, template_id, camp_id, event, ts_epoch, ts_sent, link, reason,
           rank, is_error, entry, raw, id
    FROM attrib.brevo_waiting
    ORDER BY id
    RETURNING camp_id
)
SELECT count(*) AS events, count(camp_id) AS marketing FROM staged
