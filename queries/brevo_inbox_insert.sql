-- Brevo events accepted by `brevo listen`: the events of one group of
-- webhook requests into attrib.brevo_inbox, in one statement (its own
-- transaction: committed, and durable, when it returns). One array per
-- column, as src/brevo/inbox.rs (InboxRows) fills them.
INSERT INTO attrib.brevo_inbox
    (message_id, email, template_id, camp_id, event, ts_epoch, ts_sent, link, reason, rank,
     is_error, entry, raw)
SELECT message_id, email, template_id, camp_id, event, ts_epoch, ts_sent, link, reason, rank,
       is_error, entry::jsonb, raw
FROM unnest($1::text[], $2::text[], $3::integer[], $4::integer[], $5::text[], $6::bigint[],
            $7::bigint[], $8::text[], $9::text[], $10::smallint[], $11::boolean[], $12::text[],
            $13::text[])
     AS e (message_id, email, template_id, camp_id, event, ts_epoch, ts_sent, link, reason, rank,
           is_error, entry, raw)
