-- `attrib who` (question 1: who did we send the CFP invitation to?): the
-- recipients of a campaign ($1), or of the campaigns of an event ($2) of a
-- type ($3). NULL parameters do not filter. Grouped by communication, in the
-- order they went out; times in the session time zone.
SELECT nullif(concat_ws(' ', ct.first_name, ct.last_name), '')          AS contact,
       ct.email::text                                                   AS email,
       ca.name::text                                                    AS campaign,
       co.title::text                                                   AS communication,
       r.status::text                                                   AS status,
       to_char(coalesce(r.sent_at, co.sent_at), 'YYYY-MM-DD HH24:MI')    AS sent_at
FROM communication_recipients r
JOIN communications co ON co.id = r.communication_id
JOIN campaigns ca ON ca.id = co.campaign_id
JOIN contacts ct ON ct.id = r.contact_id
WHERE ($1::int IS NULL OR ca.id = $1)
  AND ($2::int IS NULL OR ca.event_id = $2)
  AND ($3::text IS NULL OR ca.campaign_type = $3)
ORDER BY co.sent_at NULLS LAST, co.id, lower(ct.email)
