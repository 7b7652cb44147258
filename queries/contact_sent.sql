-- `attrib contact EMAIL [--event E]` (question 3: has Jane received any
-- emails about the 2026 event?): everything this contact ($1) was sent, for
-- one event ($2) or all, with the status and the last Brevo event known.
SELECT e.slug::text                                             AS event,
       ca.name::text                                            AS campaign,
       co.title::text                                           AS communication,
       r.status::text                                           AS status,
       to_char(coalesce(r.sent_at, co.sent_at), 'YYYY-MM-DD HH24:MI') AS sent_at,
       r.metadata -> 'brevo_events' -> -1 ->> 'event'           AS last_event,
       -- Only a plausible epoch in milliseconds (up to 13 digits: before the
       -- year 2286) becomes a time: any other value already stored (a
       -- far-future or malformed ts_epoch) shows as no time, instead of
       -- failing the whole query with "interval out of range".
       CASE WHEN r.metadata -> 'brevo_events' -> -1 ->> 'ts_epoch' ~ '^[0-9]{1,13}$'
            THEN to_char(timestamptz 'epoch'
                         + (r.metadata -> 'brevo_events' -> -1 ->> 'ts_epoch')::bigint
                           * interval '1 millisecond',
                         'YYYY-MM-DD HH24:MI')
       END                                                      AS last_event_at
FROM communication_recipients r
JOIN communications co ON co.id = r.communication_id
JOIN campaigns ca ON ca.id = co.campaign_id
JOIN events e ON e.id = ca.event_id
WHERE r.contact_id = $1
  AND ($2::int IS NULL OR ca.event_id = $2)
ORDER BY coalesce(r.sent_at, co.sent_at) NULLS LAST, co.id
