-- Brevo events accepted by `brevo listen`: take the oldest of
-- attrib.brevo_inbox, at most $1 and none of the ids in $2 (events the
-- listener set aside, as they failed alone), out of it and into the
-- staging table, to be applied like a file's (src/brevo/apply.rs): by
-- the listener's applier, and by a rematch (what a stopped listener
-- left). In the caller's transaction: should applying fail, they stay in
-- the inbox. SKIP LOCKED: two listeners on one database each take their
-- own. Returns how many were staged, and how many of them are marketing
-- events.
WITH taken AS (
    DELETE FROM attrib.brevo_inbox
    WHERE id IN (SELECT id FROM attrib.brevo_inbox WHERE id <> ALL($2)
                 ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
    RETURNING id, message_id, email, template_id, camp_id, event, ts_epoch, ts_sent, link,
              reason, rank, is_error, entry, raw
),
staged AS (
    INSERT INTO brevo_staging
        (seq, message_id, email, template_id, camp_id, event, ts_epoch, ts_sent, link, reason,
         rank, is_error, entry, raw)
    -- seq: the inbox id, negated, so that a rematch can stage the inbox
    -- beside attrib.brevo_waiting, whose ids it uses.
    SELECT -id, message_id, email, template_id, camp_id, event, ts_epoch, ts_sent, link, reason,
           rank, is_error, entry, raw
    FROM taken
    RETURNING camp_id
)
SELECT count(*) AS events, count(camp_id) AS marketing FROM staged
