-- Brevo events: the unmatched events wait in attrib.brevo_waiting (once
-- each: the same event again adds nothing); events staged from there that
-- matched now leave it. $1 names the source (a file name, or 'http'); $2
-- says whether to count the events waiting after this (a file or a
-- rematch; not every webhook group, as that reads the whole table).
WITH kept AS (
    INSERT INTO attrib.brevo_waiting
        (source, message_id, email, template_id, camp_id, event, ts_epoch, ts_sent, link, reason,
         rank, is_error, entry, raw)
    SELECT $1, s.message_id, s.email, s.template_id, s.camp_id, s.event, s.ts_epoch, s.ts_sent,
           s.link, s.reason, s.rank, s.is_error, s.entry, s.raw
    FROM brevo_matched m
    JOIN brevo_staging s ON s.seq = m.seq
    WHERE m.recipient_id IS NULL AND s.waiting_id IS NULL
    ORDER BY m.seq
    ON CONFLICT (identity) DO NOTHING
    RETURNING 1
),
applied AS (
    DELETE FROM attrib.brevo_waiting w
    USING brevo_matched m
    JOIN brevo_staging s ON s.seq = m.seq
    WHERE s.waiting_id = w.id AND m.recipient_id IS NOT NULL
    RETURNING 1
)
SELECT (SELECT count(*) FROM kept)    AS kept,
       (SELECT count(*) FROM applied) AS applied,
       -- The CTEs' changes are not visible to this statement's snapshot.
       CASE WHEN $2 THEN (SELECT count(*) FROM attrib.brevo_waiting)
                         + (SELECT count(*) FROM kept) - (SELECT count(*) FROM applied)
       END AS waiting
