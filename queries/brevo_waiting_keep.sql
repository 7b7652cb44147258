-- Brevo events: the unmatched events wait in attrib.brevo_waiting (once
-- each: the same event again adds nothing); events staged from there that
-- matched now leave it. $1 names the source (a file name, or 'http').
WITH kept AS (
    INSERT INTO attrib.brevo_waiting
        (source, message_id, email, template_id, camp_id, event, ts_epoch, ts_sent, link, reason,
         rank, is_error, entry, raw)
    SELECT $1, message_id, email, template_id, camp_id, event, ts_epoch, ts_sent, link, reason,
           rank, is_error, entry, raw
    FROM brevo_matched
    WHERE recipient_id IS NULL AND waiting_id IS NULL
    ORDER BY seq
    ON CONFLICT (identity) DO NOTHING
    RETURNING 1
),
applied AS (
    DELETE FROM attrib.brevo_waiting w
    USING brevo_matched m
    WHERE m.waiting_id = w.id AND m.recipient_id IS NOT NULL
    RETURNING 1
)
SELECT (SELECT count(*) FROM kept)    AS kept,
       (SELECT count(*) FROM applied) AS applied,
       -- The CTEs' changes are not visible to this statement's snapshot.
       (SELECT count(*) FROM attrib.brevo_waiting)
           + (SELECT count(*) FROM kept) - (SELECT count(*) FROM applied) AS waiting
